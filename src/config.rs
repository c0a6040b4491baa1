//! `MqttConnectionConfig` (a JS object) into `ConnectionOptions`, with
//! aws-crt's defaults and rules, and errors that name the field.
//!
//! The MQTT.js dialect (js/mqttjs) builds the same config and sets a few
//! fields aws-crt has no word for: `keep_alive_off`, `connack_timeout_ms`,
//! `resend_in_flight_when_clean`, `tls_server_name` and `servers` (each with
//! `use_tls`).

use std::time::Duration;

use bytes::Bytes;
use napi::bindgen_prelude::{ClassInstance, Object, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;

use crate::client::{
    ConnectionOptions, ReconnectDelays, Server, WebsocketOptions, MAX_PACKET_SIZE,
};
use crate::protocol::{validate_topic_name, LastWill, QoS};
use crate::session::{QueueLimit, SessionOptions};
use crate::transport::{AddressFamily, Endpoint, Proxy, Route, TcpKeepalive, TlsContext};

use super::fields::{Checked, Fields, Invalid};
use super::tls::{alpn_list, NativeTlsContext};

const DEFAULT_KEEP_ALIVE_SECS: f64 = 1200.0;
const DEFAULT_PING_TIMEOUT_MS: f64 = 3000.0;
const DEFAULT_CONNECT_TIMEOUT_MS: f64 = 5000.0;
const DEFAULT_RECONNECT_MIN_SECS: f64 = 1.0;
const DEFAULT_RECONNECT_MAX_SECS: f64 = 128.0;
const DEFAULT_QUEUE_OPERATIONS: f64 = 10_000.0;
const DEFAULT_QUEUE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
const DEFAULT_RECEIVE_BUFFER_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// Milliseconds a timer may be set to: about 24.8 days, like Node's timers.
const MAX_MILLIS: f64 = 2_147_483_647.0;

/// The largest packet MQTT can frame, for the JS APIs' own range checks.
#[napi]
pub const MAX_PACKET_BYTES: u32 = MAX_PACKET_SIZE as u32;

pub fn connection_options(config: &Object<'_>) -> Checked<ConnectionOptions> {
    let fields = Fields::new(config, "config");
    let client_id = fields
        .optional_mqtt_string("client_id")?
        .ok_or_else(|| Invalid::Type("config.client_id is required (a string)".into()))?;
    let host = fields.string("host_name")?;
    if host.is_empty() {
        return Err(Invalid::Range("config.host_name must not be empty".into()));
    }
    let port = fields.integer("port", 0.0, 65535.0)? as u16;
    let endpoint = endpoint(&fields, host, port)?;

    let keep_alive_off = fields.optional_bool("keep_alive_off")?.unwrap_or(false);
    let keep_alive = match fields.optional_integer("keep_alive", 0.0, 65535.0)? {
        _ if keep_alive_off => 0.0,
        None | Some(0.0) => DEFAULT_KEEP_ALIVE_SECS,
        Some(secs) => secs,
    };
    let ping_timeout = match fields.optional_integer("ping_timeout", 0.0, MAX_MILLIS)? {
        None | Some(0.0) => match fields.optional_integer("timeout", 0.0, MAX_MILLIS)? {
            None | Some(0.0) => DEFAULT_PING_TIMEOUT_MS,
            Some(ms) => ms,
        },
        Some(ms) => ms,
    };
    if !keep_alive_off && keep_alive * 1000.0 <= ping_timeout {
        return Err(Invalid::Range(format!(
            "config.keep_alive ({keep_alive} s) must be greater than the ping timeout \
             ({ping_timeout} ms): the broker would drop the link before a late PINGRESP is noticed"
        )));
    }
    let connack_timeout = fields
        .optional_integer("connack_timeout_ms", 1.0, MAX_MILLIS)?
        .unwrap_or(ping_timeout);
    let operation_timeout =
        match fields.optional_integer("protocol_operation_timeout", 0.0, MAX_MILLIS)? {
            None | Some(0.0) => None,
            Some(ms) => Some(millis(ms)),
        };
    let username = fields.optional_mqtt_string("username")?;
    let password = fields.optional_string("password")?;
    if let Some(password) = &password {
        fields.check_field_length("password", password.len())?;
    }
    if password.is_some() && username.is_none() {
        return Err(Invalid::Type(
            "config.password needs config.username: MQTT 3.1.1 does not allow a password alone"
                .into(),
        ));
    }
    let session = SessionOptions {
        client_id,
        clean_session: fields.optional_bool("clean_session")?.unwrap_or(false),
        keep_alive: Duration::from_secs(keep_alive as u64),
        ping_timeout: millis(ping_timeout),
        connack_timeout: millis(connack_timeout),
        operation_timeout,
        resubscribe: fields.optional_bool("resubscribe")?.unwrap_or(true),
        resend_in_flight_when_clean: fields
            .optional_bool("resend_in_flight_when_clean")?
            .unwrap_or(false),
        queue_qos0_offline: fields.optional_bool("queue_qos0_offline")?.unwrap_or(false),
        queue_limit: QueueLimit {
            operations: fields
                .optional_integer("offline_queue_max_operations", 1.0, MAX_SAFE_INTEGER)?
                .unwrap_or(DEFAULT_QUEUE_OPERATIONS) as usize,
            bytes: fields
                .optional_integer("offline_queue_max_bytes", 1.0, MAX_SAFE_INTEGER)?
                .unwrap_or(DEFAULT_QUEUE_BYTES) as u64,
        },
        will: will(&fields)?,
        username,
        password: password.map(Bytes::from),
    };
    Ok(ConnectionOptions {
        session,
        route: Route {
            endpoint,
            tls: tls_context(&fields, "tls_ctx")?,
            server_name: fields.optional_string("tls_server_name")?,
            proxy: proxy(&fields)?,
        },
        max_incoming_packet_size: fields
            .optional_integer("max_incoming_packet_bytes", 2.0, MAX_PACKET_SIZE as f64)?
            .map_or(MAX_PACKET_SIZE, |bytes| bytes as usize),
        receive_buffer: fields
            .optional_integer("receive_buffer_bytes", 1.0, MAX_SAFE_INTEGER)?
            .unwrap_or(DEFAULT_RECEIVE_BUFFER_BYTES) as usize,
        reconnect_delays: reconnect_delays(&fields)?,
        websocket: websocket(&fields)?,
        retry_first_connect: fields
            .optional_bool("retry_first_connect")?
            .unwrap_or(false),
        servers: servers(&fields)?,
    })
}

fn millis(ms: f64) -> Duration {
    Duration::from_millis(ms as u64)
}

fn endpoint(fields: &Fields<'_, '_>, host: String, port: u16) -> Checked<Endpoint> {
    let mut endpoint = Endpoint {
        host,
        port,
        family: AddressFamily::Any,
        connect_timeout: millis(DEFAULT_CONNECT_TIMEOUT_MS),
        keepalive: None,
    };
    let Some(socket_options) = fields.optional_object("socket_options")? else {
        return Ok(endpoint);
    };
    let socket = Fields::new(&socket_options, "config.socket_options");
    if socket.optional_integer("type", 0.0, 1.0)? == Some(1.0) {
        return Err(Invalid::Range(
            "config.socket_options.type must be SocketType.STREAM: MQTT needs a stream socket"
                .into(),
        ));
    }
    endpoint.family = match socket.optional_integer("domain", 0.0, 2.0)? {
        Some(0.0) => AddressFamily::Ipv4Only,
        Some(2.0) => AddressFamily::Local,
        _ => AddressFamily::Any,
    };
    if let Some(ms) = socket.optional_integer("connect_timeout_ms", 0.0, MAX_MILLIS)? {
        if ms > 0.0 {
            endpoint.connect_timeout = millis(ms);
        }
    }
    let seconds = |field| -> Checked<Option<Duration>> {
        Ok(socket
            .optional_integer(field, 0.0, 65535.0)?
            .filter(|s| *s > 0.0)
            .map(|s| Duration::from_secs(s as u64)))
    };
    // Read (and so checked) even while keepalive is off.
    let keepalive = TcpKeepalive {
        idle: seconds("keep_alive_timeout_sec")?,
        interval: seconds("keep_alive_interval_sec")?,
        retries: socket
            .optional_integer("keep_alive_max_failed_probes", 0.0, 255.0)?
            .filter(|n| *n > 0.0)
            .map(|n| n as u32),
    };
    if socket.optional_bool("keepalive")?.unwrap_or(false) {
        endpoint.keepalive = Some(keepalive);
    }
    Ok(endpoint)
}

/// `use_websocket`, and whether the JS wrapper runs a handshake transform
/// (aws-crt ignores a transform without `use_websocket`, and so do we).
fn websocket(fields: &Fields<'_, '_>) -> Checked<Option<WebsocketOptions>> {
    if !fields.optional_bool("use_websocket")?.unwrap_or(false) {
        return Ok(None);
    }
    let transform =
        match fields.get("websocket_handshake_transform")? {
            None => false,
            Some(value) if value.get_type()? == ValueType::Function => true,
            Some(_) => return Err(Invalid::Type(
                "config.websocket_handshake_transform must be a function (request, done) => void"
                    .into(),
            )),
        };
    Ok(Some(WebsocketOptions { transform }))
}

/// The native half of the `io.ClientTlsContext` in `field`.
fn tls_context(fields: &Fields<'_, '_>, field: &str) -> Checked<Option<TlsContext>> {
    let Some(context) = fields.optional_object(field)? else {
        return Ok(None);
    };
    let native: Option<ClassInstance<'_, NativeTlsContext>> = context.get("native").ok().flatten();
    match native {
        Some(native) => Ok(Some(native.context().clone())),
        None => Err(Invalid::Type(format!(
            "{} must be an io.ClientTlsContext",
            fields.name(field)
        ))),
    }
}

/// `[{ host_name, port, use_tls? }]`: the broker of each attempt in turn;
/// `use_tls: false` leaves out the connection's TLS for that broker.
fn servers(fields: &Fields<'_, '_>) -> Checked<Vec<Server>> {
    let Some(value) = fields.get("servers")? else {
        return Ok(Vec::new());
    };
    let name = fields.name("servers");
    let not_a_list = || Invalid::Type(format!("{name} must be an array of {{ host_name, port }}"));
    if !value.is_array()? {
        return Err(not_a_list());
    }
    let items: Vec<Unknown<'_>> = unsafe { value.cast() }?;
    let mut servers = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        if item.get_type()? != ValueType::Object {
            return Err(not_a_list());
        }
        let server: Object<'_> = unsafe { item.cast() }?;
        let server = Fields::new(&server, format!("{name}[{i}]"));
        servers.push(Server {
            host: server.string("host_name")?,
            port: server.integer("port", 0.0, 65535.0)? as u16,
            tls: server.optional_bool("use_tls")?,
        });
    }
    Ok(servers)
}

