//! The session's MQTT 5 rules driven by hand: what the broker's CONNACK
//! allows, reason codes, topic aliases, our own limits, the broker's
//! DISCONNECT.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::tests::*;
use super::*;
use crate::protocol::{Ack, ConnAck, Packet, Property, ProtocolVersion, Publish, QoS};

/// An MQTT 5 session whose link is up, with what the broker's CONNACK said.
fn connected_v5(connack_properties: Vec<Property>, now: Instant) -> Session {
    let options = SessionOptions {
        protocol: ProtocolVersion::V5,
        ..options()
    };
    connected_with(options, connack_properties, now)
}

#[test]
fn the_brokers_receive_maximum_bounds_publishes_in_flight_and_the_rest_wait_in_order() {
    let now = Instant::now();
    let mut session = connected_v5(vec![Property::ReceiveMaximum(2)], now);
    for id in 1..=4 {
        session.submit(id, publish_request(QoS::AtLeastOnce), now);
    }
    // QoS 0 is not bounded, and does not overtake what waits.
    session.submit(5, publish_request(QoS::AtMostOnce), now);
    let sent = drain_transmit(&mut session, now);
    let ids: Vec<u16> = sent
        .iter()
        .map(|p| match p {
            Packet::Publish(p) => p.packet_id,
            other => panic!("expected PUBLISH, got {other:?}"),
        })
        .collect();
    assert_eq!(ids.len(), 2, "only the broker's Receive Maximum goes out");
    session.handle_packet(Packet::PubAck(Ack::new(ids[0])), now);
    let third = drain_transmit(&mut session, now);
    assert_eq!(third.len(), 1, "one acknowledgement lets one more go");
    session.handle_packet(Packet::PubAck(Ack::new(ids[1])), now);
    session.handle_packet(Packet::PubAck(Ack::new(sent_publish_id(&third))), now);
    let rest = drain_transmit(&mut session, now);
    assert!(
        matches!(
            rest.as_slice(),
            [Packet::Publish(a), Packet::Publish(b)]
                if a.qos == QoS::AtLeastOnce && b.qos == QoS::AtMostOnce
        ),
        "the last QoS 1 publish, then the QoS 0 one: {rest:?}"
    );
}

#[test]
fn a_qos2_publish_counts_against_receive_maximum_until_pubcomp() {
    let now = Instant::now();
    let mut session = connected_v5(vec![Property::ReceiveMaximum(1)], now);
    session.submit(1, publish_request(QoS::ExactlyOnce), now);
    session.submit(2, publish_request(QoS::AtLeastOnce), now);
    let first = sent_publish_id(&drain_transmit(&mut session, now));
    session.handle_packet(Packet::PubRec(Ack::new(first)), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubRel(Ack::new(first))],
        "still in flight after PUBREC"
    );
    session.handle_packet(Packet::PubComp(Ack::new(first)), now);
    assert_eq!(drain_transmit(&mut session, now).len(), 1);
}

#[test]
fn mqtt_3_1_1_has_no_receive_maximum_but_its_packet_ids() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    for id in 1..=100 {
        session.submit(id, publish_request(QoS::AtLeastOnce), now);
    }
    assert_eq!(drain_transmit(&mut session, now).len(), 100);
}

#[test]
fn the_brokers_server_keep_alive_replaces_ours_for_the_link() {
    let now = Instant::now();
    let mut session = connected_v5(vec![Property::ServerKeepAlive(4)], now);
    assert_eq!(session.next_deadline(), Some(now + Duration::from_secs(4)));
    // The next link starts from ours again until its CONNACK says otherwise.
    session.connection_lost();
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(false, 0), now);
    assert_eq!(session.next_deadline(), Some(now + Duration::from_secs(10)));
}

/// `options()` at MQTT 5, with these CONNECT properties and aliasing.
fn v5_options(connect_properties: Vec<Property>, topic_aliasing: TopicAliasing) -> SessionOptions {
    SessionOptions {
        protocol: ProtocolVersion::V5,
        connect_properties,
        topic_aliasing,
        ..options()
    }
}

