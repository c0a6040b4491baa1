//! The task behind one connection: waits for commands while no link is up,
//! opens links on request, and pumps bytes, packets, timers and events while
//! one is.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::AsyncWriteExt;
use tokio::time::{sleep_until, timeout, Instant};

use crate::protocol::{self, Packet, ProtocolVersion, ReasonCode};
use crate::session::{Event, Failure, ReleaseWhenEmpty, Session};
use crate::transport::{self, BoxedStream, Route, UpgradeRequest};

use super::backoff::Backoff;
use super::inbound::Read;
use super::inbox::Inbox;
use super::link::Link;
use super::log::{self, Level};
use super::statistics::{SharedStatistics, Taken};
use super::{
    Backlog, ClientError, ClientEvent, Command, ConnectionOptions, ErrorKind, EventSink,
    Instruction, ReconnectDelays, Server, Unfinished, WebsocketOptions,
};

/// Commands taken in one go before the link is serviced again.
const COMMAND_BATCH: usize = 1024;
/// How long the queued packets and DISCONNECT may take to leave before the
/// socket is closed anyway.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Completes when the consumer takes its backlog; never without one.
async fn taken(backlog: Option<&Backlog>) {
    match backlog {
        Some(backlog) => backlog.wait_taken().await,
        None => std::future::pending().await,
    }
}

/// Why a link ended.
enum LinkEnd {
    /// The user called `disconnect()`.
    Disconnected,
    /// The session gave up on the link (refusal, timeout, violation).
    Failed(Failure),
    /// The socket closed or broke.
    Broken(ClientError),
    /// The handle was dropped: nobody is listening any more.
    Abandoned,
}

/// How a command asks a live link to close, in rising order of haste.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Closing {
    No,
    /// DISCONNECT goes out, then the stream closes.
    Gracefully,
    /// The stream closes now, without DISCONNECT.
    AtOnce,
}

pub(super) struct Driver {
    session: Session,
    route: Route,
    websocket: Option<WebsocketOptions>,
    reconnect_delays: ReconnectDelays,
    retry_first_connect: bool,
    servers: Vec<Server>,
    /// Counts attempts, so a late answer from a websocket transform is not
    /// taken for a later attempt's.
    attempt: u32,
    max_incoming_packet_size: usize,
    receive_buffer: usize,
    /// CONNACK accepted the link being served.
    connack_accepted: bool,
    /// What the latest `disconnect` or `abort` asked for unfinished operations.
    unfinished: Unfinished,
    /// Every packet sent and received goes out as `ClientEvent::Packet`.
    report_packets: bool,
    commands: Inbox,
    sink: Arc<dyn EventSink>,
    statistics: Arc<SharedStatistics>,
    /// Operations taken from the channel that `statistics` still counts there.
    taken: Taken,
    events: Vec<ClientEvent>,
}

impl Driver {
    pub fn new(
        options: ConnectionOptions,
        commands: Inbox,
        sink: Arc<dyn EventSink>,
        statistics: Arc<SharedStatistics>,
    ) -> Driver {
        let session = Session::new(options.session);
        // What our CONNECT announces bounds what we read, as much as our own limit.
        let max_incoming_packet_size = session
            .own_maximum_packet_size()
            .map_or(options.max_incoming_packet_size, |announced| {
                options.max_incoming_packet_size.min(announced as usize)
            });
        Driver {
            session,
            route: options.route,
            websocket: options.websocket,
            reconnect_delays: options.reconnect_delays,
            retry_first_connect: options.retry_first_connect,
            servers: options.servers,
            attempt: 0,
            max_incoming_packet_size,
            receive_buffer: options.receive_buffer,
            connack_accepted: false,
            unfinished: Unfinished::Keep,
            report_packets: false,
            commands,
            sink,
            statistics,
            taken: Taken::default(),
            events: Vec::new(),
        }
    }

    /// Boxed: a driver taken by value would sit in the task's future twice.
    pub async fn run(mut self: Box<Self>) {
        while let Some(command) = self.commands.recv().await {
            let keep_going = match command {
                Command::Connect => self.connect_and_serve().await,
                Command::Apply(instruction) => {
                    self.apply(instruction, Instant::now().into_std());
                    true
                }
                Command::Disconnect(unfinished, _) | Command::Abort(unfinished) => {
                    self.unfinished = unfinished;
                    self.disconnected(false);
                    true
                }
                Command::Transformed { .. } => true,
            };
            self.collect_session_events();
            self.report();
            if !keep_going {
                return;
            }
        }
    }

