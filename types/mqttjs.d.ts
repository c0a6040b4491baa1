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

/**
 * MQTT 5 user properties: name-value pairs of the application's own, carried
 * by a packet (a PUBLISH's go on to its subscribers). A name may repeat: an
 * array holds its values in order. In a received packet a name that came
 * once has a string, one that came several times an array.
 */
export type UserProperties = { [index: string]: string | string[] };

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
   * {@link username}: there a password alone is a TypeError. MQTT 5
   * ({@link protocolVersion} 5) allows it alone.
   */
  password?: string | Buffer;
  /**
   * The last will: published by the broker when this client vanishes without
   * DISCONNECT (or, in MQTT 5, ends with `end(false, { reasonCode: 4 })`).
   */
  will?: {
    /** Topic of the will message (no wildcards). */
    topic: string;
    /** The will message (a string is sent as UTF-8). */
    payload: string | Buffer;
    /** Its QoS (default 0). */
    qos?: QoS;
    /** Whether the broker retains it (default `false`). */
    retain?: boolean;
    /**
     * MQTT 5: the will's properties. At {@link IClientOptions.protocolVersion}
     * 4 they are **ignored, with a warning**. A wrong type throws a
     * TypeError, a number out of range a RangeError.
     */
    properties?: {
      /**
       * Seconds the broker waits after the connection is lost before it
       * publishes the will (default 0: at once); a reconnect within them
       * cancels it. The will goes out when the session ends, if earlier.
       */
      willDelayInterval?: number;
      /** `true`: the payload is UTF-8 text; `false` (the default): unspecified bytes. */
      payloadFormatIndicator?: boolean;
      /** Seconds the will message lives in the broker before it is dropped undelivered (default: no expiry). */
      messageExpiryInterval?: number;
      /** The payload's content type, e.g. a MIME type (`'application/json'`). */
      contentType?: string;
      /** The topic a receiver of the will should reply to (request/response). */
      responseTopic?: string;
      /** Data that ties a reply to this message (request/response). */
      correlationData?: Buffer;
      /** User properties of the will message, passed on to its subscribers. */
      userProperties?: UserProperties;
    };
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
   * The MQTT protocol level (default 4): 4 is MQTT 3.1.1, 5 is MQTT 5, which
   * adds {@link properties} (and those of the will, publishes, subscribes,
   * unsubscribes and `end()`), reason codes in acknowledgements and errors,
   * subscription options (`nl`, `rap`, `rh`), topic aliases, the
   * `disconnect` event and enhanced authentication ({@link authPacket},
   * {@link MqttClient.handleAuth}).
   *
   * **mqtt-napi refuses 3** (MQTT 3.1), which MQTT.js accepts: it is a
   * RangeError, as is any other value.
   */
  protocolVersion?: 4 | 5;
  /**
   * The protocol name in CONNECT (default `'MQTT'`). **mqtt-napi accepts only
   * `'MQTT'`**: `'MQIsdp'` (MQTT 3.1) is a RangeError.
   */
  protocolId?: 'MQTT' | 'MQIsdp';
  /**
   * After the broker refuses the connection (a CONNACK return code 1 to 5 in
   * MQTT 3.1.1, a reason code of 128 or more in MQTT 5), keep reconnecting
   * (default `false`: the refusal is emitted as an `error` and reconnecting
   * stops).
   */
  reconnectOnConnackError?: boolean;

  /**
   * MQTT 5: the CONNECT packet's properties; the broker's answer is in the
   * CONNACK (`connect` event) and {@link MqttClient.serverProperties}. At
   * {@link protocolVersion} 4 they are **ignored, with a warning**. A wrong
   * type throws a TypeError, a number out of range a RangeError.
   */
  properties?: {
    /**
     * Seconds the broker keeps the session (subscriptions, queued messages)
     * after the connection closes (default 0: the session ends with the
     * connection; 4294967295: it never expires). With `clean: false` and
     * no interval, MQTT 5 keeps nothing across connections.
     */
    sessionExpiryInterval?: number;
    /**
     * The most QoS 1 and 2 messages the broker may send this client without
     * their acknowledgement, 1 to 65535 (default 65535). The client holds the
     * broker to it: one more ends the connection (reason code 0x93).
     */
    receiveMaximum?: number;
    /**
     * The largest packet the broker may send this client, in bytes (default:
     * no limit but MQTT's). Together with
     * {@link IClientOptions.maxIncomingPacketBytes}, the smaller one holds; a
     * larger packet ends the connection (reason code 0x95).
     */
    maximumPacketSize?: number;
    /**
     * The most topic aliases the broker may set on messages to this client,
     * 0 to 65535 (default 0: none). The client resolves them: a message's
     * `topic` is always the whole topic.
     */
    topicAliasMaximum?: number;
    /** Ask the broker for Response Information (the CONNACK's `responseInformation`) (default `false`). */
    requestResponseInformation?: boolean;
    /**
     * Let the broker send a Reason String and user properties in any packet
     * (default `true`); with `false`, only in PUBLISH, CONNACK and DISCONNECT.
     */
    requestProblemInformation?: boolean;
    /** User properties of the CONNECT. */
    userProperties?: UserProperties;
    /**
     * The enhanced authentication method (e.g. `'SCRAM-SHA-256'`): the
     * broker may then challenge the client with AUTH packets, answered by
     * {@link MqttClient.handleAuth}. Needed by {@link IClientOptions.authPacket}.
     */
    authenticationMethod?: string;
    /** The first data of the `authenticationMethod`, sent in CONNECT. */
    authenticationData?: Buffer;
  };
  /**
   * MQTT 5: an AUTH packet sent right after each CONNECT, for brokers whose
   * enhanced authentication expects one: `reasonCode` (default 0) and
   * `properties` (`authenticationMethod`, `authenticationData`,
   * `reasonString`, `userProperties`). Needs
   * `properties.authenticationMethod`, else {@link connect} throws. At
   * {@link protocolVersion} 4 it is **ignored, with a warning**.
   */
  authPacket?: Partial<IAuthPacket>;
  /**
   * MQTT 5: once a topic has a topic alias on the connection (given by a
   * publish's `properties.topicAlias`), later publishes to that topic
   * without one use the alias and send an empty topic (default `false`).
   * Aliases start over on every connection.
   */
  autoUseTopicAlias?: boolean;
  /**
   * MQTT 5: give every published topic a topic alias, as many as the
   * broker's `topicAliasMaximum` allows, the least recently used one handed
   * on when all are taken (default `false`); the first publish of a topic
   * carries it with its alias, later ones the alias alone. Aliases start
   * over on every connection; with a broker that takes none, topics go
   * out whole.
   */
  autoAssignTopicAlias?: boolean;

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
   * Decides the reason code of each QoS 1 PUBACK and QoS 2 PUBREC (MQTT 5;
   * in MQTT 3.1.1 the acknowledgement says nothing more, but the choice
   * still decides delivery). `cb(null, 0)` delivers the message (`message`,
   * then {@link MqttClient.handleMessage}); another code MQTT.js allows (16,
   * 128, 131, 135, 144, 145, 151, 153) refuses it undelivered; an Error, or
   * any other code, is emitted as `error` and nothing is acknowledged.
   * A QoS 2 message accepted is delivered at once and completed when the
   * broker releases it (MQTT.js delivers it on PUBREL).
   *
   * @param topic The received message's topic.
   * @param message Its payload.
   * @param packet Its PUBLISH packet.
   * @param cb Called with an Error, or `null` and the reason code (or the code alone).
   */
  customHandleAcks?: (topic: string, message: Buffer, packet: any, cb: (error: Error | number | null, code?: number) => void) => void;
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
  /**
   * MQTT 5: the PUBLISH's properties; see {@link IPublishPacket.properties}
   * for each. At protocolVersion 4, ignored. A wrong type throws a
   * TypeError, a number out of range a RangeError; a property a client's
   * PUBLISH may not carry (`subscriptionIdentifier`) or a `topicAlias`
   * beyond the broker's maximum fails the publish (its callback's error).
   */
  properties?: IPublishPacket['properties'];
}

