//! TCP and Unix domain sockets.

use std::io;
use std::net::SocketAddr;

use socket2::SockRef;
use tokio::net::{lookup_host, TcpStream};

use super::{resolve_failed, AddressFamily, BoxedStream, Endpoint, TcpKeepalive};

/// Connects to `endpoint`, trying each resolved address in turn. The caller
/// bounds the time it may take.
pub async fn connect(endpoint: &Endpoint) -> io::Result<BoxedStream> {
    if endpoint.family == AddressFamily::Local {
        return connect_local(&endpoint.host).await;
    }
    let stream = connect_tcp(endpoint).await?;
    Ok(Box::new(stream))
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use socket2::{Domain, Socket, Type};

    use super::*;

    fn endpoint(host: &str, port: u16) -> Endpoint {
        Endpoint {
            host: host.into(),
            port,
            family: AddressFamily::Any,
            connect_timeout: Duration::from_secs(5),
            keepalive: None,
        }
    }

    #[tokio::test]
    async fn applies_nodelay_and_keepalive_probes() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let keepalive = TcpKeepalive {
            idle: Some(Duration::from_secs(30)),
            interval: Some(Duration::from_secs(7)),
            retries: Some(4),
        };
        let stream = connect_tcp(&Endpoint {
            keepalive: Some(keepalive),
            ..endpoint("127.0.0.1", port)
        })
        .await
        .unwrap();
        let socket = SockRef::from(&stream);
        assert!(stream.nodelay().unwrap());
        assert!(socket.keepalive().unwrap());
        assert_eq!(
            socket.tcp_keepalive_time().unwrap(),
            Duration::from_secs(30)
        );
        assert_eq!(
            socket.tcp_keepalive_interval().unwrap(),
            Duration::from_secs(7)
        );
        assert_eq!(socket.tcp_keepalive_retries().unwrap(), 4);
    }

    #[tokio::test]
    async fn ipv4_only_reaches_an_ipv4_listener_by_name() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stream = connect_tcp(&Endpoint {
            family: AddressFamily::Ipv4Only,
            ..endpoint("localhost", port)
        })
        .await
        .unwrap();
        assert!(stream.peer_addr().unwrap().is_ipv4());
    }

    #[tokio::test]
    async fn refused_port_is_connection_refused() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let error = connect(&endpoint("127.0.0.1", port)).await.err().unwrap();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
    }

    /// A listener whose backlog is full drops further SYNs, so a connect to
    /// it hangs until the connect timeout ends it.
    #[tokio::test]
    async fn connect_timeout_ends_a_hanging_connect() {
        let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        listener
            .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        listener.listen(0).unwrap();
        let address = listener.local_addr().unwrap().as_socket().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..4 {
            let filler = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            filler.set_nonblocking(true).unwrap();
            let _ = filler.connect(&address.into());
            fillers.push(filler);
        }
        let started = std::time::Instant::now();
        let route = crate::transport::Route {
            endpoint: Endpoint {
                connect_timeout: Duration::from_millis(300),
                ..endpoint("127.0.0.1", address.port())
            },
            tls: None,
            server_name: None,
            proxy: None,
        };
        let error = crate::transport::open(&route).await.err().unwrap();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn local_connects_to_a_unix_socket_path() {
        let dir = std::env::temp_dir().join(format!("mqtt-napi-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("broker.sock");
        let _ = std::fs::remove_file(&path);
        let listener = tokio::net::UnixListener::bind(&path).unwrap();
        let accepting = tokio::spawn(async move { listener.accept().await.is_ok() });
        let result = connect(&Endpoint {
            family: AddressFamily::Local,
            ..endpoint(path.to_str().unwrap(), 0)
        })
        .await;
        assert!(result.is_ok());
        assert!(accepting.await.unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
