//! mqtt-napi: the N-API glue, the only crate that knows JavaScript. It
//! converts what JS passes into the engine's config and requests (each JS
//! API has checked its own options first), and carries the engine's events
//! back in batches. The engine is
//! `mqtt-engine` (sockets, TLS, the driver task) over `mqtt-core` (packets
//! and the sans-IO session); see DESIGN.md for what each may touch.

use mqtt_engine::{client, protocol, session, transport};

mod config;
mod connection;
mod error_codes;
mod events;
mod invalid;
mod limits;
mod log;
mod packets;
mod properties;
mod publish_batch;
mod tls;
mod topics;

// Exported to JS by #[napi]; re-exported so Rust sees them used in every build.
pub use error_codes::{
    error_code_to_name, error_code_to_string, mqtt5_error_codes,
    ERROR_CODE_HTTP_WEBSOCKET_UPGRADE_FAILURE, ERROR_CODE_MQTT_ALREADY_CONNECTED,
    ERROR_CODE_MQTT_CONNECTION_DISCONNECTING,
};
pub use events::{MESSAGE_QOS_MASK, SUBACK_FAILURE};
pub use limits::{payload_room, MAX_PACKET_BYTES, PAYLOAD_ALWAYS_FITS};
pub use log::set_log_level;
pub use publish_batch::{PUBLISH_BATCH_RETAIN, PUBLISH_BATCH_TOPIC_SEPARATOR};
pub use tls::{create_tls_context, open_pkcs11_library};
pub use topics::{topic_filter_problem, topic_matches_filter, topic_name_problem};
