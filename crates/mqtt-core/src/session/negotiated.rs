//! What the broker's CONNACK allows one link (MQTT 5 section 3.2.2.3). MQTT
//! 3.1.1's CONNACK carries none of it: its link has the defaults, which are
//! what 3.1.1 always meant (no limit but MQTT's own, no topic aliases).

use crate::protocol::{Property, QoS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// QoS 1 and 2 publishes the broker takes before it acknowledges them.
    pub receive_maximum: u16,
    /// The largest packet the broker takes; `None`: MQTT's own limit.
    pub maximum_packet_size: Option<u32>,
    /// Topic aliases the broker takes from us; 0: none.
    pub topic_alias_maximum: u16,
    pub maximum_qos: QoS,
    pub retain_available: bool,
    pub wildcard_subscription_available: bool,
    pub subscription_identifiers_available: bool,
    pub shared_subscription_available: bool,
    /// Seconds: the keep alive of this link, in place of ours.
    pub server_keep_alive: Option<u16>,
    /// The client identifier the broker gave us (we sent an empty one).
    pub assigned_client_identifier: Option<String>,
    /// Seconds the broker keeps the session after the link ends.
    pub session_expiry_interval: Option<u32>,
}

impl Default for Negotiated {
    fn default() -> Negotiated {
        Negotiated {
            receive_maximum: u16::MAX,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            wildcard_subscription_available: true,
            subscription_identifiers_available: true,
            shared_subscription_available: true,
            server_keep_alive: None,
            assigned_client_identifier: None,
            session_expiry_interval: None,
        }
    }
}

impl Negotiated {
    /// The limits a CONNACK's properties set; what they leave out keeps its
    /// default. (The codec has checked each value: no zero maximum, flags 0 or 1.)
    pub fn from_connack(properties: &[Property]) -> Negotiated {
        let mut negotiated = Negotiated::default();
        for property in properties {
            match property {
                Property::ReceiveMaximum(n) => negotiated.receive_maximum = *n,
                Property::MaximumPacketSize(n) => negotiated.maximum_packet_size = Some(*n),
                Property::TopicAliasMaximum(n) => negotiated.topic_alias_maximum = *n,
                Property::MaximumQoS(0) => negotiated.maximum_qos = QoS::AtMostOnce,
                Property::MaximumQoS(_) => negotiated.maximum_qos = QoS::AtLeastOnce,
                Property::RetainAvailable(flag) => negotiated.retain_available = *flag == 1,
                Property::WildcardSubscriptionAvailable(flag) => {
                    negotiated.wildcard_subscription_available = *flag == 1
                }
                Property::SubscriptionIdentifiersAvailable(flag) => {
                    negotiated.subscription_identifiers_available = *flag == 1
                }
                Property::SharedSubscriptionAvailable(flag) => {
                    negotiated.shared_subscription_available = *flag == 1
                }
                Property::ServerKeepAlive(secs) => negotiated.server_keep_alive = Some(*secs),
                Property::AssignedClientIdentifier(id) => {
                    negotiated.assigned_client_identifier = Some(id.clone())
                }
                Property::SessionExpiryInterval(secs) => {
                    negotiated.session_expiry_interval = Some(*secs)
                }
                _ => {}
            }
        }
        negotiated
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::VarInt;

    #[test]
    fn a_connack_without_properties_allows_what_mqtt_3_1_1_allows() {
        let negotiated = Negotiated::from_connack(&[]);
        assert_eq!(negotiated, Negotiated::default());
        assert_eq!(negotiated.receive_maximum, 65_535);
        assert_eq!(negotiated.topic_alias_maximum, 0);
        assert_eq!(negotiated.maximum_qos, QoS::ExactlyOnce);
    }

    #[test]
    fn each_connack_property_sets_its_limit() {
        let negotiated = Negotiated::from_connack(&[
            Property::ReceiveMaximum(20),
            Property::TopicAliasMaximum(10),
            Property::MaximumPacketSize(1024),
            Property::MaximumQoS(1),
            Property::RetainAvailable(0),
            Property::WildcardSubscriptionAvailable(0),
            Property::SubscriptionIdentifiersAvailable(0),
            Property::SharedSubscriptionAvailable(0),
            Property::ServerKeepAlive(5),
            Property::AssignedClientIdentifier("auto-7".into()),
            Property::SessionExpiryInterval(60),
            Property::SubscriptionIdentifier(VarInt(1)),
        ]);
        assert_eq!(
            negotiated,
            Negotiated {
                receive_maximum: 20,
                maximum_packet_size: Some(1024),
                topic_alias_maximum: 10,
                maximum_qos: QoS::AtLeastOnce,
                retain_available: false,
                wildcard_subscription_available: false,
                subscription_identifiers_available: false,
                shared_subscription_available: false,
                server_keep_alive: Some(5),
                assigned_client_identifier: Some("auto-7".into()),
                session_expiry_interval: Some(60),
            }
        );
    }
}