    fn client_id(&self) -> &str {
        &self.session.options().client_id
    }

    /// Applies `instruction` at `now` (read once per batch of commands: a
    /// clock read per publish is a measurable share of queueing it).
    fn apply(&mut self, instruction: Instruction, now: std::time::Instant) {
        match instruction {
            Instruction::Submit(id, request) => {
                self.taken.add(&request);
                self.session.submit(id, request, now);
            }
            Instruction::Credentials(credentials) => self.session.set_credentials(credentials),
            Instruction::DeferAcknowledgements(on) => self.session.defer_acknowledgements(on),
            Instruction::DecideReceipts(on) => self.session.decide_receipts(on),
            Instruction::Acknowledge { ticket, verdict } => {
                self.session.acknowledge(ticket, verdict)
            }
            Instruction::ReportPackets(on) => self.report_packets = on,
            Instruction::Authenticate(auth) => self.session.authenticate(auth, now),
        }
    }

    /// Attempts a link and serves it; when an established link is lost,
    /// waits (with backoff) and attempts again, until `disconnect()`. A first
    /// attempt that fails is reported and, unless asked, not retried. Returns
    /// false when the handle is gone and the task should end.
    async fn connect_and_serve(&mut self) -> bool {
        let mut backoff = Backoff::new(self.reconnect_delays);
        let mut reconnecting = false;
        loop {
            // Opening (TLS, proxy, WebSocket handshakes) takes a large future;
            // boxed, an idle or connected driver does not carry its space.
            let opened = Box::pin(self.open_stream()).await;
            let (end, established, lasted) = match opened {
                Err(end) => (end, false, Duration::ZERO),
                Ok(stream) => {
                    let started = Instant::now();
                    let (end, established) = self.serve(stream).await;
                    (end, established, started.elapsed())
                }
            };
            self.session.connection_lost();
            self.collect_session_events();
            let error = match end {
                LinkEnd::Abandoned => return false,
                LinkEnd::Disconnected => {
                    if !(established || reconnecting) {
                        let error = ClientError::new(ErrorKind::ConnectionDisconnecting);
                        self.events.push(ClientEvent::ConnectionFailure(error));
                    }
                    self.disconnected(established || reconnecting);
                    return true;
                }
                LinkEnd::Failed(failure) => {
                    ClientError::from_link_failure(&failure, self.session.protocol())
                }
                LinkEnd::Broken(error) => error,
            };
            if established {
                log::step(Level::Info, self.client_id(), format!("link lost: {error}"));
                self.events.push(ClientEvent::Interrupted(error));
            } else {
                log::step(
                    Level::Info,
                    self.client_id(),
                    format!("attempt failed: {error}"),
                );
                self.events.push(ClientEvent::ConnectionFailure(error));
                if !reconnecting && !self.retry_first_connect {
                    return true;
                }
            }
            reconnecting = true;
            if backoff.is_stable(lasted) {
                backoff.reset();
            }
            self.report();
            let delay = backoff.next_delay();
            log::step(
                Level::Info,
                self.client_id(),
                format!("next attempt in {} ms", delay.as_millis()),
            );
            match self.wait_before_reconnect(delay).await {
                Ok(()) => {
                    self.events.push(ClientEvent::Reconnecting);
                    self.report();
                }
                Err(LinkEnd::Abandoned) => return false,
                Err(_) => {
                    self.disconnected(true);
                    return true;
                }
            }
        }
    }

    /// Sleeps before the next attempt while still taking commands; a
    /// `disconnect()` ends the wait (and the reconnecting) at once.
    async fn wait_before_reconnect(&mut self, delay: Duration) -> Result<(), LinkEnd> {
        let waiting = async {
            tokio::time::sleep(delay).await;
            Ok(())
        };
        self.while_taking_commands(waiting).await
    }