/** The MQTT 5 part of the options of {@link MqttClient.subscribe}: the SUBSCRIBE's properties. */
export interface IClientSubscribeProperties {
  /**
   * MQTT 5: the SUBSCRIBE's properties, for every filter of the call (in an
   * {@link ISubscriptionMap} value they are not read: pass them in `opts`,
   * as in MQTT.js). At protocolVersion 4, ignored. A wrong type throws a
   * TypeError, a number out of range a RangeError.
   */
  properties?: {
    /**
     * A number from 1 to 268435455 that the broker puts in the
     * `subscriptionIdentifier` property of every message it delivers
     * through these subscriptions. A broker whose CONNACK says
     * `subscriptionIdentifiersAvailable: false` does not take it: the
     * subscribe fails.
     */
    subscriptionIdentifier?: number;
    /** User properties of the SUBSCRIBE. */
    userProperties?: UserProperties;
  };
}

/**
 * The options of {@link MqttClient.subscribe}, and each value of an
 * {@link ISubscriptionMap}. `nl`, `rap` and `rh` are MQTT 5 subscription
 * options: at protocolVersion 4 they are ignored.
 */
export interface IClientSubscribeOptions extends IClientSubscribeProperties {
  /** The QoS asked for. */
  qos: QoS;
  /**
   * MQTT 5 No Local: do not deliver this client's own publishes back to it
   * (default `false`). Not allowed on a shared subscription (`$share/...`).
   */
  nl?: boolean;
  /**
   * MQTT 5 Retain As Published: deliver messages with the RETAIN flag they
   * were published with (default `false`: the broker clears it, except on
   * retained messages sent for the subscription).
   */
  rap?: boolean;
  /**
   * MQTT 5 Retain Handling (default 0): 0 sends the retained messages at
   * every subscribe, 1 only when the subscription is new, 2 never. Another
   * value throws a RangeError.
   */
  rh?: number;
}

