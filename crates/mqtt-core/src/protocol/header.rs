//! Fixed header: packet type, flags and the remaining-length varint.

use super::{ProtocolError, ProtocolVersion};
use bytes::{BufMut, BytesMut};

pub(super) const CONNECT: u8 = 1;
pub(super) const CONNACK: u8 = 2;
pub(super) const PUBLISH: u8 = 3;
pub(super) const PUBACK: u8 = 4;
pub(super) const PUBREC: u8 = 5;
pub(super) const PUBREL: u8 = 6;
pub(super) const PUBCOMP: u8 = 7;
pub(super) const SUBSCRIBE: u8 = 8;
pub(super) const SUBACK: u8 = 9;
pub(super) const UNSUBSCRIBE: u8 = 10;
pub(super) const UNSUBACK: u8 = 11;
pub(super) const PINGREQ: u8 = 12;
pub(super) const PINGRESP: u8 = 13;
pub(super) const DISCONNECT: u8 = 14;
pub(super) const AUTH: u8 = 15;

/// The most bytes after a fixed header that MQTT can frame: the largest
/// value four varint bytes can carry.
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FixedHeader {
    pub packet_type: u8,
    pub flags: u8,
    pub remaining_length: usize,
    /// Bytes taken by the fixed header itself (2..=5).
    pub header_len: usize,
}

/// The flags every packet but PUBLISH must carry [MQTT-2.2.2-1].
fn fixed_flags(packet_type: u8) -> u8 {
    match packet_type {
        PUBREL | SUBSCRIBE | UNSUBSCRIBE => 0b0010,
        _ => 0,
    }
}

/// First byte of a non-PUBLISH packet.
pub(super) fn first_byte(packet_type: u8) -> u8 {
    packet_type << 4 | fixed_flags(packet_type)
}

/// Validates type and flags from the first byte alone, so garbage is refused
/// before waiting for a length or body.
fn check_first_byte(byte: u8, version: ProtocolVersion) -> Result<(u8, u8), ProtocolError> {
    let (packet_type, flags) = (byte >> 4, byte & 0x0F);
    match packet_type {
        0 => Err(ProtocolError::InvalidPacketType(packet_type)),
        AUTH if version == ProtocolVersion::V311 => {
            Err(ProtocolError::InvalidPacketType(packet_type))
        }
        PUBLISH => {
            let qos = (flags >> 1) & 0b11;
            if qos == 3 {
                return Err(ProtocolError::InvalidQoS(qos));
            }
            // DUP must be 0 for QoS 0 messages [MQTT-3.3.1-2].
            if qos == 0 && flags & 0b1000 != 0 {
                return Err(ProtocolError::InvalidFlags { packet_type, flags });
            }
            Ok((packet_type, flags))
        }
        _ if flags != fixed_flags(packet_type) => {
            Err(ProtocolError::InvalidFlags { packet_type, flags })
        }
        _ => Ok((packet_type, flags)),
    }
}

/// Reads a remaining-length varint: `Ok(None)` when more bytes are needed,
/// else the value and the number of bytes it took.
pub(super) fn read_remaining_length(buf: &[u8]) -> Result<Option<(usize, usize)>, ProtocolError> {
    let mut value = 0usize;
    for (i, &byte) in buf.iter().enumerate() {
        value |= usize::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
        if i == 3 {
            // A continuation bit on the 4th byte announces a forbidden 5th.
            return Err(ProtocolError::MalformedRemainingLength);
        }
    }
    Ok(None)
}

/// Parses the fixed header at the front of `buf` without consuming it.
pub(super) fn read_fixed_header(
    buf: &[u8],
    version: ProtocolVersion,
) -> Result<Option<FixedHeader>, ProtocolError> {
    let Some((&first, rest)) = buf.split_first() else {
        return Ok(None);
    };
    let (packet_type, flags) = check_first_byte(first, version)?;
    Ok(
        read_remaining_length(rest)?.map(|(remaining_length, len)| FixedHeader {
            packet_type,
            flags,
            remaining_length,
            header_len: 1 + len,
        }),
    )
}

pub(super) fn write_remaining_length(out: &mut BytesMut, mut len: usize) {
    loop {
        let byte = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.put_u8(byte);
            return;
        }
        out.put_u8(byte | 0x80);
    }
}

/// The bytes a remaining length takes in the fixed header.
pub(super) fn remaining_length_len(len: usize) -> Result<usize, ProtocolError> {
    match len {
        0..=127 => Ok(1),
        128..=16_383 => Ok(2),
        16_384..=2_097_151 => Ok(3),
        2_097_152..=MAX_REMAINING_LENGTH => Ok(4),
        _ => Err(ProtocolError::RemainingLengthTooLarge(len)),
    }
}

