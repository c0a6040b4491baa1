//! Outbound operations: queued until a link and a packet id are free, then in
//! flight until acknowledged (QoS 1: PUBACK; QoS 2: PUBREC, PUBREL, PUBCOMP).

use std::time::{Duration, Instant};

use crate::protocol::{Ack, Packet, Publish, QoS, SubAck, Subscribe, Unsubscribe, SUBACK_FAILURE};

use super::{Event, Failure, Link, OperationId, Outcome, Request, Session};

/// Filters per SUBSCRIBE when subscriptions are restored.
const RESTORE_BATCH: usize = 64;

/// Who asked for an operation: the user (and is told how it ended), or the
/// session itself (restoring subscriptions), which tells nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    User(OperationId),
    Restore,
}

pub(super) struct Queued {
    origin: Origin,
    request: Request,
    size: u64,
}

pub(super) struct InFlight {
    origin: Origin,
    /// Send order, so that a resend after reconnect keeps it.
    sequence: u64,
    size: u64,
    deadline: Option<Instant>,
    awaiting: Awaiting,
}

enum Awaiting {
    PubAck(Publish),
    PubRec(Publish),
    PubComp,
    SubAck(Subscribe),
    UnsubAck(Unsubscribe),
}

impl InFlight {
    /// A QoS 1 or 2 publish, at any step of its flow.
    pub(super) fn is_publish(&self) -> bool {
        matches!(
            self.awaiting,
            Awaiting::PubAck(_) | Awaiting::PubRec(_) | Awaiting::PubComp
        )
    }
}

impl Awaiting {
    /// The packet that (re)starts this step of the flow.
    fn packet(&self, packet_id: u16, resend: bool) -> Packet {
        match self {
            Awaiting::PubAck(publish) | Awaiting::PubRec(publish) => Packet::Publish(Publish {
                dup: resend,
                ..publish.clone()
            }),
            Awaiting::PubComp => Packet::PubRel(Ack::new(packet_id)),
            Awaiting::SubAck(subscribe) => Packet::Subscribe(subscribe.clone()),
            Awaiting::UnsubAck(unsubscribe) => Packet::Unsubscribe(unsubscribe.clone()),
        }
    }
}

impl Session {
    /// A user operation. Requests are validated by the caller; a QoS 0
    /// publish while not connected fails at once.
    pub fn submit(&mut self, id: OperationId, request: Request, now: Instant) {
        let size = request.statistics_size();
        self.statistics.incomplete_count += 1;
        self.statistics.incomplete_size += size;
        let offline = self.link != Link::Up;
        if request.is_qos0_publish() && offline && !self.options.queue_qos0_offline {
            let failed = Outcome::Failed(Failure::NotConnected);
            return self.finish(Origin::User(id), 0, size, false, failed);
        }
        let limit = self.options.queue_limit;
        if self.queued.len() >= limit.operations || self.queued_bytes + size > limit.bytes {
            let failed = Outcome::Failed(Failure::QueueFull);
            return self.finish(Origin::User(id), 0, size, false, failed);
        }
        self.queued_bytes += size;
        self.queued.push_back(Queued {
            origin: Origin::User(id),
            request,
            size,
        });
        self.pump(now);
    }

    /// Sends queued operations while the link is up and packet ids are free.
    pub(super) fn pump(&mut self, now: Instant) {
        while self.link == Link::Up {
            let Some(front) = self.queued.front() else {
                return;
            };
            if front.request.is_acknowledged_publish()
                && self.in_flight.publishes() >= usize::from(self.negotiated.receive_maximum)
            {
                return; // the broker's Receive Maximum: wait for an acknowledgement
            }
            let packet_id = if front.request.is_qos0_publish() {
                0
            } else {
                match self.ids.allocate() {
                    Some(packet_id) => packet_id,
                    None => return, // all ids in flight: wait for an acknowledgement
                }
            };
            let Some(Queued {
                origin,
                request,
                size,
            }) = self.queued.pop_front()
            else {
                return;
            };
            self.queued_bytes -= size;
            let awaiting = match request {
                Request::Publish {
                    topic,
                    payload,
                    qos,
                    retain,
                } => {
                    let publish = Publish {
                        dup: false,
                        qos,
                        retain,
                        topic,
                        packet_id,
                        payload,
                        properties: Vec::new(),
                    };
                    match qos {
                        QoS::AtMostOnce => {
                            self.transmit.push_back(Packet::Publish(publish));
                            self.unflushed.push_back((origin, size));
                            continue;
                        }
                        QoS::AtLeastOnce => Awaiting::PubAck(publish),
                        QoS::ExactlyOnce => Awaiting::PubRec(publish),
                    }
                }
                Request::Subscribe { filters } => Awaiting::SubAck(Subscribe {
                    packet_id,
                    filters: filters
                        .into_iter()
                        .map(|(f, qos)| (f, qos.into()))
                        .collect(),
                    properties: Vec::new(),
                }),
                Request::Unsubscribe { filters } => Awaiting::UnsubAck(Unsubscribe {
                    packet_id,
                    filters,
                    properties: Vec::new(),
                }),
            };
            self.transmit.push_back(awaiting.packet(packet_id, false));
            if let Origin::User(_) = origin {
                self.statistics.unacked_count += 1;
                self.statistics.unacked_size += size;
            }
            let sequence = self.next_sequence;
            self.next_sequence += 1;
            let deadline = self.operation_deadline(packet_id, now);
            self.in_flight.insert(
                packet_id,
                InFlight {
                    origin,
                    sequence,
                    size,
                    deadline,
                    awaiting,
                },
            );
        }
    }

