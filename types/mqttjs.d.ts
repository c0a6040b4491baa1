/**
 * The MQTT.js dialect: `connect(url, options)` and `MqttClient`, as MQTT.js 5
 * (npm `mqtt`) declares them, trimmed to what mqtt-napi supports
 * (re-exported by the package root).
 *
 * @module
 */

import { EventEmitter } from 'events';

/** Quality of service: 0 at most once, 1 at least once, 2 exactly once. */
export type QoS = 0 | 1 | 2;

/**
 * URL schemes and `protocol` values: `mqtt` and `tcp` (plain TCP, port 1883),
 * `mqtts`, `ssl` and `tls` (TLS, port 8883), `ws` (WebSocket, port 80) and
 * `wss` (WebSocket over TLS, port 443). MQTT.js's browser and mini-program
 * schemes (`wx`, `wxs`, `ali`, `alis`) are not supported.
 */
export type BaseMqttProtocol = 'mqtt' | 'tcp' | 'mqtts' | 'ssl' | 'tls' | 'ws' | 'wss';

/**
 * A {@link BaseMqttProtocol}, or `mqtt+unix` / `tcp+unix`: MQTT over the Unix
 * domain socket at `path` (e.g. `mqtt+unix:///run/mosquitto.sock`). The
 * `+unix` suffix works with `mqtt` and `tcp` only.
 */
export type MqttProtocol = BaseMqttProtocol | 'mqtt+unix' | 'tcp+unix';

/** The TLS options of {@link IClientOptions}. */
export interface ISecureClientOptions {
  /**
   * CA certificates (PEM) to trust instead of the system's roots: one or
   * several, as an array or concatenated.
   */
  ca?: string | string[] | Buffer | Buffer[];
  /**
   * The client certificate chain (PEM) for mutual TLS, with {@link key}.
   * With `cert` and `key` given, `mqtt` becomes `mqtts` and `ws` becomes `wss`.
   */
  cert?: string | string[] | Buffer | Buffer[];
  /** The client private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC) for mutual TLS, with {@link cert}. */
  key?: string | string[] | Buffer | Buffer[];
  /**
   * Verify the broker's certificate chain and name (default `true`).
   * **Unsafe when false**: anyone on the path can impersonate the broker.
   */
  rejectUnauthorized?: boolean;
  /**
   * ALPN protocol names to offer, e.g. `['x-amzn-mqtt-ca']` (default none).
   * mqtt-napi takes an array only: Node's single length-prefixed Buffer form,
   * which MQTT.js also accepts, is a TypeError.
   */
  ALPNProtocols?: string[] | Buffer[] | Uint8Array[];
}

/**
 * The options of {@link connect} and {@link connectAsync}. The parts of a
 * broker URL (scheme, host, port, path, `user:pass@`, `?clientId=`) fill the
 * options not given. A wrong type throws a TypeError and a value out of range
 * a RangeError, both naming the option.
 *
 * MQTT.js options that mqtt-napi does not support are declared too, so that
 * code setting them compiles; each says what happens: **ignored** (silently,
 * where the option only tunes MQTT.js's own machinery), **ignored, with a
 * warning** (a process warning `MQTT_NAPI_UNSUPPORTED_OPTION`, once per option
 * and process), or **throws** (where ignoring it would break what the
 * application relies on).
 */
