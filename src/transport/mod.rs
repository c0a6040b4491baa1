//! Byte streams to a broker. Each transport yields one `ByteStream`; nothing
//! here knows MQTT beyond the bytes it carries.

mod tcp;

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

pub use tcp::connect;

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

pub(crate) fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, format!("{what} timed out"))
}
