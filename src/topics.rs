//! Topic rules for the JS APIs (matching for per-subscription callbacks, the
//! checks of a will's topic or a filter), so the rules of MQTT section 4.7
//! live in one place (`protocol::topic`).

use napi_derive::napi;

use crate::protocol;

#[napi]
pub fn topic_matches_filter(filter: String, topic: String) -> bool {
    protocol::topic_matches_filter(&filter, &topic)
}

/// Why `topic` cannot be published to; null when it can.
#[napi]
pub fn topic_name_problem(topic: String) -> Option<String> {
    protocol::validate_topic_name(&topic)
        .err()
        .map(|e| e.to_string())
}

/// Why `filter` cannot be subscribed to; null when it can.
#[napi]
pub fn topic_filter_problem(filter: String) -> Option<String> {
    protocol::validate_topic_filter(&filter)
        .err()
        .map(|e| e.to_string())
}