export interface IClientOptions extends ISecureClientOptions {
  /**
   * The transport (default `'mqtt'`); see {@link MqttProtocol}. Any other
   * value throws `Unknown protocol`. A broker URL without a scheme throws
   * `Missing protocol`.
   */
  protocol?: MqttProtocol;
  /** The broker's host name or IP address (default `'localhost'`). */
  host?: string;
  /** The same as {@link host}; takes precedence when both are given. */
  hostname?: string;
  /**
   * The broker's port. Default by protocol: 1883 for `mqtt`/`tcp`, 8883 for
   * `mqtts`/`ssl`/`tls`, 80 for `ws`, 443 for `wss`.
   */
  port?: number;
  /**
   * The WebSocket path and query (default `'/'`), or the socket's path for a
   * Unix socket. Not used by plain TCP and TLS.
   */
  path?: string;
  /** Connect to the Unix domain socket at {@link path}, as a `+unix` protocol does (`mqtt`/`tcp` only). */
  unixSocket?: boolean;
  /**
   * `'user:password'` or `'user'`, as in a URL (where it comes from): sets
   * {@link username} and {@link password}, over those options.
   */
  auth?: string;
  /** A URL's query parameters (where they come from): a `clientId` among them is the client id, over {@link clientId}. */
  query?: Record<string, string>;
  /**
   * The client identifier sent in CONNECT (default `'mqttjs_'` followed by 8
   * random hex digits).
   */
  clientId?: string;
  /**
   * Start a clean session (default `true`). With `false` the broker keeps
   * subscriptions and queued QoS 1/2 messages across connections; `false`
   * without a {@link clientId} throws `Missing clientId for unclean clients`.
   */
  clean?: boolean;
  /**
   * Keep alive in seconds, 0 to 65535 (default 60; 0 turns keepalive off). A
   * PINGREQ goes out after this long without an outgoing packet; a PINGRESP
   * that takes longer than half of it (at most 30 s) ends the connection,
   * which is then reconnected.
   */
  keepalive?: number;
  /**
   * Milliseconds before the first reconnect attempt after a lost connection or
   * a failed attempt (a failed first connection included) (default 1000);
   * 0 never reconnects.
   *
   * **mqtt-napi differs from MQTT.js**, which waits exactly this long every
   * time: later waits grow up to {@link reconnectPeriodMax}, see there.
   */
  reconnectPeriod?: number;
  /**
   * An mqtt-napi extension (MQTT.js has no such option): the longest wait
   * before a reconnect attempt, in milliseconds (default 30000; a value below
   * {@link reconnectPeriod} counts as `reconnectPeriod`). Each wait is a
   * random point in the upper half of a step that starts at `reconnectPeriod`
   * and doubles up to this value, never below `reconnectPeriod`; the step
   * starts over after a connection that stayed up 10 s. Set it equal to
   * `reconnectPeriod` for MQTT.js's fixed interval.
   */
  reconnectPeriodMax?: number;
  /**
   * An mqtt-napi extension (MQTT.js has no such option): the most bytes of
   * received messages that may wait for JavaScript to take them (default
   * 4 MiB). Past it the client stops reading its socket until JavaScript has
   * taken them, so a slow `message` listener holds the broker back instead of
   * filling memory.
   */
  receiveBufferBytes?: number;
  /**
   * An mqtt-napi extension: the largest packet accepted from the broker, in
   * bytes (default and maximum 268,435,460). A larger one is a protocol error
   * that drops the connection (then reconnect as usual).
   */
  maxIncomingPacketBytes?: number;
  /**
   * An mqtt-napi extension: the most operations that may wait unsent while
   * offline (default 10,000). Past it the newest operation fails with an
   * error (code `AWS_ERROR_MQTT_QUEUE_FULL`); nothing queued is dropped.
   */
  offlineQueueMaxOperations?: number;
  /**
   * An mqtt-napi extension: the most bytes (topic + payload + 4 per
   * publish) that may wait unsent while offline (default 64 MiB). Past it
   * the newest operation fails with `AWS_ERROR_MQTT_QUEUE_FULL`.
   */
  offlineQueueMaxBytes?: number;
  /**
   * Milliseconds allowed for the connection to be made, and again for the
   * broker's CONNACK (default 30000). An attempt that runs out of time fails
   * with an `error` event and, unless `reconnectPeriod` is 0, is followed by a
   * reconnect.
   */
  connectTimeout?: number;
  /** The user name sent in CONNECT. */
  username?: string;
  /**
   * The password sent in CONNECT. MQTT 3.1.1 allows a password only with a
   * {@link username}: a password alone is a TypeError.
   */
  password?: string | Buffer;
  /** The last will: published by the broker when this client vanishes without DISCONNECT. */
  will?: {
    /** Topic of the will message (no wildcards). */
    topic: string;
    /** The will message (a string is sent as UTF-8). */
    payload: string | Buffer;
    /** Its QoS (default 0). */
    qos?: QoS;
    /** Whether the broker retains it (default `false`). */
    retain?: boolean;
  };
  /**
   * The host name sent in TLS SNI and checked against the broker's
   * certificate (default: the host, unless it is an IP address).
   */
  servername?: string;
  /**
   * WebSocket options. mqtt-napi sends `headers` with every upgrade request;
   * any other `ws` option is **ignored, with a warning**.
   */
  wsOptions?: {
    /** Extra HTTP headers for the WebSocket upgrade request. */
    headers?: Record<string, string>;
    [option: string]: any;
  };
  /**
   * Called before every WebSocket connection attempt (reconnects included)
   * with the URL about to be used (`protocol://host:port/path`); the path and
   * query of the URL it returns are requested instead. It runs synchronously
   * (it cannot return a Promise). A URL with another host, or a throw, fails
   * the attempt. Only with `ws` and `wss`.
   *
   * A `username` or `password` the function sets in `client.options` (as
   * MQTT.js's README does to refresh a token) goes into this attempt's
   * CONNECT; other changes to `client.options` have no effect.
   *
   * @param url The URL about to be used, `protocol://host:port/path`.
   * @param options The client's options ({@link MqttClient.options}).
   * @param client The client.
   */
  transformWsUrl?: (url: string, options: IClientOptions, client: MqttClient) => string;
  /**
   * Subscribe again, after a reconnect the broker accepts without a session,
   * to every topic subscribed so far (default `true`); `unsubscribe()` drops a
   * topic from that list.
   */
  resubscribe?: boolean;
  /**
   * Queue QoS 0 publishes made while not connected and send them once
   * connected (default `true`). QoS 1/2 publishes, subscribes and
   * unsubscribes always wait for the connection.
   */
  queueQoSZero?: boolean;
  /**
   * Do not connect until {@link MqttClient.connect | client.connect()} is
   * called (default `false`). A {@link connectAsync} promise does not settle
   * with it.
   */
  manualConnect?: boolean;
  /**
   * Brokers to try in turn: the first attempt uses the first entry, each
   * reconnect the next one, wrapping around; `host` and `port` come from the
   * entry. Every entry is reached with the client's own transport and TLS
   * settings: an entry `protocol` of another transport (`ws` among `mqtt`
   * entries, say) throws.
   */
  servers?: Array<{
    /** The broker's host name or IP address. */
    host: string;
    /** Its port (an entry without one uses the client's port). */
    port: number;
    /**
     * Optional; if given, a protocol of the client's own transport (`ssl`
     * among `mqtts` entries, say), else {@link connect} throws.
     */
    protocol?: BaseMqttProtocol
  }>;
  /**
   * The MQTT protocol level (default 4, MQTT 3.1.1). **mqtt-napi accepts only
   * 4**: 3 (MQTT 3.1) and 5 (MQTT 5) are a RangeError. They are declared so
   * that code naming them compiles.
   */
  protocolVersion?: 3 | 4 | 5;
  /**
   * The protocol name in CONNECT (default `'MQTT'`). **mqtt-napi accepts only
   * `'MQTT'`**: `'MQIsdp'` (MQTT 3.1) is a RangeError.
   */
  protocolId?: 'MQTT' | 'MQIsdp';
  /**
   * After the broker refuses the connection (CONNACK return code 1 to 5),
   * keep reconnecting (default `false`: the refusal is emitted as an `error`
   * and reconnecting stops).
   */
  reconnectOnConnackError?: boolean;

