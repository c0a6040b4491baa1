//! The native half of `MqttClientConnection`: JS calls in, batches out.

use std::sync::Arc;

use bytes::Bytes;
use napi::bindgen_prelude::{Function, ObjectFinalize};
use napi::Env;
use napi_derive::napi;

use crate::client::{
    check_payload_size, ClientError, Connection, ConnectionOptions, ErrorKind, InvalidRequest,
    Unfinished,
};
use crate::protocol::{Auth, Disconnect, Property, QoS, ReasonCode, SubscriptionOptions};
use crate::session::{Credentials, Request};
use crate::transport::UpgradeRequest;

use super::config::NativeConnectionConfig;
use super::events::{EventBatch, JsEventSink};
use super::invalid::Invalid;
use super::properties::{from_js, publish_from_js, NativeProperties, NativePublishProperties};

#[napi(object)]
pub struct NativeStatistics {
    pub incomplete_operation_count: f64,
    pub incomplete_operation_size: f64,
    pub unacked_operation_count: f64,
    pub unacked_operation_size: f64,
}

/// What a connection holds outside V8's heap (its task, buffers and queues
/// when idle), told to V8 so that dropped connections are collected as
/// readily as their size asks: a small JS wrapper alone would not prompt it.
const NATIVE_FOOTPRINT_BYTES: i64 = 16 * 1024;

#[napi(custom_finalize)]
pub struct NativeConnection {
    connection: Connection,
}

impl ObjectFinalize for NativeConnection {
    fn finalize(self, env: Env) -> napi::Result<()> {
        env.adjust_external_memory(-NATIVE_FOOTPRINT_BYTES)?;
        Ok(())
    }
}

impl NativeConnection {
    /// Queues `request` as operation `id` without waking the driver.
    pub(crate) fn submit_deferred(&self, id: u32, request: Request) -> Result<(), InvalidRequest> {
        self.connection.submit_deferred(id, request)
    }
}

fn qos(env: &Env, argument: &str, value: u32) -> napi::Result<QoS> {
    QoS::from_u8(value.min(3) as u8).ok_or_else(|| {
        Invalid::Range(format!("{argument} must be 0, 1 or 2 (got {value})")).throw(env)
    })
}

/// A subscription options byte as MQTT 5 lays it out (bits 0-1 QoS, 2 No
/// Local, 3 Retain As Published, 4-5 Retain Handling); a bare QoS is the
/// byte of MQTT 3.1.1.
fn subscription_options(env: &Env, value: u32) -> napi::Result<SubscriptionOptions> {
    let retain_handling = (value >> 4) & 0b11;
    if value > 0b11_1111 || value & 0b11 == 3 || retain_handling == 3 {
        let message = format!(
            "options must be a subscription options byte: QoS 0-2, Retain Handling 0-2, bits 6-7 clear (got {value})"
        );
        return Err(Invalid::Range(message).throw(env));
    }
    Ok(SubscriptionOptions {
        qos: qos(env, "qos", value & 0b11)?,
        no_local: value & 0b100 != 0,
        retain_as_published: value & 0b1000 != 0,
        retain_handling: retain_handling as u8,
    })
}

fn reason_code_of(env: &Env, value: u32) -> napi::Result<ReasonCode> {
    u8::try_from(value).map(ReasonCode).map_err(|_| {
        Invalid::Range(format!("reasonCode must be 0 to 255 (got {value})")).throw(env)
    })
}

fn properties(env: &Env, js: Option<NativeProperties>) -> napi::Result<Vec<Property>> {
    js.map_or(Ok(Vec::new()), |js| {
        from_js(js).map_err(|invalid| invalid.throw(env))
    })
}

/// An MQTT 5 DISCONNECT (reason code 0 if left out) from JS.
fn disconnect_of(
    env: &Env,
    reason_code: Option<u32>,
    properties: Option<NativeProperties>,
) -> napi::Result<Disconnect> {
    Ok(Disconnect {
        reason_code: reason_code_of(env, reason_code.unwrap_or(0))?,
        properties: self::properties(env, properties)?,
    })
}

fn unfinished(fail: Option<bool>) -> Unfinished {
    if fail == Some(true) {
        Unfinished::Fail
    } else {
        Unfinished::Keep
    }
}

fn rejected(env: &Env, invalid: InvalidRequest) -> napi::Error {
    Invalid::Type(invalid.to_string()).throw(env)
}

