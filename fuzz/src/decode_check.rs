//! The `decode` target's oracle: feeds one byte stream to the decoder in
//! several ways and checks that every way agrees and every packet is exact.
//!
//! The input is the raw byte stream a broker might send, nothing else, so the
//! seed corpus is plain packets and a crash artifact is a wire capture. The
//! ways of feeding it (chunk sizes, a small `max_packet_size`) are derived
//! from a hash of the input instead of from a prefix of it.

use bytes::BytesMut;

use crate::protocol::{decode_as, encode_as, Packet, ProtocolError, ProtocolVersion};

/// What decoding a whole stream produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Each packet with its size on the wire.
    pub packets: Vec<(Packet, usize)>,
    pub ending: Ending,
    /// Bytes the decoder took off the buffer in all.
    pub consumed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// `Ok(None)`: the stream ended inside a packet, or between packets.
    NeedMoreBytes,
    /// The decoder refused the stream; `consumed` is what that call took off
    /// the buffer (0 for header errors, the whole packet for body errors).
    Failed {
        error: ProtocolError,
        consumed: usize,
    },
}

/// What the fixed header at the front of `bytes` announces, parsed here
/// independently of the decoder (the type byte is not checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announced {
    /// The type byte or part of the length varint is still to come.
    Incomplete,
    /// A length varint whose 4th byte has a continuation bit.
    Malformed,
    /// Fixed header plus remaining length.
    Size(usize),
}

fn announced(bytes: &[u8]) -> Announced {
    let mut remaining_length = 0usize;
    for (i, &byte) in bytes.iter().skip(1).take(4).enumerate() {
        remaining_length |= usize::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Announced::Size(1 + (i + 1) + remaining_length);
        }
        if i == 3 {
            return Announced::Malformed;
        }
    }
    Announced::Incomplete
}

/// Checks everything `decode` must get right, for one fuzz input, as a
/// stream of MQTT 3.1.1 and as one of MQTT 5.
pub fn check_stream(data: &[u8]) {
    check_stream_at(data, ProtocolVersion::V311);
    check_stream_at(data, ProtocolVersion::V5);
}

fn check_stream_at(data: &[u8], version: ProtocolVersion) {
    let decode_in_chunks =
        |max, chunks: &mut dyn Iterator<Item = usize>| decode_in_chunks(data, max, chunks, version);
    let reference = decode_in_chunks(usize::MAX, &mut std::iter::once(data.len()));

    // Where a packet ends must not depend on how its bytes arrived.
    let byte_by_byte = decode_in_chunks(usize::MAX, &mut std::iter::repeat(1));
    assert_eq!(byte_by_byte, reference, "fed one byte at a time");
    let mut rng = XorShift::new(fnv1a(data));
    let mut random_chunks = std::iter::from_fn(|| Some(1 + rng.below(17)));
    let chunked = decode_in_chunks(usize::MAX, &mut random_chunks);
    assert_eq!(chunked, reference, "fed in random chunks");

    // Small limits: the first packet's size (it just fits), one less (it
    // just does not), and one picked by the hash, up to the stream's length.
    let mut limits = vec![rng.below(data.len() + 2)];
    if let Some(&(_, size)) = reference.packets.first() {
        limits.extend([size, size - 1]);
    }
    for max in limits {
        let expected = expected_with_limit(&reference, data, max);
        let whole = decode_in_chunks(max, &mut std::iter::once(data.len()));
        assert_eq!(whole, expected, "max_packet_size {max}");
        let mut random_chunks = std::iter::from_fn(|| Some(1 + rng.below(9)));
        let chunked = decode_in_chunks(max, &mut random_chunks);
        assert_eq!(chunked, expected, "max_packet_size {max}, random chunks");
    }
}

/// Appends `data` to a buffer `chunk_sizes` bytes at a time, decoding all it
/// can after each append at `version`, as the client's reader does.
pub fn decode_in_chunks(
    data: &[u8],
    max_packet_size: usize,
    chunk_sizes: &mut dyn Iterator<Item = usize>,
    version: ProtocolVersion,
) -> Transcript {
    let mut buf = BytesMut::new();
    let mut packets = Vec::new();
    let mut fed = 0;
    let mut consumed = 0;
    loop {
        loop {
            let before = buf.len();
            let result = decode_as(&mut buf, max_packet_size, version);
            assert!(buf.len() <= before, "decode grew its buffer");
            let used = before - buf.len();
            // The bytes it left must be the stream's next bytes, untouched.
            assert_eq!(
                &buf[..],
                &data[consumed + used..fed],
                "decode changed what it left"
            );
            let front = &data[consumed..fed];
            match result {
                Ok(Some(packet)) => {
                    check_packet(&front[..used], &packet, max_packet_size, version);
                    consumed += used;
                    packets.push((packet, used));
                }
                Ok(None) => {
                    assert_eq!(used, 0, "Ok(None) consumed bytes");
                    // It waits only for a packet that is really incomplete;
                    // else a reader would wait forever on a complete packet.
                    match announced(front) {
                        Announced::Incomplete => {}
                        Announced::Size(size) => {
                            assert!(size > front.len(), "waits on a whole packet")
                        }
                        Announced::Malformed => panic!("waits on a malformed length"),
                    }
                    break;
                }
                Err(error) => {
                    check_error(front, used, &error, max_packet_size);
                    consumed += used;
                    let ending = Ending::Failed {
                        error,
                        consumed: used,
                    };
                    return Transcript {
                        packets,
                        ending,
                        consumed,
                    };
                }
            }
        }
        if fed == data.len() {
            let ending = Ending::NeedMoreBytes;
            return Transcript {
                packets,
                ending,
                consumed,
            };
        }
        let chunk = chunk_sizes
            .next()
            .unwrap_or(data.len())
            .clamp(1, data.len() - fed);
        buf.extend_from_slice(&data[fed..fed + chunk]);
        fed += chunk;
    }
}

