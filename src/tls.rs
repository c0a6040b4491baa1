//! TLS contexts: the engine's TLS options (in its own words; each JS API
//! builds them from its own) into a ready rustls configuration. A problem is
//! returned naming the option, for the JS API to report in its own terms.

use std::sync::Arc;

use napi::bindgen_prelude::{ClassInstance, Either};
use napi_derive::napi;

use crate::transport::{
    CipherPolicy, MinTlsVersion, Pkcs11Initialization, Pkcs11Key, Pkcs11Library,
    Pkcs11LibraryError, TlsContext, TlsOption, TlsOptions,
};

/// Which cipher suites and key exchange groups a context offers.
#[napi(string_enum = "camelCase")]
pub enum NativeCipherPolicy {
    /// All of rustls's: AES-GCM and ChaCha20-Poly1305; X25519, P-256, P-384.
    Default,
    /// AES-GCM suites only, ECDHE on P-256 and P-384 only.
    AesGcmNistCurves,
}

/// How a PKCS#11 library's `C_Initialize` and `C_Finalize` are called.
#[napi(string_enum = "lowercase")]
pub enum NativePkcs11Initialization {
    /// `C_Initialize`, "already initialized" is fine; never `C_Finalize`.
    Shared,
    /// Neither: the application does both.
    External,
    /// `C_Initialize` must be the first; `C_Finalize` once the library is
    /// closed and no TLS context made with it is left.
    Owned,
}

/// A loaded PKCS#11 module; TLS contexts made with it keep it loaded.
#[napi]
pub struct NativePkcs11Library {
    library: Option<Arc<Pkcs11Library>>,
}

#[napi]
impl NativePkcs11Library {
    /// Lets go of the library: it is finalized (when owned) and unloaded
    /// once no TLS context made with it is left either.
    #[napi]
    pub fn close(&mut self) {
        self.library = None;
    }
}

/// Why a PKCS#11 library could not be opened: `option` is `path` (it
/// cannot be loaded) or `initialization` (`C_Initialize` failed).
#[napi(object)]
pub struct NativePkcs11LibraryProblem {
    pub option: String,
    pub reason: String,
}

/// The PKCS#11 module at `path`, or the problem with it.
#[napi]
pub fn open_pkcs11_library(
    path: String,
    initialization: NativePkcs11Initialization,
) -> Either<NativePkcs11Library, NativePkcs11LibraryProblem> {
    let initialization = match initialization {
        NativePkcs11Initialization::Shared => Pkcs11Initialization::Shared,
        NativePkcs11Initialization::External => Pkcs11Initialization::External,
        NativePkcs11Initialization::Owned => Pkcs11Initialization::Owned,
    };
    match Pkcs11Library::open(&path, initialization) {
        Ok(library) => Either::A(NativePkcs11Library {
            library: Some(library),
        }),
        Err(problem) => Either::B(NativePkcs11LibraryProblem {
            option: match problem {
                Pkcs11LibraryError::Load(_) => "path",
                Pkcs11LibraryError::Initialize(_) => "initialization",
            }
            .into(),
            reason: problem.to_string(),
        }),
    }
}

/// A client private key that stays in a PKCS#11 token.
#[napi(object, object_to_js = false)]
pub struct NativePkcs11Key<'env> {
    pub library: ClassInstance<'env, NativePkcs11Library>,
    /// Left out: the token's protected authentication path.
    pub user_pin: Option<String>,
    pub slot_id: Option<i64>,
    pub token_label: Option<String>,
    /// Left out: the token's only private key.
    pub key_label: Option<String>,
}

/// What a TLS context trusts, presents and offers.
#[napi(object, object_to_js = false)]
pub struct NativeTlsOptions<'env> {
    /// TLS 1.3 only; else TLS 1.2 or later.
    pub tls13_only: bool,
    /// `default` if left out.
    pub cipher_policy: Option<NativeCipherPolicy>,
    pub ca_file: Option<String>,
    pub ca_dir: Option<String>,
    pub ca_pem: Option<String>,
    /// Protocol names, 1 to 255 bytes each.
    pub alpn: Vec<String>,
    pub certificate_file: Option<String>,
    pub certificate_pem: Option<String>,
    pub private_key_file: Option<String>,
    pub private_key_pem: Option<String>,
    pub pkcs12_file: Option<String>,
    pub pkcs12_password: Option<String>,
    /// The client key is in a token (the certificate is `certificateFile`
    /// or `certificatePem`).
    pub pkcs11_key: Option<NativePkcs11Key<'env>>,
    /// Check the server's certificate (off: accept any).
    pub verify_peer: bool,
}

