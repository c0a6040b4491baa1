//! One network link's I/O: the stream's halves, the bytes read and not yet
//! decoded, the packets encoded and not yet written, and the pacing of
//! reads. The driver selects on its fields directly (a read, a write and the
//! read pause are polled at once, so they borrow disjoint fields).

use std::pin::Pin;

use bytes::BytesMut;
use tokio::io::{ReadHalf, WriteHalf};
use tokio::time::{sleep_until, Instant, Sleep};

use crate::transport::BoxedStream;

use super::outgoing::Outgoing;
use super::pacing::ReadPacing;

/// Bytes asked of the socket per read at first: an idle link holds little.
const FIRST_READ: usize = 4 * 1024;
/// Bytes asked per read once reads fill the buffer: many packets per read.
const READ_CHUNK: usize = 64 * 1024;

pub(super) struct Link {
    pub reader: ReadHalf<BoxedStream>,
    pub writer: WriteHalf<BoxedStream>,
    /// Bytes read and not yet decoded.
    pub incoming: BytesMut,
    /// Packets encoded and not yet written.
    pub outgoing: Outgoing,
    read_size: usize,
    pacing: ReadPacing,
    /// While `read_paused`, when the next read may happen.
    pub read_pause: Pin<Box<Sleep>>,
    pub read_paused: bool,
}

impl Link {
    pub fn new(stream: BoxedStream, far_future: Instant) -> Link {
        let (reader, writer) = tokio::io::split(stream);
        Link {
            reader,
            writer,
            incoming: BytesMut::with_capacity(FIRST_READ),
            outgoing: Outgoing::default(),
            read_size: FIRST_READ,
            pacing: ReadPacing::default(),
            read_pause: Box::pin(sleep_until(far_future)),
            read_paused: false,
        }
    }

    /// Makes room for the next read when little is left.
    pub fn make_room(&mut self) {
        if self.incoming.capacity() - self.incoming.len() < self.read_size / 4 {
            self.incoming.reserve(self.read_size);
        }
    }

    /// A read brought bytes: a read that filled the buffer asks for more
    /// next time. Says whether it filled it.
    pub fn grew(&mut self) -> bool {
        let filled = self.incoming.capacity() == self.incoming.len();
        if filled {
            self.read_size = (self.read_size * 2).min(READ_CHUNK);
        }
        filled
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
