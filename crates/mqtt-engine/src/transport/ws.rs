//! MQTT over WebSockets: the upgrade handshake (with a request the caller may
//! have rewritten) and a byte-stream view of binary frames, so the layers
//! above see bytes as from any other transport. A packet may span frames and
//! a frame may carry several packets.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes};
use futures_core::Stream;
use futures_sink::Sink;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::http::{Request, Uri};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{client_async, WebSocketStream};

use super::{BoxedStream, HttpRefused, HttpStep};

/// The upgrade request, in the form the user's transform sees and edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeRequest {
    pub method: String,
    /// Path and query, e.g. `/mqtt?token=abc`.
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl UpgradeRequest {
    /// The request aws-crt sends: `GET /mqtt` with the WebSocket headers and
    /// the MQTT subprotocol.
    pub fn for_host(host: &str) -> UpgradeRequest {
        let headers = [
            ("Host", host.to_string()),
            ("Upgrade", "websocket".into()),
            ("Connection", "Upgrade".into()),
            ("Sec-WebSocket-Key", generate_key()),
            ("Sec-WebSocket-Version", "13".into()),
            ("Sec-WebSocket-Protocol", "mqtt".into()),
        ];
        UpgradeRequest {
            method: "GET".into(),
            path: "/mqtt".into(),
            headers: headers
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
        }
    }

    fn into_http(self) -> io::Result<Request<()>> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
        // Only the path and query go on the wire; tungstenite wants a whole
        // URI, so it gets the Host header's name as its authority.
        let host = self
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map_or("localhost", |(_, value)| value.as_str());
        let uri: Uri = format!("ws://{host}{}", self.path)
            .parse()
            .map_err(|e| invalid(format!("websocket path {:?} is not valid: {e}", self.path)))?;
        let mut builder = Request::builder().method(self.method.as_str()).uri(uri);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
            .body(())
            .map_err(|e| invalid(format!("websocket upgrade request is not valid: {e}")))
    }
}

/// Sends `request` over `stream` and checks the upgrade answer.
pub async fn upgrade(stream: BoxedStream, request: UpgradeRequest) -> io::Result<BoxedStream> {
    let (socket, _) =
        client_async(request.into_http()?, stream)
            .await
            .map_err(|error| match error {
                WsError::Http(response) => io::Error::other(HttpRefused {
                    status: response.status().as_u16(),
                    during: HttpStep::WebsocketUpgrade,
                    reason: HttpRefused::reason_from_body(
                        response.body().as_deref().unwrap_or_default(),
                    ),
                }),
                WsError::Io(error) => error,
                other => io::Error::other(other),
            })?;
    Ok(Box::new(WebSocketBytes {
        socket,
        pending: Bytes::new(),
    }))
}

/// Binary frames read and written as a byte stream.
struct WebSocketBytes {
    socket: WebSocketStream<BoxedStream>,
    /// The unread rest of the last frame.
    pending: Bytes,
}

impl AsyncRead for WebSocketBytes {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        while self.pending.is_empty() {
            match ready!(Pin::new(&mut self.socket).poll_next(cx)) {
                Some(Ok(Message::Binary(data))) => self.pending = data,
                Some(Ok(Message::Close(_))) | None => return Poll::Ready(Ok(())),
                // Pings are answered by tungstenite itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(Message::Text(_))) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the broker sent a text frame; MQTT over WebSockets uses binary frames",
                    )))
                }
                Some(Err(error)) => return Poll::Ready(Err(into_io(error))),
            }
        }
        let take = self.pending.len().min(buf.remaining());
        buf.put_slice(&self.pending[..take]);
        self.pending.advance(take);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for WebSocketBytes {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut socket = Pin::new(&mut self.socket);
        ready!(socket.as_mut().poll_ready(cx)).map_err(into_io)?;
        socket
            .start_send(Message::Binary(Bytes::copy_from_slice(buf)))
            .map_err(into_io)?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx).map_err(into_io)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_close(cx).map_err(into_io)
    }
}

fn into_io(error: WsError) -> io::Error {
    match error {
        WsError::Io(error) => error,
        WsError::ConnectionClosed | WsError::AlreadyClosed => io::ErrorKind::BrokenPipe.into(),
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}
