//! The one path from the I/O thread into JavaScript. Events are appended to a
//! columnar batch; the first append after a drain schedules one call of a weak
//! threadsafe function, and that call hands JS everything gathered by then.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{Buffer, Function, Uint32Array};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;

use crate::client::{Backlog, ClientError, ClientEvent, EventSink};
use crate::protocol::{self, Property};
use crate::session::{Negotiated, Outcome};

use super::error_codes::{error_code, error_text};
use super::packets::PacketFields;
use super::properties::{publish_to_js, to_js, NativeProperties, NativePublishProperties};

// The batch layout, declared once: JS reads these constants by name.

/// `EventBatch.flags[i] & MESSAGE_QOS_MASK` is the message's QoS.
#[napi]
pub const MESSAGE_QOS_MASK: u32 = 3;
#[napi]
pub const MESSAGE_DUP: u32 = 1 << 2;
#[napi]
pub const MESSAGE_RETAIN: u32 = 1 << 3;
/// The message has the topic of the one before it.
#[napi]
pub const MESSAGE_SAME_TOPIC: u32 = 1 << 4;
/// The message's acknowledgement waits: its ticket is the next of `ackTickets`.
#[napi]
pub const MESSAGE_ACK_DEFERRED: u32 = 1 << 5;
/// The message has MQTT 5 properties other than user properties: the next
/// of `messageProperties`.
#[napi]
pub const MESSAGE_HAS_PROPERTIES: u32 = 1 << 6;
/// The message has MQTT 5 user properties: as many pairs as the next of
/// `userPropertyCounts`, the next names and values of `userProperties`.
#[napi]
pub const MESSAGE_HAS_USER_PROPERTIES: u32 = 1 << 7;
/// `flags[i] >>> MESSAGE_PACKET_ID_SHIFT` is the packet id (0 at QoS 0).
#[napi]
pub const MESSAGE_PACKET_ID_SHIFT: u32 = 16;
/// A completion record: these fields, then `COMPLETION_CODE_COUNT` codes:
/// a publish's reason code (0 at QoS 0 and in MQTT 3.1.1), a SUBACK's
/// code per filter, an MQTT 5 UNSUBACK's code per filter.
#[napi]
pub const COMPLETION_ID: u32 = 0;
#[napi]
pub const COMPLETION_ERROR_CODE: u32 = 1;
#[napi]
pub const COMPLETION_PACKET_ID: u32 = 2;
/// 0, or 1 + the index in `completionProperties` of the acknowledgement's
/// properties (MQTT 5: Reason String, User Properties).
#[napi]
pub const COMPLETION_PROPERTIES: u32 = 3;
/// 0, or 1 + the index in `completionDetails` of what a failure's code
/// does not say (the limit a packet broke, ...).
#[napi]
pub const COMPLETION_DETAIL: u32 = 4;
#[napi]
pub const COMPLETION_CODE_COUNT: u32 = 5;
#[napi]
pub const COMPLETION_HEADER_LENGTH: u32 = 6;
/// A SUBACK code of a refused filter, among a completion's codes.
#[napi]
pub const SUBACK_FAILURE: u32 = protocol::SUBACK_FAILURE as u32;

/// Everything that happened since the last drain, as JS receives it.
///
/// Messages are columns: payloads back to back in `payload` ending at
/// `payloadEnds[i]`, and `flags[i]` the `MESSAGE_*` bits and packet id. A
/// message with `MESSAGE_ACK_DEFERRED` has the next ticket of `ackTickets`
/// (see `NativeConnection.acknowledge`). Each batch has a
/// `payload` of its own that is never reused, so JS may hand out views of
/// it. `topics` holds, joined by U+0000 (which no topic may
/// contain), the topic of each message whose same-topic bit is clear; a
/// message with the bit set has the topic of the one before it. A stream on
/// one topic thus crosses as one string, and JS looks it up once. Completions are records in
/// `completions` (`COMPLETION_*`): operation id, error code (0 = success),
/// packet id, properties, detail (`completionDetails`), count of codes, the codes. MQTT 5 properties ride
/// beside: `messageProperties` for the messages flagged
/// `MESSAGE_HAS_PROPERTIES`, in order, and `completionProperties` by index;
/// what has none costs nothing. User properties, the common case, are a
/// column of their own: the names and values of every flagged message in
/// `userProperties`, joined by U+0000 (one string per batch, like
/// `topics`), and each message's count of pairs in `userPropertyCounts`. Connection events are rare and carry the
/// message and completion counts at the moment they happened, so JS replays
/// everything in order.
#[napi(object)]
pub struct EventBatch {
    pub topics: String,
    pub payload: Buffer,
    pub payload_ends: Uint32Array,
    pub flags: Uint32Array,
    pub ack_tickets: Uint32Array,
    pub message_properties: Vec<NativePublishProperties>,
    pub user_properties: String,
    pub user_property_counts: Uint32Array,
    pub completions: Uint32Array,
    pub completion_properties: Vec<NativeProperties>,
    pub completion_details: Vec<String>,
    pub connection_events: Vec<ConnectionEvent>,
}

