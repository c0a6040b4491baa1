//! The MQTT protocol without I/O: `protocol` turns packets into bytes and
//! back, `session` holds every rule that is not byte layout and is driven by
//! packets and instants handed to it. No tokio, no N-API, no clock.

pub mod protocol;
pub mod session;
