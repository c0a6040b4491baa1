//! TLS with rustls. A client configuration is built once from the user's
//! options, and every problem is reported then, naming the option; each link
//! then only runs the handshake.

use std::fs;
use std::io;
use std::sync::{Arc, OnceLock};

use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_rustls::TlsConnector;

use super::{BoxedStream, ByteStream};

/// The lowest protocol version accepted. rustls speaks TLS 1.2 and 1.3 only,
/// so asking for anything older means 1.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MinTlsVersion {
    #[default]
    Tls12,
    Tls13,
}

/// What the user asked of a TLS context, field for field as aws-crt's
/// `TlsContextOptions`.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub min_version: MinTlsVersion,
    pub ca_filepath: Option<String>,
    pub ca_dirpath: Option<String>,
    pub certificate_authority: Option<String>,
    pub alpn: Vec<String>,
    pub certificate_filepath: Option<String>,
    pub certificate: Option<String>,
    pub private_key_filepath: Option<String>,
    pub private_key: Option<String>,
    pub pkcs12_filepath: Option<String>,
    pub pkcs12_password: Option<String>,
    pub verify_peer: bool,
}

/// A TLS option that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptionError {
    pub option: &'static str,
    pub message: String,
}

impl std::fmt::Display for TlsOptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.option, self.message)
    }
}

fn option_error(option: &'static str, message: impl std::fmt::Display) -> TlsOptionError {
    TlsOptionError {
        option,
        message: message.to_string(),
    }
}

/// A ready client configuration; cheap to clone.
#[derive(Clone)]
pub struct TlsContext {
    config: Arc<ClientConfig>,
}

impl std::fmt::Debug for TlsContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsContext")
            .field("alpn", &self.config.alpn_protocols)
            .finish_non_exhaustive()
    }
}

impl TlsContext {
    pub fn new(options: &TlsOptions) -> Result<TlsContext, TlsOptionError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&rustls::SupportedProtocolVersion] = match options.min_version {
            MinTlsVersion::Tls12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
            MinTlsVersion::Tls13 => &[&rustls::version::TLS13],
        };
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| option_error("min_tls_version", e))?;
        let builder = if options.verify_peer {
            builder.with_root_certificates(root_store(options)?)
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
        };
        let mut config = match client_identity(options)? {
            Some((chain, key, key_option)) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| option_error(key_option, mismatch_message(&e)))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = options.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        Ok(TlsContext {
            config: Arc::new(config),
        })
    }

    /// The same context offering another ALPN list.
    pub fn with_alpn(&self, alpn: &[String]) -> TlsContext {
        let mut config = (*self.config).clone();
        config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        TlsContext {
            config: Arc::new(config),
        }
    }

    /// Runs the handshake over `stream`; `server_name` is sent as SNI and is
    /// the name (or IP address) the certificate must carry.
    pub async fn connect<S: ByteStream + 'static>(
        &self,
        stream: S,
        server_name: &str,
    ) -> io::Result<BoxedStream> {
        let name = ServerName::try_from(server_name.to_owned()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{server_name:?} is not a valid TLS server name"),
            )
        })?;
        let stream = TlsConnector::from(self.config.clone())
            .connect(name, stream)
            .await?;
        Ok(Box::new(stream))
    }
}

fn mismatch_message(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InconsistentKeys(_) => {
            "the private key does not match the certificate".into()
        }
        other => format!("the certificate and key cannot be used: {other}"),
    }
}

fn read_file(option: &'static str, path: &str) -> Result<Vec<u8>, TlsOptionError> {
    fs::read(path).map_err(|e| option_error(option, format!("cannot read {path:?}: {e}")))
}

fn pem_certificates(
    option: &'static str,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsOptionError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| option_error(option, format!("is not valid PEM: {e}")))?;
    if certificates.is_empty() {
        return Err(option_error(option, "holds no PEM certificate"));
    }
    Ok(certificates)
}

/// The user's CAs when any are given, else the platform's roots (the bundled
/// Mozilla roots where the platform has none).
fn root_store(options: &TlsOptions) -> Result<RootCertStore, TlsOptionError> {
    let mut sources: Vec<(&'static str, Vec<u8>)> = Vec::new();
    if let Some(pem) = &options.certificate_authority {
        sources.push(("certificate_authority", pem.as_bytes().to_vec()));
    }
    if let Some(path) = &options.ca_filepath {
        sources.push(("ca_filepath", read_file("ca_filepath", path)?));
    }
    if let Some(dir) = &options.ca_dirpath {
        sources.push(("ca_dirpath", ca_directory(dir)?));
    }
    if sources.is_empty() {
        return Ok(platform_roots().clone());
    }
    let mut store = RootCertStore::empty();
    for (option, pem) in sources {
        for certificate in pem_certificates(option, &pem)? {
            store.add(certificate).map_err(|e| {
                option_error(option, format!("holds an unusable CA certificate: {e}"))
            })?;
        }
    }
    Ok(store)
}

/// Every PEM certificate in the files of `dir`, concatenated.
fn ca_directory(dir: &str) -> Result<Vec<u8>, TlsOptionError> {
    let entries = fs::read_dir(dir)
        .map_err(|e| option_error("ca_dirpath", format!("cannot read directory {dir:?}: {e}")))?;
    let mut pem = Vec::new();
    for entry in entries.flatten() {
        if let Ok(contents) = fs::read(entry.path()) {
            if CertificateDer::pem_slice_iter(&contents).any(|c| c.is_ok()) {
                pem.extend_from_slice(&contents);
                pem.push(b'\n');
            }
        }
    }
    Ok(pem)
}

fn platform_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut store = RootCertStore::empty();
        for certificate in rustls_native_certs::load_native_certs().certs {
            let _ = store.add(certificate);
        }
        if store.is_empty() {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        store
    })
}

