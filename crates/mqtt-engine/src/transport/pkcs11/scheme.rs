//! What kind of key the token holds, and the TLS signature schemes it can
//! make with it.

use std::fmt;

use cryptoki::context::Pkcs11;
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectHandle};
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use cryptoki::types::Ulong;
use ring::digest;
use rustls::SignatureScheme;

use super::library::describe;
use crate::transport::tls::{option_error, TlsOption, TlsOptionError};

/// The schemes the token can sign with a key of `kind`, most preferred first.
pub(super) fn signing_schemes(
    context: &Pkcs11,
    slot: Slot,
    kind: KeyKind,
) -> Result<Vec<SignatureScheme>, TlsOptionError> {
    let mechanisms = context.get_mechanism_list(slot).map_err(|e| {
        option_error(
            TlsOption::Pkcs11Library,
            format!("cannot list the token's mechanisms: {}", describe(&e)),
        )
    })?;
    let schemes = usable_schemes(kind, &mechanisms);
    if schemes.is_empty() {
        return Err(option_error(
            TlsOption::Pkcs11PrivateKeyLabel,
            format!("names {kind}, which the token cannot sign with in any way TLS accepts"),
        ));
    }
    Ok(schemes)
}

/// What kind of key the token holds, as far as signing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    EcP256,
    EcP384,
    Rsa,
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyKind::EcP256 => "an EC key on P-256",
            KeyKind::EcP384 => "an EC key on P-384",
            KeyKind::Rsa => "an RSA key",
        })
    }
}

/// DER of the named-curve OIDs (CKA_EC_PARAMS) of P-256 and P-384.
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_PARAMS: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

pub(super) fn key_kind(session: &Session, key: ObjectHandle) -> Result<KeyKind, TlsOptionError> {
    let attributes = session
        .get_attributes(key, &[AttributeType::KeyType, AttributeType::EcParams])
        .map_err(|e| {
            option_error(
                TlsOption::Pkcs11PrivateKeyLabel,
                format!("names a key whose type cannot be read: {}", describe(&e)),
            )
        })?;
    let key_type = attributes.iter().find_map(|a| match a {
        Attribute::KeyType(key_type) => Some(*key_type),
        _ => None,
    });
    let ec_params = attributes.iter().find_map(|a| match a {
        Attribute::EcParams(params) => Some(params.as_slice()),
        _ => None,
    });
    let unsupported = |what: String| {
        Err(option_error(
            TlsOption::Pkcs11PrivateKeyLabel,
            format!("names {what}; mqtt-napi signs with EC keys on P-256 or P-384 and RSA keys"),
        ))
    };
    match (key_type, ec_params) {
        (Some(KeyType::RSA), _) => Ok(KeyKind::Rsa),
        (Some(KeyType::EC), Some(P256_PARAMS)) => Ok(KeyKind::EcP256),
        (Some(KeyType::EC), Some(P384_PARAMS)) => Ok(KeyKind::EcP384),
        (Some(KeyType::EC), _) => unsupported("an EC key on another curve".into()),
        (Some(other), _) => unsupported(format!("a key of type {other}")),
        (None, _) => unsupported("a key of unknown type".into()),
    }
}

/// A hash of a signature scheme, and its PKCS#11 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub(super) fn digest(self, message: &[u8]) -> digest::Digest {
        let algorithm = match self {
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
        };
        digest::digest(algorithm, message)
    }

    /// CKM_RSA_PKCS_PSS's parameters for a digest of this hash: MGF1 with
    /// the same hash and a salt as long as the digest, as TLS requires.
    pub(super) fn pss_params(self) -> PkcsPssParams {
        let (hash_alg, mgf, s_len) = match self {
            Hash::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256, 32u8),
            Hash::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384, 48),
            Hash::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512, 64),
        };
        PkcsPssParams {
            hash_alg,
            mgf,
            s_len: Ulong::new(s_len.into()),
        }
    }

    /// The PKCS#1 v1.5 mechanism that hashes with this hash on the token.
    pub(super) fn pkcs1(self) -> (MechanismType, Mechanism<'static>) {
        match self {
            Hash::Sha256 => (MechanismType::SHA256_RSA_PKCS, Mechanism::Sha256RsaPkcs),
            Hash::Sha384 => (MechanismType::SHA384_RSA_PKCS, Mechanism::Sha384RsaPkcs),
            Hash::Sha512 => (MechanismType::SHA512_RSA_PKCS, Mechanism::Sha512RsaPkcs),
        }
    }
}

