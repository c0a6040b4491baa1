//! Seed inputs for both targets, written under `corpus/<target>/` by
//! `cargo run --example write_seeds`. Packets are made with the crate's own
//! encoder, so every seed is valid by construction and stays so as the
//! encoder changes.

use bytes::{Bytes, BytesMut};

use crate::protocol::*;
use crate::session_driver::{reply, OptionBits, Script, Step};

/// A seed's file name and contents.
pub type Seed = (&'static str, Vec<u8>);

fn wire(packet: &Packet) -> Vec<u8> {
    wire_as(packet, ProtocolVersion::V311)
}

fn wire_as(packet: &Packet, version: ProtocolVersion) -> Vec<u8> {
    let mut out = BytesMut::new();
    encode_as(packet, &mut out, version).unwrap_or_else(|error| panic!("seed {packet:?}: {error}"));
    out.to_vec()
}

/// MQTT 5 packets with reason codes and properties of every wire form.
fn v5_decode_seeds() -> Vec<Seed> {
    let v5 = |packet: Packet| wire_as(&packet, ProtocolVersion::V5);
    vec![
        (
            "v5-connack-limits",
            v5(Packet::ConnAck(ConnAck {
                session_present: true,
                return_code: 0,
                properties: vec![
                    Property::ReceiveMaximum(20),
                    Property::TopicAliasMaximum(10),
                    Property::MaximumPacketSize(1 << 20),
                    Property::AssignedClientIdentifier("auto-1".into()),
                    Property::ServerKeepAlive(30),
                    Property::MaximumQoS(1),
                ],
            })),
        ),
        (
            "v5-publish-properties",
            v5(Packet::Publish(Publish {
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: "a/b".into(),
                packet_id: 5,
                payload: Bytes::from_static(b"hi"),
                properties: vec![
                    Property::PayloadFormatIndicator(1),
                    Property::MessageExpiryInterval(60),
                    Property::TopicAlias(1),
                    Property::ResponseTopic("re/ply".into()),
                    Property::CorrelationData(Bytes::from_static(b"\x01\x02")),
                    Property::SubscriptionIdentifier(VarInt(300)),
                    Property::UserProperty(("k".into(), "v".into())),
                    Property::ContentType("text/plain".into()),
                ],
            })),
        ),
        (
            "v5-publish-alias-only",
            v5(Packet::Publish(Publish {
                dup: false,
                qos: QoS::AtMostOnce,
                retain: false,
                topic: String::new(),
                packet_id: 0,
                payload: Bytes::from_static(b"x"),
                properties: vec![Property::TopicAlias(1)],
            })),
        ),
        (
            "v5-puback-refused",
            v5(Packet::PubAck(Ack {
                packet_id: 1,
                reason_code: ReasonCode::NOT_AUTHORIZED,
                properties: vec![Property::ReasonString("denied".into())],
            })),
        ),
        (
            "v5-suback-codes",
            v5(Packet::SubAck(SubAck {
                packet_id: 2,
                return_codes: vec![0, 1, 2, 0x87, 0xA2],
                properties: Vec::new(),
            })),
        ),
        (
            "v5-unsuback",
            v5(Packet::UnsubAck(UnsubAck {
                packet_id: 3,
                reason_codes: vec![0, 0x11],
                properties: Vec::new(),
            })),
        ),
        (
            "v5-disconnect-server-moved",
            v5(Packet::Disconnect(Disconnect {
                reason_code: ReasonCode::SERVER_MOVED,
                properties: vec![Property::ServerReference("other:1883".into())],
            })),
        ),
        (
            "v5-auth-continue",
            v5(Packet::Auth(Auth {
                reason_code: ReasonCode::CONTINUE_AUTHENTICATION,
                properties: vec![
                    Property::AuthenticationMethod("SCRAM-SHA-1".into()),
                    Property::AuthenticationData(Bytes::from_static(b"challenge")),
                ],
            })),
        ),
        (
            "v5-subscribe-options",
            v5(Packet::Subscribe(Subscribe {
                packet_id: 4,
                filters: vec![(
                    "$share/g/a/#".into(),
                    SubscriptionOptions {
                        qos: QoS::AtLeastOnce,
                        no_local: true,
                        retain_as_published: true,
                        retain_handling: 2,
                    },
                )],
                properties: vec![Property::SubscriptionIdentifier(VarInt(7))],
            })),
        ),
        // A property length of five varint bytes: a body error, not a header one.
        (
            "v5-property-length-five-bytes",
            b"\x90\x07\x00\x01\x80\x80\x80\x80\x01".to_vec(),
        ),
        // Defaults written out where they could be left out.
        (
            "v5-puback-explicit-defaults",
            b"\x40\x04\x00\x01\x00\x00".to_vec(),
        ),
    ]
}

fn publish(qos: QoS, packet_id: u16, topic: &str, payload: Vec<u8>) -> Packet {
    Packet::Publish(Publish {
        dup: false,
        qos,
        retain: false,
        topic: topic.into(),
        packet_id,
        payload: Bytes::from(payload),
        properties: Vec::new(),
    })
}

fn connect(client_id: &str) -> Connect {
    Connect {
        protocol: ProtocolVersion::V311,
        client_id: client_id.into(),
        clean_session: true,
        keep_alive: 60,
        will: None,
        username: None,
        password: None,
        properties: Vec::new(),
    }
}

/// One seed per packet type and per interesting field or length, plus a few
/// streams of several packets.
pub fn decode_seeds() -> Vec<Seed> {
    let full_connect = Connect {
        clean_session: false,
        keep_alive: u16::MAX,
        will: Some(LastWill {
            topic: "will/topic".into(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::ExactlyOnce,
            retain: true,
            properties: Vec::new(),
        }),
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"\x00\xffpw")),
        ..connect("client-1")
    };
    let will_qos1 = Connect {
        will: Some(LastWill {
            topic: "w".into(),
            payload: Bytes::new(),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Vec::new(),
        }),
        ..connect("")
    };
    let username_only = Connect {
        username: Some("only-user".into()),
        password: Some(Bytes::new()),
        ..connect("c")
    };
    let dup_retain = Packet::Publish(Publish {
        dup: true,
        retain: true,
        ..match publish(QoS::AtLeastOnce, 10, "a/b", b"hi".to_vec()) {
            Packet::Publish(p) => p,
            _ => unreachable!(),
        }
    });
    // Remaining lengths 127 and 128: the last 1-byte and first 2-byte varint
    // ("t" takes 3 bytes of the body).
    let publish_127 = publish(QoS::AtMostOnce, 0, "t", vec![b'x'; 124]);
    let publish_128 = publish(QoS::AtMostOnce, 0, "t", vec![b'x'; 125]);
    let subscribe = |filters: &[(&str, QoS)]| {
        Packet::Subscribe(Subscribe {
            packet_id: 1,
            filters: filters.iter().map(|&(f, q)| (f.into(), q.into())).collect(),
            properties: Vec::new(),
        })
    };
    let mut stream = wire(&Packet::ConnAck(ConnAck {
        session_present: false,
        return_code: 0,
        properties: Vec::new(),
    }));
    stream.extend(wire(&publish(QoS::AtLeastOnce, 1, "s/1", b"one".to_vec())));
    stream.extend(wire(&Packet::PubRel(Ack::new(2))));
    stream.extend(wire(&Packet::PingResp));
    let mut cut_stream = wire(&Packet::SubAck(SubAck {
        packet_id: 5,
        return_codes: vec![1],
        properties: Vec::new(),
    }));
    cut_stream.extend(&wire(&publish(QoS::ExactlyOnce, 3, "cut", b"payload".to_vec()))[..6]);

    vec![
        ("connect-minimal", wire(&Packet::Connect(connect("")))),
        ("connect-full", wire(&Packet::Connect(full_connect))),
        ("connect-will-qos1", wire(&Packet::Connect(will_qos1))),
        (
            "connect-username-empty-password",
            wire(&Packet::Connect(username_only)),
        ),
        (
            "connack-accepted",
            wire(&Packet::ConnAck(ConnAck {
                session_present: false,
                return_code: 0,
                properties: Vec::new(),
            })),
        ),
        (
            "connack-session-present",
            wire(&Packet::ConnAck(ConnAck {
                session_present: true,
                return_code: 0,
                properties: Vec::new(),
            })),
        ),
        (
            "connack-refused",
            wire(&Packet::ConnAck(ConnAck {
                session_present: false,
                return_code: 5,
                properties: Vec::new(),
            })),
        ),
        (
            "publish-qos0",
            wire(&publish(QoS::AtMostOnce, 0, "a/b", b"hello".to_vec())),
        ),
        (
            "publish-qos0-empty-payload",
            wire(&publish(QoS::AtMostOnce, 0, "t", Vec::new())),
        ),
        ("publish-qos1-dup-retain", wire(&dup_retain)),
        (
            "publish-qos2-max-id",
            wire(&publish(
                QoS::ExactlyOnce,
                u16::MAX,
                "$SYS/x",
                b"\x00".to_vec(),
            )),
        ),
        (
            "publish-utf8-topic",
            wire(&publish(
                QoS::AtLeastOnce,
                1,
                "한글/é/\u{FEFF}",
                b"u".to_vec(),
            )),
        ),
        ("publish-remaining-length-127", wire(&publish_127)),
        ("publish-remaining-length-128", wire(&publish_128)),
        ("puback", wire(&Packet::PubAck(Ack::new(1)))),
        ("pubrec", wire(&Packet::PubRec(Ack::new(0x1234)))),
        ("pubrel", wire(&Packet::PubRel(Ack::new(2)))),
        ("pubcomp", wire(&Packet::PubComp(Ack::new(u16::MAX)))),
        (
            "subscribe-one",
            wire(&subscribe(&[("a/b", QoS::AtMostOnce)])),
        ),
        (
            "subscribe-wildcards",
            wire(&subscribe(&[
                ("#", QoS::AtLeastOnce),
                ("+/x/+", QoS::ExactlyOnce),
                ("a//#", QoS::AtMostOnce),
            ])),
        ),
        (
            "suback-every-code",
            wire(&Packet::SubAck(SubAck {
                packet_id: 7,
                return_codes: vec![0, 1, 2, SUBACK_FAILURE],
                properties: Vec::new(),
            })),
        ),
        (
            "unsubscribe",
            wire(&Packet::Unsubscribe(Unsubscribe {
                packet_id: 3,
                filters: vec!["a".into(), "b/+".into(), "#".into()],
                properties: Vec::new(),
            })),
        ),
        ("unsuback", wire(&Packet::UnsubAck(UnsubAck::new(9)))),
        ("pingreq", wire(&Packet::PingReq)),
        ("pingresp", wire(&Packet::PingResp)),
        (
            "disconnect",
            wire(&Packet::Disconnect(Disconnect::default())),
        ),
        // MQTT 3.1.1 does not forbid a remaining length with a needless
        // continuation byte: 0x80 0x00 is 0.
        ("pingresp-long-varint", b"\xD0\x80\x00".to_vec()),
        ("stream-of-four", stream),
        ("stream-cut-mid-packet", cut_stream),
    ]
    .into_iter()
    .chain(v5_decode_seeds())
    .collect()
}