/// A decoded packet: took exactly the bytes its header announced, fits the
/// limit, and encodes back to the same packet (in MQTT 3.1.1 to the same
/// bytes too; MQTT 5 lets a sender write defaults it could leave out, an
/// empty property list or a success code, which `encode` leaves out).
fn check_packet(wire: &[u8], packet: &Packet, max_packet_size: usize, version: ProtocolVersion) {
    // At least a type byte and a length byte: each packet makes progress, so
    // a reader's decode loop always ends.
    assert!(wire.len() >= 2, "a packet of {} bytes", wire.len());
    assert_eq!(
        announced(wire),
        Announced::Size(wire.len()),
        "took other than the announced size"
    );
    assert!(
        wire.len() <= max_packet_size,
        "a packet over the limit was accepted"
    );

    let mut again = BytesMut::new();
    if let Err(error) = encode_as(packet, &mut again, version) {
        panic!("decoded {packet:?} but cannot encode it: {error}");
    }
    // Fields are canonical, so the type byte and body come back unchanged.
    // The remaining length may not: MQTT 3.1.1 accepts a varint with
    // needless continuation bytes (0x80 0x00 for 0), and `encode` writes the
    // shortest form.
    let body_at = |bytes: &[u8]| match announced(bytes) {
        Announced::Size(size) => size - remaining_length_of(bytes),
        other => panic!("re-encoded header is {other:?}"),
    };
    assert_eq!(
        again[0], wire[0],
        "type byte changed on re-encode of {packet:?}"
    );
    if version == ProtocolVersion::V311 {
        assert_eq!(
            &again[body_at(&again)..],
            &wire[body_at(wire)..],
            "body changed on re-encode of {packet:?}"
        );
    }
    assert!(again.len() <= wire.len());

    let whole = again.len();
    let mut buf = again;
    assert_eq!(
        decode_as(&mut buf, whole, version),
        Ok(Some(packet.clone())),
        "re-encoded packet decodes differently"
    );
    assert!(buf.is_empty());
}

/// The remaining length announced by a complete header.
fn remaining_length_of(bytes: &[u8]) -> usize {
    let mut value = 0usize;
    for (i, &byte) in bytes[1..].iter().take(4).enumerate() {
        value |= usize::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            break;
        }
    }
    value
}

/// A refusal: header errors take nothing, body errors take exactly the
/// offending packet (the documented contract of `decode`).
fn check_error(front: &[u8], used: usize, error: &ProtocolError, max_packet_size: usize) {
    let announced = announced(front);
    if let ProtocolError::PacketTooLarge { size, max } = *error {
        assert_eq!(used, 0, "{error}: consumed bytes");
        assert_eq!(
            announced,
            Announced::Size(size),
            "{error}: not the announced size"
        );
        assert!(size > max && max == max_packet_size, "{error}");
        return;
    }
    if matches!(error, ProtocolError::MalformedRemainingLength) {
        assert_eq!(announced, Announced::Malformed);
    }
    match announced {
        Announced::Size(size) if used == size => {}
        _ => assert_eq!(used, 0, "{error}: consumed {used} bytes of {announced:?}"),
    }
}

/// What decoding with `max_packet_size` must give, given the transcript with
/// no limit: the same until the first packet over the limit, which is refused
/// as soon as its header is read. Errors in a header come before the limit.
fn expected_with_limit(reference: &Transcript, data: &[u8], max_packet_size: usize) -> Transcript {
    let too_large = |packets, consumed, size| Transcript {
        packets,
        ending: Ending::Failed {
            error: ProtocolError::PacketTooLarge {
                size,
                max: max_packet_size,
            },
            consumed: 0,
        },
        consumed,
    };
    let mut packets = Vec::new();
    let mut consumed = 0;
    for (packet, size) in &reference.packets {
        if *size > max_packet_size {
            return too_large(packets, consumed, *size);
        }
        packets.push((packet.clone(), *size));
        consumed += size;
    }
    let header_error = matches!(reference.ending, Ending::Failed { consumed: 0, .. });
    if let Announced::Size(size) = announced(&data[consumed..]) {
        if size > max_packet_size && !header_error {
            return too_large(packets, consumed, size);
        }
    }
    reference.clone()
}

/// FNV-1a: a cheap, stable hash of the input, to seed the chunking.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// xorshift64: deterministic, so a crash reproduces from its input alone.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        XorShift(seed | 1)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}
