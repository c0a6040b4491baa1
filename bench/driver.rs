//! The benchmark's ceiling: mqtt-napi's engine (`mqtt_engine::client`)
//! driven from Rust, with no JavaScript and no N-API crossing.
//!
//!   bench-driver pub|sub|conns --port P --topic T --qos Q --size S --count N
//!                --window W [--rate R] [--id CLIENT_ID]
//!
//! Speaks bench/worker.mjs's protocol: JSON lines on stdout (`{"ready":true}`,
//! then `{"result":{...}}` or `{"error":"..."}`), commands on stdin (`go`,
//! `done`, `close`), and does the same work: one operation per publish, at most
//! `window` unsettled, payloads copied as the addon copies them.

use std::io::BufRead;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use mqtt_engine::client::{
    ClientError, ClientEvent, Connection, ConnectionOptions, EventSink, Jitter, ReconnectDelays,
    Unfinished, MAX_PACKET_SIZE,
};
use mqtt_engine::protocol::{Disconnect, Property, ProtocolVersion, QoS};
use mqtt_engine::session::{
    OfflineRetention, OperationId, Outcome, QueueLimit, Request, SessionOptions, TopicAliasing,
};
use mqtt_engine::transport::{AddressFamily, Endpoint, Route};

const SUBSCRIBE_ID: OperationId = OperationId::MAX;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
const STALL: Duration = Duration::from_secs(5);
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(3);

struct Args {
    role: String,
    port: u16,
    topic: String,
    qos: QoS,
    size: usize,
    count: u64,
    /// Connections made (and not measured) before the `count` measured ones.
    warmup: u64,
    window: u64,
    rate: f64,
    id: String,
    /// 4 (MQTT 3.1.1) or 5 (MQTT 5).
    version: u8,
    /// User properties on every publish (MQTT 5).
    user_properties: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut raw = std::env::args().skip(1);
    let role = raw.next().ok_or("missing role: pub, sub or conns")?;
    let mut args = Args {
        id: format!("bench-{role}-rust-{}", std::process::id()),
        role,
        port: 0,
        topic: "bench".into(),
        qos: QoS::AtMostOnce,
        size: 64,
        count: 0,
        warmup: 0,
        window: 1000,
        rate: 0.0,
        version: 4,
        user_properties: 0,
    };
    while let Some(flag) = raw.next() {
        let value = raw.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<f64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--port" => args.port = number()? as u16,
            "--topic" => args.topic = value.clone(),
            "--qos" => args.qos = QoS::from_u8(number()? as u8).ok_or("--qos: 0, 1 or 2")?,
            "--size" => args.size = number()? as usize,
            "--count" => args.count = number()? as u64,
            "--window" => args.window = number()? as u64,
            "--warmup" => args.warmup = number()? as u64,
            "--rate" => args.rate = number()?,
            "--id" => args.id = value.clone(),
            "--version" => args.version = number()? as u8,
            "--user-properties" => args.user_properties = number()? as usize,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

/// The defaults of src/config.rs for `{ host_name, port, client_id,
/// clean_session: true, keep_alive: 60 }`, the config the JS adapters use.
fn options(port: u16, client_id: String, version: u8) -> ConnectionOptions {
    ConnectionOptions {
        session: SessionOptions {
            protocol: if version == 5 {
                ProtocolVersion::V5
            } else {
                ProtocolVersion::V311
            },
            client_id,
            clean_session: true,
            rejoin_once_connected: false,
            keep_alive: Duration::from_secs(60),
            ping_timeout: Duration::from_millis(3000),
            connack_timeout: Duration::from_millis(3000),
            operation_timeout: None,
            resubscribe: true,
            resend_in_flight_when_clean: false,
            offline: OfflineRetention::default(),
            queue_limit: QueueLimit {
                operations: 10_000,
                bytes: 64 * 1024 * 1024,
            },
            will: None,
            username: None,
            password: None,
            connect_properties: Vec::new(),
            topic_aliasing: TopicAliasing::Manual,
            auth_after_connect: None,
            send_rate: None,
        },
        route: Route {
            endpoint: Endpoint {
                host: "127.0.0.1".into(),
                port,
                family: AddressFamily::Any,
                connect_timeout: Duration::from_millis(5000),
                keepalive: None,
            },
            tls: None,
            server_name: None,
            proxy: None,
        },
        max_incoming_packet_size: MAX_PACKET_SIZE,
        receive_buffer: usize::MAX,
        reconnect_delays: ReconnectDelays {
            min: Duration::from_secs(1),
            max: Duration::from_secs(128),
            jitter: Jitter::Equal,
            reset_after: Duration::from_secs(10),
        },
        websocket: None,
        servers: Vec::new(),
        retry_first_connect: false,
    }
}

/// Milliseconds since the epoch, comparable with Node's
/// `performance.timeOrigin + performance.now()` in other processes.
fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

/// `struct rusage` of 64-bit Linux: two `timeval`s, then 14 `long`s.
#[repr(C)]
struct Rusage {
    user: [i64; 2],
    system: [i64; 2],
    rest: [i64; 14],
}

extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

/// User + system CPU of the whole process (every thread), in microseconds,
/// as Node's `process.cpuUsage()` counts it.
fn cpu_us() -> f64 {
    let mut usage = Rusage {
        user: [0; 2],
        system: [0; 2],
        rest: [0; 14],
    };
    // SAFETY: RUSAGE_SELF (0) and a struct laid out as the kernel's.
    unsafe { getrusage(0, &mut usage) };
    let micros = |t: [i64; 2]| (t[0] * 1_000_000 + t[1]) as f64;
    micros(usage.user) + micros(usage.system)
}

fn rss_bytes() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0)
}

