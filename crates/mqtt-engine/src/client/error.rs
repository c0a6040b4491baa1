//! Errors: every way an attempt, a link or an operation can fail, as a typed
//! kind and the detail the kind does not carry.

use std::fmt;
use std::io;

use crate::session::Failure;
use crate::transport::{tls_failure, HttpRefused, HttpStep, ResolveFailed, TlsFailure};

/// What went wrong, in the engine's own words. Each API names and numbers
/// these its own way (the addon maps them to aws-crt's codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    Unknown,
    TlsNegotiationFailure,
    TlsAlertReceived,
    TlsUnknownRootCertificate,
    TlsCertificateExpired,
    TlsHostNameMismatch,
    SocketConnectionRefused,
    SocketTimeout,
    SocketNoRouteToHost,
    SocketNetworkDown,
    SocketClosed,
    SocketInvalidAddress,
    DnsQueryFailed,
    DnsNoAddressForHost,
    WebsocketUpgradeFailure,
    ProxyConnectFailed,
    /// No acknowledgement, CONNACK or PINGRESP in time.
    Timeout,
    ProtocolError,
    NotConnected,
    UnexpectedHangup,
    ConnectionShutdown,
    /// A first attempt given up because the user disconnected.
    ConnectionDisconnecting,
    QueueFull,
    CancelledForCleanSession,
    /// The broker refused CONNECT; `ClientError::connack_return_code` has
    /// its return code.
    ConnectionRefused,
    /// The application failed an attempt with a code of its own (a
    /// WebSocket handshake transform's answer).
    Application(u32),
}

impl ErrorKind {
    /// The engine's description, for its log and its Rust users.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorKind::Unknown => "unknown error",
            ErrorKind::TlsNegotiationFailure => "TLS negotiation failed",
            ErrorKind::TlsAlertReceived => "a fatal TLS alert was received",
            ErrorKind::TlsUnknownRootCertificate => "the server's certificate has an unknown root",
            ErrorKind::TlsCertificateExpired => "the server's certificate has expired",
            ErrorKind::TlsHostNameMismatch => "the server's certificate is for another host name",
            ErrorKind::SocketConnectionRefused => "connection refused",
            ErrorKind::SocketTimeout => "socket operation timed out",
            ErrorKind::SocketNoRouteToHost => "no route to host",
            ErrorKind::SocketNetworkDown => "network is down",
            ErrorKind::SocketClosed => "socket is closed",
            ErrorKind::SocketInvalidAddress => "invalid socket address",
            ErrorKind::DnsQueryFailed => "DNS query failed",
            ErrorKind::DnsNoAddressForHost => "no address for the host name",
            ErrorKind::WebsocketUpgradeFailure => "the WebSocket upgrade failed",
            ErrorKind::ProxyConnectFailed => "the proxy's CONNECT failed",
            ErrorKind::Timeout => "no answer in time",
            ErrorKind::ProtocolError => "protocol error",
            ErrorKind::NotConnected => "not connected",
            ErrorKind::UnexpectedHangup => "the connection was closed unexpectedly",
            ErrorKind::ConnectionShutdown => "interrupted by connection shutdown",
            ErrorKind::ConnectionDisconnecting => "the connection is disconnecting",
            ErrorKind::QueueFull => "the offline queue is full",
            ErrorKind::CancelledForCleanSession => "cancelled: the session was clean",
            ErrorKind::ConnectionRefused => "the broker refused the connection",
            ErrorKind::Application(_) => "failed by the application",
        }
    }
}

/// A failure as the user sees it: its kind and, where there is one, detail
/// the kind does not carry (the OS error, the violation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    pub kind: ErrorKind,
    pub detail: Option<String>,
    /// The CONNACK return code of a refused connection.
    pub connack_return_code: Option<u8>,
    /// The HTTP status of a refused websocket upgrade or proxy CONNECT.
    pub http_status: Option<u16>,
}

impl ClientError {
    pub fn new(kind: ErrorKind) -> ClientError {
        ClientError {
            kind,
            detail: None,
            connack_return_code: None,
            http_status: None,
        }
    }

    pub fn with_detail(kind: ErrorKind, detail: impl Into<String>) -> ClientError {
        ClientError {
            detail: Some(detail.into()),
            ..ClientError::new(kind)
        }
    }

    /// A failed TCP/Unix connect, read or write.
    pub fn from_io(error: &io::Error) -> ClientError {
        let unresolved = error
            .get_ref()
            .is_some_and(|inner| inner.is::<ResolveFailed>());
        if unresolved {
            return ClientError::with_detail(ErrorKind::DnsNoAddressForHost, error.to_string());
        }
        if let Some(refused) = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<HttpRefused>())
        {
            let kind = match refused.during {
                HttpStep::WebsocketUpgrade => ErrorKind::WebsocketUpgradeFailure,
                HttpStep::ProxyConnect => ErrorKind::ProxyConnectFailed,
            };
            return ClientError {
                http_status: Some(refused.status),
                ..ClientError::with_detail(kind, refused.to_string())
            };
        }
        if let Some(failure) = tls_failure(error) {
            let kind = match failure {
                TlsFailure::UnknownIssuer => ErrorKind::TlsUnknownRootCertificate,
                TlsFailure::Expired => ErrorKind::TlsCertificateExpired,
                TlsFailure::NameMismatch => ErrorKind::TlsHostNameMismatch,
                TlsFailure::AlertReceived => ErrorKind::TlsAlertReceived,
                TlsFailure::Other => ErrorKind::TlsNegotiationFailure,
            };
            return ClientError::with_detail(kind, error.to_string());
        }
        let kind = match error.kind() {
            io::ErrorKind::ConnectionRefused => ErrorKind::SocketConnectionRefused,
            io::ErrorKind::TimedOut => ErrorKind::SocketTimeout,
            io::ErrorKind::HostUnreachable => ErrorKind::SocketNoRouteToHost,
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::NetworkDown => {
                ErrorKind::SocketNetworkDown
            }
            io::ErrorKind::NotFound | io::ErrorKind::AddrNotAvailable => {
                ErrorKind::SocketInvalidAddress
            }
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof => ErrorKind::UnexpectedHangup,
            _ => ErrorKind::Unknown,
        };
        ClientError::with_detail(kind, error.to_string())
    }

    pub fn from_failure(failure: &Failure) -> ClientError {
        match failure {
            Failure::Timeout => ClientError::new(ErrorKind::Timeout),
            Failure::ConnectionRefused(return_code) => ClientError {
                connack_return_code: Some(*return_code),
                ..ClientError::new(ErrorKind::ConnectionRefused)
            },
            Failure::ProtocolViolation(what) => {
                ClientError::with_detail(ErrorKind::ProtocolError, what.clone())
            }
            Failure::CancelledForCleanSession => {
                ClientError::new(ErrorKind::CancelledForCleanSession)
            }
            Failure::NotConnected => ClientError::new(ErrorKind::NotConnected),
            Failure::ConnectionShutdown => ClientError::new(ErrorKind::ConnectionShutdown),
            Failure::QueueFull => ClientError::with_detail(
                ErrorKind::QueueFull,
                "the queue of unsent operations is at its limit of operations or bytes",
            ),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        if let Some(code) = self.connack_return_code {
            write!(f, " (CONNACK return code {code})")?;
        }
        match &self.detail {
            Some(detail) => write!(f, " ({detail})"),
            None => Ok(()),
        }
    }
}
