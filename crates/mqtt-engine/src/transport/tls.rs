//! TLS with rustls. A client configuration is built once from the user's
//! options, and every problem is reported then, naming the option; each link
//! then only runs the handshake.

use std::fs;
use std::io;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::sign::{CertifiedKey, SigningKey, SingleCertAndKey};
use rustls::{
    CertificateError, CipherSuite, ClientConfig, DigitallySignedStruct, InconsistentKeys,
    NamedGroup, RootCertStore, SignatureScheme,
};
use tokio_rustls::TlsConnector;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;

use super::pkcs11::{self, Pkcs11Key};
use super::{BoxedStream, ByteStream};

/// The lowest protocol version accepted. rustls speaks TLS 1.2 and 1.3 only,
/// so asking for anything older means 1.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MinTlsVersion {
    #[default]
    Tls12,
    Tls13,
}

/// Which cipher suites and key exchange groups a context offers. Every
/// suite rustls has is an ECDHE suite with an AEAD cipher, TLS 1.2 or later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CipherPolicy {
    /// All of rustls's (ring's): AES-GCM and ChaCha20-Poly1305; X25519,
    /// P-256 and P-384.
    #[default]
    Default,
    /// Only the FIPS-approved part: AES-GCM suites, ECDHE on P-256 and P-384.
    AesGcmNistCurves,
}

/// The suites of `CipherPolicy::AesGcmNistCurves`.
const AES_GCM_SUITES: [CipherSuite; 6] = [
    CipherSuite::TLS13_AES_128_GCM_SHA256,
    CipherSuite::TLS13_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
];

fn crypto_provider(policy: CipherPolicy) -> CryptoProvider {
    let mut provider = rustls::crypto::ring::default_provider();
    if policy == CipherPolicy::AesGcmNistCurves {
        provider
            .cipher_suites
            .retain(|suite| AES_GCM_SUITES.contains(&suite.suite()));
        provider
            .kx_groups
            .retain(|group| matches!(group.name(), NamedGroup::secp256r1 | NamedGroup::secp384r1));
    }
    provider
}

/// What a TLS context trusts, presents and offers. PEM text and file paths
/// are alternatives for the same thing; the PEM text wins where both are given.
/// The client certificate's key is in PEM, in PKCS#12, or in a PKCS#11 token.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub min_version: MinTlsVersion,
    pub cipher_policy: CipherPolicy,
    pub ca_file: Option<String>,
    pub ca_dir: Option<String>,
    pub ca_pem: Option<String>,
    pub alpn: Vec<String>,
    pub certificate_file: Option<String>,
    pub certificate_pem: Option<String>,
    pub private_key_file: Option<String>,
    pub private_key_pem: Option<String>,
    pub pkcs12_file: Option<String>,
    pub pkcs12_password: Option<String>,
    pub pkcs11_key: Option<Pkcs11Key>,
    pub verify_peer: bool,
}

/// A field of `TlsOptions`, to name the one a problem is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsOption {
    MinVersion,
    CaFile,
    CaDir,
    CaPem,
    CertificateFile,
    CertificatePem,
    PrivateKeyFile,
    PrivateKeyPem,
    Pkcs12File,
    Pkcs12Password,
    /// `Pkcs11Key::library`, and the token's answers that are no one
    /// field's fault.
    Pkcs11Library,
    Pkcs11UserPin,
    Pkcs11SlotId,
    Pkcs11TokenLabel,
    /// `Pkcs11Key::key_label`, and the key it chose.
    Pkcs11PrivateKeyLabel,
}

/// A TLS option that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptionError {
    pub option: TlsOption,
    pub message: String,
}

impl std::fmt::Display for TlsOptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.option, self.message)
    }
}

