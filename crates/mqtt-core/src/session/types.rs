//! What goes into the session and what comes out of it.

use std::time::Duration;

use bytes::Bytes;

use crate::protocol::{
    Auth, Disconnect, LastWill, Property, ProtocolVersion, Publish, QoS, ReasonCode,
    SubscriptionOptions,
};

pub use super::negotiated::Negotiated;

/// Identifies one user operation from submission to completion. Chosen by the
/// caller (the JS wrapper keys its promise table by it).
pub type OperationId = u32;

/// Identifies an inbound message whose acknowledgement waits for
/// `Session::acknowledge` (see `Session::defer_acknowledgements`).
pub type AckTicket = u32;

/// How a connection introduces itself and keeps itself alive.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// The MQTT version CONNECT asks for.
    pub protocol: ProtocolVersion,
    pub client_id: String,
    pub clean_session: bool,
    /// With `clean_session`: once a CONNACK has accepted a connection, later
    /// CONNECTs rejoin the session (until `fail_unfinished` ends it).
    pub rejoin_once_connected: bool,
    /// Sent in CONNECT; a PINGREQ goes out after this long without sending.
    /// Zero turns keepalive off.
    pub keep_alive: Duration,
    /// How long to wait for PINGRESP.
    pub ping_timeout: Duration,
    /// How long to wait for CONNACK once the stream is open.
    pub connack_timeout: Duration,
    /// How long a QoS 1/2 publish, subscribe or unsubscribe may wait for its
    /// acknowledgement once sent; `None` waits forever.
    pub operation_timeout: Option<Duration>,
    /// Subscribe again to every granted filter after a CONNACK without a
    /// session.
    pub resubscribe: bool,
    /// With a clean session, what was in flight when a link was lost is sent
    /// again on the next one (as MQTT.js does) instead of failing.
    pub resend_in_flight_when_clean: bool,
    /// Which operations wait for the next link while there is none.
    pub offline: OfflineRetention,
    /// Bounds of the queue of operations not yet sent; past them the newest
    /// operation fails with `Failure::QueueFull`.
    pub queue_limit: QueueLimit,
    pub will: Option<LastWill>,
    pub username: Option<String>,
    pub password: Option<Bytes>,
    /// MQTT 5: CONNECT's properties. Those that bound what the broker may
    /// send (Receive Maximum, Maximum Packet Size, Topic Alias Maximum) are
    /// enforced on what it sends.
    pub connect_properties: Vec<Property>,
    /// MQTT 5: which publishes go out with a topic alias, when the broker
    /// takes them.
    pub topic_aliasing: TopicAliasing,
    /// MQTT 5: an AUTH sent right after each CONNECT (MQTT.js's
    /// `authPacket`), when CONNECT names an Authentication Method.
    pub auth_after_connect: Option<Auth>,
    /// A bound on what goes out per second; `None`: as fast as the link
    /// takes it.
    pub send_rate: Option<SendRate>,
}

/// What may go out per second (AWS IoT Core's limits: 100 publishes and
/// 512 KiB). Operations past it wait their turn in the queue; sizes are
/// counted as the statistics count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendRate {
    pub publishes_per_second: u32,
    pub bytes_per_second: u32,
}

/// How outbound publishes use topic aliases (MQTT 5), within the number the
/// broker's CONNACK allows; aliases start over on every link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TopicAliasing {
    /// None: the alias a publish names is dropped.
    Off,
    /// Only the alias a publish names (its Topic Alias property).
    #[default]
    Manual,
    /// Also, a topic that has an alias on this link goes out as the alias
    /// (MQTT.js's `autoUseTopicAlias`).
    Reuse,
    /// Also, every topic is given an alias, the least recently used one
    /// handed on when all are taken (MQTT.js's `autoAssignTopicAlias`), at
    /// most `limit` of them.
    Assign { limit: u16 },
}

/// The user name and password a CONNECT carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub username: Option<String>,
    pub password: Option<Bytes>,
}

/// Which operations wait for the next link while there is none; the others
/// fail when made offline (`Failure::NotConnected`) or when the link is lost
/// before they are finished (`Failure::ConnectionShutdown`). QoS 1 and 2
/// publishes already sent follow the session instead (see
/// `SessionOptions::resend_in_flight_when_clean`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineRetention {
    pub qos0_publishes: bool,
    pub acknowledged_publishes: bool,
    /// Subscribes and unsubscribes.
    pub subscriptions: bool,
}

/// Everything but QoS 0 publishes waits.
impl Default for OfflineRetention {
    fn default() -> OfflineRetention {
        OfflineRetention {
            qos0_publishes: false,
            acknowledged_publishes: true,
            subscriptions: true,
        }
    }
}

impl OfflineRetention {
    /// Whether `request` waits for the next link.
    pub fn keeps(&self, request: &Request) -> bool {
        match request {
            Request::Publish {
                qos: QoS::AtMostOnce,
                ..
            } => self.qos0_publishes,
            Request::Publish { .. } => self.acknowledged_publishes,
            Request::Subscribe { .. } | Request::Unsubscribe { .. } => self.subscriptions,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimit {
    pub operations: usize,
    pub bytes: u64,
}

/// 10,000 operations and 64 MiB, unless the user says otherwise.
impl Default for QueueLimit {
    fn default() -> QueueLimit {
        QueueLimit {
            operations: 10_000,
            bytes: 64 << 20,
        }
    }
}

/// A user operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Publish {
        topic: String,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        /// MQTT 5. A Topic Alias here names the alias the topic goes out
        /// as; with an empty topic, the topic that alias stands for on this
        /// link.
        properties: Vec<Property>,
    },
    Subscribe {
        filters: Vec<(String, SubscriptionOptions)>,
        /// MQTT 5 (Subscription Identifier, User Properties).
        properties: Vec<Property>,
    },
    Unsubscribe {
        filters: Vec<String>,
        /// MQTT 5 (User Properties).
        properties: Vec<Property>,
    },
}

impl Request {
    /// A QoS 1 or 2 publish: one the broker acknowledges.
    pub fn is_acknowledged_publish(&self) -> bool {
        matches!(self, Request::Publish { qos, .. } if *qos != QoS::AtMostOnce)
    }

