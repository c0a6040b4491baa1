//! The connection engine: one tokio task per connection drives a `Session`
//! over a transport stream. The only room that owns sockets and timers.

mod backlog;
mod backoff;
mod driver;
mod error;
mod inbound;
mod inbox;
mod link;
pub mod log;
mod outgoing;
mod pacing;
mod request;
mod runtime;
mod statistics;

use std::sync::Arc;

use crate::protocol::{
    self, Auth, Disconnect, Packet, Property, ProtocolVersion, Publish, ReasonCode,
};
use crate::session::{
    AckTicket, Credentials, Negotiated, OperationId, Outcome, Request, SessionOptions, Statistics,
};
use crate::transport::{Route, UpgradeRequest};
use statistics::SharedStatistics;

pub use backlog::Backlog;
pub use error::{ClientError, ErrorKind};
pub use request::{check_payload_size, payload_room, InvalidRequest, PAYLOAD_ALWAYS_FITS};

/// The largest packet MQTT can frame: the largest remaining length plus a
/// 5-byte fixed header.
pub const MAX_PACKET_SIZE: usize = protocol::MAX_REMAINING_LENGTH + 5;

/// `ConnectionOptions::receive_buffer` unless the user says otherwise: 4 MiB.
pub const DEFAULT_RECEIVE_BUFFER: usize = 4 << 20;

#[derive(Debug, Clone)]
pub struct ConnectionOptions {
    pub session: SessionOptions,
    pub route: Route,
    /// Inbound packets larger than this close the link as a protocol error.
    pub max_incoming_packet_size: usize,
    /// Message bytes delivered to the consumer and not yet taken past which
    /// the socket is not read (see `EventSink::backlog`).
    pub receive_buffer: usize,
    pub reconnect_delays: ReconnectDelays,
    /// MQTT over WebSockets, on top of the route's stream.
    pub websocket: Option<WebsocketOptions>,
    /// A failed first attempt is retried with backoff like a reconnect.
    pub retry_first_connect: bool,
    /// The broker of each attempt in turn, in place of the route's
    /// endpoint (MQTT.js's `servers`); empty keeps the route's.
    pub servers: Vec<Server>,
}

/// One broker of `ConnectionOptions::servers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    /// Whether this broker takes TLS (the route's context); `None` follows
    /// the route.
    pub tls: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebsocketOptions {
    /// The user rewrites each upgrade request: it goes out as
    /// `ClientEvent::WebsocketHandshake` and comes back through
    /// `Connection::websocket_transformed`.
    pub transform: bool,
}

/// The wait before a reconnect attempt: it doubles from `min` up to `max`
/// with each failed attempt, spread by `jitter`, and starts over once a link
/// has stayed up for `reset_after`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconnectDelays {
    pub min: std::time::Duration,
    pub max: std::time::Duration,
    pub jitter: Jitter,
    pub reset_after: std::time::Duration,
}

/// How each reconnect wait is drawn from its exponential step, so that many
/// clients cut off together do not come back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// A random point in the upper half of the step.
    Equal,
    /// A random point between zero and the step.
    Full,
    /// The step itself.
    None,
    /// A random point between the minimum and three times the last wait.
    Decorrelated,
}

/// What a connection reports, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// CONNACK accepted an attempt: its properties (MQTT 5), and what they
    /// allow this link.
    ConnectionSuccess {
        session_present: bool,
        properties: Vec<Property>,
        negotiated: Box<Negotiated>,
    },
    /// An attempt failed before CONNACK accepted it.
    ConnectionFailure(ClientError),
    /// An established link was lost.
    Interrupted(ClientError),
    /// The wait after a failed attempt or a lost link is over: the next
    /// attempt starts.
    Reconnecting,
    /// `disconnect()` finished.
    Disconnected,
    /// A link that had been established is closed for good.
    Closed,
    /// The upgrade request of attempt `attempt`, for the user to rewrite.
    WebsocketHandshake {
        attempt: u32,
        request: UpgradeRequest,
    },
    /// The broker's AUTH challenge (MQTT 5): the application answers with
    /// `Connection::authenticate`.
    AuthChallenge(Auth),
    /// An inbound message, with the ticket of its acknowledgement when that
    /// waits for `Connection::acknowledge`.
    Message(Publish, Option<AckTicket>),
    /// A packet sent (`sent`) or received, while `Connection::report_packets`
    /// asks for them.
    Packet { sent: bool, packet: Packet },
    /// An operation ended, as the session reports it (`ClientError::from_failure`
    /// names a failure).
    Completed {
        id: OperationId,
        /// The packet identifier used on the wire, 0 when none was.
        packet_id: u16,
        outcome: Outcome,
    },
}

