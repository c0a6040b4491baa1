//! Whole-packet tests: hand-written CONNECT/SUBSCRIBE vectors, framing, and
//! property tests over every packet variant.

use super::properties::strategies::properties_in;
use super::*;
use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;

fn decode_bytes(bytes: &[u8]) -> Result<Option<Packet>, ProtocolError> {
    decode(&mut BytesMut::from(bytes), usize::MAX)
}

fn encode_vec(packet: &Packet) -> Result<Vec<u8>, ProtocolError> {
    let mut out = BytesMut::new();
    let result = encode(packet, &mut out);
    if result.is_err() {
        assert!(out.is_empty(), "a failed encode must write nothing");
    }
    result.map(|()| out.to_vec())
}

/// The CONNECT of the spec's section 3.1.2.10 (flags 0xCE, keep alive 10)
/// with a client id, will, username and password.
const SPEC_CONNECT: &[u8] = b"\x10\x25\x00\x04MQTT\x04\xCE\x00\x0A\
\x00\x03cid\x00\x05w/top\x00\x03bye\x00\x04user\x00\x02pw";

fn spec_connect() -> Connect {
    Connect {
        protocol: ProtocolVersion::V311,
        client_id: "cid".into(),
        clean_session: true,
        keep_alive: 10,
        will: Some(LastWill {
            topic: "w/top".into(),
            payload: Bytes::from_static(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Vec::new(),
        }),
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"pw")),
        properties: Vec::new(),
    }
}

#[test]
fn connect_known_bytes() {
    let packet = Packet::Connect(spec_connect());
    assert_eq!(encode_vec(&packet).unwrap(), SPEC_CONNECT);
    assert_eq!(decode_bytes(SPEC_CONNECT), Ok(Some(packet)));
    let minimal = b"\x10\x0C\x00\x04MQTT\x04\x00\x00\x00\x00\x00";
    let expected = Connect {
        client_id: String::new(),
        clean_session: false,
        keep_alive: 0,
        will: None,
        username: None,
        password: None,
        ..spec_connect()
    };
    assert_eq!(decode_bytes(minimal), Ok(Some(Packet::Connect(expected))));
}

/// SPEC_CONNECT with its flags byte (offset 9) replaced.
fn connect_with_flags(flags: u8) -> Vec<u8> {
    let mut bytes = SPEC_CONNECT.to_vec();
    bytes[9] = flags;
    bytes
}

#[test]
fn connect_flag_rules() {
    assert_eq!(
        decode_bytes(&connect_with_flags(0xCF)),
        Err(ProtocolError::InvalidConnectFlags(0xCF))
    );
    assert_eq!(
        decode_bytes(&connect_with_flags(0x4E)),
        Err(ProtocolError::PasswordWithoutUsername)
    );
    assert_eq!(
        decode_bytes(&connect_with_flags(0xDE)),
        Err(ProtocolError::InvalidQoS(3))
    );
    // Will QoS or retain without the will flag.
    for flags in [0x08, 0x10, 0x20] {
        let bytes = b"\x10\x0C\x00\x04MQTT\x04\x00\x00\x00\x00\x00";
        let mut bytes = bytes.to_vec();
        bytes[9] = flags;
        assert_eq!(
            decode_bytes(&bytes),
            Err(ProtocolError::InvalidConnectFlags(flags))
        );
    }
    let no_user = Connect {
        username: None,
        ..spec_connect()
    };
    assert_eq!(
        encode_vec(&Packet::Connect(no_user)),
        Err(ProtocolError::PasswordWithoutUsername)
    );
}

#[test]
fn connect_protocol_checks() {
    let mut v31 = SPEC_CONNECT.to_vec();
    v31[8] = 3;
    let err = ProtocolError::UnsupportedProtocol {
        name: "MQTT".into(),
        level: 3,
    };
    assert_eq!(decode_bytes(&v31), Err(err));
    let mut wrong_name = SPEC_CONNECT.to_vec();
    wrong_name[4..8].copy_from_slice(b"MQTX");
    assert!(matches!(
        decode_bytes(&wrong_name),
        Err(ProtocolError::UnsupportedProtocol { .. })
    ));
}

