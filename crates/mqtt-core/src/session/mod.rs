//! The MQTT session as a sans-IO state machine: packets, requests and time go
//! in; packets to send and events come out. Every protocol rule that is not
//! byte layout lives here; no sockets, no threads, no clock of its own.
//!
//! A driver owns one `Session` for the whole life of a user's connection
//! object, across every network link: `connection_opened` when a byte stream
//! is up, `handle_packet` for each decoded packet, `handle_timeout` at
//! `next_deadline`, `poll_transmit` / `flushed` around writes, `poll_event`
//! for what to report, `connection_lost` when the stream is gone.

mod aliases;
mod auth;
mod ids;
mod in_flight;
mod inbound;
mod negotiated;
mod outbound;
mod spare;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_retention;
#[cfg(test)]
mod tests_v5;
mod throttle;
mod timers;
mod types;

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use crate::protocol::{
    ConnAck, Connect, Disconnect, Packet, Property, ProtocolError, ProtocolVersion, ReasonCode,
};

use aliases::{InboundAliases, OutboundAliases};
use ids::PacketIds;
use in_flight::InFlightTable;
use inbound::Inbound;
use outbound::{Origin, Queued, Subscription};
pub use spare::ReleaseWhenEmpty;
use throttle::Throttle;
use timers::{Answer, Timers};
pub use types::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Down,
    AwaitingConnAck,
    Up,
    /// DISCONNECT was queued; nothing else goes out on this link.
    Closing,
}

pub struct Session {
    options: SessionOptions,
    link: Link,
    ids: PacketIds,
    /// Operations not yet sent: waiting for a link or for a packet id.
    queued: VecDeque<Queued>,
    /// The statistics size of `queued`, for its byte limit.
    queued_bytes: u64,
    /// Operations sent and waiting for their acknowledgement, by packet id.
    in_flight: InFlightTable,
    /// What the broker's CONNACK allows the current link.
    negotiated: Negotiated,
    timers: Timers,
    /// QoS 0 publishes handed to the transport and not yet flushed.
    unflushed: VecDeque<(Origin, u64)>,
    /// Granted subscriptions, restored after a connection without a session.
    subscriptions: BTreeMap<String, Subscription>,
    inbound: Inbound,
    inbound_aliases: InboundAliases,
    outbound_aliases: OutboundAliases,
    transmit: VecDeque<Packet>,
    events: VecDeque<Event>,
    statistics: Statistics,
    next_sequence: u64,
    last_sent: Option<Instant>,
    /// A CONNACK has accepted a connection since the session began.
    connected_once: bool,
    throttle: Throttle,
    /// When the operation at the front of the queue may go, held back by
    /// `SessionOptions::send_rate`.
    throttled_until: Option<Instant>,
}

impl Session {
    pub fn new(options: SessionOptions) -> Session {
        let limits = OwnLimits::of(&options.connect_properties);
        Session {
            inbound_aliases: InboundAliases::new(limits.topic_alias_maximum),
            outbound_aliases: OutboundAliases::new(options.topic_aliasing),
            inbound: Inbound::new(limits.receive_maximum),
            throttle: Throttle::new(options.send_rate),
            options,
            link: Link::Down,
            ids: PacketIds::default(),
            queued: VecDeque::new(),
            queued_bytes: 0,
            in_flight: InFlightTable::default(),
            negotiated: Negotiated::default(),
            timers: Timers::default(),
            unflushed: VecDeque::new(),
            subscriptions: BTreeMap::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            statistics: Statistics::default(),
            next_sequence: 0,
            last_sent: None,
            connected_once: false,
            throttled_until: None,
        }
    }

    pub fn options(&self) -> &SessionOptions {
        &self.options
    }

    /// The largest packet our CONNECT lets the broker send (MQTT 5's
    /// Maximum Packet Size), if it names one: a larger one ends the link.
    pub fn own_maximum_packet_size(&self) -> Option<u32> {
        OwnLimits::of(&self.options.connect_properties).maximum_packet_size
    }

    /// The MQTT version of every link: what CONNECT asks for.
    pub fn protocol(&self) -> ProtocolVersion {
        self.options.protocol
    }

    pub fn is_connected(&self) -> bool {
        self.link == Link::Up
    }

    /// A byte stream to the broker is up: CONNECT goes out first.
    pub fn connection_opened(&mut self, now: Instant) {
        self.transmit.clear();
        self.link = Link::AwaitingConnAck;
        self.negotiated = Negotiated::default();
        self.inbound_aliases.reset();
        self.timers.clear_answers();
        self.timers
            .expect(Answer::ConnAck, now + self.options.connack_timeout);
        let clean_start = self.clean_start();
        let options = &self.options;
        self.transmit.push_back(Packet::Connect(Connect {
            protocol: options.protocol,
            client_id: options.client_id.clone(),
            clean_session: clean_start,
            keep_alive: options.keep_alive.as_secs().min(u64::from(u16::MAX)) as u16,
            will: options.will.clone(),
            username: options.username.clone(),
            password: options.password.clone(),
            properties: options.connect_properties.clone(),
        }));
        if let Some(auth) = &options.auth_after_connect {
            self.transmit.push_back(Packet::Auth(auth.clone()));
        }
    }