#[napi]
impl NativeConnection {
    /// Starts the driver of a connection with `config` (which the JS API
    /// built and checked); `on_events` receives every batch.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        config: NativeConnectionConfig<'_>,
        on_events: Function<'_, EventBatch, ()>,
    ) -> napi::Result<NativeConnection> {
        crate::log::configure_from_environment();
        let options = ConnectionOptions::try_from(config)?;
        let sink = JsEventSink::new(on_events)?;
        env.adjust_external_memory(NATIVE_FOOTPRINT_BYTES)?;
        Ok(NativeConnection {
            connection: Connection::new(options, Arc::new(sink)),
        })
    }

    #[napi]
    pub fn connect(&self) {
        self.connection.connect();
    }

    /// Copies the payload into the command queue and returns at once. Like
    /// `subscribe` and `unsubscribe`, it leaves the I/O thread asleep until
    /// `flush`, which the JS wrapper calls once per turn. MQTT 5:
    /// `properties` may name a topic alias (with it the topic may be
    /// empty); `user_properties` come apart, name, value, ... joined by
    /// U+0000, so that the common case crosses as one string.
    // The JS call's own arguments, positional for the hot path: no object
    // to build and read per publish.
    #[allow(clippy::too_many_arguments)]
    #[napi]
    pub fn publish(
        &self,
        env: Env,
        id: u32,
        topic: String,
        payload: &[u8],
        qos_value: u32,
        retain: bool,
        properties: Option<NativePublishProperties>,
        user_properties: Option<String>,
    ) -> napi::Result<()> {
        let qos = qos(&env, "qos", qos_value)?;
        // Before the copy: an oversized payload costs no second allocation.
        check_payload_size(&topic, qos, payload.len())
            .map_err(|invalid| rejected(&env, invalid))?;
        let request = Request::Publish {
            topic,
            payload: Bytes::copy_from_slice(payload),
            qos,
            retain,
            properties: publish_from_js(properties, user_properties)
                .map_err(|invalid| invalid.throw(&env))?,
        };
        self.submit_deferred(id, request)
            .map_err(|invalid| rejected(&env, invalid))
    }

    /// `options[i]` is filter i's subscription options byte: its QoS alone
    /// in MQTT 3.1.1; in MQTT 5 also No Local (4), Retain As Published (8)
    /// and Retain Handling (16 * 0..2).
    #[napi]
    pub fn subscribe(
        &self,
        env: Env,
        id: u32,
        filters: Vec<String>,
        options: Vec<u32>,
        properties: Option<NativeProperties>,
    ) -> napi::Result<()> {
        let filters = filters
            .into_iter()
            .zip(options)
            .map(|(filter, value)| Ok((filter, subscription_options(&env, value)?)))
            .collect::<napi::Result<Vec<_>>>()?;
        let properties = self::properties(&env, properties)?;
        self.connection
            .submit_deferred(
                id,
                Request::Subscribe {
                    filters,
                    properties,
                },
            )
            .map_err(|invalid| rejected(&env, invalid))
    }

    #[napi]
    pub fn unsubscribe(
        &self,
        env: Env,
        id: u32,
        filters: Vec<String>,
        properties: Option<NativeProperties>,
    ) -> napi::Result<()> {
        let properties = self::properties(&env, properties)?;
        self.connection
            .submit_deferred(
                id,
                Request::Unsubscribe {
                    filters,
                    properties,
                },
            )
            .map_err(|invalid| rejected(&env, invalid))
    }

    /// From now on (`on`) or no longer, the PUBACK / PUBCOMP of each
    /// inbound QoS 1/2 message waits for `acknowledge` with the ticket the
    /// message carries (`EventBatch.ackTickets`); they go out in arrival order.
    #[napi]
    pub fn defer_acknowledgements(&self, on: bool) {
        self.connection.defer_acknowledgements(on);
    }

    /// From now on (`on`) or no longer, the PUBACK or PUBREC of each inbound
    /// QoS 1/2 message waits for `acknowledge`, whose reason code it carries
    /// (MQTT 5); a QoS 2 message accepted then completes on PUBREL.
    #[napi]
    pub fn decide_receipts(&self, on: bool) {
        self.connection.decide_receipts(on);
    }

    /// The application is done with the message of `ticket`: its
    /// acknowledgement goes out (`send`, with `reason_code`, 0 if left out),
    /// or never does. Waits for `flush`.
    #[napi]
    pub fn acknowledge(
        &self,
        env: Env,
        ticket: u32,
        send: bool,
        reason_code: Option<u32>,
    ) -> napi::Result<()> {
        let code = reason_code_of(&env, reason_code.unwrap_or(0))?;
        self.connection.acknowledge(ticket, send.then_some(code));
        Ok(())
    }

    /// From now on (`on`) or no longer, every packet sent and received comes
    /// to JS as a `packet_sent` / `packet_received` connection event.
    #[napi]
    pub fn report_packets(&self, on: bool) {
        self.connection.report_packets(on);
    }

    /// Hands the operations queued since the last flush to the I/O thread.
    #[napi]
    pub fn flush(&self) {
        self.connection.flush();
    }

    /// Sends DISCONNECT and closes the link. With `fail_unfinished`,
    /// operations not complete fail once it is closed (MQTT.js's `end()`);
    /// without, they wait for the next `connect` (aws-crt's `disconnect()`).
    /// MQTT 5: the DISCONNECT's reason code (0 if left out) and properties.
    #[napi]
    pub fn disconnect(
        &self,
        env: Env,
        fail_unfinished: Option<bool>,
        reason_code: Option<u32>,
        properties: Option<NativeProperties>,
    ) -> napi::Result<()> {
        let disconnect = disconnect_of(&env, reason_code, properties)?;
        self.connection
            .disconnect(unfinished(fail_unfinished), disconnect)
            .map_err(|invalid| rejected(&env, invalid))
    }

    /// Throws what `disconnect` with these would throw, and sends nothing.
    #[napi]
    pub fn check_disconnect(
        &self,
        env: Env,
        reason_code: Option<u32>,
        properties: Option<NativeProperties>,
    ) -> napi::Result<()> {
        let disconnect = disconnect_of(&env, reason_code, properties)?;
        self.connection
            .check_disconnect(&disconnect)
            .map_err(|invalid| rejected(&env, invalid))
    }

    /// Closes the link at once without DISCONNECT (MQTT.js's `end(true)`):
    /// the broker publishes the will. `fail_unfinished` as for `disconnect`.
    #[napi]
    pub fn abort(&self, fail_unfinished: Option<bool>) {
        self.connection.abort(unfinished(fail_unfinished));
    }

    /// The user name and password of every CONNECT from now on (MQTT.js's
    /// `transformWsUrl` may refresh them before an attempt).
    #[napi]
    pub fn set_credentials(
        &self,
        env: Env,
        username: Option<String>,
        password: Option<String>,
    ) -> napi::Result<()> {
        if password.is_some() && username.is_none() {
            return Err(Invalid::Type(
                "a password needs a username: MQTT 3.1.1 does not allow a password alone".into(),
            )
            .throw(&env));
        }
        self.connection.set_credentials(Credentials {
            username,
            password: password.map(Bytes::from),
        });
        Ok(())
    }

    /// Sends AUTH (MQTT 5): the answer to an `auth` event (reason code
    /// 0x18), or a re-authentication (0x19).
    #[napi]
    pub fn authenticate(
        &self,
        env: Env,
        reason_code: u32,
        properties: Option<NativeProperties>,
    ) -> napi::Result<()> {
        let auth = Auth {
            reason_code: reason_code_of(&env, reason_code)?,
            properties: self::properties(&env, properties)?,
        };
        self.connection
            .authenticate(auth)
            .map_err(|invalid| rejected(&env, invalid))
    }

    /// The JS transform's answer for `attempt`: `error_code` 0 sends the
    /// request (headers as name, value, ...); any other code fails the
    /// attempt with it and `error_message`.
    #[napi]
    pub fn websocket_transformed(
        &self,
        attempt: u32,
        error_code: u32,
        error_message: Option<String>,
        method: String,
        path: String,
        headers: Vec<String>,
    ) {
        let result = if error_code == 0 {
            let pairs = headers
                .chunks_exact(2)
                .map(|p| (p[0].clone(), p[1].clone()));
            Ok(UpgradeRequest {
                method,
                path,
                headers: pairs.collect(),
            })
        } else {
            Err(ClientError {
                detail: error_message,
                ..ClientError::new(ErrorKind::Application(error_code))
            })
        };
        self.connection.websocket_transformed(attempt, result);
    }

    #[napi]
    pub fn statistics(&self) -> NativeStatistics {
        let statistics = self.connection.statistics();
        NativeStatistics {
            incomplete_operation_count: statistics.incomplete_count as f64,
            incomplete_operation_size: statistics.incomplete_size as f64,
            unacked_operation_count: statistics.unacked_count as f64,
            unacked_operation_size: statistics.unacked_size as f64,
        }
    }
}
