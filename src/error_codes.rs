//! The error-code table, for `io.error_code_to_name` and
//! `io.error_code_to_string`.

use napi_derive::napi;

use crate::client::ErrorCode;

#[napi]
pub fn error_code_to_name(code: u32) -> String {
    ErrorCode::from_code(code)
        .map(|e| e.name().to_string())
        .unwrap_or_else(|| format!("UNKNOWN_ERROR_CODE_{code}"))
}

#[napi]
pub fn error_code_to_string(code: u32) -> String {
    ErrorCode::from_code(code)
        .map(|e| e.text().to_string())
        .unwrap_or_else(|| format!("Unknown error code {code}."))
}