/// `http.HttpProxyOptions`: always a CONNECT tunnel, as aws-crt does for MQTT.
fn proxy(fields: &Fields<'_, '_>) -> Checked<Option<Proxy>> {
    let Some(options) = fields.optional_object("proxy_options")? else {
        return Ok(None);
    };
    let proxy = Fields::new(&options, "config.proxy_options");
    let host = proxy.string("host_name")?;
    if host.is_empty() {
        return Err(Invalid::Range(
            "config.proxy_options.host_name must not be empty".into(),
        ));
    }
    let port = proxy.integer("port", 0.0, 65535.0)? as u16;
    // Checked whatever the method, though only Basic uses them.
    let user = proxy.optional_string("auth_username")?;
    let password = proxy.optional_string("auth_password")?;
    // Legacy, Forwarding or Tunneling: MQTT always tunnels, whichever is named.
    proxy.optional_integer("connection_type", 0.0, 2.0)?;
    let basic_auth = match proxy.optional_integer("auth_method", 0.0, 1.0)? {
        Some(1.0) => Some((user.unwrap_or_default(), password.unwrap_or_default())),
        _ => None,
    };
    let tls = match proxy.optional_object("tls_opts")? {
        None => None,
        Some(tls_opts) => {
            let connection = Fields::new(&tls_opts, "config.proxy_options.tls_opts");
            let context = tls_context(&connection, "tls_ctx")?.ok_or_else(|| {
                Invalid::Type(
                    "config.proxy_options.tls_opts must be an io.TlsConnectionOptions".into(),
                )
            })?;
            let alpn = alpn_list(&connection, "alpn_list")?;
            let context = if alpn.is_empty() {
                context
            } else {
                context.with_alpn(&alpn)
            };
            Some((context, connection.optional_string("server_name")?))
        }
    };
    Ok(Some(Proxy {
        host,
        port,
        basic_auth,
        tls,
    }))
}