/// How the token makes a signature of one scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    /// CKM_ECDSA over our digest; the token answers r || s, TLS wants DER.
    Ecdsa(Hash),
    /// CKM_RSA_PKCS_PSS over our digest.
    Pss(Hash),
    /// CKM_SHA*_RSA_PKCS: the token hashes and pads.
    Pkcs1(Hash),
}

impl Method {
    fn mechanism_type(self) -> MechanismType {
        match self {
            Method::Ecdsa(_) => MechanismType::ECDSA,
            Method::Pss(_) => MechanismType::RSA_PKCS_PSS,
            Method::Pkcs1(hash) => hash.pkcs1().0,
        }
    }

    fn suits(self, kind: KeyKind) -> bool {
        matches!(
            (self, kind),
            (Method::Ecdsa(Hash::Sha256), KeyKind::EcP256)
                | (Method::Ecdsa(Hash::Sha384), KeyKind::EcP384)
                | (Method::Pss(_) | Method::Pkcs1(_), KeyKind::Rsa)
        )
    }
}

/// Every scheme a token key can sign, most preferred first (for RSA, PSS
/// before PKCS#1 v1.5, which TLS 1.3 does not allow).
const METHODS: [(SignatureScheme, Method); 8] = [
    (
        SignatureScheme::ECDSA_NISTP256_SHA256,
        Method::Ecdsa(Hash::Sha256),
    ),
    (
        SignatureScheme::ECDSA_NISTP384_SHA384,
        Method::Ecdsa(Hash::Sha384),
    ),
    (SignatureScheme::RSA_PSS_SHA256, Method::Pss(Hash::Sha256)),
    (SignatureScheme::RSA_PSS_SHA384, Method::Pss(Hash::Sha384)),
    (SignatureScheme::RSA_PSS_SHA512, Method::Pss(Hash::Sha512)),
    (
        SignatureScheme::RSA_PKCS1_SHA256,
        Method::Pkcs1(Hash::Sha256),
    ),
    (
        SignatureScheme::RSA_PKCS1_SHA384,
        Method::Pkcs1(Hash::Sha384),
    ),
    (
        SignatureScheme::RSA_PKCS1_SHA512,
        Method::Pkcs1(Hash::Sha512),
    ),
];

pub(super) fn method_of(scheme: SignatureScheme) -> Option<Method> {
    METHODS
        .iter()
        .find(|(s, _)| *s == scheme)
        .map(|(_, method)| *method)
}

/// The schemes `kind` can sign with the token's `mechanisms`.
fn usable_schemes(kind: KeyKind, mechanisms: &[MechanismType]) -> Vec<SignatureScheme> {
    METHODS
        .iter()
        .filter(|(_, method)| method.suits(kind) && mechanisms.contains(&method.mechanism_type()))
        .map(|(scheme, _)| *scheme)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_kind_signs_only_the_schemes_of_its_curve_or_type() {
        let all = [
            MechanismType::ECDSA,
            MechanismType::RSA_PKCS_PSS,
            MechanismType::SHA256_RSA_PKCS,
            MechanismType::SHA384_RSA_PKCS,
            MechanismType::SHA512_RSA_PKCS,
        ];
        assert_eq!(
            usable_schemes(KeyKind::EcP256, &all),
            [SignatureScheme::ECDSA_NISTP256_SHA256]
        );
        assert_eq!(
            usable_schemes(KeyKind::EcP384, &all),
            [SignatureScheme::ECDSA_NISTP384_SHA384]
        );
        assert_eq!(usable_schemes(KeyKind::Rsa, &all).len(), 6);
        assert_eq!(
            usable_schemes(KeyKind::Rsa, &[MechanismType::SHA256_RSA_PKCS]),
            [SignatureScheme::RSA_PKCS1_SHA256]
        );
        assert!(usable_schemes(KeyKind::EcP256, &[MechanismType::RSA_PKCS_PSS]).is_empty());
    }
}