/// What a CONNACK allows the link (MQTT 5; in MQTT 3.1.1 the defaults that
/// say no more than MQTT 3.1.1 does).
#[napi(object)]
pub struct NativeNegotiated {
    pub receive_maximum: u32,
    /// Left out: MQTT's own limit.
    pub maximum_packet_size: Option<u32>,
    pub topic_alias_maximum: u32,
    pub maximum_qos: u32,
    pub retain_available: bool,
    pub wildcard_subscription_available: bool,
    pub subscription_identifiers_available: bool,
    pub shared_subscription_available: bool,
    pub server_keep_alive: Option<u32>,
    pub assigned_client_identifier: Option<String>,
    pub session_expiry_interval: Option<u32>,
}

impl From<&Negotiated> for NativeNegotiated {
    fn from(negotiated: &Negotiated) -> NativeNegotiated {
        NativeNegotiated {
            receive_maximum: negotiated.receive_maximum.into(),
            maximum_packet_size: negotiated.maximum_packet_size,
            topic_alias_maximum: negotiated.topic_alias_maximum.into(),
            maximum_qos: negotiated.maximum_qos as u32,
            retain_available: negotiated.retain_available,
            wildcard_subscription_available: negotiated.wildcard_subscription_available,
            subscription_identifiers_available: negotiated.subscription_identifiers_available,
            shared_subscription_available: negotiated.shared_subscription_available,
            server_keep_alive: negotiated.server_keep_alive.map(u32::from),
            assigned_client_identifier: negotiated.assigned_client_identifier.clone(),
            session_expiry_interval: negotiated.session_expiry_interval,
        }
    }
}

#[napi(object)]
pub struct ConnectionEvent {
    /// connection_success, connection_failure, interrupt, reconnecting,
    /// disconnect, closed, websocket_handshake, packet_sent,
    /// packet_received, auth (the broker's AUTH challenge: `reasonCode`,
    /// `properties`; answer with `NativeConnection.authenticate`)
    pub kind: String,
    /// Messages of this batch that happened before this event.
    pub messages_before: u32,
    /// Completion records (by count) of this batch before this event.
    pub completions_before: u32,
    pub session_present: Option<bool>,
    pub error_code: Option<u32>,
    pub error_detail: Option<String>,
    pub return_code: Option<u32>,
    /// MQTT 5: the reason code of the DISCONNECT that ended the link (the
    /// broker's, or ours after a protocol violation).
    pub reason_code: Option<u32>,
    /// MQTT 5: the CONNACK's properties (connection_success, or a refusal),
    /// or those of the broker's DISCONNECT.
    pub properties: Option<NativeProperties>,
    /// connection_success: what the CONNACK allows the link.
    pub negotiated: Option<NativeNegotiated>,
    pub http_status: Option<u32>,
    /// websocket_handshake: the attempt, and the request to transform
    /// (headers as name, value, name, value, ...).
    pub attempt: Option<u32>,
    pub request_method: Option<String>,
    pub request_path: Option<String>,
    pub request_headers: Option<Vec<String>>,
    /// packet_sent, packet_received: the packet.
    pub packet: Option<PacketFields>,
}

#[derive(Default)]
struct Batch {
    topics: String,
    message_count: u32,
    payload: Vec<u8>,
    payload_ends: Vec<u32>,
    flags: Vec<u32>,
    ack_tickets: Vec<u32>,
    message_properties: Vec<NativePublishProperties>,
    user_properties: String,
    user_property_counts: Vec<u32>,
    /// Where the last message's topic starts in `topics`.
    last_topic_at: usize,
    completions: Vec<u32>,
    completion_properties: Vec<NativeProperties>,
    completion_details: Vec<String>,
    completion_count: u32,
    connection_events: Vec<ConnectionEvent>,
    /// A drain is scheduled and has not run yet.
    drain_scheduled: bool,
    /// Messages and payload bytes of the batch JS took last: the next one
    /// starts with room for as many, not grown by reallocation after
    /// reallocation (kept past `take`).
    last_size: (usize, usize),
}