pub(super) fn option_error(option: TlsOption, message: impl std::fmt::Display) -> TlsOptionError {
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
        let provider = Arc::new(crypto_provider(options.cipher_policy));
        let versions: &[&rustls::SupportedProtocolVersion] = match options.min_version {
            MinTlsVersion::Tls12 => &[&rustls::version::TLS13, &rustls::version::TLS12],
            MinTlsVersion::Tls13 => &[&rustls::version::TLS13],
        };
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| option_error(TlsOption::MinVersion, e))?;
        let builder = match custom_verifier(options, &provider)? {
            Some(verifier) => builder
                .dangerous()
                .with_custom_certificate_verifier(verifier),
            None => builder.with_root_certificates(platform_roots().clone()),
        };
        let mut config = match client_identity(options, &provider)? {
            Some((chain, key)) => {
                builder.with_client_cert_resolver(client_certificate(chain, key, &provider)?)
            }
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

fn read_file(option: TlsOption, path: &str) -> Result<Vec<u8>, TlsOptionError> {
    fs::read(path).map_err(|e| option_error(option, format!("cannot read {path:?}: {e}")))
}

fn pem_certificates(
    option: TlsOption,
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

/// How the server's certificate is checked, unless by webpki against the
/// platform's roots (None): not at all (`verify_peer = false`), or against
/// the user's CAs when any are given.
fn custom_verifier(
    options: &TlsOptions,
    provider: &Arc<CryptoProvider>,
) -> Result<Option<Arc<dyn ServerCertVerifier>>, TlsOptionError> {
    if !options.verify_peer {
        return Ok(Some(Arc::new(NoVerification(provider.clone()))));
    }
    let anchors = user_cas(options)?;
    let Some(&(first_option, _)) = anchors.first() else {
        return Ok(None);
    };
    let mut store = RootCertStore::empty();
    for (option, certificate) in &anchors {
        store
            .add(certificate.clone())
            .map_err(|e| option_error(*option, format!("holds an unusable CA certificate: {e}")))?;
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|e| option_error(first_option, e))?;
    Ok(Some(Arc::new(UserCaVerifier {
        webpki,
        anchors: anchors.into_iter().map(|(_, c)| c).collect(),
    })))
}

/// The user's CA certificates, each with the option it came from; none when
/// the user gave no CA option (each given option holds at least one).
fn user_cas(
    options: &TlsOptions,
) -> Result<Vec<(TlsOption, CertificateDer<'static>)>, TlsOptionError> {
    let mut sources: Vec<(TlsOption, Vec<u8>)> = Vec::new();
    if let Some(pem) = &options.ca_pem {
        sources.push((TlsOption::CaPem, pem.as_bytes().to_vec()));
    }
    if let Some(path) = &options.ca_file {
        sources.push((TlsOption::CaFile, read_file(TlsOption::CaFile, path)?));
    }
    if let Some(dir) = &options.ca_dir {
        sources.push((TlsOption::CaDir, ca_directory(dir)?));
    }
    let mut certificates = Vec::new();
    for (option, pem) in sources {
        for certificate in pem_certificates(option, &pem)? {
            certificates.push((option, certificate));
        }
    }
    Ok(certificates)
}

/// Every PEM certificate in the files of `dir`, concatenated.
fn ca_directory(dir: &str) -> Result<Vec<u8>, TlsOptionError> {
    let entries = fs::read_dir(dir).map_err(|e| {
        option_error(
            TlsOption::CaDir,
            format!("cannot read directory {dir:?}: {e}"),
        )
    })?;
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

/// A client private key: bytes for rustls to load (and the option they
/// came from, to name in a mismatch), or a key that stays in a token.
enum ClientKey {
    Loaded(PrivateKeyDer<'static>, TlsOption),
    Token(Arc<dyn SigningKey>),
}

type Identity = (Vec<CertificateDer<'static>>, ClientKey);

/// The client certificate chain and key for mutual TLS.
fn client_identity(
    options: &TlsOptions,
    provider: &CryptoProvider,
) -> Result<Option<Identity>, TlsOptionError> {
    if let Some(key) = &options.pkcs11_key {
        return pkcs11_identity(options, key, provider).map(Some);
    }
    if let Some(path) = &options.pkcs12_file {
        return pkcs12_identity(path, options.pkcs12_password.as_deref().unwrap_or("")).map(Some);
    }
    match (certificate_source(options)?, key_source(options)?) {
        (None, None) => Ok(None),
        // Named on the field left out, in the form (PEM or file) of the one given.
        (Some((option, _)), None) => Err(option_error(
            match option {
                TlsOption::CertificatePem => TlsOption::PrivateKeyPem,
                _ => TlsOption::PrivateKeyFile,
            },
            "is missing: the certificate needs its private key",
        )),
        (None, Some((option, _))) => Err(option_error(
            match option {
                TlsOption::PrivateKeyPem => TlsOption::CertificatePem,
                _ => TlsOption::CertificateFile,
            },
            "is missing: the private key needs its certificate",
        )),
        (Some((cert_option, cert_pem)), Some((key_option, key_pem))) => {
            let chain = pem_certificates(cert_option, &cert_pem)?;
            let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
                option_error(
                    key_option,
                    format!("holds no usable PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC): {e}"),
                )
            })?;
            Ok(Some((chain, ClientKey::Loaded(key, key_option))))
        }
    }
}

/// The client certificate's PEM and the option it came from, if given.
fn certificate_source(
    options: &TlsOptions,
) -> Result<Option<(TlsOption, Vec<u8>)>, TlsOptionError> {
    pem_source(
        (TlsOption::CertificatePem, &options.certificate_pem),
        (TlsOption::CertificateFile, &options.certificate_file),
    )
}

/// The client private key's PEM and the option it came from, if given.
fn key_source(options: &TlsOptions) -> Result<Option<(TlsOption, Vec<u8>)>, TlsOptionError> {
    pem_source(
        (TlsOption::PrivateKeyPem, &options.private_key_pem),
        (TlsOption::PrivateKeyFile, &options.private_key_file),
    )
}

/// PEM given as text, else read from a file, else none.
fn pem_source(
    (text_option, text): (TlsOption, &Option<String>),
    (file_option, path): (TlsOption, &Option<String>),
) -> Result<Option<(TlsOption, Vec<u8>)>, TlsOptionError> {
    match (text, path) {
        (Some(pem), _) => Ok(Some((text_option, pem.as_bytes().to_vec()))),
        (None, Some(path)) => Ok(Some((file_option, read_file(file_option, path)?))),
        (None, None) => Ok(None),
    }
}

/// The certificate (PEM) with a key that stays in a PKCS#11 token, which
/// then must be the only private key given.
fn pkcs11_identity(
    options: &TlsOptions,
    key: &Pkcs11Key,
    provider: &CryptoProvider,
) -> Result<Identity, TlsOptionError> {
    let other_keys = [
        (TlsOption::PrivateKeyPem, options.private_key_pem.is_some()),
        (
            TlsOption::PrivateKeyFile,
            options.private_key_file.is_some(),
        ),
        (TlsOption::Pkcs12File, options.pkcs12_file.is_some()),
    ];
    if let Some((option, _)) = other_keys.iter().find(|(_, given)| *given) {
        return Err(option_error(
            *option,
            "cannot be given with a PKCS#11 key: the client has one private key",
        ));
    }
    let (option, pem) = certificate_source(options)?.ok_or_else(|| {
        option_error(
            TlsOption::CertificateFile,
            "is missing: the PKCS#11 private key needs its certificate",
        )
    })?;
    let chain = pem_certificates(option, &pem)?;
    let signing_key = pkcs11::signing_key(key, &chain[0], option, provider)?;
    Ok((chain, ClientKey::Token(signing_key)))
}

fn pkcs12_identity(path: &str, password: &str) -> Result<Identity, TlsOptionError> {
    let data = read_file(TlsOption::Pkcs12File, path)?;
    let store =
        KeyStore::from_pkcs12(&data, password, Pkcs12ImportPolicy::Strict).map_err(|e| {
            option_error(
                TlsOption::Pkcs12Password,
                format!("cannot open {path:?}: wrong password or damaged file ({e})"),
            )
        })?;
    let (_, chain) = store.private_key_chain().ok_or_else(|| {
        option_error(
            TlsOption::Pkcs12File,
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
            TlsOption::Pkcs12File,
            format!("holds an unusable private key: {e}"),
        )
    })?;
    Ok((certificates, ClientKey::Loaded(key, TlsOption::Pkcs12File)))
}

/// Our certificate chain and key, sent as they are: the certificate is the
/// broker's to judge. (rustls's own `with_client_auth_cert` parses it as
/// webpki does a server's, and so refuses X.509 v1 certificates, which older
/// openssl makes by default and brokers accept.) A token's key has been
/// checked against the certificate already.
fn client_certificate(
    chain: Vec<CertificateDer<'static>>,
    key: ClientKey,
    provider: &CryptoProvider,
) -> Result<Arc<dyn ResolvesClientCert>, TlsOptionError> {
    let certified = match key {
        ClientKey::Loaded(der, option) => {
            let mismatch = |e: rustls::Error| option_error(option, mismatch_message(&e));
            let certified = CertifiedKey::new(
                chain,
                provider
                    .key_provider
                    .load_private_key(der)
                    .map_err(mismatch)?,
            );
            key_belongs_to_certificate(&certified).map_err(mismatch)?;
            certified
        }
        ClientKey::Token(key) => CertifiedKey::new(chain, key),
    };
    Ok(Arc::new(SingleCertAndKey::from(certified)))
}

/// `keys_match` as rustls has it (the key's public half is the certificate's
/// SubjectPublicKeyInfo, byte for byte), with the certificate read by
/// webpki's trust-anchor reader, which takes v1 as well as v3. A key that
/// cannot tell its public half passes, as in rustls: the broker will judge.
fn key_belongs_to_certificate(certified: &CertifiedKey) -> Result<(), rustls::Error> {
    let Some(key_spki) = certified.key.public_key() else {
        return Ok(());
    };
    let anchor = webpki::anchor_from_trusted_cert(certified.end_entity_cert()?)
        .map_err(|_| CertificateError::BadEncoding)?;
    if webpki::spki_for_anchor(&anchor) == key_spki {
        Ok(())
    } else {
        Err(InconsistentKeys::KeyMismatch.into())
    }
}

/// webpki against the user's CAs, and one more acceptance: a server
/// certificate that is byte for byte one of those CAs. A self-signed broker
/// certificate (often `CA:TRUE`) given as its own CA is how home and
/// development brokers run; OpenSSL, so Node, accepts it, while webpki
/// refuses a CA as an end entity.
#[derive(Debug)]
struct UserCaVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    anchors: Vec<CertificateDer<'static>>,
}

impl UserCaVerifier {
    fn is_anchor(&self, certificate: &CertificateDer<'_>) -> bool {
        self.anchors
            .iter()
            .any(|a| a.as_ref() == certificate.as_ref())
    }
}

impl ServerCertVerifier for UserCaVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verified {
            Err(error) if is_ca_used_as_end_entity(&error) && self.is_anchor(end_entity) => {
                verify_trusted_certificate(end_entity, server_name, now)
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// rustls passes this webpki error through as `CertificateError::Other`.
fn is_ca_used_as_end_entity(error: &rustls::Error) -> bool {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => matches!(
            other.0.downcast_ref::<webpki::Error>(),
            Some(webpki::Error::CaUsedAsEndEntity)
        ),
        _ => false,
    }
}

/// What webpki checks of an end entity besides its issuer, for a
/// certificate the user trusts as such: its dates (webpki has checked them
/// before it found the CA, but that order is its own business), its purpose
/// and the name.
fn verify_trusted_certificate(
    certificate: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<ServerCertVerified, rustls::Error> {
    let (_, parsed) =
        X509Certificate::from_der(certificate).map_err(|_| CertificateError::BadEncoding)?;
    check_validity(&parsed, now)?;
    check_server_purpose(&parsed)?;
    verify_server_name(&ParsedCertificate::try_from(certificate)?, server_name)?;
    Ok(ServerCertVerified::assertion())
}

fn check_validity(
    certificate: &X509Certificate<'_>,
    now: UnixTime,
) -> Result<(), CertificateError> {
    let validity = certificate.validity();
    let seconds = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if seconds < validity.not_before.timestamp() {
        return Err(CertificateError::NotValidYetContext {
            time: now,
            not_before: unix_time(validity.not_before),
        });
    }
    if seconds > validity.not_after.timestamp() {
        return Err(CertificateError::ExpiredContext {
            time: now,
            not_after: unix_time(validity.not_after),
        });
    }
    Ok(())
}

fn unix_time(time: ASN1Time) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(time.timestamp().max(0) as u64))
}

/// An extended key usage, when there is one, must allow server authentication.
fn check_server_purpose(certificate: &X509Certificate<'_>) -> Result<(), CertificateError> {
    match certificate.extended_key_usage() {
        Ok(Some(usage)) if !usage.value.server_auth => Err(CertificateError::InvalidPurpose),
        Ok(_) => Ok(()),
        Err(_) => Err(CertificateError::BadEncoding),
    }
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
                    ca_file: Some(missing.clone()),
                    ..verifying()
                },
                TlsOption::CaFile,
            ),
            (
                TlsOptions {
                    ca_dir: Some(missing.clone()),
                    ..verifying()
                },
                TlsOption::CaDir,
            ),
            (
                TlsOptions {
                    ca_pem: Some("not a certificate".into()),
                    ..verifying()
                },
                TlsOption::CaPem,
            ),
            (
                TlsOptions {
                    certificate_file: Some(missing.clone()),
                    private_key_file: Some(missing.clone()),
                    ..verifying()
                },
                TlsOption::CertificateFile,
            ),
            (
                TlsOptions {
                    certificate_pem: Some("no pem here".into()),
                    private_key_pem: Some("no pem here".into()),
                    ..verifying()
                },
                TlsOption::CertificatePem,
            ),
            // Half a pair: named on the half left out, in the given one's form.
            (
                TlsOptions {
                    certificate_pem: Some("no pem here".into()),
                    ..verifying()
                },
                TlsOption::PrivateKeyPem,
            ),
            (
                TlsOptions {
                    private_key_pem: Some("no pem here".into()),
                    ..verifying()
                },
                TlsOption::CertificatePem,
            ),
            (
                TlsOptions {
                    private_key_file: Some(missing.clone()),
                    ..verifying()
                },
                TlsOption::PrivateKeyFile,
            ),
            (
                TlsOptions {
                    pkcs12_file: Some(missing),
                    ..verifying()
                },
                TlsOption::Pkcs12File,
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
            ca_file: Some("/nonexistent".into()),
            ..TlsOptions::default()
        };
        assert!(TlsContext::new(&options).is_ok());
    }

    /// Whether a context with `policy` completes a handshake with a rustls
    /// server that has only `suites` and `groups`.
    async fn agrees_with_server(
        policy: CipherPolicy,
        suites: &[CipherSuite],
        groups: &[NamedGroup],
    ) -> bool {
        let scratch = Scratch::new();
        self_signed_broker(&scratch);
        let mut provider = rustls::crypto::ring::default_provider();
        provider
            .cipher_suites
            .retain(|s| suites.contains(&s.suite()));
        provider.kx_groups.retain(|g| groups.contains(&g.name()));
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                scratch.certificates("broker.pem"),
                scratch.key("broker.key"),
            )
            .unwrap();
        let context = TlsContext::new(&TlsOptions {
            cipher_policy: policy,
            ..TlsOptions::default()
        })
        .unwrap();
        let (client_end, server_end) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let (client, _server) = tokio::join!(
            context.connect(client_end, "localhost"),
            acceptor.accept(server_end)
        );
        client.is_ok()
    }

    #[tokio::test]
    async fn the_aes_gcm_policy_offers_neither_chacha20_nor_x25519() {
        use CipherSuite::*;
        let chacha = [
            TLS13_CHACHA20_POLY1305_SHA256,
            TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ];
        let all_groups = [NamedGroup::X25519, NamedGroup::secp256r1];
        let strict = CipherPolicy::AesGcmNistCurves;
        assert!(agrees_with_server(CipherPolicy::Default, &chacha, &all_groups).await);
        assert!(!agrees_with_server(strict, &chacha, &all_groups).await);

        let x25519 = [NamedGroup::X25519];
        assert!(agrees_with_server(CipherPolicy::Default, &AES_GCM_SUITES, &x25519).await);
        assert!(!agrees_with_server(strict, &AES_GCM_SUITES, &x25519).await);

        let p256 = [NamedGroup::secp256r1];
        assert!(agrees_with_server(strict, &AES_GCM_SUITES, &p256).await);
        let tls12_only = [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];
        assert!(agrees_with_server(strict, &tls12_only, &p256).await);
    }

    /// A fresh directory of certificates made with the `openssl` CLI (as the
    /// jest suites make theirs: no private key is committed), removed on drop.
    struct Scratch {
        dir: std::path::PathBuf,
    }

    const OPENSSL_CONFIG: &str = "\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ self_signed_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectAltName = DNS:localhost, IP:127.0.0.1
