//! Checks a user's operation before it is queued, so that a bad argument is
//! an error at the call, naming the argument, never a broken packet later.

use std::fmt;

use crate::protocol::{
    check_properties, is_shared_subscription, properties_len, validate_topic_filter,
    validate_topic_name, Auth, Disconnect, Property, PropertyContext, ProtocolVersion, QoS,
    ReasonCode, SubscriptionOptions, MAX_REMAINING_LENGTH,
};
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

/// Checks `request` for a connection speaking `version`.
pub fn validate(request: &Request, version: ProtocolVersion) -> Result<(), InvalidRequest> {
    match request {
        Request::Publish {
            topic,
            payload,
            qos,
            properties,
            ..
        } => {
            check_properties_at(properties, PropertyContext::Publish, version)?;
            check_publish_properties(properties)?;
            // An empty topic names the alias that stands for it.
            let aliased = properties
                .iter()
                .any(|p| matches!(p, Property::TopicAlias(_)));
            if !(topic.is_empty() && aliased) {
                validate_topic_name(topic).map_err(|e| invalid_topic(topic, e))?;
            }
            let properties = properties_len(properties).unwrap_or(0);
            check_payload_size(topic, *qos, payload.len() + properties)?;
        }
        Request::Subscribe {
            filters,
            properties,
        } => {
            check_properties_at(properties, PropertyContext::Subscribe, version)?;
            if filters.is_empty() {
                return Err(invalid("topic", "at least one topic filter is needed"));
            }
            for (filter, options) in filters {
                validate_topic_filter(filter).map_err(|e| invalid_topic(filter, e))?;
                check_subscription_options(filter, options, version)?;
            }
        }
        Request::Unsubscribe {
            filters,
            properties,
        } => {
            check_properties_at(properties, PropertyContext::Unsubscribe, version)?;
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

/// Checks the DISCONNECT a user ends the connection with, for a connection
/// whose CONNECT carried `connect_properties`.
pub fn validate_disconnect(
    disconnect: &Disconnect,
    version: ProtocolVersion,
    connect_properties: &[Property],
) -> Result<(), InvalidRequest> {
    check_properties_at(&disconnect.properties, PropertyContext::Disconnect, version)?;
    let session_expiry = |properties: &[Property]| {
        properties.iter().find_map(|p| match p {
            Property::SessionExpiryInterval(secs) => Some(*secs),
            _ => None,
        })
    };
    let asked = session_expiry(&disconnect.properties).unwrap_or(0);
    if asked != 0 && session_expiry(connect_properties).unwrap_or(0) == 0 {
        return Err(invalid(
            "properties",
            "a Session Expiry Interval cannot be set at DISCONNECT when CONNECT set none (MQTT 5 section 3.14.2.2.2)",
        ));
    }
    Ok(())
}

/// Checks the AUTH an application sends: MQTT 5 only, Continue
/// authentication or Re-authenticate, with AUTH's properties.
pub fn validate_auth(auth: &Auth, version: ProtocolVersion) -> Result<(), InvalidRequest> {
    if version == ProtocolVersion::V311 {
        return Err(invalid("auth", "AUTH needs MQTT 5 (protocol version 5)"));
    }
    let code = auth.reason_code;
    if code != ReasonCode::CONTINUE_AUTHENTICATION && code != ReasonCode::REAUTHENTICATE {
        return Err(invalid(
            "reasonCode",
            format!(
                "an AUTH from a client is 0x18 (continue) or 0x19 (re-authenticate), not {code}"
            ),
        ));
    }
    check_properties_at(&auth.properties, PropertyContext::Auth, version)
}

/// A property list for `context`: none in MQTT 3.1.1; in MQTT 5 what the
/// packet may carry, with values MQTT 5 allows.
fn check_properties_at(
    properties: &[Property],
    context: PropertyContext,
    version: ProtocolVersion,
) -> Result<(), InvalidRequest> {
    if properties.is_empty() {
        return Ok(());
    }
    if version == ProtocolVersion::V311 {
        return Err(invalid(
            "properties",
            "properties need MQTT 5 (protocol version 5)",
        ));
    }
    check_properties(properties, context).map_err(|e| invalid("properties", e))
}

/// What a client may not put in a PUBLISH although a PUBLISH may carry it.
fn check_publish_properties(properties: &[Property]) -> Result<(), InvalidRequest> {
    for property in properties {
        match property {
            Property::SubscriptionIdentifier(_) => {
                return Err(invalid(
                    "properties",
                    "a client's PUBLISH may not carry a Subscription Identifier",
                ))
            }
            Property::TopicAlias(0) => {
                return Err(invalid(
                    "properties",
                    "topic alias 0 is not allowed (1 to 65,535)",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_subscription_options(
    filter: &str,
    options: &SubscriptionOptions,
    version: ProtocolVersion,
) -> Result<(), InvalidRequest> {
    if version == ProtocolVersion::V311 && *options != SubscriptionOptions::from(options.qos) {
        return Err(invalid(
            "options",
            "No Local, Retain As Published and Retain Handling need MQTT 5",
        ));
    }
    if options.retain_handling > 2 {
        return Err(invalid("options", "Retain Handling must be 0, 1 or 2"));
    }
    if options.no_local && is_shared_subscription(filter) {
        return Err(invalid_topic(
            filter,
            "No Local is not allowed on a shared subscription",
        ));
    }
    Ok(())
}
