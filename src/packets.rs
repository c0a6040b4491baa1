//! A packet sent or received, as JS sees it while it asked for packets
//! (`NativeConnection.reportPackets`). The engine's names; each JS API makes
//! its own shape of it.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::protocol::{Ack, Packet, UnsubAck};

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
    /// SUBSCRIBE's requested QoS per filter; SUBACK's return codes.
    pub codes: Option<Vec<u32>>,
    pub client_id: Option<String>,
    pub clean_session: Option<bool>,
    pub keep_alive: Option<u32>,
    /// CONNECT's user name (its password is never handed out).
    pub username: Option<String>,
}

impl From<&Packet> for PacketFields {
    fn from(packet: &Packet) -> PacketFields {
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
            Packet::UnsubAck(UnsubAck { packet_id, .. }) => with_id("unsuback", *packet_id),
            Packet::PingReq => bare("pingreq"),
            Packet::PingResp => bare("pingresp"),
            Packet::Disconnect(_) => bare("disconnect"),
            Packet::Auth(_) => bare("auth"),
        }
    }
}
