//! Length-prefixed fields (MQTT 3.1.1 section 1.5): integers, UTF-8 strings
//! and binary data. Reads never run past the body; writes are infallible
//! because encoders validate with `string_len`/`binary_len` first, so a
//! failed encode leaves the output untouched.

use super::ProtocolError;
use bytes::{Buf, BufMut, Bytes, BytesMut};

const PAST_END: ProtocolError = ProtocolError::Malformed("field runs past the remaining length");

pub(super) fn read_u8(buf: &mut Bytes) -> Result<u8, ProtocolError> {
    buf.try_get_u8().map_err(|_| PAST_END)
}

pub(super) fn read_u16(buf: &mut Bytes) -> Result<u16, ProtocolError> {
    buf.try_get_u16().map_err(|_| PAST_END)
}

/// A non-zero packet identifier.
pub(super) fn read_packet_id(buf: &mut Bytes) -> Result<u16, ProtocolError> {
    match read_u16(buf)? {
        0 => Err(ProtocolError::MissingPacketId),
        id => Ok(id),
    }
}

/// Fails if bytes are left over after the last field.
pub(super) fn expect_end(buf: &Bytes) -> Result<(), ProtocolError> {
    if buf.has_remaining() {
        return Err(ProtocolError::Malformed(
            "unexpected bytes after the last field",
        ));
    }
    Ok(())
}

/// Binary data: 2-byte length then bytes, as a zero-copy slice.
pub(super) fn read_binary(buf: &mut Bytes) -> Result<Bytes, ProtocolError> {
    let len = usize::from(read_u16(buf)?);
    if buf.remaining() < len {
        return Err(PAST_END);
    }
    Ok(buf.split_to(len))
}

/// UTF-8 string: valid UTF-8 (no surrogates, no overlong forms) without U+0000.
pub(super) fn read_string(buf: &mut Bytes) -> Result<String, ProtocolError> {
    let raw = read_binary(buf)?;
    let text = std::str::from_utf8(&raw).map_err(|_| ProtocolError::InvalidUtf8)?;
    if text.contains('\0') {
        return Err(ProtocolError::ForbiddenCodePoint);
    }
    Ok(text.to_owned())
}

/// Wire size of binary data, or an error if it cannot be represented.
pub(super) fn binary_len(data: &[u8]) -> Result<usize, ProtocolError> {
    if data.len() > usize::from(u16::MAX) {
        return Err(ProtocolError::StringTooLong(data.len()));
    }
    Ok(2 + data.len())
}

/// Wire size of a string, or an error if the decoder would refuse it.
pub(super) fn string_len(text: &str) -> Result<usize, ProtocolError> {
    if text.contains('\0') {
        return Err(ProtocolError::ForbiddenCodePoint);
    }
    binary_len(text.as_bytes())
}

/// Writes binary data already checked by `binary_len`.
pub(super) fn put_binary(out: &mut BytesMut, data: &[u8]) {
    debug_assert!(data.len() <= usize::from(u16::MAX));
    out.put_u16(data.len() as u16);
    out.put_slice(data);
}

/// Writes a string already checked by `string_len`.
pub(super) fn put_string(out: &mut BytesMut, text: &str) {
    put_binary(out, text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &'static [u8]) -> Result<String, ProtocolError> {
        read_string(&mut Bytes::from_static(bytes))
    }

    #[test]
    fn strings() {
        assert_eq!(read(b"\x00\x00"), Ok(String::new()));
        assert_eq!(read(b"\x00\x03abc"), Ok("abc".into()));
        // U+D55C U+AE00 from the spec's example, and U+FEFF kept as is [MQTT-1.5.3-3].
        assert_eq!(read(b"\x00\x06\xED\x95\x9C\xEA\xB8\x80"), Ok("한글".into()));
        assert_eq!(read(b"\x00\x03\xEF\xBB\xBF"), Ok("\u{FEFF}".into()));
        // Control characters other than U+0000 are only SHOULD NOT: accepted.
        assert_eq!(read(b"\x00\x02\x01\x7F"), Ok("\u{1}\u{7F}".into()));
    }

    #[test]
    fn bad_strings() {
        assert_eq!(
            read(b"\x00\x03a\x00b"),
            Err(ProtocolError::ForbiddenCodePoint)
        );
        assert_eq!(read(b"\x00\x02\xC3\x28"), Err(ProtocolError::InvalidUtf8));
        // An encoded surrogate (U+D800) and an overlong '/' are not UTF-8.
        assert_eq!(
            read(b"\x00\x03\xED\xA0\x80"),
            Err(ProtocolError::InvalidUtf8)
        );
        assert_eq!(read(b"\x00\x02\xC0\xAF"), Err(ProtocolError::InvalidUtf8));
        assert_eq!(read(b"\x00\x04abc"), Err(PAST_END));
        assert_eq!(read(b"\x00"), Err(PAST_END));
    }

    #[test]
    fn encode_limits() {
        assert_eq!(string_len("a\0"), Err(ProtocolError::ForbiddenCodePoint));
        assert_eq!(string_len(&"x".repeat(65_535)), Ok(65_537));
        assert_eq!(
            string_len(&"x".repeat(65_536)),
            Err(ProtocolError::StringTooLong(65_536))
        );
        let mut out = BytesMut::new();
        put_string(&mut out, "ab");
        assert_eq!(&out[..], b"\x00\x02ab");
    }

    #[test]
    fn packet_id_zero() {
        let mut buf = Bytes::from_static(&[0, 0]);
        assert_eq!(
            read_packet_id(&mut buf),
            Err(ProtocolError::MissingPacketId)
        );
    }
}
