/**
 * mqtt-napi: a native MQTT 3.1.1 client for Node.js.
 *
 * The `mqtt`, `io` and `http` namespaces follow aws-crt-nodejs (`aws-crt`) name
 * for name, so `const { mqtt, io } = require('mqtt-napi')` replaces
 * `require('aws-crt')`. Where aws-crt aborts the process or loses information,
 * this package throws a named error or carries the information instead.
 *
 * @packageDocumentation
 */

import { EventEmitter } from 'events';

/**
 * The error type of every rejected promise and every failure event.
 *
 * `error_code` is a numeric code; `io.error_code_to_name(code)` and
 * `io.error_code_to_string(code)` give its symbolic name and text. Names follow
 * aws-crt where aws-crt has one (`AWS_ERROR_MQTT_TIMEOUT`,
 * `AWS_IO_SOCKET_CONNECTION_REFUSED`, ...).
 */
export declare class CrtError extends Error {
  /** The original value the error was made from (a code or a message). */
  readonly error: unknown;
  /** Numeric error code, when the failure has one. */
  readonly error_code?: number;
  /** Symbolic name of `error_code`, e.g. `AWS_ERROR_MQTT_TIMEOUT`. */
  readonly error_name?: string;
  /**
   * The CONNACK return code (1 to 5) when the broker refused the connection:
   * 1 unacceptable protocol version, 2 identifier rejected, 3 server
   * unavailable, 4 bad user name or password, 5 not authorized. aws-crt loses
   * this code; mqtt-napi keeps it.
   */
  readonly return_code?: number;
  /**
   * The HTTP status when a proxy refused the CONNECT (e.g. 407, 403, 502) or
   * a server refused the WebSocket upgrade.
   */
  readonly http_status?: number;
  constructor(error: unknown);
}

/** Sockets, TLS and error codes. */
export declare namespace io {
  /** Transport type of a socket. Only `STREAM` is usable for MQTT. */
  enum SocketType {
    /** A stream socket: TCP, or a Unix domain socket with `SocketDomain.LOCAL`. */
    STREAM = 0,
    /** A datagram socket; MQTT cannot run over it and a connect fails with a RangeError. */
    DGRAM = 1,
  }

  /** Address family of a socket. */
  enum SocketDomain {
    /** IPv4 only: host names resolve to IPv4 addresses only. */
    IPV4 = 0,
    /**
     * The default. Tries every address the host name resolves to, IPv6 and
     * IPv4, so `localhost` and `127.0.0.1` still work.
     */
    IPV6 = 1,
    /** A Unix domain socket whose path is the connection's `host_name`. */
    LOCAL = 2,
  }

  /** Socket options for a connection; every argument is optional. */
  class SocketOptions {
    /**
     * @param type `SocketType.STREAM` (default).
     * @param domain `SocketDomain.IPV6` (default; also reaches IPv4 addresses).
     * @param connect_timeout_ms How long a TCP connect may take, in ms (default 5000).
     * @param keepalive Turn on TCP keepalive probes (default false).
     * @param keep_alive_interval_sec Seconds between keepalive probes (0 = OS default).
     * @param keep_alive_timeout_sec Idle seconds before the first probe (0 = OS default).
     * @param keep_alive_max_failed_probes Probes that may fail before the link is
     *   declared dead (0 = OS default).
     */
    constructor(
      type?: SocketType,
      domain?: SocketDomain,
      connect_timeout_ms?: number,
      keepalive?: boolean,
      keep_alive_interval_sec?: number,
      keep_alive_timeout_sec?: number,
      keep_alive_max_failed_probes?: number,
    );
    type: SocketType;
    domain: SocketDomain;
    connect_timeout_ms: number;
    keepalive: boolean;
    keep_alive_interval_sec: number;
    keep_alive_timeout_sec: number;
    keep_alive_max_failed_probes: number;
  }

  /**
   * Holds aws-crt's event-loop group. mqtt-napi runs on its own I/O threads;
   * the class exists so code that passes a bootstrap to `new mqtt.MqttClient()`
   * keeps working.
   */
  class ClientBootstrap {
    constructor();
  }