/// Writes the fixed header; fails before writing anything if the body is too long.
pub(super) fn write_fixed_header(
    out: &mut BytesMut,
    first_byte: u8,
    remaining_length: usize,
) -> Result<(), ProtocolError> {
    if remaining_length > MAX_REMAINING_LENGTH {
        return Err(ProtocolError::RemainingLengthTooLarge(remaining_length));
    }
    out.reserve(5 + remaining_length);
    out.put_u8(first_byte);
    write_remaining_length(out, remaining_length);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARINTS: [(usize, &[u8]); 8] = [
        (0, &[0x00]),
        (127, &[0x7F]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xFF, 0x7F]),
        (16_384, &[0x80, 0x80, 0x01]),
        (2_097_151, &[0xFF, 0xFF, 0x7F]),
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
        (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
    ];

    #[test]
    fn varint_boundaries() {
        for (value, bytes) in VARINTS {
            let mut out = BytesMut::new();
            write_remaining_length(&mut out, value);
            assert_eq!(&out[..], bytes, "encoding {value}");
            assert_eq!(read_remaining_length(bytes), Ok(Some((value, bytes.len()))));
            for cut in 0..bytes.len() {
                assert_eq!(
                    read_remaining_length(&bytes[..cut]),
                    Ok(None),
                    "{value} cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn five_byte_varint_rejected() {
        let err = Err(ProtocolError::MalformedRemainingLength);
        assert_eq!(read_remaining_length(&[0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), err);
        // Refused as soon as the 4th byte shows a continuation bit.
        assert_eq!(read_remaining_length(&[0x80, 0x80, 0x80, 0x80]), err);
    }

    #[test]
    fn header_too_long_to_encode() {
        let mut out = BytesMut::new();
        let err = write_fixed_header(&mut out, 0x30, MAX_REMAINING_LENGTH + 1);
        assert_eq!(
            err,
            Err(ProtocolError::RemainingLengthTooLarge(
                MAX_REMAINING_LENGTH + 1
            ))
        );
        assert!(out.is_empty());
    }

    #[test]
    fn packet_types_0_and_15_invalid() {
        assert_eq!(
            read_fixed_header(&[0x00], ProtocolVersion::V311),
            Err(ProtocolError::InvalidPacketType(0))
        );
        assert_eq!(
            read_fixed_header(&[0xF0, 0], ProtocolVersion::V311),
            Err(ProtocolError::InvalidPacketType(15))
        );
    }

    #[test]
    fn wrong_flags_rejected() {
        for packet_type in 1..=14u8 {
            if packet_type == PUBLISH {
                continue;
            }
            let good = fixed_flags(packet_type);
            for flags in 0..16u8 {
                let got = read_fixed_header(&[packet_type << 4 | flags, 0], ProtocolVersion::V311);
                if flags == good {
                    assert!(got.is_ok(), "type {packet_type} flags {flags}");
                } else {
                    assert_eq!(got, Err(ProtocolError::InvalidFlags { packet_type, flags }));
                }
            }
        }
    }

    #[test]
    fn publish_flags() {
        assert_eq!(
            read_fixed_header(&[0x36, 0], ProtocolVersion::V311),
            Err(ProtocolError::InvalidQoS(3))
        );
        assert_eq!(
            read_fixed_header(&[0x3F, 0], ProtocolVersion::V311),
            Err(ProtocolError::InvalidQoS(3))
        );
        let dup_qos0 = Err(ProtocolError::InvalidFlags {
            packet_type: 3,
            flags: 0b1000,
        });
        assert_eq!(
            read_fixed_header(&[0x38, 0], ProtocolVersion::V311),
            dup_qos0
        );
        for ok in [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x3A, 0x3B, 0x3C, 0x3D] {
            assert!(
                read_fixed_header(&[ok, 0], ProtocolVersion::V311).is_ok(),
                "{ok:#x}"
            );
        }
    }

    #[test]
    fn header_lengths() {
        let h = read_fixed_header(&[0x30, 0x80, 0x01], ProtocolVersion::V311)
            .unwrap()
            .unwrap();
        assert_eq!(
            h,
            FixedHeader {
                packet_type: 3,
                flags: 0,
                remaining_length: 128,
                header_len: 3
            }
        );
        assert_eq!(read_fixed_header(&[0x30], ProtocolVersion::V311), Ok(None));
        assert_eq!(
            read_fixed_header(&[0x30, 0x80], ProtocolVersion::V311),
            Ok(None)
        );
    }
}