/// A session of `options` connected with these CONNACK properties.
pub(super) fn connected_with(
    options: SessionOptions,
    connack_properties: Vec<Property>,
    now: Instant,
) -> Session {
    let mut session = Session::new(options);
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(
        Packet::ConnAck(ConnAck {
            session_present: false,
            return_code: 0,
            properties: connack_properties,
        }),
        now,
    );
    drain_events(&mut session);
    session
}

fn publish_on(topic: &str, qos: QoS, properties: Vec<Property>) -> Request {
    Request::Publish {
        topic: topic.into(),
        payload: Bytes::from_static(b"hello"),
        qos,
        retain: false,
        properties,
    }
}

fn subscribe_to(filter: &str, properties: Vec<Property>) -> Request {
    Request::Subscribe {
        filters: vec![(filter.into(), QoS::AtLeastOnce.into())],
        properties,
    }
}

/// The operation's failure, the only event there is.
fn failure_of(session: &mut Session) -> Failure {
    match drain_events(session).as_slice() {
        [Event::Completed {
            outcome: Outcome::Failed(failure),
            ..
        }] => failure.clone(),
        other => panic!("expected one failed operation, got {other:?}"),
    }
}

/// The link ended on a violation, said in a DISCONNECT with `code`.
fn assert_ended_with(session: &mut Session, code: u8, now: Instant) {
    assert_eq!(
        drain_transmit(session, now),
        vec![Packet::Disconnect(Disconnect {
            reason_code: ReasonCode(code),
            properties: Vec::new(),
        })]
    );
    assert!(matches!(
        drain_events(session).last(),
        Some(Event::Fatal(Failure::ProtocolViolation { reason_code, .. })) if reason_code.0 == code
    ));
}

/// The acknowledgement tickets of the messages among `events`, in order.
fn tickets_of(events: Vec<Event>) -> Vec<AckTicket> {
    events
        .into_iter()
        .filter_map(|event| match event {
            Event::Message(_, ticket) => ticket,
            _ => None,
        })
        .collect()
}

fn inbound_with(topic: &str, qos: QoS, packet_id: u16, properties: Vec<Property>) -> Packet {
    Packet::Publish(Publish {
        topic: topic.into(),
        properties,
        ..inbound(qos, packet_id)
    })
}

#[test]
fn connect_carries_our_properties_and_connected_reports_the_connacks() {
    let now = Instant::now();
    let ours = vec![
        Property::SessionExpiryInterval(60),
        Property::ReceiveMaximum(5),
    ];
    let mut session = Session::new(v5_options(ours.clone(), TopicAliasing::Manual));
    session.connection_opened(now);
    match drain_transmit(&mut session, now).as_slice() {
        [Packet::Connect(connect)] => assert_eq!(connect.properties, ours),
        other => panic!("expected CONNECT, got {other:?}"),
    }
    let theirs = vec![
        Property::TopicAliasMaximum(10),
        Property::AssignedClientIdentifier("given".into()),
    ];
    session.handle_packet(
        Packet::ConnAck(ConnAck {
            session_present: false,
            return_code: 0,
            properties: theirs.clone(),
        }),
        now,
    );
    match drain_events(&mut session).as_slice() {
        [Event::Connected {
            properties,
            negotiated,
            ..
        }] => {
            assert_eq!(properties, &theirs);
            assert_eq!(negotiated.topic_alias_maximum, 10);
        }
        other => panic!("expected Connected, got {other:?}"),
    }
    // The next CONNECT resumes under the identifier the broker gave.
    session.connection_lost();
    session.connection_opened(now);
    match drain_transmit(&mut session, now).as_slice() {
        [Packet::Connect(connect)] => assert_eq!(connect.client_id, "given"),
        other => panic!("expected CONNECT, got {other:?}"),
    }
}

#[test]
fn a_refusal_keeps_the_connacks_reason_code_and_properties() {
    let now = Instant::now();
    let mut session = Session::new(v5_options(Vec::new(), TopicAliasing::Manual));
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    let properties = vec![Property::ServerReference("other:1883".into())];
    session.handle_packet(
        Packet::ConnAck(ConnAck {
            session_present: false,
            return_code: 0x9C,
            properties: properties.clone(),
        }),
        now,
    );
    assert!(
        drain_transmit(&mut session, now).is_empty(),
        "nothing answers a refusal"
    );
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Fatal(Failure::ConnectionRefused {
            code: 0x9C,
            properties
        })]
    );
}