[ server ]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:localhost
[ client_only_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost
[ ca ]
default_ca = scratch_ca
[ scratch_ca ]
database = index.txt
new_certs_dir = .
default_md = sha256
policy = any_policy
unique_subject = no
rand_serial = yes
[ any_policy ]
commonName = supplied
";

    impl Scratch {
        fn new() -> Scratch {
            static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir =
                std::env::temp_dir().join(format!("mqtt-napi-tls-{}-{n}", std::process::id()));
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("openssl.cnf"), OPENSSL_CONFIG).unwrap();
            fs::write(dir.join("index.txt"), "").unwrap();
            Scratch { dir }
        }

        fn path(&self, name: &str) -> String {
            self.dir.join(name).to_string_lossy().into_owned()
        }

        fn read(&self, name: &str) -> Vec<u8> {
            fs::read(self.dir.join(name)).unwrap()
        }

        /// Runs `openssl` with `command_line`, split at spaces.
        fn openssl(&self, command_line: &str) {
            let args: Vec<&str> = command_line.split_whitespace().collect();
            let output = std::process::Command::new("openssl")
                .args(&args)
                .current_dir(&self.dir)
                .output()
                .expect("the openssl CLI runs");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }

        fn ec_key(&self, name: &str) {
            self.openssl(&format!(
                "ecparam -name prime256v1 -genkey -noout -out {name}"
            ));
        }

        /// `{name}.pem`, self-signed by `{key}.key` with the `extensions`
        /// section, valid from one date to the other.
        fn self_signed(&self, name: &str, key: &str, extensions: &str, (from, to): Period) {
            self.openssl(&format!(
                "req -new -config openssl.cnf -key {key}.key -subj /CN=localhost -out {name}.csr"
            ));
            self.openssl(&format!(
                "ca -batch -selfsign -config openssl.cnf -keyfile {key}.key -in {name}.csr \
                 -out {name}.pem -notext -startdate {from} -enddate {to} \
                 -extfile openssl.cnf -extensions {extensions}"
            ));
        }

        /// A certificate for the key `{name}.key`, made `{name}.pem` and signed
        /// by `{ca}.pem` and `{ca}.key`. Without `extensions` openssl makes an
        /// X.509 v1 certificate.
        fn signed(&self, name: &str, ca: &str, extensions: Option<&str>) {
            self.openssl(&format!(
                "req -new -config openssl.cnf -key {name}.key -subj /CN={name} -out {name}.csr"
            ));
            let extensions = extensions
                .map(|section| format!("-extfile openssl.cnf -extensions {section}"))
                .unwrap_or_default();
            self.openssl(&format!(
                "x509 -req -in {name}.csr -CA {ca}.pem -CAkey {ca}.key -set_serial 7 -days 2 \
                 {extensions} -out {name}.pem"
            ));
        }

        fn certificates(&self, name: &str) -> Vec<CertificateDer<'static>> {
            pem_certificates(TlsOption::CaPem, &self.read(name)).unwrap()
        }

        fn key(&self, name: &str) -> PrivateKeyDer<'static> {
            PrivateKeyDer::from_pem_slice(&self.read(name)).unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    /// From and to, as openssl takes dates (YYYYMMDDHHMMSSZ).
    type Period = (&'static str, &'static str);
    const CURRENT: Period = ("20240101000000Z", "20990101000000Z");
    const PAST: Period = ("20200101000000Z", "20200201000000Z");
    const FUTURE: Period = ("20900101000000Z", "20910101000000Z");

    /// Runs a handshake between `context` (asking for `server_name`) and a
    /// rustls server presenting `chain`.
    async fn handshake(
        context: &TlsContext,
        server_name: &str,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> io::Result<()> {
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
        let (client_end, server_end) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let (client, _server) = tokio::join!(
            context.connect(client_end, server_name),
            acceptor.accept(server_end)
        );
        client.map(|_| ())
    }

    fn trusting(pem: &[u8]) -> TlsContext {
        TlsContext::new(&TlsOptions {
            ca_pem: Some(String::from_utf8(pem.to_vec()).unwrap()),
            ..verifying()
        })
        .unwrap()
    }

    /// A self-signed CA:TRUE certificate for localhost and 127.0.0.1, valid now.
    fn self_signed_broker(scratch: &Scratch) {
        scratch.ec_key("broker.key");
        scratch.self_signed("broker", "broker", "self_signed_ca", CURRENT);
    }

    #[tokio::test]
    async fn a_self_signed_ca_certificate_given_as_the_ca_is_accepted_for_its_names() {
        let scratch = Scratch::new();
        self_signed_broker(&scratch);
        let context = trusting(&scratch.read("broker.pem"));
        for name in ["localhost", "127.0.0.1"] {
            let result = handshake(
                &context,
                name,
                scratch.certificates("broker.pem"),
                scratch.key("broker.key"),
            )
            .await;
            assert!(result.is_ok(), "{name}: {result:?}");
        }
    }

    fn failure_of(result: io::Result<()>) -> TlsFailure {
        tls_failure(&result.expect_err("the handshake should fail")).expect("a TLS failure")
    }

    /// The rustls error a failed handshake ended with.
    fn rustls_error(result: io::Result<()>) -> rustls::Error {
        let error = result.expect_err("the handshake should fail");
        let inner = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>());
        inner.expect("a rustls error").clone()
    }

    #[tokio::test]
    async fn a_self_signed_ca_certificate_given_as_the_ca_is_still_checked() {
        let scratch = Scratch::new();
        self_signed_broker(&scratch);
        let key = || scratch.key("broker.key");
        let presenting = |name: &str| (trusting(&scratch.read(name)), scratch.certificates(name));

        let (context, chain) = presenting("broker.pem");
        let wrong_name = handshake(&context, "other.example", chain, key()).await;
        assert_eq!(failure_of(wrong_name), TlsFailure::NameMismatch);

        scratch.self_signed("expired", "broker", "self_signed_ca", PAST);
        let (context, chain) = presenting("expired.pem");
        let expired = handshake(&context, "localhost", chain, key()).await;
        assert_eq!(failure_of(expired), TlsFailure::Expired);

        scratch.self_signed("future", "broker", "self_signed_ca", FUTURE);
        let (context, chain) = presenting("future.pem");
        let future = handshake(&context, "localhost", chain, key()).await;
        assert!(matches!(
            rustls_error(future),
            rustls::Error::InvalidCertificate(CertificateError::NotValidYetContext { .. })
        ));

        scratch.self_signed("client-only", "broker", "client_only_ca", CURRENT);
        let (context, chain) = presenting("client-only.pem");
        let client_only = handshake(&context, "localhost", chain, key()).await;
        assert_eq!(
            rustls_error(client_only),
            rustls::Error::InvalidCertificate(CertificateError::InvalidPurpose)
        );

        // A CA certificate that is not the one trusted is still no end entity.
        scratch.ec_key("other.key");
        scratch.self_signed("other", "other", "self_signed_ca", CURRENT);
        let (context, _) = presenting("other.pem");
        let untrusted = handshake(
            &context,
            "localhost",
            scratch.certificates("broker.pem"),
            key(),
        )
        .await;
        assert!(is_ca_used_as_end_entity(&rustls_error(untrusted)));
    }

    /// webpki checks the dates before it finds a CA used as an end entity;
    /// our own check must not depend on that order.
    #[test]
    fn a_trusted_certificate_is_checked_for_its_dates_by_itself() {
        let scratch = Scratch::new();
        self_signed_broker(&scratch);
        let certificate = &scratch.certificates("broker.pem")[0];
        let name = ServerName::try_from("localhost").unwrap();
        let at = |seconds: u64| UnixTime::since_unix_epoch(Duration::from_secs(seconds));
        let (in_2023, in_2050, in_2100) = (at(1_672_531_200), at(2_524_608_000), at(4_102_444_800));
        assert!(verify_trusted_certificate(certificate, &name, in_2050).is_ok());
        assert!(matches!(
            verify_trusted_certificate(certificate, &name, in_2023),
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidYetContext { .. }
            ))
        ));
        assert!(matches!(
            verify_trusted_certificate(certificate, &name, in_2100),
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ExpiredContext { .. }
            ))
        ));
    }

    /// A CA and an X.509 v1 client certificate it signed (`openssl x509 -req`
    /// without extensions), with its key in PEM and in a PKCS#12 bundle.
    fn v1_client(scratch: &Scratch) {
        scratch.ec_key("ca.key");
        scratch.self_signed("ca", "ca", "self_signed_ca", CURRENT);
        scratch.ec_key("client.key");
        scratch.signed("client", "ca", None);
        scratch.openssl(
            "pkcs12 -export -in client.pem -inkey client.key -out client.p12 -passout pass:secret",
        );
        let der = &scratch.certificates("client.pem")[0];
        let (_, parsed) = X509Certificate::from_der(der).unwrap();
        assert_eq!(parsed.version().0, 0, "openssl made a v1 certificate");
    }

    #[test]
    fn an_x509_v1_client_certificate_is_accepted_from_pem_files_pem_text_and_pkcs12() {
        let scratch = Scratch::new();
        v1_client(&scratch);
        let text = |name: &str| Some(String::from_utf8(scratch.read(name)).unwrap());
        let variants = [
            TlsOptions {
                certificate_file: Some(scratch.path("client.pem")),
                private_key_file: Some(scratch.path("client.key")),
                ..verifying()
            },
            TlsOptions {
                certificate_pem: text("client.pem"),
                private_key_pem: text("client.key"),
                ..verifying()
            },
            TlsOptions {
                pkcs12_file: Some(scratch.path("client.p12")),
                pkcs12_password: Some("secret".into()),
                ..verifying()
            },
        ];
        for options in variants {
            let built = TlsContext::new(&options);
            assert!(built.is_ok(), "{options:?}: {built:?}");
        }
    }

    #[test]
    fn a_key_that_is_not_the_v1_certificates_is_still_refused() {
        let scratch = Scratch::new();
        v1_client(&scratch);
        let error = error_of(TlsOptions {
            certificate_file: Some(scratch.path("client.pem")),
            private_key_file: Some(scratch.path("ca.key")),
            ..verifying()
        });
        assert_eq!(error.option, TlsOption::PrivateKeyFile);
        assert_eq!(
            error.message,
            "the private key does not match the certificate"
        );
    }

    /// A server that requires a client certificate, keeps what it was sent,
    /// and checks the handshake signature with the certificate's key.
    #[derive(Debug, Default)]
    struct RecordingClientVerifier {
        presented: std::sync::Mutex<Vec<CertificateDer<'static>>>,
    }

    impl rustls::server::danger::ClientCertVerifier for RecordingClientVerifier {
        fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
            &[]
        }

        fn verify_client_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _now: UnixTime,
        ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
            self.presented
                .lock()
                .unwrap()
                .push(end_entity.clone().into_owned());
            Ok(rustls::server::danger::ClientCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            _message: &[u8],
            _cert: &CertificateDer<'_>,
            _dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            Err(rustls::Error::General(
                "this server speaks TLS 1.3 only".into(),
            ))
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            let anchor = webpki::anchor_from_trusted_cert(cert).unwrap();
            rustls::crypto::verify_tls13_signature_with_raw_key(
                message,
                &webpki::spki_for_anchor(&anchor),
                dss,
                &rustls::crypto::ring::default_provider().signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            rustls::crypto::ring::default_provider()
                .signature_verification_algorithms
                .supported_schemes()
        }
    }

    #[tokio::test]
    async fn an_x509_v1_client_certificate_is_sent_as_it_is() {
        let scratch = Scratch::new();
        v1_client(&scratch);
        let context = TlsContext::new(&TlsOptions {
            ca_pem: Some(String::from_utf8(scratch.read("ca.pem")).unwrap()),
            certificate_file: Some(scratch.path("client.pem")),
            private_key_file: Some(scratch.path("client.key")),
            ..verifying()
        })
        .unwrap();
        scratch.ec_key("server.key");
        scratch.signed("server", "ca", Some("server"));
        let verifier = Arc::new(RecordingClientVerifier::default());
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_client_cert_verifier(verifier.clone())
        .with_single_cert(
            scratch.certificates("server.pem"),
            scratch.key("server.key"),
        )
        .unwrap();
        let (client_end, server_end) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let (client, server) = tokio::join!(
            context.connect(client_end, "localhost"),
            acceptor.accept(server_end)
        );
        client.unwrap();
        server.unwrap();
        assert_eq!(
            *verifier.presented.lock().unwrap(),
            scratch.certificates("client.pem")
        );
    }
}
