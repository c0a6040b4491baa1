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

// Codes the JS side reports itself (a second connect(), a handshake
// transform that failed, a connect() cut short by disconnect()).

#[napi]
pub const ERROR_CODE_MQTT_ALREADY_CONNECTED: u32 = ErrorCode::MqttAlreadyConnected as u32;
#[napi]
pub const ERROR_CODE_HTTP_WEBSOCKET_UPGRADE_FAILURE: u32 =
    ErrorCode::HttpWebsocketUpgradeFailure as u32;
#[napi]
pub const ERROR_CODE_MQTT_CONNECTION_DISCONNECTING: u32 =
    ErrorCode::MqttConnectionDisconnecting as u32;