#[test]
fn a_packet_over_the_brokers_maximum_packet_size_fails_at_once_and_is_not_sent() {
    let now = Instant::now();
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, vec![Property::MaximumPacketSize(64)], now);
    session.submit(
        1,
        Request::Publish {
            topic: "t".into(),
            payload: Bytes::from(vec![0; 100]),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Vec::new(),
        },
        now,
    );
    assert!(drain_transmit(&mut session, now).is_empty());
    assert!(matches!(
        failure_of(&mut session),
        Failure::PacketTooLarge { maximum: 64, size } if size > 100
    ));
    // Nothing is held for it: a small publish still goes out.
    session.submit(2, publish_on("t", QoS::AtLeastOnce, Vec::new()), now);
    assert_eq!(drain_transmit(&mut session, now).len(), 1);
    assert_eq!(
        session.statistics(),
        Statistics {
            unacked_count: 1,
            incomplete_count: 1,
            ..session.statistics()
        }
    );
}

#[test]
fn what_the_connack_says_is_unavailable_fails_locally() {
    let now = Instant::now();
    let connack = vec![
        Property::MaximumQoS(0),
        Property::RetainAvailable(0),
        Property::WildcardSubscriptionAvailable(0),
        Property::SharedSubscriptionAvailable(0),
        Property::SubscriptionIdentifiersAvailable(0),
    ];
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, connack, now);
    let retained = Request::Publish {
        topic: "t".into(),
        payload: Bytes::new(),
        qos: QoS::AtMostOnce,
        retain: true,
        properties: Vec::new(),
    };
    let identified = vec![Property::SubscriptionIdentifier(crate::protocol::VarInt(7))];
    let requests = [
        (publish_on("t", QoS::AtLeastOnce, Vec::new()), "Maximum QoS"),
        (retained, "Retain Available"),
        (
            subscribe_to("a/+", Vec::new()),
            "Wildcard Subscription Available",
        ),
        (
            subscribe_to("$share/g/a", Vec::new()),
            "Shared Subscription Available",
        ),
        (
            subscribe_to("a", identified),
            "Subscription Identifiers Available",
        ),
    ];
    for (id, (request, said)) in requests.into_iter().enumerate() {
        session.submit(id as u32, request, now);
        assert!(drain_transmit(&mut session, now).is_empty());
        match failure_of(&mut session) {
            Failure::NotAvailable(what) => assert!(what.contains(said), "{what}"),
            other => panic!("expected NotAvailable, got {other:?}"),
        }
    }
    session.submit(9, publish_on("t", QoS::AtMostOnce, Vec::new()), now);
    assert_eq!(
        drain_transmit(&mut session, now).len(),
        1,
        "QoS 0 still goes"
    );
}

/// The topic and alias of each PUBLISH in `packets`.
fn topics_and_aliases(packets: &[Packet]) -> Vec<(String, Option<u16>)> {
    packets
        .iter()
        .map(|packet| match packet {
            Packet::Publish(p) => (p.topic.clone(), super::aliases::alias_of(&p.properties)),
            other => panic!("expected PUBLISH, got {other:?}"),
        })
        .collect()
}

#[test]
fn assigned_topic_aliases_stay_within_the_brokers_maximum_and_start_over_on_each_link() {
    let now = Instant::now();
    let options = SessionOptions {
        clean_session: false,
        ..v5_options(Vec::new(), TopicAliasing::Assign { limit: u16::MAX })
    };
    let mut session = connected_with(options, vec![Property::TopicAliasMaximum(2)], now);
    for (id, topic) in ["a", "b", "a", "c", "a", "b"].into_iter().enumerate() {
        session.submit(
            id as u32,
            publish_on(topic, QoS::AtMostOnce, Vec::new()),
            now,
        );
    }
    let expected: Vec<(String, Option<u16>)> =
        [("a", 1), ("b", 2), ("", 1), ("c", 2), ("", 1), ("b", 2)]
            .iter()
            .map(|(topic, alias)| (topic.to_string(), Some(*alias)))
            .collect();
    assert_eq!(
        topics_and_aliases(&drain_transmit(&mut session, now)),
        expected
    );
    // A QoS 1 publish in flight goes again on the next link with its topic.
    session.submit(7, publish_on("a", QoS::AtLeastOnce, Vec::new()), now);
    drain_transmit(&mut session, now);
    session.connection_lost();
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(true, 0), now);
    assert_eq!(
        topics_and_aliases(&drain_transmit(&mut session, now)),
        [("a".to_string(), None)],
        "the new link's CONNACK allows no aliases"
    );
}

