//! The session driven by hand: packets and instants in, packets and events out.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::*;
use crate::protocol::{
    Ack, ConnAck, Disconnect, LastWill, Packet, ProtocolVersion, Publish, QoS, ReasonCode, SubAck,
    Subscribe, SubscriptionOptions, UnsubAck,
};

pub(super) fn options() -> SessionOptions {
    SessionOptions {
        protocol: ProtocolVersion::V311,
        client_id: "tester".into(),
        clean_session: true,
        rejoin_once_connected: false,
        keep_alive: Duration::from_secs(10),
        ping_timeout: Duration::from_secs(3),
        connack_timeout: Duration::from_secs(3),
        operation_timeout: None,
        resubscribe: true,
        resend_in_flight_when_clean: false,
        offline: OfflineRetention::default(),
        queue_limit: QueueLimit {
            operations: 100,
            bytes: 1 << 20,
        },
        will: None,
        username: None,
        password: None,
        connect_properties: Vec::new(),
        topic_aliasing: TopicAliasing::Manual,
        auth_after_connect: None,
        send_rate: None,
    }
}

/// `options()` with a persistent session (`clean_session: false`).
pub(super) fn persistent_options() -> SessionOptions {
    SessionOptions {
        clean_session: false,
        ..options()
    }
}

pub(super) fn drain_transmit(session: &mut Session, now: Instant) -> Vec<Packet> {
    std::iter::from_fn(|| session.poll_transmit(now)).collect()
}

/// The session's only event is a fatal protocol violation.
pub(super) fn assert_violation(session: &mut Session) {
    let events = drain_events(session);
    assert!(
        matches!(
            events.as_slice(),
            [Event::Fatal(Failure::ProtocolViolation { .. })]
        ),
        "expected a protocol violation, got {events:?}"
    );
}

pub(super) fn drain_events(session: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| session.poll_event()).collect()
}

/// A session whose link is up (CONNECT sent, CONNACK accepted).
pub(super) fn connected(options: SessionOptions, now: Instant) -> Session {
    let mut session = Session::new(options);
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(false, 0), now);
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Connected {
            session_present: false,
            properties: Vec::new(),
            negotiated: Box::default(),
        }]
    );
    session
}

pub(super) fn connack(session_present: bool, return_code: u8) -> Packet {
    Packet::ConnAck(ConnAck {
        session_present,
        return_code,
        properties: Vec::new(),
    })
}

pub(super) fn publish_request(qos: QoS) -> Request {
    Request::Publish {
        topic: "t".into(),
        payload: Bytes::from_static(b"hello"),
        qos,
        retain: false,
        properties: Vec::new(),
    }
}

pub(super) fn subscribed(reason_codes: Vec<u8>) -> Outcome {
    Outcome::Subscribed {
        reason_codes,
        properties: Vec::new(),
    }
}

/// An MQTT 3.1.1 UNSUBACK's outcome: no reason codes.
pub(super) fn unsubscribed() -> Outcome {
    Outcome::Unsubscribed {
        reason_codes: Vec::new(),
        properties: Vec::new(),
    }
}

pub(super) fn inbound(qos: QoS, packet_id: u16) -> Publish {
    Publish {
        dup: false,
        qos,
        retain: false,
        topic: "in".into(),
        packet_id,
        payload: Bytes::from_static(b"x"),
        properties: Vec::new(),
    }
}

pub(super) fn sent_publish_id(packets: &[Packet]) -> u16 {
    match packets {
        [Packet::Publish(p)] => p.packet_id,
        other => panic!("expected one PUBLISH, got {other:?}"),
    }
}

pub(super) fn completed(id: OperationId, packet_id: u16, outcome: Outcome) -> Event {
    Event::Completed {
        id,
        packet_id,
        outcome,
    }
}

