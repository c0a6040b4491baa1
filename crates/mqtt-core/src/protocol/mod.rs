//! MQTT packet codec: bytes in, packets out, and back. No I/O, no clocks.
//!
//! One packet type for both versions: MQTT 3.1.1 is MQTT 5 without reason
//! codes and properties. MQTT 5's properties (`properties.rs`: each declared
//! once with the packets that may carry it) and reason codes (`reason.rs`)
//! ride on the packets as fields; the version is a parameter of the codec
//! (`encode_as`, `decode_as`; `encode` and `decode` speak 3.1.1).

mod ack;
mod connect;
mod error;
mod header;
mod packet;
mod properties;
mod publish;
mod reason;
mod strings;
mod subscribe;
#[cfg(test)]
mod tests;
mod topic;

pub use error::ProtocolError;
pub use header::MAX_REMAINING_LENGTH;
pub use packet::*;
pub use properties::{
    check_properties, properties_len, put_properties, read_properties, Property, PropertyContext,
    StringPair, VarInt,
};
pub use reason::ReasonCode;
pub use topic::{
    has_wildcard, is_shared_subscription, topic_matches_filter, validate_topic_filter,
    validate_topic_name, TopicError,
};

use bytes::BytesMut;

/// Appends the wire form of `packet` to `out`.
///
/// Fails only when a field cannot be represented (a string over 65,535 bytes,
/// a packet over the 268,435,455-byte remaining-length limit, a forbidden code
/// point in a string): callers validate user input before this point, so an
/// error here is a bug guard, never a panic.
pub fn encode(packet: &Packet, out: &mut BytesMut) -> Result<(), ProtocolError> {
    packet::encode_as(packet, out, ProtocolVersion::V311)
}

/// `encode` at `version`, the one the link negotiated (CONNECT carries its
/// own): MQTT 5's reason codes and properties are written only there.
pub fn encode_as(
    packet: &Packet,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    packet::encode_as(packet, out, version)
}

/// The number of bytes `encode_as` writes for `packet` at `version`, or
/// the error it meets.
pub fn encoded_len(packet: &Packet, version: ProtocolVersion) -> Result<usize, ProtocolError> {
    packet::encoded_len(packet, version)
}

/// Takes one whole packet off the front of `buf`.
///
/// Returns `Ok(None)` when `buf` does not yet hold a whole packet (nothing is
/// consumed then). A packet whose remaining length exceeds
/// `max_packet_size` (counting the fixed header) is rejected as soon as its
/// header is read. Payloads are zero-copy slices of `buf`. After an error
/// the connection must be closed: header errors consume nothing, body errors
/// consume the offending packet.
pub fn decode(buf: &mut BytesMut, max_packet_size: usize) -> Result<Option<Packet>, ProtocolError> {
    packet::decode_as(buf, max_packet_size, ProtocolVersion::V311)
}

/// `decode` at `version`, the one the link negotiated.
pub fn decode_as(
    buf: &mut BytesMut,
    max_packet_size: usize,
    version: ProtocolVersion,
) -> Result<Option<Packet>, ProtocolError> {
    packet::decode_as(buf, max_packet_size, version)
}
