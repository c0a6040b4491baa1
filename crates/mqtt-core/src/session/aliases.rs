//! Topic aliases (MQTT 5 section 3.3.2.3.4): per link and per direction, a
//! number from 1 to the receiver's Topic Alias Maximum standing for a topic.
//! Both tables start empty on every link.

use std::collections::HashMap;

use crate::protocol::{Property, Publish, ReasonCode};

use super::types::TopicAliasing;

/// The Topic Alias property of a publish, if it has one.
pub(super) fn alias_of(properties: &[Property]) -> Option<u16> {
    properties.iter().find_map(|property| match property {
        Property::TopicAlias(alias) => Some(*alias),
        _ => None,
    })
}

/// The aliases the broker sets for what it sends us, up to the maximum our
/// CONNECT announced.
#[derive(Default)]
pub(super) struct InboundAliases {
    maximum: u16,
    topics: HashMap<u16, String>,
}

impl InboundAliases {
    pub fn new(maximum: u16) -> InboundAliases {
        InboundAliases {
            maximum,
            topics: HashMap::new(),
        }
    }

    pub fn reset(&mut self) {
        self.topics.clear();
    }

    /// Gives `publish` the topic its alias stands for, or binds the alias to
    /// its topic. The error is the reason code the link ends with and why.
    pub fn resolve(&mut self, publish: &mut Publish) -> Result<(), (ReasonCode, String)> {
        let Some(alias) = alias_of(&publish.properties) else {
            return Ok(());
        };
        if alias == 0 || alias > self.maximum {
            let what = format!(
                "the broker used topic alias {alias}; ours go from 1 to {}",
                self.maximum
            );
            return Err((ReasonCode::TOPIC_ALIAS_INVALID, what));
        }
        if !publish.topic.is_empty() {
            self.topics.insert(alias, publish.topic.clone());
            return Ok(());
        }
        match self.topics.get(&alias) {
            Some(topic) => {
                publish.topic.clone_from(topic);
                Ok(())
            }
            None => Err((
                ReasonCode::PROTOCOL_ERROR,
                format!("the broker used topic alias {alias} before giving it a topic"),
            )),
        }
    }
}

/// The aliases we set for what we send, up to the broker's maximum.
#[derive(Default)]
pub(super) struct OutboundAliases {
    aliasing: TopicAliasing,
    maximum: u16,
    by_topic: HashMap<String, u16>,
    /// Index `alias - 1`: its topic and when it was last used.
    slots: Vec<(String, u64)>,
    clock: u64,
}

impl OutboundAliases {
    pub fn new(aliasing: TopicAliasing) -> OutboundAliases {
        OutboundAliases {
            aliasing,
            ..OutboundAliases::default()
        }
    }

    /// A new link, whose broker takes `maximum` aliases.
    pub fn reset(&mut self, maximum: u16) {
        self.maximum = match self.aliasing {
            TopicAliasing::Off => 0,
            TopicAliasing::Assign { limit } => maximum.min(limit),
            TopicAliasing::Manual | TopicAliasing::Reuse => maximum,
        };
        self.by_topic.clear();
        self.slots.clear();
    }

    /// The topic `alias` stands for on this link.
    pub fn topic_of(&self, alias: u16) -> Option<&str> {
        let slot = self.slots.get(usize::from(alias).checked_sub(1)?)?;
        Some(slot.0.as_str())
    }

    /// Whether `apply` may give a publish that names no alias one, adding
    /// its 3 bytes.
    pub fn may_add_alias(&self) -> bool {
        self.aliasing != TopicAliasing::Manual && self.maximum > 0
    }

    /// Whether a publish that names `alias` can go out on this link.
    pub fn check(&self, alias: u16) -> Result<(), String> {
        if self.aliasing == TopicAliasing::Off {
            return Ok(()); // dropped by `apply`
        }
        if alias == 0 || alias > self.maximum {
            return Err(format!(
                "topic alias {alias} is out of range: the broker takes aliases from 1 to {}",
                self.maximum
            ));
        }
        Ok(())
    }

    /// Rewrites `publish` (its full topic, and the alias it names if any,
    /// checked) as it goes out: an alias already standing for its topic
    /// replaces the topic; a new one is bound to it.
    pub fn apply(&mut self, publish: &mut Publish) {
        self.clock += 1;
        let named = alias_of(&publish.properties);
        let bound = self.by_topic.get(&publish.topic).copied();
        let alias = match (named, self.aliasing) {
            (_, TopicAliasing::Off) => {
                publish
                    .properties
                    .retain(|p| !matches!(p, Property::TopicAlias(_)));
                return;
            }
            (Some(alias), _) => alias,
            (None, TopicAliasing::Manual) => return,
            (None, TopicAliasing::Reuse) => match bound {
                Some(alias) => alias,
                None => return,
            },
            (None, TopicAliasing::Assign { .. }) => match bound.or_else(|| self.free_alias()) {
                Some(alias) => alias,
                None => return,
            },
        };
        if named.is_none() {
            publish.properties.push(Property::TopicAlias(alias));
        }
        if bound == Some(alias) {
            publish.topic.clear();
        } else {
            self.bind(alias, publish.topic.clone());
        }
        if let Some(slot) = self.slots.get_mut(usize::from(alias) - 1) {
            slot.1 = self.clock;
        }
    }