/// What the I/O thread has seen, for the main thread to wait on.
#[derive(Default)]
struct State {
    connected: u64,
    disconnected: u64,
    failure: Option<String>,
    subscribed: bool,
    settled: u64,
    failed: u64,
    first_error: Option<String>,
    received: u64,
    wrong_size: u64,
    first: f64,
    last: f64,
    cpu_at_last: f64,
    latencies: Vec<f64>,
}

struct Sink {
    state: Mutex<State>,
    changed: Condvar,
    size: usize,
    count: u64,
    stamped: bool,
}

impl EventSink for Sink {
    fn deliver(&self, events: &mut Vec<ClientEvent>) {
        let mut state = self.state.lock().unwrap();
        for event in events.drain(..) {
            match event {
                ClientEvent::ConnectionSuccess { .. } => state.connected += 1,
                ClientEvent::ConnectionFailure(e) | ClientEvent::Interrupted(e) => {
                    state.failure.get_or_insert(e.to_string());
                }
                ClientEvent::Disconnected => state.disconnected += 1,
                ClientEvent::Message(publish, _) => self.received(&mut state, &publish.payload),
                ClientEvent::Completed { id, outcome, .. } => match (id, outcome) {
                    (SUBSCRIBE_ID, Outcome::Failed(failure)) => {
                        let error = ClientError::from_failure(&failure);
                        state.failure.get_or_insert(format!("subscribe: {error}"));
                    }
                    (SUBSCRIBE_ID, _) => state.subscribed = true,
                    (_, Outcome::Failed(failure)) => {
                        state.settled += 1;
                        state.failed += 1;
                        let error = ClientError::from_failure(&failure);
                        state.first_error.get_or_insert(error.to_string());
                    }
                    (_, _) => state.settled += 1,
                },
                _ => {}
            }
        }
        drop(state);
        self.changed.notify_all();
    }
}

impl Sink {
    fn new(args: &Args) -> Arc<Sink> {
        Arc::new(Sink {
            state: Mutex::default(),
            changed: Condvar::new(),
            size: args.size,
            count: args.count,
            stamped: args.rate > 0.0,
        })
    }

