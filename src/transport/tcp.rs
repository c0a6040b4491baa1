//! TCP and Unix domain sockets.

use std::io;
use std::net::SocketAddr;

use socket2::SockRef;
use tokio::net::{lookup_host, TcpStream};
use tokio::time::timeout;

use super::{resolve_failed, timed_out, AddressFamily, BoxedStream, Endpoint, TcpKeepalive};

/// Connects to `endpoint` within its connect timeout, trying each resolved
/// address in turn.
pub async fn connect(endpoint: &Endpoint) -> io::Result<BoxedStream> {
    let attempt = async {
        if endpoint.family == AddressFamily::Local {
            return connect_local(&endpoint.host).await;
        }
        let stream = connect_tcp(endpoint).await?;
        Ok(Box::new(stream) as BoxedStream)
    };
    timeout(endpoint.connect_timeout, attempt)
        .await
        .map_err(|_| timed_out("connect"))?
}

async fn connect_tcp(endpoint: &Endpoint) -> io::Result<TcpStream> {
    let addresses: Vec<SocketAddr> = lookup_host((endpoint.host.as_str(), endpoint.port))
        .await
        .map_err(|e| resolve_failed(format!("cannot resolve {:?}: {e}", endpoint.host)))?
        .filter(|a| endpoint.family != AddressFamily::Ipv4Only || a.is_ipv4())
        .collect();
    let mut last_error = resolve_failed(format!("no usable address for host {:?}", endpoint.host));
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                configure(&stream, endpoint.keepalive)?;
                return Ok(stream);
            }
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}

/// MQTT packets are small and latency matters: no Nagle. Keepalive probes as
/// the user asked.
fn configure(stream: &TcpStream, keepalive: Option<TcpKeepalive>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let Some(keepalive) = keepalive else {
        return Ok(());
    };
    let mut probes = socket2::TcpKeepalive::new();
    if let Some(idle) = keepalive.idle {
        probes = probes.with_time(idle);
    }
    #[cfg(not(target_os = "openbsd"))]
    if let Some(interval) = keepalive.interval {
        probes = probes.with_interval(interval);
    }
    #[cfg(not(any(target_os = "openbsd", target_os = "windows")))]
    if let Some(retries) = keepalive.retries {
        probes = probes.with_retries(retries);
    }
    SockRef::from(stream).set_tcp_keepalive(&probes)
}

#[cfg(unix)]
async fn connect_local(path: &str) -> io::Result<BoxedStream> {
    let stream = tokio::net::UnixStream::connect(path).await?;
    Ok(Box::new(stream))
}

#[cfg(not(unix))]
async fn connect_local(_path: &str) -> io::Result<BoxedStream> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "Unix domain sockets are not available on this platform",
    ))
}