  /** Log levels for {@link enable_logging}. */
  enum LogLevel {
    NONE = 0,
    FATAL = 1,
    ERROR = 2,
    WARN = 3,
    INFO = 4,
    DEBUG = 5,
    TRACE = 6,
  }

  /**
   * Accepted for aws-crt compatibility. Logging of connection steps arrives in
   * a later release; today this validates `level` and does nothing else.
   */
  function enable_logging(level: LogLevel): void;

  /** The text of an error code, e.g. "socket connection refused." */
  function error_code_to_string(error_code: number): string;

  /** The symbolic name of an error code, e.g. "AWS_IO_SOCKET_CONNECTION_REFUSED". */
  function error_code_to_name(error_code: number): string;

  /** TLS protocol versions, as aws-crt numbers them. */
  enum TlsVersion {
    SSLv3 = 0,
    TLSv1 = 1,
    TLSv1_1 = 2,
    TLSv1_2 = 3,
    TLSv1_3 = 4,
    Default = 128,
  }

  /**
   * What a TLS client context trusts and presents. Plain fields, as aws-crt
   * has them; everything is checked when a {@link ClientTlsContext} is made
   * from it.
   */
  class TlsContextOptions {
    constructor();
    /** The lowest TLS version accepted (default `TlsVersion.Default`: TLS 1.2). */
    min_tls_version: TlsVersion;
    /** A PEM file of CA certificates to trust instead of the system's. */
    ca_filepath?: string;
    /** A directory of PEM CA certificates to trust instead of the system's. */
    ca_dirpath?: string;
    /** PEM CA certificates (in memory) to trust instead of the system's. */
    certificate_authority?: string;
    /** ALPN protocols to offer, e.g. `['x-amzn-mqtt-ca']` (default none). */
    alpn_list: string[];
    /** The client certificate chain (PEM file) for mutual TLS. */
    certificate_filepath?: string;
    /** The client certificate chain (PEM text) for mutual TLS. */
    certificate?: string;
    /** The client private key (PEM file: PKCS#8, PKCS#1 RSA or SEC1 EC). */
    private_key_filepath?: string;
    /** The client private key (PEM text: PKCS#8, PKCS#1 RSA or SEC1 EC). */
    private_key?: string;
    /** A PKCS#12 file holding the client certificate and key. */
    pkcs12_filepath?: string;
    /** The password of `pkcs12_filepath`. */
    pkcs12_password?: string;
    /**
     * Verify the server's certificate chain and name (default true).
     * **Unsafe when false**: anyone on the path can impersonate the broker.
     * Use only for tests against self-signed brokers.
     */
    verify_peer: boolean;
    /** Trust the CAs in `ca_dirpath` and/or `ca_filepath` instead of the system's. */
    override_default_trust_store_from_path(ca_dirpath?: string, ca_filepath?: string): void;
    /** Trust the PEM CA certificates in `certificate_authority` instead of the system's. */
    override_default_trust_store(certificate_authority: string): void;
    /** Mutual TLS with a PEM certificate chain file and a PEM key file. */
    static create_client_with_mtls_from_path(certificate_filepath: string, private_key_filepath: string): TlsContextOptions;
    /** Mutual TLS with a PEM certificate chain and key given as text. */
    static create_client_with_mtls(certificate: string, private_key: string): TlsContextOptions;
    /** Mutual TLS with a PKCS#12 file and its password. */
    static create_client_with_mtls_pkcs12_from_path(pkcs12_filepath: string, pkcs12_password: string): TlsContextOptions;
  }

  /**
   * A TLS client context, built once from {@link TlsContextOptions}. Every
   * problem (a missing file, an unreadable or mismatched key, a wrong
   * PKCS#12 password, a bad CA bundle) throws here, naming the option, not
   * at connect time. Without options it trusts the platform's roots (the
   * bundled Mozilla roots where the platform has none).
   */
  class ClientTlsContext {
    constructor(options?: TlsContextOptions);
  }

