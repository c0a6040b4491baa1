//! The `session` target: a script of driver calls, read from the fuzz input,
//! run against one `Session` while a model of the user's side checks what
//! comes out.
//!
//! The script format is hand-rolled (not `arbitrary`) so that `Step::write`
//! can produce meaningful seeds, and a crash input can be read back with
//! `Script::parse` and printed as steps.
//!
//! Checked after every step: no panic (overflow checks on: the statistics are
//! unsigned counters), every packet the session sends can be encoded, every
//! operation completes exactly once with the packet id it was sent with, the
//! statistics equal the model's count and size of incomplete operations, no
//! packet id is used by two of the user's operations at once, and a deadline
//! that is due is settled by firing the timer (else a driver's timer loop
//! would spin).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};

use crate::protocol::{
    decode_as, encode_as, Ack, ConnAck, Disconnect, Packet, Property, ProtocolVersion, Publish,
    QoS, ReasonCode, SubAck, UnsubAck, SUBACK_FAILURE,
};
use crate::session::{
    AckTicket, Event, Failure, OfflineRetention, OperationId, QueueLimit, Request, SendRate,
    Session, SessionOptions, TopicAliasing,
};

/// One call of the driver into the session, or one packet from the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A byte stream is up: CONNECT goes out.
    Open,
    /// The stream is gone.
    Lose,
    Disconnect,
    /// Everything polled so far was written.
    Flushed,
    /// Up to `count` packets are polled and written (0: all of them).
    Transmit {
        count: u8,
    },
    /// The clock moves on, without calling `handle_timeout`.
    Advance {
        millis: u16,
    },
    /// The clock moves to `next_deadline` (if later) and the timer fires.
    FireDeadline,
    /// The driver stopped reading for a while (a full backlog).
    Postpone {
        millis: u16,
    },
    /// A user operation; requests are valid, as the caller validates them.
    Publish {
        qos: u8,
        retain: bool,
        payload_len: u8,
    },
    Subscribe {
        filters: u8,
        qos_bits: u8,
    },
    Unsubscribe {
        filters: u8,
    },
    /// Raw bytes from the broker, decoded as the driver decodes them.
    Receive {
        wire: Vec<u8>,
    },
    /// A packet from the broker built to hit the session's state: its packet
    /// id is picked among those the session sent (`id_pick` < 0x80) or is a
    /// literal; `extra` gives the packet's other fields.
    Reply {
        kind: u8,
        id_pick: u8,
        extra: u8,
    },
    /// Inbound acknowledgements wait for the application from now on, or no longer.
    DeferAcknowledgements {
        on: bool,
    },
    /// The application's answer for a message delivered with a ticket
    /// (picked among those seen, newest first).
    Acknowledge {
        pick: u8,
        send: bool,
    },
    /// The user ended the connection for good: unfinished operations fail.
    FailUnfinished,
}

const STEP_KINDS: u8 = 16;

/// Session options from the first byte of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionBits(pub u8);

impl OptionBits {
    pub const CLEAN_SESSION: u8 = 1;
    pub const RESUBSCRIBE: u8 = 1 << 1;
    pub const RESEND_WHEN_CLEAN: u8 = 1 << 2;
    pub const QUEUE_QOS0_OFFLINE: u8 = 1 << 3;
    pub const OPERATION_TIMEOUT: u8 = 1 << 4;
    pub const NO_KEEPALIVE: u8 = 1 << 5;
    /// A queue of at most two operations and 64 bytes.
    pub const SMALL_QUEUE: u8 = 1 << 6;
    /// MQTT 5: CONNACKs carry a Receive Maximum of 1 to 4 (from their `extra`).
    pub const MQTT5: u8 = 1 << 7;