  /**
   * **Ignored** by mqtt-napi, which always behaves as `true` (the default):
   * a PINGREQ goes out only after `keepalive` seconds without an outgoing packet.
   */
  reschedulePings?: boolean;
  /**
   * @deprecated Not supported by mqtt-napi (it logs nothing through JavaScript): ignored, with a warning.
   *
   * @param args What MQTT.js would log; never called by mqtt-napi.
   */
  log?: (...args: any[]) => void;
  /** @deprecated Not supported by mqtt-napi (one SUBSCRIBE carries every topic of a call): ignored, with a warning. */
  subscribeBatchSize?: number;
  /** **Ignored** by mqtt-napi: its timers are native. */
  timerVariant?: 'auto' | 'worker' | 'native' | {
    /**
     * MQTT.js's stand-in for `setInterval`; never called by mqtt-napi.
     *
     * @param args As for `setInterval`.
     */
    set: (...args: any[]) => any;
    /**
     * MQTT.js's stand-in for `clearInterval`; never called by mqtt-napi.
     *
     * @param args As for `clearInterval`.
     */
    clear: (...args: any[]) => any
  };
  /** **Ignored** by mqtt-napi: packets are written natively. */
  writeCache?: boolean;

  /** @deprecated Not supported by mqtt-napi (MQTT 5 CONNECT properties): ignored, with a warning. */
  properties?: Record<string, unknown>;
  /** @deprecated Not supported by mqtt-napi (MQTT 5 topic aliases): ignored, with a warning. */
  autoUseTopicAlias?: boolean;
  /** @deprecated Not supported by mqtt-napi (MQTT 5 topic aliases): ignored, with a warning. */
  autoAssignTopicAlias?: boolean;
  /** @deprecated Not supported by mqtt-napi (there are no SOCKS proxies): ignored, with a warning. */
  socksTimeout?: number;
  /** @deprecated Not supported by mqtt-napi (browser only): ignored, with a warning. */
  forceNativeWebSocket?: boolean;

  /**
   * @deprecated Not supported by mqtt-napi, which keeps QoS 1/2 messages in
   * flight in memory only (not across a restart of the process): setting a
   * store throws.
   */
  incomingStore?: unknown;
  /**
   * @deprecated Not supported by mqtt-napi, which keeps QoS 1/2 messages in
   * flight in memory only (not across a restart of the process): setting a
   * store throws.
   */
  outgoingStore?: unknown;
  /**
   * A {@link DefaultMessageIdProvider} or a {@link UniqueMessageIdProvider}.
   * mqtt-napi's engine chooses packet identifiers itself and never reuses one
   * still in flight (what `UniqueMessageIdProvider` promises), so either is
   * accepted and not asked; a provider of another class throws a TypeError.
   */
  messageIdProvider?: IMessageIdProvider;
  /**
   * @deprecated Not supported by mqtt-napi (acknowledgements are sent natively): setting it throws.
   *
   * @param topic In MQTT.js, the received message's topic.
   * @param message Its payload.
   * @param packet Its PUBLISH packet.
   * @param cb Called with an Error or a reason code for the acknowledgement.
   */
  customHandleAcks?: (topic: string, message: Buffer, packet: any, cb: (error: Error | number, code?: number) => void) => void;
  /**
   * @deprecated Not supported by mqtt-napi (the WebSocket is native; use
   * {@link wsOptions} `headers` and {@link transformWsUrl}): setting it throws.
   *
   * @param url In MQTT.js, the WebSocket URL to open.
   * @param websocketSubProtocols The WebSocket subprotocols to ask for.
   * @param options The client's options.
   */
  createWebsocket?: (url: string, websocketSubProtocols: string[], options: IClientOptions) => any;
  /**
   * @deprecated Not supported by mqtt-napi: setting it throws rather than
   * connect around the proxy. The `MQTTJS_SOCKS_PROXY` environment variable
   * is not read.
   */
  socksProxy?: string;
  /** @deprecated Not supported by mqtt-napi (MQTT 5 AUTH): setting it throws. */
  authPacket?: Record<string, unknown>;
}

