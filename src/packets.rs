//! A packet sent or received, as JS sees it while it asked for packets
//! (`NativeConnection.reportPackets`). The engine's names; each JS API makes
//! its own shape of it.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::protocol::{Ack, Packet, Property, ProtocolVersion, ReasonCode};

use super::properties::{to_js, NativeProperties};

#[napi(object)]
#[derive(Default)]
pub struct PacketFields {
    /// connect, connack, publish, puback, pubrec, pubrel, pubcomp,
    /// subscribe, suback, unsubscribe, unsuback, pingreq, pingresp,
    /// disconnect, auth
    pub kind: String,
    pub packet_id: Option<u32>,
    pub topic: Option<String>,
    pub payload: Option<Buffer>,
    pub qos: Option<u32>,
    pub dup: Option<bool>,
    pub retain: Option<bool>,
    pub session_present: Option<bool>,
    pub return_code: Option<u32>,
    /// SUBSCRIBE's and UNSUBSCRIBE's topic filters.
    pub filters: Option<Vec<String>>,
    /// SUBSCRIBE's requested QoS per filter; SUBACK's return codes; an MQTT
    /// 5 UNSUBACK's reason codes.
    pub codes: Option<Vec<u32>>,
    pub client_id: Option<String>,
    pub clean_session: Option<bool>,
    pub keep_alive: Option<u32>,
    /// CONNECT's user name (its password is never handed out).
    pub username: Option<String>,
    /// CONNECT's protocol level: 4 (MQTT 3.1.1) or 5.
    pub protocol_version: Option<u32>,
    /// MQTT 5: the reason code of an acknowledgement, DISCONNECT or AUTH.
    pub reason_code: Option<u32>,
    /// MQTT 5: the packet's properties (never the Authentication Data).
    pub properties: Option<NativeProperties>,
}

impl From<&Packet> for PacketFields {
    fn from(packet: &Packet) -> PacketFields {
        let mut fields = PacketFields::from_fields(packet);
        let (reason_code, properties) = reason_and_properties(packet);
        fields.reason_code = reason_code.map(|code| code.0.into());
        fields.properties = to_js(properties);
        if let Some(properties) = &mut fields.properties {
            // A secret, like the password.
            properties.authentication_data = None;
        }
        fields
    }
}

/// A packet's MQTT 5 reason code, where it has one, and its properties.
fn reason_and_properties(packet: &Packet) -> (Option<ReasonCode>, &[Property]) {
    match packet {
        Packet::Connect(connect) => (None, &connect.properties),
        Packet::ConnAck(connack) => (None, &connack.properties),
        Packet::Publish(publish) => (None, &publish.properties),
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            (Some(ack.reason_code), &ack.properties)
        }
        Packet::Subscribe(subscribe) => (None, &subscribe.properties),
        Packet::SubAck(suback) => (None, &suback.properties),
        Packet::Unsubscribe(unsubscribe) => (None, &unsubscribe.properties),
        Packet::UnsubAck(unsuback) => (None, &unsuback.properties),
        Packet::Disconnect(disconnect) => (Some(disconnect.reason_code), &disconnect.properties),
        Packet::Auth(auth) => (Some(auth.reason_code), &auth.properties),
        Packet::PingReq | Packet::PingResp => (None, &[]),
    }
}

impl PacketFields {
    /// The fields every version has.
    fn from_fields(packet: &Packet) -> PacketFields {
        let with_id = |kind: &str, packet_id: u16| PacketFields {
            kind: kind.into(),
            packet_id: Some(packet_id.into()),
            ..PacketFields::default()
        };
        let bare = |kind: &str| PacketFields {
            kind: kind.into(),
            ..PacketFields::default()
        };
        match packet {
            Packet::Connect(connect) => PacketFields {
                client_id: Some(connect.client_id.clone()),
                clean_session: Some(connect.clean_session),
                keep_alive: Some(connect.keep_alive.into()),
                username: connect.username.clone(),
                protocol_version: Some(match connect.protocol {
                    ProtocolVersion::V311 => 4,
                    ProtocolVersion::V5 => 5,
                }),
                ..bare("connect")
            },
            Packet::ConnAck(connack) => PacketFields {
                session_present: Some(connack.session_present),
                return_code: Some(connack.return_code.into()),
                ..bare("connack")
            },
            Packet::Publish(publish) => PacketFields {
                packet_id: (publish.packet_id != 0).then_some(publish.packet_id.into()),
                topic: Some(publish.topic.clone()),
                payload: Some(publish.payload.to_vec().into()),
                qos: Some(publish.qos as u32),
                dup: Some(publish.dup),
                retain: Some(publish.retain),
                ..bare("publish")
            },
            Packet::PubAck(Ack { packet_id, .. }) => with_id("puback", *packet_id),
            Packet::PubRec(Ack { packet_id, .. }) => with_id("pubrec", *packet_id),
            Packet::PubRel(Ack { packet_id, .. }) => with_id("pubrel", *packet_id),
            Packet::PubComp(Ack { packet_id, .. }) => with_id("pubcomp", *packet_id),
            Packet::Subscribe(subscribe) => PacketFields {
                filters: Some(subscribe.filters.iter().map(|(f, _)| f.clone()).collect()),
                codes: Some(
                    subscribe
                        .filters
                        .iter()
                        .map(|(_, o)| o.qos as u32)
                        .collect(),
                ),
                ..with_id("subscribe", subscribe.packet_id)
            },
            Packet::SubAck(suback) => PacketFields {
                codes: Some(suback.return_codes.iter().map(|c| u32::from(*c)).collect()),
                ..with_id("suback", suback.packet_id)
            },
            Packet::Unsubscribe(unsubscribe) => PacketFields {
                filters: Some(unsubscribe.filters.clone()),
                ..with_id("unsubscribe", unsubscribe.packet_id)
            },
            Packet::UnsubAck(unsuback) => PacketFields {
                codes: Some(
                    unsuback
                        .reason_codes
                        .iter()
                        .map(|c| u32::from(*c))
                        .collect(),
                ),
                ..with_id("unsuback", unsuback.packet_id)
            },
            Packet::PingReq => bare("pingreq"),
            Packet::PingResp => bare("pingresp"),
            Packet::Disconnect(_) => bare("disconnect"),
            Packet::Auth(_) => bare("auth"),
        }
    }
}