#[test]
fn connect_carries_every_option() {
    let now = Instant::now();
    let mut session = Session::new(SessionOptions {
        clean_session: false,
        will: Some(LastWill {
            topic: "w".into(),
            payload: Bytes::from_static(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Vec::new(),
        }),
        username: Some("u".into()),
        password: Some(Bytes::from_static(b"p")),
        ..options()
    });
    session.connection_opened(now);
    match drain_transmit(&mut session, now).as_slice() {
        [Packet::Connect(connect)] => {
            assert_eq!(connect.client_id, "tester");
            assert!(!connect.clean_session);
            assert_eq!(connect.keep_alive, 10);
            assert_eq!(connect.will.as_ref().unwrap().topic, "w");
            assert_eq!(connect.username.as_deref(), Some("u"));
            assert_eq!(connect.password.as_deref(), Some(&b"p"[..]));
        }
        other => panic!("expected CONNECT, got {other:?}"),
    }
}

#[test]
fn new_credentials_go_into_the_next_connect() {
    let now = Instant::now();
    let mut session = Session::new(options());
    session.set_credentials(Credentials {
        username: Some("token-2".into()),
        password: Some(Bytes::from_static(b"secret")),
    });
    session.connection_opened(now);
    match drain_transmit(&mut session, now).as_slice() {
        [Packet::Connect(connect)] => {
            assert_eq!(connect.username.as_deref(), Some("token-2"));
            assert_eq!(connect.password.as_deref(), Some(&b"secret"[..]));
        }
        other => panic!("expected CONNECT, got {other:?}"),
    }
}

#[test]
fn connack_refusal_codes_are_fatal_with_the_code() {
    for code in 1..=5u8 {
        let now = Instant::now();
        let mut session = Session::new(options());
        session.connection_opened(now);
        session.handle_packet(connack(false, code), now);
        assert_eq!(
            drain_events(&mut session),
            vec![Event::Fatal(Failure::ConnectionRefused {
                code,
                properties: Vec::new()
            })]
        );
        assert!(!session.is_connected());
    }
}

#[test]
fn connack_that_never_comes_times_out_after_the_connack_timeout() {
    let now = Instant::now();
    let mut session = Session::new(options());
    session.connection_opened(now);
    assert_eq!(session.next_deadline(), Some(now + Duration::from_secs(3)));
    session.handle_timeout(now + Duration::from_millis(2999));
    assert!(drain_events(&mut session).is_empty());
    session.handle_timeout(now + Duration::from_secs(3));
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Fatal(Failure::Timeout)]
    );
}

#[test]
fn packets_before_connack_and_a_second_connack_are_violations() {
    let now = Instant::now();
    let mut session = Session::new(options());
    session.connection_opened(now);
    session.handle_packet(Packet::PingResp, now);
    assert_violation(&mut session);

    let mut session = connected(options(), now);
    session.handle_packet(connack(false, 0), now);
    assert_violation(&mut session);
}

#[test]
fn keepalive_pings_after_idle_and_declares_the_link_lost_without_pingresp() {
    let start = Instant::now();
    let mut session = connected(options(), start);
    assert_eq!(
        session.next_deadline(),
        Some(start + Duration::from_secs(10))
    );
    let ping_at = start + Duration::from_secs(10);
    session.handle_timeout(ping_at);
    assert_eq!(drain_transmit(&mut session, ping_at), vec![Packet::PingReq]);
    assert_eq!(
        session.next_deadline(),
        Some(ping_at + Duration::from_secs(3))
    );
    session.handle_timeout(ping_at + Duration::from_secs(3));
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Fatal(Failure::Timeout)]
    );
}