/** The options of {@link MqttClient.publish}. */
export interface IClientPublishOptions {
  /** QoS (default 0). */
  qos?: QoS;
  /** Ask the broker to retain the message (default `false`). */
  retain?: boolean;
  /**
   * Accepted for MQTT.js compatibility (must be a boolean) but not sent:
   * mqtt-napi sets the DUP flag itself, on resends only.
   */
  dup?: boolean;
}

/** The options of {@link MqttClient.subscribe}, and each value of an {@link ISubscriptionMap}. */
export interface IClientSubscribeOptions {
  /** The QoS asked for. */
  qos: QoS;
}

/** Topic filters as keys, their options as values: `{ 'a/+': { qos: 1 }, 'b/#': { qos: 0 } }`. */
export type ISubscriptionMap = {
  [topic: string]: IClientSubscribeOptions;
};

/** One topic filter and the QoS asked for it. */
export interface ISubscriptionRequest extends IClientSubscribeOptions {
  /** The topic filter. */
  topic: string;
}

/** What the broker granted for one topic filter. */
export interface ISubscriptionGrant {
  /** The topic filter. */
  topic: string;
  /** The granted QoS, or 128 when the broker refused the filter. */
  qos: QoS | 128;
}

/** The packet types, as MQTT.js names them. */
export type PacketCmd =
  | 'auth'
  | 'connack'
  | 'connect'
  | 'disconnect'
  | 'pingreq'
  | 'pingresp'
  | 'puback'
  | 'pubcomp'
  | 'publish'
  | 'pubrel'
  | 'pubrec'
  | 'suback'
  | 'subscribe'
  | 'unsuback'
  | 'unsubscribe';

/** What every packet has. */
export interface IPacket {
  /** The packet type. */
  cmd: PacketCmd;
  /** The packet identifier, in the packets that have one. */
  messageId?: number;
}

/** The CONNACK of an accepted connection, as the `connect` event carries it. */
export interface IConnackPacket extends IPacket {
  cmd: 'connack';
  /** The CONNACK return code: 0 (accepted) in a `connect` event. */
  returnCode?: number;
  /** Whether the broker resumed a stored session (only possible with `clean: false`). */
  sessionPresent: boolean;
}

/**
 * A PUBLISH packet: a message received (`message` event), or one sent (what a
 * QoS 1/2 publish's callback and `publishAsync` give once it is acknowledged).
 */
export interface IPublishPacket extends IPacket {
  cmd: 'publish';
  /** The topic. */
  topic: string;
  /**
   * The payload. A received message's is a Buffer (an empty one for a
   * zero-length payload); a sent one's is what was passed to `publish`.
   */
  payload: Buffer | string;
  /** The QoS. */
  qos: QoS;
  /** The RETAIN flag. */
  retain: boolean;
  /** The DUP flag: set when the broker is delivering the message again. */
  dup: boolean;
  /** The packet identifier (QoS 1 and 2 only). */
  messageId?: number;
}

/** The SUBACK of a subscribe: the `packet` of the error when the broker refused a filter. */
export interface ISubackPacket extends IPacket {
  cmd: 'suback';
  /** The granted QoS of each filter, in order; 128 for a refused one. */
  granted: number[];
}

/** The UNSUBACK that completes an unsubscribe. */
export interface IUnsubackPacket extends IPacket {
  cmd: 'unsuback';
  /** The unsubscribe's packet identifier. */
  messageId?: number;
}

/**
 * The options of {@link MqttClient.end}: MQTT 5 DISCONNECT fields. MQTT 3.1.1's
 * DISCONNECT carries none, so mqtt-napi ignores them.
 */
export interface IDisconnectPacket extends IPacket {
  cmd: 'disconnect';
  /** MQTT 5 only; ignored. */
  reasonCode?: number;
  /** MQTT 5 only; ignored. */
  properties?: Record<string, unknown>;
}

/** The PUBREL that a QoS 2 publish's callback and `publishAsync` give, as MQTT.js's do. */
export interface IPubrelPacket extends IPacket {
  cmd: 'pubrel';
  /** Always 2: only QoS 2 has a PUBREL. */
  qos: 2;
  /** The publish's packet identifier. */
  messageId: number;
}

/** A CONNECT, as `packetsend` shows it (its password is left out). */
export interface IConnectPacket extends IPacket {
  cmd: 'connect';
  /** The client identifier. */
  clientId: string;
  /** 4: MQTT 3.1.1. */
  protocolVersion?: 4;
  /** The protocol name. */
  protocolId?: 'MQTT';
  /** The clean session flag. */
  clean?: boolean;
  /** The keep alive, in seconds. */
  keepalive?: number;
  /** The user name, when one is sent. */
  username?: string;
}

/** A SUBSCRIBE, as `packetsend` shows it. */
export interface ISubscribePacket extends IPacket {
  cmd: 'subscribe';
  /** The filters and the QoS asked for each. */
  subscriptions: ISubscriptionRequest[];
}

/** An UNSUBSCRIBE, as `packetsend` shows it. */
export interface IUnsubscribePacket extends IPacket {
  cmd: 'unsubscribe';
  /** The filters. */
  unsubscriptions: string[];
}