    /// The credentials of every CONNECT from now on.
    pub fn set_credentials(&mut self, credentials: Credentials) {
        self.options.username = credentials.username;
        self.options.password = credentials.password;
    }

    /// Whether the next CONNECT starts a new session.
    fn clean_start(&self) -> bool {
        self.options.clean_session && !(self.options.rejoin_once_connected && self.connected_once)
    }

    /// The byte stream is gone (lost, refused, or closed after DISCONNECT).
    /// What `SessionOptions::offline` does not keep fails. A clean session
    /// fails what it had in flight (unless asked to resend it); a persistent
    /// one keeps it to resend on the next link.
    pub fn connection_lost(&mut self) {
        self.link = Link::Down;
        self.transmit.clear();
        self.timers.clear_answers();
        while let Some((id, size)) = self.unflushed.pop_front() {
            self.finish(
                id,
                0,
                size,
                false,
                Outcome::Failed(Failure::ConnectionShutdown),
            );
        }
        self.inbound.link_lost();
        self.drop_unretained();
        if self.clean_start() {
            self.inbound.forget_session();
            if !self.options.resend_in_flight_when_clean {
                self.fail_in_flight(Failure::CancelledForCleanSession);
            }
        }
    }

    /// Queues `disconnect` (in MQTT 3.1.1, a plain DISCONNECT) when
    /// connected; the driver closes the stream once it is written and then
    /// calls `connection_lost`.
    pub fn disconnect(&mut self, disconnect: Disconnect) {
        if self.link == Link::Up {
            let disconnect = match self.options.protocol {
                ProtocolVersion::V311 => Disconnect::default(),
                ProtocolVersion::V5 => disconnect,
            };
            self.transmit.push_back(Packet::Disconnect(disconnect));
        }
        self.link = Link::Closing;
    }