/// Receives a connection's events on the I/O thread.
pub trait EventSink: Send + Sync + 'static {
    /// Takes every event out of `events`, in order, leaving it empty.
    fn deliver(&self, events: &mut Vec<ClientEvent>);

    /// How much of what was delivered the consumer has not taken, if the
    /// sink keeps count: the driver stops reading while it is over
    /// `ConnectionOptions::receive_buffer`.
    fn backlog(&self) -> Option<Arc<Backlog>> {
        None
    }
}

/// What a `disconnect` or `abort` does with operations not yet complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfinished {
    /// They wait for the next `connect` (aws-crt's `disconnect()`).
    Keep,
    /// They fail with `AWS_ERROR_MQTT_CONNECTION_SHUTDOWN` once the link is
    /// closed, before `Disconnected` (MQTT.js's `end()`).
    Fail,
}

enum Command {
    Connect,
    /// Applied at once, whatever the link is doing.
    Apply(Instruction),
    Disconnect(Unfinished, Disconnect),
    /// Closes the link without DISCONNECT, so the broker publishes the will.
    Abort(Unfinished),
    Transformed {
        attempt: u32,
        result: Result<UpgradeRequest, ClientError>,
    },
}

/// What the driver applies at once, whatever the link is doing.
enum Instruction {
    Submit(OperationId, Request),
    /// The user name and password of the next CONNECT.
    Credentials(Credentials),
    DeferAcknowledgements(bool),
    DecideReceipts(bool),
    Acknowledge {
        ticket: AckTicket,
        verdict: Option<ReasonCode>,
    },
    ReportPackets(bool),
    Authenticate(Auth),
}

/// A handle on one connection's driver task. Dropping it ends the task and
/// closes any link.
pub struct Connection {
    commands: inbox::Outbox,
    statistics: Arc<SharedStatistics>,
    protocol: ProtocolVersion,
    /// What CONNECT says, against which a DISCONNECT is checked.
    connect_properties: Vec<Property>,
}

impl Connection {
    /// Starts the driver task; nothing goes on the network until `connect`.
    pub fn new(options: ConnectionOptions, sink: Arc<dyn EventSink>) -> Connection {
        let (commands, receiver) = inbox::inbox();
        let statistics = Arc::new(SharedStatistics::default());
        let protocol = options.session.protocol;
        let connect_properties = options.session.connect_properties.clone();
        let driver = Box::new(driver::Driver::new(
            options,
            receiver,
            sink,
            statistics.clone(),
        ));
        runtime::spawn(driver.run());
        Connection {
            commands,
            statistics,
            protocol,
            connect_properties,
        }
    }

    /// Opens a link; the outcome arrives as `ConnectionSuccess` or
    /// `ConnectionFailure`.
    pub fn connect(&self) {
        self.commands.send(Command::Connect);
    }

    /// Queues an operation after checking it and hands it to the driver; its
    /// outcome arrives as `Completed { id, .. }`.
    pub fn submit(&self, id: OperationId, request: Request) -> Result<(), InvalidRequest> {
        self.submit_deferred(id, request)?;
        self.flush();
        Ok(())
    }