/** PUBACK, PUBREC or PUBCOMP, as `packetsend` and `packetreceive` show them. */
export interface IAckPacket extends IPacket {
  cmd: 'puback' | 'pubrec' | 'pubcomp';
  /** The packet identifier acknowledged. */
  messageId: number;
}

/** PINGREQ or PINGRESP, as `packetsend` and `packetreceive` show them. */
export interface IPingPacket extends IPacket {
  cmd: 'pingreq' | 'pingresp';
}

/** The packets handed to callbacks and events. */
export type Packet =
  | IConnectPacket
  | IConnackPacket
  | IPublishPacket
  | IAckPacket
  | IPubrelPacket
  | ISubscribePacket
  | ISubackPacket
  | IUnsubscribePacket
  | IUnsubackPacket
  | IPingPacket
  | IDisconnectPacket;

/**
 * A listener of `packetsend` and `packetreceive`.
 *
 * @param packet The packet sent or received; a PUBLISH's payload is a Buffer.
 */
export type OnPacketCallback = (packet: Packet) => void;

/**
 * An `Error` with an MQTT return code. A refused connection emits one on
 * `error`, with `code` the CONNACK return code and the message saying why:
 * `Connection refused: Unacceptable protocol version` (1), `... Identifier
 * rejected` (2), `... Server unavailable` (3), `... Bad username or
 * password` (4), `... Not authorized` (5).
 */
export declare class ErrorWithReasonCode extends Error {
  /** The return (reason) code. */
  code: number;
  /**
   * Makes the error; its `name` is `'ErrorWithReasonCode'`.
   *
   * @param message The message.
   * @param code The return (reason) code, kept as {@link ErrorWithReasonCode.code}.
   */
  constructor(message: string, code: number);
}

/**
 * Handles the `connect` event.
 *
 * @param packet The broker's CONNACK.
 */
export type OnConnectCallback = (packet: IConnackPacket) => void;
/**
 * Handles the `message` event: the topic, the payload (a Buffer; an empty one
 * for a zero-length payload) and the PUBLISH packet.
 *
 * @param topic The topic the message was published to.
 * @param payload The payload.
 * @param packet The PUBLISH packet (its `payload` is `payload`).
 */
export type OnMessageCallback = (topic: string, payload: Buffer, packet: IPublishPacket) => void;
/**
 * Handles the `error` event.
 *
 * @param error What failed; see {@link MqttClientEventCallbacks.error}.
 */
export type OnErrorCallback = (error: Error | ErrorWithReasonCode) => void;
/** Handles the `close` event. */
export type OnCloseCallback = () => void;
/** A listener without arguments (`reconnect`, `offline` and `end` events). */
export type VoidCallback = () => void;
/**
 * Completes a publish or an unsubscribe: with the error, or with no error
 * (`null`) and the packet: none for a QoS 0 publish, the PUBLISH sent for
 * QoS 1, the PUBREL for QoS 2 (as MQTT.js), the UNSUBACK for an unsubscribe.
 *
 * @param error The error, or `null` on success.
 * @param packet On success, the packet described above.
 */
export type PacketCallback = (error?: Error | ErrorWithReasonCode, packet?: Packet) => any;
/**
 * Completes a subscribe with what was granted per filter, or with `err`:
 * `Error('Invalid topic X')` for an invalid filter; for a filter the broker
 * refused, `ErrorWithReasonCode('Subscribe error: Unspecified error', 128)`
 * whose `packet` is the SUBACK, and `granted` says qos 128 for that filter
 * (MQTT.js 5 gives the requested qos there).
 *
 * @param err The error, or `null` on success.
 * @param granted What was granted per filter, in order; given on success and
 *   when the broker refused a filter.
 * @param packet Never given by mqtt-napi: a refusal's SUBACK is `err.packet`.
 */
export type ClientSubscribeCallback = (err: Error | null, granted?: ISubscriptionGrant[], packet?: ISubackPacket) => void;
/**
 * Completes `end()`.
 *
 * @param error Never given by mqtt-napi: `end()` does not fail.
 */
export type DoneCallback = (error?: Error) => void;

/** The events of {@link MqttClient} and their listeners. */
export interface MqttClientEventCallbacks {
  /**
   * Every connection the broker accepts: the first and each reconnect. With
   * `clean: false`, `sessionPresent` says whether the broker kept the session.
   */
  connect: OnConnectCallback;
  /** A message arrived on a subscribed topic. */
  message: OnMessageCallback;
  /**
   * A failure: a refused connection ({@link ErrorWithReasonCode}, `code` the
   * CONNACK return code), a failed attempt or a connection lost to an error
   * (an Error whose `code` is Node's name where one fits: `ECONNREFUSED`,
   * `ETIMEDOUT`, `ENOTFOUND`, `ECONNRESET`, ...), or an operation without a
   * callback that failed. A broker that merely closes the link causes `close`,
   * not `error`. {@link connect} installs a listener that does nothing, so an
   * `error` without a listener of yours does not throw.
   */
  error: OnErrorCallback;
  /** A connection or an attempt closed. */
  close: OnCloseCallback;
  /** `end()` finished; its callbacks run right after. */
  end: VoidCallback;
  /** A reconnect attempt starts. */
  reconnect: VoidCallback;
  /** The client went offline: a connection was lost (or a first attempt failed) and reconnecting begins. */
  offline: VoidCallback;
  /**
   * Every packet sent, in MQTT.js's shapes. The engine reports packets only
   * while a `packetsend` or `packetreceive` listener is attached, so they
   * cost nothing otherwise.
   */
  packetsend: OnPacketCallback;
  /** Every packet received; as {@link MqttClientEventCallbacks.packetsend}. */
  packetreceive: OnPacketCallback;
}

