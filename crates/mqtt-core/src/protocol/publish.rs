//! PUBLISH (MQTT 3.1.1 section 3.3; MQTT 5 section 3.3: properties after the
//! packet id, and an empty topic when a Topic Alias stands for it).

use super::header::{remaining_length_len, write_fixed_header, PUBLISH};
use super::properties::{properties_len_at, put_properties_at, read_properties_at};
use super::strings::*;
use super::{
    validate_topic_name, Property, PropertyContext, ProtocolError, ProtocolVersion, Publish, QoS,
};
use bytes::{BufMut, Bytes, BytesMut};

const DUP: u8 = 0b1000;
const RETAIN: u8 = 0b0001;

pub(super) fn encode(
    publish: &Publish,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let (first_byte, len) = layout(publish, version)?;
    write_fixed_header(out, first_byte, len)?;
    put_string(out, &publish.topic);
    if publish.qos != QoS::AtMostOnce {
        out.put_u16(publish.packet_id);
    }
    put_properties_at(out, &publish.properties, version);
    out.put_slice(&publish.payload);
    Ok(())
}

/// The whole wire size of `publish` at `version`, after the checks `encode` makes.
pub(super) fn encoded_len(
    publish: &Publish,
    version: ProtocolVersion,
) -> Result<usize, ProtocolError> {
    let (_, len) = layout(publish, version)?;
    Ok(1 + remaining_length_len(len)? + len)
}

/// The fixed header's first byte and the remaining length, once every field
/// is checked (in the decoder's order, so both report the same error).
fn layout(publish: &Publish, version: ProtocolVersion) -> Result<(u8, usize), ProtocolError> {
    let topic_len = string_len(&publish.topic)?;
    check_topic(&publish.topic, &publish.properties)?;
    let has_id = publish.qos != QoS::AtMostOnce;
    if has_id && publish.packet_id == 0 {
        return Err(ProtocolError::MissingPacketId);
    }
    if !has_id && publish.packet_id != 0 {
        // It would be lost on the wire and come back as 0.
        return Err(ProtocolError::Malformed(
            "QoS 0 PUBLISH must have packet id 0",
        ));
    }
    let mut flags = (publish.qos as u8) << 1;
    if publish.dup {
        if !has_id {
            return Err(ProtocolError::InvalidFlags {
                packet_type: PUBLISH,
                flags: flags | DUP,
            });
        }
        flags |= DUP;
    }
    if publish.retain {
        flags |= RETAIN;
    }
    let id_len = if has_id { 2 } else { 0 };
    let properties = properties_len_at(&publish.properties, version)?;
    let len = topic_len + id_len + properties + publish.payload.len();
    Ok((PUBLISH << 4 | flags, len))
}

