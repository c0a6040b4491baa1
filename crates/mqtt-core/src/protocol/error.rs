//! Why a packet could not be encoded or decoded.

use super::properties::PropertyContext;
use super::topic::TopicError;

/// A protocol violation: on decode the connection must be closed (MQTT 3.1.1
/// section 4.8); on encode it is a bug guard for input that was not validated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("malformed remaining length: more than 4 bytes")]
    MalformedRemainingLength,
    #[error("remaining length {0} exceeds the MQTT limit of 268,435,455 bytes")]
    RemainingLengthTooLarge(usize),
    #[error("packet of {size} bytes exceeds the maximum packet size of {max} bytes")]
    PacketTooLarge { size: usize, max: usize },
    #[error("invalid packet type {0}")]
    InvalidPacketType(u8),
    #[error("invalid fixed-header flags {flags:#06b} for packet type {packet_type}")]
    InvalidFlags { packet_type: u8, flags: u8 },
    #[error("invalid QoS {0}")]
    InvalidQoS(u8),
    #[error("packet identifier must be non-zero")]
    MissingPacketId,
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    #[error("string contains the forbidden code point U+0000")]
    ForbiddenCodePoint,
    #[error("field of {0} bytes exceeds the 65,535-byte limit")]
    StringTooLong(usize),
    #[error("invalid topic: {0}")]
    InvalidTopic(#[from] TopicError),
    #[error("unsupported protocol {name:?} level {level}")]
    UnsupportedProtocol { name: String, level: u8 },
    #[error("invalid CONNECT flags {0:#010b}")]
    InvalidConnectFlags(u8),
    #[error("a password requires a username in MQTT 3.1.1")]
    PasswordWithoutUsername,
    #[error("invalid SUBACK return code {0:#04x}")]
    InvalidSubAckReturnCode(u8),
    #[error("malformed packet: {0}")]
    Malformed(&'static str),
    #[error("unknown property identifier {0:#04x}")]
    UnknownProperty(u8),
    #[error("property {id:#04x} is not allowed in {context:?}")]
    PropertyNotAllowed { id: u8, context: PropertyContext },
    #[error("property {0:#04x} appears twice")]
    DuplicateProperty(u8),
    #[error("property {0:#04x} has a value MQTT 5 does not allow")]
    InvalidPropertyValue(u8),
}