    pub fn is_qos0_publish(&self) -> bool {
        matches!(
            self,
            Request::Publish {
                qos: QoS::AtMostOnce,
                ..
            }
        )
    }

    /// The size an operation counts for in the statistics: a publish
    /// `4 + topic + payload` bytes (aws-crt's measure), a (un)subscribe
    /// `4 + filter bytes` per filter.
    pub fn statistics_size(&self) -> u64 {
        let size = match self {
            Request::Publish { topic, payload, .. } => 4 + topic.len() + payload.len(),
            Request::Subscribe { filters, .. } => filters.iter().map(|(f, _)| 4 + f.len()).sum(),
            Request::Unsubscribe { filters, .. } => filters.iter().map(|f| 4 + f.len()).sum(),
        };
        size as u64
    }
}

/// How an operation ended. An acknowledgement's reason codes and properties
/// (Reason String, User Properties) are reported as the broker sent them;
/// in MQTT 3.1.1 a publish's code is always 0 and an UNSUBACK has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// QoS 0: written; QoS 1: PUBACK; QoS 2: PUBCOMP, or a PUBREC that
    /// refused the message (a code of 0x80 or more).
    Published {
        reason_code: ReasonCode,
        properties: Vec<Property>,
    },
    /// One SUBACK code per filter: the QoS granted, or a refusal (0x80 or
    /// more).
    Subscribed {
        reason_codes: Vec<u8>,
        properties: Vec<Property>,
    },
    Unsubscribed {
        reason_codes: Vec<u8>,
        properties: Vec<Property>,
    },
    Failed(Failure),
}

impl Outcome {
    /// A publish that ended without the broker saying anything (QoS 0).
    pub fn published() -> Outcome {
        Outcome::Published {
            reason_code: ReasonCode::SUCCESS,
            properties: Vec::new(),
        }
    }
}

/// Why an operation, an attempt or a connection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No acknowledgement within the operation timeout, no CONNACK or no
    /// PINGRESP within the ping timeout.
    Timeout,
    /// The broker refused CONNECT with this CONNACK code (1..=5 in MQTT
    /// 3.1.1, a reason code of 0x80 or more in MQTT 5) and properties.
    ConnectionRefused { code: u8, properties: Vec<Property> },
    /// The broker broke the protocol; the text says how. In MQTT 5 the
    /// link's DISCONNECT carried `reason_code`.
    ProtocolViolation {
        reason_code: ReasonCode,
        what: String,
    },
    /// The broker ended the link with this DISCONNECT (MQTT 5).
    DisconnectedByBroker(Disconnect),
    /// The link went down while a clean session had this operation in flight.
    CancelledForCleanSession,
    /// An operation `SessionOptions::offline` does not keep was made while
    /// not connected.
    NotConnected,
    /// The link closed before the operation finished, and
    /// `SessionOptions::offline` does not keep it (a QoS 0 publish not yet
    /// written, by default); or the user ended the connection.
    ConnectionShutdown,
    /// The queue of unsent operations is at its limit.
    QueueFull,
    /// The packet is larger than the broker's Maximum Packet Size; it was
    /// not sent.
    PacketTooLarge { size: usize, maximum: u32 },
    /// The broker's CONNACK said it does not take this (a QoS above its
    /// Maximum QoS, a retained message, a wildcard, shared subscription or
    /// subscription identifier); nothing was sent. The text says what.
    NotAvailable(String),
    /// The publish names a topic alias the link cannot use (0, above the
    /// broker's Topic Alias Maximum, or, with an empty topic, not bound).
    TopicAliasInvalid(String),
}

/// What the session asks its driver to do or to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// CONNACK accepted the connection: its properties, and what they
    /// allow this link.
    Connected {
        session_present: bool,
        properties: Vec<Property>,
        negotiated: Box<Negotiated>,
    },
    /// The link must be closed: CONNACK refused, CONNACK or PINGRESP late, or a
    /// protocol violation.
    Fatal(Failure),
    /// An inbound application message, delivered once (QoS 2 duplicates are
    /// filtered), with the ticket of its acknowledgement when that waits for
    /// the application.
    Message(Publish, Option<AckTicket>),
    Completed {
        id: OperationId,
        /// The packet identifier used on the wire, 0 when none was.
        packet_id: u16,
        outcome: Outcome,
    },
    /// Something the broker did that is allowed but worth a line in the log.
    Note(String),
    /// The broker's AUTH challenge (MQTT 5), for the application to answer
    /// through `Session::authenticate`.
    AuthChallenge(Auth),
}

/// Counts and sizes of operations that have not completed, as
/// `getOperationalStatistics()` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Statistics {
    pub incomplete_count: u64,
    pub incomplete_size: u64,
    pub unacked_count: u64,
    pub unacked_size: u64,
}
