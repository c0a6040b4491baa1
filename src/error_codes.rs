//! aws-crt's error codes: one number, name and text for each of the engine's
//! error kinds, so code that checks `error_code` or `error_name` keeps
//! working (`io.error_code_to_name`, `io.error_code_to_string`).

use napi_derive::napi;

use crate::client::{ClientError, ErrorKind};
use crate::protocol::ReasonCode;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $name:literal, $text:literal;)*) => {
        /// Every code the addon reports, with aws-crt's name and text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum ErrorCode {
            $($variant = $code,)*
        }

        impl ErrorCode {
            const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            fn text(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    Unknown = 3, "AWS_ERROR_UNKNOWN", "Unknown error.";
    TlsNegotiationFailure = 1029, "AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE", "TLS (SSL) negotiation failed";
    TlsAlertReceived = 1032, "AWS_IO_TLS_ERROR_ALERT_RECEIVED", "Fatal TLS Alert was received";
    SocketConnectionRefused = 1047, "AWS_IO_SOCKET_CONNECTION_REFUSED", "socket connection refused.";
    SocketTimeout = 1048, "AWS_IO_SOCKET_TIMEOUT", "socket operation timed out.";
    SocketNoRouteToHost = 1049, "AWS_IO_SOCKET_NO_ROUTE_TO_HOST", "socket connect failure, no route to host.";
    SocketNetworkDown = 1050, "AWS_IO_SOCKET_NETWORK_DOWN", "network is down.";
    SocketClosed = 1051, "AWS_IO_SOCKET_CLOSED", "socket is closed.";
    SocketInvalidAddress = 1055, "AWS_IO_SOCKET_INVALID_ADDRESS", "Invalid socket address.";
    DnsQueryFailed = 1058, "AWS_IO_DNS_QUERY_FAILED", "A nonrecoverable failure when query to dns occurred.";
    HttpWebsocketUpgradeFailure = 2065, "AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE", "Failed to upgrade HTTP connection to Websocket.";
    HttpProxyConnectFailed = 2071, "AWS_ERROR_HTTP_PROXY_CONNECT_FAILED", "Proxy-based connection establishment failed because the CONNECT call failed";
    DnsNoAddressForHost = 1060, "AWS_IO_DNS_NO_ADDRESS_FOR_HOST", "No address was found for the supplied host name.";
    TlsUnknownRootCertificate = 1181, "AWS_IO_TLS_UNKNOWN_ROOT_CERTIFICATE", "Channel shutdown due to tls unknown root certificate.";
    TlsCertificateExpired = 1183, "AWS_IO_TLS_CERTIFICATE_EXPIRED", "Channel shutdown due to tls certificate expired.";
    TlsHostNameMismatch = 1194, "AWS_IO_TLS_HOST_NAME_MISMATCH", "Channel shutdown due to certificate's host name does not match the endpoint host name.";
    MqttTimeout = 5129, "AWS_ERROR_MQTT_TIMEOUT", "Time limit between request and response has been exceeded.";
    MqttProtocolError = 5130, "AWS_ERROR_MQTT_PROTOCOL_ERROR", "Protocol error occurred.";
    MqttNotConnected = 5131, "AWS_ERROR_MQTT_NOT_CONNECTED", "The requested operation is invalid as the connection is not open.";
    MqttAlreadyConnected = 5132, "AWS_ERROR_MQTT_ALREADY_CONNECTED", "The requested operation is invalid as the connection is already open.";
    MqttUnexpectedHangup = 5134, "AWS_ERROR_MQTT_UNEXPECTED_HANGUP", "The connection was closed unexpectedly.";
    MqttConnectionShutdown = 5135, "AWS_ERROR_MQTT_CONNECTION_SHUTDOWN", "MQTT operation interrupted by connection shutdown.";
    MqttConnectionDisconnecting = 5137, "AWS_ERROR_MQTT_CONNECTION_DISCONNECTING", "Connection is disconnecting, it's not safe to do this operation until the connection finishes shutdown.";
    MqttQueueFull = 5139, "AWS_ERROR_MQTT_QUEUE_FULL", "MQTT request queue is full.";
    Mqtt5ClientOptionsValidation = 5140, "AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION", "Invalid mqtt5 client options value.";
    Mqtt5ConnectOptionsValidation = 5141, "AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION", "Invalid mqtt5 connect packet options value.";
    Mqtt5DisconnectOptionsValidation = 5142, "AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION", "Invalid mqtt5 disconnect packet options value.";
    Mqtt5PublishOptionsValidation = 5143, "AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION", "Invalid mqtt5 publish packet options value.";
    Mqtt5SubscribeOptionsValidation = 5144, "AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION", "Invalid mqtt5 subscribe packet options value.";
    Mqtt5UnsubscribeOptionsValidation = 5145, "AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION", "Invalid mqtt5 unsubscribe packet options value.";
    Mqtt5DecodeProtocolError = 5149, "AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR", "Mqtt5 decoder received an invalid packet that broke mqtt5 protocol rules";
    Mqtt5ConnackTimeout = 5151, "AWS_ERROR_MQTT5_CONNACK_TIMEOUT", "Remote endpoint did not respond to a CONNECT request before timeout exceeded";
    Mqtt5PingResponseTimeout = 5152, "AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT", "Remote endpoint did not respond to a PINGREQ before timeout exceeded";
    Mqtt5UserRequestedStop = 5153, "AWS_ERROR_MQTT5_USER_REQUESTED_STOP", "Mqtt5 client connection interrupted by user request.";
    Mqtt5ClientTerminated = 5155, "AWS_ERROR_MQTT5_CLIENT_TERMINATED", "Mqtt5 client terminated by user request.";
    Mqtt5OfflineQueuePolicy = 5156, "AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY", "Mqtt5 operation failed due to a disconnection event in conjunction with the client's offline queue retention policy.";
    Mqtt5PacketValidation = 5147, "AWS_ERROR_MQTT5_PACKET_VALIDATION", "General mqtt5 packet validation error";
    Mqtt5ConnackConnectionRefused = 5150, "AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED", "Remote endpoint rejected the CONNECT attempt by returning an unsuccessful CONNACK";
    Mqtt5DisconnectReceived = 5154, "AWS_ERROR_MQTT5_DISCONNECT_RECEIVED", "Mqtt5 client connection interrupted by server DISCONNECT.";
    Mqtt5InvalidOutboundTopicAlias = 5160, "AWS_ERROR_MQTT5_INVALID_OUTBOUND_TOPIC_ALIAS", "Outgoing publish contained an invalid (too large or unknown) topic alias";
    MqttCancelledForCleanSession = 5138, "AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION", "Old requests from the previous session are cancelled, and offline request will not be accept.";
    ConnackUnacceptableProtocolVersion = 5377, "MQTT_NAPI_CONNACK_UNACCEPTABLE_PROTOCOL_VERSION", "The broker refused the connection: unacceptable protocol version (CONNACK 1).";
    ConnackIdentifierRejected = 5378, "MQTT_NAPI_CONNACK_IDENTIFIER_REJECTED", "The broker refused the connection: client identifier rejected (CONNACK 2).";
    ConnackServerUnavailable = 5379, "MQTT_NAPI_CONNACK_SERVER_UNAVAILABLE", "The broker refused the connection: server unavailable (CONNACK 3).";
    ConnackBadUsernameOrPassword = 5380, "MQTT_NAPI_CONNACK_BAD_USERNAME_OR_PASSWORD", "The broker refused the connection: bad user name or password (CONNACK 4).";
    ConnackNotAuthorized = 5381, "MQTT_NAPI_CONNACK_NOT_AUTHORIZED", "The broker refused the connection: not authorized (CONNACK 5).";
    ConnackUnknownReturnCode = 5631, "MQTT_NAPI_CONNACK_UNKNOWN_RETURN_CODE", "The broker refused the connection with a CONNACK return code MQTT 3.1.1 does not define.";
    // aws-crt's `auth` module: its signer and credential providers (js/crt) fail with these.
    AuthSigningUnsupportedAlgorithm = 6144, "AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM", "Attempt to sign an http request with an unsupported version of the AWS signing protocol";
    AuthSigningNoCredentials = 6146, "AWS_AUTH_SIGNING_NO_CREDENTIALS", "Attempt to sign an http request without credentials";
    AuthSigningIllegalRequestQueryParam = 6147, "AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM", "Attempt to sign an http request that includes a query param that signing may add";
    AuthSigningIllegalRequestHeader = 6148, "AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER", "Attempt to sign an http request that includes a header that signing may add";
    AuthX509SourceFailure = 6158, "AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE", "Valid credentials could not be sourced by the X509 provider";
    AuthSigningUnsupportedSignatureType = 6161, "AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE", "Attempt to sign using an unusupported signature type";
    AuthCognitoSourceFailure = 6166, "AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE", "Valid credentials could not be sourced by the cognito provider";
    AuthDelegateFailure = 6167, "AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE", "Valid credentials could not be sourced by the delegate provider";
}

impl ErrorCode {
    fn from_code(code: u32) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|e| *e as u32 == code)
    }

    /// CONNACK refusals are numbered 5376 + return code.
    fn for_connack(return_code: Option<u8>) -> ErrorCode {
        match return_code {
            Some(1) => ErrorCode::ConnackUnacceptableProtocolVersion,
            Some(2) => ErrorCode::ConnackIdentifierRejected,
            Some(3) => ErrorCode::ConnackServerUnavailable,
            Some(4) => ErrorCode::ConnackBadUsernameOrPassword,
            Some(5) => ErrorCode::ConnackNotAuthorized,
            _ => ErrorCode::ConnackUnknownReturnCode,
        }
    }

    fn of(kind: ErrorKind, connack_return_code: Option<u8>) -> ErrorCode {
        match kind {
            ErrorKind::Unknown | ErrorKind::Application(_) => ErrorCode::Unknown,
            ErrorKind::TlsNegotiationFailure => ErrorCode::TlsNegotiationFailure,
            ErrorKind::TlsAlertReceived => ErrorCode::TlsAlertReceived,
            ErrorKind::TlsUnknownRootCertificate => ErrorCode::TlsUnknownRootCertificate,
            ErrorKind::TlsCertificateExpired => ErrorCode::TlsCertificateExpired,
            ErrorKind::TlsHostNameMismatch => ErrorCode::TlsHostNameMismatch,
            ErrorKind::SocketConnectionRefused => ErrorCode::SocketConnectionRefused,
            ErrorKind::SocketTimeout => ErrorCode::SocketTimeout,
            ErrorKind::SocketNoRouteToHost => ErrorCode::SocketNoRouteToHost,
            ErrorKind::SocketNetworkDown => ErrorCode::SocketNetworkDown,
            ErrorKind::SocketClosed => ErrorCode::SocketClosed,
            ErrorKind::SocketInvalidAddress => ErrorCode::SocketInvalidAddress,
            ErrorKind::DnsQueryFailed => ErrorCode::DnsQueryFailed,
            ErrorKind::DnsNoAddressForHost => ErrorCode::DnsNoAddressForHost,
            ErrorKind::WebsocketUpgradeFailure => ErrorCode::HttpWebsocketUpgradeFailure,
            ErrorKind::ProxyConnectFailed => ErrorCode::HttpProxyConnectFailed,
            ErrorKind::Timeout => ErrorCode::MqttTimeout,
            ErrorKind::ProtocolError => ErrorCode::MqttProtocolError,
            ErrorKind::NotConnected => ErrorCode::MqttNotConnected,
            ErrorKind::UnexpectedHangup => ErrorCode::MqttUnexpectedHangup,
            ErrorKind::ConnectionShutdown => ErrorCode::MqttConnectionShutdown,
            ErrorKind::ConnectionDisconnecting => ErrorCode::MqttConnectionDisconnecting,
            ErrorKind::QueueFull => ErrorCode::MqttQueueFull,
            ErrorKind::CancelledForCleanSession => ErrorCode::MqttCancelledForCleanSession,
            // MQTT 5's refusals carry a reason code instead.
            ErrorKind::ConnectionRefused if connack_return_code.is_none() => {
                ErrorCode::Mqtt5ConnackConnectionRefused
            }
            ErrorKind::ConnectionRefused => ErrorCode::for_connack(connack_return_code),
            ErrorKind::DisconnectReceived => ErrorCode::Mqtt5DisconnectReceived,
            ErrorKind::PacketTooLarge => ErrorCode::Mqtt5PacketValidation,
            // What the broker's CONNACK says it does not take; aws-crt names it
            // so for a publish (an API names it for its other operations).
            ErrorKind::NotAvailable => ErrorCode::Mqtt5PublishOptionsValidation,
            ErrorKind::TopicAliasInvalid => ErrorCode::Mqtt5InvalidOutboundTopicAlias,
        }
    }
}