    fn options(self) -> SessionOptions {
        let has = |bit: u8| self.0 & bit != 0;
        SessionOptions {
            protocol: if has(Self::MQTT5) {
                ProtocolVersion::V5
            } else {
                ProtocolVersion::V311
            },
            client_id: "fuzz".into(),
            clean_session: has(Self::CLEAN_SESSION),
            rejoin_once_connected: has(Self::OPERATION_TIMEOUT),
            keep_alive: Duration::from_secs(if has(Self::NO_KEEPALIVE) { 0 } else { 10 }),
            ping_timeout: Duration::from_secs(3),
            connack_timeout: Duration::from_secs(3),
            operation_timeout: has(Self::OPERATION_TIMEOUT).then(|| Duration::from_secs(5)),
            resubscribe: has(Self::RESUBSCRIBE),
            resend_in_flight_when_clean: has(Self::RESEND_WHEN_CLEAN),
            // Everything kept, the default, or nothing kept (aws-crt's
            // FailAllOnDisconnect).
            offline: match (has(Self::QUEUE_QOS0_OFFLINE), has(Self::RESEND_WHEN_CLEAN)) {
                (true, _) => OfflineRetention {
                    qos0_publishes: true,
                    ..OfflineRetention::default()
                },
                (false, true) => OfflineRetention::default(),
                (false, false) => OfflineRetention {
                    qos0_publishes: false,
                    acknowledged_publishes: false,
                    subscriptions: false,
                },
            },
            queue_limit: if has(Self::SMALL_QUEUE) {
                QueueLimit {
                    operations: 2,
                    bytes: 64,
                }
            } else {
                QueueLimit {
                    operations: 100,
                    bytes: 1 << 20,
                }
            },
            will: None,
            username: None,
            password: None,
            // MQTT 5 sessions bound what the broker sends and give every
            // topic an alias, so the fuzzer reaches those rules too.
            connect_properties: if has(Self::MQTT5) {
                vec![Property::ReceiveMaximum(8), Property::TopicAliasMaximum(3)]
            } else {
                Vec::new()
            },
            topic_aliasing: if has(Self::MQTT5) {
                TopicAliasing::Assign { limit: 2 }
            } else {
                TopicAliasing::Manual
            },
            auth_after_connect: None,
            send_rate: has(Self::SMALL_QUEUE).then_some(SendRate {
                publishes_per_second: 2,
                bytes_per_second: 64,
            }),
        }
    }
}

/// A parsed fuzz input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub options: OptionBits,
    pub steps: Vec<Step>,
}

/// Reads bytes off the front of the input; past its end it reads zeros, so
/// every input is a valid script.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&first, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        first
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn take(&mut self, len: usize) -> &[u8] {
        let (taken, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        taken
    }
}

impl Script {
    pub fn parse(input: &[u8]) -> Script {
        let mut reader = Reader(input);
        let options = OptionBits(reader.byte());
        let mut steps = Vec::new();
        while !reader.0.is_empty() {
            steps.push(Step::read(&mut reader));
        }
        Script { options, steps }
    }

    /// The bytes `parse` reads back as this script.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![self.options.0];
        for step in &self.steps {
            step.write(&mut out);
        }
        out
    }
}

impl Step {
    fn read(reader: &mut Reader) -> Step {
        match reader.byte() % STEP_KINDS {
            0 => Step::Open,
            1 => Step::Lose,
            2 => Step::Disconnect,
            3 => Step::Flushed,
            4 => Step::Transmit {
                count: reader.byte(),
            },
            5 => Step::Advance {
                millis: reader.u16(),
            },
            6 => Step::FireDeadline,
            7 => Step::Postpone {
                millis: reader.u16(),
            },
            8 => Step::Publish {
                qos: reader.byte(),
                retain: reader.byte() & 1 != 0,
                payload_len: reader.byte(),
            },
            9 => Step::Subscribe {
                filters: reader.byte(),
                qos_bits: reader.byte(),
            },
            10 => Step::Unsubscribe {
                filters: reader.byte(),
            },
            11 => {
                let len = usize::from(reader.byte());
                Step::Receive {
                    wire: reader.take(len).to_vec(),
                }
            }
            12 => Step::Reply {
                kind: reader.byte(),
                id_pick: reader.byte(),
                extra: reader.byte(),
            },
            13 => Step::DeferAcknowledgements {
                on: reader.byte() & 1 != 0,
            },
            14 => Step::Acknowledge {
                pick: reader.byte(),
                send: reader.byte() & 1 != 0,
            },
            _ => Step::FailUnfinished,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Step::Open => out.push(0),
            Step::Lose => out.push(1),
            Step::Disconnect => out.push(2),
            Step::Flushed => out.push(3),
            Step::Transmit { count } => out.extend([4, *count]),
            Step::Advance { millis } => {
                out.push(5);
                out.extend(millis.to_be_bytes());
            }
            Step::FireDeadline => out.push(6),
            Step::Postpone { millis } => {
                out.push(7);
                out.extend(millis.to_be_bytes());
            }
            Step::Publish {
                qos,
                retain,
                payload_len,
            } => {
                out.extend([8, *qos, u8::from(*retain), *payload_len]);
            }
            Step::Subscribe { filters, qos_bits } => out.extend([9, *filters, *qos_bits]),
            Step::Unsubscribe { filters } => out.extend([10, *filters]),
            Step::Receive { wire } => {
                assert!(
                    wire.len() <= 255,
                    "a Receive step carries at most 255 bytes"
                );
                out.extend([11, wire.len() as u8]);
                out.extend(wire);
            }
            Step::Reply {
                kind,
                id_pick,
                extra,
            } => out.extend([12, *kind, *id_pick, *extra]),
            Step::DeferAcknowledgements { on } => out.extend([13, u8::from(*on)]),
            Step::Acknowledge { pick, send } => out.extend([14, *pick, u8::from(*send)]),
            Step::FailUnfinished => out.push(15),
        }
    }
}

