//! The command queue from a connection's handle to its driver.
//!
//! Waking the I/O thread costs a system call and a context switch, more than
//! the whole rest of a small publish. So a command can be queued without a
//! wake, and one wake later hands over everything queued since: a burst of
//! publishes made in one JavaScript turn costs one wake, not one each.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::Command;
use crate::session::ReleaseWhenEmpty;

struct Shared {
    queued: Mutex<Vec<Command>>,
    wake: Notify,
    closed: AtomicBool,
}

/// Creates a connected sender and receiver.
pub(super) fn inbox() -> (Outbox, Inbox) {
    let shared = Arc::new(Shared {
        queued: Mutex::new(Vec::new()),
        wake: Notify::new(),
        closed: AtomicBool::new(false),
    });
    let outbox = Outbox {
        shared: shared.clone(),
    };
    let inbox = Inbox {
        shared,
        taken: VecDeque::new(),
        spare: Vec::new(),
    };
    (outbox, inbox)
}

/// The handle's end. Dropping it tells the driver that no command will come.
pub(super) struct Outbox {
    shared: Arc<Shared>,
}

impl Outbox {
    /// Queues `command` without waking the driver; `wake` hands it over.
    pub(super) fn queue(&self, command: Command) {
        lock(&self.shared.queued).push(command);
    }

    /// Queues `command` and wakes the driver.
    pub(super) fn send(&self, command: Command) {
        self.queue(command);
        self.wake();
    }

    /// Lets the driver take what is queued. Cheap when it is awake already.
    pub(super) fn wake(&self) {
        self.shared.wake.notify_one();
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.wake.notify_one();
    }
}

/// The driver's end.
pub(super) struct Inbox {
    shared: Arc<Shared>,
    /// Commands taken from the shared queue, not yet handed out.
    taken: VecDeque<Command>,
    /// An empty vector to swap in, so taking a batch allocates nothing.
    spare: Vec<Command>,
}

impl Inbox {
    /// The next command; `None` once the handle is gone and all is taken.
    /// Cancel-safe: nothing is lost when a `select!` drops the future.
    pub(super) async fn recv(&mut self) -> Option<Command> {
        loop {
            if let Some(command) = self.try_recv() {
                return Some(command);
            }
            if self.shared.closed.load(Ordering::Acquire) {
                // Whatever was queued before the drop is taken first.
                return self.try_recv();
            }
            self.shared.wake.notified().await;
        }
    }

    /// The next command if one is queued, without waiting.
    pub(super) fn try_recv(&mut self) -> Option<Command> {
        if self.taken.is_empty() {
            let mut queued = lock(&self.shared.queued);
            if queued.is_empty() {
                drop(queued);
                self.taken.release_when_empty();
                self.spare.release_when_empty();
                return None;
            }
            std::mem::swap(&mut *queued, &mut self.spare);
            drop(queued);
            self.taken.extend(self.spare.drain(..));
        }
        self.taken.pop_front()
    }
}

fn lock(queued: &Mutex<Vec<Command>>) -> std::sync::MutexGuard<'_, Vec<Command>> {
    // A Vec of commands stays valid even if a holder panicked.
    queued.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::runtime::for_tests;
    use crate::client::Unfinished;
    use crate::protocol::Disconnect;
    use std::time::Duration;

    #[test]
    fn commands_are_taken_in_order_and_recv_waits_when_none_are_left() {
        for_tests().block_on(async {
            let (outbox, mut inbox) = inbox();
            outbox.queue(Command::Connect);
            outbox.queue(Command::Disconnect(Unfinished::Keep, Disconnect::default()));
            assert!(matches!(inbox.try_recv(), Some(Command::Connect)));
            let waiting = tokio::time::timeout(Duration::from_millis(50), async {
                assert!(matches!(
                    inbox.recv().await,
                    Some(Command::Disconnect(Unfinished::Keep, _))
                ));
                inbox.recv().await
            })
            .await;
            assert!(waiting.is_err(), "recv returned without a command");
        });
    }

    #[test]
    fn a_wake_hands_over_everything_queued_since() {
        for_tests().block_on(async {
            let (outbox, mut inbox) = inbox();
            let receiving = async {
                let mut got = 0;
                while got < 3 {
                    inbox.recv().await.unwrap();
                    got += 1;
                }
                got
            };
            let sending = async {
                tokio::task::yield_now().await;
                outbox.queue(Command::Connect);
                outbox.queue(Command::Connect);
                outbox.send(Command::Disconnect(Unfinished::Keep, Disconnect::default()));
            };
            let (got, ()) = tokio::join!(receiving, sending);
            assert_eq!(got, 3);
        });
    }

    #[test]
    fn a_dropped_outbox_ends_recv_after_what_was_queued() {
        for_tests().block_on(async {
            let (outbox, mut inbox) = inbox();
            outbox.queue(Command::Connect);
            drop(outbox);
            assert!(matches!(inbox.recv().await, Some(Command::Connect)));
            assert!(inbox.recv().await.is_none());
        });
    }
}
