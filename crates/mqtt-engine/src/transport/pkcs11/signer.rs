//! The token's key as rustls signs with it.

use std::sync::{Arc, Mutex};

use cryptoki::mechanism::Mechanism;
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::ecdsa_der::ecdsa_signature_der;
use super::library::{describe, Pkcs11Library};
use super::scheme::{method_of, KeyKind, Method};
use crate::transport::tls::{option_error, TlsOption, TlsOptionError};

/// A logged-in session with the key. Fields drop in order: the session
/// closes before the library may be finalized.
#[derive(Debug)]
struct Token {
    session: Mutex<Session>,
    key: ObjectHandle,
    _library: Arc<Pkcs11Library>,
}

impl Token {
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, String> {
        let method = method_of(scheme).ok_or_else(|| format!("{scheme:?} is not supported"))?;
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let sign = |mechanism: &Mechanism<'_>, data: &[u8]| {
            session
                .sign(mechanism, self.key, data)
                .map_err(|e| describe(&e))
        };
        match method {
            Method::Ecdsa(hash) => {
                let raw = sign(&Mechanism::Ecdsa, hash.digest(message).as_ref())?;
                ecdsa_signature_der(&raw).ok_or_else(|| {
                    format!(
                        "the token's ECDSA signature has an odd length ({})",
                        raw.len()
                    )
                })
            }
            Method::Pss(hash) => sign(
                &Mechanism::RsaPkcsPss(hash.pss_params()),
                hash.digest(message).as_ref(),
            ),
            Method::Pkcs1(hash) => sign(&hash.pkcs1().1, message),
        }
    }
}

#[derive(Debug)]
pub(super) struct TokenKey {
    token: Arc<Token>,
    kind: KeyKind,
    schemes: Vec<SignatureScheme>,
}

impl TokenKey {
    pub(super) fn new(
        session: Session,
        key: ObjectHandle,
        library: Arc<Pkcs11Library>,
        kind: KeyKind,
        schemes: Vec<SignatureScheme>,
    ) -> TokenKey {
        TokenKey {
            token: Arc::new(Token {
                session: Mutex::new(session),
                key,
                _library: library,
            }),
            kind,
            schemes,
        }
    }
}

impl SigningKey for TokenKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let scheme = self.schemes.iter().find(|s| offered.contains(s))?;
        Some(Box::new(TokenSigner {
            token: self.token.clone(),
            scheme: *scheme,
        }))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        match self.kind {
            KeyKind::EcP256 | KeyKind::EcP384 => SignatureAlgorithm::ECDSA,
            KeyKind::Rsa => SignatureAlgorithm::RSA,
        }
    }
}

#[derive(Debug)]
struct TokenSigner {
    token: Arc<Token>,
    scheme: SignatureScheme,
}

impl Signer for TokenSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        self.token
            .sign(self.scheme, message)
            .map_err(|e| rustls::Error::General(format!("the PKCS#11 token did not sign: {e}")))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

/// Signs a test message with the token and checks it with the
/// certificate's public key: a key that is not the certificate's would
/// otherwise only show as a handshake the broker refuses.
pub(super) fn check_key_matches(
    key: &TokenKey,
    certificate: &CertificateDer<'_>,
    certificate_option: TlsOption,
    provider: &CryptoProvider,
) -> Result<(), TlsOptionError> {
    const MESSAGE: &[u8] = b"mqtt-napi: is this token key the certificate's?";
    let scheme = key.schemes[0];
    let signature = key.token.sign(scheme, MESSAGE).map_err(|e| {
        option_error(
            TlsOption::Pkcs11PrivateKeyLabel,
            format!("names a key the token will not sign with: {e}"),
        )
    })?;
    let (_, parsed) = X509Certificate::from_der(certificate).map_err(|e| {
        option_error(
            certificate_option,
            format!("holds a certificate that cannot be read: {e}"),
        )
    })?;
    let public_key = &parsed.public_key().subject_public_key.data;
    let verified = provider
        .signature_verification_algorithms
        .mapping
        .iter()
        .filter(|(s, _)| *s == scheme)
        .flat_map(|(_, algorithms)| algorithms.iter())
        .any(|algorithm| {
            algorithm
                .verify_signature(public_key, MESSAGE, &signature)
                .is_ok()
        });
    if verified {
        Ok(())
    } else {
        Err(option_error(
            TlsOption::Pkcs11PrivateKeyLabel,
            format!(
                "names {}, which does not match the certificate's public key",
                key.kind
            ),
        ))
    }
}