fn receive(packet: &Packet) -> Step {
    Step::Receive { wire: wire(packet) }
}

/// A reply to the packet id the session sent last (`id_pick` 0).
fn reply_to_last(kind: u8) -> Step {
    Step::Reply {
        kind,
        id_pick: 0,
        extra: 0,
    }
}

const TRANSMIT_ALL: Step = Step::Transmit { count: 0 };

/// Scripts that walk the session through each of its flows once.
pub fn session_seeds() -> Vec<Seed> {
    use OptionBits as O;
    let accepted = |session_present| {
        receive(&Packet::ConnAck(ConnAck {
            session_present,
            return_code: 0,
            properties: Vec::new(),
        }))
    };
    let connected = |session_present| vec![Step::Open, TRANSMIT_ALL, accepted(session_present)];
    let script = |options: u8, steps: Vec<Vec<Step>>| {
        Script {
            options: OptionBits(options),
            steps: steps.concat(),
        }
        .to_bytes()
    };
    let publish = |qos| Step::Publish {
        qos,
        retain: false,
        payload_len: 3,
    };
    vec![
        (
            "connect",
            script(O::CLEAN_SESSION, vec![connected(false), vec![TRANSMIT_ALL]]),
        ),
        // MQTT 5: a CONNACK with Receive Maximum 2, then three QoS 1
        // publishes: the third waits for an acknowledgement.
        (
            "v5-receive-maximum",
            script(
                O::CLEAN_SESSION | O::MQTT5,
                vec![vec![
                    Step::Open,
                    TRANSMIT_ALL,
                    Step::Reply {
                        kind: reply::CONNACK,
                        id_pick: 0,
                        extra: 0b0100_0000,
                    },
                    publish(1),
                    publish(1),
                    publish(1),
                    TRANSMIT_ALL,
                    reply_to_last(reply::PUBACK),
                    TRANSMIT_ALL,
                    reply_to_last(reply::PUBACK),
                    TRANSMIT_ALL,
                ]],
            ),
        ),
        (
            "connack-refused",
            script(
                O::CLEAN_SESSION,
                vec![vec![
                    Step::Open,
                    receive(&Packet::ConnAck(ConnAck {
                        session_present: false,
                        return_code: 4,
                        properties: Vec::new(),
                    })),
                ]],
            ),
        ),
        (
            "connack-timeout",
            script(0, vec![vec![Step::Open, TRANSMIT_ALL, Step::FireDeadline]]),
        ),
        (
            "publish-qos0-and-flush",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![publish(0), TRANSMIT_ALL, Step::Flushed],
                ],
            ),
        ),
        (
            "publish-qos1",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![publish(1), TRANSMIT_ALL, reply_to_last(reply::PUBACK)],
                ],
            ),
        ),
        (
            "publish-qos2",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![
                        publish(2),
                        TRANSMIT_ALL,
                        reply_to_last(reply::PUBREC),
                        TRANSMIT_ALL,
                        reply_to_last(reply::PUBCOMP),
                    ],
                ],
            ),
        ),
        (
            "subscribe-lose-resubscribe",
            script(
                O::CLEAN_SESSION | O::RESUBSCRIBE,
                vec![
                    connected(false),
                    vec![
                        Step::Subscribe {
                            filters: 3,
                            qos_bits: 0b100100,
                        },
                        TRANSMIT_ALL,
                        reply_to_last(reply::SUBACK),
                    ],
                    vec![
                        Step::Unsubscribe { filters: 1 },
                        TRANSMIT_ALL,
                        reply_to_last(reply::UNSUBACK),
                        Step::Lose,
                    ],
                    connected(false),
                    vec![TRANSMIT_ALL, reply_to_last(reply::SUBACK)],
                ],
            ),
        ),
        (
            "persistent-resend",
            script(
                0,
                vec![
                    connected(false),
                    vec![
                        publish(1),
                        publish(2),
                        TRANSMIT_ALL,
                        reply_to_last(reply::PUBREC),
                        Step::Lose,
                    ],
                    connected(true),
                    vec![
                        TRANSMIT_ALL,
                        Step::Reply {
                            kind: reply::PUBACK,
                            id_pick: 1,
                            extra: 0,
                        },
                    ],
                ],
            ),
        ),
        (
            "inbound-qos2-duplicate",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![
                        receive(&publish_packet(QoS::ExactlyOnce, 7, false)),
                        receive(&publish_packet(QoS::ExactlyOnce, 7, true)),
                        receive(&Packet::PubRel(Ack::new(7))),
                        receive(&publish_packet(QoS::AtLeastOnce, 8, false)),
                        TRANSMIT_ALL,
                    ],
                ],
            ),
        ),
        (
            "keepalive-ping",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![
                        TRANSMIT_ALL,
                        Step::Advance { millis: 10_000 },
                        Step::FireDeadline,
                        TRANSMIT_ALL,
                    ],
                    vec![
                        receive(&Packet::PingResp),
                        Step::FireDeadline,
                        TRANSMIT_ALL,
                        Step::FireDeadline,
                    ],
                ],
            ),
        ),
        (
            "operation-timeout-late-ack",
            script(
                O::CLEAN_SESSION | O::OPERATION_TIMEOUT | O::NO_KEEPALIVE,
                vec![
                    connected(false),
                    vec![
                        publish(1),
                        TRANSMIT_ALL,
                        Step::Postpone { millis: 1_000 },
                        Step::FireDeadline,
                    ],
                    vec![reply_to_last(reply::PUBACK), publish(1), TRANSMIT_ALL],
                ],
            ),
        ),
        (
            "offline-queue-full",
            script(
                O::CLEAN_SESSION | O::QUEUE_QOS0_OFFLINE | O::SMALL_QUEUE,
                vec![
                    vec![publish(0), publish(1), publish(2)],
                    connected(false),
                    vec![TRANSMIT_ALL, Step::Flushed],
                ],
            ),
        ),
        (
            "violations",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![publish(1), TRANSMIT_ALL, reply_to_last(reply::PUBCOMP)],
                    connected(false),
                    vec![Step::Reply {
                        kind: reply::CLIENT_ONLY,
                        id_pick: 0,
                        extra: 0,
                    }],
                ],
            ),
        ),
        (
            "disconnect",
            script(
                O::CLEAN_SESSION,
                vec![
                    connected(false),
                    vec![publish(1), Step::Disconnect, TRANSMIT_ALL, Step::Lose],
                ],
            ),
        ),
        (
            "deferred-acknowledgements",
            script(
                0,
                vec![
                    connected(false),
                    vec![
                        Step::DeferAcknowledgements { on: true },
                        receive(&publish_packet(QoS::AtLeastOnce, 1, false)),
                        receive(&publish_packet(QoS::ExactlyOnce, 2, false)),
                        receive(&publish_packet(QoS::AtLeastOnce, 3, false)),
                        receive(&Packet::PubRel(Ack::new(2))),
                        Step::Acknowledge {
                            pick: 0,
                            send: true,
                        },
                        Step::Acknowledge {
                            pick: 2,
                            send: false,
                        },
                        Step::Acknowledge {
                            pick: 1,
                            send: true,
                        },
                        TRANSMIT_ALL,
                    ],
                ],
            ),
        ),
        (
            "fail-unfinished",
            script(
                0,
                vec![
                    connected(false),
                    vec![publish(1), publish(2), TRANSMIT_ALL, Step::FailUnfinished],
                ],
            ),
        ),
    ]
}

fn publish_packet(qos: QoS, packet_id: u16, dup: bool) -> Packet {
    Packet::Publish(Publish {
        dup,
        qos,
        retain: false,
        topic: "in".into(),
        packet_id,
        payload: Bytes::from_static(b"m"),
        properties: Vec::new(),
    })
}