    /// Like `submit`, but the driver is not woken: `flush` (or any other
    /// command) hands over everything deferred so far, in order, at once.
    pub fn submit_deferred(&self, id: OperationId, request: Request) -> Result<(), InvalidRequest> {
        request::validate(&request, self.protocol)?;
        self.statistics.submitted(&request);
        self.commands
            .queue(Command::Apply(Instruction::Submit(id, request)));
        Ok(())
    }

    /// Hands deferred operations to the driver.
    pub fn flush(&self) {
        self.commands.wake();
    }

    /// Sends `disconnect` (MQTT 5: its reason code and properties; MQTT
    /// 3.1.1 has neither) and closes the link; `Disconnected` reports the
    /// end. While a link is being opened, the attempt is given up.
    pub fn disconnect(
        &self,
        unfinished: Unfinished,
        disconnect: Disconnect,
    ) -> Result<(), InvalidRequest> {
        self.check_disconnect(&disconnect)?;
        self.commands
            .send(Command::Disconnect(unfinished, disconnect));
        Ok(())
    }

    /// Whether `disconnect` may end this connection (see `disconnect`), so
    /// an API can refuse it before it starts ending anything.
    pub fn check_disconnect(&self, disconnect: &Disconnect) -> Result<(), InvalidRequest> {
        request::validate_disconnect(disconnect, self.protocol, &self.connect_properties)
    }

    /// Closes the link at once without DISCONNECT, as a network failure
    /// would (the broker publishes the will); `Disconnected` reports the end.
    pub fn abort(&self, unfinished: Unfinished) {
        self.commands.send(Command::Abort(unfinished));
    }

    /// Replaces the user name and password from the next CONNECT on (sent
    /// before a transform's answer, they reach that attempt's CONNECT).
    pub fn set_credentials(&self, credentials: Credentials) {
        self.commands
            .send(Command::Apply(Instruction::Credentials(credentials)));
    }

    /// From now on (`on`) or no longer, the QoS 1 PUBACK and QoS 2 PUBCOMP
    /// of each inbound message wait for `acknowledge` with the message's
    /// ticket (`ClientEvent::Message`); they go out in arrival order.
    pub fn defer_acknowledgements(&self, on: bool) {
        self.commands
            .send(Command::Apply(Instruction::DeferAcknowledgements(on)));
    }

    /// From now on (`on`) or no longer, the PUBACK or PUBREC of each
    /// inbound QoS 1/2 message waits for `acknowledge`, whose reason code
    /// it carries (MQTT 5; MQTT.js's `customHandleAcks`).
    pub fn decide_receipts(&self, on: bool) {
        self.commands
            .send(Command::Apply(Instruction::DecideReceipts(on)));
    }

    /// The application is done with the message of `ticket`: its
    /// acknowledgement goes out with this reason code (`Some`), or never
    /// does. Like `submit_deferred`, it waits for `flush`.
    pub fn acknowledge(&self, ticket: AckTicket, verdict: Option<ReasonCode>) {
        self.commands
            .queue(Command::Apply(Instruction::Acknowledge { ticket, verdict }));
    }

    /// From now on (`on`) or no longer, every packet sent and received is
    /// reported as `ClientEvent::Packet`; off, it costs nothing.
    pub fn report_packets(&self, on: bool) {
        self.commands
            .send(Command::Apply(Instruction::ReportPackets(on)));
    }

    /// The application's AUTH (MQTT 5): the answer to an
    /// `AuthChallenge`, or a re-authentication on a live link.
    pub fn authenticate(&self, auth: Auth) -> Result<(), InvalidRequest> {
        request::validate_auth(&auth, self.protocol)?;
        self.commands
            .send(Command::Apply(Instruction::Authenticate(auth)));
        Ok(())
    }

    /// The user's answer to `ClientEvent::WebsocketHandshake { attempt, .. }`:
    /// the request to send, or the error that fails the attempt.
    pub fn websocket_transformed(&self, attempt: u32, result: Result<UpgradeRequest, ClientError>) {
        self.commands.send(Command::Transformed { attempt, result });
    }

    pub fn statistics(&self) -> Statistics {
        self.statistics.snapshot()
    }
}
