//! Packet identifier allocation: never hands out an id that is still in use.

/// 65,535 usable ids (1..=65535), one bit each. The bits grow with the
/// highest id handed out: an idle connection holds a word, not 8 KiB.
pub struct PacketIds {
    in_use: Vec<u64>,
    next: u16,
    count: u32,
}

impl Default for PacketIds {
    fn default() -> Self {
        PacketIds {
            in_use: Vec::new(),
            next: 1,
            count: 0,
        }
    }
}

impl PacketIds {
    /// The next free id after the last one handed out, or `None` when all
    /// 65,535 are in use.
    pub fn allocate(&mut self) -> Option<u16> {
        if self.count == u32::from(u16::MAX) {
            return None;
        }
        loop {
            let id = self.next;
            self.next = if id == u16::MAX { 1 } else { id + 1 };
            if !self.is_used(id) {
                self.set(id, true);
                return Some(id);
            }
        }
    }

    pub fn release(&mut self, id: u16) {
        if id != 0 && self.is_used(id) {
            self.set(id, false);
        }
    }

    pub fn is_used(&self, id: u16) -> bool {
        self.in_use
            .get(usize::from(id / 64))
            .is_some_and(|word| word & (1 << (id % 64)) != 0)
    }

    fn set(&mut self, id: u16, used: bool) {
        let index = usize::from(id / 64);
        if index >= self.in_use.len() {
            self.in_use.resize(index + 1, 0);
        }
        let word = &mut self.in_use[index];
        if used {
            *word |= 1 << (id % 64);
            self.count += 1;
        } else {
            *word &= !(1 << (id % 64));
            self.count -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_reuses_an_id_in_use() {
        let mut ids = PacketIds::default();
        let first = ids.allocate().unwrap();
        for _ in 0..70_000 {
            let id = ids.allocate().unwrap();
            assert_ne!(id, first);
            assert_ne!(id, 0);
            ids.release(id);
        }
        assert!(ids.is_used(first));
    }

    #[test]
    fn runs_out_after_65535_and_recovers() {
        let mut ids = PacketIds::default();
        for _ in 0..65_535 {
            ids.allocate().unwrap();
        }
        assert_eq!(ids.allocate(), None);
        ids.release(4711);
        assert_eq!(ids.allocate(), Some(4711));
    }
}
