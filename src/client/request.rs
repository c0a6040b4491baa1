//! Checks a user's operation before it is queued, so that a bad argument is
//! an error at the call, naming the argument, never a broken packet later.

use std::fmt;

use crate::protocol::{validate_topic_filter, validate_topic_name};
use crate::session::Request;

/// The largest payload that fits one PUBLISH with the longest topic allowed.
const MAX_PAYLOAD: usize = 268_435_455 - 2 - 65_535 - 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    /// The argument at fault, as the user named it: `topic`, `payload`.
    pub argument: &'static str,
    pub message: String,
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn invalid(argument: &'static str, message: impl fmt::Display) -> InvalidRequest {
    InvalidRequest {
        argument,
        message: format!("{argument} is invalid: {message}"),
    }
}

fn invalid_topic(topic: &str, error: impl fmt::Display) -> InvalidRequest {
    InvalidRequest {
        argument: "topic",
        message: format!("topic {topic:?} is invalid: {error}"),
    }
}

pub fn validate(request: &Request) -> Result<(), InvalidRequest> {
    match request {
        Request::Publish { topic, payload, .. } => {
            validate_topic_name(topic).map_err(|e| invalid_topic(topic, e))?;
            if payload.len() > MAX_PAYLOAD {
                return Err(invalid(
                    "payload",
                    format!("{} bytes; MQTT allows at most {MAX_PAYLOAD}", payload.len()),
                ));
            }
        }
        Request::Subscribe { filters } => {
            if filters.is_empty() {
                return Err(invalid("topic", "at least one topic filter is needed"));
            }
            for (filter, _) in filters {
                validate_topic_filter(filter).map_err(|e| invalid_topic(filter, e))?;
            }
        }
        Request::Unsubscribe { filters } => {
            if filters.is_empty() {
                return Err(invalid("topic", "at least one topic filter is needed"));
            }
            for filter in filters {
                validate_topic_filter(filter).map_err(|e| invalid_topic(filter, e))?;
            }
        }
    }
    Ok(())
}