impl Batch {
    fn push(&mut self, event: ClientEvent) {
        match event {
            ClientEvent::Message(publish, ticket) => {
                if self.message_count == 0 {
                    self.make_room_like_last();
                }
                let same_topic =
                    self.message_count > 0 && self.topics[self.last_topic_at..] == *publish.topic;
                if !same_topic {
                    if self.message_count > 0 {
                        self.topics.push('\0');
                    }
                    self.last_topic_at = self.topics.len();
                    self.topics.push_str(&publish.topic);
                }
                self.payload.extend_from_slice(&publish.payload);
                self.payload_ends.push(self.payload.len() as u32);
                let bit = |set: bool, flag: u32| if set { flag } else { 0 };
                let flags = publish.qos as u32
                    | bit(publish.dup, MESSAGE_DUP)
                    | bit(publish.retain, MESSAGE_RETAIN)
                    | bit(same_topic, MESSAGE_SAME_TOPIC)
                    | bit(ticket.is_some(), MESSAGE_ACK_DEFERRED)
                    | self.push_message_properties(&publish.properties)
                    | u32::from(publish.packet_id) << MESSAGE_PACKET_ID_SHIFT;
                self.flags.push(flags);
                self.ack_tickets.extend(ticket);
                self.message_count += 1;
            }
            ClientEvent::Completed {
                id,
                packet_id,
                outcome,
            } => {
                let mut detail = None;
                // Borrowed, not collected: a publish's one code costs no allocation.
                let (published, listed);
                let (code, codes, properties): (u32, &[u8], _) = match outcome {
                    Outcome::Published {
                        reason_code,
                        properties,
                    } => {
                        published = [reason_code.0];
                        (0, &published, properties)
                    }
                    Outcome::Subscribed {
                        reason_codes,
                        properties,
                    }
                    | Outcome::Unsubscribed {
                        reason_codes,
                        properties,
                    } => {
                        listed = reason_codes;
                        (0, &listed, properties)
                    }
                    Outcome::Failed(failure) => {
                        let error = ClientError::from_failure(&failure);
                        detail = error.detail.clone();
                        (error_code(&error), &[], Vec::new())
                    }
                };
                let mut header = [0; COMPLETION_HEADER_LENGTH as usize];
                header[COMPLETION_ID as usize] = id;
                header[COMPLETION_ERROR_CODE as usize] = code;
                header[COMPLETION_PACKET_ID as usize] = u32::from(packet_id);
                header[COMPLETION_PROPERTIES as usize] =
                    self.push_completion_properties(&properties);
                header[COMPLETION_DETAIL as usize] = match detail {
                    Some(detail) => {
                        self.completion_details.push(detail);
                        self.completion_details.len() as u32
                    }
                    None => 0,
                };
                header[COMPLETION_CODE_COUNT as usize] = codes.len() as u32;
                self.completions.extend(header);
                self.completions.extend(codes.iter().map(|c| u32::from(*c)));
                self.completion_count += 1;
            }
            ClientEvent::ConnectionSuccess {
                session_present,
                properties,
                negotiated,
            } => {
                self.connection_event("connection_success", None, Some(session_present));
                if let Some(event) = self.connection_events.last_mut() {
                    event.properties = to_js(&properties);
                    event.negotiated = Some(NativeNegotiated::from(&*negotiated));
                }
            }
            ClientEvent::ConnectionFailure(error) => {
                self.connection_event("connection_failure", Some(error), None)
            }
            ClientEvent::Interrupted(error) => {
                self.connection_event("interrupt", Some(error), None)
            }
            ClientEvent::AuthChallenge(auth) => {
                self.connection_event("auth", None, None);
                if let Some(event) = self.connection_events.last_mut() {
                    event.reason_code = Some(auth.reason_code.0.into());
                    event.properties = to_js(&auth.properties);
                }
            }
            ClientEvent::Reconnecting => self.connection_event("reconnecting", None, None),
            ClientEvent::Disconnected => self.connection_event("disconnect", None, None),
            ClientEvent::Closed => self.connection_event("closed", None, None),
            ClientEvent::Packet { sent, packet } => {
                let kind = if sent {
                    "packet_sent"
                } else {
                    "packet_received"
                };
                self.connection_event(kind, None, None);
                if let Some(event) = self.connection_events.last_mut() {
                    event.packet = Some(PacketFields::from(&packet));
                }
            }
            ClientEvent::WebsocketHandshake { attempt, request } => {
                self.connection_event("websocket_handshake", None, None);
                if let Some(event) = self.connection_events.last_mut() {
                    event.attempt = Some(attempt);
                    event.request_method = Some(request.method);
                    event.request_path = Some(request.path);
                    event.request_headers = Some(
                        request
                            .headers
                            .into_iter()
                            .flat_map(|(n, v)| [n, v])
                            .collect(),
                    );
                }
            }
        }
    }