/// The aws-crt code of `error` (a handshake transform's own code as it chose it).
pub fn error_code(error: &ClientError) -> u32 {
    match error.kind {
        ErrorKind::Application(code) => code,
        kind => ErrorCode::of(kind, error.connack_return_code) as u32,
    }
}

/// What JS shows of `error`: aws-crt's text of its code, the MQTT 5 reason
/// code of the DISCONNECT that ended the link, and the detail.
pub fn error_text(error: &ClientError) -> String {
    let code = error_code(error);
    let mut text = ErrorCode::from_code(code)
        .map_or("Error.", ErrorCode::text)
        .to_string();
    if let Some(reason) = error.reason_code {
        text += &format!(" (reason code {})", ReasonCode(reason));
    }
    if let Some(detail) = &error.detail {
        text += &format!(" ({detail})");
    }
    text
}

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

/// aws-crt `mqtt5`'s own codes, which its JS API reports in place of the
/// engine's where aws-crt's MQTT 5 client names a failure differently.
#[napi(object)]
pub struct Mqtt5ErrorCodes {
    pub client_options_validation: u32,
    pub connect_options_validation: u32,
    pub disconnect_options_validation: u32,
    pub publish_options_validation: u32,
    pub subscribe_options_validation: u32,
    pub unsubscribe_options_validation: u32,
    pub decode_protocol_error: u32,
    pub connack_timeout: u32,
    pub ping_response_timeout: u32,
    pub user_requested_stop: u32,
    pub client_terminated: u32,
    pub offline_queue_policy: u32,
}