#[test]
fn a_named_alias_must_be_in_range_and_an_empty_topic_must_name_a_bound_alias() {
    let now = Instant::now();
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, vec![Property::TopicAliasMaximum(2)], now);
    session.submit(
        1,
        publish_on("t", QoS::AtLeastOnce, vec![Property::TopicAlias(3)]),
        now,
    );
    assert!(drain_transmit(&mut session, now).is_empty());
    assert!(matches!(
        failure_of(&mut session),
        Failure::TopicAliasInvalid(_)
    ));
    session.submit(
        2,
        publish_on("", QoS::AtMostOnce, vec![Property::TopicAlias(1)]),
        now,
    );
    assert!(matches!(
        failure_of(&mut session),
        Failure::TopicAliasInvalid(_)
    ));
    // Bound by a first publish, the alias then stands for the topic.
    session.submit(
        3,
        publish_on("t", QoS::AtMostOnce, vec![Property::TopicAlias(1)]),
        now,
    );
    session.submit(
        4,
        publish_on("", QoS::AtMostOnce, vec![Property::TopicAlias(1)]),
        now,
    );
    assert_eq!(
        topics_and_aliases(&drain_transmit(&mut session, now)),
        [("t".to_string(), Some(1)), (String::new(), Some(1))]
    );
}

#[test]
fn inbound_aliases_give_the_full_topic_and_bad_ones_end_the_link_with_their_reason() {
    let now = Instant::now();
    let ours = vec![Property::TopicAliasMaximum(2)];
    let mut session = connected_with(
        v5_options(ours.clone(), TopicAliasing::Manual),
        Vec::new(),
        now,
    );
    session.handle_packet(
        inbound_with("x/y", QoS::AtMostOnce, 0, vec![Property::TopicAlias(1)]),
        now,
    );
    session.handle_packet(
        inbound_with("", QoS::AtMostOnce, 0, vec![Property::TopicAlias(1)]),
        now,
    );
    let topics: Vec<String> = drain_events(&mut session)
        .into_iter()
        .map(|event| match event {
            Event::Message(publish, _) => publish.topic,
            other => panic!("expected a message, got {other:?}"),
        })
        .collect();
    assert_eq!(topics, ["x/y", "x/y"]);
    for (alias, code) in [(0, 0x94), (3, 0x94), (2, 0x82)] {
        let options = v5_options(ours.clone(), TopicAliasing::Manual);
        let mut session = connected_with(options, Vec::new(), now);
        session.handle_packet(
            inbound_with("", QoS::AtLeastOnce, 1, vec![Property::TopicAlias(alias)]),
            now,
        );
        assert_ended_with(&mut session, code, now);
    }
}

#[test]
fn more_unacknowledged_messages_than_our_receive_maximum_end_the_link() {
    let now = Instant::now();
    let options = v5_options(vec![Property::ReceiveMaximum(2)], TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    session.defer_acknowledgements(true);
    session.handle_packet(inbound_with("a", QoS::AtLeastOnce, 1, Vec::new()), now);
    session.handle_packet(inbound_with("a", QoS::ExactlyOnce, 2, Vec::new()), now);
    // A duplicate of a QoS 2 message held does not count again.
    session.handle_packet(inbound_with("a", QoS::ExactlyOnce, 2, Vec::new()), now);
    let tickets = tickets_of(drain_events(&mut session));
    drain_transmit(&mut session, now);
    // Acknowledged, the first one makes room for one more.
    session.acknowledge(tickets[0], Some(ReasonCode::SUCCESS));
    session.handle_packet(inbound_with("a", QoS::AtLeastOnce, 3, Vec::new()), now);
    drain_events(&mut session);
    drain_transmit(&mut session, now);
    session.handle_packet(inbound_with("a", QoS::AtLeastOnce, 4, Vec::new()), now);
    assert_ended_with(&mut session, 0x93, now);
}

#[test]
fn a_brokers_disconnect_ends_the_link_with_what_it_said_and_nothing_is_sent() {
    let now = Instant::now();
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    let disconnect = Disconnect {
        reason_code: ReasonCode::SERVER_MOVED,
        properties: vec![Property::ServerReference("elsewhere".into())],
    };
    session.handle_packet(Packet::Disconnect(disconnect.clone()), now);
    assert!(drain_transmit(&mut session, now).is_empty());
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Fatal(Failure::DisconnectedByBroker(disconnect))]
    );
}

