//! Read pacing. Every read costs the I/O thread a wake-up, system calls and
//! a context switch, and every batch costs JavaScript a call: when packets
//! stream in one or two at a time, that overhead is most of the cost. So when
//! they arrive faster than one per `FAST_GAP`, the driver waits `LINGER`
//! before it reads again and then takes many at once. Slower traffic is read
//! as soon as it arrives: its latency is untouched.

use std::time::Duration;

use tokio::time::Instant;

/// The pause before the next read of a fast stream.
pub const LINGER: Duration = Duration::from_millis(1);
/// Packets closer together than this (20,000 a second) make a fast stream.
const FAST_GAP: Duration = Duration::from_micros(50);

#[derive(Default)]
pub struct ReadPacing {
    last_read: Option<Instant>,
}

impl ReadPacing {
    /// After a read at `now` that brought `packets` whole packets: when the
    /// next read may happen, if not at once. A read that filled the buffer
    /// left more waiting, so the next one comes at once.
    pub fn pause_after_read(
        &mut self,
        now: Instant,
        packets: usize,
        filled: bool,
    ) -> Option<Instant> {
        let previous = self.last_read.replace(now)?;
        if filled || packets == 0 {
            return None;
        }
        let gap = now.duration_since(previous) / u32::try_from(packets).unwrap_or(u32::MAX);
        (gap < FAST_GAP).then_some(now + LINGER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_stream_pauses_reads_and_a_slow_one_does_not() {
        let start = Instant::now();
        let mut pacing = ReadPacing::default();
        assert_eq!(
            pacing.pause_after_read(start, 1, false),
            None,
            "a first read never waits"
        );
        // 10 packets 100 us after the last read: 10 us apart, a fast stream.
        let at = start + Duration::from_micros(100);
        assert_eq!(pacing.pause_after_read(at, 10, false), Some(at + LINGER));
        // One packet 200 us later: 5,000 a second, read at once.
        let at = at + Duration::from_micros(200);
        assert_eq!(pacing.pause_after_read(at, 1, false), None);
    }

    #[test]
    fn a_full_buffer_or_a_partial_packet_is_read_on_at_once() {
        let start = Instant::now();
        let mut pacing = ReadPacing::default();
        pacing.pause_after_read(start, 1, false);
        let at = start + Duration::from_micros(10);
        assert_eq!(pacing.pause_after_read(at, 100, true), None);
        assert_eq!(pacing.pause_after_read(at, 0, false), None);
    }
}