#[test]
fn pingresp_clears_the_deadline_and_outgoing_traffic_postpones_the_ping() {
    let start = Instant::now();
    let mut session = connected(options(), start);
    let later = start + Duration::from_secs(6);
    session.submit(1, publish_request(QoS::AtMostOnce), later);
    drain_transmit(&mut session, later);
    session.handle_timeout(start + Duration::from_secs(10));
    assert!(drain_transmit(&mut session, later).is_empty());
    let ping_at = later + Duration::from_secs(10);
    assert_eq!(session.next_deadline(), Some(ping_at));
    session.handle_timeout(ping_at);
    assert_eq!(drain_transmit(&mut session, ping_at), vec![Packet::PingReq]);
    session.handle_packet(Packet::PingResp, ping_at);
    session.handle_timeout(ping_at + Duration::from_secs(5));
    assert!(drain_events(&mut session).is_empty());
}

#[test]
fn qos0_completes_when_flushed_and_fails_offline() {
    let now = Instant::now();
    let mut offline = Session::new(options());
    offline.submit(7, publish_request(QoS::AtMostOnce), now);
    assert_eq!(
        drain_events(&mut offline),
        vec![completed(7, 0, Outcome::Failed(Failure::NotConnected))]
    );

    let mut session = connected(options(), now);
    session.submit(8, publish_request(QoS::AtMostOnce), now);
    assert_eq!(session.statistics().incomplete_count, 1);
    assert_eq!(sent_publish_id(&drain_transmit(&mut session, now)), 0);
    assert!(drain_events(&mut session).is_empty());
    session.flushed();
    assert_eq!(
        drain_events(&mut session),
        vec![completed(8, 0, Outcome::published())]
    );
    assert_eq!(session.statistics(), Statistics::default());
}

#[test]
fn qos1_publish_completes_on_puback_and_counts_as_unacked_until_then() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    assert_ne!(packet_id, 0);
    let size = 4 + 1 + 5;
    assert_eq!(
        session.statistics(),
        Statistics {
            incomplete_count: 1,
            incomplete_size: size,
            unacked_count: 1,
            unacked_size: size
        }
    );
    session.handle_packet(Packet::PubAck(Ack::new(packet_id)), now);
    assert_eq!(
        drain_events(&mut session),
        vec![completed(1, packet_id, Outcome::published())]
    );
    assert_eq!(session.statistics(), Statistics::default());
}

#[test]
fn qos2_publish_goes_through_pubrec_pubrel_pubcomp() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.submit(1, publish_request(QoS::ExactlyOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.handle_packet(Packet::PubRec(Ack::new(packet_id)), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubRel(Ack::new(packet_id))]
    );
    assert!(drain_events(&mut session).is_empty());
    session.handle_packet(Packet::PubComp(Ack::new(packet_id)), now);
    assert_eq!(
        drain_events(&mut session),
        vec![completed(1, packet_id, Outcome::published())]
    );
}

#[test]
fn qos2_publish_answered_with_puback_completes_as_delivered_at_qos1() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.submit(1, publish_request(QoS::ExactlyOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.handle_packet(Packet::PubAck(Ack::new(packet_id)), now);
    let note = format!(
        "the broker answered the QoS 2 publish {packet_id} with PUBACK: delivered at QoS 1"
    );
    assert_eq!(
        drain_events(&mut session),
        vec![
            Event::Note(note),
            completed(1, packet_id, Outcome::published())
        ]
    );
    assert!(drain_transmit(&mut session, now).is_empty());
    assert_eq!(session.statistics(), Statistics::default());
}

#[test]
fn inbound_qos1_is_acknowledged_and_delivered() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.handle_packet(Packet::Publish(inbound(QoS::AtLeastOnce, 9)), now);
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Message(inbound(QoS::AtLeastOnce, 9), None)]
    );
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubAck(Ack::new(9))]
    );
}

#[test]
fn inbound_qos2_is_delivered_exactly_once_until_pubrel() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    let message = inbound(QoS::ExactlyOnce, 5);
    session.handle_packet(Packet::Publish(message.clone()), now);
    let duplicate = Publish {
        dup: true,
        ..message.clone()
    };
    session.handle_packet(Packet::Publish(duplicate.clone()), now);
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Message(message, None)]
    );
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubRec(Ack::new(5)), Packet::PubRec(Ack::new(5))]
    );
    session.handle_packet(Packet::PubRel(Ack::new(5)), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubComp(Ack::new(5))]
    );
    // After PUBREL the id is free: the same id is a new message.
    session.handle_packet(Packet::Publish(duplicate.clone()), now);
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Message(duplicate, None)]
    );
}

