//! SUBSCRIBE, SUBACK and UNSUBSCRIBE (MQTT 3.1.1 sections 3.8 to 3.10, MQTT 5
//! sections 3.8 to 3.10: properties after the packet id, and any reason code
//! in SUBACK).

use super::header::{first_byte, write_fixed_header, SUBACK, SUBSCRIBE, UNSUBSCRIBE};
use super::properties::{properties_len_at, put_properties_at, read_properties_at};
use super::strings::*;
use super::PropertyContext;
use super::{
    validate_topic_filter, ProtocolError, ProtocolVersion, QoS, SubAck, Subscribe,
    SubscriptionOptions,
};
use super::{Unsubscribe, SUBACK_FAILURE};
use bytes::{Buf, BufMut, Bytes, BytesMut};

fn check_id(packet_id: u16) -> Result<(), ProtocolError> {
    match packet_id {
        0 => Err(ProtocolError::MissingPacketId),
        _ => Ok(()),
    }
}

/// Size of a filter list, validating each filter as the decoder would.
fn filters_len<'a>(filters: impl Iterator<Item = &'a str>) -> Result<usize, ProtocolError> {
    let mut len = 0;
    for filter in filters {
        len += string_len(filter)?;
        validate_topic_filter(filter)?;
    }
    Ok(len)
}

fn read_filter(body: &mut Bytes) -> Result<String, ProtocolError> {
    let filter = read_string(body)?;
    validate_topic_filter(&filter)?;
    Ok(filter)
}

pub(super) fn encode_subscribe(
    subscribe: &Subscribe,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    check_id(subscribe.packet_id)?;
    if subscribe.filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBSCRIBE needs at least one topic filter",
        ));
    }
    for (_, options) in &subscribe.filters {
        options_byte(options, version)?;
    }
    let names = subscribe.filters.iter().map(|(filter, _)| filter.as_str());
    let properties = properties_len_at(&subscribe.properties, version)?;
    let len = 2 + properties + filters_len(names)? + subscribe.filters.len();
    write_fixed_header(out, first_byte(SUBSCRIBE), len)?;
    out.put_u16(subscribe.packet_id);
    put_properties_at(out, &subscribe.properties, version);
    for (filter, options) in &subscribe.filters {
        put_string(out, filter);
        out.put_u8(options_byte(options, version)?);
    }
    Ok(())
}

pub(super) fn decode_subscribe(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Subscribe, ProtocolError> {
    let packet_id = read_packet_id(&mut body)?;
    let properties = read_properties_at(&mut body, PropertyContext::Subscribe, version)?;
    let mut filters = Vec::new();
    while body.has_remaining() {
        let filter = read_filter(&mut body)?;
        let options = read_options(read_u8(&mut body)?, version)?;
        filters.push((filter, options));
    }
    if filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBSCRIBE needs at least one topic filter",
        )); // [MQTT-3.8.3-3]
    }
    Ok(Subscribe {
        packet_id,
        filters,
        properties,
    })
}

const NO_LOCAL: u8 = 0b0100;
const RETAIN_AS_PUBLISHED: u8 = 0b1000;
const RETAIN_HANDLING_SHIFT: u8 = 4;

/// The subscription options byte: the QoS alone in MQTT 3.1.1, where MQTT
/// 5's options cannot be sent.
fn options_byte(
    options: &SubscriptionOptions,
    version: ProtocolVersion,
) -> Result<u8, ProtocolError> {
    let extras = options.no_local || options.retain_as_published || options.retain_handling != 0;
    if version == ProtocolVersion::V311 && extras {
        return Err(ProtocolError::Malformed(
            "MQTT 3.1.1 has no subscription options but the QoS",
        ));
    }
    if options.retain_handling > 2 {
        return Err(ProtocolError::Malformed(
            "retain handling must be 0, 1 or 2",
        ));
    }
    let mut byte = options.qos as u8 | options.retain_handling << RETAIN_HANDLING_SHIFT;
    if options.no_local {
        byte |= NO_LOCAL;
    }
    if options.retain_as_published {
        byte |= RETAIN_AS_PUBLISHED;
    }
    Ok(byte)
}

