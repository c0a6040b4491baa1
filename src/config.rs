//! The engine's connection config as JS hands it over: plain values in the
//! engine's own words. Each JS API checks its own options, naming them its own
//! way, applies its own defaults and builds this; what is left here is the
//! conversion, the engine's own defaults (the limits shared by every API) and
//! bounds that no value may break even if a wrapper forgot a check.

use std::time::Duration;

use bytes::Bytes;
use napi::bindgen_prelude::{ClassInstance, Uint8Array};
use napi::{Error, Status};
use napi_derive::napi;

use crate::client::{
    ConnectionOptions, Jitter, ReconnectDelays, Server, WebsocketOptions, DEFAULT_RECEIVE_BUFFER,
    MAX_PACKET_SIZE,
};
use crate::protocol::{
    check_properties, validate_topic_name, Auth, LastWill, Property, PropertyContext,
    ProtocolVersion, QoS, ReasonCode,
};
use crate::session::{OfflineRetention, QueueLimit, SendRate, SessionOptions, TopicAliasing};
use crate::transport::{AddressFamily, Endpoint, Proxy, Route, TcpKeepalive};

use super::properties::{from_js, NativeProperties};
use super::tls::NativeTlsContext;

/// How a connection reaches its broker's address.
#[napi(string_enum = "lowercase")]
pub enum SocketFamily {
    /// IPv6 and IPv4 addresses, in the resolver's order.
    Any,
    Ipv4,
    /// A Unix domain socket at the path given as `host`.
    Local,
}

/// Which outbound publishes get a topic alias (MQTT 5), within the
/// broker's Topic Alias Maximum.
#[napi(string_enum = "lowercase")]
pub enum OutboundTopicAliases {
    /// None: the alias a publish names is dropped.
    Off,
    /// Only a publish that names one (its `topicAlias` property).
    Manual,
    /// Also a topic that already has one on this link.
    Reuse,
    /// Every topic, the least recently used alias handed on when all are
    /// taken (at most `topicAliasLimit` of them).
    Assign,
}

/// How each reconnect wait is drawn from its exponential step.
#[napi(string_enum = "lowercase")]
pub enum ReconnectJitter {
    /// A random point in the upper half of the step.
    Equal,
    /// A random point between zero and the step.
    Full,
    /// The step itself.
    None,
    /// A random point between the minimum and three times the last wait.
    Decorrelated,
}

#[napi(object)]
pub struct NativeWill {
    pub topic: String,
    pub payload: Uint8Array,
    pub qos: u32,
    pub retain: bool,
    /// MQTT 5 (Will Delay Interval, Message Expiry Interval, ...).
    pub properties: Option<NativeProperties>,
}

/// An AUTH packet's reason code and properties.
#[napi(object)]
pub struct NativeAuth {
    pub reason_code: u32,
    pub properties: Option<NativeProperties>,
}

/// What may go out per second; operations past it wait in the queue.
#[napi(object)]
pub struct NativeSendRate {
    pub publishes_per_second: u32,
    pub bytes_per_second: u32,
}

/// TCP keepalive probing; a field left out keeps the OS default.
#[napi(object)]
pub struct NativeTcpKeepalive {
    pub idle_secs: Option<u32>,
    pub interval_secs: Option<u32>,
    pub probes: Option<u32>,
}

/// `Proxy-Authorization: Basic` with this user name and password.
#[napi(object)]
pub struct NativeBasicAuth {
    pub username: String,
    pub password: String,
}

/// An HTTP proxy that tunnels to the broker with CONNECT.
#[napi(object, object_to_js = false)]
pub struct NativeProxy<'env> {
    pub host: String,
    pub port: u32,
    pub basic_auth: Option<NativeBasicAuth>,
    /// TLS to the proxy itself.
    pub tls: Option<ClassInstance<'env, NativeTlsContext>>,
    /// The ALPN list offered to the proxy, in place of the context's.
    pub tls_alpn: Option<Vec<String>>,
    /// The name to check on the proxy's certificate; its host if left out.
    pub tls_server_name: Option<String>,
}

/// One broker of `NativeConnectionConfig.servers`.
#[napi(object)]
pub struct NativeServer {
    pub host: String,
    pub port: u32,
    /// Whether this broker takes the connection's TLS; left out, it does
    /// when the connection has TLS.
    pub tls: Option<bool>,
}