#[test]
fn subscribe_reports_granted_and_refused_filters() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    let filters = [
        ("a/#".to_string(), QoS::ExactlyOnce),
        ("b".to_string(), QoS::AtLeastOnce),
    ];
    session.submit(
        3,
        Request::Subscribe {
            filters: filters
                .iter()
                .map(|(f, qos)| (f.clone(), (*qos).into()))
                .collect(),
            properties: Vec::new(),
        },
        now,
    );
    let packet_id = match drain_transmit(&mut session, now).as_slice() {
        [Packet::Subscribe(Subscribe {
            packet_id,
            filters: sent,
            ..
        })] => {
            let asked: Vec<(String, SubscriptionOptions)> = filters
                .iter()
                .map(|(f, qos)| (f.clone(), (*qos).into()))
                .collect();
            assert_eq!(sent, &asked);
            *packet_id
        }
        other => panic!("expected SUBSCRIBE, got {other:?}"),
    };
    session.handle_packet(
        Packet::SubAck(SubAck {
            packet_id,
            return_codes: vec![2, 0x80],
            properties: Vec::new(),
        }),
        now,
    );
    assert_eq!(
        drain_events(&mut session),
        vec![completed(3, packet_id, subscribed(vec![2, 0x80]))]
    );
}

#[test]
fn suback_with_the_wrong_count_is_a_violation() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.submit(
        3,
        Request::Subscribe {
            filters: vec![("a".into(), QoS::AtMostOnce.into())],
            properties: Vec::new(),
        },
        now,
    );
    drain_transmit(&mut session, now);
    session.handle_packet(
        Packet::SubAck(SubAck {
            packet_id: 1,
            return_codes: vec![0, 0],
            properties: Vec::new(),
        }),
        now,
    );
    assert_violation(&mut session);
}

#[test]
fn unsubscribe_completes_on_unsuback() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    let (packet_id, events) = unsubscribe_and_ack(&mut session, 4, "a", now);
    assert_eq!(events, vec![completed(4, packet_id, unsubscribed())]);
}

#[test]
fn packet_ids_in_flight_are_never_reused() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    for id in 0..65_535 {
        session.submit(id, publish_request(QoS::AtLeastOnce), now);
    }
    let sent = drain_transmit(&mut session, now);
    assert_eq!(sent.len(), 65_535);
    // A further operation waits for a free id instead of reusing one.
    session.submit(70_000, publish_request(QoS::AtLeastOnce), now);
    assert!(drain_transmit(&mut session, now).is_empty());
    session.handle_packet(Packet::PubAck(Ack::new(42)), now);
    assert_eq!(sent_publish_id(&drain_transmit(&mut session, now)), 42);
}

#[test]
fn operations_before_connack_wait_and_go_out_after_it() {
    let now = Instant::now();
    let mut session = Session::new(options());
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    session.connection_opened(now);
    assert!(matches!(
        drain_transmit(&mut session, now).as_slice(),
        [Packet::Connect(_)]
    ));
    session.handle_packet(connack(false, 0), now);
    assert_ne!(sent_publish_id(&drain_transmit(&mut session, now)), 0);
}

