//! The checks the fuzz targets run on `mqtt-core`: the codec and the
//! sans-IO session, which need no N-API, TLS or tokio.

pub use mqtt_core::{protocol, session};

pub mod decode_check;
pub mod seeds;
pub mod session_driver;
