//! Enhanced authentication (MQTT 5 section 4.12): when CONNECT names an
//! Authentication Method, the broker may answer with AUTH challenges
//! (Continue authentication) before CONNACK, and the application may start
//! again on a live link (Re-authenticate). Each challenge goes to the
//! application, whose answer goes back as AUTH. The CONNACK deadline bounds
//! the exchange at connect; on a live link each step must follow the one
//! before within the same time, or the link ends.

use std::time::Instant;

use crate::protocol::{Auth, Packet, Property, ReasonCode};

use super::timers::Answer;
use super::{Event, Link, Session};

/// The Authentication Method among `properties`.
fn method_of(properties: &[Property]) -> Option<&str> {
    properties.iter().find_map(|property| match property {
        Property::AuthenticationMethod(method) => Some(method.as_str()),
        _ => None,
    })
}

impl Session {
    /// An AUTH from the broker: a challenge for the application, or the
    /// success of a re-authentication; anything else breaks the protocol.
    pub(super) fn handle_auth(&mut self, auth: Auth, now: Instant) {
        let Some(ours) = method_of(&self.options.connect_properties) else {
            return self.violation("the broker sent AUTH, but no authentication was asked for");
        };
        if method_of(&auth.properties) != Some(ours) {
            let what = format!("the broker's AUTH is not for our Authentication Method {ours:?}");
            return self.violation_with(ReasonCode::PROTOCOL_ERROR, what);
        }
        match auth.reason_code {
            ReasonCode::CONTINUE_AUTHENTICATION => {
                self.await_auth_step(now);
                self.events.push_back(Event::AuthChallenge(auth))
            }
            ReasonCode::SUCCESS if self.link == Link::Up => {
                self.timers.answered(Answer::Auth);
                let note = "the broker accepted the re-authentication";
                self.events.push_back(Event::Note(note.into()))
            }
            code => self.violation_with(
                ReasonCode::PROTOCOL_ERROR,
                format!("the broker sent AUTH with reason code {code}, which it may not send"),
            ),
        }
    }

    /// The application's AUTH: an answer to a challenge, or (Re-authenticate)
    /// a new exchange on a live link. Dropped while no link can take it.
    pub fn authenticate(&mut self, auth: Auth, now: Instant) {
        if matches!(self.link, Link::AwaitingConnAck | Link::Up) {
            self.await_auth_step(now);
            self.transmit.push_back(Packet::Auth(auth));
        }
    }

    /// On a live link, the exchange's next step is due within the CONNACK
    /// timeout (before CONNACK, the CONNACK deadline bounds it all).
    fn await_auth_step(&mut self, now: Instant) {
        if self.link == Link::Up {
            let due = now + self.options.connack_timeout;
            self.timers.expect(Answer::Auth, due);
        }
    }
}
