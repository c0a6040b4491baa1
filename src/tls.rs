//! TLS contexts: the engine's TLS options (in its own words; each JS API
//! builds them from its own) into a ready rustls configuration. A problem is
//! returned naming the option, for the JS API to report in its own terms.

use napi::bindgen_prelude::Either;
use napi_derive::napi;

use crate::transport::{MinTlsVersion, TlsContext, TlsOption, TlsOptions};

/// What a TLS context trusts, presents and offers.
#[napi(object)]
pub struct NativeTlsOptions {
    /// TLS 1.3 only; else TLS 1.2 or later.
    pub tls13_only: bool,
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
pub fn create_tls_context(options: NativeTlsOptions) -> Either<NativeTlsContext, NativeTlsProblem> {
    let options = TlsOptions {
        min_version: if options.tls13_only {
            MinTlsVersion::Tls13
        } else {
            MinTlsVersion::Tls12
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
        verify_peer: options.verify_peer,
    };
    match TlsContext::new(&options) {
        Ok(context) => Either::A(NativeTlsContext { context }),
        Err(problem) => Either::B(NativeTlsProblem {
            option: field_name(problem.option).into(),
            reason: problem.message,
        }),
    }
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
    }
}