#[test]
fn connect_length_mismatch() {
    // Remaining length one short: the password runs past the body.
    let mut short = SPEC_CONNECT[..SPEC_CONNECT.len() - 1].to_vec();
    short[1] -= 1;
    assert!(matches!(
        decode_bytes(&short),
        Err(ProtocolError::Malformed(_))
    ));
    // One extra byte after the password.
    let mut long = SPEC_CONNECT.to_vec();
    long.push(0);
    long[1] += 1;
    assert!(matches!(
        decode_bytes(&long),
        Err(ProtocolError::Malformed(_))
    ));
}

#[test]
fn connack() {
    let packet = Packet::ConnAck(ConnAck {
        session_present: true,
        return_code: 0,
        properties: Vec::new(),
    });
    assert_eq!(encode_vec(&packet).unwrap(), b"\x20\x02\x01\x00");
    assert_eq!(decode_bytes(b"\x20\x02\x01\x00"), Ok(Some(packet)));
    let refused = ConnAck {
        session_present: false,
        return_code: 0xFF,
        properties: Vec::new(),
    };
    assert_eq!(
        decode_bytes(b"\x20\x02\x00\xFF"),
        Ok(Some(Packet::ConnAck(refused)))
    );
    assert!(matches!(
        decode_bytes(b"\x20\x02\x02\x00"),
        Err(ProtocolError::Malformed(_))
    ));
    assert!(matches!(
        decode_bytes(b"\x20\x03\x00\x00\x00"),
        Err(ProtocolError::Malformed(_))
    ));
    assert!(matches!(
        decode_bytes(b"\x20\x01\x00"),
        Err(ProtocolError::Malformed(_))
    ));
}

#[test]
fn subscribe_known_bytes() {
    let bytes = b"\x82\x0E\x00\x0A\x00\x03a/b\x01\x00\x03c/#\x02";
    let packet = Packet::Subscribe(Subscribe {
        packet_id: 10,
        filters: vec![
            ("a/b".into(), QoS::AtLeastOnce.into()),
            ("c/#".into(), QoS::ExactlyOnce.into()),
        ],
        properties: Vec::new(),
    });
    assert_eq!(encode_vec(&packet).unwrap(), bytes);
    assert_eq!(decode_bytes(bytes), Ok(Some(packet)));
}

#[test]
fn subscribe_errors() {
    let cases: [(&[u8], ProtocolError); 5] = [
        (
            b"\x82\x06\x00\x00\x00\x01a\x00",
            ProtocolError::MissingPacketId,
        ),
        (
            b"\x82\x06\x00\x01\x00\x01a\x03",
            ProtocolError::InvalidQoS(3),
        ),
        (
            b"\x82\x02\x00\x01",
            ProtocolError::Malformed("SUBSCRIBE needs at least one topic filter"),
        ),
        (
            b"\x82\x06\x00\x01\x00\x01a\x04",
            ProtocolError::Malformed("reserved bits set in requested QoS"),
        ),
        (
            b"\x82\x07\x00\x01\x00\x02a#\x00",
            ProtocolError::InvalidTopic(TopicError::MisplacedMultiLevelWildcard),
        ),
    ];
    for (bytes, err) in cases {
        assert_eq!(decode_bytes(bytes), Err(err), "{bytes:?}");
    }
    // Filter without its QoS byte.
    assert!(matches!(
        decode_bytes(b"\x82\x05\x00\x01\x00\x01a"),
        Err(ProtocolError::Malformed(_))
    ));
    let empty = Packet::Subscribe(Subscribe {
        packet_id: 1,
        filters: vec![],
        properties: Vec::new(),
    });
    assert!(matches!(
        encode_vec(&empty),
        Err(ProtocolError::Malformed(_))
    ));
    let zero = Packet::Subscribe(Subscribe {
        packet_id: 0,
        filters: vec![("a".into(), QoS::AtMostOnce.into())],
        properties: Vec::new(),
    });
    assert_eq!(encode_vec(&zero), Err(ProtocolError::MissingPacketId));
}

