//! MQTT 5 properties as JS sees them, both ways: an object whose fields are
//! the specification's property names, in the engine's words. Each JS API
//! shapes them its own way (MQTT.js's `userProperties` object, aws-crt's
//! `{name, value}` list). User properties cross as one string, name, value,
//! name, value, ... joined by U+0000, which no MQTT string may contain: one
//! string per packet instead of two per property. PUBLISH, the hot path, has
//! an object of its own with only what a PUBLISH may carry, so the boundary
//! reads and writes a few fields instead of every property MQTT 5 defines.

use bytes::Bytes;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::protocol::{Property, VarInt};

use super::invalid::Invalid;

/// A property list. Flags (payload format, request problem / response
/// information, maximum QoS, the `...Available` ones) are numbers 0 or 1.
/// `userProperties` is name, value, name, value, ... in wire order (a name
/// may repeat) joined by U+0000; `subscriptionIdentifiers` every identifier
/// a message came with (one in a SUBSCRIBE).
#[napi(object)]
#[derive(Default)]
pub struct NativeProperties {
    pub payload_format_indicator: Option<u32>,
    pub message_expiry_interval: Option<u32>,
    pub content_type: Option<String>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Buffer>,
    pub subscription_identifiers: Option<Vec<u32>>,
    pub session_expiry_interval: Option<u32>,
    pub assigned_client_identifier: Option<String>,
    pub server_keep_alive: Option<u32>,
    pub authentication_method: Option<String>,
    pub authentication_data: Option<Buffer>,
    pub request_problem_information: Option<u32>,
    pub will_delay_interval: Option<u32>,
    pub request_response_information: Option<u32>,
    pub response_information: Option<String>,
    pub server_reference: Option<String>,
    pub reason_string: Option<String>,
    pub receive_maximum: Option<u32>,
    pub topic_alias_maximum: Option<u32>,
    pub topic_alias: Option<u32>,
    pub maximum_qos: Option<u32>,
    pub retain_available: Option<u32>,
    pub user_properties: Option<String>,
    pub maximum_packet_size: Option<u32>,
    pub wildcard_subscription_available: Option<u32>,
    pub subscription_identifiers_available: Option<u32>,
    pub shared_subscription_available: Option<u32>,
}

/// The properties a PUBLISH may carry but user properties, which cross apart
/// (a message's in the batch's own column, a publish's as an argument of
/// `NativeConnection.publish`).
#[napi(object)]
#[derive(Default)]
pub struct NativePublishProperties {
    pub payload_format_indicator: Option<u32>,
    pub message_expiry_interval: Option<u32>,
    pub content_type: Option<String>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Buffer>,
    pub topic_alias: Option<u32>,
    /// A message's: every identifier of the subscriptions it matched.
    pub subscription_identifiers: Option<Vec<u32>>,
}

/// What joins the names and values of user properties into one string
/// (MQTT strings cannot hold U+0000).
const USER_PROPERTY_SEPARATOR: char = '\0';

/// User properties as one string: name, value, ... joined by U+0000.
fn join_user_property(joined: &mut Option<String>, (name, value): &(String, String)) {
    let joined = joined.get_or_insert_with(String::new);
    for part in [name, value] {
        if !joined.is_empty() {
            joined.push(USER_PROPERTY_SEPARATOR);
        }
        joined.push_str(part);
    }
}

/// The names and values of a joined string, in order (one part for "").
pub fn user_property_parts(joined: &str) -> std::str::Split<'_, char> {
    joined.split(USER_PROPERTY_SEPARATOR)
}

/// The next `pairs` names and values of `parts` as user properties, added
/// to `list`; an Err when `parts` ends first.
pub fn take_user_properties<'a>(
    parts: &mut impl Iterator<Item = &'a str>,
    pairs: u32,
    list: &mut Vec<Property>,
) -> Result<(), String> {
    for _ in 0..pairs {
        let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
            return Err("userProperties: fewer names and values came than counted".into());
        };
        list.push(Property::UserProperty((name.into(), value.into())));
    }
    Ok(())
}