#[test]
fn acknowledgements_report_their_reason_codes_and_a_refusing_pubrec_ends_the_flow() {
    let now = Instant::now();
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    let refusal = Ack {
        packet_id: 0,
        reason_code: ReasonCode::NOT_AUTHORIZED,
        properties: vec![Property::ReasonString("no".into())],
    };
    session.submit(1, publish_on("t", QoS::AtLeastOnce, Vec::new()), now);
    let first = sent_publish_id(&drain_transmit(&mut session, now));
    session.handle_packet(
        Packet::PubAck(Ack {
            packet_id: first,
            ..refusal.clone()
        }),
        now,
    );
    session.submit(2, publish_on("t", QoS::ExactlyOnce, Vec::new()), now);
    let second = sent_publish_id(&drain_transmit(&mut session, now));
    session.handle_packet(
        Packet::PubRec(Ack {
            packet_id: second,
            ..refusal.clone()
        }),
        now,
    );
    assert!(
        drain_transmit(&mut session, now).is_empty(),
        "no PUBREL after a refusal"
    );
    let refused = Outcome::Published {
        reason_code: ReasonCode::NOT_AUTHORIZED,
        properties: refusal.properties.clone(),
    };
    assert_eq!(
        drain_events(&mut session),
        vec![
            completed(1, first, refused.clone()),
            completed(2, second, refused)
        ]
    );
}

#[test]
fn a_qos2_publish_ends_with_the_pubrecs_reason_code_unless_pubcomp_fails() {
    let now = Instant::now();
    let mut session = connected_v5(Vec::new(), now);
    let receipt = |packet_id, code, properties| Ack {
        packet_id,
        reason_code: ReasonCode(code),
        properties,
    };
    let why = |text: &str| vec![Property::ReasonString(text.into())];
    for id in 1..=2 {
        session.submit(id, publish_on("t", QoS::ExactlyOnce, Vec::new()), now);
    }
    let sent = drain_transmit(&mut session, now);
    let ids: Vec<u16> = sent
        .iter()
        .map(|packet| sent_publish_id(std::slice::from_ref(packet)))
        .collect();
    for packet_id in &ids {
        // 0x10: No matching subscribers, which is not a failure.
        session.handle_packet(
            Packet::PubRec(receipt(*packet_id, 0x10, why("nobody"))),
            now,
        );
    }
    session.handle_packet(Packet::PubComp(receipt(ids[0], 0, why("done"))), now);
    session.handle_packet(Packet::PubComp(receipt(ids[1], 0x92, Vec::new())), now);
    let delivered = Outcome::Published {
        reason_code: ReasonCode(0x10),
        properties: [why("nobody"), why("done")].concat(),
    };
    let lost = Outcome::Published {
        reason_code: ReasonCode(0x92),
        properties: Vec::new(),
    };
    assert_eq!(
        drain_events(&mut session),
        vec![completed(1, ids[0], delivered), completed(2, ids[1], lost)]
    );
}

#[test]
fn a_refused_filter_is_not_restored_and_identifiers_are_restored_with_their_filters() {
    let now = Instant::now();
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    let identified = vec![Property::SubscriptionIdentifier(crate::protocol::VarInt(7))];
    session.submit(1, subscribe_to("kept", identified.clone()), now);
    session.submit(2, subscribe_to("refused", Vec::new()), now);
    let ids: Vec<u16> = drain_transmit(&mut session, now)
        .iter()
        .map(|packet| match packet {
            Packet::Subscribe(s) => s.packet_id,
            other => panic!("expected SUBSCRIBE, got {other:?}"),
        })
        .collect();
    for (packet_id, code) in ids.into_iter().zip([1, 0x87]) {
        session.handle_packet(
            Packet::SubAck(crate::protocol::SubAck {
                packet_id,
                return_codes: vec![code],
                properties: Vec::new(),
            }),
            now,
        );
    }
    let restored = reconnect(&mut session, false, now);
    match restored.as_slice() {
        [Packet::Subscribe(s)] => {
            assert_eq!(s.filters.len(), 1);
            assert_eq!(s.filters[0].0, "kept");
            assert_eq!(s.properties, identified);
        }
        other => panic!("expected one SUBSCRIBE, got {other:?}"),
    }
}