    /// A message's properties into their columns; the `MESSAGE_HAS_*` bits
    /// that say where they went.
    fn push_message_properties(&mut self, properties: &[Property]) -> u32 {
        if properties.is_empty() {
            return 0;
        }
        let mut pairs = 0;
        for property in properties {
            if let Property::UserProperty((name, value)) = property {
                for part in [name, value] {
                    if !self.user_properties.is_empty() {
                        self.user_properties.push('\0');
                    }
                    self.user_properties.push_str(part);
                }
                pairs += 1;
            }
        }
        let mut bits = 0;
        if pairs > 0 {
            self.user_property_counts.push(pairs);
            bits |= MESSAGE_HAS_USER_PROPERTIES;
        }
        if let Some(others) = publish_to_js(properties) {
            self.message_properties.push(others);
            bits |= MESSAGE_HAS_PROPERTIES;
        }
        bits
    }

    /// The index + 1 of `properties` among the completions' (0: none).
    fn push_completion_properties(&mut self, properties: &[Property]) -> u32 {
        match to_js(properties) {
            Some(js) => {
                self.completion_properties.push(js);
                self.completion_properties.len() as u32
            }
            None => 0,
        }
    }

    fn connection_event(
        &mut self,
        kind: &str,
        error: Option<ClientError>,
        session_present: Option<bool>,
    ) {
        let error = error.as_ref();
        self.connection_events.push(ConnectionEvent {
            kind: kind.to_string(),
            messages_before: self.message_count,
            completions_before: self.completion_count,
            session_present,
            error_code: error.map(error_code),
            return_code: error.and_then(|e| e.connack_return_code).map(u32::from),
            reason_code: error.and_then(|e| e.reason_code).map(u32::from),
            properties: error.and_then(|e| to_js(&e.properties)),
            negotiated: None,
            http_status: error.and_then(|e| e.http_status).map(u32::from),
            error_detail: error.map(error_text),
            attempt: None,
            request_method: None,
            request_path: None,
            request_headers: None,
            packet: None,
        });
    }

    fn make_room_like_last(&mut self) {
        let (messages, bytes) = self.last_size;
        self.payload.reserve(bytes);
        self.payload_ends.reserve(messages);
        self.flags.reserve(messages);
    }

    fn take(&mut self) -> EventBatch {
        let batch = std::mem::take(self);
        self.last_size = (batch.message_count as usize, batch.payload.len());
        EventBatch {
            topics: batch.topics,
            payload: batch.payload.into(),
            payload_ends: Uint32Array::new(batch.payload_ends),
            flags: Uint32Array::new(batch.flags),
            ack_tickets: Uint32Array::new(batch.ack_tickets),
            message_properties: batch.message_properties,
            user_properties: batch.user_properties,
            user_property_counts: Uint32Array::new(batch.user_property_counts),
            completions: Uint32Array::new(batch.completions),
            completion_properties: batch.completion_properties,
            completion_details: batch.completion_details,
            connection_events: batch.connection_events,
        }
    }
}

type DrainFunction = ThreadsafeFunction<(), (), EventBatch, Status, false, true>;

/// Delivers a connection's events to the JS function given at construction.
pub struct JsEventSink {
    batch: Arc<Mutex<Batch>>,
    /// The message bytes of the batch JS has not taken yet.
    backlog: Arc<Backlog>,
    drain: DrainFunction,
}

impl JsEventSink {
    /// `on_events` receives each `EventBatch`. The function must not throw:
    /// the JS wrapper catches what listeners throw and rethrows it on a later
    /// tick, where it is an ordinary uncaught exception.
    pub fn new(on_events: Function<'_, EventBatch, ()>) -> napi::Result<JsEventSink> {
        let batch = Arc::new(Mutex::new(Batch::default()));
        let backlog = Arc::new(Backlog::default());
        let (shared, taken) = (batch.clone(), backlog.clone());
        let drain = on_events
            .build_threadsafe_function::<()>()
            .weak::<true>()
            .callee_handled::<false>()
            .build_callback(move |_| {
                let mut batch = shared.lock().unwrap_or_else(|e| e.into_inner());
                let events = batch.take();
                taken.taken();
                Ok(events)
            })?;
        Ok(JsEventSink {
            batch,
            backlog,
            drain,
        })
    }
}

impl EventSink for JsEventSink {
    fn deliver(&self, events: &mut Vec<ClientEvent>) {
        let schedule = {
            let mut batch = self.batch.lock().unwrap_or_else(|e| e.into_inner());
            for event in events.drain(..) {
                batch.push(event);
            }
            self.backlog
                .set(batch.payload.len() + batch.topics.len() + batch.user_properties.len());
            !std::mem::replace(&mut batch.drain_scheduled, true)
        };
        if schedule {
            // Fails only while the environment shuts down; nobody is left to tell.
            let _ = self.drain.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    fn backlog(&self) -> Option<Arc<Backlog>> {
        Some(self.backlog.clone())
    }
}
