//! The session's deadlines in one table: the answers a link waits for
//! (CONNACK, PINGRESP, the next step of a re-authentication) and the acknowledgement of each operation sent. The
//! keepalive moment is not kept here: it follows from the last packet sent.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// An answer the link waits for; late, it ends the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    ConnAck,
    PingResp,
    /// MQTT 5: the next step of an AUTH exchange on a live link, from the
    /// broker or from the application.
    Auth,
}

#[derive(Debug, Default)]
pub(super) struct Timers {
    /// By `Answer as usize`.
    answers: [Option<Instant>; 3],
    /// Acknowledgement deadlines by packet id, in the order they were set
    /// (one timeout for all, so also in time order). An entry is stale once
    /// its operation completed or was given another deadline: the caller
    /// checks each due entry against the operation's own.
    acknowledgements: VecDeque<(Instant, u16)>,
}

impl Timers {
    pub fn expect(&mut self, answer: Answer, at: Instant) {
        self.answers[answer as usize] = Some(at);
    }

    pub fn answered(&mut self, answer: Answer) {
        self.answers[answer as usize] = None;
    }

    pub fn is_expecting(&self, answer: Answer) -> bool {
        self.answers[answer as usize].is_some()
    }

    /// The link no longer waits for any answer.
    pub fn clear_answers(&mut self) {
        self.answers = [None; 3];
    }

    /// An answer is overdue at `now`.
    pub fn answer_late(&self, now: Instant) -> bool {
        self.answers.iter().flatten().any(|at| now >= *at)
    }

    pub fn expect_acknowledgement(&mut self, packet_id: u16, at: Instant) {
        self.acknowledgements.push_back((at, packet_id));
    }

    /// The next acknowledgement deadline due at `now`, taken out of the table.
    pub fn pop_due_acknowledgement(&mut self, now: Instant) -> Option<(Instant, u16)> {
        let due = *self.acknowledgements.front()?;
        if due.0 > now {
            return None;
        }
        self.acknowledgements.pop_front()
    }

    pub fn clear_acknowledgements(&mut self) {
        self.acknowledgements.clear();
    }

    /// The earliest deadline in the table.
    pub fn next(&self) -> Option<Instant> {
        let acknowledgement = self.acknowledgements.front().map(|(at, _)| *at);
        self.answers
            .iter()
            .copied()
            .chain([acknowledgement])
            .flatten()
            .min()
    }

    /// Every deadline `by` later.
    pub fn postpone(&mut self, by: Duration) {
        for at in self.answers.iter_mut().flatten() {
            *at += by;
        }
        for (at, _) in &mut self.acknowledgements {
            *at += by;
        }
    }
}