#[test]
fn fail_unfinished_fails_in_flight_then_queued_operations_and_empties_the_statistics() {
    let now = Instant::now();
    let mut session = connected(persistent_options(), now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.connection_lost();
    session.submit(2, publish_request(QoS::ExactlyOnce), now);
    session.fail_unfinished(Failure::ConnectionShutdown);
    let failed = Outcome::Failed(Failure::ConnectionShutdown);
    assert_eq!(
        drain_events(&mut session),
        vec![
            completed(1, packet_id, failed.clone()),
            completed(2, 0, failed)
        ]
    );
    assert_eq!(session.statistics(), Statistics::default());
    // Nothing is left to send on the next link.
    session.connection_opened(now);
    session.handle_packet(connack(true, 0), now);
    assert!(matches!(
        drain_transmit(&mut session, now).as_slice(),
        [Packet::Connect(_)]
    ));
}

#[test]
fn clean_session_fails_in_flight_operations_when_the_link_is_lost() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.connection_lost();
    assert_eq!(
        drain_events(&mut session),
        vec![completed(
            1,
            packet_id,
            Outcome::Failed(Failure::CancelledForCleanSession)
        )]
    );
    assert_eq!(session.statistics(), Statistics::default());
}

#[test]
fn clean_session_can_resend_in_flight_operations_on_the_next_link() {
    let now = Instant::now();
    let options = SessionOptions {
        resend_in_flight_when_clean: true,
        ..options()
    };
    let mut session = connected(options, now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.connection_lost();
    assert!(drain_events(&mut session).is_empty());
    let resent = reconnect(&mut session, false, now);
    assert!(
        matches!(&resent[..], [Packet::Publish(p)] if p.packet_id == packet_id && p.dup),
        "{resent:?}"
    );
    session.handle_packet(Packet::PubAck(Ack::new(packet_id)), now);
    assert_eq!(
        drain_events(&mut session).last(),
        Some(&completed(1, packet_id, Outcome::published()))
    );
}

#[test]
fn persistent_session_resends_in_flight_with_dup_after_reconnect() {
    let now = Instant::now();
    let mut session = connected(persistent_options(), now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    session.submit(2, publish_request(QoS::ExactlyOnce), now);
    let sent = drain_transmit(&mut session, now);
    let second = match &sent[1] {
        Packet::Publish(p) => p.packet_id,
        other => panic!("{other:?}"),
    };
    session.handle_packet(Packet::PubRec(Ack::new(second)), now);
    drain_transmit(&mut session, now);
    session.connection_lost();
    assert!(drain_events(&mut session).is_empty());

    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(true, 0), now);
    let resent = drain_transmit(&mut session, now);
    match resent.as_slice() {
        [Packet::Publish(p), Packet::PubRel(Ack { packet_id, .. })] => {
            assert!(p.dup);
            assert_eq!(*packet_id, second);
        }
        other => panic!("expected PUBLISH(dup) then PUBREL, got {other:?}"),
    }
}

#[test]
fn operation_timeout_fails_the_operation_and_frees_its_id() {
    let now = Instant::now();
    let mut session = connected(
        SessionOptions {
            operation_timeout: Some(Duration::from_secs(2)),
            keep_alive: Duration::ZERO,
            ..options()
        },
        now,
    );
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    assert_eq!(session.next_deadline(), Some(now + Duration::from_secs(2)));
    session.handle_timeout(now + Duration::from_secs(2));
    assert_eq!(
        drain_events(&mut session),
        vec![completed(1, packet_id, Outcome::Failed(Failure::Timeout))]
    );
    // A late PUBACK is ignored, not a violation.
    session.handle_packet(Packet::PubAck(Ack::new(packet_id)), now);
    assert!(drain_events(&mut session).is_empty());
    assert_eq!(session.statistics(), Statistics::default());
}

#[test]
fn postponed_deadlines_give_unread_answers_the_time_reading_was_stopped() {
    let now = Instant::now();
    let mut session = connected(
        SessionOptions {
            operation_timeout: Some(Duration::from_secs(2)),
            ..options()
        },
        now,
    );
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    // The acknowledgement, due at 2 s, moves 5 s on.
    session.postpone_deadlines(Duration::from_secs(5));
    assert_eq!(session.next_deadline(), Some(now + Duration::from_secs(7)));
    session.handle_timeout(now + Duration::from_millis(6999));
    assert!(drain_events(&mut session).is_empty());
    session.handle_packet(Packet::PubAck(Ack::new(packet_id)), now);
    assert_eq!(
        drain_events(&mut session),
        vec![completed(1, packet_id, Outcome::published())]
    );
    // A PINGRESP due 3 s after the PINGREQ at 10 s moves 5 s on too.
    let ping_at = now + Duration::from_secs(10);
    session.handle_timeout(ping_at);
    assert_eq!(drain_transmit(&mut session, ping_at), vec![Packet::PingReq]);
    session.postpone_deadlines(Duration::from_secs(5));
    session.handle_timeout(ping_at + Duration::from_millis(7999));
    assert!(drain_events(&mut session).is_empty());
    session.handle_timeout(ping_at + Duration::from_secs(8));
    assert_eq!(
        drain_events(&mut session),
        vec![Event::Fatal(Failure::Timeout)]
    );
}

#[test]
fn disconnect_sends_disconnect_and_nothing_after_it() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.disconnect(Disconnect::default());
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::Disconnect(Disconnect::default())]
    );
}