  /** A TLS context plus the server name and ALPN list for one connection (used for a TLS proxy). */
  class TlsConnectionOptions {
    /**
     * @param tls_ctx The context.
     * @param server_name SNI and certificate name (default: the host connected to).
     * @param alpn_list ALPN protocols (default: the context's).
     */
    constructor(tls_ctx: ClientTlsContext, server_name?: string, alpn_list?: string[]);
    readonly tls_ctx: ClientTlsContext;
    readonly server_name?: string;
    readonly alpn_list: string[];
  }
}

/** HTTP types used by proxies and the websocket handshake. */
export declare namespace http {
  /** How a proxy authenticates. */
  enum HttpProxyAuthenticationType {
    None = 0,
    Basic = 1,
  }

  /** How a proxy is used. MQTT always tunnels with `CONNECT`. */
  enum HttpProxyConnectionType {
    Legacy = 0,
    Forwarding = 1,
    Tunneling = 2,
  }

  /**
   * An HTTP proxy: MQTT goes through a `CONNECT host:port` tunnel (with Basic
   * auth when asked, over TLS to the proxy when `tls_opts` is given), then
   * TLS or WebSockets to the broker inside it. Plain MQTT through a proxy is
   * allowed (aws-crt refuses it). A proxy's refusal fails the attempt with an
   * error carrying the HTTP status.
   */
  class HttpProxyOptions {
    constructor(
      host_name: string,
      port: number,
      auth_method?: HttpProxyAuthenticationType,
      auth_username?: string,
      auth_password?: string,
      tls_opts?: io.TlsConnectionOptions,
      connection_type?: HttpProxyConnectionType,
    );
    host_name: string;
    port: number;
    auth_method: HttpProxyAuthenticationType;
    auth_username?: string;
    auth_password?: string;
    tls_opts?: io.TlsConnectionOptions;
    connection_type?: HttpProxyConnectionType;
  }

  /** An ordered list of HTTP headers (names compare case-insensitively). */
  class HttpHeaders implements Iterable<[string, string]> {
    constructor(headers?: [string, string][]);
    /** Number of header lines. */
    readonly length: number;
    /** The first value of `name`, or `default_value` (`''`) when absent. */
    get(name: string, default_value?: string): string;
    /** Every value of `name`. */
    get_values(name: string): string[];
    /** Adds a header line. */
    add(name: string, value: string): void;
    /** Replaces every value of `name` with `value`. */
    set(name: string, value: string): void;
    /** Removes every line named `name`. */
    remove(name: string): void;
    /** Removes the lines named `name` whose value is `value`. */
    remove_value(name: string, value: string): void;
    /** Removes every line. */
    clear(): void;
    [Symbol.iterator](): Iterator<[string, string]>;
  }

  /** An HTTP request, as handed to `websocket_handshake_transform`. */
  class HttpRequest {
    constructor(method: string, path: string, headers?: HttpHeaders, body?: unknown);
    method: string;
    path: string;
    headers: HttpHeaders;
    body?: unknown;
  }
}

/** The MQTT 3.1.1 client, with aws-crt's `mqtt` API. */
export declare namespace mqtt {
  /** Quality of service of a publish or subscription. */
  enum QoS {
    /** Delivered at most once; a publish resolves when written to the socket. */
    AtMostOnce = 0,
    /** Delivered at least once; a publish resolves on PUBACK. */
    AtLeastOnce = 1,
    /** Delivered exactly once; a publish resolves on PUBCOMP. */
    ExactlyOnce = 2,
  }

  /**
   * What can be published. Strings are sent as UTF-8; `ArrayBuffer`s and views
   * (Buffer, Uint8Array, DataView, any typed array; offset and length are
   * honoured) as their bytes; plain objects as `JSON.stringify(obj)`; `null`,
   * `undefined`, `''` and other falsy values as an empty payload. Anything else
   * is a TypeError.
   */
  type Payload = string | Record<string, unknown> | ArrayBuffer | ArrayBufferView;

  /**
   * Receives a message. `payload` is an `ArrayBuffer` owned by the callback
   * (an empty one for a zero-length payload).
   */
  type OnMessageCallback = (
    topic: string,
    payload: ArrayBuffer,
    dup: boolean,
    qos: QoS,
    retain: boolean,
  ) => void;

  /** What a completed publish or unsubscribe resolves with. */
  interface MqttRequest {
    /** The packet identifier used on the wire (absent for QoS 0 publishes). */
    packet_id?: number;
  }