/** The options of {@link MqttClient.unsubscribe}: the UNSUBSCRIBE's MQTT 5 properties. */
export interface IClientUnsubscribeProperties {
  /**
   * MQTT 5: the UNSUBSCRIBE's properties. At protocolVersion 4, ignored. A
   * wrong type throws a TypeError.
   */
  properties?: {
    /** User properties of the UNSUBSCRIBE. */
    userProperties?: UserProperties;
  };
}

/**
 * Topic filters as keys, their options as values:
 * `{ 'a/+': { qos: 1 }, 'b/#': { qos: 0, nl: true } }`.
 */
export type ISubscriptionMap = {
  [topic: string]: IClientSubscribeOptions;
};

/** One topic filter and what was asked for it. */
export interface ISubscriptionRequest extends IClientSubscribeOptions {
  /** The topic filter. */
  topic: string;
}

/**
 * What the broker granted for one topic filter: the filter and, in MQTT 5,
 * its `nl`, `rap` and `rh` as asked.
 */
export interface ISubscriptionGrant extends Omit<ISubscriptionRequest, 'qos' | 'properties'> {
  /**
   * The granted QoS, or 128 when the broker refused the filter (MQTT
   * 3.1.1). In MQTT 5 the granted QoS (the reason code of the SUBACK),
   * except that when the broker refused any filter of the call, every
   * filter's is the QoS asked for, as in MQTT.js: the refusal shows in the
   * SUBACK (the callback's error and third argument).
   */
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

/** An AUTH packet (MQTT 5 enhanced authentication): see {@link MqttClient.handleAuth}. */
export interface IAuthPacket extends IPacket {
  cmd: 'auth';
  /**
   * 0x18 (24, Continue authentication) from the broker, and in the reply
   * to it; 0 in an {@link IClientOptions.authPacket} (its default).
   */
  reasonCode: number;
  /** The AUTH's properties. */
  properties?: {
    /** The authentication method: the one of the CONNECT (`properties.authenticationMethod`). */
    authenticationMethod?: string;
    /** The method's data: the challenge, or the answer to it. */
    authenticationData?: Buffer;
    /** A human-readable note. */
    reasonString?: string;
    /** User properties of the AUTH. */
    userProperties?: UserProperties;
  };
}

/** The CONNACK of an accepted connection, as the `connect` event carries it. */
export interface IConnackPacket extends IPacket {
  cmd: 'connack';
  /** MQTT 3.1.1: the CONNACK return code, 0 (accepted) in a `connect` event. Absent in MQTT 5. */
  returnCode?: number;
  /** MQTT 5: the CONNACK reason code, 0 (success) in a `connect` event. Absent in MQTT 3.1.1. */
  reasonCode?: number;
  /** Whether the broker resumed a stored session (only possible with `clean: false`). */
  sessionPresent: boolean;
  /**
   * MQTT 5: the CONNACK's properties, when it has any: what the broker
   * allows this connection. A property left out means MQTT 5's default
   * (noted on each). Also kept as {@link MqttClient.serverProperties}.
   */
  properties?: {
    /** The session expiry interval in force, in seconds, when the broker changed the one asked for. */
    sessionExpiryInterval?: number;
    /**
     * The most QoS 1 and 2 publishes the client may have unacknowledged
     * (default 65535): mqtt-napi holds further ones back until an
     * acknowledgement comes.
     */
    receiveMaximum?: number;
    /**
     * The highest QoS the broker takes, 0 or 1 (default 2): mqtt-napi fails
     * a publish above it (MQTT.js sends it anyway).
     */
    maximumQoS?: number;
    /**
     * Whether the broker takes retained messages (default `true`); when
     * `false`, mqtt-napi fails a retained publish (MQTT.js sends it anyway).
     */
    retainAvailable?: boolean;
    /**
     * The largest packet the broker takes, in bytes (default: no limit but
     * MQTT's); mqtt-napi fails a larger publish, subscribe or unsubscribe
     * (MQTT.js sends it anyway).
     */
    maximumPacketSize?: number;
    /** The client identifier the broker assigned, when the CONNECT's was empty; the next CONNECT uses it. */
    assignedClientIdentifier?: string;
    /** The most topic aliases the client may use (default 0: none). */
    topicAliasMaximum?: number;
    /** A human-readable note. */
    reasonString?: string;
    /** User properties of the CONNACK. */
    userProperties?: UserProperties;
    /** Whether the broker takes wildcard filters (default `true`); when `false`, a subscribe to one fails. */
    wildcardSubscriptionAvailable?: boolean;
    /** Whether the broker takes a SUBSCRIBE's `subscriptionIdentifier` (default `true`); when `false`, a subscribe with one fails. */
    subscriptionIdentifiersAvailable?: boolean;
    /** Whether the broker takes shared subscriptions, `$share/...` (default `true`); when `false`, a subscribe to one fails. */
    sharedSubscriptionAvailable?: boolean;
    /** The keep alive in seconds the broker chose; it replaces {@link IClientOptions.keepalive} for the connection. */
    serverKeepAlive?: number;
    /** Response Information, when {@link IClientOptions.properties} `requestResponseInformation` asked for it. */
    responseInformation?: string;
    /** Another broker to use, temporarily or for good. */
    serverReference?: string;
    /** The enhanced authentication method, when the CONNECT named one. */
    authenticationMethod?: string;
    /** The method's last data. */
    authenticationData?: Buffer;
  };
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
  /**
   * MQTT 5: the PUBLISH's properties, when it has any: those the broker
   * delivered with a received message, those given to `publish` in a sent
   * one. Also the `properties` of {@link IClientPublishOptions}.
   */
  properties?: {
    /** `true`: the payload is UTF-8 text; `false` (the default): unspecified bytes. */
    payloadFormatIndicator?: boolean;
    /**
     * Seconds the message lives in the broker before it is dropped
     * undelivered (default: no expiry); a received message has what was
     * left of it.
     */
    messageExpiryInterval?: number;
    /**
     * A number from 1 to the broker's `topicAliasMaximum` standing for the
     * topic on this connection: a publish with a topic and an alias binds
     * them, a later one with the alias and an empty topic `''` uses it (see
     * also {@link IClientOptions.autoUseTopicAlias} and
     * {@link IClientOptions.autoAssignTopicAlias}). An alias out of range,
     * or an empty topic with an alias bound to nothing, fails the publish
     * at any QoS (`Sending Topic Alias out of range`; MQTT.js never calls a
     * QoS 1 or 2 one back). In a received message, the broker's alias: its
     * `topic` is the whole topic all the same (MQTT.js leaves it empty).
     */
    topicAlias?: number;
    /** The topic a receiver should reply to (request/response). */
    responseTopic?: string;
    /** Data that ties a reply to its request (request/response). */
    correlationData?: Buffer;
    /** User properties of the message, passed on to its subscribers. */
    userProperties?: UserProperties;
    /**
     * In a received message, the `subscriptionIdentifier` of each
     * subscription it matched (one number, or an array of several).
     * MQTT 5 forbids it in a client's PUBLISH: **mqtt-napi fails such a
     * publish** (MQTT.js sends it).
     */
    subscriptionIdentifier?: number | number[];
    /** The payload's content type, e.g. a MIME type (`'application/json'`). */
    contentType?: string;
  };
}

/**
 * The SUBACK of a subscribe: the third argument of its callback, and the
 * `packet` of the {@link ErrorWithSubackPacket} when the broker refused a filter.
 */
export interface ISubackPacket extends IPacket {
  cmd: 'suback';
  /**
   * The code of each filter, in order: the granted QoS (0 to 2), or 128
   * (MQTT 3.1.1) / an MQTT 5 reason code of 128 or more for a refused one.
   */
  granted: number[];
  /** MQTT 5: the SUBACK's properties, when it has any. */
  properties?: {
    /** A human-readable note, e.g. why a filter was refused. */
    reasonString?: string;
    /** User properties of the SUBACK. */
    userProperties?: UserProperties;
  };
}

/** The UNSUBACK that completes an unsubscribe. */
export interface IUnsubackPacket extends IPacket {
  cmd: 'unsuback';
  /** The unsubscribe's packet identifier. */
  messageId?: number;
  /**
   * MQTT 5 only (MQTT.js declares it always present): the reason code of
   * each filter, in order: 0 success, 17 (0x11) No subscription existed,
   * 128 or more refused. None of them makes the unsubscribe an error.
   */
  granted?: number[];
  /** MQTT 5: the UNSUBACK's properties, when it has any. */
  properties?: {
    /** A human-readable note. */
    reasonString?: string;
    /** User properties of the UNSUBACK. */
    userProperties?: UserProperties;
  };
}

/**
 * An MQTT 5 DISCONNECT: the broker's, as the `disconnect` event carries it,
 * and the options of {@link MqttClient.end}, which sends one (MQTT 3.1.1's
 * DISCONNECT carries neither field: there `end()` ignores them).
 */
export interface IDisconnectPacket extends IPacket {
  cmd: 'disconnect';
  /**
   * The reason code (default 0, Normal disconnection). From the broker, why
   * it ends the connection (e.g. 0x8B Server shutting down, 0x8E Session
   * taken over); from `end()`, 0 or e.g. 4 (Disconnect with Will Message:
   * the broker publishes the will anyway). 0 to 255, else `end()` throws a
   * RangeError.
   */
  reasonCode?: number;
  /** The DISCONNECT's properties. */
  properties?: {
    /**
     * From `end()`: a new session expiry interval in seconds. Allowed only
     * when the CONNECT set one above 0 (`properties.sessionExpiryInterval`):
     * otherwise `end()` throws a TypeError.
     */
    sessionExpiryInterval?: number;
    /** A human-readable note. */
    reasonString?: string;
    /** User properties of the DISCONNECT. */
    userProperties?: UserProperties;
    /** From the broker: another broker to use (reason codes 0x9C Use another server, 0x9D Server moved). */
    serverReference?: string;
  };
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
  /** The protocol level: 4 (MQTT 3.1.1) or 5 (MQTT 5). */
  protocolVersion?: 4 | 5;
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
  /** The filters and what was asked for each. */
  subscriptions: ISubscriptionRequest[];
}

/** An UNSUBSCRIBE, as `packetsend` shows it. */
export interface IUnsubscribePacket extends IPacket {
  cmd: 'unsubscribe';
  /** The filters. */
  unsubscriptions: string[];
}

/**
 * PUBACK, PUBREC or PUBCOMP, as `packetsend` and `packetreceive` show them;
 * in MQTT 5 also the second argument of a publish's callback when the
 * broker refused the message (MQTT.js's `IPubackPacket`, `IPubrecPacket`
 * and `IPubcompPacket` in one).
 */
export interface IAckPacket extends IPacket {
  cmd: 'puback' | 'pubrec' | 'pubcomp';
  /** The packet identifier acknowledged. */
  messageId: number;
  /**
   * MQTT 5: the reason code: 0 success, 16 (0x10) No matching subscribers,
   * 128 or more refused (e.g. 135, Not authorized).
   */
  reasonCode?: number;
  /** MQTT 5: the acknowledgement's properties, when it has any. */
  properties?: {
    /** A human-readable note, e.g. why the message was refused. */
    reasonString?: string;
    /** User properties of the acknowledgement. */
    userProperties?: UserProperties;
  };
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
  | IDisconnectPacket
  | IAuthPacket;

/**
 * A listener of `packetsend` and `packetreceive`.
 *
 * @param packet The packet sent or received; a PUBLISH's payload is a Buffer.
 */
export type OnPacketCallback = (packet: Packet) => void;

/**
 * An `Error` with an MQTT return or reason code, as MQTT.js's:
 *
 * - a refused connection (on `error`): `code` the CONNACK return code and
 *   the message saying why: `Connection refused: Unacceptable protocol
 *   version` (1), `... Identifier rejected` (2), `... Server unavailable`
 *   (3), `... Bad username or password` (4), `... Not authorized` (5); in
 *   MQTT 5 the reason code, e.g. `Connection refused: Not authorized` (135)
 *   or `... Bad User Name or Password` (134);
 * - MQTT 5: a publish the broker refused (to its callback, with the
 *   PUBACK or PUBREC as the second argument): `Publish error: <reason>`,
 *   e.g. `Publish error: Not authorized` (135);
 * - MQTT 5: a connection the client ended because the broker broke the
 *   protocol (on `error`): `code` the reason code of the client's
 *   DISCONNECT, e.g. 0x95 (149) for a packet over
 *   `properties.maximumPacketSize`, 0x94 (148) for a bad topic alias.
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
 * The error of a subscribe the broker refused (a SUBACK code of 128 or more
 * for any filter of the call), as MQTT.js's: `Subscribe error: <reason>`,
 * e.g. `Subscribe error: Unspecified error` (128) or, in MQTT 5,
 * `Subscribe error: Not authorized` (135). It has no `code`: each filter's
 * is in `packet.granted`. The filters the broker granted in the same call
 * are in effect all the same.
 */
export declare class ErrorWithSubackPacket extends Error {
  /** The SUBACK: `granted` holds the code of each filter, in order. */
  packet: ISubackPacket;
  /**
   * Makes the error; its `name` is `'ErrorWithSubackPacket'`.
   *
   * @param message The message.
   * @param packet The SUBACK, kept as {@link ErrorWithSubackPacket.packet}.
   */
  constructor(message: string, packet: ISubackPacket);
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
 * QoS 1, the PUBREL for QoS 2 (as MQTT.js), the UNSUBACK
 * ({@link IUnsubackPacket}) for an unsubscribe. In MQTT 5 a PUBACK or
 * PUBREC with a reason code of 128 or more fails the publish: the error is
 * an {@link ErrorWithReasonCode} and the packet that acknowledgement
 * ({@link IAckPacket}, with its `reasonCode` and `properties`).
 *
 * @param error The error, or `null` on success.
 * @param packet On success, the packet described above; for a publish the
 *   broker refused, its acknowledgement.
 */
export type PacketCallback = (error?: Error | ErrorWithReasonCode, packet?: Packet) => any;
/**
 * Completes a subscribe: with `null`, what was granted per filter and the
 * SUBACK; or with `err`: `Error('Invalid topic X')` for an invalid filter,
 * an {@link ErrorWithSubackPacket} when the broker refused a filter (with
 * `granted` and the SUBACK still given), or another Error for a subscribe
 * that could not be made.
 *
 * After a refusal `granted` says qos 128 for the refused filter in MQTT
 * 3.1.1 (MQTT.js gives the requested qos there); in MQTT 5 every filter's
 * is the qos asked for, as in MQTT.js (see {@link ISubscriptionGrant.qos}).
 *
 * @param err The error, or `null` on success.
 * @param granted What was granted per filter, in order; given on success
 *   and when the broker refused a filter.
 * @param packet The SUBACK, whenever one came (`err.packet` too after a
 *   refusal); none when every filter was already subscribed at that QoS.
 */
export type ClientSubscribeCallback = (err: Error | null, granted?: ISubscriptionGrant[], packet?: ISubackPacket) => void;
/**
 * Handles the `disconnect` event (MQTT 5).
 *
 * @param packet The broker's DISCONNECT: why it ends the connection.
 */
export type OnDisconnectCallback = (packet: IDisconnectPacket) => void;
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
   * CONNACK return or reason code), a failed attempt or a connection lost to
   * an error (an Error whose `code` is Node's name where one fits:
   * `ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`, `ECONNRESET`, ...), in MQTT 5
   * a connection the client ended because the broker broke the protocol
   * ({@link ErrorWithReasonCode}, `code` the reason code it ended with), an
   * error passed to {@link MqttClient.handleAuth}'s callback, or an
   * operation without a callback that failed. A broker that merely closes
   * the link causes `close`, and one that sends DISCONNECT (MQTT 5)
   * `disconnect`, not `error`. {@link connect} installs a listener that does
   * nothing, so an `error` without a listener of yours does not throw.
   */
  error: OnErrorCallback;
  /**
   * MQTT 5: the broker ended the connection with a DISCONNECT, which says
   * why (`reasonCode`, `properties.reasonString`, and where to go instead
   * in `properties.serverReference`). `offline` and `close` follow, then
   * reconnecting as for any lost connection.
   */
  disconnect: OnDisconnectCallback;
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
   * cost nothing otherwise. They show MQTT 3.1.1's fields only: no MQTT 5
   * properties, reason codes or subscription options.
   */
  packetsend: OnPacketCallback;
  /** Every packet received; as {@link MqttClientEventCallbacks.packetsend}. */
  packetreceive: OnPacketCallback;
}

/**
 * MQTT.js's client: an EventEmitter with the events of
 * {@link MqttClientEventCallbacks} (`connect`, `message`, `error`, `close`,
 * `end`, `reconnect`, `offline`, `disconnect`). Made by {@link connect} or
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
 * An event MQTT.js has and mqtt-napi does not emit (`outgoingEmpty`) can be
 * listened to; its listeners are never called.
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

  /**
   * MQTT.js's hook for MQTT 5 enhanced authentication, called with each AUTH
   * challenge of the broker (reason code 0x18, Continue authentication)
   * when the CONNECT named an authentication method
   * (`properties.authenticationMethod`). Replace it on the client and
   * answer through `callback`: `callback(undefined, reply)` sends `reply`
   * (its `reasonCode` 0x18, and `properties` with the method and the
   * answering `authenticationData`; mqtt-napi also sends a reply without
   * `cmd` or `reasonCode`, as 0x18, where MQTT.js sends nothing);
   * `callback(error)` emits `error` (MQTT.js also closes the connection at
   * once). The default answers nothing. An exchange
   * not finished within {@link IClientOptions.connectTimeout} fails the
   * attempt. mqtt-napi does not call it for the broker's AUTH that accepts
   * a re-authentication (MQTT.js does).
   *
   * @param packet The broker's AUTH: the method and its challenge in `properties`.
   * @param callback Call it with the reply to send, or with an error.
   */
  handleAuth(packet: IAuthPacket, callback: (error?: Error, packet?: IAuthPacket) => void): void;

