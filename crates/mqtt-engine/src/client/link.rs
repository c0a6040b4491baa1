//! One network link's I/O and clocks: the read side (the bytes read and not
//! yet decoded), the packets encoded and not yet written, the pacing
//! of reads, the timer of the session's next deadline and the grace of a
//! graceful close. The driver selects on its fields directly (a read, a
//! write and the timers are polled at once, so they borrow disjoint fields).

use std::pin::Pin;

use tokio::io::WriteHalf;
use tokio::time::{sleep_until, Duration, Instant, Sleep};

use crate::transport::BoxedStream;

use super::inbound::Inbound;
use super::outgoing::Outgoing;
use super::pacing::ReadPacing;

pub(super) struct Link {
    pub inbound: Inbound,
    pub writer: WriteHalf<BoxedStream>,
    /// Packets encoded and not yet written.
    pub outgoing: Outgoing,
    pacing: ReadPacing,
    /// While `read_paused`, when the next read may happen.
    pub read_pause: Pin<Box<Sleep>>,
    pub read_paused: bool,
    /// Fires at the session's next deadline, while `deadline` is set.
    pub deadline_timer: Pin<Box<Sleep>>,
    pub deadline: Option<Instant>,
    /// Once `closing`, when the link is closed even if a write is stuck.
    pub close_by: Pin<Box<Sleep>>,
    pub closing: bool,
    /// Since when the consumer has been behind (reading stopped).
    pub backlogged_since: Option<Instant>,
    far_future: Instant,
}

impl Link {
    /// Writes and flushes everything encoded (what a failing link says last).
    pub async fn write_all_outgoing(&mut self) -> std::io::Result<()> {
        while !self.outgoing.is_empty() {
            self.outgoing.write_to(&mut self.writer).await?;
        }
        Ok(())
    }

    pub fn new(stream: BoxedStream) -> Link {
        let far_future = Instant::now() + Duration::from_secs(86_400 * 365);
        let (reader, writer) = tokio::io::split(stream);
        Link {
            inbound: Inbound::new(reader),
            writer,
            outgoing: Outgoing::default(),
            pacing: ReadPacing::default(),
            read_pause: Box::pin(sleep_until(far_future)),
            read_paused: false,
            deadline_timer: Box::pin(sleep_until(far_future)),
            deadline: None,
            close_by: Box::pin(sleep_until(far_future)),
            closing: false,
            backlogged_since: None,
            far_future,
        }
    }

    /// Sets the deadline timer to `deadline` (none: it never fires).
    pub fn arm_deadline(&mut self, deadline: Option<Instant>) {
        if deadline != self.deadline {
            self.deadline_timer
                .as_mut()
                .reset(deadline.unwrap_or(self.far_future));
            self.deadline = deadline;
        }
    }

    /// The deadline timer fired: it waits for the next `arm_deadline`.
    pub fn deadline_passed(&mut self) {
        self.deadline = None;
    }

    /// From now on the link is closing; it is closed `grace` from now at
    /// the latest. Later calls change nothing.
    pub fn start_closing(&mut self, grace: Duration) {
        if !self.closing {
            self.closing = true;
            self.close_by.as_mut().reset(Instant::now() + grace);
        }
    }

    /// After a read that brought `packets` whole packets: a fast stream
    /// pauses before the next read (see `ReadPacing`).
    pub fn pace(&mut self, packets: usize, filled: bool) {
        if let Some(until) = self
            .pacing
            .pause_after_read(Instant::now(), packets, filled)
        {
            self.read_pause.as_mut().reset(until);
            self.read_paused = true;
        }
    }
}
