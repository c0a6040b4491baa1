//! Inbound application messages: QoS 1 acknowledged, QoS 2 delivered exactly
//! once (the id is held from PUBLISH until PUBREL). With deferred
//! acknowledgement the application says when each QoS 1 PUBACK and QoS 2
//! PUBCOMP may go out; they go out in the order the messages came. With
//! decided receipts (MQTT 5), it says instead what each PUBACK and PUBREC
//! says: the reason code, a failure refusing the message; a QoS 2 message
//! accepted then completes when the broker releases it. In MQTT 5 the broker
//! may have no more QoS 1/2 messages unacknowledged on a link than our
//! Receive Maximum.

use std::collections::{HashSet, VecDeque};

use crate::protocol::{Ack, Packet, ProtocolVersion, Publish, QoS, ReasonCode};

use super::{AckTicket, Event, Link, Session};

pub(super) struct Inbound {
    /// Our Receive Maximum.
    receive_maximum: u16,
    /// QoS 1/2 messages received on this link whose PUBACK or PUBCOMP has
    /// not gone out (a lower bound: one of an earlier link may end here).
    unacknowledged: usize,
    /// QoS 2 packet ids received and not yet released (PUBREL).
    qos2: HashSet<u16>,
    /// Acknowledgements wait for `acknowledge`.
    defer: bool,
    /// The PUBACK or PUBREC of each message waits for `acknowledge`, whose
    /// reason code it carries.
    decide_receipts: bool,
    next_ticket: AckTicket,
    /// Deferred acknowledgements in arrival order.
    deferred: VecDeque<Deferred>,
    /// QoS 2 ids whose acknowledgement the application has not given (or
    /// withheld): their PUBREL is not answered.
    awaiting_application: HashSet<u16>,
    /// Of those, the ids the broker released (PUBREL) on this link.
    released: HashSet<u16>,
    /// Counts links, so an acknowledgement for a message of an earlier link
    /// is not sent on this one.
    link: u64,
}

struct Deferred {
    ticket: AckTicket,
    packet_id: u16,
    qos: QoS,
    link: u64,
    /// What waits: the PUBACK or PUBREC (a decided receipt), else the
    /// PUBACK or PUBCOMP.
    receipt: bool,
    /// The application's answer: acknowledge with this reason code, or
    /// withhold (`None`).
    verdict: Option<Option<ReasonCode>>,
}

impl Inbound {
    pub(super) fn new(receive_maximum: u16) -> Inbound {
        Inbound {
            receive_maximum,
            unacknowledged: 0,
            qos2: HashSet::new(),
            defer: false,
            decide_receipts: false,
            next_ticket: 0,
            deferred: VecDeque::new(),
            awaiting_application: HashSet::new(),
            released: HashSet::new(),
            link: 0,
        }
    }

    /// One more message to acknowledge; false if that is more than our
    /// Receive Maximum allows.
    fn take_quota(&mut self) -> bool {
        self.unacknowledged += 1;
        self.unacknowledged <= usize::from(self.receive_maximum)
    }

    fn give_back_quota(&mut self) {
        self.unacknowledged = self.unacknowledged.saturating_sub(1);
    }

    /// The broker has no record of the QoS 2 ids we hold.
    pub(super) fn forget_session(&mut self) {
        self.qos2.clear();
        self.awaiting_application.clear();
        self.released.clear();
    }

    pub(super) fn link_lost(&mut self) {
        self.released.clear();
        self.unacknowledged = 0;
        self.link += 1;
    }

    /// A ticket for the message just received, when its acknowledgement waits.
    fn defer(&mut self, packet_id: u16, qos: QoS) -> Option<AckTicket> {
        if !(self.defer || self.decide_receipts) {
            return None;
        }
        let ticket = self.next_ticket;
        self.next_ticket = self.next_ticket.wrapping_add(1);
        let receipt = self.decide_receipts;
        self.deferred.push_back(Deferred {
            ticket,
            packet_id,
            qos,
            link: self.link,
            receipt,
            verdict: None,
        });
        if qos == QoS::ExactlyOnce && !receipt {
            self.awaiting_application.insert(packet_id);
        }
        Some(ticket)
    }
}

