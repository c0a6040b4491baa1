//! Enhanced authentication (MQTT 5 section 4.12): when CONNECT names an
//! Authentication Method, the broker may answer with AUTH challenges
//! (Continue authentication) before CONNACK, or ask later
//! (Re-authenticate). Each challenge goes to the application, whose answer
//! goes back as AUTH; the CONNACK deadline bounds the exchange at connect.

use crate::protocol::{Auth, Packet, Property, ReasonCode};

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
    pub(super) fn handle_auth(&mut self, auth: Auth) {
        let Some(ours) = method_of(&self.options.connect_properties) else {
            return self.violation("the broker sent AUTH, but no authentication was asked for");
        };
        if method_of(&auth.properties) != Some(ours) {
            let what = format!("the broker's AUTH is not for our Authentication Method {ours:?}");
            return self.violation_with(ReasonCode::PROTOCOL_ERROR, what);
        }
        match auth.reason_code {
            ReasonCode::CONTINUE_AUTHENTICATION => {
                self.events.push_back(Event::AuthChallenge(auth))
            }
            ReasonCode::SUCCESS if self.link == Link::Up => self.events.push_back(Event::Note(
                "the broker accepted the re-authentication".into(),
            )),
            code => self.violation_with(
                ReasonCode::PROTOCOL_ERROR,
                format!("the broker sent AUTH with reason code {code}, which it may not send"),
            ),
        }
    }

    /// The application's AUTH: an answer to a challenge, or (Re-authenticate)
    /// a new exchange on a live link. Dropped while no link can take it.
    pub fn authenticate(&mut self, auth: Auth) {
        if matches!(self.link, Link::AwaitingConnAck | Link::Up) {
            self.transmit.push_back(Packet::Auth(auth));
        }
    }
}