/// `flags` were checked with the fixed header (QoS 3, DUP with QoS 0).
pub(super) fn decode(
    flags: u8,
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Publish, ProtocolError> {
    let qos_bits = (flags >> 1) & 0b11;
    let qos = QoS::from_u8(qos_bits).ok_or(ProtocolError::InvalidQoS(qos_bits))?;
    let topic = read_string(&mut body)?;
    let packet_id = match qos {
        QoS::AtMostOnce => 0,
        _ => read_packet_id(&mut body)?,
    };
    let properties = read_properties_at(&mut body, PropertyContext::Publish, version)?;
    check_topic(&topic, &properties)?;
    Ok(Publish {
        dup: flags & DUP != 0,
        qos,
        retain: flags & RETAIN != 0,
        topic,
        packet_id,
        payload: body, // The rest, zero-copy; may be empty.
        properties,
    })
}

/// A topic name: non-empty, without wildcards [MQTT-3.3.2-2], unless a Topic
/// Alias stands for it (MQTT 5), when it may be empty.
fn check_topic(topic: &str, properties: &[Property]) -> Result<(), ProtocolError> {
    let aliased = properties
        .iter()
        .any(|p| matches!(p, Property::TopicAlias(_)));
    if topic.is_empty() && aliased {
        return Ok(());
    }
    validate_topic_name(topic)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{decode as decode_packet, encode as encode_packet, Packet, TopicError};

    fn publish(qos: QoS, packet_id: u16, topic: &str) -> Publish {
        Publish {
            dup: false,
            qos,
            retain: false,
            topic: topic.into(),
            packet_id,
            payload: Bytes::from_static(b"hi"),
            properties: Vec::new(),
        }
    }

    fn decode_bytes(bytes: &[u8]) -> Result<Option<Packet>, ProtocolError> {
        decode_packet(&mut BytesMut::from(bytes), usize::MAX)
    }

    #[test]
    fn known_bytes() {
        let mut out = BytesMut::new();
        let mut p = publish(QoS::AtLeastOnce, 10, "a/b");
        p.retain = true;
        p.dup = true;
        encode_packet(&Packet::Publish(p.clone()), &mut out).unwrap();
        assert_eq!(&out[..], b"\x3B\x09\x00\x03a/b\x00\x0Ahi");
        assert_eq!(decode_bytes(&out), Ok(Some(Packet::Publish(p))));
        let qos0 = b"\x30\x05\x00\x01tok";
        let expected = Publish {
            payload: Bytes::from_static(b"ok"),
            ..publish(QoS::AtMostOnce, 0, "t")
        };
        assert_eq!(decode_bytes(qos0), Ok(Some(Packet::Publish(expected))));
    }

    #[test]
    fn empty_payload() {
        let p = Publish {
            payload: Bytes::new(),
            ..publish(QoS::ExactlyOnce, 7, "x")
        };
        assert_eq!(
            decode_bytes(b"\x34\x05\x00\x01x\x00\x07"),
            Ok(Some(Packet::Publish(p)))
        );
    }

    #[test]
    fn payload_is_zero_copy() {
        let mut buf = BytesMut::from(&b"\x30\x05\x00\x01tok"[..]);
        let start = buf.as_ptr() as usize;
        let Ok(Some(Packet::Publish(p))) = decode_packet(&mut buf, 100) else {
            panic!()
        };
        assert_eq!(p.payload.as_ptr() as usize, start + 5);
    }

    #[test]
    fn wildcards_in_topic() {
        let err = Err(ProtocolError::InvalidTopic(TopicError::WildcardInName));
        assert_eq!(decode_bytes(b"\x30\x05\x00\x03a/+"), err);
        assert_eq!(decode_bytes(b"\x30\x05\x00\x03a/#"), err);
        let mut out = BytesMut::new();
        let result = encode_packet(
            &Packet::Publish(publish(QoS::AtMostOnce, 0, "a/#")),
            &mut out,
        );
        assert_eq!(result, err.map(|_| ()));
        assert!(out.is_empty());
    }

    #[test]
    fn empty_topic() {
        let err = Err(ProtocolError::InvalidTopic(TopicError::Empty));
        assert_eq!(decode_bytes(b"\x30\x02\x00\x00"), err);
    }

    #[test]
    fn null_in_topic() {
        let err = Err(ProtocolError::ForbiddenCodePoint);
        assert_eq!(decode_bytes(b"\x30\x05\x00\x03a\x00b"), err);
        let mut out = BytesMut::new();
        let result = encode_packet(
            &Packet::Publish(publish(QoS::AtMostOnce, 0, "a\0b")),
            &mut out,
        );
        assert_eq!(result, Err(ProtocolError::ForbiddenCodePoint));
    }

    #[test]
    fn packet_ids() {
        assert_eq!(
            decode_bytes(b"\x32\x05\x00\x01t\x00\x00"),
            Err(ProtocolError::MissingPacketId)
        );
        // QoS 1 with the packet id cut off by the remaining length.
        assert!(matches!(
            decode_bytes(b"\x32\x04\x00\x01t\x00"),
            Err(ProtocolError::Malformed(_))
        ));
        let mut out = BytesMut::new();
        let zero = encode_packet(
            &Packet::Publish(publish(QoS::AtLeastOnce, 0, "t")),
            &mut out,
        );
        assert_eq!(zero, Err(ProtocolError::MissingPacketId));
        let stray = encode_packet(&Packet::Publish(publish(QoS::AtMostOnce, 3, "t")), &mut out);
        assert!(matches!(stray, Err(ProtocolError::Malformed(_))));
        let dup = Publish {
            dup: true,
            ..publish(QoS::AtMostOnce, 0, "t")
        };
        let dup = encode_packet(&Packet::Publish(dup), &mut out);
        assert_eq!(
            dup,
            Err(ProtocolError::InvalidFlags {
                packet_type: 3,
                flags: 0b1000
            })
        );
        assert!(out.is_empty());
    }

    #[test]
    fn topic_runs_past_body() {
        assert!(matches!(
            decode_bytes(b"\x30\x03\x00\x05ab"),
            Err(ProtocolError::Malformed(_))
        ));
    }
}
