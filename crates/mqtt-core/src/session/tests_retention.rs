//! Which operations wait: for the next link (`SessionOptions::offline`) or
//! for their turn under the send rate (`send_rate`); and whether the next
//! CONNECT rejoins the session (`rejoin_once_connected`).

use std::time::{Duration, Instant};

use super::tests::*;
use super::tests_v5::connected_with;
use super::*;
use crate::protocol::{Property, QoS};

fn subscribe_request(filter: &str) -> Request {
    Request::Subscribe {
        filters: vec![(filter.into(), QoS::AtLeastOnce.into())],
        properties: Vec::new(),
    }
}

/// aws-crt's FailAllOnDisconnect: nothing waits.
fn keeping_nothing() -> SessionOptions {
    SessionOptions {
        offline: OfflineRetention {
            qos0_publishes: false,
            acknowledged_publishes: false,
            subscriptions: false,
        },
        ..options()
    }
}

fn failed(id: OperationId, packet_id: u16, failure: Failure) -> Event {
    completed(id, packet_id, Outcome::Failed(failure))
}

#[test]
fn what_the_retention_does_not_keep_fails_when_made_offline() {
    let now = Instant::now();
    let mut session = Session::new(keeping_nothing());
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    session.submit(2, subscribe_request("a"), now);
    assert_eq!(
        drain_events(&mut session),
        [
            failed(1, 0, Failure::NotConnected),
            failed(2, 0, Failure::NotConnected)
        ]
    );
    assert_eq!(session.statistics(), Statistics::default());
}

#[test]
fn by_default_everything_but_qos0_waits_offline() {
    let now = Instant::now();
    let mut session = Session::new(options());
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    session.submit(2, subscribe_request("a"), now);
    session.submit(3, publish_request(QoS::AtMostOnce), now);
    assert_eq!(
        drain_events(&mut session),
        [failed(3, 0, Failure::NotConnected)]
    );
    assert_eq!(session.statistics().incomplete_count, 2);
}

#[test]
fn a_lost_link_fails_unsent_and_unacknowledged_subscriptions_the_retention_does_not_keep() {
    let now = Instant::now();
    let options = SessionOptions {
        offline: OfflineRetention {
            subscriptions: false,
            ..OfflineRetention::default()
        },
        clean_session: false,
        ..options()
    };
    let mut session = connected(options, now);
    session.submit(1, subscribe_request("a"), now);
    session.submit(2, publish_request(QoS::AtLeastOnce), now);
    let sent = drain_transmit(&mut session, now);
    let Packet::Subscribe(subscribe) = &sent[0] else {
        panic!("{sent:?}")
    };
    let subscribe_id = subscribe.packet_id;
    let publish_id = sent_publish_id(&sent[1..]);
    session.connection_lost();
    assert_eq!(
        drain_events(&mut session),
        [failed(1, subscribe_id, Failure::ConnectionShutdown)]
    );
    // The publish follows the (persistent) session: sent again with DUP.
    let resent = reconnect(&mut session, true, now);
    assert!(
        matches!(&resent[..], [Packet::Publish(p)] if p.packet_id == publish_id && p.dup),
        "{resent:?}"
    );
}

#[test]
fn queued_operations_the_retention_does_not_keep_fail_when_the_link_is_lost() {
    let now = Instant::now();
    let options = SessionOptions {
        protocol: ProtocolVersion::V5,
        ..keeping_nothing()
    };
    // The broker's Receive Maximum of 1 holds the second publish in the queue.
    let mut session = connected_with(options, vec![Property::ReceiveMaximum(1)], now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    session.submit(2, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.connection_lost();
    assert_eq!(
        drain_events(&mut session),
        [
            failed(2, 0, Failure::ConnectionShutdown),
            failed(1, packet_id, Failure::CancelledForCleanSession)
        ]
    );
    assert_eq!(session.statistics(), Statistics::default());
}

/// The clean session flag of the next CONNECT.
fn next_connect_is_clean(session: &mut Session, now: Instant) -> bool {
    session.connection_opened(now);
    match drain_transmit(session, now).first() {
        Some(Packet::Connect(connect)) => connect.clean_session,
        other => panic!("expected CONNECT, got {other:?}"),
    }
}

#[test]
fn rejoin_once_connected_starts_clean_then_rejoins_until_the_session_is_ended() {
    let now = Instant::now();
    let mut session = Session::new(SessionOptions {
        rejoin_once_connected: true,
        ..options()
    });
    assert!(next_connect_is_clean(&mut session, now));
    session.connection_lost(); // refused before CONNACK: still clean
    assert!(next_connect_is_clean(&mut session, now));
    session.handle_packet(connack(false, 0), now);
    session.submit(1, publish_request(QoS::AtLeastOnce), now);
    let packet_id = sent_publish_id(&drain_transmit(&mut session, now));
    session.connection_lost();
    // Rejoining: the publish in flight is kept for the next link.
    assert!(!drain_events(&mut session)
        .iter()
        .any(|event| matches!(event, Event::Completed { .. })));
    assert!(!next_connect_is_clean(&mut session, now));
    session.connection_lost();
    session.fail_unfinished(Failure::ConnectionShutdown);
    assert_eq!(
        drain_events(&mut session).last(),
        Some(&failed(1, packet_id, Failure::ConnectionShutdown))
    );
    assert!(next_connect_is_clean(&mut session, now));
}

#[test]
fn publishes_past_the_send_rate_wait_for_their_turn() {
    let now = Instant::now();
    let options = SessionOptions {
        send_rate: Some(SendRate {
            publishes_per_second: 2,
            bytes_per_second: 1 << 20,
        }),
        ..options()
    };
    let mut session = connected(options, now);
    for id in 1..=3 {
        session.submit(id, publish_request(QoS::AtMostOnce), now);
    }
    assert_eq!(drain_transmit(&mut session, now).len(), 2);
    let turn = session.next_deadline().expect("the third publish waits");
    assert_eq!(turn, now + Duration::from_millis(500));
    session.handle_timeout(turn);
    assert_eq!(drain_transmit(&mut session, turn).len(), 1);
}

#[test]
fn a_turn_whose_operation_is_gone_is_not_due() {
    let now = Instant::now();
    let options = SessionOptions {
        send_rate: Some(SendRate {
            publishes_per_second: 1,
            bytes_per_second: 1 << 20,
        }),
        ..keeping_nothing()
    };
    let mut session = connected(options, now);
    session.submit(1, publish_request(QoS::AtMostOnce), now);
    session.submit(2, publish_request(QoS::AtMostOnce), now);
    assert_eq!(drain_transmit(&mut session, now).len(), 1);
    // The second waits its turn; the link is lost and it fails (nothing is kept).
    assert!(reconnect(&mut session, false, now).is_empty());
    // Found by the session fuzz target: the turn of the publish that is gone,
    // still due after handle_timeout, would spin the driver.
    let next = session.next_deadline().expect("keepalive");
    session.handle_timeout(next);
    assert!(session.next_deadline().is_none_or(|at| at > next));
}
