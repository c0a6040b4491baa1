//! Topic name and topic filter syntax (MQTT 3.1.1 section 4.7) and matching.

/// Why a topic name or filter is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    #[error("topic must not be empty")]
    Empty,
    #[error("topic is longer than 65,535 bytes")]
    TooLong,
    #[error("topic must not contain U+0000")]
    NullCharacter,
    #[error("topic must not contain the wildcards '+' or '#'")]
    WildcardInName,
    #[error("'#' must be the last level of a topic filter, alone")]
    MisplacedMultiLevelWildcard,
    #[error("'+' must occupy a whole level of a topic filter")]
    MisplacedSingleLevelWildcard,
}

/// Rules shared by names and filters [MQTT-4.7.3-1], [MQTT-4.7.3-2], [MQTT-4.7.3-3].
fn validate_common(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > usize::from(u16::MAX) {
        return Err(TopicError::TooLong);
    }
    if topic.contains('\0') {
        return Err(TopicError::NullCharacter);
    }
    Ok(())
}

/// Checks a topic name, as used in PUBLISH and the will: no wildcards.
pub fn validate_topic_name(topic: &str) -> Result<(), TopicError> {
    validate_common(topic)?;
    if topic.contains(['+', '#']) {
        return Err(TopicError::WildcardInName);
    }
    Ok(())
}

/// Checks a topic filter, as used in SUBSCRIBE and UNSUBSCRIBE.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    validate_common(filter)?;
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        let is_last = levels.peek().is_none();
        if level.contains('#') && (level != "#" || !is_last) {
            return Err(TopicError::MisplacedMultiLevelWildcard);
        }
        if level.contains('+') && level != "+" {
            return Err(TopicError::MisplacedSingleLevelWildcard);
        }
    }
    Ok(())
}

/// Whether a topic filter has a wildcard level (`+` or `#`).
pub fn has_wildcard(filter: &str) -> bool {
    filter.split('/').any(|level| level == "+" || level == "#")
}

/// Whether a topic filter is an MQTT 5 shared subscription (`$share/group/filter`).
pub fn is_shared_subscription(filter: &str) -> bool {
    filter.starts_with("$share/")
}

/// Whether a message published on `topic` is delivered to a subscription on
/// `filter`. Both are assumed valid; an invalid filter matches nothing useful.
pub fn topic_matches_filter(filter: &str, topic: &str) -> bool {
    // Topics such as `$SYS/...` are not matched by a leading wildcard [MQTT-4.7.2-1].
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut topic_levels = topic.split('/');
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            // `#` also matches the parent level: `a/#` matches `a` [MQTT 4.7.1.2].
            (Some("#"), _) => return filter_levels.next().is_none(),
            (Some("+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names() {
        for name in [
            "a",
            "/",
            "a/b/c",
            "/leading",
            "trailing/",
            "a//b",
            "$SYS/x",
            "é/ü",
        ] {
            assert_eq!(validate_topic_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn invalid_names() {
        assert_eq!(validate_topic_name(""), Err(TopicError::Empty));
        assert_eq!(validate_topic_name("a/+"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a/#"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a+b"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a\0b"), Err(TopicError::NullCharacter));
        let long = "x".repeat(65_536);
        assert_eq!(validate_topic_name(&long), Err(TopicError::TooLong));
        assert_eq!(validate_topic_name(&long[1..]), Ok(()));
    }

    #[test]
    fn valid_filters() {
        for filter in [
            "#", "+", "a/#", "a/+/c", "+/+", "/+", "+/", "$SYS/#", "a//#", "a/b",
        ] {
            assert_eq!(validate_topic_filter(filter), Ok(()), "{filter}");
        }
    }

    #[test]
    fn invalid_filters() {
        use TopicError::*;
        assert_eq!(validate_topic_filter(""), Err(Empty));
        assert_eq!(validate_topic_filter("a\0"), Err(NullCharacter));
        assert_eq!(
            validate_topic_filter("a/#/b"),
            Err(MisplacedMultiLevelWildcard)
        );
        assert_eq!(
            validate_topic_filter("a#"),
            Err(MisplacedMultiLevelWildcard)
        );
        assert_eq!(
            validate_topic_filter("a/b#"),
            Err(MisplacedMultiLevelWildcard)
        );
        assert_eq!(
            validate_topic_filter("##"),
            Err(MisplacedMultiLevelWildcard)
        );
        assert_eq!(
            validate_topic_filter("a+"),
            Err(MisplacedSingleLevelWildcard)
        );
        assert_eq!(
            validate_topic_filter("a/+b/c"),
            Err(MisplacedSingleLevelWildcard)
        );
        assert_eq!(validate_topic_filter(&"x".repeat(65_536)), Err(TooLong));
    }

    #[test]
    fn error_messages_are_readable() {
        assert_eq!(TopicError::Empty.to_string(), "topic must not be empty");
        assert_eq!(
            TopicError::MisplacedMultiLevelWildcard.to_string(),
            "'#' must be the last level of a topic filter, alone"
        );
    }

    #[test]
    fn matching() {
        let yes = [
            ("a/+/c", "a/b/c"),
            ("#", "a"),
            ("#", "a/b/c"),
            ("a/#", "a"),
            ("a/#", "a/b/c"),
            ("+/+", "/x"),
            ("/+", "/x"),
            ("a/b", "a/b"),
            ("+", ""),
            ("a/+", "a/"),
            ("$SYS/#", "$SYS/x"),
            ("$SYS/+", "$SYS/x"),
        ];
        for (filter, topic) in yes {
            assert!(
                topic_matches_filter(filter, topic),
                "{filter} should match {topic}"
            );
        }
        let no = [
            ("a/+/c", "a/b/d"),
            ("a/+/c", "a/b/c/d"),
            ("+", "/x"),
            ("a/b", "a/b/c"),
            ("a/b/c", "a/b"),
            ("a/+", "a"),
            ("#", "$SYS/x"),
            ("+/x", "$SYS/x"),
            ("+", "$SYS"),
            ("A", "a"),
            ("a/#/b", "a/x/b"),
        ];
        for (filter, topic) in no {
            assert!(
                !topic_matches_filter(filter, topic),
                "{filter} should not match {topic}"
            );
        }
    }
}
