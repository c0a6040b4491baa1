//! Error codes: one number, name and text for every way an attempt, a link or
//! an operation can fail. Names and numbers follow aws-crt where it has the
//! same failure, so code that checks `error_name` keeps working.

use std::fmt;
use std::io;

use crate::session::Failure;
use crate::transport::{tls_failure, HttpRefused, HttpStep, ResolveFailed, TlsFailure};

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $name:literal, $text:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $($variant = $code,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            pub fn text(self) -> &'static str {
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
    MqttCancelledForCleanSession = 5138, "AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION", "Old requests from the previous session are cancelled, and offline request will not be accept.";
    ConnackUnacceptableProtocolVersion = 5377, "MQTT_NAPI_CONNACK_UNACCEPTABLE_PROTOCOL_VERSION", "The broker refused the connection: unacceptable protocol version (CONNACK 1).";
    ConnackIdentifierRejected = 5378, "MQTT_NAPI_CONNACK_IDENTIFIER_REJECTED", "The broker refused the connection: client identifier rejected (CONNACK 2).";
    ConnackServerUnavailable = 5379, "MQTT_NAPI_CONNACK_SERVER_UNAVAILABLE", "The broker refused the connection: server unavailable (CONNACK 3).";
    ConnackBadUsernameOrPassword = 5380, "MQTT_NAPI_CONNACK_BAD_USERNAME_OR_PASSWORD", "The broker refused the connection: bad user name or password (CONNACK 4).";
    ConnackNotAuthorized = 5381, "MQTT_NAPI_CONNACK_NOT_AUTHORIZED", "The broker refused the connection: not authorized (CONNACK 5).";
    ConnackUnknownReturnCode = 5631, "MQTT_NAPI_CONNACK_UNKNOWN_RETURN_CODE", "The broker refused the connection with a CONNACK return code MQTT 3.1.1 does not define.";
}

impl ErrorCode {
    pub fn from_code(code: u32) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|e| *e as u32 == code)
    }

    /// CONNACK refusals are numbered 5376 + return code.
    pub fn for_connack(return_code: u8) -> ErrorCode {
        match return_code {
            1 => ErrorCode::ConnackUnacceptableProtocolVersion,
            2 => ErrorCode::ConnackIdentifierRejected,
            3 => ErrorCode::ConnackServerUnavailable,
            4 => ErrorCode::ConnackBadUsernameOrPassword,
            5 => ErrorCode::ConnackNotAuthorized,
            _ => ErrorCode::ConnackUnknownReturnCode,
        }
    }
}

/// A failure as the user sees it: a code and, where there is one, detail
/// that the code's text does not carry (the OS error, the violation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    /// Usually an `ErrorCode`; any number a websocket transform chose.
    pub code: u32,
    pub detail: Option<String>,
    /// The CONNACK return code of a refused connection.
    pub connack_return_code: Option<u8>,
    /// The HTTP status of a refused websocket upgrade or proxy CONNECT.
    pub http_status: Option<u16>,
}

impl ClientError {
    pub fn new(code: ErrorCode) -> ClientError {
        ClientError::with_code(code as u32)
    }

    pub fn with_code(code: u32) -> ClientError {
        ClientError {
            code,
            detail: None,
            connack_return_code: None,
            http_status: None,
        }
    }

    pub fn with_detail(code: ErrorCode, detail: impl Into<String>) -> ClientError {
        ClientError {
            detail: Some(detail.into()),
            ..ClientError::new(code)
        }
    }

    /// A failed TCP/Unix connect, read or write.
    pub fn from_io(error: &io::Error) -> ClientError {
        let unresolved = error
            .get_ref()
            .is_some_and(|inner| inner.is::<ResolveFailed>());
        if unresolved {
            return ClientError::with_detail(ErrorCode::DnsNoAddressForHost, error.to_string());
        }
        if let Some(refused) = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<HttpRefused>())
        {
            let code = match refused.during {
                HttpStep::WebsocketUpgrade => ErrorCode::HttpWebsocketUpgradeFailure,
                HttpStep::ProxyConnect => ErrorCode::HttpProxyConnectFailed,
            };
            return ClientError {
                http_status: Some(refused.status),
                ..ClientError::with_detail(code, refused.to_string())
            };
        }
        if let Some(failure) = tls_failure(error) {
            let code = match failure {
                TlsFailure::UnknownIssuer => ErrorCode::TlsUnknownRootCertificate,
                TlsFailure::Expired => ErrorCode::TlsCertificateExpired,
                TlsFailure::NameMismatch => ErrorCode::TlsHostNameMismatch,
                TlsFailure::AlertReceived => ErrorCode::TlsAlertReceived,
                TlsFailure::Other => ErrorCode::TlsNegotiationFailure,
            };
            return ClientError::with_detail(code, error.to_string());
        }
        let code = match error.kind() {
            io::ErrorKind::ConnectionRefused => ErrorCode::SocketConnectionRefused,
            io::ErrorKind::TimedOut => ErrorCode::SocketTimeout,
            io::ErrorKind::HostUnreachable => ErrorCode::SocketNoRouteToHost,
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::NetworkDown => {
                ErrorCode::SocketNetworkDown
            }
            io::ErrorKind::NotFound | io::ErrorKind::AddrNotAvailable => {
                ErrorCode::SocketInvalidAddress
            }
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof => ErrorCode::MqttUnexpectedHangup,
            _ => ErrorCode::Unknown,
        };
        ClientError::with_detail(code, error.to_string())
    }

    pub fn from_failure(failure: &Failure) -> ClientError {
        match failure {
            Failure::Timeout => ClientError::new(ErrorCode::MqttTimeout),
            Failure::ConnectionRefused(return_code) => ClientError {
                connack_return_code: Some(*return_code),
                ..ClientError::new(ErrorCode::for_connack(*return_code))
            },
            Failure::ProtocolViolation(what) => {
                ClientError::with_detail(ErrorCode::MqttProtocolError, what.clone())
            }
            Failure::CancelledForCleanSession => {
                ClientError::new(ErrorCode::MqttCancelledForCleanSession)
            }
            Failure::NotConnected => ClientError::new(ErrorCode::MqttNotConnected),
            Failure::ConnectionShutdown => ClientError::new(ErrorCode::MqttConnectionShutdown),
            Failure::QueueFull => ClientError::with_detail(
                ErrorCode::MqttQueueFull,
                "the offline queue is at its limit (offline_queue_max_operations / offline_queue_max_bytes)",
            ),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = ErrorCode::from_code(self.code).map_or("Error.", ErrorCode::text);
        match &self.detail {
            Some(detail) => write!(f, "{text} ({detail})"),
            None => f.write_str(text),
        }
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
            assert_eq!(ErrorCode::for_connack(rc) as u32, 5376 + u32::from(rc));
        }
    }
}
