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
