//! The wait before a reconnect attempt: exponential from the minimum to the
//! maximum, with jitter so that many clients cut off together do not come
//! back together.

use std::time::Duration;

use super::{Jitter, ReconnectDelays};

/// Where doubling starts when the minimum is zero (which would never grow).
const SMALLEST_STEP: Duration = Duration::from_millis(100);

pub struct Backoff {
    delays: ReconnectDelays,
    step: Duration,
    /// The wait drawn last (decorrelated jitter grows from it).
    last: Option<Duration>,
}

/// A random duration in `low..=high` (`low` when the range is empty).
fn between(low: Duration, high: Duration) -> Duration {
    let span = high
        .saturating_sub(low)
        .as_nanos()
        .min(u128::from(u64::MAX)) as u64;
    low + Duration::from_nanos(fastrand::u64(0..=span))
}

impl Backoff {
    pub fn new(delays: ReconnectDelays) -> Backoff {
        let mut backoff = Backoff {
            delays,
            step: Duration::ZERO,
            last: None,
        };
        backoff.reset();
        backoff
    }

    /// Back to the minimum, after a link that stayed up.
    pub fn reset(&mut self) {
        self.step = self.delays.min.max(SMALLEST_STEP).min(self.delays.max);
        self.last = None;
    }

    /// Whether a link that lasted `lasted` was up long enough to start over.
    pub fn is_stable(&self, lasted: Duration) -> bool {
        lasted >= self.delays.reset_after
    }

    /// The next wait, drawn from the current step as the jitter says (never
    /// above the maximum); then the step doubles up to the maximum.
    pub fn next_delay(&mut self) -> Duration {
        let ReconnectDelays { min, max, .. } = self.delays;
        let step = self.step;
        self.step = (step * 2).min(max);
        let delay = match (self.delays.jitter, self.last) {
            (Jitter::None, _) => step,
            (Jitter::Full, _) | (Jitter::Decorrelated, None) => between(Duration::ZERO, step),
            (Jitter::Equal, _) => between(step / 2, step).max(min),
            (Jitter::Decorrelated, Some(last)) => between(min, last * 3),
        }
        .min(max);
        self.last = Some(delay);
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(min: u64, max: u64, jitter: Jitter) -> ReconnectDelays {
        ReconnectDelays {
            min: Duration::from_secs(min),
            max: Duration::from_secs(max),
            jitter,
            reset_after: Duration::from_secs(30),
        }
    }

    #[test]
    fn equal_jitter_doubles_within_bounds_and_resets() {
        let mut backoff = Backoff::new(delays(1, 8, Jitter::Equal));
        let steps = [1, 2, 4, 8, 8, 8];
        for step in steps {
            let step = Duration::from_secs(step);
            let delay = backoff.next_delay();
            assert!(delay <= step, "{delay:?} above the step {step:?}");
            assert!(
                delay >= (step / 2).max(Duration::from_secs(1)),
                "{delay:?} below half of {step:?}"
            );
        }
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_secs(1));
    }

    #[test]
    fn no_jitter_is_the_step_itself() {
        let mut backoff = Backoff::new(delays(1, 10, Jitter::None));
        let waits: Vec<u64> = (0..6).map(|_| backoff.next_delay().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 10, 10]);
    }

    #[test]
    fn full_jitter_stays_under_the_step_and_spreads() {
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..20 {
            let mut backoff = Backoff::new(delays(4, 60, Jitter::Full));
            assert!(backoff.next_delay() <= Duration::from_secs(4));
            let second = backoff.next_delay();
            assert!(second <= Duration::from_secs(8));
            distinct.insert(second);
        }
        assert!(distinct.len() > 1);
    }

    #[test]
    fn decorrelated_jitter_grows_from_the_last_wait_within_bounds() {
        let mut backoff = Backoff::new(delays(1, 20, Jitter::Decorrelated));
        let mut last = backoff.next_delay();
        assert!(last <= Duration::from_secs(1));
        for _ in 0..20 {
            let next = backoff.next_delay();
            assert!(next >= Duration::from_secs(1).min(last * 3));
            assert!(
                next <= (last * 3)
                    .max(Duration::from_secs(1))
                    .min(Duration::from_secs(20))
            );
            last = next;
        }
    }

    #[test]
    fn a_zero_minimum_still_grows_and_zero_maximum_stays_zero() {
        let mut backoff = Backoff::new(delays(0, 2, Jitter::Equal));
        let first = backoff.next_delay();
        assert!(first <= SMALLEST_STEP);
        for _ in 0..10 {
            assert!(backoff.next_delay() <= Duration::from_secs(2));
        }
        let mut none = Backoff::new(delays(0, 0, Jitter::Equal));
        assert_eq!(none.next_delay(), Duration::ZERO);
    }

    #[test]
    fn a_link_is_stable_after_the_reset_time() {
        let backoff = Backoff::new(delays(1, 2, Jitter::Equal));
        assert!(!backoff.is_stable(Duration::from_secs(29)));
        assert!(backoff.is_stable(Duration::from_secs(30)));
    }
}
