//! Inbound application messages: QoS 1 acknowledged, QoS 2 delivered exactly
//! once (the id is held from PUBLISH until PUBREL).

use crate::protocol::{Packet, Publish, QoS};

use super::{Event, Session};

impl Session {
    pub(super) fn handle_publish(&mut self, publish: Publish) {
        let packet_id = publish.packet_id;
        match publish.qos {
            QoS::AtMostOnce => self.events.push_back(Event::Message(publish)),
            QoS::AtLeastOnce => {
                self.events.push_back(Event::Message(publish));
                self.transmit.push_back(Packet::PubAck { packet_id });
            }
            QoS::ExactlyOnce => {
                if self.inbound_qos2.insert(packet_id) {
                    self.events.push_back(Event::Message(publish));
                }
                self.transmit.push_back(Packet::PubRec { packet_id });
            }
        }
    }

    pub(super) fn handle_pubrel(&mut self, packet_id: u16) {
        self.inbound_qos2.remove(&packet_id);
        self.transmit.push_back(Packet::PubComp { packet_id });
    }
}
