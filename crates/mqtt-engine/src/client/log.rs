//! An opt-in debug log on stderr: connection steps, and packets described
//! without payload bytes or passwords. Off until `set_max_level` turns it
//! on; while off, a log call costs one atomic load.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::protocol::{Ack, Packet, Publish, QoS, ReasonCode};

/// How much the log says, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 1,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

/// The most detailed level logged; 0 is off.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);

/// Logs at `level` and below from now on; `None` turns the log off.
pub fn set_max_level(level: Option<Level>) {
    MAX_LEVEL.store(level.map_or(0, |level| level as u8), Ordering::Relaxed);
}

fn enabled(level: Level) -> bool {
    MAX_LEVEL.load(Ordering::Relaxed) >= level as u8
}

/// A step of connection `client_id`'s life, at `level`.
pub fn step(level: Level, client_id: &str, what: impl fmt::Display) {
    if enabled(level) {
        eprintln!("[mqtt-napi {}] {client_id}: {what}", level.name());
    }
}

/// A packet sent (`→`) or received (`←`) by `client_id`, at debug level.
pub fn packet(client_id: &str, direction: &str, packet: &Packet) {
    if enabled(Level::Debug) {
        eprintln!(
            "[mqtt-napi debug] {client_id}: {direction} {}",
            Described(packet)
        );
    }
}

/// A packet for the log: every field but payload bytes and the password.
struct Described<'a>(&'a Packet);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Packet::Connect(c) => {
                write!(
                    f,
                    "CONNECT client_id={:?} clean_session={} keep_alive={}",
                    c.client_id, c.clean_session, c.keep_alive
                )?;
                if let Some(username) = &c.username {
                    write!(f, " username={username:?}")?;
                }
                if c.password.is_some() {
                    f.write_str(" password=<hidden>")?;
                }
                if let Some(will) = &c.will {
                    write!(
                        f,
                        " will(topic={:?} qos={} {} bytes)",
                        will.topic,
                        will.qos as u8,
                        will.payload.len()
                    )?;
                }
                Ok(())
            }
            Packet::ConnAck(c) => write!(
                f,
                "CONNACK return_code={} session_present={}",
                c.return_code, c.session_present
            ),
            Packet::Publish(p) => described_publish(f, p),
            Packet::PubAck(ack) => described_ack(f, "PUBACK", ack),
            Packet::PubRec(ack) => described_ack(f, "PUBREC", ack),
            Packet::PubRel(ack) => described_ack(f, "PUBREL", ack),
            Packet::PubComp(ack) => described_ack(f, "PUBCOMP", ack),
            Packet::Subscribe(s) => {
                let filters: Vec<_> = s
                    .filters
                    .iter()
                    .map(|(t, o)| format!("{t:?}@{}", o.qos as u8))
                    .collect();
                write!(f, "SUBSCRIBE id={} {}", s.packet_id, filters.join(" "))
            }
            Packet::SubAck(s) => write!(f, "SUBACK id={} codes={:?}", s.packet_id, s.return_codes),
            Packet::Unsubscribe(u) => write!(f, "UNSUBSCRIBE id={} {:?}", u.packet_id, u.filters),
            Packet::UnsubAck(u) if u.reason_codes.is_empty() => {
                write!(f, "UNSUBACK id={}", u.packet_id)
            }
            Packet::UnsubAck(u) => {
                write!(f, "UNSUBACK id={} codes={:?}", u.packet_id, u.reason_codes)
            }
            Packet::PingReq => f.write_str("PINGREQ"),
            Packet::PingResp => f.write_str("PINGRESP"),
            Packet::Disconnect(d) => described_reason(f, "DISCONNECT", d.reason_code),
            Packet::Auth(a) => described_reason(f, "AUTH", a.reason_code),
        }
    }
}

/// `name`, and its reason code unless it is success.
fn described_reason(f: &mut fmt::Formatter<'_>, name: &str, code: ReasonCode) -> fmt::Result {
    f.write_str(name)?;
    if code != ReasonCode::SUCCESS {
        write!(f, " reason={code}")?;
    }
    Ok(())
}

fn described_ack(f: &mut fmt::Formatter<'_>, name: &str, ack: &Ack) -> fmt::Result {
    described_reason(f, name, ack.reason_code)?;
    write!(f, " id={}", ack.packet_id)
}

fn described_publish(f: &mut fmt::Formatter<'_>, p: &Publish) -> fmt::Result {
    write!(f, "PUBLISH topic={:?} qos={}", p.topic, p.qos as u8)?;
    if p.qos != QoS::AtMostOnce {
        write!(f, " id={}", p.packet_id)?;
    }
    write!(
        f,
        " retain={} dup={} payload={} bytes",
        p.retain,
        p.dup,
        p.payload.len()
    )
}
