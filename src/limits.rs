//! The protocol's size limits, for checks the JS APIs make in their own words.

use napi_derive::napi;

use crate::client::{self, MAX_PACKET_SIZE};
use crate::protocol::QoS;

/// The largest packet MQTT can frame.
#[napi]
pub const MAX_PACKET_BYTES: u32 = MAX_PACKET_SIZE as u32;

/// Payloads of at most this many bytes fit one PUBLISH whatever its topic and
/// QoS: only a larger one needs `payloadRoom`.
#[napi]
pub const PAYLOAD_ALWAYS_FITS: u32 = client::PAYLOAD_ALWAYS_FITS as u32;

/// The most payload bytes one PUBLISH on `topic` at `qos` (0 to 2) can carry.
#[napi]
pub fn payload_room(topic: String, qos: u32) -> u32 {
    let qos = QoS::from_u8(qos.min(2) as u8).unwrap_or(QoS::AtLeastOnce);
    client::payload_room(&topic, qos) as u32
}