#[test]
fn suback() {
    let bytes = b"\x90\x06\x00\x07\x00\x01\x02\x80";
    let packet = Packet::SubAck(SubAck {
        packet_id: 7,
        return_codes: vec![0, 1, 2, SUBACK_FAILURE],
        properties: Vec::new(),
    });
    assert_eq!(encode_vec(&packet).unwrap(), bytes);
    assert_eq!(decode_bytes(bytes), Ok(Some(packet)));
    assert_eq!(
        decode_bytes(b"\x90\x03\x00\x07\x03"),
        Err(ProtocolError::InvalidSubAckReturnCode(3))
    );
    assert_eq!(
        decode_bytes(b"\x90\x03\x00\x00\x00"),
        Err(ProtocolError::MissingPacketId)
    );
    assert!(matches!(
        decode_bytes(b"\x90\x02\x00\x07"),
        Err(ProtocolError::Malformed(_))
    ));
    let bad = Packet::SubAck(SubAck {
        packet_id: 7,
        return_codes: vec![3],
        properties: Vec::new(),
    });
    assert_eq!(
        encode_vec(&bad),
        Err(ProtocolError::InvalidSubAckReturnCode(3))
    );
}

#[test]
fn unsubscribe() {
    let bytes = b"\xA2\x0A\x00\x03\x00\x01a\x00\x03b/+";
    let packet = Packet::Unsubscribe(Unsubscribe {
        packet_id: 3,
        filters: vec!["a".into(), "b/+".into()],
        properties: Vec::new(),
    });
    assert_eq!(encode_vec(&packet).unwrap(), bytes);
    assert_eq!(decode_bytes(bytes), Ok(Some(packet)));
    assert!(matches!(
        decode_bytes(b"\xA2\x02\x00\x03"),
        Err(ProtocolError::Malformed(_))
    ));
    assert_eq!(
        decode_bytes(b"\xA2\x05\x00\x00\x00\x01a"),
        Err(ProtocolError::MissingPacketId)
    );
    let empty = Packet::Unsubscribe(Unsubscribe {
        packet_id: 3,
        filters: vec![],
        properties: Vec::new(),
    });
    assert!(matches!(
        encode_vec(&empty),
        Err(ProtocolError::Malformed(_))
    ));
}

#[test]
fn incomplete_input_consumes_nothing() {
    for cut in 0..SPEC_CONNECT.len() {
        let mut buf = BytesMut::from(&SPEC_CONNECT[..cut]);
        assert_eq!(decode(&mut buf, 1024), Ok(None), "cut at {cut}");
        assert_eq!(buf.len(), cut);
    }
}

#[test]
fn too_large_rejected_before_body() {
    // A PUBLISH announcing 200 bytes of body: 203 in all. Only the header is here.
    let mut buf = BytesMut::from(&b"\x30\xC8\x01"[..]);
    let err = ProtocolError::PacketTooLarge {
        size: 203,
        max: 202,
    };
    assert_eq!(decode(&mut buf, 202), Err(err));
    assert_eq!(buf.len(), 3, "nothing consumed");
    assert_eq!(decode(&mut buf, 203), Ok(None));
}

#[test]
fn large_remaining_lengths() {
    for payload_len in [0, 122, 123, 16_378, 16_379, 2_097_146, 2_097_147] {
        let publish = Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: "topic".into(),
            packet_id: 0,
            payload: Bytes::from(vec![7u8; payload_len]),
            properties: Vec::new(),
        };
        let packet = Packet::Publish(publish);
        let mut buf = BytesMut::from(&encode_vec(&packet).unwrap()[..]);
        assert_eq!(decode(&mut buf, usize::MAX), Ok(Some(packet)));
        assert!(buf.is_empty());
    }
}

#[test]
fn consumes_exactly_one_packet() {
    let mut buf = BytesMut::from(&b"\xC0\x00\xD0\x00\xE0"[..]);
    assert_eq!(decode(&mut buf, 10), Ok(Some(Packet::PingReq)));
    assert_eq!(decode(&mut buf, 10), Ok(Some(Packet::PingResp)));
    assert_eq!(decode(&mut buf, 10), Ok(None));
    assert_eq!(&buf[..], b"\xE0");
}

/// MQTT 3.1.1 does not ask for the shortest remaining-length varint, so a
/// padded one (0x80 0x00 for 0) is accepted; `encode` always writes the
/// shortest. The fuzz target's re-encoding check (fuzz/src/decode_check.rs)
/// relies on both.
#[test]
fn padded_remaining_length_accepted_and_encoded_shortest() {
    assert_eq!(decode_bytes(b"\xD0\x80\x00"), Ok(Some(Packet::PingResp)));
    let puback = Packet::PubAck(Ack::new(1));
    let mut padded = BytesMut::from(&b"\x40\x82\x80\x00\x00\x01"[..]);
    assert_eq!(decode(&mut padded, 6), Ok(Some(puback.clone())));
    assert!(padded.is_empty());
    assert_eq!(encode_vec(&puback).unwrap(), b"\x40\x02\x00\x01");
}