  /**
   * MQTT 5: the properties of the latest CONNACK (what the broker allows
   * this connection; see {@link IConnackPacket.properties}); `undefined`
   * before the first CONNACK, at protocolVersion 4, or when the CONNACK
   * had none.
   */
  serverProperties?: IConnackPacket['properties'];

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
   * MQTT.js); or with an error (in MQTT 5 also when the broker's PUBACK or
   * PUBREC refuses the message: see {@link PacketCallback}). Made while not
   * connected, the publish waits (see {@link IClientOptions.queueQoSZero}).
   * A topic that is not a string, a payload that is neither a string nor a
   * Buffer (nor null or undefined), or a qos outside 0..2 throws.
   *
   * @param topic The topic (no wildcards). In MQTT 5, `''` with a
   *   `properties.topicAlias` bound on this connection stands for the
   *   alias's topic.
   * @param message The payload: a string (sent as UTF-8) or a Buffer; `null`
   *   and `undefined` (from JavaScript) send an empty payload, as in MQTT.js.
   * @param opts QoS, RETAIN, DUP and MQTT 5 properties; see
   *   {@link IClientPublishOptions}. A function in its place is taken as
   *   `callback`.
   * @param callback See {@link PacketCallback}. Without one, an error goes
   *   to the `error` event.
   */
  publish(topic: string, message: string | Buffer): this;
  publish(topic: string, message: string | Buffer, callback?: PacketCallback): this;
  publish(topic: string, message: string | Buffer, opts?: IClientPublishOptions, callback?: PacketCallback): this;

  /**
   * {@link publish} as a Promise: resolves `undefined` for QoS 0, the
   * PUBLISH packet for QoS 1 and the PUBREL for QoS 2; rejects with the
   * error (for a refused MQTT 5 publish the acknowledgement is lost: use
   * {@link publish} to see it).
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
   * refused (a code of 128 or more) makes it an
   * {@link ErrorWithSubackPacket} (see {@link ClientSubscribeCallback}); an
   * invalid filter calls back `Error('Invalid topic X')`.
   *
   * @param topicObject A topic filter, an array of filters, or an
   *   {@link ISubscriptionMap} (a filter's own `qos`, `nl`, `rap` and `rh`
   *   there win over those of `opts`).
   * @param opts The QoS (default 0) and the MQTT 5 `nl`, `rap` and `rh` of
   *   every filter that has none of its own, and the MQTT 5 `properties` of
   *   the SUBSCRIBE; see {@link IClientSubscribeOptions}. A function in its
   *   place is taken as `callback`.
   * @param callback See {@link ClientSubscribeCallback}. Without one, an
   *   error goes to the `error` event.
   */
  subscribe(topicObject: string | string[] | ISubscriptionMap): this;
  subscribe(topicObject: string | string[] | ISubscriptionMap, callback?: ClientSubscribeCallback): this;
  subscribe(topicObject: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions | IClientSubscribeProperties): this;
  subscribe(
    topicObject: string | string[] | ISubscriptionMap,
    opts?: IClientSubscribeOptions | IClientSubscribeProperties,
    callback?: ClientSubscribeCallback,
  ): this;

  /**
   * {@link subscribe} as a Promise of what was granted; rejects (with an
   * {@link ErrorWithSubackPacket}) if the broker refused a filter.
   *
   * @param topicObject As for {@link subscribe}.
   * @param opts As for {@link subscribe}.
   */
  subscribeAsync(topicObject: string | string[] | ISubscriptionMap): Promise<ISubscriptionGrant[]>;
  subscribeAsync(topicObject: string | string[] | ISubscriptionMap, opts?: IClientSubscribeOptions | IClientSubscribeProperties): Promise<ISubscriptionGrant[]>;

  /**
   * Unsubscribes from one or several topic filters; `callback` runs on
   * UNSUBACK with that packet ({@link IUnsubackPacket}: in MQTT 5 with a
   * reason code per filter, none of which is an error).
   *
   * @param topic A topic filter or an array of them (anything else throws a
   *   TypeError).
   * @param opts The MQTT 5 `properties` of the UNSUBSCRIBE; see
   *   {@link IClientUnsubscribeProperties}. A function in its place is
   *   taken as `callback`.
   * @param callback See {@link PacketCallback}. Without one, an error goes
   *   to the `error` event.
   */
  unsubscribe(topic: string | string[]): this;
  unsubscribe(topic: string | string[], opts?: IClientUnsubscribeProperties): this;
  unsubscribe(topic: string | string[], callback?: PacketCallback): this;
  unsubscribe(topic: string | string[], opts?: IClientUnsubscribeProperties, callback?: PacketCallback): this;

  /**
   * {@link unsubscribe} as a Promise of the UNSUBACK packet.
   *
   * @param topic As for {@link unsubscribe}.
   * @param opts As for {@link unsubscribe}.
   */
  unsubscribeAsync(topic: string | string[]): Promise<Packet | undefined>;
  unsubscribeAsync(topic: string | string[], opts?: IClientUnsubscribeProperties): Promise<Packet | undefined>;

  /**
   * Closes the client for good (no more reconnects). Without `force`, the
   * operations in flight on a live connection are acknowledged first, then
   * DISCONNECT goes out; with `force` the connection closes at once without
   * DISCONNECT, so the broker publishes the will. The `end` event and then
   * `cb` follow. Called again while ending, it only adds `cb`.
   *
   * In MQTT 5, `opts` gives the DISCONNECT its `reasonCode` (default 0,
   * Normal disconnection; 4, Disconnect with Will Message, has the broker
   * publish the will all the same) and `properties`
   * (`sessionExpiryInterval`, `reasonString`, `userProperties`); a wrong
   * one throws. At protocolVersion 4 `opts` is ignored: MQTT 3.1.1's
   * DISCONNECT carries nothing. With `force` no DISCONNECT goes out, so
   * `opts` has no effect.
   *
   * @param force Close at once, without DISCONNECT (default false).
   * @param opts MQTT 5: the DISCONNECT's `reasonCode` and `properties`; see
   *   {@link IDisconnectPacket}. A function in its place is taken as `cb`.
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
   * @param opts As for {@link end}.
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