/// Reply kinds (`kind % REPLY_KINDS`).
pub mod reply {
    pub const CONNACK: u8 = 0;
    pub const PUBACK: u8 = 1;
    pub const PUBREC: u8 = 2;
    pub const PUBREL: u8 = 3;
    pub const PUBCOMP: u8 = 4;
    pub const SUBACK: u8 = 5;
    pub const UNSUBACK: u8 = 6;
    pub const PINGRESP: u8 = 7;
    pub const PUBLISH: u8 = 8;
    /// A packet only clients send (PINGREQ).
    pub const CLIENT_ONLY: u8 = 9;
    pub const REPLY_KINDS: u8 = 10;
}

/// Topic filters that overlap, so unsubscribes and restored subscriptions
/// touch the same entries.
const FILTER_POOL: [&str; 4] = ["a/b", "a/+", "#", "$SYS/x"];

/// The user's side: what was submitted, and what the session owes it.
struct Model {
    next_id: OperationId,
    /// Submitted, not completed: id to statistics size.
    incomplete: HashMap<OperationId, u64>,
    /// Packet ids the session sent each tracked operation with, while the
    /// operation is incomplete.
    holders: HashMap<u16, OperationId>,
    /// Packet ids seen on outgoing packets, newest last, for `Reply`.
    sent_ids: Vec<u16>,
    /// Filter counts of the SUBSCRIBEs sent, by packet id, for SUBACKs that
    /// match.
    subscribe_sizes: HashMap<u16, usize>,
    /// Tickets of messages delivered with a deferred acknowledgement, newest last.
    tickets: Vec<AckTicket>,
}

/// The marker filter that makes a user's SUBSCRIBE or UNSUBSCRIBE
/// recognisable on the wire; a PUBLISH carries the id as its payload's
/// first four bytes.
fn marker(id: OperationId) -> String {
    format!("op/{id}")
}

/// Up to three distinct filters of the pool, chosen by `pick`.
fn pool_filters(pick: u8) -> impl Iterator<Item = &'static str> {
    let start = usize::from(pick >> 2);
    (0..usize::from(pick % 4)).map(move |n| FILTER_POOL[(start + n) % FILTER_POOL.len()])
}

fn marked_operation(packet: &Packet) -> Option<OperationId> {
    let first_filter = match packet {
        Packet::Publish(publish) if publish.qos != QoS::AtMostOnce => {
            let bytes: [u8; 4] = publish.payload.get(..4)?.try_into().ok()?;
            return Some(OperationId::from_be_bytes(bytes));
        }
        Packet::Subscribe(subscribe) => subscribe.filters.first().map(|(f, _)| f.as_str())?,
        Packet::Unsubscribe(unsubscribe) => unsubscribe.filters.first()?.as_str(),
        _ => return None,
    };
    first_filter.strip_prefix("op/")?.parse().ok()
}

fn packet_id_of(packet: &Packet) -> Option<u16> {
    match *packet {
        Packet::Publish(ref publish) if publish.qos != QoS::AtMostOnce => Some(publish.packet_id),
        Packet::PubRel(Ack { packet_id, .. }) => Some(packet_id),
        Packet::Subscribe(ref subscribe) => Some(subscribe.packet_id),
        Packet::Unsubscribe(ref unsubscribe) => Some(unsubscribe.packet_id),
        _ => None,
    }
}