/// `joined` (name, value, ... joined by U+0000) as user properties, added to `list`.
pub fn split_user_properties(joined: &str, list: &mut Vec<Property>) -> Result<(), Invalid> {
    if joined.is_empty() {
        return Ok(());
    }
    let parts = user_property_parts(joined).count();
    if !parts.is_multiple_of(2) {
        return Err(Invalid::Type(
            "userProperties must hold name, value pairs joined by U+0000 (an odd count came)"
                .into(),
        ));
    }
    take_user_properties(&mut user_property_parts(joined), (parts / 2) as u32, list)
        .map_err(Invalid::Type)
}

/// A PUBLISH's properties for JS but user properties; `None` when there are
/// no others.
pub fn publish_to_js(properties: &[Property]) -> Option<NativePublishProperties> {
    let others = |p: &&Property| !matches!(p, Property::UserProperty(_));
    properties.iter().find(others)?;
    let mut js = NativePublishProperties::default();
    for property in properties {
        match property {
            Property::PayloadFormatIndicator(v) => js.payload_format_indicator = Some((*v).into()),
            Property::MessageExpiryInterval(v) => js.message_expiry_interval = Some(*v),
            Property::ContentType(v) => js.content_type = Some(v.clone()),
            Property::ResponseTopic(v) => js.response_topic = Some(v.clone()),
            Property::CorrelationData(v) => js.correlation_data = Some(v.to_vec().into()),
            Property::TopicAlias(v) => js.topic_alias = Some((*v).into()),
            Property::SubscriptionIdentifier(VarInt(v)) => js
                .subscription_identifiers
                .get_or_insert_with(Vec::new)
                .push(*v),
            // User properties go apart; the codec lets nothing else in.
            _ => {}
        }
    }
    Some(js)
}

/// A publish's properties from JS, its user properties apart (joined).
pub fn publish_from_js(
    js: Option<NativePublishProperties>,
    user_properties: Option<String>,
) -> Result<Vec<Property>, Invalid> {
    let mut list = Vec::new();
    if let Some(js) = js {
        let general = NativeProperties {
            payload_format_indicator: js.payload_format_indicator,
            message_expiry_interval: js.message_expiry_interval,
            content_type: js.content_type,
            response_topic: js.response_topic,
            correlation_data: js.correlation_data,
            topic_alias: js.topic_alias,
            subscription_identifiers: js.subscription_identifiers,
            ..NativeProperties::default()
        };
        list = from_js(general)?;
    }
    if let Some(joined) = user_properties {
        split_user_properties(&joined, &mut list)?;
    }
    Ok(list)
}

/// `properties` for JS; `None` when there are none, so that what has none
/// costs nothing.
pub fn to_js(properties: &[Property]) -> Option<NativeProperties> {
    if properties.is_empty() {
        return None;
    }
    let mut js = NativeProperties::default();
    for property in properties {
        let flag = |value: &u8| Some(u32::from(*value));
        let short = |value: &u16| Some(u32::from(*value));
        match property {
            Property::PayloadFormatIndicator(v) => js.payload_format_indicator = flag(v),
            Property::MessageExpiryInterval(v) => js.message_expiry_interval = Some(*v),
            Property::ContentType(v) => js.content_type = Some(v.clone()),
            Property::ResponseTopic(v) => js.response_topic = Some(v.clone()),
            Property::CorrelationData(v) => js.correlation_data = Some(v.to_vec().into()),
            Property::SubscriptionIdentifier(VarInt(v)) => js
                .subscription_identifiers
                .get_or_insert_with(Vec::new)
                .push(*v),
            Property::SessionExpiryInterval(v) => js.session_expiry_interval = Some(*v),
            Property::AssignedClientIdentifier(v) => {
                js.assigned_client_identifier = Some(v.clone())
            }
            Property::ServerKeepAlive(v) => js.server_keep_alive = short(v),
            Property::AuthenticationMethod(v) => js.authentication_method = Some(v.clone()),
            Property::AuthenticationData(v) => js.authentication_data = Some(v.to_vec().into()),
            Property::RequestProblemInformation(v) => js.request_problem_information = flag(v),
            Property::WillDelayInterval(v) => js.will_delay_interval = Some(*v),
            Property::RequestResponseInformation(v) => js.request_response_information = flag(v),
            Property::ResponseInformation(v) => js.response_information = Some(v.clone()),
            Property::ServerReference(v) => js.server_reference = Some(v.clone()),
            Property::ReasonString(v) => js.reason_string = Some(v.clone()),
            Property::ReceiveMaximum(v) => js.receive_maximum = short(v),
            Property::TopicAliasMaximum(v) => js.topic_alias_maximum = short(v),
            Property::TopicAlias(v) => js.topic_alias = short(v),
            Property::MaximumQoS(v) => js.maximum_qos = flag(v),
            Property::RetainAvailable(v) => js.retain_available = flag(v),
            Property::UserProperty(pair) => join_user_property(&mut js.user_properties, pair),
            Property::MaximumPacketSize(v) => js.maximum_packet_size = Some(*v),
            Property::WildcardSubscriptionAvailable(v) => {
                js.wildcard_subscription_available = flag(v)
            }
            Property::SubscriptionIdentifiersAvailable(v) => {
                js.subscription_identifiers_available = flag(v)
            }
            Property::SharedSubscriptionAvailable(v) => js.shared_subscription_available = flag(v),
        }
    }
    Some(js)
}

