//! ECDSA signatures from PKCS#11's r || s form into TLS's DER form.

/// An ECDSA signature as PKCS#11 gives it (r and s, big-endian, each as
/// long as the curve order) in the DER form TLS carries:
/// `SEQUENCE { INTEGER r, INTEGER s }`. None if the halves are unequal.
pub(super) fn ecdsa_signature_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut body = der_integer(r);
    body.extend(der_integer(s));
    Some(der_element(0x30, &body))
}

/// A non-negative big-endian integer as DER: no leading zero bytes but one
/// that keeps the top bit clear.
fn der_integer(magnitude: &[u8]) -> Vec<u8> {
    let first = magnitude.iter().position(|b| *b != 0);
    let digits = first.map_or(&[0u8][..], |i| &magnitude[i..]);
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(digits);
    der_element(0x02, &content)
}

fn der_element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut element = vec![tag];
    let length = content.len();
    if length < 0x80 {
        element.push(length as u8);
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        element.push(0x80 | bytes.len() as u8);
        element.extend(bytes);
    }
    element.extend_from_slice(content);
    element
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{self, EcdsaKeyPair, KeyPair};

    #[test]
    fn an_integer_loses_its_leading_zeros_and_keeps_its_sign_bit_clear() {
        assert_eq!(der_integer(&[0, 0, 0x12, 0x34]), [0x02, 0x02, 0x12, 0x34]);
        assert_eq!(der_integer(&[0x80, 0x01]), [0x02, 0x03, 0x00, 0x80, 0x01]);
        assert_eq!(der_integer(&[0, 0xff]), [0x02, 0x02, 0x00, 0xff]);
        assert_eq!(der_integer(&[0, 0, 0]), [0x02, 0x01, 0x00]);
    }

    #[test]
    fn a_long_element_has_a_long_form_length() {
        let content = vec![7u8; 200];
        let element = der_element(0x30, &content);
        assert_eq!(&element[..3], &[0x30, 0x81, 200]);
        assert_eq!(element.len(), 203);
        let longer = der_element(0x30, &vec![7u8; 300]);
        assert_eq!(&longer[..4], &[0x30, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn a_raw_signature_with_unequal_halves_is_refused() {
        assert_eq!(ecdsa_signature_der(&[]), None);
        assert_eq!(ecdsa_signature_der(&[1, 2, 3]), None);
    }

    /// ring signs in PKCS#11's form (r || s, "FIXED") and verifies the DER
    /// ("ASN1") form: every converted signature must verify, whatever its
    /// leading bytes. It signs until both edge cases have come up (an r or s
    /// starting with a zero byte, about 1 in 128 signatures, and one with the
    /// top bit set), so the test never depends on luck.
    fn converted_signatures_verify(
        signing: &'static signature::EcdsaSigningAlgorithm,
        verifying: &'static signature::EcdsaVerificationAlgorithm,
    ) {
        let random = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(signing, &random).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &random).unwrap();
        let public = signature::UnparsedPublicKey::new(verifying, pair.public_key().as_ref());
        let (mut high_bit, mut zero_byte) = (false, false);
        let mut round = 0u32;
        while !(high_bit && zero_byte) {
            round += 1;
            assert!(
                round < 100_000,
                "no signature started with a zero byte in {round} rounds"
            );
            let message = round.to_be_bytes();
            let raw = pair.sign(&random, &message).unwrap();
            let raw = raw.as_ref();
            let half = raw.len() / 2;
            high_bit |= raw[0] & 0x80 != 0 || raw[half] & 0x80 != 0;
            zero_byte |= raw[0] == 0 || raw[half] == 0;
            let der = ecdsa_signature_der(raw).unwrap();
            assert!(public.verify(&message, &der).is_ok(), "round {round}");
        }
    }

    #[test]
    fn p256_signatures_from_r_and_s_verify_as_der() {
        converted_signatures_verify(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &signature::ECDSA_P256_SHA256_ASN1,
        );
    }

    #[test]
    fn p384_signatures_from_r_and_s_verify_as_der() {
        converted_signatures_verify(
            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            &signature::ECDSA_P384_SHA384_ASN1,
        );
    }
}
