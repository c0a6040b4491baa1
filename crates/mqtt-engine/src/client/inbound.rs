//! The read side of a link: the stream's read half and the bytes read and
//! not yet decoded.
//!
//! Most links are idle most of the time, and a buffer waiting for a read
//! would be most of an idle link's memory. So while no partial packet is
//! held, a read goes into the I/O thread's scratch buffer and the link keeps
//! only the bytes that came; a link holds a buffer of its own only while a
//! packet is half read.

use std::cell::RefCell;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Poll};

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf, ReadHalf};

use crate::transport::BoxedStream;

/// Bytes asked of the socket per read at first.
const FIRST_READ: usize = 4 * 1024;
/// Bytes asked per read once reads fill the buffer: many packets per read.
const READ_CHUNK: usize = 64 * 1024;

thread_local! {
    /// Where reads of links that hold no partial packet land, one per I/O
    /// thread (a read is one synchronous poll, so links never share it at once).
    static SCRATCH: RefCell<Box<[u8]>> = RefCell::new(vec![0; READ_CHUNK].into_boxed_slice());
}

/// What one read brought.
pub(super) struct Read {
    /// Bytes read; 0 when the peer closed the stream.
    pub bytes: usize,
    /// The read filled what was asked: more is likely waiting.
    pub filled: bool,
}

pub(super) struct Inbound {
    stream: ReadHalf<BoxedStream>,
    /// Bytes read and not yet decoded.
    pub incoming: BytesMut,
    read_size: usize,
}

impl Inbound {
    pub fn new(stream: ReadHalf<BoxedStream>) -> Inbound {
        Inbound {
            stream,
            incoming: BytesMut::new(),
            read_size: FIRST_READ,
        }
    }

    /// Reads what the stream has. Cancel-safe: bytes count once it returns.
    pub async fn read(&mut self) -> io::Result<Read> {
        let (bytes, room) = if self.incoming.is_empty() {
            // Lets go of what decoded packets no longer share.
            self.incoming = BytesMut::new();
            let asked = self.read_size;
            (self.read_through_scratch(asked).await?, asked)
        } else {
            if self.incoming.capacity() - self.incoming.len() < self.read_size / 4 {
                self.incoming.reserve(self.read_size);
            }
            let room = self.incoming.capacity() - self.incoming.len();
            (self.stream.read_buf(&mut self.incoming).await?, room)
        };
        Ok(self.took(bytes, room))
    }

    async fn read_through_scratch(&mut self, asked: usize) -> io::Result<usize> {
        poll_fn(|cx| {
            SCRATCH.with_borrow_mut(|scratch| {
                let mut buf = ReadBuf::new(&mut scratch[..asked]);
                ready!(Pin::new(&mut self.stream).poll_read(cx, &mut buf))?;
                self.incoming.extend_from_slice(buf.filled());
                Poll::Ready(Ok(buf.filled().len()))
            })
        })
        .await
    }

    /// A read that filled the room it had asks for more next time.
    fn took(&mut self, bytes: usize, room: usize) -> Read {
        let filled = bytes > 0 && bytes == room;
        if filled {
            self.read_size = (self.read_size * 2).min(READ_CHUNK);
        }
        Read { bytes, filled }
    }
}
