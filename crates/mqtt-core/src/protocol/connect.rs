//! CONNECT and CONNACK (MQTT 3.1.1 sections 3.1 and 3.2; MQTT 5 adds
//! properties to both and to the will, and lets a password come alone).

use super::header::{first_byte, write_fixed_header, CONNACK, CONNECT};
use super::properties::{properties_len_at, put_properties_at, read_properties_at};
use super::strings::*;
use super::{
    validate_topic_name, ConnAck, Connect, LastWill, PropertyContext, ProtocolError,
    ProtocolVersion, QoS,
};
use bytes::{BufMut, Bytes, BytesMut};

const PROTOCOL_NAME: &str = "MQTT";

const USERNAME: u8 = 0b1000_0000;
const PASSWORD: u8 = 0b0100_0000;
const WILL_RETAIN: u8 = 0b0010_0000;
const WILL_QOS_SHIFT: u8 = 3;
const WILL_FLAG: u8 = 0b0000_0100;
const CLEAN_SESSION: u8 = 0b0000_0010;
const RESERVED: u8 = 0b0000_0001;

fn level(version: ProtocolVersion) -> u8 {
    match version {
        ProtocolVersion::V311 => 4,
        ProtocolVersion::V5 => 5,
    }
}

pub(super) fn encode_connect(connect: &Connect, out: &mut BytesMut) -> Result<(), ProtocolError> {
    let version = connect.protocol;
    let alone = connect.password.is_some() && connect.username.is_none();
    if alone && version == ProtocolVersion::V311 {
        return Err(ProtocolError::PasswordWithoutUsername);
    }
    // Validate every field and size the body before writing anything.
    let mut len = string_len(PROTOCOL_NAME)? + 1 + 1 + 2 + string_len(&connect.client_id)?;
    len += properties_len_at(&connect.properties, version)?;
    let mut flags = 0;
    if let Some(will) = &connect.will {
        len += properties_len_at(&will.properties, version)?;
        len += string_len(&will.topic)? + binary_len(&will.payload)?;
        validate_topic_name(&will.topic)?;
        flags |= WILL_FLAG | (will.qos as u8) << WILL_QOS_SHIFT;
        if will.retain {
            flags |= WILL_RETAIN;
        }
    }
    if let Some(username) = &connect.username {
        len += string_len(username)?;
        flags |= USERNAME;
    }
    if let Some(password) = &connect.password {
        len += binary_len(password)?;
        flags |= PASSWORD;
    }
    if connect.clean_session {
        flags |= CLEAN_SESSION;
    }

    write_fixed_header(out, first_byte(CONNECT), len)?;
    put_string(out, PROTOCOL_NAME);
    out.put_u8(level(connect.protocol));
    out.put_u8(flags);
    out.put_u16(connect.keep_alive);
    put_properties_at(out, &connect.properties, version);
    put_string(out, &connect.client_id);
    if let Some(will) = &connect.will {
        put_properties_at(out, &will.properties, version);
        put_string(out, &will.topic);
        put_binary(out, &will.payload);
    }
    if let Some(username) = &connect.username {
        put_string(out, username);
    }
    if let Some(password) = &connect.password {
        put_binary(out, password);
    }
    Ok(())
}

pub(super) fn decode_connect(mut body: Bytes) -> Result<Connect, ProtocolError> {
    let name = read_string(&mut body)?;
    let level = read_u8(&mut body)?;
    let protocol = match (name.as_str(), level) {
        (PROTOCOL_NAME, 4) => ProtocolVersion::V311,
        (PROTOCOL_NAME, 5) => ProtocolVersion::V5,
        _ => return Err(ProtocolError::UnsupportedProtocol { name, level }),
    };
    let flags = read_u8(&mut body)?;
    let will_qos = (flags >> WILL_QOS_SHIFT) & 0b11;
    if flags & RESERVED != 0 {
        return Err(ProtocolError::InvalidConnectFlags(flags)); // [MQTT-3.1.2-3]
    }
    if flags & WILL_FLAG == 0 && (will_qos != 0 || flags & WILL_RETAIN != 0) {
        return Err(ProtocolError::InvalidConnectFlags(flags)); // [MQTT-3.1.2-11], [-13], [-15]
    }
    let alone = flags & PASSWORD != 0 && flags & USERNAME == 0;
    if alone && protocol == ProtocolVersion::V311 {
        return Err(ProtocolError::PasswordWithoutUsername); // [MQTT-3.1.2-22]
    }
    let keep_alive = read_u16(&mut body)?;
    let properties = read_properties_at(&mut body, PropertyContext::Connect, protocol)?;
    let client_id = read_string(&mut body)?;
    let will = if flags & WILL_FLAG != 0 {
        let qos = QoS::from_u8(will_qos).ok_or(ProtocolError::InvalidQoS(will_qos))?;
        let properties = read_properties_at(&mut body, PropertyContext::Will, protocol)?;
        let topic = read_string(&mut body)?;
        validate_topic_name(&topic)?;
        let payload = read_binary(&mut body)?;
        Some(LastWill {
            topic,
            payload,
            qos,
            retain: flags & WILL_RETAIN != 0,
            properties,
        })
    } else {
        None
    };
    let username = (flags & USERNAME != 0)
        .then(|| read_string(&mut body))
        .transpose()?;
    let password = (flags & PASSWORD != 0)
        .then(|| read_binary(&mut body))
        .transpose()?;
    expect_end(&body)?;
    Ok(Connect {
        protocol,
        client_id,
        clean_session: flags & CLEAN_SESSION != 0,
        keep_alive,
        will,
        username,
        password,
        properties,
    })
}

pub(super) fn encode_connack(
    connack: &ConnAck,
    out: &mut BytesMut,
    version: ProtocolVersion,
) -> Result<(), ProtocolError> {
    let properties = properties_len_at(&connack.properties, version)?;
    write_fixed_header(out, first_byte(CONNACK), 2 + properties)?;
    out.put_u8(u8::from(connack.session_present));
    out.put_u8(connack.return_code);
    put_properties_at(out, &connack.properties, version);
    Ok(())
}

pub(super) fn decode_connack(
    mut body: Bytes,
    version: ProtocolVersion,
) -> Result<ConnAck, ProtocolError> {
    if version == ProtocolVersion::V311 && body.len() != 2 {
        return Err(ProtocolError::Malformed(
            "CONNACK remaining length must be 2",
        ));
    }
    let ack_flags = read_u8(&mut body)?;
    if ack_flags & !1 != 0 {
        return Err(ProtocolError::Malformed("CONNACK reserved flags set")); // [MQTT-3.2.2-1]
    }
    // Any return code is passed on: the session gives codes their meaning.
    let return_code = read_u8(&mut body)?;
    let properties = read_properties_at(&mut body, PropertyContext::ConnAck, version)?;
    expect_end(&body)?;
    Ok(ConnAck {
        session_present: ack_flags == 1,
        return_code,
        properties,
    })
}