// ---- property tests ----

/// Any string without U+0000 (the only code point MQTT forbids outright).
fn text() -> impl Strategy<Value = String> {
    vec(any::<char>().prop_filter("U+0000", |&c| c != '\0'), 0..12).prop_map(String::from_iter)
}

/// A topic level without wildcards, separators or U+0000.
fn level() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z$]{0,5}",
        vec(
            any::<char>().prop_filter("plain", |c| !['\0', '+', '#', '/'].contains(c)),
            0..5
        )
        .prop_map(String::from_iter),
    ]
}

fn topic_name() -> impl Strategy<Value = String> {
    vec(level(), 1..4)
        .prop_map(|levels| levels.join("/"))
        .prop_filter("empty", |t| !t.is_empty())
}

fn topic_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof![3 => level(), 1 => Just("+".to_string())];
    (vec(level, 0..4), any::<bool>())
        .prop_map(|(mut levels, hash)| {
            if hash {
                levels.push("#".into());
            }
            levels.join("/")
        })
        .prop_filter("empty", |t| !t.is_empty())
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn packet_id() -> impl Strategy<Value = u16> {
    1..=u16::MAX
}

/// MQTT 5 packets as the specification lays them out (and as mosquitto
/// sends them), so encoder and decoder cannot agree on a wrong layout.
#[test]
fn known_v5_bytes() {
    let v5 = ProtocolVersion::V5;
    let cases: Vec<(&[u8], Packet)> = vec![
        // mosquitto's CONNACK: Receive Maximum 20, Topic Alias Maximum 10.
        (
            b"\x20\x09\x00\x00\x06\x21\x00\x14\x22\x00\x0A",
            Packet::ConnAck(ConnAck {
                session_present: false,
                return_code: 0,
                properties: vec![
                    Property::ReceiveMaximum(20),
                    Property::TopicAliasMaximum(10),
                ],
            }),
        ),
        // PUBLISH QoS 1 on "a", id 1, no properties, payload "x".
        (
            b"\x32\x07\x00\x01a\x00\x01\x00x",
            Packet::Publish(Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: "a".into(),
                packet_id: 1,
                payload: Bytes::from_static(b"x"),
                properties: Vec::new(),
            }),
        ),
        // PUBACK 0x10 (no matching subscribers), properties left out.
        (
            b"\x40\x03\x00\x01\x10",
            Packet::PubAck(Ack {
                packet_id: 1,
                reason_code: ReasonCode::NO_MATCHING_SUBSCRIBERS,
                properties: Vec::new(),
            }),
        ),
        // PUBREC refused with a reason string.
        (
            b"\x50\x09\x00\x02\x87\x05\x1F\x00\x02no",
            Packet::PubRec(Ack {
                packet_id: 2,
                reason_code: ReasonCode::NOT_AUTHORIZED,
                properties: vec![Property::ReasonString("no".into())],
            }),
        ),
        // SUBACK: QoS 0 granted, then refused (0x87).
        (
            b"\x90\x05\x00\x03\x00\x00\x87",
            Packet::SubAck(SubAck {
                packet_id: 3,
                return_codes: vec![0, 0x87],
                properties: Vec::new(),
            }),
        ),
        // UNSUBACK: no subscription existed.
        (
            b"\xB0\x04\x00\x04\x00\x11",
            Packet::UnsubAck(UnsubAck {
                packet_id: 4,
                reason_codes: vec![0x11],
                properties: Vec::new(),
            }),
        ),
        // DISCONNECT: session taken over; a normal one is empty.
        (
            b"\xE0\x01\x8E",
            Packet::Disconnect(Disconnect {
                reason_code: ReasonCode::SESSION_TAKEN_OVER,
                properties: Vec::new(),
            }),
        ),
        (b"\xE0\x00", Packet::Disconnect(Disconnect::default())),
        // AUTH: continue, with a method.
        (
            b"\xF0\x07\x18\x05\x15\x00\x02xy",
            Packet::Auth(Auth {
                reason_code: ReasonCode::CONTINUE_AUTHENTICATION,
                properties: vec![Property::AuthenticationMethod("xy".into())],
            }),
        ),
    ];
    for (bytes, packet) in cases {
        assert_eq!(encode_vec_as(&packet, v5).unwrap(), bytes, "{packet:?}");
        let mut buf = BytesMut::from(bytes);
        assert_eq!(decode_as(&mut buf, usize::MAX, v5), Ok(Some(packet)));
    }
}