#[napi]
pub fn mqtt5_error_codes() -> Mqtt5ErrorCodes {
    use ErrorCode::*;
    Mqtt5ErrorCodes {
        client_options_validation: Mqtt5ClientOptionsValidation as u32,
        connect_options_validation: Mqtt5ConnectOptionsValidation as u32,
        disconnect_options_validation: Mqtt5DisconnectOptionsValidation as u32,
        publish_options_validation: Mqtt5PublishOptionsValidation as u32,
        subscribe_options_validation: Mqtt5SubscribeOptionsValidation as u32,
        unsubscribe_options_validation: Mqtt5UnsubscribeOptionsValidation as u32,
        decode_protocol_error: Mqtt5DecodeProtocolError as u32,
        connack_timeout: Mqtt5ConnackTimeout as u32,
        ping_response_timeout: Mqtt5PingResponseTimeout as u32,
        user_requested_stop: Mqtt5UserRequestedStop as u32,
        client_terminated: Mqtt5ClientTerminated as u32,
        offline_queue_policy: Mqtt5OfflineQueuePolicy as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_named() {
        for (i, a) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(ErrorCode::from_code(*a as u32), Some(*a));
            assert!(!a.name().is_empty() && !a.text().is_empty());
            for b in &ErrorCode::ALL[i + 1..] {
                assert_ne!(*a as u32, *b as u32);
            }
        }
    }

    #[test]
    fn connack_codes_are_offset_by_5376() {
        for rc in 1..=5u8 {
            assert_eq!(
                ErrorCode::for_connack(Some(rc)) as u32,
                5376 + u32::from(rc)
            );
        }
    }
}
