//! SUBSCRIBE, SUBACK and UNSUBSCRIBE (MQTT 3.1.1 sections 3.8 to 3.10).

use super::header::{first_byte, write_fixed_header, SUBACK, SUBSCRIBE, UNSUBSCRIBE};
use super::strings::*;
use super::{validate_topic_filter, ProtocolError, ProtocolVersion, QoS, SubAck, Subscribe};
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
    let ProtocolVersion::V311 = version; // MQTT 5 adds properties and subscription options.
    check_id(subscribe.packet_id)?;
    if subscribe.filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBSCRIBE needs at least one topic filter",
        ));
    }
    let names = subscribe.filters.iter().map(|(filter, _)| filter.as_str());
    let len = 2 + filters_len(names)? + subscribe.filters.len();
    write_fixed_header(out, first_byte(SUBSCRIBE), len)?;
    out.put_u16(subscribe.packet_id);
    for (filter, qos) in &subscribe.filters {
        put_string(out, filter);
        out.put_u8(*qos as u8);
    }
    Ok(())
}

pub(super) fn decode_subscribe(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Subscribe, ProtocolError> {
    let ProtocolVersion::V311 = version;
    let packet_id = read_packet_id(&mut body)?;
    let mut filters = Vec::new();
    while body.has_remaining() {
        let filter = read_filter(&mut body)?;
        let requested = read_u8(&mut body)?;
        if requested & 0b1111_1100 != 0 {
            return Err(ProtocolError::Malformed(
                "reserved bits set in requested QoS",
            )); // [MQTT-3.8.3-4]
        }
        let qos = QoS::from_u8(requested).ok_or(ProtocolError::InvalidQoS(requested))?;
        filters.push((filter, qos));
    }
    if filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBSCRIBE needs at least one topic filter",
        )); // [MQTT-3.8.3-3]
    }
    Ok(Subscribe { packet_id, filters })
}

fn check_return_code(code: u8) -> Result<u8, ProtocolError> {
    match code {
        0 | 1 | 2 | SUBACK_FAILURE => Ok(code),
        _ => Err(ProtocolError::InvalidSubAckReturnCode(code)),
    }
}

pub(super) fn encode_suback(
    suback: &SubAck,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let ProtocolVersion::V311 = version; // MQTT 5 adds properties and more reason codes.
    check_id(suback.packet_id)?;
    if suback.return_codes.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBACK needs at least one return code",
        ));
    }
    for &code in &suback.return_codes {
        check_return_code(code)?;
    }
    write_fixed_header(out, first_byte(SUBACK), 2 + suback.return_codes.len())?;
    out.put_u16(suback.packet_id);
    out.put_slice(&suback.return_codes);
    Ok(())
}

pub(super) fn decode_suback(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<SubAck, ProtocolError> {
    let ProtocolVersion::V311 = version;
    let packet_id = read_packet_id(&mut body)?;
    if body.is_empty() {
        return Err(ProtocolError::Malformed(
            "SUBACK needs at least one return code",
        ));
    }
    let return_codes = body
        .iter()
        .map(|&code| check_return_code(code))
        .collect::<Result<_, _>>()?;
    Ok(SubAck {
        packet_id,
        return_codes,
    })
}

pub(super) fn encode_unsubscribe(
    unsubscribe: &Unsubscribe,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let ProtocolVersion::V311 = version; // MQTT 5 adds properties.
    check_id(unsubscribe.packet_id)?;
    if unsubscribe.filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "UNSUBSCRIBE needs at least one topic filter",
        ));
    }
    let len = 2 + filters_len(unsubscribe.filters.iter().map(String::as_str))?;
    write_fixed_header(out, first_byte(UNSUBSCRIBE), len)?;
    out.put_u16(unsubscribe.packet_id);
    for filter in &unsubscribe.filters {
        put_string(out, filter);
    }
    Ok(())
}

pub(super) fn decode_unsubscribe(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<Unsubscribe, ProtocolError> {
    let ProtocolVersion::V311 = version;
    let packet_id = read_packet_id(&mut body)?;
    let mut filters = Vec::new();
    while body.has_remaining() {
        filters.push(read_filter(&mut body)?);
    }
    if filters.is_empty() {
        return Err(ProtocolError::Malformed(
            "UNSUBSCRIBE needs at least one topic filter",
        )); // [MQTT-3.10.3-2]
    }
    Ok(Unsubscribe { packet_id, filters })
}