impl Session {
    pub(super) fn handle_publish(&mut self, mut publish: Publish) {
        if let Err((reason_code, what)) = self.inbound_aliases.resolve(&mut publish) {
            return self.violation_with(reason_code, what);
        }
        let packet_id = publish.packet_id;
        let fresh = publish.qos == QoS::AtLeastOnce
            || publish.qos == QoS::ExactlyOnce && !self.inbound.qos2.contains(&packet_id);
        if fresh && !self.inbound.take_quota() {
            let what = format!(
                "the broker sent more unacknowledged QoS 1/2 messages than our Receive Maximum of {}",
                self.inbound.receive_maximum
            );
            return self.violation_with(ReasonCode::RECEIVE_MAXIMUM_EXCEEDED, what);
        }
        match publish.qos {
            QoS::AtMostOnce => self.events.push_back(Event::Message(publish, None)),
            QoS::AtLeastOnce => {
                let ticket = self.inbound.defer(packet_id, QoS::AtLeastOnce);
                self.events.push_back(Event::Message(publish, ticket));
                if ticket.is_none() {
                    self.send_puback(packet_id, ReasonCode::SUCCESS);
                }
            }
            QoS::ExactlyOnce => {
                let mut receipt_waits = false;
                if self.inbound.qos2.insert(packet_id) {
                    let ticket = self.inbound.defer(packet_id, QoS::ExactlyOnce);
                    receipt_waits = ticket.is_some() && self.inbound.decide_receipts;
                    self.events.push_back(Event::Message(publish, ticket));
                }
                if !receipt_waits {
                    self.transmit.push_back(Packet::PubRec(Ack::new(packet_id)));
                }
            }
        }
    }

    fn send_puback(&mut self, packet_id: u16, reason_code: ReasonCode) {
        self.inbound.give_back_quota();
        let ack = Ack {
            reason_code,
            ..Ack::new(packet_id)
        };
        self.transmit.push_back(Packet::PubAck(ack));
    }

    /// A decided PUBREC: a refusal ends the message's flow here.
    fn send_pubrec(&mut self, packet_id: u16, reason_code: ReasonCode) {
        if reason_code.is_failure() {
            self.inbound.qos2.remove(&packet_id);
            self.inbound.give_back_quota();
        }
        let ack = Ack {
            reason_code,
            ..Ack::new(packet_id)
        };
        self.transmit.push_back(Packet::PubRec(ack));
    }

    pub(super) fn handle_pubrel(&mut self, packet_id: u16) {
        if self.inbound.awaiting_application.contains(&packet_id) {
            self.inbound.released.insert(packet_id);
        } else {
            self.complete_inbound_qos2(packet_id);
        }
    }

    fn complete_inbound_qos2(&mut self, packet_id: u16) {
        self.inbound.qos2.remove(&packet_id);
        self.inbound.give_back_quota();
        self.transmit
            .push_back(Packet::PubComp(Ack::new(packet_id)));
    }

    /// From now on (`on`) or no longer, inbound QoS 1/2 messages carry an
    /// `AckTicket` and are acknowledged only through `acknowledge`.
    pub fn defer_acknowledgements(&mut self, on: bool) {
        self.inbound.defer = on;
    }

    /// From now on (`on`) or no longer, the PUBACK or PUBREC of each inbound
    /// QoS 1/2 message waits for `acknowledge` and carries the reason code
    /// it gives (MQTT 5); a QoS 2 message then completes on PUBREL. While
    /// on, it governs over `defer_acknowledgements`.
    pub fn decide_receipts(&mut self, on: bool) {
        self.inbound.decide_receipts = on;
    }

    /// The application's answer for the message of `ticket`: its
    /// acknowledgement may go out with this reason code (`Some`; in MQTT
    /// 3.1.1 always success), or never will (`None`). Answers are applied in
    /// the order the messages came; an unknown ticket is ignored.
    pub fn acknowledge(&mut self, ticket: AckTicket, verdict: Option<ReasonCode>) {
        let Some(entry) = self
            .inbound
            .deferred
            .iter_mut()
            .find(|entry| entry.ticket == ticket)
        else {
            return;
        };
        entry.verdict.get_or_insert(verdict);
        while let Some(entry) = self
            .inbound
            .deferred
            .pop_front_if(|entry| entry.verdict.is_some())
        {
            let Some(Some(mut code)) = entry.verdict else {
                continue; // withheld
            };
            if self.options.protocol == ProtocolVersion::V311 {
                code = ReasonCode::SUCCESS; // MQTT 3.1.1 acknowledgements say nothing more
            }
            let on_this_link = entry.link == self.inbound.link && self.link == Link::Up;
            let packet_id = entry.packet_id;
            match entry.qos {
                QoS::AtLeastOnce if on_this_link => self.send_puback(packet_id, code),
                QoS::ExactlyOnce if entry.receipt && on_this_link => {
                    self.send_pubrec(packet_id, code)
                }
                QoS::ExactlyOnce if !entry.receipt => self.release_inbound_qos2(packet_id),
                _ => {}
            }
        }
    }

    /// The application acknowledged a QoS 2 message: PUBCOMP now if the
    /// broker released it on this link, else when its PUBREL comes.
    fn release_inbound_qos2(&mut self, packet_id: u16) {
        self.inbound.awaiting_application.remove(&packet_id);
        if self.inbound.released.remove(&packet_id) && self.link == Link::Up {
            self.complete_inbound_qos2(packet_id);
        }
    }
}