/**
 * MQTT.js's client: an EventEmitter with the events of
 * {@link MqttClientEventCallbacks} (`connect`, `message`, `error`, `close`,
 * `end`, `reconnect`, `offline`). Made by {@link connect} or
 * {@link connectAsync}.
 *
 * When the broker drops the link the events are `offline` and `close`, then
 * `reconnect` at each attempt (and `close` again if it fails) until `connect`.
 * While not connected, publishes, subscribes and unsubscribes wait and go out
 * once connected (QoS 0 publishes only with `queueQoSZero`, the default).
 * After `end()`, operations call back `Error('client disconnecting')`.
 *
 * A client keeps Node running from the time it starts connecting until
 * `end()` (or until it stops reconnecting); one made with `manualConnect`
 * and not connected yet does not.
 *
 * Events MQTT.js has and mqtt-napi does not emit (`disconnect`,
 * `outgoingEmpty`) can be listened to; their listeners are never called.
 */
export declare class MqttClient extends EventEmitter {
  /**
   * Not public: use {@link connect} or {@link connectAsync}. (MQTT.js's
   * `new MqttClient(streamBuilder, options)` is a TypeError here: mqtt-napi
   * opens its own connections.)
   */
  private constructor();

  /** mqtt-napi's version (MQTT.js gives its own there). */
  static readonly VERSION: string;

  /**
   * MQTT.js's hook for processing a message before it is acknowledged,
   * called with every message after its `message` event. Replace it on the
   * client: the QoS 1 PUBACK or QoS 2 PUBCOMP then waits for `callback()`;
   * `callback(error)` withholds it. Acknowledgements go out in the order the
   * messages came; later messages are delivered meanwhile and other traffic
   * does not wait (MQTT.js holds every later packet instead). Replace it in
   * the tick of `connect()` (or before it, with `manualConnect`): a message
   * the engine took before it learned of the replacement is acknowledged at
   * once.
   *
   * @param packet The received PUBLISH.
   * @param callback Call it once the message is processed, with an error to
   *   withhold the acknowledgement.
   */
  handleMessage(packet: IPublishPacket, callback: DoneCallback): void;

  /** `true` from an accepted CONNACK until that connection is lost or closed. */
  connected: boolean;
  /** `true` from the loss of a connection (or a failed first attempt) until a reconnect succeeds or the client ends. */
  reconnecting: boolean;
  /** `true` once `end()` has been called, until `reconnect()` or `connect()`. */
  disconnecting: boolean;
  /** `true` once `end()` has finished, until `reconnect()` or `connect()`. */
  disconnected: boolean;
  /** The options the client was made with, URL parts and defaults filled in. */
  options: IClientOptions;

  /**
   * Starts connecting: needed only with `manualConnect: true`. After `end()`
   * has finished, starts the client over.
   */
  connect(): this;

  /**
   * Publishes `message` (a string is sent as UTF-8) to `topic`. `callback`
   * runs when the publish is complete: QoS 0 once written to the socket
   * (without a packet), QoS 1 on PUBACK and QoS 2 on PUBCOMP (with the
   * PUBLISH packet and its `messageId`, or for QoS 2 the PUBREL, as
   * MQTT.js); or with an error. Made while not
   * connected, the publish waits (see {@link IClientOptions.queueQoSZero}).
   * A topic that is not a string, a payload that is neither a string nor a
   * Buffer (nor null or undefined), or a qos outside 0..2 throws.
   *
   * @param topic The topic (no wildcards).
   * @param message The payload: a string (sent as UTF-8) or a Buffer; `null`
   *   and `undefined` (from JavaScript) send an empty payload, as in MQTT.js.
   * @param opts QoS, RETAIN and DUP; see {@link IClientPublishOptions}. A
   *   function in its place is taken as `callback`.
   * @param callback See {@link PacketCallback}. Without one, an error goes
   *   to the `error` event.
   */
  publish(topic: string, message: string | Buffer): this;
  publish(topic: string, message: string | Buffer, callback?: PacketCallback): this;
  publish(topic: string, message: string | Buffer, opts?: IClientPublishOptions, callback?: PacketCallback): this;

  /**
   * {@link publish} as a Promise: resolves `undefined` for QoS 0, the
   * PUBLISH packet for QoS 1 and the PUBREL for QoS 2; rejects with the error.
   *
   * @param topic As for {@link publish}.
   * @param message As for {@link publish}.
   * @param opts As for {@link publish}.
   */
  publishAsync(topic: string, message: string | Buffer): Promise<Packet | undefined>;
  publishAsync(topic: string, message: string | Buffer, opts?: IClientPublishOptions): Promise<Packet | undefined>;