  /** What a completed subscribe resolves with. */
  interface MqttSubscribeRequest extends MqttRequest {
    /** The topic filter that was subscribed. */
    topic: string;
    /** The granted QoS, or 128 when the broker refused the filter. */
    qos: QoS | 128;
    /** Set when the subscription failed. */
    error_code?: number;
  }

  /** The last will: published by the broker when the connection dies uncleanly. */
  class MqttWill {
    /**
     * @param topic Topic to publish the will on (no wildcards).
     * @param qos QoS of the will message.
     * @param payload The will message (any {@link Payload}).
     * @param retain Whether the broker retains the will message (default false).
     */
    constructor(topic: string, qos: QoS, payload: Payload, retain?: boolean);
    readonly topic: string;
    readonly qos: QoS;
    readonly payload: Payload;
    readonly retain: boolean;
  }

  /** Argument of the `connection_success` event. */
  interface OnConnectionSuccessResult {
    /** Whether the broker resumed a stored session. */
    session_present: boolean;
    /** The CONNACK return code: 0. */
    reason_code?: number;
  }

  /** Argument of the `connection_failure` event. */
  interface OnConnectionFailedResult {
    /** Why the attempt failed; carries `error_code` and `error_name`. */
    error: CrtError;
  }

  /** Argument of the `closed` event. */
  interface OnConnectionClosedResult {}

