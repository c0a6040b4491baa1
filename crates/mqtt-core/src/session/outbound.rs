//! Outbound operations: queued until a link and a packet id are free, then in
//! flight until acknowledged (QoS 1: PUBACK; QoS 2: PUBREC, PUBREL, PUBCOMP).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::protocol::{
    has_wildcard, is_shared_subscription, Ack, Packet, Property, Publish, QoS, ReasonCode, SubAck,
    Subscribe, SubscriptionOptions, UnsubAck, Unsubscribe, VarInt,
};

use super::aliases::alias_of;
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

/// A granted subscription, as it is asked for again after a connection
/// without a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Subscription {
    options: SubscriptionOptions,
    /// MQTT 5: the Subscription Identifier it was made with.
    identifier: Option<u32>,
}

/// The Subscription Identifier among a SUBSCRIBE's properties.
fn identifier_of(properties: &[Property]) -> Option<u32> {
    properties.iter().find_map(|property| match property {
        Property::SubscriptionIdentifier(VarInt(id)) => Some(*id),
        _ => None,
    })
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
    /// Not awaiting anything: a QoS 0 publish about to go out.
    Qos0(Publish),
    PubAck(Publish),
    PubRec(Publish),
    /// PUBREL sent; `receipt` is the broker's PUBREC, whose reason code (0,
    /// or 16: no matching subscribers) the publish ends with.
    PubComp {
        receipt: Ack,
    },
    SubAck(Subscribe),
    UnsubAck(Unsubscribe),
}

impl InFlight {
    /// A QoS 1 or 2 publish, at any step of its flow.
    pub(super) fn is_publish(&self) -> bool {
        matches!(
            self.awaiting,
            Awaiting::PubAck(_) | Awaiting::PubRec(_) | Awaiting::PubComp { .. }
        )
    }
}

impl Awaiting {
    /// The first step of the flow of `request`, sent with `packet_id`.
    fn of(request: Request, packet_id: u16) -> Awaiting {
        match request {
            Request::Publish {
                topic,
                payload,
                qos,
                retain,
                properties,
            } => {
                let publish = Publish {
                    dup: false,
                    qos,
                    retain,
                    topic,
                    packet_id,
                    payload,
                    properties,
                };
                match qos {
                    QoS::AtMostOnce => Awaiting::Qos0(publish),
                    QoS::AtLeastOnce => Awaiting::PubAck(publish),
                    QoS::ExactlyOnce => Awaiting::PubRec(publish),
                }
            }
            Request::Subscribe {
                filters,
                properties,
            } => Awaiting::SubAck(Subscribe {
                packet_id,
                filters,
                properties,
            }),
            Request::Unsubscribe {
                filters,
                properties,
            } => Awaiting::UnsubAck(Unsubscribe {
                packet_id,
                filters,
                properties,
            }),
        }
    }

    /// The packet that (re)starts this step of the flow.
    fn packet(&self, packet_id: u16, resend: bool) -> Packet {
        match self {
            Awaiting::Qos0(publish) => Packet::Publish(publish.clone()),
            Awaiting::PubAck(publish) | Awaiting::PubRec(publish) => Packet::Publish(Publish {
                dup: resend,
                ..publish.clone()
            }),
            Awaiting::PubComp { .. } => Packet::PubRel(Ack::new(packet_id)),
            Awaiting::SubAck(subscribe) => Packet::Subscribe(subscribe.clone()),
            Awaiting::UnsubAck(unsubscribe) => Packet::Unsubscribe(unsubscribe.clone()),
        }
    }
}

/// A publish's end as its acknowledgement tells it.
fn published(ack: Ack) -> Outcome {
    Outcome::Published {
        reason_code: ack.reason_code,
        properties: ack.properties,
    }
}

