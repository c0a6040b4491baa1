//! mqtt-napi: an MQTT client engine in Rust, reached from Node.js through
//! N-API. See DESIGN.md for what each module may touch.

pub mod client;
pub mod node;
pub mod protocol;
pub mod session;
pub mod transport;
