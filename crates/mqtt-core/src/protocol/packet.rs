//! The packet types and the dispatch of encode/decode by packet type.

use super::header::{self, *};
use super::{
    ack, connect, publish, subscribe, Property, PropertyContext, ProtocolError, ReasonCode,
};
use bytes::{Buf, Bytes, BytesMut};

/// The protocol level sent in CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1, protocol level 4.
    V311,
    /// MQTT 5.0, protocol level 5.
    V5,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QoS {
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(value: u8) -> Option<QoS> {
        match value {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastWill {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5 only (Will Delay Interval, Message Expiry, ...).
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub protocol: ProtocolVersion,
    pub client_id: String,
    pub clean_session: bool,
    /// Seconds; 0 turns keepalive off.
    pub keep_alive: u16,
    pub will: Option<LastWill>,
    pub username: Option<String>,
    /// MQTT allows binary passwords; a password requires a username in 3.1.1.
    pub password: Option<Bytes>,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    pub session_present: bool,
    /// 0 accepted; else a refusal: 1..=5 in MQTT 3.1.1 (section 3.2.2.3),
    /// a reason code of 0x80 or more in MQTT 5.
    pub return_code: u8,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    pub topic: String,
    /// 0 for QoS 0 (no packet identifier on the wire), non-zero otherwise.
    pub packet_id: u16,
    pub payload: Bytes,
    /// MQTT 5 only. With a Topic Alias, `topic` may be empty (the alias
    /// stands for it).
    pub properties: Vec<Property>,
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub packet_id: u16,
    /// Always success in MQTT 3.1.1.
    pub reason_code: ReasonCode,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

impl Ack {
    /// A successful acknowledgement without properties.
    pub fn new(packet_id: u16) -> Ack {
        Ack {
            packet_id,
            reason_code: ReasonCode::SUCCESS,
            properties: Vec::new(),
        }
    }
}

/// What a SUBSCRIBE asks for one filter; MQTT 3.1.1 has the QoS alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionOptions {
    /// The most QoS the broker may deliver at.
    pub qos: QoS,
    /// MQTT 5: the broker does not send this client's own publishes back.
    pub no_local: bool,
    /// MQTT 5: messages keep the retain flag they were published with.
    pub retain_as_published: bool,
    /// MQTT 5: retained messages at subscribe: 0 always, 1 only for a new
    /// subscription, 2 never.
    pub retain_handling: u8,
}

impl From<QoS> for SubscriptionOptions {
    /// The options of MQTT 3.1.1: the QoS, and MQTT 5's defaults.
    fn from(qos: QoS) -> SubscriptionOptions {
        SubscriptionOptions {
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    pub packet_id: u16,
    /// At least one (topic filter, what is asked for it).
    pub filters: Vec<(String, SubscriptionOptions)>,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

/// SUBACK return code for a refused filter.
pub const SUBACK_FAILURE: u8 = 0x80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    pub packet_id: u16,
    /// One per filter: 0, 1, 2 (granted QoS) or, refused, `SUBACK_FAILURE`
    /// in MQTT 3.1.1 and any reason code of 0x80 or more in MQTT 5.
    pub return_codes: Vec<u8>,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub packet_id: u16,
    /// At least one topic filter.
    pub filters: Vec<String>,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck {
    pub packet_id: u16,
    /// MQTT 5 only: one reason code per filter.
    pub reason_codes: Vec<u8>,
    /// MQTT 5 only.
    pub properties: Vec<Property>,
}

impl UnsubAck {
    /// An UNSUBACK as MQTT 3.1.1 has it: the packet id alone.
    pub fn new(packet_id: u16) -> UnsubAck {
        UnsubAck {
            packet_id,
            reason_codes: Vec::new(),
            properties: Vec::new(),
        }
    }
}

/// DISCONNECT; in MQTT 3.1.1 always a normal one without properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disconnect {
    pub reason_code: ReasonCode,
    pub properties: Vec<Property>,
}

/// AUTH (MQTT 5 only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Auth {
    pub reason_code: ReasonCode,
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Connect),
    ConnAck(ConnAck),
    Publish(Publish),
    PubAck(Ack),
    PubRec(Ack),
    PubRel(Ack),
    PubComp(Ack),
    Subscribe(Subscribe),
    SubAck(SubAck),
    Unsubscribe(Unsubscribe),
    UnsubAck(UnsubAck),
    PingReq,
    PingResp,
    Disconnect(Disconnect),
    Auth(Auth),
}

/// `version` is the negotiated one; CONNECT carries its own. Every encoder
/// validates before writing, so `out` is unchanged on error.
pub(super) fn encode_as(
    packet: &Packet,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    match packet {
        Packet::Connect(connect) => connect::encode_connect(connect, out),
        Packet::ConnAck(connack) => connect::encode_connack(connack, out, version),
        Packet::Publish(publish) => publish::encode(publish, out, version),
        Packet::PubAck(ack) => ack::encode_ack(PUBACK, ack, out, version),
        Packet::PubRec(ack) => ack::encode_ack(PUBREC, ack, out, version),
        Packet::PubRel(ack) => ack::encode_ack(PUBREL, ack, out, version),
        Packet::PubComp(ack) => ack::encode_ack(PUBCOMP, ack, out, version),
        Packet::Subscribe(subscribe) => subscribe::encode_subscribe(subscribe, out, version),
        Packet::SubAck(suback) => subscribe::encode_suback(suback, out, version),
        Packet::Unsubscribe(unsub) => subscribe::encode_unsubscribe(unsub, out, version),
        Packet::UnsubAck(unsuback) => ack::encode_unsuback(unsuback, out, version),
        Packet::PingReq => ack::encode_empty(PINGREQ, out),
        Packet::PingResp => ack::encode_empty(PINGRESP, out),
        Packet::Disconnect(disconnect) => ack::encode_disconnect(disconnect, out, version),
        Packet::Auth(auth) => ack::encode_auth(auth, out, version),
    }
}

/// The wire size of `packet` at `version`: what `encode_as` writes.
pub(super) fn encoded_len(
    packet: &Packet,
    version: ProtocolVersion,
) -> Result<usize, ProtocolError> {
    match packet {
        Packet::Publish(publish) => publish::encoded_len(publish, version),
        // Rare and small: measured by writing them.
        other => {
            let mut out = BytesMut::new();
            encode_as(other, &mut out, version)?;
            Ok(out.len())
        }
    }
}

/// Errors found in the fixed header consume nothing; errors in the body
/// consume that packet. Either way the connection must be closed.
pub(super) fn decode_as(
    buf: &mut BytesMut,
    max_packet_size: usize,
    version: ProtocolVersion,
) -> Result<Option<Packet>, ProtocolError> {
    let Some(header) = header::read_fixed_header(buf, version)? else {
        return Ok(None);
    };
    let size = header.header_len + header.remaining_length;
    if size > max_packet_size {
        return Err(ProtocolError::PacketTooLarge {
            size,
            max: max_packet_size,
        });
    }
    if buf.len() < size {
        return Ok(None);
    }
    let mut body = buf.split_to(size).freeze();
    body.advance(header.header_len);
    decode_body(header.packet_type, header.flags, body, version).map(Some)
}

fn decode_body(
    packet_type: u8,
    flags: u8,
    body: Bytes,
    version: ProtocolVersion,
) -> Result<Packet, ProtocolError> {
    use PropertyContext as At;
    Ok(match packet_type {
        CONNECT => Packet::Connect(connect::decode_connect(body)?),
        CONNACK => Packet::ConnAck(connect::decode_connack(body, version)?),
        PUBLISH => Packet::Publish(publish::decode(flags, body, version)?),
        PUBACK => Packet::PubAck(ack::decode_ack(body, At::PubAck, version)?),
        PUBREC => Packet::PubRec(ack::decode_ack(body, At::PubRec, version)?),
        PUBREL => Packet::PubRel(ack::decode_ack(body, At::PubRel, version)?),
        PUBCOMP => Packet::PubComp(ack::decode_ack(body, At::PubComp, version)?),
        SUBSCRIBE => Packet::Subscribe(subscribe::decode_subscribe(body, version)?),
        SUBACK => Packet::SubAck(subscribe::decode_suback(body, version)?),
        UNSUBSCRIBE => Packet::Unsubscribe(subscribe::decode_unsubscribe(body, version)?),
        UNSUBACK => Packet::UnsubAck(ack::decode_unsuback(body, version)?),
        PINGREQ => ack::decode_empty(body).map(|()| Packet::PingReq)?,
        PINGRESP => ack::decode_empty(body).map(|()| Packet::PingResp)?,
        DISCONNECT => Packet::Disconnect(ack::decode_disconnect(body, version)?),
        AUTH => Packet::Auth(ack::decode_auth(body, version)?),
        // Unreachable: the header check refuses 0, and 15 in MQTT 3.1.1.
        other => return Err(ProtocolError::InvalidPacketType(other)),
    })
}
