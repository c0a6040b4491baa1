//! The packets made of a packet id and an optional tail (PUBACK, PUBREC,
//! PUBREL, PUBCOMP, UNSUBACK), of a tail alone (DISCONNECT, AUTH), or of
//! nothing (PINGREQ, PINGRESP). In MQTT 3.1.1 there is no tail; in MQTT 5 it
//! is a reason code then properties, each left out when it is the default
//! (success, none).

use super::header::{first_byte, write_fixed_header, AUTH, DISCONNECT, UNSUBACK};
use super::properties::{
    properties_len, properties_len_at, put_properties, put_properties_at, read_properties,
    read_properties_at,
};
use super::strings::{expect_end, read_packet_id, read_u8};
use super::{
    Ack, Auth, Disconnect, Property, PropertyContext, ProtocolError, ProtocolVersion, ReasonCode,
    UnsubAck,
};
use bytes::{Buf, BufMut, Bytes, BytesMut};

const NO_UNSUBACK_CODES: ProtocolError =
    ProtocolError::Malformed("UNSUBACK needs at least one reason code");
const NO_TAIL_IN_V311: ProtocolError =
    ProtocolError::Malformed("MQTT 3.1.1 has no reason codes or properties");

/// The size of a tail, and whether it may be written at `version`.
fn tail_len(
    reason_code: ReasonCode,
    properties: &[Property],
    version: ProtocolVersion,
) -> Result<usize, ProtocolError> {
    if reason_code == ReasonCode::SUCCESS && properties.is_empty() {
        Ok(0)
    } else if version == ProtocolVersion::V311 {
        Err(NO_TAIL_IN_V311)
    } else if properties.is_empty() {
        Ok(1)
    } else {
        Ok(1 + properties_len(properties)?)
    }
}

fn put_tail(out: &mut BytesMut, reason_code: ReasonCode, properties: &[Property]) {
    if reason_code != ReasonCode::SUCCESS || !properties.is_empty() {
        out.put_u8(reason_code.0);
    }
    if !properties.is_empty() {
        put_properties(out, properties);
    }
}

/// The tail of a packet body, in `context`; none at all in MQTT 3.1.1.
fn read_tail(
    body: &mut Bytes,
    context: PropertyContext,
    version: ProtocolVersion,
) -> Result<(ReasonCode, Vec<Property>), ProtocolError> {
    if version == ProtocolVersion::V311 || !body.has_remaining() {
        expect_end(body)?;
        return Ok((ReasonCode::SUCCESS, Vec::new()));
    }
    let reason_code = ReasonCode(read_u8(body)?);
    let properties = if body.has_remaining() {
        read_properties(body, context)?
    } else {
        Vec::new()
    };
    expect_end(body)?;
    Ok((reason_code, properties))
}

pub(super) fn encode_ack(
    packet_type: u8,
    ack: &Ack,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    if ack.packet_id == 0 {
        return Err(ProtocolError::MissingPacketId);
    }
    let tail = tail_len(ack.reason_code, &ack.properties, version)?;
    write_fixed_header(out, first_byte(packet_type), 2 + tail)?;
    out.put_u16(ack.packet_id);
    put_tail(out, ack.reason_code, &ack.properties);
    Ok(())
}

pub(super) fn decode_ack(
    mut body: Bytes,
    context: PropertyContext,
    version: ProtocolVersion,
) -> Result<Ack, ProtocolError> {
    if version == ProtocolVersion::V311 && body.len() != 2 {
        return Err(ProtocolError::Malformed(
            "acknowledgement remaining length must be 2",
        ));
    }
    let packet_id = read_packet_id(&mut body)?;
    let (reason_code, properties) = read_tail(&mut body, context, version)?;
    Ok(Ack {
        packet_id,
        reason_code,
        properties,
    })
}

pub(super) fn encode_unsuback(
    unsuback: &UnsubAck,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    if unsuback.packet_id == 0 {
        return Err(ProtocolError::MissingPacketId);
    }
    match version {
        ProtocolVersion::V311 if !unsuback.reason_codes.is_empty() => return Err(NO_TAIL_IN_V311),
        ProtocolVersion::V5 if unsuback.reason_codes.is_empty() => return Err(NO_UNSUBACK_CODES),
        _ => {}
    }
    let properties = properties_len_at(&unsuback.properties, version)?;
    let len = 2 + properties + unsuback.reason_codes.len();
    write_fixed_header(out, first_byte(UNSUBACK), len)?;
    out.put_u16(unsuback.packet_id);
    put_properties_at(out, &unsuback.properties, version);
    out.put_slice(&unsuback.reason_codes);
    Ok(())
}