fn will(fields: &Fields<'_, '_>) -> Checked<Option<LastWill>> {
    let Some(will) = fields.optional_object("will")? else {
        return Ok(None);
    };
    let will = Fields::new(&will, "config.will");
    let topic = will.string("topic")?;
    validate_topic_name(&topic)
        .map_err(|e| Invalid::Type(format!("config.will.topic is not a valid topic: {e}")))?;
    let qos = will.integer("qos", 0.0, 2.0)? as u8;
    let payload = will.optional_bytes("payload")?.unwrap_or_default();
    will.check_field_length("payload", payload.len())?;
    Ok(Some(LastWill {
        topic,
        payload: Bytes::from(payload),
        qos: QoS::from_u8(qos).unwrap_or(QoS::AtMostOnce),
        retain: will.optional_bool("retain")?.unwrap_or(false),
    }))
}

/// aws-crt's clamping: only min given, max = max(min, 128); only max given,
/// min = min(1, max); both given, min is capped at max.
fn reconnect_delays(fields: &Fields<'_, '_>) -> Checked<ReconnectDelays> {
    let min = fields.optional_non_negative("reconnect_min_sec", MAX_MILLIS / 1000.0)?;
    let max = fields.optional_non_negative("reconnect_max_sec", MAX_MILLIS / 1000.0)?;
    let (min, max) = match (min, max) {
        (None, None) => (DEFAULT_RECONNECT_MIN_SECS, DEFAULT_RECONNECT_MAX_SECS),
        (Some(min), None) => (min, min.max(DEFAULT_RECONNECT_MAX_SECS)),
        (None, Some(max)) => (DEFAULT_RECONNECT_MIN_SECS.min(max), max),
        (Some(min), Some(max)) => (min.min(max), max),
    };
    Ok(ReconnectDelays {
        min: Duration::from_secs_f64(min),
        max: Duration::from_secs_f64(max),
    })
}