fn qos_from_bits(bits: u8) -> QoS {
    match bits % 3 {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

/// Runs one fuzz input.
pub fn run(input: &[u8]) {
    run_traced(input, false);
}

/// Runs one fuzz input; with `trace`, prints each step and what came out of
/// the session (for `cargo run --example replay`).
pub fn run_traced(input: &[u8], trace: bool) {
    let script = Script::parse(input);
    if trace {
        eprintln!("options: {:?}", script.options.options());
    }
    let start = Instant::now();
    let mut driver = Driver {
        trace,
        session: Session::new(script.options.options()),
        stream_open: false,
        start,
        now: start,
        model: Model {
            next_id: 0,
            incomplete: HashMap::new(),
            holders: HashMap::new(),
            sent_ids: Vec::new(),
            subscribe_sizes: HashMap::new(),
            tickets: Vec::new(),
        },
    };
    for step in script.steps {
        if trace {
            eprintln!("[{:?}] {step:?}", driver.now - start);
        }
        driver.step(step);
        driver.collect_events();
        driver.check_statistics();
    }
    // Whatever state it ended in, a lost link and a flush must settle cleanly.
    driver.lose_stream();
    driver.session.flushed();
    driver.collect_events();
    driver.check_statistics();
}

struct Driver {
    trace: bool,
    session: Session,
    /// Whether the driver has a byte stream open (from `Open` until it is
    /// lost, fails on a malformed packet, or ends on a fatal event).
    stream_open: bool,
    start: Instant,
    now: Instant,
    model: Model,
}

impl Driver {
    fn step(&mut self, step: Step) {
        let now = self.now;
        match step {
            Step::Open => {
                // The real driver only opens a stream after the last one is
                // lost (or failed to open), and says so first.
                if self.stream_open {
                    self.lose_stream();
                }
                self.session.connection_opened(now);
                self.stream_open = true;
            }
            Step::Lose => self.lose_stream(),
            Step::Disconnect => self.session.disconnect(Disconnect::default()),
            Step::Flushed => self.session.flushed(),
            Step::Transmit { count } => self.transmit(count),
            Step::Advance { millis } => self.now += Duration::from_millis(millis.into()),
            Step::FireDeadline => self.fire_timer(),
            Step::Postpone { millis } => self
                .session
                .postpone_deadlines(Duration::from_millis(millis.into())),
            Step::Publish {
                qos,
                retain,
                payload_len,
            } => {
                let id = self.new_operation();
                let mut payload = id.to_be_bytes().to_vec();
                payload.resize(4 + usize::from(payload_len), b'.');
                let request = Request::Publish {
                    topic: "t/x".into(),
                    payload: Bytes::from(payload),
                    qos: qos_from_bits(qos),
                    retain,
                    properties: Vec::new(),
                };
                self.submit(id, request);
            }
            Step::Subscribe { filters, qos_bits } => {
                let id = self.new_operation();
                let mut list = vec![(marker(id), qos_from_bits(qos_bits).into())];
                for (n, filter) in pool_filters(filters).enumerate() {
                    let qos = qos_from_bits(qos_bits >> (2 * (n + 1)));
                    list.push((filter.into(), qos.into()));
                }
                let properties = Vec::new();
                self.submit(
                    id,
                    Request::Subscribe {
                        filters: list,
                        properties,
                    },
                );
            }
            Step::Unsubscribe { filters } => {
                let id = self.new_operation();
                let mut list = vec![marker(id)];
                list.extend(pool_filters(filters).map(String::from));
                let properties = Vec::new();
                self.submit(
                    id,
                    Request::Unsubscribe {
                        filters: list,
                        properties,
                    },
                );
            }
            Step::Receive { wire } => self.receive(&wire),
            Step::Reply {
                kind,
                id_pick,
                extra,
            } => {
                let packet = self.reply(kind, id_pick, extra);
                self.deliver(packet);
            }
            Step::DeferAcknowledgements { on } => {
                self.session.defer_acknowledgements(on);
                // MQTT 5 sessions decide their receipts too (with reason codes).
                if self.session.protocol() == ProtocolVersion::V5 {
                    self.session.decide_receipts(on);
                }
            }
            Step::Acknowledge { pick, send } => {
                let tickets = &self.model.tickets;
                if let Some(&ticket) = tickets.iter().rev().nth(usize::from(pick) % 8) {
                    // High picks refuse the message, where a reason code can.
                    let code = if pick >= 0x80 {
                        ReasonCode::NOT_AUTHORIZED
                    } else {
                        ReasonCode::SUCCESS
                    };
                    self.session.acknowledge(ticket, send.then_some(code));
                }
            }
            Step::FailUnfinished => {
                // The real driver does this only once the link is closed.
                if self.stream_open {
                    self.lose_stream();
                }
                self.session.fail_unfinished(Failure::ConnectionShutdown);
            }
        }
    }

    fn lose_stream(&mut self) {
        self.session.connection_lost();
        self.stream_open = false;
    }

    /// The driver's timer: armed at `next_deadline`, it fires at or after it.
    /// One firing may leave a deadline that is already due (a CONNACK
    /// timeout returns before expiring operations), but firing again at the
    /// same instant must settle it, else the driver's timer loop would spin.
    fn fire_timer(&mut self) {
        if let Some(deadline) = self.session.next_deadline() {
            self.now = self.now.max(deadline);
        }
        for _ in 0..4 {
            self.session.handle_timeout(self.now);
            self.collect_events();
            let next = self.session.next_deadline();
            if self.trace {
                let relative = next.map(|at| at.saturating_duration_since(self.start));
                eprintln!(
                    "    timer fired at {:?}; next deadline {relative:?}",
                    self.now - self.start
                );
            }
            if next.is_none_or(|at| at > self.now) {
                return;
            }
        }
        panic!(
            "handle_timeout keeps a deadline due at {:?}: a driver would spin",
            self.now - self.start
        );
    }

    fn new_operation(&mut self) -> OperationId {
        self.model.next_id += 1;
        self.model.next_id
    }

    fn submit(&mut self, id: OperationId, request: Request) {
        self.model.incomplete.insert(id, request.statistics_size());
        self.session.submit(id, request, self.now);
    }

    /// As the driver's read path: decode what is whole, and end the link on
    /// a malformed packet.
    fn receive(&mut self, wire: &[u8]) {
        let mut buf = BytesMut::from(wire);
        loop {
            match decode_as(&mut buf, 1 << 20, self.session.protocol()) {
                Ok(Some(packet)) => self.session.handle_packet(packet, self.now),
                Ok(None) => return,
                Err(_) => return self.lose_stream(),
            }
        }
    }

    /// A packet only reaches the session if the decoder would produce it:
    /// built packets go through the wire and back.
    fn deliver(&mut self, packet: Packet) {
        let version = self.session.protocol();
        let mut wire = BytesMut::new();
        if encode_as(&packet, &mut wire, version).is_err() {
            return;
        }
        match decode_as(&mut wire, usize::MAX, version) {
            Ok(Some(decoded)) => self.session.handle_packet(decoded, self.now),
            other => panic!("{packet:?} encoded but decoded as {other:?}"),
        }
    }

    fn reply(&self, kind: u8, id_pick: u8, extra: u8) -> Packet {
        let sent = &self.model.sent_ids;
        let packet_id = if id_pick < 0x80 && !sent.is_empty() {
            sent[sent.len() - 1 - usize::from(id_pick) % sent.len()]
        } else {
            u16::from(id_pick & 0x7F) + 1
        };
        match kind % reply::REPLY_KINDS {
            reply::CONNACK => Packet::ConnAck(ConnAck {
                session_present: extra & 1 != 0,
                // Mostly accepted; else one of the refusals 1..=5 or an unknown code.
                return_code: if extra & 0b110 == 0b110 {
                    (extra >> 3) % 7
                } else {
                    0
                },
                properties: match self.session.protocol() {
                    ProtocolVersion::V311 => Vec::new(),
                    ProtocolVersion::V5 => {
                        vec![Property::ReceiveMaximum(1 + u16::from(extra >> 6))]
                    }
                },
            }),
            reply::PUBACK => Packet::PubAck(Ack::new(packet_id)),
            reply::PUBREC => Packet::PubRec(Ack::new(packet_id)),
            reply::PUBREL => Packet::PubRel(Ack::new(packet_id)),
            reply::PUBCOMP => Packet::PubComp(Ack::new(packet_id)),
            reply::SUBACK => {
                let count = match self.model.subscribe_sizes.get(&packet_id) {
                    // Usually as many codes as filters; with bit 7, one more.
                    Some(&filters) => filters + usize::from(extra >> 7),
                    None => 1 + usize::from(extra % 3),
                };
                let codes = [0, 1, 2, SUBACK_FAILURE];
                let return_codes = (0..count)
                    .map(|n| codes[usize::from(extra.rotate_right(n as u32)) % 4])
                    .collect();
                Packet::SubAck(SubAck {
                    packet_id,
                    return_codes,
                    properties: Vec::new(),
                })
            }
            reply::UNSUBACK => Packet::UnsubAck(UnsubAck {
                // MQTT 5 has a reason code per filter: "no subscription existed" will do.
                reason_codes: match self.session.protocol() {
                    ProtocolVersion::V311 => Vec::new(),
                    ProtocolVersion::V5 => vec![0x11],
                },
                ..UnsubAck::new(packet_id)
            }),
            reply::PINGRESP => Packet::PingResp,
            reply::PUBLISH => {
                let qos = qos_from_bits(extra);
                Packet::Publish(Publish {
                    dup: qos != QoS::AtMostOnce && extra & 4 != 0,
                    qos,
                    retain: extra & 8 != 0,
                    topic: "in/x".into(),
                    packet_id: if qos == QoS::AtMostOnce { 0 } else { packet_id },
                    payload: Bytes::from_static(b"payload"),
                    properties: Vec::new(),
                })
            }
            _ => Packet::PingReq,
        }
    }

    fn transmit(&mut self, count: u8) {
        let limit = if count == 0 {
            usize::MAX
        } else {
            usize::from(count)
        };
        for _ in 0..limit {
            let Some(packet) = self.session.poll_transmit(self.now) else {
                return;
            };
            if self.trace {
                eprintln!("    sent {packet:?}");
            }
            let mut wire = BytesMut::new();
            if let Err(error) = encode_as(&packet, &mut wire, self.session.protocol()) {
                panic!("the session sent {packet:?}, which cannot be encoded: {error}");
            }
            self.track_packet_id(&packet);
        }
    }

    /// No packet id is used by two incomplete operations at once.
    fn track_packet_id(&mut self, packet: &Packet) {
        let Some(packet_id) = packet_id_of(packet) else {
            return;
        };
        self.model.sent_ids.push(packet_id);
        if let Packet::Subscribe(subscribe) = packet {
            self.model
                .subscribe_sizes
                .insert(packet_id, subscribe.filters.len());
        }
        // Only operations still incomplete: a restored subscription reuses
        // the marker filter of the (completed) operation that granted it.
        let Some(operation) =
            marked_operation(packet).filter(|op| self.model.incomplete.contains_key(op))
        else {
            return;
        };
        if let Some(&holder) = self.model.holders.get(&packet_id) {
            assert_eq!(
                holder, operation,
                "packet id {packet_id} sent for operation {operation} while operation {holder} holds it"
            );
        }
        if let Some((&other_id, _)) = self
            .model
            .holders
            .iter()
            .find(|(&id, &op)| op == operation && id != packet_id)
        {
            panic!(
                "operation {operation} sent with packet id {packet_id}, earlier with {other_id}"
            );
        }
        self.model.holders.insert(packet_id, operation);
    }

    fn collect_events(&mut self) {
        while let Some(event) = self.session.poll_event() {
            if self.trace {
                eprintln!("    event {event:?}");
            }
            match event {
                Event::Completed {
                    id,
                    packet_id,
                    outcome,
                } => {
                    assert!(
                        self.model.incomplete.remove(&id).is_some(),
                        "operation {id} completed twice, or was never submitted ({outcome:?})"
                    );
                    if let Some((&held, _)) = self.model.holders.iter().find(|(_, &op)| op == id) {
                        assert_eq!(
                            packet_id, held,
                            "operation {id} sent with id {held}, completed with {packet_id}"
                        );
                        self.model.holders.remove(&held);
                    }
                }
                // The driver closes the link on a fatal event.
                Event::Fatal(_) => self.lose_stream(),
                Event::Message(_, Some(ticket)) => self.model.tickets.push(ticket),
                Event::Connected { .. }
                | Event::Message(_, None)
                | Event::Note(_)
                | Event::AuthChallenge(_) => {}
            }
        }
    }

    fn check_statistics(&self) {
        let statistics = self.session.statistics();
        let count = self.model.incomplete.len() as u64;
        let size: u64 = self.model.incomplete.values().sum();
        assert_eq!(
            statistics.incomplete_count, count,
            "incomplete count: {statistics:?}"
        );
        assert_eq!(
            statistics.incomplete_size, size,
            "incomplete size: {statistics:?}"
        );
        assert!(statistics.unacked_count <= count, "{statistics:?}");
        assert!(statistics.unacked_size <= size, "{statistics:?}");
    }
}
