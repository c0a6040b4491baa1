//! Errors: every way an attempt, a link or an operation can fail, as a typed
//! kind and the detail the kind does not carry.

use std::fmt;
use std::io;

use crate::protocol::{Property, ProtocolVersion};
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
    /// its return code (MQTT 5: reason code), `properties` the CONNACK's.
    ConnectionRefused,
    /// The broker ended the link with DISCONNECT (MQTT 5): `reason_code`
    /// and `properties` are what it said.
    DisconnectReceived,
    /// The packet is larger than the broker's Maximum Packet Size.
    PacketTooLarge,
    /// The broker's CONNACK said it does not take this.
    NotAvailable,
    /// A publish names a topic alias the link cannot use.
    TopicAliasInvalid,
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
            ErrorKind::DisconnectReceived => "the broker ended the connection with DISCONNECT",
            ErrorKind::PacketTooLarge => {
                "the packet is larger than the broker's Maximum Packet Size"
            }
            ErrorKind::NotAvailable => "the broker does not take this",
            ErrorKind::TopicAliasInvalid => "the topic alias cannot be used",
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
    /// MQTT 5: the reason code of the DISCONNECT that ended the link, the
    /// broker's or, after a protocol violation, ours.
    pub reason_code: Option<u8>,
    /// MQTT 5: the properties of the CONNACK that refused the connection or
    /// of the broker's DISCONNECT (Reason String, Server Reference, ...).
    pub properties: Vec<Property>,
}

impl ClientError {
    pub fn new(kind: ErrorKind) -> ClientError {
        ClientError {
            kind,
            detail: None,
            connack_return_code: None,
            http_status: None,
            reason_code: None,
            properties: Vec::new(),
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
            Failure::ConnectionRefused { code, properties } => ClientError {
                connack_return_code: Some(*code),
                properties: properties.clone(),
                ..ClientError::new(ErrorKind::ConnectionRefused)
            },
            Failure::ProtocolViolation { reason_code, what } => ClientError {
                reason_code: Some(reason_code.0),
                ..ClientError::with_detail(ErrorKind::ProtocolError, what.clone())
            },
            Failure::DisconnectedByBroker(disconnect) => ClientError {
                reason_code: Some(disconnect.reason_code.0),
                properties: disconnect.properties.clone(),
                ..ClientError::new(ErrorKind::DisconnectReceived)
            },
            Failure::PacketTooLarge { size, maximum } => ClientError::with_detail(
                ErrorKind::PacketTooLarge,
                format!(
                    "the packet is {size} bytes; the broker's Maximum Packet Size is {maximum}"
                ),
            ),
            Failure::NotAvailable(what) => ClientError::with_detail(
                ErrorKind::NotAvailable,
                format!("the broker's CONNACK does not allow {what}"),
            ),
            Failure::TopicAliasInvalid(what) => {
                ClientError::with_detail(ErrorKind::TopicAliasInvalid, what.clone())
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

impl ClientError {
    /// How the failure that ended a link of `version` is reported: in MQTT 5
    /// a CONNACK refusal's code is a reason code; MQTT 3.1.1 has none (its
    /// DISCONNECT says nothing).
    pub fn from_link_failure(failure: &Failure, version: ProtocolVersion) -> ClientError {
        let mut error = ClientError::from_failure(failure);
        match version {
            ProtocolVersion::V5 => {
                if let Some(code) = error.connack_return_code.take() {
                    error.reason_code = Some(code);
                }
            }
            ProtocolVersion::V311 => error.reason_code = None,
        }
        error
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        if let Some(code) = self.connack_return_code {
            write!(f, " (CONNACK return code {code})")?;
        }
        if let Some(code) = self.reason_code {
            write!(f, " (reason code {})", crate::protocol::ReasonCode(code))?;
        }
        match &self.detail {
            Some(detail) => write!(f, " ({detail})"),
            None => Ok(()),
        }
    }
}
