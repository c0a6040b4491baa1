//! Packets that carry only a packet id (PUBACK, PUBREC, PUBREL, PUBCOMP,
//! UNSUBACK) or nothing at all (PINGREQ, PINGRESP, DISCONNECT).

use super::header::{first_byte, write_fixed_header};
use super::strings::read_packet_id;
use super::{ProtocolError, ProtocolVersion};
use bytes::{BufMut, Bytes, BytesMut};

pub(super) fn encode_id(
    packet_type: u8,
    packet_id: u16,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let ProtocolVersion::V311 = version; // MQTT 5 may add a reason code and properties.
    if packet_id == 0 {
        return Err(ProtocolError::MissingPacketId);
    }
    write_fixed_header(out, first_byte(packet_type), 2)?;
    out.put_u16(packet_id);
    Ok(())
}

pub(super) fn decode_id(mut body: Bytes, version: ProtocolVersion) -> Result<u16, ProtocolError> {
    let ProtocolVersion::V311 = version;
    if body.len() != 2 {
        return Err(ProtocolError::Malformed(
            "acknowledgement remaining length must be 2",
        ));
    }
    read_packet_id(&mut body)
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
    use crate::protocol::{decode, encode, Packet, ProtocolError};
    use bytes::BytesMut;

    fn decode_bytes(bytes: &[u8]) -> Result<Option<Packet>, ProtocolError> {
        decode(&mut BytesMut::from(bytes), usize::MAX)
    }

    #[test]
    fn known_bytes() {
        let cases: [(&[u8], Packet); 8] = [
            (b"\x40\x02\x12\x34", Packet::PubAck { packet_id: 0x1234 }),
            (b"\x50\x02\x00\x01", Packet::PubRec { packet_id: 1 }),
            (b"\x62\x02\x00\x02", Packet::PubRel { packet_id: 2 }),
            (b"\x70\x02\xFF\xFF", Packet::PubComp { packet_id: 0xFFFF }),
            (b"\xB0\x02\x00\x05", Packet::UnsubAck { packet_id: 5 }),
            (b"\xC0\x00", Packet::PingReq),
            (b"\xD0\x00", Packet::PingResp),
            (b"\xE0\x00", Packet::Disconnect),
        ];
        for (bytes, packet) in cases {
            let mut out = BytesMut::new();
            encode(&packet, &mut out).unwrap();
            assert_eq!(&out[..], bytes, "{packet:?}");
            assert_eq!(decode_bytes(bytes), Ok(Some(packet)));
        }
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
        let err = encode(&Packet::PubRel { packet_id: 0 }, &mut out);
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