/// The options of one filter: reserved bits clear (bits 2 to 7 in MQTT
/// 3.1.1 [MQTT-3.8.3-4], 6 and 7 in MQTT 5), a QoS, and a retain handling
/// of 0 to 2.
fn read_options(byte: u8, version: ProtocolVersion) -> Result<SubscriptionOptions, ProtocolError> {
    let (reserved, what) = match version {
        ProtocolVersion::V311 => (0b1111_1100, "reserved bits set in requested QoS"),
        ProtocolVersion::V5 => (0b1100_0000, "reserved bits set in the subscription options"),
    };
    if byte & reserved != 0 {
        return Err(ProtocolError::Malformed(what));
    }
    let qos_bits = byte & 0b11;
    let qos = QoS::from_u8(qos_bits).ok_or(ProtocolError::InvalidQoS(qos_bits))?;
    let retain_handling = byte >> RETAIN_HANDLING_SHIFT;
    if retain_handling > 2 {
        return Err(ProtocolError::Malformed(
            "retain handling must be 0, 1 or 2",
        ));
    }
    Ok(SubscriptionOptions {
        qos,
        no_local: byte & NO_LOCAL != 0,
        retain_as_published: byte & RETAIN_AS_PUBLISHED != 0,
        retain_handling,
    })
}

/// MQTT 3.1.1 knows four return codes; MQTT 5's reason codes are kept as
/// they come, known or not.
fn check_return_code(code: u8, version: ProtocolVersion) -> Result<u8, ProtocolError> {
    match (code, version) {
        (0 | 1 | 2 | SUBACK_FAILURE, _) | (_, ProtocolVersion::V5) => Ok(code),
        _ => Err(ProtocolError::InvalidSubAckReturnCode(code)),
    }
}

pub(super) fn encode_suback(
    suback: &SubAck,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    check_id(suback.packet_id)?;
    if suback.return_codes.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBACK needs at least one return code",
        ));
    }
    for &code in &suback.return_codes {
        check_return_code(code, version)?;
    }
    let properties = properties_len_at(&suback.properties, version)?;
    write_fixed_header(
        out,
        first_byte(SUBACK),
        2 + properties + suback.return_codes.len(),
    )?;
    out.put_u16(suback.packet_id);
    put_properties_at(out, &suback.properties, version);
    out.put_slice(&suback.return_codes);
    Ok(())
}

pub(super) fn decode_suback(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<SubAck, ProtocolError> {
    let packet_id = read_packet_id(&mut body)?;
    let properties = read_properties_at(&mut body, PropertyContext::SubAck, version)?;
    if body.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBACK needs at least one return code",
        ));
    }
    let return_codes = body
        .iter()
        .map(|&code| check_return_code(code, version))
        .collect::<Result<_, _>>()?;
    Ok(SubAck {
        packet_id,
        return_codes,
        properties,
    })
}

pub(super) fn encode_unsubscribe(
    unsubscribe: &Unsubscribe,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    check_id(unsubscribe.packet_id)?;
    if unsubscribe.filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "UNSUBSCRIBE needs at least one topic filter",
        ));
    }
    let properties = properties_len_at(&unsubscribe.properties, version)?;
    let len = 2 + properties + filters_len(unsubscribe.filters.iter().map(String::as_str))?;
    write_fixed_header(out, first_byte(UNSUBSCRIBE), len)?;
    out.put_u16(unsubscribe.packet_id);
    put_properties_at(out, &unsubscribe.properties, version);
    for filter in &unsubscribe.filters {
        put_string(out, filter);
    }
    Ok(())
}

pub(super) fn decode_unsubscribe(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Unsubscribe, ProtocolError> {
    let packet_id = read_packet_id(&mut body)?;
    let properties = read_properties_at(&mut body, PropertyContext::Unsubscribe, version)?;
    let mut filters = Vec::new();
    while body.has_remaining() {
        filters.push(read_filter(&mut body)?);
    }
    if filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "UNSUBSCRIBE needs at least one topic filter",
        )); // [MQTT-3.10.3-2]
    }
    Ok(Unsubscribe {
        packet_id,
        filters,
        properties,
    })
}
