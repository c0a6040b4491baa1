//! The read side of a link: the stream's read half and the bytes read and
//! not yet decoded.
//!
//! Most links are idle most of the time, and a buffer waiting for a read
//! would be most of an idle link's memory. So while no partial packet is
//! held and reads are small, a read goes into the I/O thread's scratch
//! buffer and the link keeps only the bytes that came. A stream whose reads
//! fill what was asked reads into a buffer of its own instead (copying large
//! reads would cost it), until its reads are small again.

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
        let (bytes, room) = if self.incoming.is_empty() && self.read_size == FIRST_READ {
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

    /// A read that filled the room it had asks for more next time; one
    /// that brought less than a quarter of it starts over small.
    fn took(&mut self, bytes: usize, room: usize) -> Read {
        let filled = bytes > 0 && bytes == room;
        if filled {
            self.read_size = (self.read_size * 2).min(READ_CHUNK);
        } else if bytes < room / 4 {
            self.read_size = FIRST_READ;
        }
        Read { bytes, filled }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::runtime::for_tests;
    use std::time::Duration;
    use tokio::io::{AsyncWriteExt, DuplexStream};

    /// An inbound side reading what `peer` writes.
    fn inbound() -> (Inbound, DuplexStream) {
        let (ours, peer) = tokio::io::duplex(256 * 1024);
        let (reader, _writer) = tokio::io::split(Box::new(ours) as BoxedStream);
        (Inbound::new(reader), peer)
    }

    #[test]
    fn a_link_waiting_for_bytes_holds_no_buffer_and_keeps_only_what_came() {
        for_tests().block_on(async {
            let (mut inbound, mut peer) = inbound();
            peer.write_all(b"\x30\x03\x00\x01t").await.unwrap();
            let read = inbound.read().await.unwrap();
            assert_eq!((read.bytes, read.filled), (5, false));
            assert_eq!(&inbound.incoming[..], b"\x30\x03\x00\x01t");
            // What decoding takes leaves the buffer empty; the next read lets it go.
            inbound.incoming.clear();
            let waiting = tokio::time::timeout(Duration::from_millis(20), inbound.read()).await;
            assert!(
                waiting.is_err(),
                "nothing was written, yet the read returned"
            );
            assert_eq!(inbound.incoming.capacity(), 0);
        });
    }

    #[test]
    fn a_half_read_packet_is_completed_in_the_links_own_buffer() {
        for_tests().block_on(async {
            let (mut inbound, mut peer) = inbound();
            peer.write_all(b"\x30\x03\x00").await.unwrap();
            inbound.read().await.unwrap();
            peer.write_all(b"\x01t").await.unwrap();
            inbound.read().await.unwrap();
            assert_eq!(&inbound.incoming[..], b"\x30\x03\x00\x01t");
        });
    }

    #[test]
    fn reads_that_fill_ask_for_more_and_a_small_one_starts_over() {
        for_tests().block_on(async {
            let (mut inbound, mut peer) = inbound();
            peer.write_all(&vec![0; READ_CHUNK * 2]).await.unwrap();
            let mut asked = Vec::new();
            for _ in 0..5 {
                asked.push(inbound.read_size);
                assert!(inbound.read().await.unwrap().filled);
            }
            assert_eq!(asked, [4096, 8192, 16384, 32768, 65536]);
            assert_eq!(inbound.read_size, READ_CHUNK);
            inbound.incoming.clear();
            // The rest of the large write and a PINGRESP: far less than asked.
            peer.write_all(b"\xd0\x00").await.unwrap();
            let read = inbound.read().await.unwrap();
            assert_eq!(read.bytes, READ_CHUNK * 2 - asked.iter().sum::<usize>() + 2);
            assert_eq!(inbound.read_size, FIRST_READ);
        });
    }
}