#[test]
fn auth_does_not_exist_in_3_1_1() {
    assert_eq!(
        decode_bytes(b"\xF0\x00"),
        Err(ProtocolError::InvalidPacketType(15))
    );
    let auth = Packet::Auth(Auth::default());
    assert_eq!(encode_vec(&auth), Err(ProtocolError::InvalidPacketType(15)));
}

/// The properties of a packet in `context` at `version`: none in MQTT 3.1.1.
fn props(version: ProtocolVersion, context: PropertyContext) -> BoxedStrategy<Vec<Property>> {
    match version {
        ProtocolVersion::V311 => Just(Vec::new()).boxed(),
        ProtocolVersion::V5 => properties_in(context, 4).boxed(),
    }
}

/// A reason code: success in MQTT 3.1.1, any code (known or not) in MQTT 5.
fn reason(version: ProtocolVersion) -> BoxedStrategy<ReasonCode> {
    match version {
        ProtocolVersion::V311 => Just(ReasonCode::SUCCESS).boxed(),
        ProtocolVersion::V5 => any::<u8>().prop_map(ReasonCode).boxed(),
    }
}

fn connect(version: ProtocolVersion) -> impl Strategy<Value = Connect> {
    let will = (
        topic_name(),
        bytes(20),
        qos(),
        any::<bool>(),
        props(version, PropertyContext::Will),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| LastWill {
            topic,
            payload,
            qos,
            retain,
            properties,
        });
    // In MQTT 3.1.1 a password only ever comes with a username.
    let password_alone = version == ProtocolVersion::V5;
    let credentials = (
        proptest::option::of(text()),
        proptest::option::of(bytes(10)),
    )
        .prop_filter("a password alone", move |(user, password)| {
            password_alone || user.is_some() || password.is_none()
        });
    (
        text(),
        any::<bool>(),
        any::<u16>(),
        proptest::option::of(will),
        credentials,
        props(version, PropertyContext::Connect),
    )
        .prop_map(
            move |(
                client_id,
                clean_session,
                keep_alive,
                will,
                (username, password),
                properties,
            )| {
                Connect {
                    protocol: version,
                    client_id,
                    clean_session,
                    keep_alive,
                    will,
                    username,
                    password,
                    properties,
                }
            },
        )
}

fn publish(version: ProtocolVersion) -> impl Strategy<Value = Publish> {
    (
        (any::<bool>(), qos(), any::<bool>()),
        topic_name(),
        packet_id(),
        bytes(64),
        props(version, PropertyContext::Publish),
    )
        .prop_map(|((dup, qos, retain), topic, id, payload, properties)| {
            let at_most_once = qos == QoS::AtMostOnce;
            Publish {
                dup: dup && !at_most_once,
                qos,
                retain,
                topic,
                packet_id: if at_most_once { 0 } else { id },
                payload,
                properties,
            }
        })
}

fn ack(version: ProtocolVersion, context: PropertyContext) -> impl Strategy<Value = Ack> {
    (packet_id(), reason(version), props(version, context)).prop_map(
        |(packet_id, reason_code, properties)| Ack {
            packet_id,
            reason_code,
            properties,
        },
    )
}

/// A filter's options: the QoS alone in MQTT 3.1.1, any valid ones in MQTT 5.
fn subscription_options(version: ProtocolVersion) -> BoxedStrategy<SubscriptionOptions> {
    match version {
        ProtocolVersion::V311 => qos().prop_map(SubscriptionOptions::from).boxed(),
        ProtocolVersion::V5 => (qos(), any::<bool>(), any::<bool>(), 0u8..=2)
            .prop_map(
                |(qos, no_local, retain_as_published, retain_handling)| SubscriptionOptions {
                    qos,
                    no_local,
                    retain_as_published,
                    retain_handling,
                },
            )
            .boxed(),
    }
}

