//! The packet types and the dispatch of encode/decode by packet type.

use super::header::{self, *};
use super::{ack, connect, publish, subscribe, ProtocolError};
use bytes::{Buf, Bytes, BytesMut};

/// The protocol level sent in CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1, protocol level 4.
    V311,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnAck {
    pub session_present: bool,
    /// 0 accepted; 1..=5 the refusals of MQTT 3.1.1 section 3.2.2.3.
    pub return_code: u8,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    pub packet_id: u16,
    /// At least one (topic filter, requested QoS).
    pub filters: Vec<(String, QoS)>,
}

/// SUBACK return code for a refused filter.
pub const SUBACK_FAILURE: u8 = 0x80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    pub packet_id: u16,
    /// One per filter: 0, 1, 2 (granted QoS) or `SUBACK_FAILURE`.
    pub return_codes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub packet_id: u16,
    /// At least one topic filter.
    pub filters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Connect),
    ConnAck(ConnAck),
    Publish(Publish),
    PubAck { packet_id: u16 },
    PubRec { packet_id: u16 },
    PubRel { packet_id: u16 },
    PubComp { packet_id: u16 },
    Subscribe(Subscribe),
    SubAck(SubAck),
    Unsubscribe(Unsubscribe),
    UnsubAck { packet_id: u16 },
    PingReq,
    PingResp,
    Disconnect,
}

pub(super) fn encode(packet: &Packet, out: &mut BytesMut) -> Result<(), ProtocolError> {
    encode_as(packet, out, ProtocolVersion::V311)
}

pub(super) fn decode(
    buf: &mut BytesMut,
    max_packet_size: usize,
) -> Result<Option<Packet>, ProtocolError> {
    decode_as(buf, max_packet_size, ProtocolVersion::V311)
}

/// `version` is the negotiated one; CONNECT carries its own. Family functions
/// open with `let ProtocolVersion::V311 = version;`, which stops compiling once
/// V5 exists and so points at every place needing a V5 branch. Every encoder
/// validates before writing, so `out` is unchanged on error.
fn encode_as(
    packet: &Packet,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    match packet {
        Packet::Connect(connect) => connect::encode_connect(connect, out),
        Packet::ConnAck(connack) => connect::encode_connack(connack, out, version),
        Packet::Publish(publish) => publish::encode(publish, out, version),
        Packet::PubAck { packet_id } => ack::encode_id(PUBACK, *packet_id, out, version),
        Packet::PubRec { packet_id } => ack::encode_id(PUBREC, *packet_id, out, version),
        Packet::PubRel { packet_id } => ack::encode_id(PUBREL, *packet_id, out, version),
        Packet::PubComp { packet_id } => ack::encode_id(PUBCOMP, *packet_id, out, version),
        Packet::Subscribe(subscribe) => subscribe::encode_subscribe(subscribe, out, version),
        Packet::SubAck(suback) => subscribe::encode_suback(suback, out, version),
        Packet::Unsubscribe(unsub) => subscribe::encode_unsubscribe(unsub, out, version),
        Packet::UnsubAck { packet_id } => ack::encode_id(UNSUBACK, *packet_id, out, version),
        Packet::PingReq => ack::encode_empty(PINGREQ, out),
        Packet::PingResp => ack::encode_empty(PINGRESP, out),
        Packet::Disconnect => ack::encode_empty(DISCONNECT, out),
    }
}

/// Errors found in the fixed header consume nothing; errors in the body
/// consume that packet. Either way the connection must be closed.
fn decode_as(
    buf: &mut BytesMut,
    max_packet_size: usize,
    version: ProtocolVersion,
) -> Result<Option<Packet>, ProtocolError> {
    let Some(header) = header::read_fixed_header(buf)? else {
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
    Ok(match packet_type {
        CONNECT => Packet::Connect(connect::decode_connect(body)?),
        CONNACK => Packet::ConnAck(connect::decode_connack(body, version)?),
        PUBLISH => Packet::Publish(publish::decode(flags, body, version)?),
        PUBACK => Packet::PubAck {
            packet_id: ack::decode_id(body, version)?,
        },
        PUBREC => Packet::PubRec {
            packet_id: ack::decode_id(body, version)?,
        },
        PUBREL => Packet::PubRel {
            packet_id: ack::decode_id(body, version)?,
        },
        PUBCOMP => Packet::PubComp {
            packet_id: ack::decode_id(body, version)?,
        },
        SUBSCRIBE => Packet::Subscribe(subscribe::decode_subscribe(body, version)?),
        SUBACK => Packet::SubAck(subscribe::decode_suback(body, version)?),
        UNSUBSCRIBE => Packet::Unsubscribe(subscribe::decode_unsubscribe(body, version)?),
        UNSUBACK => Packet::UnsubAck {
            packet_id: ack::decode_id(body, version)?,
        },
        PINGREQ => ack::decode_empty(body).map(|()| Packet::PingReq)?,
        PINGRESP => ack::decode_empty(body).map(|()| Packet::PingResp)?,
        DISCONNECT => ack::decode_empty(body).map(|()| Packet::Disconnect)?,
        // Unreachable: the header check refuses 0 and 15.
        other => return Err(ProtocolError::InvalidPacketType(other)),
    })
}