/// The engine's config of one connection.
#[napi(object, object_to_js = false)]
pub struct NativeConnectionConfig<'env> {
    /// 4: MQTT 3.1.1; 5: MQTT 5.
    pub protocol_version: u32,
    /// MQTT 5: CONNECT's properties.
    pub connect_properties: Option<NativeProperties>,
    /// MQTT 5: which publishes get topic aliases; `manual` if left out.
    pub topic_aliases: Option<OutboundTopicAliases>,
    /// With `topicAliases: 'assign'`, the most aliases used (fewer if the
    /// broker takes fewer); left out, as many as the broker takes.
    pub topic_alias_limit: Option<u32>,
    /// MQTT 5: an AUTH sent right after each CONNECT (which names the
    /// Authentication Method in `connectProperties`).
    pub auth_after_connect: Option<NativeAuth>,
    pub client_id: String,
    /// CONNECT's clean session (clean start) flag.
    pub clean_start: bool,
    /// With `cleanStart`: once a CONNACK has accepted a connection, later
    /// CONNECTs rejoin the session, until a `disconnect` that fails what is
    /// unfinished.
    pub rejoin_once_connected: Option<bool>,
    /// 0 turns keepalive off.
    pub keep_alive_secs: u32,
    pub ping_timeout_ms: u32,
    pub connack_timeout_ms: u32,
    /// How long an acknowledgement may take once sent; left out, forever.
    pub operation_timeout_ms: Option<u32>,
    pub username: Option<String>,
    pub password: Option<Uint8Array>,
    pub will: Option<NativeWill>,
    /// Subscribe again after a CONNACK without a session.
    pub resubscribe: bool,
    /// With a clean session, send what was in flight again on the next link.
    pub resend_in_flight_when_clean: bool,
    /// A bound on what goes out per second; none if left out.
    pub send_rate: Option<NativeSendRate>,
    /// Queue QoS 0 publishes made while offline (else they fail, as do
    /// those not yet written when a link is lost).
    pub queue_qos0_offline: bool,
    /// The same for QoS 1 and 2 publishes not yet sent; true if left out.
    pub queue_acknowledged_publishes_offline: Option<bool>,
    /// The same for subscribes and unsubscribes, sent or not; true if left
    /// out.
    pub queue_subscriptions_offline: Option<bool>,
    pub offline_queue_max_operations: Option<f64>,
    pub offline_queue_max_bytes: Option<f64>,
    pub host: String,
    pub port: u32,
    pub family: SocketFamily,
    pub connect_timeout_ms: u32,
    pub tcp_keepalive: Option<NativeTcpKeepalive>,
    pub tls: Option<ClassInstance<'env, NativeTlsContext>>,
    /// Sent as SNI and checked on the certificate; `host` if left out.
    pub tls_server_name: Option<String>,
    pub proxy: Option<NativeProxy<'env>>,
    pub max_incoming_packet_bytes: Option<f64>,
    /// Message bytes JS has not taken past which the socket is not read.
    pub receive_buffer_bytes: Option<f64>,
    pub reconnect_min_ms: f64,
    pub reconnect_max_ms: f64,
    /// `equal` if left out.
    pub reconnect_jitter: Option<ReconnectJitter>,
    /// How long a link must stay up for the reconnect wait to start over
    /// from the minimum; 10 s if left out.
    pub reconnect_reset_after_ms: Option<f64>,
    /// A failed first attempt is retried like a reconnect.
    pub retry_first_connect: bool,
    /// MQTT over WebSockets.
    pub websocket: bool,
    /// Each WebSocket upgrade request comes to JS to be rewritten.
    pub transform_upgrade_requests: bool,
    /// The broker of each attempt in turn, in place of `host` and `port`.
    pub servers: Option<Vec<NativeServer>>,
}

/// `reconnectResetAfterMs` unless given: a link up 10 s counts as stable.
const DEFAULT_RESET_AFTER_MS: f64 = 10_000.0;

/// A value a JS API should never have let through: a bug in that API.
fn out_of_bounds(field: &str) -> Error {
    Error::new(
        Status::InvalidArg,
        format!("connection config: {field} is out of bounds"),
    )
}

fn port(field: &str, value: u32) -> napi::Result<u16> {
    u16::try_from(value).map_err(|_| out_of_bounds(field))
}