    /// An alias not yet used on this link, else the least recently used one.
    fn free_alias(&self) -> Option<u16> {
        if self.slots.len() < usize::from(self.maximum) {
            return Some(self.slots.len() as u16 + 1);
        }
        let oldest = (0..self.slots.len()).min_by_key(|&i| self.slots[i].1)?;
        Some(oldest as u16 + 1)
    }

    fn bind(&mut self, alias: u16, topic: String) {
        let index = usize::from(alias) - 1;
        if index >= self.slots.len() {
            self.slots.resize(index + 1, (String::new(), 0));
        }
        let previous = std::mem::replace(&mut self.slots[index].0, topic.clone());
        if self.by_topic.get(&previous) == Some(&alias) {
            self.by_topic.remove(&previous);
        }
        self.by_topic.insert(topic, alias);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::QoS;
    use bytes::Bytes;

    fn publish(topic: &str, properties: Vec<Property>) -> Publish {
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: topic.into(),
            packet_id: 0,
            payload: Bytes::new(),
            properties,
        }
    }

    /// What goes out for each topic: the topic sent and the alias.
    fn sent(aliases: &mut OutboundAliases, topics: &[&str]) -> Vec<(String, Option<u16>)> {
        topics
            .iter()
            .map(|topic| {
                let mut publish = publish(topic, Vec::new());
                aliases.apply(&mut publish);
                (publish.topic, alias_of(&publish.properties))
            })
            .collect()
    }

    #[test]
    fn assigning_hands_on_the_least_recently_used_alias() {
        let mut aliases = OutboundAliases::new(TopicAliasing::Assign { limit: 9 });
        aliases.reset(2);
        let expected = [("a", 1), ("b", 2), ("", 1), ("c", 2), ("", 1), ("b", 2)];
        let expected: Vec<_> = expected
            .iter()
            .map(|(topic, alias)| (topic.to_string(), Some(*alias)))
            .collect();
        assert_eq!(
            sent(&mut aliases, &["a", "b", "a", "c", "a", "b"]),
            expected
        );
    }

    #[test]
    fn nothing_is_aliased_when_the_broker_takes_no_aliases_or_when_manual() {
        let mut assign = OutboundAliases::new(TopicAliasing::Assign { limit: 9 });
        assign.reset(0);
        assert_eq!(
            sent(&mut assign, &["a", "a"]),
            [("a".into(), None), ("a".into(), None)]
        );
        let mut manual = OutboundAliases::new(TopicAliasing::Manual);
        manual.reset(5);
        assert_eq!(
            sent(&mut manual, &["a", "a"]),
            [("a".into(), None), ("a".into(), None)]
        );
    }

    #[test]
    fn assigning_stays_within_its_own_limit() {
        let mut aliases = OutboundAliases::new(TopicAliasing::Assign { limit: 1 });
        aliases.reset(10);
        assert_eq!(
            sent(&mut aliases, &["a", "b", "b"]),
            [
                ("a".into(), Some(1)),
                ("b".into(), Some(1)),
                ("".into(), Some(1))
            ]
        );
    }

    #[test]
    fn off_drops_the_alias_a_publish_names() {
        let mut aliases = OutboundAliases::new(TopicAliasing::Off);
        aliases.reset(10);
        assert!(aliases.check(11).is_ok());
        let mut named = publish("t", vec![Property::TopicAlias(11)]);
        aliases.apply(&mut named);
        assert_eq!(
            (named.topic.as_str(), alias_of(&named.properties)),
            ("t", None)
        );
        assert_eq!(aliases.topic_of(11), None);
    }

    #[test]
    fn a_named_alias_binds_and_is_reused_and_a_new_link_starts_over() {
        let mut aliases = OutboundAliases::new(TopicAliasing::Reuse);
        aliases.reset(3);
        let mut first = publish("t", vec![Property::TopicAlias(3)]);
        aliases.apply(&mut first);
        assert_eq!(first.topic, "t");
        assert_eq!(aliases.topic_of(3), Some("t"));
        assert_eq!(sent(&mut aliases, &["t"]), [("".into(), Some(3))]);
        assert!(aliases.check(4).is_err());
        aliases.reset(3);
        assert_eq!(aliases.topic_of(3), None);
        assert_eq!(sent(&mut aliases, &["t"]), [("t".into(), None)]);
    }

    #[test]
    fn inbound_aliases_resolve_and_refuse_what_is_out_of_range_or_unknown() {
        let mut aliases = InboundAliases::new(2);
        let mut bind = publish("x/y", vec![Property::TopicAlias(1)]);
        assert_eq!(aliases.resolve(&mut bind), Ok(()));
        let mut used = publish("", vec![Property::TopicAlias(1)]);
        assert_eq!(aliases.resolve(&mut used), Ok(()));
        assert_eq!(used.topic, "x/y");
        for (alias, code) in [(0, 0x94), (3, 0x94), (2, 0x82)] {
            let mut bad = publish("", vec![Property::TopicAlias(alias)]);
            assert_eq!(aliases.resolve(&mut bad).unwrap_err().0, ReasonCode(code));
        }
        aliases.reset();
        let mut forgotten = publish("", vec![Property::TopicAlias(1)]);
        assert!(aliases.resolve(&mut forgotten).is_err());
    }
}