    fn operation_deadline(&mut self, packet_id: u16, now: Instant) -> Option<Instant> {
        let deadline = now + self.options.operation_timeout?;
        self.timers.expect_acknowledgement(packet_id, deadline);
        Some(deadline)
    }

    /// After CONNACK: what was in flight goes out again first, in its
    /// original order, PUBLISH with DUP set [MQTT-4.4.0-1].
    pub(super) fn resend_in_flight(&mut self, now: Instant) {
        let mut order: Vec<(u64, u16)> = self
            .in_flight
            .iter()
            .map(|(packet_id, op)| (op.sequence, *packet_id))
            .collect();
        order.sort_unstable();
        for (_, packet_id) in order {
            let deadline = self.operation_deadline(packet_id, now);
            if let Some(op) = self.in_flight.get_mut(packet_id) {
                op.deadline = deadline;
                let packet = op.awaiting.packet(packet_id, true);
                self.transmit.push_back(packet);
            }
        }
    }

    /// PUBACK completes a QoS 1 publish; for a QoS 2 one it is a broker that
    /// downgrades QoS 2 to 1 (RabbitMQ does): delivered at QoS 1, complete.
    pub(super) fn handle_puback(&mut self, packet_id: u16) {
        let expects = |a: &Awaiting| matches!(a, Awaiting::PubAck(_) | Awaiting::PubRec(_));
        let Some(op) = self.take_in_flight(packet_id, expects) else {
            return;
        };
        if matches!(op.awaiting, Awaiting::PubRec(_)) {
            self.events.push_back(Event::Note(format!(
                "the broker answered the QoS 2 publish {packet_id} with PUBACK: delivered at QoS 1"
            )));
        }
        self.complete(packet_id, op, Outcome::Published);
    }

    pub(super) fn handle_pubrec(&mut self, packet_id: u16, now: Instant) {
        let Some(op) = self.in_flight.get_mut(packet_id) else {
            return; // a late PUBREC for an operation that timed out
        };
        match op.awaiting {
            Awaiting::PubRec(_) | Awaiting::PubComp => {
                op.awaiting = Awaiting::PubComp;
                self.transmit.push_back(Packet::PubRel(Ack::new(packet_id)));
                let deadline = self.operation_deadline(packet_id, now);
                if let Some(op) = self.in_flight.get_mut(packet_id) {
                    op.deadline = deadline;
                }
            }
            _ => self.violation("PUBREC for a packet id that is not a QoS 2 publish"),
        }
    }

    pub(super) fn handle_pubcomp(&mut self, packet_id: u16) {
        self.complete_if(
            packet_id,
            |a| matches!(a, Awaiting::PubComp),
            || Outcome::Published,
        );
    }

    pub(super) fn handle_suback(&mut self, suback: SubAck) {
        let codes = suback.return_codes;
        let matches_request = match self.in_flight.get(suback.packet_id) {
            Some(InFlight {
                awaiting: Awaiting::SubAck(subscribe),
                ..
            }) => subscribe.filters.len() == codes.len(),
            _ => true, // not in flight or of another kind: complete_if decides
        };
        if !matches_request {
            return self.violation("SUBACK has a different number of return codes than SUBSCRIBE");
        }
        self.complete_if(
            suback.packet_id,
            |a| matches!(a, Awaiting::SubAck(_)),
            || Outcome::Subscribed(codes),
        );
    }

    pub(super) fn handle_unsuback(&mut self, packet_id: u16) {
        self.complete_if(
            packet_id,
            |a| matches!(a, Awaiting::UnsubAck(_)),
            || Outcome::Unsubscribed,
        );
    }

    /// Completes the in-flight operation `packet_id` when it awaits what
    /// `expects` accepts. An acknowledgement for an id not in flight is
    /// ignored (its operation may have timed out); one of the wrong kind for
    /// an id in flight breaks the protocol.
    fn complete_if(
        &mut self,
        packet_id: u16,
        expects: impl FnOnce(&Awaiting) -> bool,
        outcome: impl FnOnce() -> Outcome,
    ) {
        if let Some(op) = self.take_in_flight(packet_id, expects) {
            self.complete(packet_id, op, outcome());
        }
    }

