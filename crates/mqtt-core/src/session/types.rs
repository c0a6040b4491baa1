//! What goes into the session and what comes out of it.

use std::time::Duration;

use bytes::Bytes;

use crate::protocol::{LastWill, ProtocolVersion, Publish, QoS};

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
    /// Queue QoS 0 publishes made while not connected (else they fail).
    pub queue_qos0_offline: bool,
    /// Bounds of the queue of operations not yet sent; past them the newest
    /// operation fails with `Failure::QueueFull`.
    pub queue_limit: QueueLimit,
    pub will: Option<LastWill>,
    pub username: Option<String>,
    pub password: Option<Bytes>,
}

/// The user name and password a CONNECT carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub username: Option<String>,
    pub password: Option<Bytes>,
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
    },
    Subscribe {
        filters: Vec<(String, QoS)>,
    },
    Unsubscribe {
        filters: Vec<String>,
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
            Request::Subscribe { filters } => filters.iter().map(|(f, _)| 4 + f.len()).sum(),
            Request::Unsubscribe { filters } => filters.iter().map(|f| 4 + f.len()).sum(),
        };
        size as u64
    }
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// QoS 0: written; QoS 1: PUBACK; QoS 2: PUBCOMP.
    Published,
    /// One SUBACK return code per filter (0..=2 granted, 0x80 refused).
    Subscribed(Vec<u8>),
    Unsubscribed,
    Failed(Failure),
}

/// Why an operation, an attempt or a connection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No acknowledgement within the operation timeout, no CONNACK or no
    /// PINGRESP within the ping timeout.
    Timeout,
    /// The broker refused CONNECT with this CONNACK return code (1..=5, or any
    /// other non-zero value a broker sends).
    ConnectionRefused(u8),
    /// The broker broke the protocol; the text says how.
    ProtocolViolation(String),
    /// The link went down while a clean session had this operation in flight.
    CancelledForCleanSession,
    /// A QoS 0 publish was made while not connected.
    NotConnected,
    /// The link closed before a QoS 0 publish was written.
    ConnectionShutdown,
    /// The queue of unsent operations is at its limit.
    QueueFull,
}

/// What the session asks its driver to do or to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// CONNACK accepted the connection.
    Connected { session_present: bool },
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
