//! Client private keys that stay in a PKCS#11 token (an HSM, a smart card,
//! SoftHSM): rustls asks for a handshake signature and the token makes it.
//! The module is loaded with `cryptoki` (dlopen; nothing is built from C).
//! Every problem with the token, its PIN or its key is found when the TLS
//! context is built, named by the option at fault.

mod ecdsa_der;
mod library;
mod scheme;
mod signer;
mod slot;

use std::fmt;
use std::sync::Arc;

use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::sign::SigningKey;

use super::tls::{option_error, TlsOption, TlsOptionError};
use library::describe;
pub use library::{Pkcs11Initialization, Pkcs11Library, Pkcs11LibraryError};
use scheme::{key_kind, signing_schemes};
use signer::{check_key_matches, TokenKey};
use slot::choose_slot;

/// Where the client's private key lives: a token of `library`, chosen by
/// slot and/or label, logged into with `user_pin` (none: the token's
/// protected authentication path), the key chosen by its label (or as the
/// token's only private key).
#[derive(Clone)]
pub struct Pkcs11Key {
    pub library: Arc<Pkcs11Library>,
    pub user_pin: Option<String>,
    pub slot_id: Option<u64>,
    pub token_label: Option<String>,
    pub key_label: Option<String>,
}

impl fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Key")
            .field("library", &self.library)
            .field("user_pin", &self.user_pin.as_ref().map(|_| "<hidden>"))
            .field("slot_id", &self.slot_id)
            .field("token_label", &self.token_label)
            .field("key_label", &self.key_label)
            .finish()
    }
}

/// The token's key as rustls signs with it, after checking that it signs
/// for `certificate`'s public key.
pub(super) fn signing_key(
    key: &Pkcs11Key,
    certificate: &CertificateDer<'_>,
    certificate_option: TlsOption,
    provider: &CryptoProvider,
) -> Result<Arc<dyn SigningKey>, TlsOptionError> {
    let context = &key.library.context;
    let (slot, token_label) = choose_slot(key)?;
    let session = context.open_ro_session(slot).map_err(|e| {
        option_error(
            TlsOption::Pkcs11Library,
            format!(
                "cannot open a session with the token {token_label:?}: {}",
                describe(&e)
            ),
        )
    })?;
    log_in(&session, key.user_pin.as_deref())?;
    let handle = find_private_key(&session, key.key_label.as_deref(), &token_label)?;
    let kind = key_kind(&session, handle)?;
    let schemes = signing_schemes(context, slot, kind)?;
    let token_key = TokenKey::new(session, handle, key.library.clone(), kind, schemes);
    check_key_matches(&token_key, certificate, certificate_option, provider)?;
    Ok(Arc::new(token_key))
}

/// Logs the user in; a user already logged in (by another context on the
/// same token) is fine, as PKCS#11 logs in the whole application at once.
fn log_in(session: &Session, pin: Option<&str>) -> Result<(), TlsOptionError> {
    let secret = pin.map(AuthPin::from);
    let refused = |message: String| Err(option_error(TlsOption::Pkcs11UserPin, message));
    match session.login(UserType::User, secret.as_ref()) {
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(CryptokiError::Pkcs11(RvError::PinIncorrect, _)) => {
            refused("is not the token's user PIN (C_Login answered CKR_PIN_INCORRECT)".into())
        }
        Err(CryptokiError::Pkcs11(RvError::PinLocked, _)) => {
            refused("cannot log in: the token's user PIN is locked".into())
        }
        Err(e) if pin.is_none() => refused(format!(
            "is absent, so the token's protected authentication path was asked, \
             and the login failed: {}",
            describe(&e)
        )),
        Err(e) => refused(format!("cannot log in: {}", describe(&e))),
    }
}

/// The private key named `label`, or the token's only private key.
fn find_private_key(
    session: &Session,
    label: Option<&str>,
    token_label: &str,
) -> Result<ObjectHandle, TlsOptionError> {
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(label) = label {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    let keys = session.find_objects(&template).map_err(|e| {
        option_error(
            TlsOption::Pkcs11PrivateKeyLabel,
            format!("cannot search the token {token_label:?}: {}", describe(&e)),
        )
    })?;
    let problem = |message: String| Err(option_error(TlsOption::Pkcs11PrivateKeyLabel, message));
    match (keys.as_slice(), label) {
        ([one], _) => Ok(*one),
        ([], Some(label)) => problem(format!(
            "no private key labelled {label:?} is on the token {token_label:?}"
        )),
        ([], None) => problem(format!(
            "the token {token_label:?} holds no private key the user can see"
        )),
        (several, Some(label)) => problem(format!(
            "{} private keys are labelled {label:?} on the token {token_label:?}; \
             mqtt-napi cannot tell which to use",
            several.len()
        )),
        (several, None) => problem(format!(
            "is needed: the token {token_label:?} holds {} private keys ({})",
            several.len(),
            key_labels(session, several)
        )),
    }
}

fn key_labels(session: &Session, keys: &[ObjectHandle]) -> String {
    let label = |key: &ObjectHandle| match session.get_attributes(*key, &[AttributeType::Label]) {
        Ok(attributes) => match attributes.as_slice() {
            [Attribute::Label(bytes)] => format!("{:?}", String::from_utf8_lossy(bytes)),
            _ => "unlabelled".into(),
        },
        Err(_) => "unreadable".into(),
    };
    keys.iter().map(label).collect::<Vec<_>>().join(", ")
}
