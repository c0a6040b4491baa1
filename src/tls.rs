//! `io.ClientTlsContext`: `TlsContextOptions` (a JS object) into a ready
//! rustls configuration, with every problem thrown at construction.

use napi::bindgen_prelude::Object;
use napi::{Env, JsValue};
use napi_derive::napi;

use crate::transport::{MinTlsVersion, TlsContext, TlsOptions};

use super::fields::{Checked, Fields, Invalid};

/// aws-crt's `TlsVersion.TLSv1_3`; every other value means TLS 1.2 or later.
const TLS_VERSION_1_3: f64 = 4.0;
/// Every `io.TlsVersion` value.
const TLS_VERSIONS: [f64; 6] = [0.0, 1.0, 2.0, 3.0, 4.0, 128.0];

#[napi]
pub struct NativeTlsContext {
    context: TlsContext,
}

#[napi]
impl NativeTlsContext {
    #[napi(constructor)]
    pub fn new(env: Env, options: Object<'_>) -> napi::Result<NativeTlsContext> {
        let options = tls_options(&options).map_err(|invalid| invalid.throw(&env))?;
        let context = TlsContext::new(&options).map_err(|error| {
            Invalid::Unsupported(format!("io.ClientTlsContext: options.{error}")).throw(&env)
        })?;
        Ok(NativeTlsContext { context })
    }
}

impl NativeTlsContext {
    pub fn context(&self) -> &TlsContext {
        &self.context
    }
}

fn tls_options(object: &Object<'_>) -> Checked<TlsOptions> {
    let fields = Fields::new(object, "options");
    let min_version = match fields.optional_integer("min_tls_version", 0.0, 255.0)? {
        Some(TLS_VERSION_1_3) => MinTlsVersion::Tls13,
        None => MinTlsVersion::Tls12,
        Some(version) if TLS_VERSIONS.contains(&version) => MinTlsVersion::Tls12,
        Some(version) => {
            return Err(Invalid::Range(format!(
                "options.min_tls_version must be an io.TlsVersion: SSLv3 (0), TLSv1 (1), \
                 TLSv1_1 (2), TLSv1_2 (3), TLSv1_3 (4) or Default (128) (got {version})"
            )))
        }
    };
    Ok(TlsOptions {
        min_version,
        ca_filepath: fields.optional_string("ca_filepath")?,
        ca_dirpath: fields.optional_string("ca_dirpath")?,
        certificate_authority: fields.optional_string("certificate_authority")?,
        alpn: alpn_list(&fields, "alpn_list")?,
        certificate_filepath: fields.optional_string("certificate_filepath")?,
        certificate: fields.optional_string("certificate")?,
        private_key_filepath: fields.optional_string("private_key_filepath")?,
        private_key: fields.optional_string("private_key")?,
        pkcs12_filepath: fields.optional_string("pkcs12_filepath")?,
        pkcs12_password: fields.optional_string("pkcs12_password")?,
        verify_peer: fields.optional_bool("verify_peer")?.unwrap_or(true),
    })
}

/// An optional array of strings.
fn string_list(fields: &Fields<'_, '_>, field: &str) -> Checked<Vec<String>> {
    let Some(value) = fields.get(field)? else {
        return Ok(Vec::new());
    };
    let not_a_list = || {
        Invalid::Type(format!(
            "{} must be an array of strings",
            fields.name(field)
        ))
    };
    if !value.is_array()? {
        return Err(not_a_list());
    }
    let items: Vec<napi::Unknown<'_>> = unsafe { value.cast() }?;
    items
        .into_iter()
        .map(|item| match item.get_type()? {
            napi::ValueType::String => Ok(unsafe { item.cast::<String>() }?),
            _ => Err(not_a_list()),
        })
        .collect()
}

/// An optional ALPN list: each protocol name 1 to 255 bytes long.
pub fn alpn_list(fields: &Fields<'_, '_>, field: &str) -> Checked<Vec<String>> {
    let names = string_list(fields, field)?;
    if let Some(bad) = names
        .iter()
        .find(|name| name.is_empty() || name.len() > 255)
    {
        return Err(Invalid::Range(format!(
            "{} must hold protocol names of 1 to 255 bytes (got one of {})",
            fields.name(field),
            bad.len()
        )));
    }
    Ok(names)
}