pub(super) fn decode_unsuback(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<UnsubAck, ProtocolError> {
    if version == ProtocolVersion::V311 && body.len() != 2 {
        return Err(ProtocolError::Malformed(
            "acknowledgement remaining length must be 2",
        ));
    }
    let packet_id = read_packet_id(&mut body)?;
    let properties = read_properties_at(&mut body, PropertyContext::UnsubAck, version)?;
    if version == ProtocolVersion::V5 && !body.has_remaining() {
        return Err(ProtocolError::Malformed(
            "UNSUBACK needs at least one reason code",
        ));
    }
    Ok(UnsubAck {
        packet_id,
        reason_codes: body.to_vec(),
        properties,
    })
}

pub(super) fn encode_disconnect(
    disconnect: &Disconnect,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let (code, properties) = (disconnect.reason_code, &disconnect.properties);
    encode_tail_only(DISCONNECT, code, properties, out, version)
}

pub(super) fn decode_disconnect(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Disconnect, ProtocolError> {
    if version == ProtocolVersion::V311 {
        decode_empty(body)?;
        return Ok(Disconnect::default());
    }
    let (reason_code, properties) = read_tail(&mut body, PropertyContext::Disconnect, version)?;
    Ok(Disconnect {
        reason_code,
        properties,
    })
}

/// AUTH exists in MQTT 5 only: the header check refuses it in 3.1.1.
pub(super) fn encode_auth(
    auth: &Auth,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    if version == ProtocolVersion::V311 {
        return Err(ProtocolError::InvalidPacketType(AUTH));
    }
    encode_tail_only(AUTH, auth.reason_code, &auth.properties, out, version)
}

/// DISCONNECT and AUTH: a tail and nothing else.
fn encode_tail_only(
    packet_type: u8,
    reason_code: ReasonCode,
    properties: &[Property],
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let tail = tail_len(reason_code, properties, version)?;
    write_fixed_header(out, first_byte(packet_type), tail)?;
    put_tail(out, reason_code, properties);
    Ok(())
}

pub(super) fn decode_auth(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Auth, ProtocolError> {
    let (reason_code, properties) = read_tail(&mut body, PropertyContext::Auth, version)?;
    Ok(Auth {
        reason_code,
        properties,
    })
}

pub(super) fn encode_empty(packet_type: u8, out: &mut BytesMut) -> Result<(), ProtocolError> {
    write_fixed_header(out, first_byte(packet_type), 0)
}

pub(super) fn decode_empty(body: Bytes) -> Result<(), ProtocolError> {
    if !body.is_empty() {
        return Err(ProtocolError::Malformed(
            "PINGREQ, PINGRESP and DISCONNECT have no body",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::protocol::{decode, encode, Ack, Disconnect, Packet, ProtocolError, UnsubAck};
    use bytes::BytesMut;

    fn decode_bytes(bytes: &[u8]) -> Result<Option<Packet>, ProtocolError> {
        decode(&mut BytesMut::from(bytes), usize::MAX)
    }

    #[test]
    fn known_bytes() {
        let cases: [(&[u8], Packet); 8] = [
            (b"\x40\x02\x12\x34", Packet::PubAck(Ack::new(0x1234))),
            (b"\x50\x02\x00\x01", Packet::PubRec(Ack::new(1))),
            (b"\x62\x02\x00\x02", Packet::PubRel(Ack::new(2))),
            (b"\x70\x02\xFF\xFF", Packet::PubComp(Ack::new(0xFFFF))),
            (b"\xB0\x02\x00\x05", Packet::UnsubAck(UnsubAck::new(5))),
            (b"\xC0\x00", Packet::PingReq),
            (b"\xD0\x00", Packet::PingResp),
            (b"\xE0\x00", Packet::Disconnect(Disconnect::default())),
        ];
        for (bytes, packet) in cases {
            let mut out = BytesMut::new();
            encode(&packet, &mut out).unwrap();
            assert_eq!(&out[..], bytes, "{packet:?}");
            assert_eq!(decode_bytes(bytes), Ok(Some(packet)));
        }
    }

    #[test]
    fn an_mqtt5_unsuback_without_reason_codes_is_refused_both_ways() {
        use crate::protocol::{decode_as, encode_as, ProtocolVersion};
        let v5 = ProtocolVersion::V5;
        let mut out = BytesMut::new();
        let empty = Packet::UnsubAck(UnsubAck::new(1));
        assert!(matches!(
            encode_as(&empty, &mut out, v5),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(out.is_empty());
        let mut wire = BytesMut::from(&b"\xB0\x03\x00\x01\x00"[..]);
        assert!(matches!(
            decode_as(&mut wire, usize::MAX, v5),
            Err(ProtocolError::Malformed(_))
        ));
    }

    #[test]
    fn zero_packet_id() {
        for first in [0x40, 0x50, 0x62, 0x70, 0xB0] {
            assert_eq!(
                decode_bytes(&[first, 2, 0, 0]),
                Err(ProtocolError::MissingPacketId)
            );
        }
        let mut out = BytesMut::new();
        let err = encode(&Packet::PubRel(Ack::new(0)), &mut out);
        assert_eq!(err, Err(ProtocolError::MissingPacketId));
        assert!(out.is_empty());
    }

    #[test]
    fn wrong_lengths() {
        for bytes in [&b"\x40\x01\x01"[..], b"\x40\x03\x00\x01\x00", b"\x62\x00"] {
            assert!(
                matches!(decode_bytes(bytes), Err(ProtocolError::Malformed(_))),
                "{bytes:?}"
            );
        }
        for first in [0xC0, 0xD0, 0xE0] {
            let got = decode_bytes(&[first, 1, 0]);
            assert!(
                matches!(got, Err(ProtocolError::Malformed(_))),
                "{first:#x}"
            );
        }
    }
}
