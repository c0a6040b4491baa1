//! The operations sent and waiting for their acknowledgement, by packet id,
//! with the count of publishes among them: what the broker's Receive Maximum
//! bounds (MQTT 5 section 4.9). A publish stays one until it completes, at
//! whatever step of its flow.

use std::collections::HashMap;

use super::outbound::InFlight;

#[derive(Default)]
pub(super) struct InFlightTable {
    operations: HashMap<u16, InFlight>,
    publishes: usize,
}

impl InFlightTable {
    pub fn insert(&mut self, packet_id: u16, operation: InFlight) {
        self.publishes += usize::from(operation.is_publish());
        if let Some(replaced) = self.operations.insert(packet_id, operation) {
            self.publishes -= usize::from(replaced.is_publish());
        }
    }

    pub fn remove(&mut self, packet_id: u16) -> Option<InFlight> {
        let operation = self.operations.remove(&packet_id)?;
        self.publishes -= usize::from(operation.is_publish());
        Some(operation)
    }

    pub fn drain(&mut self) -> impl Iterator<Item = (u16, InFlight)> + '_ {
        self.publishes = 0;
        self.operations.drain()
    }

    pub fn get(&self, packet_id: u16) -> Option<&InFlight> {
        self.operations.get(&packet_id)
    }

    /// The operation to move along its flow (a publish stays a publish).
    pub fn get_mut(&mut self, packet_id: u16) -> Option<&mut InFlight> {
        self.operations.get_mut(&packet_id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&u16, &InFlight)> {
        self.operations.iter()
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut InFlight> {
        self.operations.values_mut()
    }

    /// QoS 1 and 2 publishes among the operations.
    pub fn publishes(&self) -> usize {
        self.publishes
    }
}