#[test]
fn an_undecodable_packet_ends_the_link_with_the_reason_that_fits() {
    use crate::protocol::ProtocolError;
    let now = Instant::now();
    let cases = [
        (ProtocolError::PacketTooLarge { size: 9, max: 8 }, 0x95),
        (ProtocolError::DuplicateProperty(3), 0x82),
        (ProtocolError::UnknownProperty(0x7F), 0x81),
    ];
    for (error, code) in cases {
        let options = v5_options(Vec::new(), TopicAliasing::Manual);
        let mut session = connected_with(options, Vec::new(), now);
        session.undecodable(&error);
        assert_ended_with(&mut session, code, now);
    }
    // MQTT 3.1.1 has no reason codes: the link just closes.
    let mut session = connected(options(), now);
    session.undecodable(&ProtocolError::MalformedRemainingLength);
    assert!(drain_transmit(&mut session, now).is_empty());
}

#[test]
fn our_disconnect_carries_its_reason_and_properties_only_in_mqtt_5() {
    let now = Instant::now();
    let disconnect = Disconnect {
        reason_code: ReasonCode::DISCONNECT_WITH_WILL,
        properties: vec![Property::ReasonString("bye".into())],
    };
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    session.disconnect(disconnect.clone());
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::Disconnect(disconnect.clone())]
    );
    let mut session = connected(super::tests::options(), now);
    session.disconnect(disconnect);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::Disconnect(Disconnect::default())]
    );
}

#[test]
fn a_later_link_whose_broker_takes_less_fails_what_it_would_resend() {
    let now = Instant::now();
    let options = SessionOptions {
        clean_session: false,
        ..v5_options(Vec::new(), TopicAliasing::Manual)
    };
    let mut session = connected_with(options, Vec::new(), now);
    session.submit(1, publish_on("t", QoS::ExactlyOnce, Vec::new()), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.connection_lost();
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(
        Packet::ConnAck(ConnAck {
            session_present: true,
            return_code: 0,
            properties: vec![Property::MaximumQoS(1)],
        }),
        now,
    );
    assert!(drain_transmit(&mut session, now).is_empty());
    let events = drain_events(&mut session);
    assert!(
        matches!(
            events.last(),
            Some(Event::Completed { id: 1, packet_id: p, outcome: Outcome::Failed(Failure::NotAvailable(_)) }) if *p == packet_id
        ),
        "{events:?}"
    );
}

#[test]
fn an_auth_challenge_goes_to_the_application_and_its_answer_to_the_broker() {
    use crate::protocol::Auth;
    let now = Instant::now();
    let method = Property::AuthenticationMethod("SCRAM".into());
    let first = Auth {
        reason_code: ReasonCode::SUCCESS,
        properties: vec![method.clone()],
    };
    let mut session = Session::new(SessionOptions {
        auth_after_connect: Some(first.clone()),
        ..v5_options(vec![method.clone()], TopicAliasing::Manual)
    });
    session.connection_opened(now);
    let sent = drain_transmit(&mut session, now);
    assert!(matches!(sent.as_slice(), [Packet::Connect(_), Packet::Auth(a)] if *a == first));
    let challenge = Auth {
        reason_code: ReasonCode::CONTINUE_AUTHENTICATION,
        properties: vec![
            method.clone(),
            Property::AuthenticationData(Bytes::from_static(b"c")),
        ],
    };
    session.handle_packet(Packet::Auth(challenge.clone()), now);
    assert_eq!(
        drain_events(&mut session),
        vec![Event::AuthChallenge(challenge)]
    );
    let answer = Auth {
        reason_code: ReasonCode::CONTINUE_AUTHENTICATION,
        properties: vec![method.clone()],
    };
    session.authenticate(answer.clone(), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::Auth(answer)]
    );
    // Another method, or AUTH without one asked for, breaks the protocol.
    let other = Auth {
        reason_code: ReasonCode::CONTINUE_AUTHENTICATION,
        properties: vec![Property::AuthenticationMethod("OTHER".into())],
    };
    session.handle_packet(Packet::Auth(other.clone()), now);
    assert_ended_with(&mut session, 0x82, now);
    let mut plain = connected_with(
        v5_options(Vec::new(), TopicAliasing::Manual),
        Vec::new(),
        now,
    );
    plain.handle_packet(Packet::Auth(other), now);
    assert_ended_with(&mut plain, 0x82, now);
}