#[test]
fn broker_sending_client_packets_is_a_violation() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    session.handle_packet(Packet::PingReq, now);
    assert_violation(&mut session);
}

pub(super) fn subscribe_and_ack(
    session: &mut Session,
    id: OperationId,
    filters: &[(&str, QoS)],
    codes: Vec<u8>,
    now: Instant,
) {
    let filters = filters
        .iter()
        .map(|(f, q)| (f.to_string(), (*q).into()))
        .collect();
    let properties = Vec::new();
    session.submit(
        id,
        Request::Subscribe {
            filters,
            properties,
        },
        now,
    );
    let packet_id = match drain_transmit(session, now).as_slice() {
        [Packet::Subscribe(s)] => s.packet_id,
        other => panic!("expected SUBSCRIBE, got {other:?}"),
    };
    session.handle_packet(
        Packet::SubAck(SubAck {
            packet_id,
            return_codes: codes,
            properties: Vec::new(),
        }),
        now,
    );
    drain_events(session);
}

/// Unsubscribes `filter` as operation `id` and acknowledges it; the packet
/// id used and the events that followed.
pub(super) fn unsubscribe_and_ack(
    session: &mut Session,
    id: OperationId,
    filter: &str,
    now: Instant,
) -> (u16, Vec<Event>) {
    let filters = vec![filter.to_string()];
    let properties = Vec::new();
    session.submit(
        id,
        Request::Unsubscribe {
            filters,
            properties,
        },
        now,
    );
    let packet_id = match drain_transmit(session, now).as_slice() {
        [Packet::Unsubscribe(u)] => u.packet_id,
        other => panic!("expected UNSUBSCRIBE, got {other:?}"),
    };
    session.handle_packet(Packet::UnsubAck(UnsubAck::new(packet_id)), now);
    (packet_id, drain_events(session))
}

pub(super) fn reconnect(session: &mut Session, session_present: bool, now: Instant) -> Vec<Packet> {
    session.connection_lost();
    drain_events(session);
    session.connection_opened(now);
    drain_transmit(session, now);
    session.handle_packet(connack(session_present, 0), now);
    drain_transmit(session, now)
}

