//! `io.enable_logging(level)`: the engine's debug log on stderr.

use napi_derive::napi;

use crate::client::log;

/// Logs at `level` (aws-crt's io.LogLevel: 0 none ... 6 trace) and below;
/// the JS wrapper checks the range.
#[napi]
pub fn set_log_level(level: u32) {
    log::set_level(level.min(6) as u8);
}
