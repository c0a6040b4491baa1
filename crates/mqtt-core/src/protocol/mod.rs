//! MQTT packet codec: bytes in, packets out, and back. No I/O, no clocks.
//!
//! The packet types carry the fields of MQTT 3.1.1. MQTT 5's properties
//! (`properties.rs`: each declared once with the packets that may carry it)
//! and reason codes (`reason.rs`) are read and written here; they arrive on
//! the packets as extra fields (`properties`, `reason_code`) and as a
//! `ProtocolVersion::V5` branch inside each packet family's encode/decode
//! functions, without changing the entry points `encode` and `decode`.

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
    properties_len, put_properties, read_properties, Property, PropertyContext, StringPair, VarInt,
};
pub use reason::ReasonCode;
pub use topic::{topic_matches_filter, validate_topic_filter, validate_topic_name, TopicError};

use bytes::BytesMut;

/// Appends the wire form of `packet` to `out`.
///
/// Fails only when a field cannot be represented (a string over 65,535 bytes,
/// a packet over the 268,435,455-byte remaining-length limit, a forbidden code
/// point in a string): callers validate user input before this point, so an
/// error here is a bug guard, never a panic.
pub fn encode(packet: &Packet, out: &mut BytesMut) -> Result<(), ProtocolError> {
    packet::encode(packet, out)
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
    packet::decode(buf, max_packet_size)
}
