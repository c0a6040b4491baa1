//! Idle buffers given back. Most connections are idle most of the time, and
//! the few-item buffer a queue keeps after its first burst (CONNECT, CONNACK,
//! a subscription) is much of an idle connection's memory. So a queue that
//! empties while its buffer is small lets the buffer go; a busy queue's has
//! grown past that and is kept, so heavy traffic does not allocate per burst.

use std::collections::VecDeque;

/// Items a buffer may hold at most and still be given back when emptied.
const SMALL: usize = 8;

pub trait ReleaseWhenEmpty {
    /// Frees the buffer if it is empty and small.
    fn release_when_empty(&mut self);
}

impl<T> ReleaseWhenEmpty for Vec<T> {
    fn release_when_empty(&mut self) {
        if self.is_empty() && (1..=SMALL).contains(&self.capacity()) {
            *self = Vec::new();
        }
    }
}

impl<T> ReleaseWhenEmpty for VecDeque<T> {
    fn release_when_empty(&mut self) {
        if self.is_empty() && (1..=SMALL).contains(&self.capacity()) {
            *self = VecDeque::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_emptied_buffer_is_freed_and_a_grown_one_kept() {
        let mut small: VecDeque<u8> = VecDeque::from(vec![1, 2, 3]);
        small.clear();
        small.release_when_empty();
        assert_eq!(small.capacity(), 0);

        let mut busy: Vec<u8> = (0..100).collect();
        busy.clear();
        busy.release_when_empty();
        assert!(busy.capacity() >= 100);

        let mut holding = vec![1u8];
        holding.release_when_empty();
        assert_eq!(holding, [1]);
    }
}