    fn received(&self, state: &mut State, payload: &[u8]) {
        let t = now_ms();
        if state.received == 0 {
            state.first = t;
        }
        if payload.len() != self.size {
            state.wrong_size += 1;
        }
        if self.stamped && state.received < self.count && payload.len() >= 8 {
            let sent = f64::from_le_bytes(payload[..8].try_into().unwrap());
            state.latencies.push(t - sent);
        }
        state.received += 1;
        if state.received == self.count {
            state.last = t;
            state.cpu_at_last = cpu_us();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Waits until `done` holds, failing on a connection failure or timeout.
    fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&State) -> bool,
    ) -> Result<MutexGuard<'_, State>, String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while !done(&state) {
            if let Some(failure) = &state.failure {
                return Err(format!("{what}: {failure}"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("{what}: timed out after {timeout:?}"));
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
        Ok(state)
    }
}

fn expect_command(expected: &str) -> Result<(), String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    if line.trim() != expected {
        return Err(format!("expected \"{expected}\", got \"{}\"", line.trim()));
    }
    Ok(())
}

fn connect(args: &Args, sink: &Arc<Sink>) -> Result<Connection, String> {
    let connection = Connection::new(
        options(args.port, args.id.clone(), args.version),
        sink.clone(),
    );
    connection.connect();
    drop(sink.wait_for("connect", CONNECT_TIMEOUT, |s| s.connected > 0)?);
    Ok(connection)
}

fn disconnect(connections: &[Connection], sink: &Sink) {
    for connection in connections {
        // A plain DISCONNECT is always valid.
        let _ = connection.disconnect(Unfinished::Keep, Disconnect::default());
    }
    let n = connections.len() as u64;
    // The result is already out: a hang is reported by the exit code.
    if let Err(error) = sink.wait_for("disconnect", DISCONNECT_TIMEOUT, |s| s.disconnected >= n) {
        eprintln!("{error}");
        std::process::exit(3);
    }
}

fn publisher(args: &Args) -> Result<(), String> {
    let sink = Sink::new(args);
    let connection = connect(args, &sink)?;
    println!("{{\"ready\":true}}");
    expect_command("go")?;
    let fixed = vec![0x61u8; args.size];
    let properties: Vec<Property> = (0..args.user_properties)
        .map(|i| Property::UserProperty((format!("name{i}"), format!("value{i}"))))
        .collect();
    let cpu_start = cpu_us();
    let start = now_ms();
    let mut sent = 0u64;
    let mut state = sink.lock();
    while state.settled < args.count {
        let due = if args.rate > 0.0 {
            args.count
                .min(((now_ms() - start) * args.rate / 1000.0) as u64 + 1)
        } else {
            args.count
        };
        let room = args.window - (sent - state.settled);
        let batch = due.saturating_sub(sent).min(room);
        if batch > 0 {
            drop(state);
            for _ in 0..batch {
                let mut payload = fixed.clone();
                if args.rate > 0.0 {
                    payload[..8].copy_from_slice(&now_ms().to_le_bytes());
                }
                let request = Request::Publish {
                    topic: args.topic.clone(),
                    payload: Bytes::from(payload),
                    qos: args.qos,
                    retain: false,
                    properties: properties.clone(),
                };
                connection
                    .submit(sent as OperationId, request)
                    .map_err(|e| format!("publish: {e:?}"))?;
                sent += 1;
            }
            state = sink.lock();
        } else if args.rate > 0.0 && sent < args.count {
            // Paced: wake on the next 1 ms tick like the Node harness's timer.
            state = sink
                .changed
                .wait_timeout(state, Duration::from_millis(1))
                .unwrap()
                .0;
        } else {
            state = sink.changed.wait(state).unwrap();
        }
    }
    let end = now_ms();
    let cpu = cpu_us() - cpu_start;
    let result = format!(
        "{{\"role\":\"pub\",\"sent\":{},\"failed\":{},\"firstError\":{},\"start\":{start},\"end\":{end},\"cpuUs\":{cpu}}}",
        args.count,
        state.failed,
        json_string(state.first_error.as_deref()),
    );
    drop(state);
    emit_result(&result);
    expect_command("close")?;
    disconnect(&[connection], &sink);
    Ok(())
}

