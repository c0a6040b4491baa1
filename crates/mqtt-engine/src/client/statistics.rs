//! Operation counts shared between a connection's handle and its driver.
//!
//! An operation is first counted as submitted (in the command channel), then
//! by the session. The driver moves operations from one to the other in the
//! same locked step in which it publishes the session's figures, so a
//! snapshot never counts an operation twice or misses one.

use std::sync::Mutex;

use crate::session::{Request, Statistics};

#[derive(Default)]
pub(super) struct SharedStatistics {
    figures: Mutex<Figures>,
}

#[derive(Default)]
struct Figures {
    submitted_count: u64,
    submitted_size: u64,
    session: Statistics,
}

/// Operations the driver has taken from the channel since its last report.
#[derive(Default)]
pub(super) struct Taken {
    count: u64,
    size: u64,
}

impl Taken {
    pub(super) fn add(&mut self, request: &Request) {
        self.count += 1;
        self.size += request.statistics_size();
    }
}

impl SharedStatistics {
    /// Counts an operation the handle puts in the channel.
    pub(super) fn submitted(&self, request: &Request) {
        let mut figures = self.lock();
        figures.submitted_count += 1;
        figures.submitted_size += request.statistics_size();
    }

    /// Publishes the session's figures and moves what the driver took from
    /// the channel into them, in one step.
    pub(super) fn report(&self, session: Statistics, taken: &mut Taken) {
        let mut figures = self.lock();
        figures.submitted_count -= taken.count;
        figures.submitted_size -= taken.size;
        figures.session = session;
        *taken = Taken::default();
    }

    pub(super) fn snapshot(&self) -> Statistics {
        let figures = self.lock();
        Statistics {
            incomplete_count: figures.session.incomplete_count + figures.submitted_count,
            incomplete_size: figures.session.incomplete_size + figures.submitted_size,
            ..figures.session
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Figures> {
        // The figures are plain numbers, valid even after a panic elsewhere.
        self.figures.lock().unwrap_or_else(|e| e.into_inner())
    }
}
