//! Byte streams to a broker. Each transport yields one `ByteStream`; nothing
//! here knows MQTT beyond the bytes it carries.

mod pkcs11;
mod proxy;
mod tcp;
mod tls;
mod ws;

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::timeout;

pub use pkcs11::{Pkcs11Initialization, Pkcs11Key, Pkcs11Library, Pkcs11LibraryError};
pub use proxy::Proxy;
pub use tls::{
    tls_failure, CipherPolicy, MinTlsVersion, TlsContext, TlsFailure, TlsOption, TlsOptionError,
    TlsOptions,
};
pub use ws::{upgrade as websocket_upgrade, UpgradeRequest};

/// A connected, bidirectional byte stream.
pub trait ByteStream: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> ByteStream for T {}

pub type BoxedStream = Box<dyn ByteStream>;

/// Which addresses a host name may resolve to, or a Unix socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressFamily {
    Ipv4Only,
    /// IPv6 and IPv4 addresses, in the resolver's order.
    Any,
    /// A Unix domain socket at the path given as host.
    Local,
}

/// TCP keepalive probing; `None` fields keep the OS default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TcpKeepalive {
    pub idle: Option<Duration>,
    pub interval: Option<Duration>,
    pub retries: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub family: AddressFamily,
    pub connect_timeout: Duration,
    pub keepalive: Option<TcpKeepalive>,
}

/// Everything that turns into one byte stream to the broker.
#[derive(Debug, Clone)]
pub struct Route {
    pub endpoint: Endpoint,
    /// TLS to the broker.
    pub tls: Option<TlsContext>,
    /// The TLS server name sent as SNI and checked; `endpoint.host` if None.
    pub server_name: Option<String>,
    /// An HTTP proxy that tunnels to `endpoint`.
    pub proxy: Option<Proxy>,
}

/// Opens the stream `route` describes, all of it within the endpoint's
/// connect timeout.
pub async fn open(route: &Route) -> io::Result<BoxedStream> {
    let opening = async {
        let endpoint = &route.endpoint;
        let stream = match &route.proxy {
            None => tcp::connect(endpoint).await?,
            Some(proxy) => {
                let first_hop = Endpoint {
                    host: proxy.host.clone(),
                    port: proxy.port,
                    family: match endpoint.family {
                        AddressFamily::Local => AddressFamily::Any,
                        family => family,
                    },
                    ..endpoint.clone()
                };
                let mut stream = tcp::connect(&first_hop).await?;
                if let Some((tls, server_name)) = &proxy.tls {
                    let name = server_name.as_deref().unwrap_or(&proxy.host);
                    stream = tls.connect(stream, name).await?;
                }
                proxy::tunnel(stream, proxy, &endpoint.host, endpoint.port).await?
            }
        };
        match &route.tls {
            Some(tls) => {
                let name = route.server_name.as_deref().unwrap_or(&endpoint.host);
                tls.connect(stream, name).await
            }
            None => Ok(stream),
        }
    };
    timeout(route.endpoint.connect_timeout, opening)
        .await
        .map_err(|_| timed_out("connect"))?
}

/// An HTTP peer (a proxy, or a WebSocket endpoint) answered with a status
/// other than the one that lets the connection go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRefused {
    pub status: u16,
    pub during: HttpStep,
    /// The start of the answer's body, where the server says why (AWS IoT
    /// does); empty when it sent none.
    pub reason: String,
}

impl HttpRefused {
    /// The most of a refusal's body worth carrying in an error message.
    const MAX_REASON_BYTES: usize = 512;

    /// `body` as a one-line reason: printable, trimmed and bounded.
    pub fn reason_from_body(body: &[u8]) -> String {
        let body = &body[..body.len().min(Self::MAX_REASON_BYTES)];
        String::from_utf8_lossy(body)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpStep {
    WebsocketUpgrade,
    ProxyConnect,
}

impl std::fmt::Display for HttpRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let step = match self.during {
            HttpStep::WebsocketUpgrade => "the websocket upgrade",
            HttpStep::ProxyConnect => "the proxy's CONNECT",
        };
        write!(f, "{step} was refused with HTTP status {}", self.status)?;
        if !self.reason.is_empty() {
            write!(f, ": {}", self.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for HttpRefused {}

/// A host name that did not resolve to a usable address; carried inside the
/// `io::Error` so callers can tell it from a socket failure.
#[derive(Debug)]
pub struct ResolveFailed(pub String);

impl std::fmt::Display for ResolveFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResolveFailed {}

pub(crate) fn resolve_failed(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, ResolveFailed(what))
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, format!("{what} timed out"))
}
