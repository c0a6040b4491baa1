//! The MQTT client engine: `transport` opens byte streams (TCP, Unix
//! sockets, TLS, WebSockets, HTTP proxies), and `client` runs one driver
//! task per connection that owns the stream and its timers and drives the
//! `mqtt-core` session over it. No N-API: any host embeds it through
//! `client::Connection` and an `EventSink`.

pub mod client;
pub mod transport;

pub use mqtt_core::{protocol, session};
