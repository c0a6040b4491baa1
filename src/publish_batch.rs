//! Publishes handed over many at once: a JS turn's small publishes cross the
//! N-API boundary in one call (one unwrap, one borrow, one string and one
//! copy of their payloads) instead of one call each, which costs more than
//! queueing the publish itself. MQTT 5 user properties ride along, as one
//! string for the batch.

use bytes::Bytes;
use napi::bindgen_prelude::{Uint32Array, Uint8Array};
use napi_derive::napi;

use crate::protocol::{Property, QoS};
use crate::session::Request;

use super::connection::NativeConnection;
use super::properties::{take_user_properties, user_property_parts};

/// In a batch's flags byte, bits 0-1 are the QoS and this bit is retain.
#[napi]
pub const PUBLISH_BATCH_RETAIN: u32 = 4;
/// What separates the topics of a batch (MQTT topics cannot hold U+0000).
#[napi]
pub const PUBLISH_BATCH_TOPIC_SEPARATOR: &str = "\0";

/// A publish of a batch that was not queued, and why (the words of the
/// TypeError a single publish would have thrown).
#[napi(object)]
pub struct PublishRefusal {
    pub index: u32,
    pub message: String,
}

#[napi]
impl NativeConnection {
    /// Queues publish `i` of a batch, without waking the driver (`flush`
    /// does): operation id `ids[i]`, the i-th of `topics` (joined by
    /// PUBLISH_BATCH_TOPIC_SEPARATOR), QoS and retain in `flags[i]`, payload
    /// `payloads[ends[i-1]..ends[i]]`, and MQTT 5 user properties: the next
    /// `user_property_pairs[i]` names and values of `user_properties`
    /// (every name and value of the batch joined by U+0000). Returns the
    /// publishes it refused; the others are queued in order.
    // Positional, like `publish`: no object to build and read per batch.
    #[allow(clippy::too_many_arguments)]
    #[napi]
    pub fn publish_batch(
        &self,
        ids: Uint32Array,
        topics: String,
        flags: Uint8Array,
        payloads: &[u8],
        ends: Uint32Array,
        user_properties: Option<String>,
        user_property_pairs: Option<Uint32Array>,
    ) -> Vec<PublishRefusal> {
        // One copy for the whole batch; each publish keeps a slice of it.
        let payloads = Bytes::copy_from_slice(payloads);
        let mut refusals = Vec::new();
        let mut start = 0;
        let topics = topics.split(PUBLISH_BATCH_TOPIC_SEPARATOR);
        let mut names_and_values =
            user_property_parts(user_properties.as_deref().unwrap_or_default());
        let pairs = user_property_pairs.as_deref().unwrap_or_default();
        for (index, (topic, ((&id, &flag), &end))) in topics
            .zip(ids.iter().zip(flags.iter()).zip(ends.iter()))
            .enumerate()
        {
            let payload = payloads.slice(start as usize..end as usize);
            start = end;
            let mut properties = Vec::new();
            let count = pairs.get(index).copied().unwrap_or(0);
            let queued = take_user_properties(&mut names_and_values, count, &mut properties)
                .and_then(|()| self.queue_one(id, topic, flag, payload, properties));
            if let Err(message) = queued {
                refusals.push(PublishRefusal {
                    index: index as u32,
                    message,
                });
            }
        }
        refusals
    }
}

impl NativeConnection {
    fn queue_one(
        &self,
        id: u32,
        topic: &str,
        flags: u8,
        payload: Bytes,
        properties: Vec<Property>,
    ) -> Result<(), String> {
        // The engine checks the topic and the payload's size as it queues.
        let qos = QoS::from_u8(flags & 0b11).ok_or("qos must be 0, 1 or 2")?;
        let request = Request::Publish {
            topic: topic.to_string(),
            payload,
            qos,
            retain: u32::from(flags) & PUBLISH_BATCH_RETAIN != 0,
            properties,
        };
        self.submit_deferred(id, request).map_err(|e| e.to_string())
    }
}