/// SUBACK codes: MQTT 3.1.1's four, or any of MQTT 5's.
fn suback_codes(version: ProtocolVersion) -> BoxedStrategy<Vec<u8>> {
    match version {
        ProtocolVersion::V311 => vec(
            prop_oneof![Just(0u8), Just(1), Just(2), Just(SUBACK_FAILURE)],
            1..6,
        )
        .boxed(),
        ProtocolVersion::V5 => vec(any::<u8>(), 1..6).boxed(),
    }
}

fn unsuback(version: ProtocolVersion) -> impl Strategy<Value = UnsubAck> {
    let codes = match version {
        ProtocolVersion::V311 => Just(Vec::new()).boxed(),
        ProtocolVersion::V5 => vec(any::<u8>(), 1..4).boxed(),
    };
    (
        packet_id(),
        codes,
        props(version, PropertyContext::UnsubAck),
    )
        .prop_map(|(packet_id, reason_codes, properties)| UnsubAck {
            packet_id,
            reason_codes,
            properties,
        })
}

/// Any packet MQTT `version` has, with every field it can carry there.
fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    use PropertyContext as At;
    let tail = |context| (reason(version), props(version, context));
    let packets = prop_oneof![
        connect(version).prop_map(Packet::Connect),
        (any::<bool>(), any::<u8>(), props(version, At::ConnAck)).prop_map(
            |(session_present, return_code, properties)| {
                Packet::ConnAck(ConnAck {
                    session_present,
                    return_code,
                    properties,
                })
            }
        ),
        publish(version).prop_map(Packet::Publish),
        ack(version, At::PubAck).prop_map(Packet::PubAck),
        ack(version, At::PubRec).prop_map(Packet::PubRec),
        ack(version, At::PubRel).prop_map(Packet::PubRel),
        ack(version, At::PubComp).prop_map(Packet::PubComp),
        (
            packet_id(),
            vec((topic_filter(), subscription_options(version)), 1..4),
            props(version, At::Subscribe)
        )
            .prop_map(|(packet_id, filters, properties)| {
                Packet::Subscribe(Subscribe {
                    packet_id,
                    filters,
                    properties,
                })
            }),
        (
            packet_id(),
            suback_codes(version),
            props(version, At::SubAck)
        )
            .prop_map(
                |(packet_id, return_codes, properties)| Packet::SubAck(SubAck {
                    packet_id,
                    return_codes,
                    properties,
                })
            ),
        (
            packet_id(),
            vec(topic_filter(), 1..4),
            props(version, At::Unsubscribe)
        )
            .prop_map(|(packet_id, filters, properties)| {
                Packet::Unsubscribe(Unsubscribe {
                    packet_id,
                    filters,
                    properties,
                })
            }),
        unsuback(version).prop_map(Packet::UnsubAck),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        tail(At::Disconnect).prop_map(|(reason_code, properties)| {
            Packet::Disconnect(Disconnect {
                reason_code,
                properties,
            })
        }),
    ];
    match version {
        ProtocolVersion::V311 => packets.boxed(),
        ProtocolVersion::V5 => prop_oneof![
            14 => packets,
            1 => tail(At::Auth).prop_map(|(reason_code, properties)| {
                Packet::Auth(Auth { reason_code, properties })
            }),
        ]
        .boxed(),
    }
}

fn encode_vec_as(packet: &Packet, version: ProtocolVersion) -> Result<Vec<u8>, ProtocolError> {
    let mut out = BytesMut::new();
    let result = encode_as(packet, &mut out, version);
    if result.is_err() {
        assert!(out.is_empty(), "a failed encode must write nothing");
    }
    result.map(|()| out.to_vec())
}

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V311, ProtocolVersion::V5];

