//! What the consumer of a connection's events has not taken yet. Past a
//! bound the driver stops reading the socket until the consumer catches up:
//! a slow consumer then holds the broker back (TCP flow control) instead of
//! filling memory.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

#[derive(Default)]
pub struct Backlog {
    bytes: AtomicUsize,
    taken: Notify,
}

impl Backlog {
    /// The consumer now has `bytes` of messages waiting for it.
    pub fn set(&self, bytes: usize) {
        self.bytes.store(bytes, Ordering::Release);
    }

    /// The consumer took everything waiting: the driver may read again.
    pub fn taken(&self) {
        self.bytes.store(0, Ordering::Release);
        // A permit is kept if the driver is not waiting yet, so no wake is lost.
        self.taken.notify_one();
    }

    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// Completes after the next `taken` (or at once if one came unawaited).
    pub async fn wait_taken(&self) {
        self.taken.notified().await;
    }
}
