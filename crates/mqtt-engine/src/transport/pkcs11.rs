//! Client private keys that stay in a PKCS#11 token (an HSM, a smart card,
//! SoftHSM): rustls asks for a handshake signature and the token makes it.
//! The module is loaded with `cryptoki` (dlopen; nothing is built from C).
//! Every problem with the token, its PIN or its key is found when the TLS
//! context is built, named by the option at fault.

use std::fmt;
use std::sync::{Arc, Mutex};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::{AuthPin, Ulong};
use ring::digest;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::tls::{option_error, TlsOption, TlsOptionError};

/// How a library's `C_Initialize` and `C_Finalize` are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pkcs11Initialization {
    /// `C_Initialize`, where "already initialized" (by another part of the
    /// process) is fine; never `C_Finalize`, as others may still use it.
    Shared,
    /// Neither: the application initializes and finalizes the library.
    External,
    /// `C_Initialize`, which must be the first; `C_Finalize` once the last
    /// holder of the library lets it go.
    Owned,
}

/// Why a PKCS#11 library cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pkcs11LibraryError {
    /// The file cannot be loaded as a PKCS#11 module.
    Load(String),
    /// `C_Initialize` failed.
    Initialize(String),
}

impl fmt::Display for Pkcs11LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pkcs11LibraryError::Load(message) | Pkcs11LibraryError::Initialize(message) => {
                f.write_str(message)
            }
        }
    }
}

/// A loaded PKCS#11 module. TLS contexts made with it hold it, so it stays
/// loaded (and, when `Owned`, initialized) while any of them lives.
pub struct Pkcs11Library {
    context: Pkcs11,
    path: String,
    finalize_on_drop: bool,
}

impl fmt::Debug for Pkcs11Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Library")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Library {
    pub fn open(
        path: &str,
        initialization: Pkcs11Initialization,
    ) -> Result<Arc<Pkcs11Library>, Pkcs11LibraryError> {
        let context = Pkcs11::new(path).map_err(|e| Pkcs11LibraryError::Load(load_failure(e)))?;
        // Signatures come from the I/O threads while contexts are built on
        // another: the module must lock for itself.
        let args = CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK);
        let initialized = match initialization {
            Pkcs11Initialization::External => Ok(()),
            Pkcs11Initialization::Shared => match context.initialize(args) {
                Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(()),
                other => other,
            },
            Pkcs11Initialization::Owned => context.initialize(args),
        };
        initialized.map_err(|e| Pkcs11LibraryError::Initialize(initialize_failure(&e)))?;
        Ok(Arc::new(Pkcs11Library {
            context,
            path: path.to_owned(),
            finalize_on_drop: initialization == Pkcs11Initialization::Owned,
        }))
    }
}

impl Drop for Pkcs11Library {
    fn drop(&mut self) {
        if self.finalize_on_drop {
            let _ = self.context.clone().finalize();
        }
    }
}

fn load_failure(error: CryptokiError) -> String {
    match error {
        CryptokiError::LibraryLoading(e) => format!("cannot be loaded: {e}"),
        CryptokiError::MissingSymbol(symbol) => {
            format!("is not a PKCS#11 module: it has no {symbol}")
        }
        other => format!("is not a usable PKCS#11 module: {}", describe(&other)),
    }
}

fn initialize_failure(error: &CryptokiError) -> String {
    match error {
        CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _) => {
            "C_Initialize answered CKR_CRYPTOKI_ALREADY_INITIALIZED: something else in this \
             process initialized the library, so this holder cannot be the one that \
             initializes and finalizes it"
                .into()
        }
        other => format!("cannot be initialized: {}", describe(other)),
    }
}

/// A PKCS#11 error, short: the function and its return value.
fn describe(error: &CryptokiError) -> String {
    match error {
        CryptokiError::Pkcs11(rv, function) => format!("C_{function:?} failed with {rv:?}"),
        other => other.to_string(),
    }
}

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
    let token_key = TokenKey {
        token: Arc::new(Token {
            session: Mutex::new(session),
            key: handle,
            _library: key.library.clone(),
        }),
        kind,
        schemes,
    };
    check_key_matches(&token_key, certificate, certificate_option, provider)?;
    Ok(Arc::new(token_key))
}

