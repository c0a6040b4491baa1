//! HTTP proxies: a `CONNECT host:port` tunnel, with Basic auth when asked,
//! over which the rest of the route (TLS, WebSockets, MQTT) runs.

use std::io;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{BoxedStream, HttpRefused, HttpStep, TlsContext};

/// The longest proxy answer header read before giving up on it.
const MAX_RESPONSE_HEAD: usize = 8 * 1024;

#[derive(Debug, Clone)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    /// User name and password for `Proxy-Authorization: Basic`.
    pub basic_auth: Option<(String, String)>,
    /// TLS to the proxy itself, and the name to check on its certificate
    /// (the proxy's host when none is given).
    pub tls: Option<(TlsContext, Option<String>)>,
}

/// Asks the proxy on `stream` for a tunnel to `host:port`; the stream then
/// carries the tunnel.
pub async fn tunnel(
    mut stream: BoxedStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> io::Result<BoxedStream> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!(
        "CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nProxy-Connection: Keep-Alive\r\n"
    );
    if let Some((user, password)) = &proxy.basic_auth {
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request.push_str(&format!("Proxy-Authorization: Basic {credentials}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.flush().await?;

    let status = read_status(&mut stream).await?;
    if (200..300).contains(&status) {
        Ok(stream)
    } else {
        Err(io::Error::other(HttpRefused {
            status,
            during: HttpStep::ProxyConnect,
            reason: String::new(),
        }))
    }
}

/// Reads the proxy's answer up to the blank line, byte by byte so that not a
/// byte of the tunnel is consumed, and returns its status code.
async fn read_status(stream: &mut BoxedStream) -> io::Result<u16> {
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_RESPONSE_HEAD {
            return Err(malformed("the proxy's answer header is too long"));
        }
        let byte = stream.read_u8().await?;
        head.push(byte);
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&head) {
        Ok(httparse::Status::Complete(_)) => response
            .code
            .ok_or_else(|| malformed("the proxy's answer has no status")),
        _ => Err(malformed("the proxy's answer is not HTTP")),
    }
}

fn malformed(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// A proxy that records the request head and answers with `answer`.
    async fn fake_proxy(answer: &'static [u8]) -> (u16, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                head.push(socket.read_u8().await.unwrap());
            }
            socket.write_all(answer).await.unwrap();
            String::from_utf8(head).unwrap()
        });
        (port, task)
    }

    fn proxy(port: u16, basic_auth: Option<(&str, &str)>) -> Proxy {
        Proxy {
            host: "127.0.0.1".into(),
            port,
            basic_auth: basic_auth.map(|(u, p)| (u.into(), p.into())),
            tls: None,
        }
    }

    #[tokio::test]
    async fn tunnels_with_basic_auth_and_leaves_the_tunnel_bytes_unread() {
        let (port, request) =
            fake_proxy(b"HTTP/1.1 200 Connection established\r\n\r\nfrom-broker").await;
        let stream: BoxedStream = Box::new(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        let mut tunnel = tunnel(stream, &proxy(port, Some(("user", "pass"))), "broker", 1884)
            .await
            .unwrap();
        let mut first = [0u8; 11];
        tunnel.read_exact(&mut first).await.unwrap();
        assert_eq!(&first, b"from-broker");
        let request = request.await.unwrap();
        assert!(request.starts_with("CONNECT broker:1884 HTTP/1.1\r\n"));
        assert!(request.contains("Host: broker:1884\r\n"));
        assert!(request.contains("Proxy-Authorization: Basic dXNlcjpwYXNz\r\n"));
    }

    #[tokio::test]
    async fn a_refusal_carries_the_http_status() {
        for (answer, status) in [
            (
                &b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"[..],
                407,
            ),
            (
                &b"HTTP/1.0 403 Forbidden\r\nContent-Length: 0\r\n\r\n"[..],
                403,
            ),
            (&b"HTTP/1.1 502 Bad Gateway\r\n\r\n"[..], 502),
        ] {
            let answer: &'static [u8] = answer;
            let (port, _) = fake_proxy(answer).await;
            let stream: BoxedStream =
                Box::new(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
            let error = tunnel(stream, &proxy(port, None), "broker", 1884)
                .await
                .err()
                .unwrap();
            let refused = error
                .get_ref()
                .unwrap()
                .downcast_ref::<HttpRefused>()
                .unwrap();
            assert_eq!(refused.status, status);
            assert_eq!(refused.during, HttpStep::ProxyConnect);
        }
    }

    #[tokio::test]
    async fn an_answer_that_is_not_http_is_an_error() {
        let (port, _) = fake_proxy(b"SSH-2.0-OpenSSH\r\n\r\n").await;
        let stream: BoxedStream = Box::new(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        let error = tunnel(stream, &proxy(port, None), "broker", 1884)
            .await
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
