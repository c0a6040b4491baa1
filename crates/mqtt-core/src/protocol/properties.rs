//! MQTT 5 properties (section 2.2.2): each declared once, with its
//! identifier, its wire form and the packets that may carry it. A property
//! list keeps the order of the wire (user properties are ordered and may
//! repeat); an empty list costs nothing, so a packet without properties
//! costs what it cost in MQTT 3.1.1.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::header::{read_remaining_length, remaining_length_len, write_remaining_length};
use super::strings::{binary_len, put_binary, put_string, read_binary, read_string, string_len};
use super::{ProtocolError, ProtocolVersion};

/// Where a property list stands: a packet, or the will inside CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyContext {
    Connect,
    Will,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth,
}

impl PropertyContext {
    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

const fn mask(contexts: &[PropertyContext]) -> u16 {
    let mut bits = 0;
    let mut i = 0;
    while i < contexts.len() {
        bits |= contexts[i].bit();
        i += 1;
    }
    bits
}

/// A pair of UTF-8 strings (a user property: name, value).
pub type StringPair = (String, String);

/// One value's wire form.
trait Wire: Sized {
    fn read(buf: &mut Bytes) -> Result<Self, ProtocolError>;
    fn len(&self) -> Result<usize, ProtocolError>;
    fn put(&self, out: &mut BytesMut);
}

/// Big-endian integers of a fixed width.
macro_rules! fixed_width {
    ($($ty:ty: $get:ident, $put:ident;)*) => {$(
        impl Wire for $ty {
            fn read(buf: &mut Bytes) -> Result<$ty, ProtocolError> {
                buf.$get().map_err(|_| PAST_END)
            }
            fn len(&self) -> Result<usize, ProtocolError> {
                Ok(std::mem::size_of::<$ty>())
            }
            fn put(&self, out: &mut BytesMut) {
                out.$put(*self);
            }
        }
    )*};
}

fixed_width! {
    u8: try_get_u8, put_u8;
    u16: try_get_u16, put_u16;
    u32: try_get_u32, put_u32;
}

impl Wire for String {
    fn read(buf: &mut Bytes) -> Result<String, ProtocolError> {
        read_string(buf)
    }
    fn len(&self) -> Result<usize, ProtocolError> {
        string_len(self)
    }
    fn put(&self, out: &mut BytesMut) {
        put_string(out, self);
    }
}

impl Wire for Bytes {
    fn read(buf: &mut Bytes) -> Result<Bytes, ProtocolError> {
        read_binary(buf)
    }
    fn len(&self) -> Result<usize, ProtocolError> {
        binary_len(self)
    }
    fn put(&self, out: &mut BytesMut) {
        put_binary(out, self);
    }
}

impl Wire for StringPair {
    fn read(buf: &mut Bytes) -> Result<StringPair, ProtocolError> {
        Ok((read_string(buf)?, read_string(buf)?))
    }
    fn len(&self) -> Result<usize, ProtocolError> {
        Ok(string_len(&self.0)? + string_len(&self.1)?)
    }
    fn put(&self, out: &mut BytesMut) {
        put_string(out, &self.0);
        put_string(out, &self.1);
    }
}

/// A Variable Byte Integer (1 to 268,435,455): the Subscription Identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarInt(pub u32);

impl Wire for VarInt {
    fn read(buf: &mut Bytes) -> Result<VarInt, ProtocolError> {
        let (value, len) = read_var_int(buf)?;
        buf.advance(len);
        Ok(VarInt(value as u32))
    }
    fn len(&self) -> Result<usize, ProtocolError> {
        remaining_length_len(self.0 as usize)
    }
    fn put(&self, out: &mut BytesMut) {
        write_remaining_length(out, self.0 as usize);
    }
}

const PAST_END: ProtocolError = ProtocolError::Malformed("property runs past its list");

/// A Variable Byte Integer at the front of `buf` and its length in bytes.
/// (A body error, unlike the same fault in a fixed header.)
fn read_var_int(buf: &Bytes) -> Result<(usize, usize), ProtocolError> {
    match read_remaining_length(buf) {
        Ok(Some(read)) => Ok(read),
        Ok(None) => Err(ProtocolError::Malformed(
            "variable byte integer runs past the packet",
        )),
        Err(_) => Err(ProtocolError::Malformed(
            "variable byte integer longer than 4 bytes",
        )),
    }
}

macro_rules! properties {
    ($($(#[$doc:meta])* $name:ident($ty:ty) = $id:literal in $contexts:expr;)*) => {
        /// One MQTT 5 property with its value.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Property {
            $($(#[$doc])* $name($ty),)*
        }

        impl Property {
            /// The property's identifier on the wire.
            pub fn id(&self) -> u8 {
                match self {
                    $(Property::$name(_) => $id,)*
                }
            }

            /// The contexts that may carry the property of identifier `id`;
            /// `None` for an identifier MQTT 5 does not define.
            fn contexts_of(id: u8) -> Option<u16> {
                match id {
                    $($id => Some(mask(&$contexts)),)*
                    _ => None,
                }
            }

            fn read_value(id: u8, buf: &mut Bytes) -> Result<Property, ProtocolError> {
                match id {
                    $($id => Ok(Property::$name(<$ty as Wire>::read(buf)?)),)*
                    _ => Err(ProtocolError::UnknownProperty(id)),
                }
            }

            fn value_len(&self) -> Result<usize, ProtocolError> {
                match self {
                    $(Property::$name(value) => Wire::len(value),)*
                }
            }

            fn put_value(&self, out: &mut BytesMut) {
                match self {
                    $(Property::$name(value) => Wire::put(value, out),)*
                }
            }
        }
    };
}

use PropertyContext::*;

properties! {
    /// 0: unspecified bytes, 1: UTF-8 text.
    PayloadFormatIndicator(u8) = 0x01 in [Publish, Will];
    /// Seconds.
    MessageExpiryInterval(u32) = 0x02 in [Publish, Will];
    ContentType(String) = 0x03 in [Publish, Will];
    ResponseTopic(String) = 0x08 in [Publish, Will];
    CorrelationData(Bytes) = 0x09 in [Publish, Will];
    /// 1 to 268,435,455; a PUBLISH from the server may carry several.
    SubscriptionIdentifier(VarInt) = 0x0B in [Publish, Subscribe];
    /// Seconds; 0xFFFFFFFF never expires.
    SessionExpiryInterval(u32) = 0x11 in [Connect, ConnAck, Disconnect];
    AssignedClientIdentifier(String) = 0x12 in [ConnAck];
    /// Seconds, replacing the client's keep alive.
    ServerKeepAlive(u16) = 0x13 in [ConnAck];
    AuthenticationMethod(String) = 0x15 in [Connect, ConnAck, Auth];
    AuthenticationData(Bytes) = 0x16 in [Connect, ConnAck, Auth];
    RequestProblemInformation(u8) = 0x17 in [Connect];
    /// Seconds.
    WillDelayInterval(u32) = 0x18 in [Will];
    RequestResponseInformation(u8) = 0x19 in [Connect];
    ResponseInformation(String) = 0x1A in [ConnAck];
    ServerReference(String) = 0x1C in [ConnAck, Disconnect];
    ReasonString(String) = 0x1F in [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    /// 1 to 65,535 unacknowledged QoS 1/2 publishes.
    ReceiveMaximum(u16) = 0x21 in [Connect, ConnAck];
    TopicAliasMaximum(u16) = 0x22 in [Connect, ConnAck];
    TopicAlias(u16) = 0x23 in [Publish];
    /// 0 or 1.
    MaximumQoS(u8) = 0x24 in [ConnAck];
    RetainAvailable(u8) = 0x25 in [ConnAck];
    /// Name and value; ordered, and a name may repeat.
    UserProperty(StringPair) = 0x26 in [Connect, Will, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck, Unsubscribe, UnsubAck, Disconnect, Auth];
    /// Bytes, at least 1.
    MaximumPacketSize(u32) = 0x27 in [Connect, ConnAck];
    WildcardSubscriptionAvailable(u8) = 0x28 in [ConnAck];
    SubscriptionIdentifiersAvailable(u8) = 0x29 in [ConnAck];
    SharedSubscriptionAvailable(u8) = 0x2A in [ConnAck];
}

impl Property {
    /// Whether the value is one MQTT 5 allows (section 3 of each packet):
    /// flags are 0 or 1, and the maxima and identifiers are not 0. (A topic
    /// alias of 0 is the session's to refuse: it ends the link with 0x94.)
    fn check_value(&self) -> Result<(), ProtocolError> {
        let valid = match self {
            Property::PayloadFormatIndicator(flag)
            | Property::RequestProblemInformation(flag)
            | Property::RequestResponseInformation(flag)
            | Property::MaximumQoS(flag)
            | Property::RetainAvailable(flag)
            | Property::WildcardSubscriptionAvailable(flag)
            | Property::SubscriptionIdentifiersAvailable(flag)
            | Property::SharedSubscriptionAvailable(flag) => *flag <= 1,
            Property::ReceiveMaximum(n) => *n != 0,
            Property::MaximumPacketSize(n) => *n != 0,
            Property::SubscriptionIdentifier(VarInt(n)) => *n != 0,
            _ => true,
        };
        if valid {
            Ok(())
        } else {
            Err(ProtocolError::InvalidPropertyValue(self.id()))
        }
    }

    /// Whether the property may appear more than once in `context`.
    fn repeats_in(&self, context: PropertyContext) -> bool {
        match self {
            Property::UserProperty(_) => true,
            Property::SubscriptionIdentifier(_) => context == PropertyContext::Publish,
            _ => false,
        }
    }
}

const NO_PROPERTIES_IN_V311: ProtocolError =
    ProtocolError::Malformed("MQTT 3.1.1 has no properties");

/// The wire size of a packet's property list at `version`: nothing in MQTT
/// 3.1.1, where a list that is not empty cannot be sent.
pub(super) fn properties_len_at(
    properties: &[Property],
    version: ProtocolVersion,
) -> Result<usize, ProtocolError> {
    match version {
        ProtocolVersion::V311 if properties.is_empty() => Ok(0),
        ProtocolVersion::V311 => Err(NO_PROPERTIES_IN_V311),
        ProtocolVersion::V5 => properties_len(properties),
    }
}

/// Writes a list `properties_len_at` accepted.
pub(super) fn put_properties_at(
    out: &mut BytesMut,
    properties: &[Property],
    version: ProtocolVersion,
) {
    if version == ProtocolVersion::V5 {
        put_properties(out, properties);
    }
}

/// The property list of a packet body at `version` (none in MQTT 3.1.1).
pub(super) fn read_properties_at(
    buf: &mut Bytes,
    context: PropertyContext,
    version: ProtocolVersion,
) -> Result<Vec<Property>, ProtocolError> {
    match version {
        ProtocolVersion::V311 => Ok(Vec::new()),
        ProtocolVersion::V5 => read_properties(buf, context),
    }
}

/// The wire size of a property list, its length prefix included.
pub fn properties_len(properties: &[Property]) -> Result<usize, ProtocolError> {
    let mut body = 0;
    for property in properties {
        body += 1 + property.value_len()?;
    }
    Ok(remaining_length_len(body)? + body)
}

/// Writes a property list (length prefix, then each property in order) that
/// `properties_len` accepted.
pub fn put_properties(out: &mut BytesMut, properties: &[Property]) {
    let body: usize = properties
        .iter()
        .map(|p| 1 + p.value_len().unwrap_or(0))
        .sum();
    write_remaining_length(out, body);
    for property in properties {
        out.put_u8(property.id());
        property.put_value(out);
    }
}

/// Reads the property list at the front of `buf` for `context`: every
/// property defined, allowed there, with a valid value, and not repeated
/// unless it may be.
pub fn read_properties(
    buf: &mut Bytes,
    context: PropertyContext,
) -> Result<Vec<Property>, ProtocolError> {
    let (len, prefix) = read_var_int(buf)?;
    buf.advance(prefix);
    if buf.remaining() < len {
        return Err(ProtocolError::Malformed(
            "property list runs past the packet",
        ));
    }
    let mut list = buf.split_to(len);
    let mut properties = Vec::new();
    let mut seen = 0u64;
    while list.has_remaining() {
        let id = list.get_u8();
        check_allowed(id, context)?;
        let property = Property::read_value(id, &mut list)?;
        check_in_list(&property, context, &mut seen)?;
        properties.push(property);
    }
    Ok(properties)
}

/// Checks a property list made by a user before it is sent: each property
/// allowed in `context`, with a value MQTT 5 allows, not repeated unless it
/// may be, and every string and the whole list within MQTT's limits.
pub fn check_properties(
    properties: &[Property],
    context: PropertyContext,
) -> Result<(), ProtocolError> {
    let mut seen = 0u64;
    for property in properties {
        check_in_list(property, context, &mut seen)?;
    }
    properties_len(properties).map(|_| ())
}

/// Whether the identifier `id` is defined and may stand in `context`.
fn check_allowed(id: u8, context: PropertyContext) -> Result<(), ProtocolError> {
    let contexts = Property::contexts_of(id).ok_or(ProtocolError::UnknownProperty(id))?;
    if contexts & context.bit() == 0 {
        return Err(ProtocolError::PropertyNotAllowed { id, context });
    }
    Ok(())
}

/// One property of a list for `context`: allowed there, a valid value, and
/// not repeated unless it may be (`seen` has the identifiers met before).
fn check_in_list(
    property: &Property,
    context: PropertyContext,
    seen: &mut u64,
) -> Result<(), ProtocolError> {
    let id = property.id();
    check_allowed(id, context)?;
    property.check_value()?;
    if *seen & (1 << id) != 0 && !property.repeats_in(context) {
        return Err(ProtocolError::DuplicateProperty(id));
    }
    *seen |= 1 << id;
    Ok(())
}

/// Strategies for property tests here and in the packet tests.
#[cfg(test)]
pub(super) mod strategies {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    pub const CONTEXTS: [PropertyContext; 14] = [
        Connect,
        Will,
        ConnAck,
        Publish,
        PubAck,
        PubRec,
        PubRel,
        PubComp,
        Subscribe,
        SubAck,
        Unsubscribe,
        UnsubAck,
        Disconnect,
        Auth,
    ];

    fn text() -> impl Strategy<Value = String> {
        "[^\\u{0}]{0,12}"
    }

    fn flag() -> impl Strategy<Value = u8> {
        0u8..=1
    }

    /// Any property with a value MQTT 5 allows.
    pub fn property() -> impl Strategy<Value = Property> {
        let binary = || vec(any::<u8>(), 0..12).prop_map(Bytes::from);
        prop_oneof![
            flag().prop_map(Property::PayloadFormatIndicator),
            any::<u32>().prop_map(Property::MessageExpiryInterval),
            text().prop_map(Property::ContentType),
            text().prop_map(Property::ResponseTopic),
            binary().prop_map(Property::CorrelationData),
            (1u32..=268_435_455).prop_map(|n| Property::SubscriptionIdentifier(VarInt(n))),
            any::<u32>().prop_map(Property::SessionExpiryInterval),
            text().prop_map(Property::AssignedClientIdentifier),
            any::<u16>().prop_map(Property::ServerKeepAlive),
            text().prop_map(Property::AuthenticationMethod),
            binary().prop_map(Property::AuthenticationData),
            flag().prop_map(Property::RequestProblemInformation),
            any::<u32>().prop_map(Property::WillDelayInterval),
            flag().prop_map(Property::RequestResponseInformation),
            text().prop_map(Property::ResponseInformation),
            text().prop_map(Property::ServerReference),
            text().prop_map(Property::ReasonString),
            (1u16..).prop_map(Property::ReceiveMaximum),
            any::<u16>().prop_map(Property::TopicAliasMaximum),
            any::<u16>().prop_map(Property::TopicAlias),
            flag().prop_map(Property::MaximumQoS),
            flag().prop_map(Property::RetainAvailable),
            (text(), text()).prop_map(Property::UserProperty),
            (1u32..).prop_map(Property::MaximumPacketSize),
            flag().prop_map(Property::WildcardSubscriptionAvailable),
            flag().prop_map(Property::SubscriptionIdentifiersAvailable),
            flag().prop_map(Property::SharedSubscriptionAvailable),
        ]
    }

    /// The properties of `candidates` that `context` takes, each at most
    /// once unless it may repeat there.
    pub fn allowed(candidates: Vec<Property>, context: PropertyContext) -> Vec<Property> {
        let mut seen = 0u64;
        let mut list = Vec::new();
        for property in candidates {
            let id = property.id();
            let takes = Property::contexts_of(id).unwrap() & context.bit() != 0;
            if takes && (seen & (1 << id) == 0 || property.repeats_in(context)) {
                seen |= 1 << id;
                list.push(property);
            }
        }
        list
    }

    /// A list `context` takes, of up to `max` candidates.
    pub fn properties_in(
        context: PropertyContext,
        max: usize,
    ) -> impl Strategy<Value = Vec<Property>> {
        vec(property(), 0..max).prop_map(move |candidates| allowed(candidates, context))
    }
}

#[cfg(test)]
mod tests {
    use super::strategies::*;
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_allowed_list_round_trips(
            candidates in vec(property(), 0..24),
            context in proptest::sample::select(CONTEXTS.to_vec()),
        ) {
            let list = allowed(candidates, context);
            prop_assert_eq!(round_trip(list.clone(), context), list);
        }

        #[test]
        fn no_byte_string_panics_the_reader(
            bytes in vec(any::<u8>(), 0..40),
            context in proptest::sample::select(CONTEXTS.to_vec()),
        ) {
            let _ = read(&bytes, context);
        }
    }

    fn round_trip(properties: Vec<Property>, context: PropertyContext) -> Vec<Property> {
        let mut out = BytesMut::new();
        assert_eq!(properties_len(&properties).unwrap(), {
            put_properties(&mut out, &properties);
            out.len()
        });
        read_properties(&mut out.freeze(), context).unwrap()
    }

    fn read(bytes: &[u8], context: PropertyContext) -> Result<Vec<Property>, ProtocolError> {
        read_properties(&mut Bytes::copy_from_slice(bytes), context)
    }

    #[test]
    fn an_empty_list_is_one_byte() {
        assert_eq!(properties_len(&[]).unwrap(), 1);
        assert_eq!(round_trip(vec![], Publish), vec![]);
    }

    #[test]
    fn user_properties_keep_their_order_and_repeats() {
        let list = vec![
            Property::UserProperty(("b".into(), "1".into())),
            Property::UserProperty(("a".into(), "2".into())),
            Property::UserProperty(("b".into(), "3".into())),
        ];
        assert_eq!(round_trip(list.clone(), Publish), list);
    }

    #[test]
    fn subscription_identifiers_repeat_only_in_publish() {
        let twice = [0x04, 0x0B, 0x01, 0x0B, 0x02];
        assert_eq!(
            read(&twice, Publish).unwrap(),
            vec![
                Property::SubscriptionIdentifier(VarInt(1)),
                Property::SubscriptionIdentifier(VarInt(2))
            ]
        );
        assert_eq!(
            read(&twice, Subscribe),
            Err(ProtocolError::DuplicateProperty(0x0B))
        );
    }

    #[test]
    fn a_repeated_property_is_refused() {
        let twice = [0x06, 0x21, 0x00, 0x0A, 0x21, 0x00, 0x0B];
        assert_eq!(
            read(&twice, ConnAck),
            Err(ProtocolError::DuplicateProperty(0x21))
        );
    }

    #[test]
    fn a_property_out_of_place_is_refused() {
        // Topic Alias in a CONNACK.
        assert_eq!(
            read(&[0x03, 0x23, 0x00, 0x01], ConnAck),
            Err(ProtocolError::PropertyNotAllowed {
                id: 0x23,
                context: ConnAck
            })
        );
        // Will Delay Interval in CONNECT's own list.
        assert!(matches!(
            read(&[0x05, 0x18, 0, 0, 0, 1], Connect),
            Err(ProtocolError::PropertyNotAllowed { id: 0x18, .. })
        ));
    }

    #[test]
    fn unknown_identifiers_and_bad_values_are_refused() {
        assert_eq!(
            read(&[0x02, 0x7F, 0x00], Publish),
            Err(ProtocolError::UnknownProperty(0x7F))
        );
        for (bad, context) in [
            (&[0x03, 0x21, 0x00, 0x00][..], ConnAck), // Receive Maximum 0
            (&[0x05, 0x27, 0, 0, 0, 0][..], ConnAck), // Maximum Packet Size 0
            (&[0x02, 0x24, 0x02][..], ConnAck),       // Maximum QoS 2
            (&[0x02, 0x0B, 0x00][..], Subscribe),     // Subscription Identifier 0
        ] {
            assert!(matches!(
                read(bad, context),
                Err(ProtocolError::InvalidPropertyValue(_))
            ));
        }
    }

    #[test]
    fn a_varint_of_five_bytes_is_a_malformed_body() {
        assert!(matches!(
            read(&[0x80, 0x80, 0x80, 0x80, 0x01], Publish),
            Err(ProtocolError::Malformed(_))
        ));
    }

    #[test]
    fn a_list_longer_than_the_packet_or_a_cut_value_is_malformed() {
        assert!(matches!(
            read(&[0x05, 0x21, 0x00], ConnAck),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            read(&[0x02, 0x21, 0x00], ConnAck),
            Err(ProtocolError::Malformed(_))
        ));
    }

    #[test]
    fn every_acknowledgement_takes_a_reason_string() {
        for context in [PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck] {
            let list = vec![Property::ReasonString("why".into())];
            assert_eq!(round_trip(list.clone(), context), list);
        }
    }
}