fn millis(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

fn fractional_millis(field: &str, ms: f64) -> napi::Result<Duration> {
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| out_of_bounds(field))
}

/// A count from JS: whole and at least 1.
fn count(field: &str, value: Option<f64>) -> napi::Result<Option<f64>> {
    match value {
        Some(n) if n.is_nan() || n < 1.0 => Err(out_of_bounds(field)),
        other => Ok(other),
    }
}

impl TryFrom<NativeConnectionConfig<'_>> for ConnectionOptions {
    type Error = Error;

    fn try_from(config: NativeConnectionConfig<'_>) -> napi::Result<ConnectionOptions> {
        let protocol = match config.protocol_version {
            4 => ProtocolVersion::V311,
            5 => ProtocolVersion::V5,
            _ => return Err(out_of_bounds("protocolVersion")),
        };
        let connect_properties = properties_at(
            "connectProperties",
            config.connect_properties,
            PropertyContext::Connect,
            protocol,
        )?;
        let auth_after_connect = config
            .auth_after_connect
            .map(|auth| {
                Ok::<_, Error>(Auth {
                    reason_code: ReasonCode(
                        u8::try_from(auth.reason_code)
                            .map_err(|_| out_of_bounds("authAfterConnect.reasonCode"))?,
                    ),
                    properties: properties_at(
                        "authAfterConnect.properties",
                        auth.properties,
                        PropertyContext::Auth,
                        protocol,
                    )?,
                })
            })
            .transpose()?;
        let default_queue = QueueLimit::default();
        let session = SessionOptions {
            protocol,
            connect_properties,
            auth_after_connect,
            send_rate: config.send_rate.map(|rate| SendRate {
                publishes_per_second: rate.publishes_per_second,
                bytes_per_second: rate.bytes_per_second,
            }),
            topic_aliasing: match config.topic_aliases {
                None | Some(OutboundTopicAliases::Manual) => TopicAliasing::Manual,
                Some(OutboundTopicAliases::Reuse) => TopicAliasing::Reuse,
                Some(OutboundTopicAliases::Assign) => TopicAliasing::Assign {
                    limit: match config.topic_alias_limit {
                        None => u16::MAX,
                        Some(n) => {
                            u16::try_from(n).map_err(|_| out_of_bounds("topicAliasLimit"))?
                        }
                    },
                },
                Some(OutboundTopicAliases::Off) => TopicAliasing::Off,
            },
            client_id: config.client_id,
            clean_session: config.clean_start,
            rejoin_once_connected: config.rejoin_once_connected.unwrap_or(false),
            keep_alive: Duration::from_secs(u64::from(config.keep_alive_secs)),
            ping_timeout: millis(config.ping_timeout_ms),
            connack_timeout: millis(config.connack_timeout_ms),
            operation_timeout: config.operation_timeout_ms.map(millis),
            resubscribe: config.resubscribe,
            resend_in_flight_when_clean: config.resend_in_flight_when_clean,
            offline: OfflineRetention {
                qos0_publishes: config.queue_qos0_offline,
                acknowledged_publishes: config.queue_acknowledged_publishes_offline.unwrap_or(true),
                subscriptions: config.queue_subscriptions_offline.unwrap_or(true),
            },
            queue_limit: QueueLimit {
                operations: count(
                    "offlineQueueMaxOperations",
                    config.offline_queue_max_operations,
                )?
                .map_or(default_queue.operations, |n| n as usize),
                bytes: count("offlineQueueMaxBytes", config.offline_queue_max_bytes)?
                    .map_or(default_queue.bytes, |n| n as u64),
            },
            will: config.will.map(|w| will(w, protocol)).transpose()?,
            username: config.username,
            password: config.password.map(|bytes| Bytes::copy_from_slice(&bytes)),
        };
        let max_incoming = count("maxIncomingPacketBytes", config.max_incoming_packet_bytes)?
            .map_or(MAX_PACKET_SIZE, |n| (n as usize).clamp(2, MAX_PACKET_SIZE));
        Ok(ConnectionOptions {
            session,
            route: Route {
                endpoint: Endpoint {
                    host: config.host,
                    port: port("port", config.port)?,
                    family: match config.family {
                        SocketFamily::Any => AddressFamily::Any,
                        SocketFamily::Ipv4 => AddressFamily::Ipv4Only,
                        SocketFamily::Local => AddressFamily::Local,
                    },
                    connect_timeout: millis(config.connect_timeout_ms),
                    keepalive: config.tcp_keepalive.map(tcp_keepalive),
                },
                tls: config.tls.map(|tls| tls.context().clone()),
                server_name: config.tls_server_name,
                proxy: config.proxy.map(proxy).transpose()?,
            },
            max_incoming_packet_size: max_incoming,
            receive_buffer: count("receiveBufferBytes", config.receive_buffer_bytes)?
                .map_or(DEFAULT_RECEIVE_BUFFER, |n| n as usize),
            reconnect_delays: ReconnectDelays {
                min: fractional_millis("reconnectMinMs", config.reconnect_min_ms)?,
                max: fractional_millis("reconnectMaxMs", config.reconnect_max_ms)?,
                jitter: match config.reconnect_jitter {
                    None | Some(ReconnectJitter::Equal) => Jitter::Equal,
                    Some(ReconnectJitter::Full) => Jitter::Full,
                    Some(ReconnectJitter::None) => Jitter::None,
                    Some(ReconnectJitter::Decorrelated) => Jitter::Decorrelated,
                },
                reset_after: fractional_millis(
                    "reconnectResetAfterMs",
                    config
                        .reconnect_reset_after_ms
                        .unwrap_or(DEFAULT_RESET_AFTER_MS),
                )?,
            },
            websocket: config.websocket.then_some(WebsocketOptions {
                transform: config.transform_upgrade_requests,
            }),
            retry_first_connect: config.retry_first_connect,
            servers: config
                .servers
                .unwrap_or_default()
                .into_iter()
                .map(|server| {
                    Ok(Server {
                        port: port("servers[].port", server.port)?,
                        host: server.host,
                        tls: server.tls,
                    })
                })
                .collect::<napi::Result<_>>()?,
        })
    }
}

