//! Checks a user's operation before it is queued, so that a bad argument is
//! an error at the call, naming the argument, never a broken packet later.

use std::fmt;

use crate::protocol::{validate_topic_filter, validate_topic_name, QoS, MAX_REMAINING_LENGTH};
use crate::session::Request;

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

/// Payloads of at most this many bytes fit one PUBLISH whatever its topic
/// and QoS.
pub const PAYLOAD_ALWAYS_FITS: usize = MAX_REMAINING_LENGTH - 2 - u16::MAX as usize - 2;

/// The most payload bytes one PUBLISH on `topic` at `qos` can carry.
pub fn payload_room(topic: &str, qos: QoS) -> usize {
    let packet_id = if qos == QoS::AtMostOnce { 0 } else { 2 };
    MAX_REMAINING_LENGTH - 2 - topic.len().min(usize::from(u16::MAX)) - packet_id
}

/// Whether a payload of `len` bytes fits one PUBLISH on `topic` at `qos`:
/// checked before a payload is copied, and again with the whole request.
pub fn check_payload_size(topic: &str, qos: QoS, len: usize) -> Result<(), InvalidRequest> {
    let room = payload_room(topic, qos);
    if len > room {
        return Err(invalid(
            "payload",
            format!("{len} bytes; with this topic and QoS a PUBLISH holds at most {room}"),
        ));
    }
    Ok(())
}

pub fn validate(request: &Request) -> Result<(), InvalidRequest> {
    match request {
        Request::Publish {
            topic,
            payload,
            qos,
            ..
        } => {
            validate_topic_name(topic).map_err(|e| invalid_topic(topic, e))?;
            check_payload_size(topic, *qos, payload.len())?;
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