#[test]
fn a_re_authentication_on_a_live_link_must_go_on_within_the_connack_timeout() {
    use crate::protocol::Auth;
    let now = Instant::now();
    let method = Property::AuthenticationMethod("SCRAM".into());
    let auth = |code: ReasonCode| Auth {
        reason_code: code,
        properties: vec![method.clone()],
    };
    let options = v5_options(vec![method.clone()], TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    session.authenticate(auth(ReasonCode::REAUTHENTICATE), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::Auth(auth(ReasonCode::REAUTHENTICATE))]
    );
    // The broker's challenge, then the application's answer, each in time.
    let later = now + Duration::from_secs(2);
    session.handle_packet(
        Packet::Auth(auth(ReasonCode::CONTINUE_AUTHENTICATION)),
        later,
    );
    assert!(matches!(
        drain_events(&mut session).as_slice(),
        [Event::AuthChallenge(_)]
    ));
    session.authenticate(auth(ReasonCode::CONTINUE_AUTHENTICATION), later);
    session.handle_packet(Packet::Auth(auth(ReasonCode::SUCCESS)), later);
    assert!(matches!(
        drain_events(&mut session).as_slice(),
        [Event::Note(_)]
    ));
    session.handle_timeout(later + Duration::from_secs(4));
    assert!(
        session.is_connected(),
        "a finished exchange has no deadline"
    );
    // A challenge nobody answers ends the link once the timeout has passed.
    session.handle_packet(
        Packet::Auth(auth(ReasonCode::CONTINUE_AUTHENTICATION)),
        later,
    );
    drain_events(&mut session);
    session.handle_timeout(later + Duration::from_secs(3));
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Fatal(Failure::Timeout)]
    );
}

#[test]
fn decided_receipts_carry_the_applications_reason_code_in_order() {
    let now = Instant::now();
    let options = v5_options(Vec::new(), TopicAliasing::Manual);
    let mut session = connected_with(options, Vec::new(), now);
    session.decide_receipts(true);
    session.handle_packet(inbound_with("a", QoS::AtLeastOnce, 1, Vec::new()), now);
    session.handle_packet(inbound_with("a", QoS::ExactlyOnce, 2, Vec::new()), now);
    session.handle_packet(inbound_with("a", QoS::ExactlyOnce, 3, Vec::new()), now);
    assert!(
        drain_transmit(&mut session, now).is_empty(),
        "every receipt waits"
    );
    let tickets = tickets_of(drain_events(&mut session));
    // Answers out of order go out in order.
    session.acknowledge(tickets[2], Some(ReasonCode::SUCCESS));
    session.acknowledge(tickets[1], Some(ReasonCode::NOT_AUTHORIZED));
    assert!(drain_transmit(&mut session, now).is_empty());
    session.acknowledge(tickets[0], Some(ReasonCode::NO_MATCHING_SUBSCRIBERS));
    let ack = |packet_id, code| Ack {
        reason_code: ReasonCode(code),
        ..Ack::new(packet_id)
    };
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![
            Packet::PubAck(ack(1, 0x10)),
            Packet::PubRec(ack(2, 0x87)),
            Packet::PubRec(ack(3, 0x00)),
        ]
    );
    // The accepted one completes on PUBREL; the refused one's id is free:
    // a new message with it is delivered.
    session.handle_packet(Packet::PubRel(Ack::new(3)), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubComp(Ack::new(3))]
    );
    session.handle_packet(inbound_with("b", QoS::ExactlyOnce, 2, Vec::new()), now);
    assert!(
        matches!(drain_events(&mut session).as_slice(), [Event::Message(p, Some(_))] if p.topic == "b")
    );
}