/// A version, and a packet of it.
fn versioned_packet() -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    proptest::sample::select(VERSIONS.to_vec())
        .prop_flat_map(|version| (Just(version), packet(version)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn round_trip(packet in packet(ProtocolVersion::V311)) {
        let bytes = encode_vec(&packet).unwrap();
        let mut buf = BytesMut::from(&bytes[..]);
        prop_assert_eq!(decode(&mut buf, bytes.len()), Ok(Some(packet)));
        prop_assert!(buf.is_empty());
    }

    #[test]
    fn back_to_back(packets in vec(packet(ProtocolVersion::V311), 1..6)) {
        let mut buf = BytesMut::new();
        for packet in &packets {
            encode(packet, &mut buf).unwrap();
        }
        for packet in packets {
            prop_assert_eq!(decode(&mut buf, usize::MAX), Ok(Some(packet)));
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(decode(&mut buf, usize::MAX), Ok(None));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        let mut buf = BytesMut::from(&bytes[..]);
        while let Ok(Some(packet)) = decode(&mut buf, 1024) {
            let again = encode_vec(&packet);
            prop_assert!(again.is_ok(), "{:?} failed to re-encode: {:?}", packet, again);
            prop_assert_eq!(decode_bytes(&again.unwrap()), Ok(Some(packet)));
        }
    }

    #[test]
    fn corrupted_packets_never_panic(
        packet in packet(ProtocolVersion::V311),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = encode_vec(&packet).unwrap();
        let at = at.index(bytes.len());
        bytes[at] = byte;
        let mut buf = BytesMut::from(&bytes[..]);
        if let Ok(Some(packet)) = decode(&mut buf, usize::MAX) {
            let again = encode_vec(&packet);
            prop_assert!(again.is_ok(), "{:?} failed to re-encode: {:?}", packet, again);
        }
    }

    #[test]
    fn truncated_is_incomplete(packet in packet(ProtocolVersion::V311), cut in any::<prop::sample::Index>()) {
        let bytes = encode_vec(&packet).unwrap();
        let cut = cut.index(bytes.len());
        let mut buf = BytesMut::from(&bytes[..cut]);
        prop_assert_eq!(decode(&mut buf, usize::MAX), Ok(None));
        prop_assert_eq!(buf.len(), cut);
    }

    /// How a stream is cut into reads never changes the packets in it.
    #[test]
    fn split_anywhere_same_packets(
        packets in vec(packet(ProtocolVersion::V311), 1..4),
        cuts in vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let mut stream = BytesMut::new();
        for packet in &packets {
            encode(packet, &mut stream).unwrap();
        }
        let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(stream.len())).collect();
        cuts.push(stream.len());
        cuts.sort_unstable();
        let mut buf = BytesMut::new();
        let mut decoded = Vec::new();
        let mut fed = 0;
        for cut in cuts {
            buf.extend_from_slice(&stream[fed..cut]);
            fed = cut;
            while let Some(packet) = decode(&mut buf, usize::MAX).unwrap() {
                decoded.push(packet);
            }
        }
        prop_assert_eq!(decoded, packets);
        prop_assert!(buf.is_empty());
    }

    /// Every packet of either version comes back as it was, at that version.
    #[test]
    fn round_trip_at_each_version((version, packet) in versioned_packet()) {
        let bytes = encode_vec_as(&packet, version).unwrap();
        let mut buf = BytesMut::from(&bytes[..]);
        prop_assert_eq!(decode_as(&mut buf, bytes.len(), version), Ok(Some(packet)));
        prop_assert!(buf.is_empty());
    }

    #[test]
    fn truncated_is_incomplete_at_each_version(
        (version, packet) in versioned_packet(),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = encode_vec_as(&packet, version).unwrap();
        let cut = cut.index(bytes.len());
        let mut buf = BytesMut::from(&bytes[..cut]);
        prop_assert_eq!(decode_as(&mut buf, usize::MAX, version), Ok(None));
    }

    /// A corrupted MQTT 5 packet never panics the decoder; whatever it
    /// accepts encodes again.
    #[test]
    fn corrupted_v5_packets_never_panic(
        packet in packet(ProtocolVersion::V5),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = encode_vec_as(&packet, ProtocolVersion::V5).unwrap();
        let at = at.index(bytes.len());
        bytes[at] = byte;
        let mut buf = BytesMut::from(&bytes[..]);
        if let Ok(Some(packet)) = decode_as(&mut buf, usize::MAX, ProtocolVersion::V5) {
            let again = encode_vec_as(&packet, ProtocolVersion::V5);
            prop_assert!(again.is_ok(), "{:?} failed to re-encode: {:?}", packet, again);
        }
    }

    /// MQTT 5's fields never reach the wire in MQTT 3.1.1: a packet that has
    /// any is refused (nothing is written), never sent without them.
    #[test]
    fn v5_fields_are_refused_at_3_1_1(packet in packet(ProtocolVersion::V5)) {
        let plain = encode_vec_as(&packet, ProtocolVersion::V311);
        if let Ok(bytes) = plain {
            prop_assert_eq!(decode_bytes(&bytes), Ok(Some(packet)));
        }
    }
}