#[test]
fn granted_subscriptions_are_restored_after_a_connection_without_a_session() {
    let now = Instant::now();
    let mut session = connected(options(), now);
    subscribe_and_ack(
        &mut session,
        1,
        &[("a/#", QoS::AtLeastOnce), ("refused", QoS::AtMostOnce)],
        vec![1, 0x80],
        now,
    );
    subscribe_and_ack(&mut session, 2, &[("b", QoS::ExactlyOnce)], vec![2], now);
    unsubscribe_and_ack(&mut session, 3, "b", now);
    session.submit(4, publish_request(QoS::AtLeastOnce), now);
    drain_transmit(&mut session, now);
    drain_events(&mut session);

    session.connection_lost();
    session.submit(5, publish_request(QoS::AtLeastOnce), now);
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(false, 0), now);
    let sent = drain_transmit(&mut session, now);
    // The restore goes first, before what was queued while offline.
    match sent.as_slice() {
        [Packet::Subscribe(restore), Packet::Publish(_)] => {
            assert_eq!(
                restore.filters,
                vec![("a/#".to_string(), QoS::AtLeastOnce.into())]
            );
            session.handle_packet(
                Packet::SubAck(SubAck {
                    packet_id: restore.packet_id,
                    return_codes: vec![1],
                    properties: Vec::new(),
                }),
                now,
            );
        }
        other => panic!("expected the restoring SUBSCRIBE then the queued PUBLISH, got {other:?}"),
    }
    // The restore is the session's own: no completion reaches the user.
    let events = drain_events(&mut session);
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, Event::Completed { id, .. } if *id != 4)),
        "{events:?}"
    );
    assert_eq!(session.statistics().incomplete_count, 1);
}

#[test]
fn nothing_is_restored_when_the_session_is_present_or_resubscribe_is_off() {
    let now = Instant::now();
    let mut session = connected(persistent_options(), now);
    subscribe_and_ack(&mut session, 1, &[("a", QoS::AtLeastOnce)], vec![1], now);
    assert!(reconnect(&mut session, true, now).is_empty());

    let mut off = connected(
        SessionOptions {
            resubscribe: false,
            ..options()
        },
        now,
    );
    subscribe_and_ack(&mut off, 1, &[("a", QoS::AtLeastOnce)], vec![1], now);
    assert!(reconnect(&mut off, false, now).is_empty());
}

#[test]
fn qos0_waits_offline_when_asked_and_goes_out_after_connack() {
    let now = Instant::now();
    let mut session = Session::new(SessionOptions {
        offline: OfflineRetention {
            qos0_publishes: true,
            ..OfflineRetention::default()
        },
        ..options()
    });
    session.submit(1, publish_request(QoS::AtMostOnce), now);
    assert!(drain_events(&mut session).is_empty());
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(false, 0), now);
    assert_eq!(sent_publish_id(&drain_transmit(&mut session, now)), 0);
    session.flushed();
    assert!(drain_events(&mut session).contains(&completed(1, 0, Outcome::published())));
}

/// An offline session whose queue holds `operations` and `bytes`, offered
/// `count` QoS 1 publishes (ids 0..count); the events that followed.
fn offered_to_a_bounded_queue(
    operations: usize,
    bytes: u64,
    count: OperationId,
    now: Instant,
) -> (Session, Vec<Event>) {
    let queue_limit = QueueLimit { operations, bytes };
    let mut session = Session::new(SessionOptions {
        queue_limit,
        ..options()
    });
    for id in 0..count {
        session.submit(id, publish_request(QoS::AtLeastOnce), now);
    }
    let events = drain_events(&mut session);
    (session, events)
}

#[test]
fn the_offline_queue_is_bounded_in_operations_and_bytes() {
    let now = Instant::now();
    let (session, events) = offered_to_a_bounded_queue(3, 1 << 20, 4, now);
    // The newest is refused; the three before it wait.
    assert_eq!(
        events,
        vec![completed(3, 0, Outcome::Failed(Failure::QueueFull))]
    );
    assert_eq!(session.statistics().incomplete_count, 3);

    let size = publish_request(QoS::AtLeastOnce).statistics_size();
    let (mut session, events) = offered_to_a_bounded_queue(100, 2 * size, 3, now);
    assert_eq!(
        events,
        vec![completed(2, 0, Outcome::Failed(Failure::QueueFull))]
    );
    // Once the queue drains, there is room again.
    session.connection_opened(now);
    drain_transmit(&mut session, now);
    session.handle_packet(connack(false, 0), now);
    drain_transmit(&mut session, now);
    session.connection_lost();
    drain_events(&mut session);
    session.submit(9, publish_request(QoS::AtLeastOnce), now);
    assert!(drain_events(&mut session).is_empty());
}