    /// Opens the byte stream (TCP or Unix, TLS, WebSocket) while still
    /// taking commands.
    async fn open_stream(&mut self) -> Result<BoxedStream, LinkEnd> {
        self.attempt = self.attempt.wrapping_add(1);
        let mut route = self.route.clone();
        if !self.servers.is_empty() {
            let turn = self.attempt.wrapping_sub(1) as usize % self.servers.len();
            let server = &self.servers[turn];
            (route.endpoint.host, route.endpoint.port) = (server.host.clone(), server.port);
            if server.tls == Some(false) {
                route.tls = None;
            }
        }
        let endpoint = &route.endpoint;
        let mut what = format!(
            "attempt {} to {}:{}",
            self.attempt, endpoint.host, endpoint.port
        );
        if let Some(proxy) = &route.proxy {
            what += &format!(" via proxy {}:{}", proxy.host, proxy.port);
        }
        log::step(Level::Info, self.client_id(), what);
        let stream = self.while_taking_commands(transport::open(&route)).await?;
        let Some(websocket) = self.websocket else {
            return Ok(stream);
        };
        let mut request = UpgradeRequest::for_host(&route.endpoint.host);
        if websocket.transform {
            request = self.transformed(request).await?;
        }
        let upgrading = timeout(
            route.endpoint.connect_timeout,
            transport::websocket_upgrade(stream, request),
        );
        let upgraded = async {
            upgrading
                .await
                .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into()))
        };
        self.while_taking_commands(upgraded).await
    }

    /// Runs one step of opening a link while still taking commands.
    async fn while_taking_commands<T>(
        &mut self,
        step: impl Future<Output = io::Result<T>>,
    ) -> Result<T, LinkEnd> {
        tokio::pin!(step);
        loop {
            tokio::select! {
                result = &mut step => {
                    return result.map_err(|e| LinkEnd::Broken(ClientError::from_io(&e)));
                }
                command = self.commands.recv() => {
                    // A transform's answer outside its wait is stale: dropped.
                    let _stale = self.take_command_while_opening(command)?;
                }
            }
            self.collect_session_events();
            self.report();
        }
    }

    /// Hands the upgrade request to the user's transform and waits, within
    /// the connect timeout, for what it makes of it.
    async fn transformed(&mut self, request: UpgradeRequest) -> Result<UpgradeRequest, LinkEnd> {
        self.events.push(ClientEvent::WebsocketHandshake {
            attempt: self.attempt,
            request,
        });
        self.report();
        let deadline = Instant::now() + self.route.endpoint.connect_timeout;
        loop {
            tokio::select! {
                () = sleep_until(deadline) => {
                    let error = ClientError::with_detail(
                        ErrorKind::SocketTimeout,
                        "websocket_handshake_transform did not call done() within the connect timeout",
                    );
                    return Err(LinkEnd::Broken(error));
                }
                command = self.commands.recv() => {
                    if let Some(answer) = self.take_command_while_opening(command)? {
                        return answer.map_err(LinkEnd::Broken);
                    }
                }
            }
            self.collect_session_events();
            self.report();
        }
    }

    /// Handles a command that arrives while a link is being opened; returns a
    /// transform's answer for the current attempt.
    fn take_command_while_opening(
        &mut self,
        command: Option<Command>,
    ) -> Result<Option<Result<UpgradeRequest, ClientError>>, LinkEnd> {
        match command {
            None => Err(LinkEnd::Abandoned),
            Some(Command::Disconnect(unfinished, _) | Command::Abort(unfinished)) => {
                self.unfinished = unfinished;
                Err(LinkEnd::Disconnected)
            }
            Some(Command::Apply(instruction)) => {
                self.apply(instruction, Instant::now().into_std());
                Ok(None)
            }
            Some(Command::Connect) => Ok(None),
            Some(Command::Transformed { attempt, result }) => {
                Ok((attempt == self.attempt).then_some(result))
            }
        }
    }

    /// Runs one link until it ends. Also says whether CONNACK accepted it.
    async fn serve(&mut self, stream: BoxedStream) -> (LinkEnd, bool) {
        let mut link = Link::new(stream);
        self.connack_accepted = false;
        let backlog = self.sink.backlog();
        self.session.connection_opened(Instant::now().into_std());

        let end = loop {
            if let Err(failure) = self.encode_transmit(&mut link) {
                // Requests are validated before they are queued: this is a bug guard.
                return (LinkEnd::Failed(failure), self.connack_accepted);
            }
            if let Some(failure) = self.collect_session_events() {
                self.report();
                // An MQTT 5 violation is said in a DISCONNECT: it goes out
                // first, within the grace of a close.
                if self.session.protocol() == ProtocolVersion::V5
                    && matches!(failure, Failure::ProtocolViolation { .. })
                {
                    let _ = timeout(CLOSE_GRACE, link.write_all_outgoing()).await;
                }
                break LinkEnd::Failed(failure);
            }
            self.report();
            if link.closing && link.outgoing.is_empty() {
                let _ = timeout(CLOSE_GRACE, link.writer.shutdown()).await;
                break LinkEnd::Disconnected;
            }
            // While the consumer is behind, reading stops and so does the
            // clock of answer deadlines: unread answers are not late answers.
            let backlogged = backlog
                .as_ref()
                .is_some_and(|b| b.bytes() > self.receive_buffer);
            self.track_backlog(backlogged, &mut link.backlogged_since);
            link.arm_deadline(self.session.next_deadline().map(Instant::from_std));

            tokio::select! {
                command = self.commands.recv() => {
                    let Some(command) = command else { break LinkEnd::Abandoned };
                    match self.handle_live_commands(command) {
                        Closing::AtOnce => break LinkEnd::Disconnected,
                        Closing::Gracefully => link.start_closing(CLOSE_GRACE),
                        Closing::No => {}
                    }
                }
                // A peer that reads nothing must not hold up a disconnect.
                () = &mut link.close_by, if link.closing => break LinkEnd::Disconnected,
                read = link.inbound.read(), if !link.read_paused && !backlogged => {
                    if let Err(end) = self.took_read(&mut link, read) {
                        break end;
                    }
                }
                () = &mut link.read_pause, if link.read_paused => link.read_paused = false,
                written = link.outgoing.write_to(&mut link.writer), if !link.outgoing.is_empty() => match written {
                    Ok(()) => {
                        if link.outgoing.is_empty() {
                            self.session.flushed();
                        }
                    }
                    Err(error) => break LinkEnd::Broken(ClientError::from_io(&error)),
                },
                () = taken(backlog.as_deref()), if backlogged => {}
                () = &mut link.deadline_timer, if link.deadline.is_some() && !backlogged => {
                    link.deadline_passed();
                    self.session.handle_timeout(Instant::now().into_std());
                }
            }
        };
        // Once the user asked to disconnect, however the link ends, it ends
        // as asked: never as an interruption that would reconnect.
        let end = match end {
            LinkEnd::Abandoned => LinkEnd::Abandoned,
            _ if link.closing => LinkEnd::Disconnected,
            end => end,
        };
        // A CONNACK read together with what ended the link still counts:
        // its success goes out before the loss.
        self.collect_session_events();
        (end, self.connack_accepted)
    }

    /// Encodes every packet the session has to send into the link's buffer.
    fn encode_transmit(&mut self, link: &mut Link) -> Result<(), Failure> {
        let now = Instant::now().into_std();
        while let Some(packet) = self.session.poll_transmit(now) {
            self.observe(true, &packet);
            if let Err(error) = link.outgoing.encode(&packet, self.session.protocol()) {
                return Err(Failure::ProtocolViolation {
                    reason_code: ReasonCode::IMPLEMENTATION_SPECIFIC_ERROR,
                    what: format!("cannot encode: {error}"),
                });
            }
        }
        Ok(())
    }

    /// Notes when the consumer fell behind; when it caught up, moves the
    /// answer deadlines by the time reading was stopped.
    fn track_backlog(&mut self, backlogged: bool, since: &mut Option<Instant>) {
        match (backlogged, *since) {
            (true, None) => *since = Some(Instant::now()),
            (false, Some(at)) => {
                self.session.postpone_deadlines(at.elapsed());
                *since = None;
            }
            _ => {}
        }
    }

    /// A command and every one waiting behind it (up to a batch): how the
    /// most hasty of them asks the link to close.
    fn handle_live_commands(&mut self, first: Command) -> Closing {
        let now = Instant::now().into_std();
        let mut close = self.handle_live_command(first, now);
        for _ in 0..COMMAND_BATCH {
            let Some(command) = self.commands.try_recv() else {
                break;
            };
            close = close.max(self.handle_live_command(command, now));
        }
        close
    }

    /// What a read brought: the packets decoded and handed to the session,
    /// or how the link ends.
    fn took_read(&mut self, link: &mut Link, read: io::Result<Read>) -> Result<(), LinkEnd> {
        match read {
            Ok(Read { bytes: 0, .. }) => Err(LinkEnd::Broken(ClientError::new(
                ErrorKind::UnexpectedHangup,
            ))),
            Ok(Read { filled, .. }) => {
                let packets = self.decode_all(&mut link.inbound.incoming);
                link.pace(packets, filled);
                Ok(())
            }
            Err(error) => Err(LinkEnd::Broken(ClientError::from_io(&error))),
        }
    }

    /// Says whether, and how, the command asks the link to close.
    fn handle_live_command(&mut self, command: Command, now: std::time::Instant) -> Closing {
        match command {
            Command::Connect | Command::Transformed { .. } => Closing::No,
            Command::Apply(instruction) => {
                self.apply(instruction, now);
                Closing::No
            }
            Command::Disconnect(unfinished, disconnect) => {
                self.unfinished = unfinished;
                self.session.disconnect(disconnect);
                Closing::Gracefully
            }
            Command::Abort(unfinished) => {
                self.unfinished = unfinished;
                Closing::AtOnce
            }
        }
    }

    /// The user's disconnect is done (no link is up): unfinished operations
    /// fail if asked, then `Disconnected`, and `Closed` after a link that
    /// had been established.
    fn disconnected(&mut self, closed: bool) {
        if self.unfinished == Unfinished::Fail {
            self.session.fail_unfinished(Failure::ConnectionShutdown);
            self.collect_session_events();
        }
        self.events.push(ClientEvent::Disconnected);
        if closed {
            self.events.push(ClientEvent::Closed);
        }
    }

    /// A packet sent or received, for the log and, when asked, the user.
    fn observe(&mut self, sent: bool, packet: &Packet) {
        log::packet(self.client_id(), if sent { "→" } else { "←" }, packet);
        if self.report_packets {
            let packet = packet.clone();
            self.events.push(ClientEvent::Packet { sent, packet });
        }
    }

    /// Hands every whole packet in `incoming` to the session, and what
    /// cannot be decoded too (it ends the link); returns how many.
    fn decode_all(&mut self, incoming: &mut BytesMut) -> usize {
        let now = Instant::now().into_std();
        let mut packets = 0;
        loop {
            let version = self.session.protocol();
            match protocol::decode_as(incoming, self.max_incoming_packet_size, version) {
                Ok(Some(packet)) => {
                    self.observe(false, &packet);
                    self.session.handle_packet(packet, now);
                    packets += 1;
                }
                Ok(None) => return packets,
                Err(error) => {
                    self.session.undecodable(&error);
                    // Nothing after it can be framed.
                    incoming.clear();
                    return packets;
                }
            }
        }
    }

    /// Moves the session's events into the outgoing event batch; returns the
    /// failure that ends the link, if one came.
    fn collect_session_events(&mut self) -> Option<Failure> {
        let mut fatal = None;
        while let Some(event) = self.session.poll_event() {
            match event {
                Event::Connected {
                    session_present,
                    properties,
                    negotiated,
                } => {
                    log::step(Level::Info, self.client_id(), "connected");
                    self.connack_accepted = true;
                    self.events.push(ClientEvent::ConnectionSuccess {
                        session_present,
                        properties,
                        negotiated,
                    });
                }
                Event::Fatal(failure) => fatal = Some(failure),
                Event::Note(text) => log::step(Level::Info, self.client_id(), text),
                Event::AuthChallenge(auth) => self.events.push(ClientEvent::AuthChallenge(auth)),
                Event::Message(publish, ticket) => {
                    self.events.push(ClientEvent::Message(publish, ticket))
                }
                Event::Completed {
                    id,
                    packet_id,
                    outcome,
                } => self.events.push(ClientEvent::Completed {
                    id,
                    packet_id,
                    outcome,
                }),
            }
        }
        fatal
    }

    /// Hands the batch to the sink and publishes the statistics.
    fn report(&mut self) {
        self.statistics
            .report(self.session.statistics(), &mut self.taken);
        if !self.events.is_empty() {
            self.sink.deliver(&mut self.events);
            self.events.release_when_empty();
        }
    }
}
