//! A bound on what goes out per second (AWS IoT Core's limits, when a
//! client asks for them): token buckets for publishes and for bytes, each
//! holding at most one second's worth.

use std::time::{Duration, Instant};

use super::SendRate;

const SHORTEST_WAIT: Duration = Duration::from_millis(1);

#[derive(Debug)]
struct Bucket {
    per_second: f64,
    tokens: f64,
    refilled: Option<Instant>,
}

impl Bucket {
    fn new(per_second: u32) -> Bucket {
        let per_second = f64::from(per_second.max(1));
        Bucket {
            per_second,
            tokens: per_second,
            refilled: None,
        }
    }

    fn refill(&mut self, now: Instant) {
        if let Some(at) = self.refilled {
            let earned = now.saturating_duration_since(at).as_secs_f64() * self.per_second;
            self.tokens = (self.tokens + earned).min(self.per_second);
        }
        self.refilled = Some(now);
    }

    /// When `amount` may go (at most a second's worth is waited for, so
    /// one large packet is never held for good); `None`: now. A wait is at
    /// least `SHORTEST_WAIT`, so a shortfall rounding leaves is never due at
    /// once.
    fn ready_at(&mut self, amount: f64, now: Instant) -> Option<Instant> {
        self.refill(now);
        let needed = amount.min(self.per_second);
        (self.tokens < needed).then(|| {
            let wait = Duration::from_secs_f64((needed - self.tokens) / self.per_second);
            now + wait.max(SHORTEST_WAIT)
        })
    }
}

#[derive(Debug, Default)]
pub(super) struct Throttle {
    buckets: Option<(Bucket, Bucket)>,
}

impl Throttle {
    pub fn new(rate: Option<SendRate>) -> Throttle {
        Throttle {
            buckets: rate.map(|rate| {
                (
                    Bucket::new(rate.publishes_per_second),
                    Bucket::new(rate.bytes_per_second),
                )
            }),
        }
    }

    /// When an operation of `bytes` (a publish if `publish`) may go out;
    /// `None`: now.
    pub fn ready_at(&mut self, publish: bool, bytes: u64, now: Instant) -> Option<Instant> {
        let (publishes, throughput) = self.buckets.as_mut()?;
        let by_count = if publish {
            publishes.ready_at(1.0, now)
        } else {
            None
        };
        by_count.max(throughput.ready_at(bytes as f64, now))
    }

    /// An operation of `bytes` went out.
    pub fn spend(&mut self, publish: bool, bytes: u64) {
        if let Some((publishes, throughput)) = self.buckets.as_mut() {
            if publish {
                publishes.tokens -= 1.0;
            }
            throughput.tokens -= bytes as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(publishes: u32, bytes: u32) -> Throttle {
        Throttle::new(Some(SendRate {
            publishes_per_second: publishes,
            bytes_per_second: bytes,
        }))
    }

    #[test]
    fn no_rate_never_waits() {
        let mut throttle = Throttle::new(None);
        assert_eq!(throttle.ready_at(true, u64::MAX, Instant::now()), None);
    }

    #[test]
    fn publishes_past_the_rate_wait_for_their_share_of_a_second() {
        let now = Instant::now();
        let mut throttle = rate(10, 1_000_000);
        for _ in 0..10 {
            assert_eq!(throttle.ready_at(true, 10, now), None);
            throttle.spend(true, 10);
        }
        let at = throttle.ready_at(true, 10, now).expect("the 11th waits");
        assert!(
            at > now && at <= now + Duration::from_millis(101),
            "{:?}",
            at - now
        );
        assert_eq!(throttle.ready_at(true, 10, at), None);
        // Subscriptions do not count against the publish rate.
        assert_eq!(throttle.ready_at(false, 10, now), None);
    }

    #[test]
    fn bytes_past_the_rate_wait_and_a_huge_packet_waits_at_most_a_second() {
        let now = Instant::now();
        let mut throttle = rate(1000, 100);
        throttle.spend(false, 100);
        let at = throttle.ready_at(false, 50, now).expect("waits");
        assert!(at >= now + Duration::from_millis(499));
        let huge = throttle.ready_at(false, 1_000_000, now).expect("waits");
        assert!(huge <= now + Duration::from_millis(1001));
    }
}