  /**
   * Subscribes to a topic filter (wildcards `+` and `#` allowed), several
   * filters (each with `opts.qos`, default 0), or an {@link ISubscriptionMap}.
   * `callback` runs on SUBACK with what was granted; a filter the broker
   * refused (QoS 128) makes it an error (see {@link ClientSubscribeCallback});
   * an invalid filter calls back `Error('Invalid topic X')`.
   *
   * @param topicObject A topic filter, an array of filters, or an
   *   {@link ISubscriptionMap} (a filter's own `qos` there wins over
   *   `opts.qos`).
   * @param opts The QoS of every filter that has none of its own (default
   *   0). A function in its place is taken as `callback`.
   * @param callback See {@link ClientSubscribeCallback}. Without one, an
   *   error goes to the `error` event.
   */
  subscribe(topicObject: string | string[] | ISubscriptionMap): this;
  subscribe(topicObject: string | string[] | ISubscriptionMap, callback?: ClientSubscribeCallback): this;
  subscribe(topicObject: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions): this;
  subscribe(topicObject: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions, callback?: ClientSubscribeCallback): this;

  /**
   * {@link subscribe} as a Promise of what was granted; rejects if the broker refused a filter.
   *
   * @param topicObject As for {@link subscribe}.
   * @param opts As for {@link subscribe}.
   */
  subscribeAsync(topicObject: string | string[] | ISubscriptionMap): Promise<ISubscriptionGrant[]>;
  subscribeAsync(topicObject: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions): Promise<ISubscriptionGrant[]>;

  /**
   * Unsubscribes from one or several topic filters; `callback` runs on
   * UNSUBACK with that packet. `opts` (MQTT 5 properties) is ignored.
   *
   * @param topic A topic filter or an array of them (anything else throws a
   *   TypeError).
   * @param opts MQTT 5 properties; ignored. A function in its place is
   *   taken as `callback`.
   * @param callback See {@link PacketCallback}. Without one, an error goes
   *   to the `error` event.
   */
  unsubscribe(topic: string | string[]): this;
  unsubscribe(topic: string | string[], opts?: { properties?: Record<string, unknown> }): this;
  unsubscribe(topic: string | string[], callback?: PacketCallback): this;
  unsubscribe(topic: string | string[], opts?: { properties?: Record<string, unknown> }, callback?: PacketCallback): this;

  /**
   * {@link unsubscribe} as a Promise of the UNSUBACK packet.
   *
   * @param topic As for {@link unsubscribe}.
   * @param opts As for {@link unsubscribe}: ignored.
   */
  unsubscribeAsync(topic: string | string[]): Promise<Packet | undefined>;
  unsubscribeAsync(topic: string | string[], opts?: { properties?: Record<string, unknown> }): Promise<Packet | undefined>;

  /**
   * Closes the client for good (no more reconnects). Without `force`, the
   * operations in flight on a live connection are acknowledged first, then
   * DISCONNECT goes out; with `force` the connection closes at once without
   * DISCONNECT, so the broker publishes the will. The `end` event and then
   * `cb` follow. Called again while ending, it only adds `cb`. `opts` (MQTT 5
   * DISCONNECT fields) is ignored.
   *
   * @param force Close at once, without DISCONNECT (default false).
   * @param opts MQTT 5 DISCONNECT fields; ignored.
   * @param cb Runs after the `end` event (at once when the client has
   *   already ended).
   */
  end(cb?: DoneCallback): this;
  end(force?: boolean): this;
  end(opts?: Partial<IDisconnectPacket>, cb?: DoneCallback): this;
  end(force?: boolean, cb?: DoneCallback): this;
  end(force?: boolean, opts?: Partial<IDisconnectPacket>, cb?: DoneCallback): this;

  /**
   * {@link end} as a Promise.
   *
   * @param force As for {@link end}.
   * @param opts As for {@link end}: ignored.
   */
  endAsync(): Promise<void>;
  endAsync(force?: boolean): Promise<void>;
  endAsync(opts?: Partial<IDisconnectPacket>): Promise<void>;
  endAsync(force?: boolean, opts?: Partial<IDisconnectPacket>): Promise<void>;

  /**
   * Connects again with the same options, emitting `reconnect`: at once when
   * not connected (after `end()` too: the client starts over; during an
   * `end()` under way, once it finishes); when connected, after ending the
   * current connection.
   */
  reconnect(): this;

  /**
   * The packet identifier of the most recently acknowledged QoS 1/2 publish,
   * subscribe or unsubscribe; `undefined` before the first. (MQTT.js declares
   * `number`.)
   */
  getLastMessageId(): number | undefined;

  /**
   * @deprecated Not supported by mqtt-napi, whose native engine owns the
   * outgoing queue: it throws an Error. Declared so that MQTT.js code calling
   * it compiles.
   *
   * @param messageId Not used: the call throws.
   */
  removeOutgoingMessage(messageId: number): this;