  /**
   * The configuration of one connection. Field names, defaults and rules are
   * aws-crt's; a wrong type throws a TypeError and a value out of range (or a
   * number that should be an integer and is not) a RangeError, both naming
   * the field.
   */
  interface MqttConnectionConfig {
    /**
     * Client identifier sent in CONNECT. Required; `''` lets the broker assign
     * one (brokers accept that only with `clean_session: true`).
     */
    client_id: string;
    /** Host name or IP address of the broker; with `SocketDomain.LOCAL`, the Unix socket path. Required. */
    host_name: string;
    /** Broker port, an integer from 0 to 65535. Required (ignored for Unix sockets). */
    port: number;
    /**
     * Socket options. Required by aws-crt; optional here, defaulting to
     * `new io.SocketOptions()` (stream, IPv6-or-IPv4, 5000 ms connect timeout).
     */
    socket_options?: io.SocketOptions;
    /**
     * Whether to start a clean session (default false). With false the broker
     * keeps subscriptions and queued QoS 1/2 messages across connections.
     */
    clean_session?: boolean;
    /**
     * Keep alive in seconds, sent in CONNECT as a 16-bit integer (0 to 65535).
     * A PINGREQ goes out after this long without outgoing traffic.
     * 0 or undefined means 1200. Must be greater than the ping timeout
     * (in seconds), else a RangeError (aws-crt aborts the process instead).
     */
    keep_alive?: number;
    /**
     * Milliseconds to wait for a PINGRESP before the connection is declared
     * lost; also the time to wait for CONNACK. 0 or undefined means 3000.
     */
    ping_timeout?: number;
    /** Older name of {@link ping_timeout}; used when `ping_timeout` is not given. */
    timeout?: number;
    /**
     * Milliseconds a QoS 1/2 publish, subscribe or unsubscribe may wait for its
     * acknowledgement before it fails with `AWS_ERROR_MQTT_TIMEOUT`. 0 or
     * undefined means no limit.
     */
    protocol_operation_timeout?: number;
    /**
     * Shortest wait in seconds before a reconnect (default 1). If only this is
     * given, `reconnect_max_sec` becomes max(this, 128). Negative: RangeError.
     */
    reconnect_min_sec?: number;
    /**
     * Longest wait in seconds before a reconnect (default 128). If only this is
     * given, `reconnect_min_sec` becomes min(1, this). Negative: RangeError.
     */
    reconnect_max_sec?: number;
    /**
     * Subscribe again, after every connection the broker accepts without a
     * session (a reconnect with `clean_session: true`, or a broker that lost
     * the session), to every filter this connection holds (default true; an
     * mqtt-napi extension: aws-crt never does). The restoring SUBSCRIBE goes
     * out before anything queued while offline; `unsubscribe()` drops a filter.
     */
    resubscribe?: boolean;
    /**
     * Queue QoS 0 publishes made while not connected and send them once
     * connected (default false: they reject with `AWS_ERROR_MQTT_NOT_CONNECTED`,
     * as in aws-crt). An mqtt-napi extension.
     */
    queue_qos0_offline?: boolean;
    /**
     * The most operations that may wait unsent (offline, or for a free packet
     * id): default 10,000. Past it the newest operation rejects with
     * `AWS_ERROR_MQTT_QUEUE_FULL`; nothing queued is dropped. An mqtt-napi
     * extension.
     */
    offline_queue_max_operations?: number;
    /**
     * The most bytes (counted as `getOperationalStatistics()` counts them)
     * that may wait unsent: default 64 MiB. Past it the newest operation
     * rejects with `AWS_ERROR_MQTT_QUEUE_FULL`. An mqtt-napi extension.
     */
    offline_queue_max_bytes?: number;
    /**
     * Retry a failed first `connect()` with the reconnect backoff instead of
     * rejecting it (default false, as aws-crt). Each failed attempt still
     * emits `connection_failure`; `connect()` resolves once an attempt
     * succeeds, or rejects with `AWS_ERROR_MQTT_CONNECTION_DISCONNECTING` if
     * `disconnect()` is called first. An mqtt-napi extension.
     */
    retry_first_connect?: boolean;
    /** The last will, published by the broker if this client vanishes. */
    will?: MqttWill;
    /** User name sent in CONNECT. */
    username?: string;
    /** Password sent in CONNECT (MQTT 3.1.1 requires a `username` with it). */
    password?: string;
    /**
     * Carry MQTT in WebSocket binary frames (path `/mqtt`, subprotocol
     * `mqtt`): `ws://` without `tls_ctx`, `wss://` with it.
     */
    use_websocket?: boolean;
    /**
     * Called on every attempt (reconnects included) with the WebSocket upgrade
     * request about to be sent (`GET /mqtt`, `Host`, `Upgrade`, `Connection`,
     * `Sec-WebSocket-Key`, `Sec-WebSocket-Version: 13`,
     * `Sec-WebSocket-Protocol: mqtt`). Whatever it changes (path and query,
     * headers) is what goes on the wire. Call `done()` or `done(0)` to
     * continue, `done(error_code)` to fail the attempt with that code; a
     * non-number is a TypeError and a second call is ignored. A transform that
     * throws fails the attempt with its error; one that never calls `done`
     * fails it after the socket's connect timeout. Only with `use_websocket`.
     */
    websocket_handshake_transform?: (request: http.HttpRequest, done: (error_code?: number) => void) => void;
    /** Connect through an HTTP proxy (a CONNECT tunnel). */
    proxy_options?: http.HttpProxyOptions;
    /**
     * TLS to the broker; none means plaintext. SNI and the certificate name
     * checked are `host_name` (IP addresses work too).
     */
    tls_ctx?: io.ClientTlsContext;
  }

  /**
   * Counts of operations that have not completed. A publish counts
   * `4 + topic bytes + payload bytes`, a subscribe or unsubscribe
   * `4 + topic filter bytes`.
   */
  interface OperationalStatistics {
    /** Operations submitted and not yet completed (includes unacked ones). */
    incompleteOperationCount: number;
    /** Total size of the incomplete operations. */
    incompleteOperationSize: number;
    /** Operations written to the broker and waiting for their acknowledgement. */
    unackedOperationCount: number;
    /** Total size of the unacked operations. */
    unackedOperationSize: number;
  }

  /** Creates connections. */
  class MqttClient {
    /** @param bootstrap Accepted for aws-crt compatibility; not needed. */
    constructor(bootstrap?: io.ClientBootstrap);
    /**
     * Makes a connection object; nothing is sent until `connect()`. Throws a
     * TypeError or RangeError naming the field when `config` is invalid.
     */
    new_connection(config: MqttConnectionConfig): MqttClientConnection;
  }