    /// The next packet to write. Sending counts as traffic for keepalive.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Packet> {
        let Some(packet) = self.transmit.pop_front() else {
            self.transmit.release_when_empty();
            return None;
        };
        self.last_sent = Some(now);
        Some(packet)
    }

    /// Everything polled so far has been written to the stream: QoS 0
    /// publishes among it are complete.
    pub fn flushed(&mut self) {
        while let Some((id, size)) = self.unflushed.pop_front() {
            self.finish(id, 0, size, false, Outcome::published());
        }
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        let event = self.events.pop_front();
        if event.is_none() {
            self.events.release_when_empty();
        }
        event
    }

    pub fn statistics(&self) -> Statistics {
        self.statistics
    }

    /// The earliest moment `handle_timeout` has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        let throttled = self.throttled_until.filter(|_| self.link == Link::Up);
        [self.timers.next(), self.keepalive_moment(), throttled]
            .into_iter()
            .flatten()
            .min()
    }

    /// When a PINGREQ is due: keep alive past the last packet sent, on a live
    /// link not already waiting for PINGRESP.
    fn keepalive_moment(&self) -> Option<Instant> {
        let keep_alive = self.keep_alive();
        let idle = self.link == Link::Up
            && !keep_alive.is_zero()
            && !self.timers.is_expecting(Answer::PingResp);
        self.last_sent
            .filter(|_| idle)
            .map(|last| last + keep_alive)
    }

    /// The link's keep alive: the broker's Server Keep Alive, else ours.
    fn keep_alive(&self) -> Duration {
        self.negotiated
            .server_keep_alive
            .map_or(self.options.keep_alive, |secs| {
                Duration::from_secs(u64::from(secs))
            })
    }

    /// Moves every answer deadline (CONNACK, PINGRESP, acknowledgements) `by`
    /// later: the driver stopped reading for that long, so answers that came
    /// meanwhile are still unread and must not count as late.
    pub fn postpone_deadlines(&mut self, by: Duration) {
        self.timers.postpone(by);
        self.postpone_operation_deadlines(by);
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if self.timers.answer_late(now) {
            return self.fatal(Failure::Timeout);
        }
        self.expire_operations(now);
        self.pump(now);
        if self.keepalive_moment().is_some_and(|at| now >= at) {
            self.transmit.push_back(Packet::PingReq);
            self.timers
                .expect(Answer::PingResp, now + self.options.ping_timeout);
        }
    }

    /// One decoded packet from the broker.
    pub fn handle_packet(&mut self, packet: Packet, now: Instant) {
        if matches!(self.link, Link::Down | Link::Closing) {
            return; // the link is being torn down; nothing more counts
        }
        if self.link == Link::AwaitingConnAck
            && !matches!(packet, Packet::ConnAck(_) | Packet::Auth(_))
        {
            return self.violation("the broker sent a packet before CONNACK");
        }
        match packet {
            Packet::ConnAck(connack) => self.handle_connack(connack, now),
            Packet::Publish(publish) => self.handle_publish(publish),
            Packet::PubRel(ack) => self.handle_pubrel(ack.packet_id),
            Packet::PubAck(ack) => self.handle_puback(ack),
            Packet::PubRec(ack) => self.handle_pubrec(ack, now),
            Packet::PubComp(ack) => self.handle_pubcomp(ack),
            Packet::SubAck(suback) => self.handle_suback(suback),
            Packet::UnsubAck(unsuback) => self.handle_unsuback(unsuback),
            Packet::PingResp => self.timers.answered(Answer::PingResp),
            // MQTT 5: the broker ends the link and says why.
            Packet::Disconnect(disconnect) if self.options.protocol == ProtocolVersion::V5 => {
                self.fatal(Failure::DisconnectedByBroker(disconnect))
            }
            Packet::Connect(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::PingReq
            | Packet::Disconnect(_) => self.violation("the broker sent a packet only clients send"),
            Packet::Auth(auth) => self.handle_auth(auth, now),
        }
        // An acknowledgement may have freed the packet id a queued operation waits for.
        self.pump(now);
    }

    fn handle_connack(&mut self, connack: ConnAck, now: Instant) {
        if self.link != Link::AwaitingConnAck {
            return self.violation("the broker sent a second CONNACK");
        }
        self.timers.answered(Answer::ConnAck);
        if connack.return_code != 0 {
            return self.fatal(Failure::ConnectionRefused {
                code: connack.return_code,
                properties: connack.properties,
            });
        }
        self.link = Link::Up;
        self.connected_once = true;
        self.negotiated = Negotiated::from_connack(&connack.properties);
        self.outbound_aliases
            .reset(self.negotiated.topic_alias_maximum);
        if let Some(assigned) = &self.negotiated.assigned_client_identifier {
            // Later CONNECTs resume the session under the name it was given.
            self.options.client_id.clone_from(assigned);
        }
        if !connack.session_present {
            // The broker has no record of inbound QoS 2 ids we hold, nor of
            // our subscriptions.
            self.inbound.forget_session();
            if self.options.resubscribe {
                self.restore_subscriptions();
            }
        }
        self.events.push_back(Event::Connected {
            session_present: connack.session_present,
            properties: connack.properties,
            negotiated: Box::new(self.negotiated.clone()),
        });
        self.resend_in_flight(now);
    }

    /// What the broker sent could not be decoded: the link ends, in MQTT 5
    /// with a DISCONNECT that says why (Packet too large, Protocol Error for
    /// a property that breaks the rules, Malformed Packet for the rest).
    pub fn undecodable(&mut self, error: &ProtocolError) {
        let reason_code = match error {
            ProtocolError::PacketTooLarge { .. } => ReasonCode::PACKET_TOO_LARGE,
            ProtocolError::PropertyNotAllowed { .. }
            | ProtocolError::DuplicateProperty(_)
            | ProtocolError::InvalidPropertyValue(_) => ReasonCode::PROTOCOL_ERROR,
            _ => ReasonCode::MALFORMED_PACKET,
        };
        self.fatal(Failure::ProtocolViolation {
            reason_code,
            what: error.to_string(),
        });
    }

    fn violation(&mut self, what: &str) {
        self.violation_with(ReasonCode::PROTOCOL_ERROR, what.to_string());
    }

    fn violation_with(&mut self, reason_code: ReasonCode, what: String) {
        self.fatal(Failure::ProtocolViolation { reason_code, what });
    }

    /// The link must close; nothing more is sent or handled on it. In MQTT 5
    /// a protocol violation is said first, in a DISCONNECT with its reason
    /// code (the driver writes it before it closes the stream).
    fn fatal(&mut self, failure: Failure) {
        let said = matches!(self.link, Link::AwaitingConnAck | Link::Up)
            && self.options.protocol == ProtocolVersion::V5;
        self.link = Link::Closing;
        self.timers.clear_answers();
        self.transmit.clear();
        if let (true, Failure::ProtocolViolation { reason_code, .. }) = (said, &failure) {
            self.transmit.push_back(Packet::Disconnect(Disconnect {
                reason_code: *reason_code,
                properties: Vec::new(),
            }));
        }
        self.events.push_back(Event::Fatal(failure));
    }
}

/// The limits our CONNECT sets on what the broker sends (MQTT 5; their
/// defaults, MQTT 3.1.1's meaning: no topic aliases, 65,535 unacknowledged).
struct OwnLimits {
    receive_maximum: u16,
    topic_alias_maximum: u16,
    maximum_packet_size: Option<u32>,
}

impl OwnLimits {
    fn of(connect_properties: &[Property]) -> OwnLimits {
        let mut limits = OwnLimits {
            receive_maximum: u16::MAX,
            topic_alias_maximum: 0,
            maximum_packet_size: None,
        };
        for property in connect_properties {
            match property {
                Property::ReceiveMaximum(n) => limits.receive_maximum = *n,
                Property::TopicAliasMaximum(n) => limits.topic_alias_maximum = *n,
                Property::MaximumPacketSize(n) => limits.maximum_packet_size = Some(*n),
                _ => {}
            }
        }
        limits
    }
}