/// The schemes the token can sign with a key of `kind`, most preferred first.
fn signing_schemes(
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

/// The one slot whose token matches the options, and its token's label.
fn choose_slot(key: &Pkcs11Key) -> Result<(Slot, String), TlsOptionError> {
    let tokens = tokens(&key.library.context)?;
    let wanted = |(slot, label): &&(Slot, String)| {
        key.slot_id.is_none_or(|id| slot.id() == id)
            && key
                .token_label
                .as_ref()
                .is_none_or(|wanted| wanted == label)
    };
    let candidates: Vec<&(Slot, String)> = tokens.iter().filter(wanted).collect();
    match (candidates.as_slice(), &key.token_label) {
        ([one], _) => Ok((*one).clone()),
        ([], _) => Err(no_such_token(key, &tokens)),
        (several, Some(label)) => Err(option_error(
            TlsOption::Pkcs11SlotId,
            format!(
                "is needed: {} tokens are labelled {label:?} ({})",
                several.len(),
                list_tokens(several.iter().copied())
            ),
        )),
        (several, None) => Err(option_error(
            TlsOption::Pkcs11TokenLabel,
            format!(
                "(or the slot id) is needed to choose among {} tokens: {}",
                several.len(),
                list_tokens(several.iter().copied())
            ),
        )),
    }
}

/// Each slot that holds an initialized token, with the token's label. (A
/// blank token holds no key; SoftHSM, for one, always offers one.)
fn tokens(context: &Pkcs11) -> Result<Vec<(Slot, String)>, TlsOptionError> {
    let unlisted = |e: CryptokiError| {
        option_error(
            TlsOption::Pkcs11Library,
            format!("cannot list its tokens: {}", not_initialized_hint(&e)),
        )
    };
    let mut tokens = Vec::new();
    for slot in context.get_slots_with_token().map_err(unlisted)? {
        let info = context.get_token_info(slot).map_err(unlisted)?;
        if info.token_initialized() {
            tokens.push((slot, info.label().to_owned()));
        }
    }
    Ok(tokens)
}

fn not_initialized_hint(error: &CryptokiError) -> String {
    match error {
        CryptokiError::Pkcs11(RvError::CryptokiNotInitialized, _) => {
            "the library is not initialized (it was opened without C_Initialize, \
             and nothing else in the process has initialized it)"
                .into()
        }
        other => describe(other),
    }
}

fn list_tokens<'a>(tokens: impl Iterator<Item = &'a (Slot, String)>) -> String {
    let listed: Vec<String> = tokens
        .map(|(slot, label)| format!("{label:?} in slot {}", slot.id()))
        .collect();
    listed.join(", ")
}

fn no_such_token(key: &Pkcs11Key, tokens: &[(Slot, String)]) -> TlsOptionError {
    let present = if tokens.is_empty() {
        "the library has no initialized token".to_owned()
    } else {
        format!("the library's tokens: {}", list_tokens(tokens.iter()))
    };
    match (&key.token_label, key.slot_id) {
        (Some(label), Some(slot)) => option_error(
            TlsOption::Pkcs11TokenLabel,
            format!("no token labelled {label:?} is in slot {slot}; {present}"),
        ),
        (Some(label), None) => option_error(
            TlsOption::Pkcs11TokenLabel,
            format!("no token is labelled {label:?}; {present}"),
        ),
        (None, Some(slot)) => option_error(
            TlsOption::Pkcs11SlotId,
            format!("no initialized token is in slot {slot}; {present}"),
        ),
        (None, None) => option_error(
            TlsOption::Pkcs11Library,
            "has no initialized token in any slot",
        ),
    }
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

/// What kind of key the token holds, as far as signing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
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

fn key_kind(session: &Session, key: ObjectHandle) -> Result<KeyKind, TlsOptionError> {
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
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, message: &[u8]) -> digest::Digest {
        let algorithm = match self {
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
        };
        digest::digest(algorithm, message)
    }

    /// CKM_RSA_PKCS_PSS's parameters for a digest of this hash: MGF1 with
    /// the same hash and a salt as long as the digest, as TLS requires.
    fn pss_params(self) -> PkcsPssParams {
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
    fn pkcs1(self) -> (MechanismType, Mechanism<'static>) {
        match self {
            Hash::Sha256 => (MechanismType::SHA256_RSA_PKCS, Mechanism::Sha256RsaPkcs),
            Hash::Sha384 => (MechanismType::SHA384_RSA_PKCS, Mechanism::Sha384RsaPkcs),
            Hash::Sha512 => (MechanismType::SHA512_RSA_PKCS, Mechanism::Sha512RsaPkcs),
        }
    }
}

/// How the token makes a signature of one scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
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

fn method_of(scheme: SignatureScheme) -> Option<Method> {
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
struct TokenKey {
    token: Arc<Token>,
    kind: KeyKind,
    schemes: Vec<SignatureScheme>,
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
fn check_key_matches(
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

/// An ECDSA signature as PKCS#11 gives it (r and s, big-endian, each as
/// long as the curve order) in the DER form TLS carries:
/// `SEQUENCE { INTEGER r, INTEGER s }`. None if the halves are unequal.
fn ecdsa_signature_der(raw: &[u8]) -> Option<Vec<u8>> {
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
    /// leading bytes (over many signatures, r and s start with a zero byte
    /// or with the top bit set often enough to cover both paths).
    fn converted_signatures_verify(
        signing: &'static signature::EcdsaSigningAlgorithm,
        verifying: &'static signature::EcdsaVerificationAlgorithm,
    ) {
        let random = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(signing, &random).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &random).unwrap();
        let public = signature::UnparsedPublicKey::new(verifying, pair.public_key().as_ref());
        let (mut high_bit, mut zero_byte) = (false, false);
        for round in 0..300u32 {
            let message = round.to_be_bytes();
            let raw = pair.sign(&random, &message).unwrap();
            let raw = raw.as_ref();
            let half = raw.len() / 2;
            high_bit |= raw[0] & 0x80 != 0 || raw[half] & 0x80 != 0;
            zero_byte |= raw[0] == 0 || raw[half] == 0;
            let der = ecdsa_signature_der(raw).unwrap();
            assert!(public.verify(&message, &der).is_ok(), "round {round}");
        }
        assert!(high_bit && zero_byte, "both edge cases were exercised");
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

    #[test]
    fn a_missing_library_is_a_load_error_naming_why() {
        let error = Pkcs11Library::open(
            "/nonexistent/mqtt-napi/libpkcs11.so",
            Pkcs11Initialization::Shared,
        )
        .expect_err("no such file");
        match error {
            Pkcs11LibraryError::Load(message) => {
                assert!(message.contains("No such file"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
