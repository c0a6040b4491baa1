//! The write side of a link: packets are encoded back to back into one
//! buffer and written with vectored writes, many packets per system call.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::protocol::{self, Packet, ProtocolError, ProtocolVersion};
use crate::session::ReleaseWhenEmpty;

/// How many buffers one vectored write takes at most.
const MAX_SLICES: usize = 64;

#[derive(Default)]
pub(super) struct Outgoing {
    /// Packets encoded since the last write started.
    staging: BytesMut,
    /// Encoded bytes handed to writes, oldest first.
    chunks: VecDeque<Bytes>,
    /// Everything is written but not yet flushed (WebSocket frames and TLS
    /// records may wait in a buffer until then).
    unflushed: bool,
}

impl Outgoing {
    /// Appends `packet`'s wire form at `version`, the link's.
    pub fn encode(
        &mut self,
        packet: &Packet,
        version: ProtocolVersion,
    ) -> Result<(), ProtocolError> {
        protocol::encode_as(packet, &mut self.staging, version)
    }

    /// Nothing is left to write or flush.
    pub fn is_empty(&self) -> bool {
        self.staging.is_empty() && self.chunks.is_empty() && !self.unflushed
    }

    /// One vectored write, or the flush that follows the last one.
    /// Cancel-safe: bytes count as written only once the write returns.
    pub async fn write_to<W: AsyncWrite + Unpin>(&mut self, writer: &mut W) -> io::Result<()> {
        if !self.staging.is_empty() {
            self.chunks.push_back(self.staging.split().freeze());
        }
        if self.chunks.is_empty() {
            writer.flush().await?;
            self.unflushed = false;
            return Ok(());
        }
        let mut written = poll_fn(|cx| {
            // Built per poll, so a waiting write does not carry the array.
            let mut slices = [IoSlice::new(&[]); MAX_SLICES];
            let mut count = 0;
            for (slot, chunk) in slices.iter_mut().zip(&self.chunks) {
                *slot = IoSlice::new(chunk);
                count += 1;
            }
            Pin::new(&mut *writer).poll_write_vectored(cx, &slices[..count])
        })
        .await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        while written > 0 {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            let step = written.min(front.len());
            front.advance(step);
            written -= step;
            if front.is_empty() {
                self.chunks.pop_front();
            }
        }
        self.chunks.release_when_empty();
        self.unflushed = true;
        Ok(())
    }
}
