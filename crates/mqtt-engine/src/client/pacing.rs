//! Read pacing. Every read costs the I/O thread a wake-up, system calls and
//! a context switch, and every batch costs JavaScript a call: when packets
//! stream in one or two at a time, that overhead is most of the cost. So
//! while packets have been arriving at more than `FAST_RATE` a second, the
//! driver waits `LINGER` after each read and then takes many at once. The
//! rate is judged over `WINDOW`, so a short burst in slower traffic does not
//! count as a fast stream: that traffic is read as soon as it arrives, and
//! its latency is untouched.

use std::time::Duration;

use tokio::time::Instant;

/// The pause before the next read of a fast stream.
pub const LINGER: Duration = Duration::from_millis(1);
/// The span over which the arrival rate is judged.
const WINDOW: Duration = Duration::from_millis(5);
/// Packets a second above which a stream is fast.
const FAST_RATE: u64 = 20_000;

#[derive(Default)]
pub struct ReadPacing {
    window_start: Option<Instant>,
    window_packets: u64,
    fast: bool,
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
        let start = *self.window_start.get_or_insert(now);
        self.window_packets += packets as u64;
        let elapsed = now.duration_since(start);
        if elapsed >= WINDOW {
            self.fast = self.window_packets * 1_000_000 > FAST_RATE * elapsed.as_micros() as u64;
            self.window_start = Some(now);
            self.window_packets = 0;
        }
        (self.fast && !filled).then_some(now + LINGER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPAN: Duration = Duration::from_millis(20);

    /// Feeds `SPAN` of reads of `packets` every `every` from `start`; the
    /// pause after the last.
    fn stream(
        pacing: &mut ReadPacing,
        start: Instant,
        every: Duration,
        packets: usize,
    ) -> Option<Instant> {
        let mut at = start;
        let mut pause = None;
        while at < start + SPAN {
            pause = pacing.pause_after_read(at, packets, false);
            at += every;
        }
        pause
    }

    /// 5 packets every 100 us: 50,000 a second.
    fn fast_stream(pacing: &mut ReadPacing, start: Instant) -> Option<Instant> {
        stream(pacing, start, Duration::from_micros(100), 5)
    }

    #[test]
    fn a_sustained_fast_stream_is_read_every_linger() {
        let mut pacing = ReadPacing::default();
        assert!(fast_stream(&mut pacing, Instant::now()).is_some());
    }

    #[test]
    fn bursts_of_a_slow_stream_are_read_at_once() {
        let mut pacing = ReadPacing::default();
        // 5 packets at once every 1 ms: 5,000 a second in bursts.
        let pause = stream(&mut pacing, Instant::now(), Duration::from_millis(1), 5);
        assert_eq!(pause, None);
    }

    #[test]
    fn a_stream_that_slows_down_is_read_at_once_again() {
        let mut pacing = ReadPacing::default();
        let start = Instant::now();
        fast_stream(&mut pacing, start);
        let pause = stream(&mut pacing, start + SPAN, Duration::from_millis(1), 1);
        assert_eq!(pause, None);
    }

    #[test]
    fn a_read_that_filled_the_buffer_is_followed_at_once() {
        let mut pacing = ReadPacing::default();
        let start = Instant::now();
        fast_stream(&mut pacing, start);
        let at = start + SPAN + Duration::from_millis(1);
        assert_eq!(pacing.pause_after_read(at, 100, true), None);
    }
}
