//! The N-API glue: the only module that knows JavaScript. It converts and
//! validates what JS passes, and carries events back in batches.

mod config;
mod connection;
mod error_codes;
mod events;
mod fields;
mod log;
mod packets;
mod tls;
mod topics;

// Exported to JS by #[napi]; re-exported so Rust sees them used in every build.
pub use error_codes::{error_code_to_name, error_code_to_string};
pub use log::set_log_level;
pub use topics::topic_matches_filter;
