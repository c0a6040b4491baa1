//! The wait before a reconnect attempt: exponential from the minimum to the
//! maximum, with jitter so that many clients cut off together do not come
//! back together.

use std::time::Duration;

use super::ReconnectDelays;

/// Where doubling starts when the minimum is zero (which would never grow).
const SMALLEST_STEP: Duration = Duration::from_millis(100);

pub struct Backoff {
    delays: ReconnectDelays,
    step: Duration,
}

impl Backoff {
    pub fn new(delays: ReconnectDelays) -> Backoff {
        let mut backoff = Backoff {
            delays,
            step: Duration::ZERO,
        };
        backoff.reset();
        backoff
    }

    /// Back to the minimum, after a link that stayed up.
    pub fn reset(&mut self) {
        self.step = self.delays.min.max(SMALLEST_STEP).min(self.delays.max);
    }

    /// The next wait: a random point in the upper half of the current step
    /// (never below the minimum), then the step doubles up to the maximum.
    pub fn next_delay(&mut self) -> Duration {
        let step = self.step;
        self.step = (step * 2).min(self.delays.max);
        let half = step / 2;
        let jitter = Duration::from_nanos(fastrand::u64(0..=half.as_nanos() as u64));
        (half + jitter).max(self.delays.min).min(self.delays.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(min: u64, max: u64) -> ReconnectDelays {
        ReconnectDelays {
            min: Duration::from_secs(min),
            max: Duration::from_secs(max),
        }
    }

    #[test]
    fn doubles_within_bounds_with_jitter_and_resets() {
        let mut backoff = Backoff::new(delays(1, 8));
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
    fn jitter_spreads_the_delays() {
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..20 {
            let mut backoff = Backoff::new(delays(4, 60));
            backoff.next_delay();
            distinct.insert(backoff.next_delay());
        }
        assert!(distinct.len() > 1);
    }

    #[test]
    fn a_zero_minimum_still_grows_and_zero_maximum_stays_zero() {
        let mut backoff = Backoff::new(delays(0, 2));
        let first = backoff.next_delay();
        assert!(first <= SMALLEST_STEP);
        for _ in 0..10 {
            assert!(backoff.next_delay() <= Duration::from_secs(2));
        }
        let mut none = Backoff::new(delays(0, 0));
        assert_eq!(none.next_delay(), Duration::ZERO);
    }
}