/// A value that does not fit its property's wire form (a JS API should
/// have refused it in its own words first).
fn narrow<T: TryFrom<u32>>(name: &str, value: u32, max: u32) -> Result<T, Invalid> {
    T::try_from(value)
        .ok()
        .filter(|_| value <= max)
        .ok_or_else(|| {
            Invalid::Range(format!(
                "properties.{name} must be at most {max} (got {value})"
            ))
        })
}

fn flag(name: &str, value: u32) -> Result<u8, Invalid> {
    narrow(name, value, 1)
}

fn short(name: &str, value: u32) -> Result<u16, Invalid> {
    narrow(name, value, u32::from(u16::MAX))
}

fn bytes(buffer: Buffer) -> Bytes {
    Bytes::copy_from_slice(&buffer)
}

/// The engine's property list for what JS passed. Which properties a packet
/// may carry, and their values, the engine checks with the request.
pub fn from_js(js: NativeProperties) -> Result<Vec<Property>, Invalid> {
    let mut list = Vec::new();
    macro_rules! take {
        ($field:ident => $variant:ident) => {
            if let Some(value) = js.$field {
                list.push(Property::$variant(value));
            }
        };
        ($field:ident => $variant:ident by $convert:ident $name:literal) => {
            if let Some(value) = js.$field {
                list.push(Property::$variant($convert($name, value)?));
            }
        };
    }
    take!(payload_format_indicator => PayloadFormatIndicator by flag "payloadFormatIndicator");
    take!(message_expiry_interval => MessageExpiryInterval);
    take!(content_type => ContentType);
    take!(response_topic => ResponseTopic);
    if let Some(data) = js.correlation_data {
        list.push(Property::CorrelationData(bytes(data)));
    }
    for id in js.subscription_identifiers.unwrap_or_default() {
        list.push(Property::SubscriptionIdentifier(VarInt(id)));
    }
    take!(session_expiry_interval => SessionExpiryInterval);
    take!(assigned_client_identifier => AssignedClientIdentifier);
    take!(server_keep_alive => ServerKeepAlive by short "serverKeepAlive");
    take!(authentication_method => AuthenticationMethod);
    if let Some(data) = js.authentication_data {
        list.push(Property::AuthenticationData(bytes(data)));
    }
    take!(request_problem_information => RequestProblemInformation by flag "requestProblemInformation");
    take!(will_delay_interval => WillDelayInterval);
    take!(request_response_information => RequestResponseInformation by flag "requestResponseInformation");
    take!(response_information => ResponseInformation);
    take!(server_reference => ServerReference);
    take!(reason_string => ReasonString);
    take!(receive_maximum => ReceiveMaximum by short "receiveMaximum");
    take!(topic_alias_maximum => TopicAliasMaximum by short "topicAliasMaximum");
    take!(topic_alias => TopicAlias by short "topicAlias");
    take!(maximum_qos => MaximumQoS by flag "maximumQos");
    take!(retain_available => RetainAvailable by flag "retainAvailable");
    take!(maximum_packet_size => MaximumPacketSize);
    take!(wildcard_subscription_available => WildcardSubscriptionAvailable by flag "wildcardSubscriptionAvailable");
    take!(subscription_identifiers_available => SubscriptionIdentifiersAvailable by flag "subscriptionIdentifiersAvailable");
    take!(shared_subscription_available => SharedSubscriptionAvailable by flag "sharedSubscriptionAvailable");
    if let Some(joined) = js.user_properties {
        split_user_properties(&joined, &mut list)?;
    }
    Ok(list)
}