  /**
   * Adds `listener` for `event`. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener Called with the event's arguments.
   */
  on<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  on<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * Adds `listener` for the next `event` only. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener Called with the event's arguments, then removed.
   */
  once<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  once<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * The same as {@link on}. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener Called with the event's arguments.
   */
  addListener<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  addListener<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * Adds `listener` for `event`, before the listeners already there. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener Called with the event's arguments.
   */
  prependListener<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  prependListener<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * Adds `listener` for the next `event` only, before the listeners already there. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener Called with the event's arguments, then removed.
   */
  prependOnceListener<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  prependOnceListener<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * Removes `listener` from `event`. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener The listener to remove.
   */
  off<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  off<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * The same as {@link off}. The events of {@link MqttClientEventCallbacks} are typed;
   * any other name is accepted, as EventEmitter accepts it.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param listener The listener to remove.
   */
  removeListener<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  removeListener<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, listener: (...args: any[]) => void): this;
  /**
   * Calls the listeners of `event` with `args`, as EventEmitter does;
   * returns whether it had any. The events of
   * {@link MqttClientEventCallbacks} are typed.
   *
   * @typeParam E The event's name.
   * @param event The event's name.
   * @param args The arguments the listeners are called with.
   */
  emit<E extends keyof MqttClientEventCallbacks>(event: E, ...args: Parameters<MqttClientEventCallbacks[E]>): boolean;
  emit<E extends string | symbol>(event: E extends keyof MqttClientEventCallbacks ? never : E, ...args: any[]): boolean;
}

/** What MQTT.js asks of a message id provider. */
export interface IMessageIdProvider {
  /** The next packet identifier, or null when none is free. */
  allocate(): number | null;
  /** The identifier `allocate` returned last, null before the first. */
  getLastAllocated(): number | null;
  /**
   * Marks `num` as in use; false if it already was.
   *
   * @param num A packet identifier, 1 to 65535.
   */
  register(num: number): boolean;
  /**
   * Marks `num` as free again.
   *
   * @param num A packet identifier, 1 to 65535.
   */
  deallocate(num: number): void;
  /** Frees every identifier. */
  clear(): void;
}

/**
 * MQTT.js's default provider: identifiers in turn from a random start. For
 * {@link IClientOptions.messageIdProvider}, where the engine's own choice
 * stands in for it.
 */
export declare class DefaultMessageIdProvider implements IMessageIdProvider {
  /** A provider starting at a random identifier. */
  constructor();
  /** The next identifier, 1 after 65535. */
  allocate(): number;
  /** The identifier `allocate` returned last, null before the first. */
  getLastAllocated(): number | null;
  /**
   * Always true: this provider does not track identifiers.
   *
   * @param num A packet identifier, 1 to 65535.
   */
  register(num: number): boolean;
  /**
   * Does nothing: this provider does not track identifiers.
   *
   * @param num A packet identifier, 1 to 65535.
   */
  deallocate(num: number): void;
  /** Does nothing. */
  clear(): void;
}

/**
 * MQTT.js's provider that never hands out an identifier in use: what
 * mqtt-napi's engine always does. For {@link IClientOptions.messageIdProvider}.
 */
export declare class UniqueMessageIdProvider implements IMessageIdProvider {
  /** A provider with every identifier free. */
  constructor();
  /** The lowest free identifier, or null when all 65535 are in use. */
  allocate(): number | null;
  /** The identifier `allocate` returned last, null before the first. */
  getLastAllocated(): number | null;
  /**
   * Marks `num` as in use; false if it already was.
   *
   * @param num A packet identifier, 1 to 65535.
   */
  register(num: number): boolean;
  /**
   * Marks `num` as free again.
   *
   * @param num A packet identifier, 1 to 65535.
   */
  deallocate(num: number): void;
  /** Frees every identifier. */
  clear(): void;
}

/** The same class as {@link MqttClient} (MQTT.js's older name). */
export declare const Client: typeof MqttClient;
/** The same type as {@link MqttClient}. */
export type Client = MqttClient;

/**
 * Makes a client and starts connecting (unless `manualConnect`). The client
 * reconnects by itself, the first attempt included, until `end()`; listen to
 * `connect`, `message` and `error`.
 *
 * @param brokerUrl e.g. `'mqtt://broker:1883'`, `'mqtts://user:pass@broker'`,
 *   `'wss://broker/mqtt'`, `'mqtt+unix:///run/mosquitto.sock'`. Its parts fill
 *   the options not given in `opts`. Without a scheme: throws `Missing protocol`.
 * @param opts See {@link IClientOptions}. An invalid option throws a
 *   TypeError or RangeError naming it.
 */
export declare function connect(brokerUrl: string): MqttClient;
export declare function connect(opts: IClientOptions): MqttClient;
export declare function connect(brokerUrl: string, opts?: IClientOptions): MqttClient;

/**
 * {@link connect} as a Promise: resolves with the client on its first
 * `connect` event (or `end`, if it ends first); on its first `error` it ends
 * the client and rejects with that error.
 *
 * @param brokerUrl As for {@link connect}.
 * @param opts As for {@link connect}.
 * @param allowRetries `true` (the default): while the promise waits, a
 *   connection closed before its CONNACK is followed by reconnects as usual.
 *   `false`: the first `close` before a `connect` also ends the client and
 *   rejects with `Error("Couldn't connect to server")`.
 */
export declare function connectAsync(brokerUrl: string): Promise<MqttClient>;
export declare function connectAsync(opts: IClientOptions): Promise<MqttClient>;
export declare function connectAsync(brokerUrl: string, opts?: IClientOptions): Promise<MqttClient>;
export declare function connectAsync(brokerUrl: string, opts: IClientOptions, allowRetries: boolean): Promise<MqttClient>;