/// Why a TLS context could not be made: `option` is the field of
/// `NativeTlsOptions` at fault.
#[napi(object)]
pub struct NativeTlsProblem {
    pub option: String,
    pub reason: String,
}

#[napi]
pub struct NativeTlsContext {
    context: TlsContext,
}

impl NativeTlsContext {
    pub fn context(&self) -> &TlsContext {
        &self.context
    }
}

/// A TLS context for `options`, or the problem with them.
#[napi]
pub fn create_tls_context(
    options: NativeTlsOptions<'_>,
) -> Either<NativeTlsContext, NativeTlsProblem> {
    let made = engine_options(options).and_then(|options| {
        TlsContext::new(&options).map_err(|problem| NativeTlsProblem {
            option: field_name(problem.option).into(),
            reason: problem.message,
        })
    });
    match made {
        Ok(context) => Either::A(NativeTlsContext { context }),
        Err(problem) => Either::B(problem),
    }
}

fn engine_options(options: NativeTlsOptions<'_>) -> Result<TlsOptions, NativeTlsProblem> {
    Ok(TlsOptions {
        min_version: if options.tls13_only {
            MinTlsVersion::Tls13
        } else {
            MinTlsVersion::Tls12
        },
        cipher_policy: match options.cipher_policy {
            None | Some(NativeCipherPolicy::Default) => CipherPolicy::Default,
            Some(NativeCipherPolicy::AesGcmNistCurves) => CipherPolicy::AesGcmNistCurves,
        },
        ca_file: options.ca_file,
        ca_dir: options.ca_dir,
        ca_pem: options.ca_pem,
        alpn: options.alpn,
        certificate_file: options.certificate_file,
        certificate_pem: options.certificate_pem,
        private_key_file: options.private_key_file,
        private_key_pem: options.private_key_pem,
        pkcs12_file: options.pkcs12_file,
        pkcs12_password: options.pkcs12_password,
        pkcs11_key: options.pkcs11_key.map(engine_pkcs11_key).transpose()?,
        verify_peer: options.verify_peer,
    })
}

fn engine_pkcs11_key(key: NativePkcs11Key<'_>) -> Result<Pkcs11Key, NativeTlsProblem> {
    let problem = |option: TlsOption, reason: &str| NativeTlsProblem {
        option: field_name(option).into(),
        reason: reason.into(),
    };
    let library = key
        .library
        .library
        .clone()
        .ok_or_else(|| problem(TlsOption::Pkcs11Library, "has been closed"))?;
    let slot_id = key
        .slot_id
        .map(u64::try_from)
        .transpose()
        .map_err(|_| problem(TlsOption::Pkcs11SlotId, "must not be negative"))?;
    Ok(Pkcs11Key {
        library,
        user_pin: key.user_pin,
        slot_id,
        token_label: key.token_label,
        key_label: key.key_label,
    })
}

/// The name JS gives the field of `NativeTlsOptions`.
fn field_name(option: TlsOption) -> &'static str {
    match option {
        TlsOption::MinVersion => "tls13Only",
        TlsOption::CaFile => "caFile",
        TlsOption::CaDir => "caDir",
        TlsOption::CaPem => "caPem",
        TlsOption::CertificateFile => "certificateFile",
        TlsOption::CertificatePem => "certificatePem",
        TlsOption::PrivateKeyFile => "privateKeyFile",
        TlsOption::PrivateKeyPem => "privateKeyPem",
        TlsOption::Pkcs12File => "pkcs12File",
        TlsOption::Pkcs12Password => "pkcs12Password",
        TlsOption::Pkcs11Library => "pkcs11Key.library",
        TlsOption::Pkcs11UserPin => "pkcs11Key.userPin",
        TlsOption::Pkcs11SlotId => "pkcs11Key.slotId",
        TlsOption::Pkcs11TokenLabel => "pkcs11Key.tokenLabel",
        TlsOption::Pkcs11PrivateKeyLabel => "pkcs11Key.keyLabel",
    }
}
