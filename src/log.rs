//! The engine's log as aws-crt's API and the environment set it:
//! `io.enable_logging(level)` with aws-crt's `io.LogLevel` numbers, or
//! `MQTT_NAPI_LOG` (none, fatal, error, warn, info, debug, trace, or 0 to 6),
//! read when the first connection is made; a call of `enable_logging` wins.

use std::sync::Once;

use napi_derive::napi;

use crate::client::log::{self, Level};

/// aws-crt's `io.LogLevel` names, by number.
const NAMES: [&str; 7] = ["none", "fatal", "error", "warn", "info", "debug", "trace"];

static FROM_ENVIRONMENT: Once = Once::new();

/// The engine's level for aws-crt's `io.LogLevel` number (0 none ... 6 trace).
fn level_of(number: u32) -> Option<Level> {
    match number {
        0 => None,
        1 | 2 => Some(Level::Error),
        3 => Some(Level::Warn),
        4 => Some(Level::Info),
        5 => Some(Level::Debug),
        _ => Some(Level::Trace),
    }
}

/// Logs at `level` (aws-crt's io.LogLevel: 0 none ... 6 trace) and below;
/// the JS wrapper checks the range.
#[napi]
pub fn set_log_level(level: u32) {
    FROM_ENVIRONMENT.call_once(|| {});
    log::set_max_level(level_of(level));
}

/// Applies `MQTT_NAPI_LOG` once, unless `set_log_level` came first.
pub fn configure_from_environment() {
    FROM_ENVIRONMENT.call_once(|| {
        let Ok(value) = std::env::var("MQTT_NAPI_LOG") else {
            return;
        };
        let value = value.trim().to_ascii_lowercase();
        let named = NAMES.iter().position(|name| *name == value);
        if let Some(number) = named.or_else(|| value.parse::<usize>().ok()) {
            log::set_max_level(level_of(number.min(6) as u32));
        }
    });
}