  /**
   * One MQTT connection. An EventEmitter with the events
   * `connection_success` (every accepted CONNACK) followed by `connect` (when
   * it answers a `connect()` call) or `resume` (when it ends a reconnect),
   * `connection_failure` (every failed attempt), `message`, `interrupt` (an
   * established link was lost; reconnecting starts), `disconnect` (after
   * `disconnect()`), `closed` (the connection is finished), `error`.
   *
   * A lost link is reconnected automatically, waiting between
   * `reconnect_min_sec` and `reconnect_max_sec` (exponential, with jitter;
   * back to the minimum after a link that stayed up 10 s) until
   * `disconnect()`. A first `connect()` that fails is not retried.
   *
   * A connection that is connecting, connected or reconnecting keeps Node
   * running; one that was never connected, or was disconnected, does not.
   */
  class MqttClientConnection extends EventEmitter {
    static readonly CONNECT: 'connect';
    static readonly CONNECTION_SUCCESS: 'connection_success';
    static readonly CONNECTION_FAILURE: 'connection_failure';
    static readonly INTERRUPT: 'interrupt';
    static readonly RESUME: 'resume';
    static readonly MESSAGE: 'message';
    static readonly DISCONNECT: 'disconnect';
    static readonly CLOSED: 'closed';
    static readonly ERROR: 'error';

    /** Use `MqttClient.new_connection(config)`. */
    constructor(client: MqttClient, config: MqttConnectionConfig);

    /** The configuration the connection was made with. */
    readonly config: MqttConnectionConfig;

    /**
     * Opens the connection. Resolves with `session_present` when the broker
     * accepts it; rejects with a {@link CrtError} carrying `error_code` (and
     * `return_code` for a refused CONNACK) when the attempt fails. After
     * `disconnect()`, `connect()` may be called again.
     */
    connect(): Promise<boolean>;

    /** Deprecated aws-crt alias: resolves like `connect()`. */
    reconnect(): Promise<boolean>;

    /**
     * Publishes a message. QoS 0 resolves when written to the socket, QoS 1 on
     * PUBACK, QoS 2 on PUBCOMP. A topic with wildcards, an empty topic or a qos
     * outside 0..2 rejects with a TypeError/RangeError naming the argument.
     * QoS 1/2 publishes made before the connection is up wait for it.
     */
    publish(topic: string, payload: Payload, qos: QoS, retain?: boolean): Promise<MqttRequest>;

    /**
     * Subscribes to a topic filter (wildcards `+` and `#` allowed). Resolves on
     * SUBACK with the granted QoS (128 when refused). `on_message`, when given,
     * receives the messages matching this filter instead of the `message`
     * catch-all; subscribing the same filter again replaces it. It may fire
     * before the SUBACK arrives.
     */
    subscribe(topic: string, qos: QoS, on_message?: OnMessageCallback): Promise<MqttSubscribeRequest>;

    /** Sets the catch-all handler for messages that no subscription callback took. */
    on_message(callback: OnMessageCallback): void;

    /** Unsubscribes a topic filter; resolves on UNSUBACK. */
    unsubscribe(topic: string): Promise<MqttRequest>;

    /**
     * Sends DISCONNECT and closes the connection; resolves when closed, after
     * the `disconnect` and `closed` events. The connection can be connected
     * again afterwards.
     */
    disconnect(): Promise<void>;

    /** Counts and sizes of operations not yet completed. */
    getOperationalStatistics(): OperationalStatistics;
    /** Same as {@link getOperationalStatistics}. */
    getQueueStatistics(): OperationalStatistics;

    on(event: 'connect', listener: (session_present: boolean) => void): this;
    on(event: 'connection_success', listener: (result: OnConnectionSuccessResult) => void): this;
    on(event: 'connection_failure', listener: (result: OnConnectionFailedResult) => void): this;
    on(event: 'interrupt', listener: (error: CrtError) => void): this;
    on(event: 'resume', listener: (return_code: number, session_present: boolean) => void): this;
    on(event: 'message', listener: OnMessageCallback): this;
    on(event: 'disconnect', listener: () => void): this;
    on(event: 'closed', listener: (result: OnConnectionClosedResult) => void): this;
    on(event: 'error', listener: (error: CrtError) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** The same class as {@link http.HttpProxyOptions}. */
  export import HttpProxyOptions = http.HttpProxyOptions;
}
