//! Topic matching for the JS wrapper's per-subscription callbacks, so the
//! rules of MQTT section 4.7 live in one place (`protocol::topic`).

use napi_derive::napi;

use crate::protocol;

#[napi]
pub fn topic_matches_filter(filter: String, topic: String) -> bool {
    protocol::topic_matches_filter(&filter, &topic)
}