/// A connected session that defers acknowledgements, and the ticket of each
/// of `messages` (packet id, QoS) it delivered.
pub(super) fn deferring(messages: &[(u16, QoS)], now: Instant) -> (Session, Vec<AckTicket>) {
    let mut session = connected(options(), now);
    session.defer_acknowledgements(true);
    for (packet_id, qos) in messages {
        session.handle_packet(Packet::Publish(inbound(*qos, *packet_id)), now);
    }
    let tickets = drain_events(&mut session)
        .into_iter()
        .map(|event| match event {
            Event::Message(_, Some(ticket)) => ticket,
            other => panic!("expected a message with a ticket, got {other:?}"),
        })
        .collect();
    (session, tickets)
}

#[test]
fn deferred_pubacks_wait_for_the_application_and_go_out_in_arrival_order() {
    let now = Instant::now();
    let qos1 = QoS::AtLeastOnce;
    let (mut session, tickets) = deferring(&[(1, qos1), (2, qos1), (3, qos1)], now);
    assert!(drain_transmit(&mut session, now).is_empty());
    session.acknowledge(tickets[1], Some(ReasonCode::SUCCESS));
    assert!(
        drain_transmit(&mut session, now).is_empty(),
        "2 waits for 1"
    );
    session.acknowledge(tickets[0], Some(ReasonCode::SUCCESS));
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubAck(Ack::new(1)), Packet::PubAck(Ack::new(2))]
    );
    session.acknowledge(tickets[2], Some(ReasonCode::SUCCESS));
    session.acknowledge(tickets[2], Some(ReasonCode::SUCCESS)); // a second answer changes nothing
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubAck(Ack::new(3))]
    );
}

#[test]
fn a_withheld_acknowledgement_is_never_sent_and_holds_up_nothing_after_it() {
    let now = Instant::now();
    let qos1 = QoS::AtLeastOnce;
    let (mut session, tickets) = deferring(&[(1, qos1), (2, qos1)], now);
    session.acknowledge(tickets[1], Some(ReasonCode::SUCCESS));
    session.acknowledge(tickets[0], None);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubAck(Ack::new(2))]
    );
}

#[test]
fn a_deferred_qos2_message_is_completed_once_released_and_acknowledged_in_either_order() {
    let now = Instant::now();
    let qos2 = QoS::ExactlyOnce;
    let (mut session, tickets) = deferring(&[(5, qos2), (6, qos2)], now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubRec(Ack::new(5)), Packet::PubRec(Ack::new(6))]
    );
    // 5: PUBREL first, then the application.
    session.handle_packet(Packet::PubRel(Ack::new(5)), now);
    assert!(drain_transmit(&mut session, now).is_empty());
    session.acknowledge(tickets[0], Some(ReasonCode::SUCCESS));
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubComp(Ack::new(5))]
    );
    // 6: the application first, then PUBREL.
    session.acknowledge(tickets[1], Some(ReasonCode::SUCCESS));
    assert!(drain_transmit(&mut session, now).is_empty());
    session.handle_packet(Packet::PubRel(Ack::new(6)), now);
    assert_eq!(
        drain_transmit(&mut session, now),
        vec![Packet::PubComp(Ack::new(6))]
    );
}

#[test]
fn an_acknowledgement_for_a_message_of_a_lost_link_is_not_sent_on_the_next() {
    let now = Instant::now();
    let (mut session, tickets) = deferring(&[(1, QoS::AtLeastOnce)], now);
    session.connection_lost();
    session.connection_opened(now);
    session.handle_packet(connack(false, 0), now);
    drain_transmit(&mut session, now);
    session.acknowledge(tickets[0], Some(ReasonCode::SUCCESS));
    assert!(drain_transmit(&mut session, now).is_empty());
}