impl Session {
    /// A user operation. Requests are validated by the caller; while not
    /// connected, one `SessionOptions::offline` does not keep fails at once.
    pub fn submit(&mut self, id: OperationId, request: Request, now: Instant) {
        let size = request.statistics_size();
        self.statistics.incomplete_count += 1;
        self.statistics.incomplete_size += size;
        let offline = self.link != Link::Up;
        if offline && !self.options.offline.keeps(&request) {
            let failed = Outcome::Failed(Failure::NotConnected);
            return self.finish(Origin::User(id), 0, size, false, failed);
        }
        let request = match self.with_aliased_topic(request) {
            Ok(request) => request,
            Err(failure) => {
                return self.finish(Origin::User(id), 0, size, false, Outcome::Failed(failure))
            }
        };
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

    /// A publish with an empty topic names the alias standing for its topic
    /// on this link: the session keeps the topic itself, so the publish can
    /// be sent again on any link.
    fn with_aliased_topic(&self, mut request: Request) -> Result<Request, Failure> {
        if let Request::Publish {
            topic, properties, ..
        } = &mut request
        {
            if topic.is_empty() {
                let alias = alias_of(properties).unwrap_or(0);
                let bound = (self.link == Link::Up)
                    .then(|| self.outbound_aliases.topic_of(alias))
                    .flatten();
                match bound {
                    Some(bound) => *topic = bound.to_string(),
                    None => {
                        return Err(Failure::TopicAliasInvalid(format!(
                            "the topic is empty and topic alias {alias} stands for no topic on this link"
                        )))
                    }
                }
            }
        }
        Ok(request)
    }

    /// Sends queued operations while the link is up and packet ids are free.
    pub(super) fn pump(&mut self, now: Instant) {
        // Set again below if the front of the queue is still held back.
        self.throttled_until = None;
        while self.link == Link::Up {
            let Some(front) = self.queued.front() else {
                return;
            };
            if front.request.is_acknowledged_publish()
                && self.in_flight.publishes() >= usize::from(self.negotiated.receive_maximum)
            {
                return; // the broker's Receive Maximum: wait for an acknowledgement
            }
            let is_publish = matches!(front.request, Request::Publish { .. });
            self.throttled_until = self.throttle.ready_at(is_publish, front.size, now);
            if self.throttled_until.is_some() {
                return; // over the send rate: `handle_timeout` pumps again
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
            self.throttle.spend(is_publish, size);
            let awaiting = Awaiting::of(request, packet_id);
            if let Err(failure) = self.sendable(&awaiting) {
                self.ids.release(packet_id);
                self.finish(origin, 0, size, false, Outcome::Failed(failure));
                continue;
            }
            if let Awaiting::Qos0(publish) = awaiting {
                self.transmit_publish(publish);
                self.unflushed.push_back((origin, size));
                continue;
            }
            self.transmit_awaited(&awaiting, packet_id, false);
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

    /// Whether this link's broker takes the operation, as its CONNACK said:
    /// QoS, retain, topic alias, subscription features and packet size.
    fn sendable(&self, awaiting: &Awaiting) -> Result<(), Failure> {
        let negotiated = &self.negotiated;
        let not_available = |what: String| Err(Failure::NotAvailable(what));
        match awaiting {
            Awaiting::Qos0(publish) | Awaiting::PubAck(publish) | Awaiting::PubRec(publish) => {
                if publish.qos > negotiated.maximum_qos {
                    return not_available(format!(
                        "a QoS {} publish: the broker's Maximum QoS is {}",
                        publish.qos as u8, negotiated.maximum_qos as u8
                    ));
                }
                if publish.retain && !negotiated.retain_available {
                    return not_available(
                        "a retained publish: the broker's Retain Available is 0".into(),
                    );
                }
                if let Some(alias) = alias_of(&publish.properties) {
                    self.outbound_aliases
                        .check(alias)
                        .map_err(Failure::TopicAliasInvalid)?;
                }
            }
            Awaiting::SubAck(subscribe) => {
                for (filter, _) in &subscribe.filters {
                    if is_shared_subscription(filter) && !negotiated.shared_subscription_available {
                        return not_available(format!(
                            "the shared subscription {filter:?}: the broker's Shared Subscription Available is 0"
                        ));
                    }
                    if has_wildcard(filter) && !negotiated.wildcard_subscription_available {
                        return not_available(format!(
                            "the filter {filter:?}: the broker's Wildcard Subscription Available is 0"
                        ));
                    }
                }
                if identifier_of(&subscribe.properties).is_some()
                    && !negotiated.subscription_identifiers_available
                {
                    return not_available(
                        "a Subscription Identifier: the broker's Subscription Identifiers Available is 0"
                            .into(),
                    );
                }
            }
            Awaiting::UnsubAck(_) => {}
            Awaiting::PubComp { .. } => return Ok(()),
        }
        self.fits(awaiting)
    }

    /// Whether the packet that starts `awaiting` is within the broker's
    /// Maximum Packet Size (measured only when the broker set one). A
    /// publish the session gives a new topic alias grows by the 3 bytes of
    /// the alias: counted here too.
    fn fits(&self, awaiting: &Awaiting) -> Result<(), Failure> {
        let Some(maximum) = self.negotiated.maximum_packet_size else {
            return Ok(());
        };
        // The packet id matters only to PUBREL, which is never measured.
        let packet = awaiting.packet(0, false);
        let mut size = crate::protocol::encoded_len(&packet, self.options.protocol).unwrap_or(0);
        if let Packet::Publish(publish) = &packet {
            if alias_of(&publish.properties).is_none() && self.outbound_aliases.may_add_alias() {
                size += 3;
            }
        }
        if size > maximum as usize {
            return Err(Failure::PacketTooLarge { size, maximum });
        }
        Ok(())
    }

    /// Queues a PUBLISH, its topic aliased as the link allows.
    fn transmit_publish(&mut self, mut publish: Publish) {
        self.outbound_aliases.apply(&mut publish);
        self.transmit.push_back(Packet::Publish(publish));
    }

    /// Queues the packet that (re)starts the step `awaiting` of a flow.
    fn transmit_awaited(&mut self, awaiting: &Awaiting, packet_id: u16, resend: bool) {
        match awaiting.packet(packet_id, resend) {
            Packet::Publish(publish) => self.transmit_publish(publish),
            packet => self.transmit.push_back(packet),
        }
    }

    fn operation_deadline(&mut self, packet_id: u16, now: Instant) -> Option<Instant> {
        let deadline = now + self.options.operation_timeout?;
        self.timers.expect_acknowledgement(packet_id, deadline);
        Some(deadline)
    }

    /// After CONNACK: what was in flight goes out again first, in its
    /// original order, PUBLISH with DUP set [MQTT-4.4.0-1]. What this link's
    /// broker does not take fails instead.
    pub(super) fn resend_in_flight(&mut self, now: Instant) {
        let mut order: Vec<(u64, u16)> = self
            .in_flight
            .iter()
            .map(|(packet_id, op)| (op.sequence, *packet_id))
            .collect();
        order.sort_unstable();
        for (_, packet_id) in order {
            let Some(op) = self.in_flight.get(packet_id) else {
                continue;
            };
            if let Err(failure) = self.sendable(&op.awaiting) {
                if let Some(op) = self.in_flight.remove(packet_id) {
                    self.settle(packet_id, op, Outcome::Failed(failure));
                }
                continue;
            }
            let deadline = self.operation_deadline(packet_id, now);
            if let Some(op) = self.in_flight.get_mut(packet_id) {
                op.deadline = deadline;
            }
            if let Some(op) = self.in_flight.remove(packet_id) {
                self.transmit_awaited(&op.awaiting, packet_id, true);
                self.in_flight.insert(packet_id, op);
            }
        }
    }

    /// PUBACK completes a QoS 1 publish; for a QoS 2 one it is a broker that
    /// downgrades QoS 2 to 1 (RabbitMQ does): delivered at QoS 1, complete.
    pub(super) fn handle_puback(&mut self, ack: Ack) {
        let packet_id = ack.packet_id;
        let expects = |a: &Awaiting| matches!(a, Awaiting::PubAck(_) | Awaiting::PubRec(_));
        let Some(op) = self.take_in_flight(packet_id, expects) else {
            return;
        };
        if matches!(op.awaiting, Awaiting::PubRec(_)) {
            self.events.push_back(Event::Note(format!(
                "the broker answered the QoS 2 publish {packet_id} with PUBACK: delivered at QoS 1"
            )));
        }
        self.complete(packet_id, op, published(ack));
    }

    /// PUBREC: PUBREL goes out, unless the broker refused the message (a
    /// reason code of 0x80 or more), which ends the flow.
    pub(super) fn handle_pubrec(&mut self, ack: Ack, now: Instant) {
        let packet_id = ack.packet_id;
        let Some(op) = self.in_flight.get_mut(packet_id) else {
            return; // a late PUBREC for an operation that timed out
        };
        match op.awaiting {
            Awaiting::PubRec(_) if ack.reason_code.is_failure() => {
                self.complete_if(packet_id, |_| true, || published(ack));
            }
            Awaiting::PubRec(_) | Awaiting::PubComp { .. } => {
                if let Awaiting::PubRec(_) = op.awaiting {
                    op.awaiting = Awaiting::PubComp { receipt: ack };
                }
                self.transmit.push_back(Packet::PubRel(Ack::new(packet_id)));
                let deadline = self.operation_deadline(packet_id, now);
                if let Some(op) = self.in_flight.get_mut(packet_id) {
                    op.deadline = deadline;
                }
            }
            _ => self.violation("PUBREC for a packet id that is not a QoS 2 publish"),
        }
    }

    /// PUBCOMP ends a QoS 2 flow with the PUBREC's reason code (and its
    /// properties, then the PUBCOMP's), unless the PUBCOMP itself failed.
    pub(super) fn handle_pubcomp(&mut self, ack: Ack) {
        let packet_id = ack.packet_id;
        let expects = |a: &Awaiting| matches!(a, Awaiting::PubComp { .. });
        let Some(op) = self.take_in_flight(packet_id, expects) else {
            return;
        };
        let outcome = match &op.awaiting {
            Awaiting::PubComp { receipt } if !ack.reason_code.is_failure() => {
                let mut properties = receipt.properties.clone();
                properties.extend(ack.properties);
                Outcome::Published {
                    reason_code: receipt.reason_code,
                    properties,
                }
            }
            _ => published(ack),
        };
        self.complete(packet_id, op, outcome);
    }

    pub(super) fn handle_suback(&mut self, suback: SubAck) {
        let SubAck {
            packet_id,
            return_codes,
            properties,
        } = suback;
        if !self.codes_fit(packet_id, return_codes.len()) {
            return self.violation("SUBACK has a different number of return codes than SUBSCRIBE");
        }
        self.complete_if(
            packet_id,
            |a| matches!(a, Awaiting::SubAck(_)),
            || Outcome::Subscribed {
                reason_codes: return_codes,
                properties,
            },
        );
    }

    pub(super) fn handle_unsuback(&mut self, unsuback: UnsubAck) {
        let UnsubAck {
            packet_id,
            reason_codes,
            properties,
        } = unsuback;
        if !self.codes_fit(packet_id, reason_codes.len()) {
            return self
                .violation("UNSUBACK has a different number of reason codes than UNSUBSCRIBE");
        }
        self.complete_if(
            packet_id,
            |a| matches!(a, Awaiting::UnsubAck(_)),
            || Outcome::Unsubscribed {
                reason_codes,
                properties,
            },
        );
    }

    /// Whether an acknowledgement with `count` codes fits the (UN)SUBSCRIBE in
    /// flight as `packet_id`: one per filter, or none in an MQTT 3.1.1
    /// UNSUBACK. Anything else in flight or nothing: `complete_if` decides.
    fn codes_fit(&self, packet_id: u16, count: usize) -> bool {
        match self.in_flight.get(packet_id).map(|op| &op.awaiting) {
            Some(Awaiting::SubAck(subscribe)) => subscribe.filters.len() == count,
            Some(Awaiting::UnsubAck(unsubscribe)) => {
                count == 0 || unsubscribe.filters.len() == count
            }
            _ => true,
        }
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

    /// The link is lost: what `SessionOptions::offline` does not keep fails,
    /// queued or in flight (but for QoS 1 and 2 publishes already sent,
    /// which follow the session).
    pub(super) fn drop_unretained(&mut self) {
        let retention = self.options.offline;
        let failed = || Outcome::Failed(Failure::ConnectionShutdown);
        if !retention.subscriptions {
            let mut dropped: Vec<(u64, u16)> = self
                .in_flight
                .iter()
                .filter(|(_, op)| !op.is_publish())
                .map(|(packet_id, op)| (op.sequence, *packet_id))
                .collect();
            dropped.sort_unstable();
            for (_, packet_id) in dropped {
                if let Some(op) = self.in_flight.remove(packet_id) {
                    self.settle(packet_id, op, failed());
                }
            }
        }
        let queued = std::mem::take(&mut self.queued);
        for entry in queued {
            if entry.origin == Origin::Restore || retention.keeps(&entry.request) {
                self.queued.push_back(entry);
                continue;
            }
            self.queued_bytes -= entry.size;
            self.finish(entry.origin, 0, entry.size, false, failed());
        }
    }

    /// Fails every user operation not complete, in flight (in send order)
    /// and then queued, with `failure`: the user ended the connection for
    /// good, and with it the session (a later CONNECT with
    /// `rejoin_once_connected` starts clean again). Subscriptions being
    /// restored are dropped with them.
    pub fn fail_unfinished(&mut self, failure: Failure) {
        self.connected_once = false;
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
            (Awaiting::SubAck(subscribe), Outcome::Subscribed { reason_codes, .. }) => {
                let identifier = identifier_of(&subscribe.properties);
                for ((filter, options), code) in subscribe.filters.iter().zip(reason_codes) {
                    if ReasonCode(*code).is_failure() {
                        self.subscriptions.remove(filter);
                    } else {
                        let options = *options;
                        let subscription = Subscription {
                            options,
                            identifier,
                        };
                        self.subscriptions.insert(filter.clone(), subscription);
                    }
                }
            }
            (Awaiting::UnsubAck(unsubscribe), Outcome::Unsubscribed { reason_codes, .. }) => {
                for (i, filter) in unsubscribe.filters.iter().enumerate() {
                    let refused = reason_codes
                        .get(i)
                        .is_some_and(|code| ReasonCode(*code).is_failure());
                    if !refused {
                        self.subscriptions.remove(filter);
                    }
                }
            }
            _ => {}
        }
    }

    /// After a CONNACK without a session: the remembered subscriptions go out
    /// again, ahead of everything queued, one SUBSCRIBE per batch of filters
    /// made with the same Subscription Identifier.
    pub(super) fn restore_subscriptions(&mut self) {
        let mut by_identifier: BTreeMap<Option<u32>, Vec<(String, SubscriptionOptions)>> =
            BTreeMap::new();
        for (filter, subscription) in &self.subscriptions {
            by_identifier
                .entry(subscription.identifier)
                .or_default()
                .push((filter.clone(), subscription.options));
        }
        let mut requests = Vec::new();
        for (identifier, filters) in by_identifier {
            let properties: Vec<Property> = identifier
                .map(|id| Property::SubscriptionIdentifier(VarInt(id)))
                .into_iter()
                .collect();
            for chunk in filters.chunks(RESTORE_BATCH) {
                requests.push(Request::Subscribe {
                    filters: chunk.to_vec(),
                    properties: properties.clone(),
                });
            }
        }
        for request in requests.into_iter().rev() {
            self.queued.push_front(Queued {
                origin: Origin::Restore,
                request,
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