fn subscriber(args: &Args) -> Result<(), String> {
    let sink = Sink::new(args);
    sink.lock().latencies.reserve(args.count as usize);
    let connection = connect(args, &sink)?;
    let filters = vec![(args.topic.clone(), args.qos.into())];
    let properties = Vec::new();
    connection
        .submit(
            SUBSCRIBE_ID,
            Request::Subscribe {
                filters,
                properties,
            },
        )
        .map_err(|e| format!("subscribe: {e:?}"))?;
    drop(sink.wait_for("subscribe", CONNECT_TIMEOUT, |s| s.subscribed)?);
    let cpu_start = cpu_us();
    println!("{{\"ready\":true}}");
    expect_command("done")?;
    // The tail may still be in flight; STALL without progress means lost.
    let mut state = sink.lock();
    let mut seen = state.received;
    let mut since = Instant::now();
    while state.received < args.count && since.elapsed() < STALL {
        state = sink
            .changed
            .wait_timeout(state, Duration::from_millis(100))
            .unwrap()
            .0;
        if state.received != seen {
            seen = state.received;
            since = Instant::now();
        }
    }
    let cpu = if state.received >= args.count {
        state.cpu_at_last - cpu_start
    } else {
        cpu_us() - cpu_start
    };
    let latency = summarize(&mut state.latencies);
    let result = format!(
        "{{\"role\":\"sub\",\"received\":{},\"wrongSize\":{},\"first\":{},\"last\":{},\"cpuUs\":{cpu},\"latency\":{latency}}}",
        state.received, state.wrong_size, state.first, state.last,
    );
    drop(state);
    emit_result(&result);
    disconnect(&[connection], &sink);
    Ok(())
}

fn summarize(samples: &mut [f64]) -> String {
    if samples.is_empty() {
        return "null".into();
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((q * samples.len() as f64) as usize).min(samples.len() - 1)];
    format!(
        "{{\"p50\":{},\"p99\":{},\"max\":{}}}",
        at(0.5),
        at(0.99),
        samples[samples.len() - 1]
    )
}

/// `warmup` connections (not measured), then `count` more, at most `window`
/// connecting at a time: the time until those are up and RSS per connection
/// (there is no JS heap here).
fn connections(args: &Args) -> Result<(), String> {
    let sink = Sink::new(args);
    let mut open = Vec::with_capacity((args.warmup + args.count) as usize);
    let mut failure = connect_all(args, &sink, &mut open, args.warmup).err();
    let before = rss_bytes();
    let start = now_ms();
    if failure.is_none() {
        failure = connect_all(args, &sink, &mut open, args.count).err();
    }
    let end = now_ms();
    let after = rss_bytes();
    let connected = sink.lock().connected.saturating_sub(args.warmup);
    let n = args.count as f64;
    let result = format!(
        "{{\"role\":\"conns\",\"count\":{},\"connected\":{connected},\"firstError\":{},\"connectMs\":{},\"rssPerConn\":{},\"heapPerConn\":null}}",
        args.count,
        json_string(failure.as_deref()),
        end - start,
        (after - before) / n,
    );
    emit_result(&result);
    disconnect(&open, &sink);
    Ok(())
}

/// `n` more connections into `open`, at most `window` connecting at a time;
/// returns once all are up.
fn connect_all(
    args: &Args,
    sink: &Arc<Sink>,
    open: &mut Vec<Connection>,
    n: u64,
) -> Result<(), String> {
    let target = open.len() as u64 + n;
    while (open.len() as u64) < target {
        let i = open.len() as u64;
        // The next one starts only while fewer than `window` are connecting.
        drop(sink.wait_for("connect", CONNECT_TIMEOUT, |s| {
            i < s.connected + args.window
        })?);
        let options = options(args.port, format!("{}-{i}", args.id), args.version);
        let connection = Connection::new(options, sink.clone());
        connection.connect();
        open.push(connection);
    }
    drop(sink.wait_for("connect", CONNECT_TIMEOUT, |s| s.connected >= target)?);
    Ok(())
}

fn emit_result(result: &str) {
    println!("{{\"result\":{result}}}");
}

fn json_string(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "null".into();
    };
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn main() {
    let outcome = parse_args().and_then(|args| match args.role.as_str() {
        "pub" => publisher(&args),
        "sub" => subscriber(&args),
        "conns" => connections(&args),
        role => Err(format!("unknown role \"{role}\"")),
    });
    if let Err(error) = outcome {
        println!(
            "{{\"error\":{}}}",
            json_string(Some(&format!("rust: {error}")))
        );
        std::process::exit(1);
    }
}