type Identity = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    &'static str,
);

/// The client certificate chain and key for mutual TLS, and the option a
/// mismatch between them is reported on.
fn client_identity(options: &TlsOptions) -> Result<Option<Identity>, TlsOptionError> {
    if let Some(path) = &options.pkcs12_filepath {
        return pkcs12_identity(path, options.pkcs12_password.as_deref().unwrap_or("")).map(Some);
    }
    let certificate = match (&options.certificate, &options.certificate_filepath) {
        (Some(pem), _) => Some(("certificate", pem.as_bytes().to_vec())),
        (None, Some(path)) => Some((
            "certificate_filepath",
            read_file("certificate_filepath", path)?,
        )),
        (None, None) => None,
    };
    let key = match (&options.private_key, &options.private_key_filepath) {
        (Some(pem), _) => Some(("private_key", pem.as_bytes().to_vec())),
        (None, Some(path)) => Some((
            "private_key_filepath",
            read_file("private_key_filepath", path)?,
        )),
        (None, None) => None,
    };
    match (certificate, key) {
        (None, None) => Ok(None),
        (Some((option, _)), None) => Err(option_error(
            option,
            "needs a private key (private_key or private_key_filepath)",
        )),
        (None, Some((option, _))) => Err(option_error(
            option,
            "needs a certificate (certificate or certificate_filepath)",
        )),
        (Some((cert_option, cert_pem)), Some((key_option, key_pem))) => {
            let chain = pem_certificates(cert_option, &cert_pem)?;
            let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
                option_error(
                    key_option,
                    format!("holds no usable PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC): {e}"),
                )
            })?;
            Ok(Some((chain, key, key_option)))
        }
    }
}

fn pkcs12_identity(path: &str, password: &str) -> Result<Identity, TlsOptionError> {
    let data = read_file("pkcs12_filepath", path)?;
    let store =
        KeyStore::from_pkcs12(&data, password, Pkcs12ImportPolicy::Strict).map_err(|e| {
            option_error(
                "pkcs12_password",
                format!("cannot open {path:?}: wrong password or damaged file ({e})"),
            )
        })?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| {
        option_error(
            "pkcs12_filepath",
            format!("{path:?} holds no private key with its certificate"),
        )
    })?;
    let certificates = chain
        .certs()
        .iter()
        .map(|c| CertificateDer::from(c.as_der().to_vec()))
        .collect();
    let key = PrivateKeyDer::try_from(chain.key().as_der().to_vec()).map_err(|e| {
        option_error(
            "pkcs12_filepath",
            format!("holds an unusable private key: {e}"),
        )
    })?;
    Ok((certificates, key, "pkcs12_filepath"))
}

/// `verify_peer = false`: any certificate is accepted, but the handshake
/// signatures are still checked so the session keys are sound.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// How a TLS handshake or session failed, for error reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    UnknownIssuer,
    Expired,
    NameMismatch,
    AlertReceived,
    Other,
}

/// The TLS failure inside an I/O error, if it is one.
pub fn tls_failure(error: &io::Error) -> Option<TlsFailure> {
    let error = error.get_ref()?.downcast_ref::<rustls::Error>()?;
    Some(match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsFailure::Expired
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::NameMismatch
            }
            _ => TlsFailure::Other,
        },
        rustls::Error::AlertReceived(_) => TlsFailure::AlertReceived,
        _ => TlsFailure::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(options: TlsOptions) -> TlsOptionError {
        TlsContext::new(&options).expect_err("the options should be refused")
    }

    fn verifying() -> TlsOptions {
        TlsOptions {
            verify_peer: true,
            ..TlsOptions::default()
        }
    }

    #[test]
    fn default_options_build_a_context_on_the_platform_roots() {
        assert!(TlsContext::new(&verifying()).is_ok());
        assert!(!platform_roots().is_empty());
    }

    #[test]
    fn each_unusable_option_is_named() {
        let missing = "/nonexistent/mqtt-napi/file.pem".to_string();
        let cases = [
            (
                TlsOptions {
                    ca_filepath: Some(missing.clone()),
                    ..verifying()
                },
                "ca_filepath",
            ),
            (
                TlsOptions {
                    ca_dirpath: Some(missing.clone()),
                    ..verifying()
                },
                "ca_dirpath",
            ),
            (
                TlsOptions {
                    certificate_authority: Some("not a certificate".into()),
                    ..verifying()
                },
                "certificate_authority",
            ),
            (
                TlsOptions {
                    certificate_filepath: Some(missing.clone()),
                    private_key_filepath: Some(missing.clone()),
                    ..verifying()
                },
                "certificate_filepath",
            ),
            (
                TlsOptions {
                    certificate: Some("no pem here".into()),
                    ..verifying()
                },
                "certificate",
            ),
            (
                TlsOptions {
                    private_key: Some("no pem here".into()),
                    ..verifying()
                },
                "private_key",
            ),
            (
                TlsOptions {
                    pkcs12_filepath: Some(missing),
                    ..verifying()
                },
                "pkcs12_filepath",
            ),
        ];
        for (options, option) in cases {
            assert_eq!(error_of(options).option, option);
        }
    }

    #[test]
    fn verify_peer_false_needs_no_roots() {
        let options = TlsOptions {
            verify_peer: false,
            ca_filepath: Some("/nonexistent".into()),
            ..TlsOptions::default()
        };
        assert!(TlsContext::new(&options).is_ok());
    }
}