fn tcp_keepalive(keepalive: NativeTcpKeepalive) -> TcpKeepalive {
    let seconds = |secs: Option<u32>| {
        secs.filter(|s| *s > 0)
            .map(|s| Duration::from_secs(u64::from(s)))
    };
    TcpKeepalive {
        idle: seconds(keepalive.idle_secs),
        interval: seconds(keepalive.interval_secs),
        retries: keepalive.probes.filter(|n| *n > 0),
    }
}

fn proxy(proxy: NativeProxy<'_>) -> napi::Result<Proxy> {
    let tls = proxy.tls.map(|context| {
        let context = match &proxy.tls_alpn {
            Some(alpn) if !alpn.is_empty() => context.context().with_alpn(alpn),
            _ => context.context().clone(),
        };
        (context, proxy.tls_server_name)
    });
    Ok(Proxy {
        port: port("proxy.port", proxy.port)?,
        host: proxy.host,
        basic_auth: proxy.basic_auth.map(|auth| (auth.username, auth.password)),
        tls,
    })
}

/// A property list of the config for `context`, none in MQTT 3.1.1.
fn properties_at(
    field: &str,
    js: Option<NativeProperties>,
    context: PropertyContext,
    protocol: ProtocolVersion,
) -> napi::Result<Vec<Property>> {
    let Some(js) = js else {
        return Ok(Vec::new());
    };
    let invalid = |detail: String| Error::new(Status::InvalidArg, format!("{field}: {detail}"));
    let properties = from_js(js).map_err(|e| invalid(e.to_string()))?;
    if protocol == ProtocolVersion::V311 && !properties.is_empty() {
        return Err(out_of_bounds(field));
    }
    check_properties(&properties, context).map_err(|e| invalid(e.to_string()))?;
    Ok(properties)
}

fn will(will: NativeWill, protocol: ProtocolVersion) -> napi::Result<LastWill> {
    validate_topic_name(&will.topic).map_err(|_| out_of_bounds("will.topic"))?;
    let properties = properties_at(
        "will.properties",
        will.properties,
        PropertyContext::Will,
        protocol,
    )?;
    Ok(LastWill {
        properties,
        qos: QoS::from_u8(u8::try_from(will.qos).unwrap_or(u8::MAX))
            .ok_or_else(|| out_of_bounds("will.qos"))?,
        topic: will.topic,
        payload: Bytes::copy_from_slice(&will.payload),
        retain: will.retain,
    })
}