    /// The in-flight operation `packet_id`, taken out when it awaits what
    /// `expects` accepts (`complete_if` says what else happens).
    fn take_in_flight(
        &mut self,
        packet_id: u16,
        expects: impl FnOnce(&Awaiting) -> bool,
    ) -> Option<InFlight> {
        let op = self.in_flight.remove(packet_id)?;
        if expects(&op.awaiting) {
            return Some(op);
        }
        self.in_flight.insert(packet_id, op);
        self.violation("an acknowledgement of the wrong kind for a packet id in flight");
        None
    }

    fn complete(&mut self, packet_id: u16, op: InFlight, outcome: Outcome) {
        self.remember_subscriptions(&op.awaiting, &outcome);
        self.settle(packet_id, op, outcome);
    }

    pub(super) fn expire_operations(&mut self, now: Instant) {
        while let Some((at, packet_id)) = self.timers.pop_due_acknowledgement(now) {
            let due = self
                .in_flight
                .get(packet_id)
                .is_some_and(|op| op.deadline == Some(at));
            if due {
                if let Some(op) = self.in_flight.remove(packet_id) {
                    self.settle(packet_id, op, Outcome::Failed(Failure::Timeout));
                }
            }
        }
    }

    /// The operations' own record of their deadlines, moved with the table.
    pub(super) fn postpone_operation_deadlines(&mut self, by: Duration) {
        for op in self.in_flight.values_mut() {
            op.deadline = op.deadline.map(|at| at + by);
        }
    }

    pub(super) fn fail_in_flight(&mut self, failure: Failure) {
        let mut failed: Vec<(u16, InFlight)> = self.in_flight.drain().collect();
        failed.sort_unstable_by_key(|(_, op)| op.sequence);
        self.timers.clear_acknowledgements();
        for (packet_id, op) in failed {
            self.settle(packet_id, op, Outcome::Failed(failure.clone()));
        }
    }

    /// Fails every user operation not complete, in flight (in send order)
    /// and then queued, with `failure`: the user ended the connection for
    /// good. Subscriptions being restored are dropped with them.
    pub fn fail_unfinished(&mut self, failure: Failure) {
        self.fail_in_flight(failure.clone());
        self.queued_bytes = 0;
        while let Some(Queued { origin, size, .. }) = self.queued.pop_front() {
            self.finish(origin, 0, size, false, Outcome::Failed(failure.clone()));
        }
    }

    /// Ends an operation that was in flight and frees its packet id.
    fn settle(&mut self, packet_id: u16, op: InFlight, outcome: Outcome) {
        self.ids.release(packet_id);
        self.finish(op.origin, packet_id, op.size, true, outcome);
    }

    /// Keeps the set of granted subscriptions up to date, to restore them
    /// after a connection without a session.
    fn remember_subscriptions(&mut self, awaiting: &Awaiting, outcome: &Outcome) {
        match (awaiting, outcome) {
            (Awaiting::SubAck(subscribe), Outcome::Subscribed(codes)) => {
                for ((filter, options), code) in subscribe.filters.iter().zip(codes) {
                    if *code == SUBACK_FAILURE {
                        self.subscriptions.remove(filter);
                    } else {
                        self.subscriptions.insert(filter.clone(), options.qos);
                    }
                }
            }
            (Awaiting::UnsubAck(unsubscribe), Outcome::Unsubscribed) => {
                for filter in &unsubscribe.filters {
                    self.subscriptions.remove(filter);
                }
            }
            _ => {}
        }
    }

    /// After a CONNACK without a session: the remembered subscriptions go out
    /// again, ahead of everything queued.
    pub(super) fn restore_subscriptions(&mut self) {
        let filters: Vec<(String, QoS)> = self
            .subscriptions
            .iter()
            .map(|(filter, qos)| (filter.clone(), *qos))
            .collect();
        for chunk in filters.chunks(RESTORE_BATCH).rev() {
            self.queued.push_front(Queued {
                origin: Origin::Restore,
                request: Request::Subscribe {
                    filters: chunk.to_vec(),
                },
                size: 0,
            });
        }
    }

    /// Reports a user operation's end and takes it out of the statistics.
    pub(super) fn finish(
        &mut self,
        origin: Origin,
        packet_id: u16,
        size: u64,
        was_unacked: bool,
        outcome: Outcome,
    ) {
        let Origin::User(id) = origin else {
            return;
        };
        self.statistics.incomplete_count -= 1;
        self.statistics.incomplete_size -= size;
        if was_unacked {
            self.statistics.unacked_count -= 1;
            self.statistics.unacked_size -= size;
        }
        self.events.push_back(Event::Completed {
            id,
            packet_id,
            outcome,
        });
    }
}
