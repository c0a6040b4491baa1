/**
 * aws-crt-nodejs's `mqtt5` namespace (`Mqtt5Client`, its packets, enums and
 * events), name for name (re-exported by the package root).
 *
 * @module
 */

import { EventEmitter } from 'events';
import { CrtError, io, http } from './crt';

/**
 * The MQTT 5 client, with aws-crt's `mqtt5` API: `require('aws-crt').mqtt5`
 * becomes `require('mqtt-napi').mqtt5`, and code written against aws-crt's
 * declarations compiles unchanged.
 *
 * Where aws-crt falls short, mqtt-napi does better on purpose: QoS 2 works
 * both ways; MQTT 5 enhanced authentication is available
 * ({@link Mqtt5ClientConfig.enhancedAuthentication}); every promise settles,
 * and rejects with a {@link CrtError} carrying `error_code` and `error_name`;
 * a client that is not started does not keep Node running; a received
 * DISCONNECT keeps its `serverReference`; `disconnection` always comes
 * before `stopped`.
 */
export declare namespace mqtt5 {
  // ---------------------------------------------------------------------
  // Data
  // ---------------------------------------------------------------------

  /**
   * An MQTT 5 user property: a name and a value of the application's own,
   * both UTF-8 strings. A packet carries a list of them; order and repeated
   * names are kept, on the way out and on the way in.
   */
  interface UserProperty {
    /** The property's name. */
    name: string;
    /** The property's value. */
    value: string;
  }

  /**
   * What a PUBLISH may carry. A string is sent as UTF-8; an `ArrayBuffer` or
   * a view (Buffer, Uint8Array, DataView, any typed array; offset and length
   * are honoured) as its bytes; a plain object as `JSON.stringify(obj)`. A
   * received payload is always an `ArrayBuffer` (empty for a zero-length
   * payload).
   */
  type Payload = string | Record<string, unknown> | ArrayBuffer | ArrayBufferView;

  /**
   * Bytes for a binary field other than the payload (password, correlation
   * data, authentication data). Received binary fields are `ArrayBuffer`s.
   */
  type BinaryData = ArrayBuffer | ArrayBufferView;

  // ---------------------------------------------------------------------
  // Enums of the packets
  // ---------------------------------------------------------------------

  /** Quality of service of a publish or a subscription. */
  enum QoS {
    /** Sent once, never acknowledged: a publish resolves once it is written to the socket. */
    AtMostOnce = 0,
    /** Acknowledged by PUBACK, resent until then: a publish resolves on PUBACK. */
    AtLeastOnce = 1,
    /**
     * Delivered once, through PUBREC, PUBREL and PUBCOMP: a publish resolves
     * on PUBCOMP. aws-crt refuses QoS 2 altogether; mqtt-napi publishes,
     * subscribes and receives at QoS 2.
     */
    ExactlyOnce = 2,
  }

  /** The Payload Format Indicator of a PUBLISH: what its payload claims to be. */
  enum PayloadFormatIndicator {
    /** Unspecified bytes (what an absent indicator also means). */
    Bytes = 0,
    /** UTF-8 text; a broker may refuse a payload that is not (reason code 153). */
    Utf8 = 1,
  }

  /** Whether a subscription brings the retained messages of the topics it matches. */
  enum RetainHandlingType {
    /** Send the retained messages at every SUBSCRIBE (the default). */
    SendOnSubscribe = 0,
    /** Send them only when the subscription did not exist yet in the session. */
    SendOnSubscribeIfNew = 1,
    /** Never send retained messages because of this subscription. */
    DontSend = 2,
  }

  /** MQTT control packet types, numbered as on the wire; the `type` of every packet the client hands out. */
  enum PacketType {
    /** CONNECT (1). */
    Connect = 1,
    /** CONNACK (2). */
    Connack = 2,
    /** PUBLISH (3). */
    Publish = 3,
    /** PUBACK (4); also the `type` of a QoS 2 publish's result (see {@link PublishCompletionResult}). */
    Puback = 4,
    /** PUBREC (5). */
    Pubrec = 5,
    /** PUBREL (6). */
    Pubrel = 6,
    /** PUBCOMP (7). */
    Pubcomp = 7,
    /** SUBSCRIBE (8). */
    Subscribe = 8,
    /** SUBACK (9). */
    Suback = 9,
    /** UNSUBSCRIBE (10). */
    Unsubscribe = 10,
    /** UNSUBACK (11). */
    Unsuback = 11,
    /** PINGREQ (12). */
    Pingreq = 12,
    /** PINGRESP (13). */
    Pingresp = 13,
    /** DISCONNECT (14). */
    Disconnect = 14,
    /** AUTH (15): see {@link AuthPacket}. */
    Auth = 15,
  }

  /** The reason code of a CONNACK: 0 accepted, 128 and above refused. */
  enum ConnectReasonCode {
    /** The connection is accepted. */
    Success = 0,
    /** MQTT 3.1.1 return code 1 (unacceptable protocol version); an MQTT 5 CONNACK never has it. */
    UnacceptableProtocolVersion311 = 1,
    /** MQTT 3.1.1 return code 2 (identifier rejected); an MQTT 5 CONNACK never has it. */
    ClientIdRejected311 = 2,
    /** MQTT 3.1.1 return code 3 (server unavailable); an MQTT 5 CONNACK never has it. */
    ServerUnavailable311 = 3,
    /** MQTT 3.1.1 return code 4 (bad user name or password); an MQTT 5 CONNACK never has it. */
    InvalidUsernameOrPassword311 = 4,
    /** MQTT 3.1.1 return code 5 (not authorized); an MQTT 5 CONNACK never has it. */
    NotAuthorized311 = 5,
    /** Refused, for no reason the broker names. */
    UnspecifiedError = 128,
    /** The broker could not parse the CONNECT. */
    MalformedPacket = 129,
    /** The CONNECT breaks a rule of MQTT 5. */
    ProtocolError = 130,
    /** The CONNECT is valid, but this broker does not accept it. */
    ImplementationSpecificError = 131,
    /** The broker does not speak MQTT 5. */
    UnsupportedProtocolVersion = 132,
    /** The client identifier is well formed but not allowed. */
    ClientIdentifierNotValid = 133,
    /** The user name or password is refused. */
    BadUsernameOrPassword = 134,
    /** The client may not connect. */
    NotAuthorized = 135,
    /** The broker is not available. */
    ServerUnavailable = 136,
    /** The broker is busy; try again later. */
    ServerBusy = 137,
    /** The client is banned. */
    Banned = 138,
    /**
     * The broker does not support the authentication method of the CONNECT
     * (see {@link Mqtt5ClientConfig.enhancedAuthentication}), or the
     * exchange used another one.
     */
    BadAuthenticationMethod = 140,
    /** The will's topic is well formed but not accepted. */
    TopicNameInvalid = 144,
    /** The CONNECT is larger than the broker accepts. */
    PacketTooLarge = 149,
    /** A quota of the broker is exceeded. */
    QuotaExceeded = 151,
    /** The will's payload does not match its payload format indicator. */
    PayloadFormatInvalid = 153,
    /** The will is retained and the broker does not retain messages. */
    RetainNotSupported = 154,
    /** The will's QoS is above what the broker supports. */
    QosNotSupported = 155,
    /** Use another server for now: see {@link ConnackPacket.serverReference}. */
    UseAnotherServer = 156,
    /** Use another server from now on: see {@link ConnackPacket.serverReference}. */
    ServerMoved = 157,
    /** The broker limits how often clients connect, and this attempt was over it. */
    ConnectionRateExceeded = 159,
  }

  /**
   * Whether a CONNACK reason code accepts the connection (below 128).
   *
   * @param reasonCode The reason code to judge.
   */
  function isSuccessfulConnectReasonCode(reasonCode: ConnectReasonCode): boolean;

  /**
   * The reason code of a DISCONNECT. Those marked "client" may be sent by
   * {@link Mqtt5Client.stop}; the others come only from the broker.
   */
  enum DisconnectReasonCode {
    /** Client or broker: a normal disconnection; the broker discards the will. */
    NormalDisconnection = 0,
    /** Client only: disconnect, and the broker publishes the will anyway. */
    DisconnectWithWillMessage = 4,
    /** Client or broker: no reason named. */
    UnspecifiedError = 128,
    /** Client or broker: a packet could not be parsed. */
    MalformedPacket = 129,
    /** Client or broker: a packet broke a rule of MQTT 5 (an unexpected packet, an unknown topic alias, ...). */
    ProtocolError = 130,
    /** Client or broker: a valid packet this side cannot process. */
    ImplementationSpecificError = 131,
    /** Broker: the client did something it is not authorized to. */
    NotAuthorized = 135,
    /** Broker: too busy to go on with this client. */
    ServerBusy = 137,
    /** Broker: shutting down. */
    ServerShuttingDown = 139,
    /** Broker: nothing arrived from the client for 1.5 times the keep alive. */
    KeepAliveTimeout = 141,
    /** Broker: another connection took over this client identifier's session. */
    SessionTakenOver = 142,
    /** Broker: a topic filter is well formed but not accepted. */
    TopicFilterInvalid = 143,
    /** Client or broker: a topic name is well formed but not accepted. */
    TopicNameInvalid = 144,
    /** Client or broker: the peer had more QoS 1/2 publishes unacknowledged than the Receive Maximum allows. */
    ReceiveMaximumExceeded = 147,
    /** Client or broker: a topic alias was 0 or above the maximum. */
    TopicAliasInvalid = 148,
    /** Client or broker: a packet was larger than the Maximum Packet Size. */
    PacketTooLarge = 149,
    /** Client or broker: data arrives too fast. */
    MessageRateTooHigh = 150,
    /** Client or broker: a quota is exceeded. */
    QuotaExceeded = 151,
    /** Client or broker: an administrator closed the connection. */
    AdministrativeAction = 152,
    /** Client or broker: a payload did not match its payload format indicator. */
    PayloadFormatInvalid = 153,
    /** Broker: it does not retain messages and a retained one was published. */
    RetainNotSupported = 154,
    /** Broker: a publish had a QoS above the broker's maximum. */
    QosNotSupported = 155,
    /** Broker: use another server for now ({@link DisconnectPacket.serverReference}). */
    UseAnotherServer = 156,
    /** Broker: use another server from now on ({@link DisconnectPacket.serverReference}). */
    ServerMoved = 157,
    /** Broker: it does not support shared subscriptions. */
    SharedSubscriptionsNotSupported = 158,
    /** Broker: the client connects too often. */
    ConnectionRateExceeded = 159,
    /** Broker: the connection lasted as long as it may. */
    MaximumConnectTime = 160,
    /** Broker: it does not support subscription identifiers. */
    SubscriptionIdentifiersNotSupported = 161,
    /** Broker: it does not support wildcard subscriptions. */
    WildcardSubscriptionsNotSupported = 162,
  }

  /**
   * Whether a DISCONNECT reason code is a normal one (below 128).
   *
   * @param reasonCode The reason code to judge.
   */
  function isSuccessfulDisconnectReasonCode(reasonCode: DisconnectReasonCode): boolean;

  /** The outcome of one subscription in a SUBACK: the granted QoS, or why it was refused (128 and above). */
  enum SubackReasonCode {
    /** Granted; messages come at QoS 0 at most. */
    GrantedQoS0 = 0,
    /** Granted; messages come at QoS 1 at most. */
    GrantedQoS1 = 1,
    /** Granted; messages come at QoS 2 at most. */
    GrantedQoS2 = 2,
    /** MQTT 3.1.1's refusal (the same number as {@link SubackReasonCode.UnspecifiedError}). */
    Failure311 = 128,
    /** Refused, for no reason the broker names. */
    UnspecifiedError = 128,
    /** The subscription is valid, but this broker does not accept it. */
    ImplementationSpecificError = 131,
    /** The client may not subscribe to this filter. */
    NotAuthorized = 135,
    /** The topic filter is well formed but not accepted. */
    TopicFilterInvalid = 143,
    /** The packet identifier is already in use. */
    PacketIdentifierInUse = 145,
    /** A quota of the broker is exceeded. */
    QuotaExceeded = 151,
    /** The broker does not support shared subscriptions (`$share/...`). */
    SharedSubscriptionsNotSupported = 158,
    /** The broker does not support subscription identifiers. */
    SubscriptionIdentifiersNotSupported = 161,
    /** The broker does not support wildcards in topic filters. */
    WildcardSubscriptionsNotSupported = 162,
  }

  /**
   * Whether a SUBACK reason code grants the subscription (below 128).
   *
   * @param reasonCode The reason code to judge.
   */
  function isSuccessfulSubackReasonCode(reasonCode: SubackReasonCode): boolean;

  /** The outcome of one topic filter in an UNSUBACK. */
  enum UnsubackReasonCode {
    /** The subscription is gone. */
    Success = 0,
    /** There was no such subscription (a success too). */
    NoSubscriptionExisted = 17,
    /** Refused, for no reason the broker names. */
    UnspecifiedError = 128,
    /** Valid, but this broker does not accept it. */
    ImplementationSpecificError = 131,
    /** The client may not unsubscribe from this filter. */
    NotAuthorized = 135,
    /** The topic filter is well formed but not accepted. */
    TopicFilterInvalid = 143,
    /** The packet identifier is already in use. */
    PacketIdentifierInUse = 145,
  }

  /**
   * Whether an UNSUBACK reason code is a success (below 128).
   *
   * @param reasonCode The reason code to judge.
   */
  function isSuccessfulUnsubackReasonCode(reasonCode: UnsubackReasonCode): boolean;

  /**
   * The reason code of a PUBACK, and of the PUBREC that answers a QoS 2
   * publish (the same values). A PUBCOMP may also say 146 (packet identifier
   * not found), a value this enum, as aws-crt's, has no name for.
   */
  enum PubackReasonCode {
    /** Accepted. */
    Success = 0,
    /** Accepted, and nobody is subscribed to the topic (a success). */
    NoMatchingSubscribers = 16,
    /** Refused, for no reason the receiver names. */
    UnspecifiedError = 128,
    /** Valid, but the receiver does not accept it. */
    ImplementationSpecificError = 131,
    /** The publisher may not publish to this topic. */
    NotAuthorized = 135,
    /** The topic name is well formed but not accepted. */
    TopicNameInvalid = 144,
    /** The packet identifier is already in use (the two sides disagree about the session). */
    PacketIdentifierInUse = 145,
    /** A quota of the receiver is exceeded. */
    QuotaExceeded = 151,
    /** The payload does not match its payload format indicator. */
    PayloadFormatInvalid = 153,
  }

  /**
   * Whether a PUBACK reason code accepts the message (below 128).
   *
   * @param reasonCode The reason code to judge.
   */
  function isSuccessfulPubackReasonCode(reasonCode: PubackReasonCode): boolean;

  /**
   * The reason code of an AUTH packet (MQTT 5 enhanced authentication).
   *
   * @remarks mqtt-napi extension: not in aws-crt.
   */
  enum AuthReasonCode {
    /** The authentication succeeded. */
    Success = 0,
    /** Another step of the exchange is needed: the broker's challenge, or the client's answer. */
    ContinueAuthentication = 24,
    /** The client starts authenticating again on a live connection. */
    ReAuthenticate = 25,
  }

  // ---------------------------------------------------------------------
  // Packets
  // ---------------------------------------------------------------------

  /** What every packet has. */
  interface IPacket {
    /**
     * The packet's type. Always set on the packets the client hands out
     * (events, results), so that a union of packets can be told apart;
     * ignored on the packets given to it.
     */
    type?: PacketType;
  }

  /** A PUBLISH: what {@link Mqtt5Client.publish} sends and `messageReceived` delivers. */
  interface PublishPacket extends IPacket {
    /**
     * The topic: not empty, without wildcards. A received message always has
     * its full topic, also when the broker sent it by topic alias.
     */
    topicName: string;
    /** The message (none: an empty payload). Received: always an `ArrayBuffer`. See {@link Payload}. */
    payload?: Payload;
    /**
     * The QoS to publish with, or that the message was delivered with. QoS 2
     * is supported (aws-crt rejects it). Above the broker's Maximum QoS the
     * publish rejects without being sent.
     */
    qos: QoS;
    /**
     * Whether the broker keeps the message as the topic's retained message
     * (default false). Received: set on every message. Retained when the
     * broker says it has no retained messages: the publish rejects without
     * being sent.
     */
    retain?: boolean;
    /** Whether the payload is UTF-8 text; the client neither checks nor converts it. */
    payloadFormat?: PayloadFormatIndicator;
    /**
     * Seconds the broker may keep the message for subscribers that have not
     * received it yet (none: no limit). Received: the seconds left.
     */
    messageExpiryIntervalSeconds?: number;
    /**
     * Sent: the topic alias to use, honoured only with
     * `OutboundTopicAliasBehaviorType.Manual` (1 to the broker's Topic Alias
     * Maximum; the full `topicName` is still required). Every publish
     * settles, whatever its alias (aws-crt's never settles when the alias is
     * above the broker's maximum). Received: the alias the broker used.
     */
    topicAlias?: number;
    /** The topic a responder should answer on (request/response); forwarded as is. */
    responseTopic?: string;
    /** Opaque bytes that tie a response to its request; forwarded as is. Received: an `ArrayBuffer`. */
    correlationData?: BinaryData;
    /**
     * Received only: the identifiers of the subscriptions the message
     * matched (see {@link SubscribePacket.subscriptionIdentifier}). Ignored
     * when sending.
     */
    subscriptionIdentifiers?: Array<number>;
    /** A MIME type or other description of the payload; forwarded as is. */
    contentType?: string;
    /** User properties, forwarded to subscribers in order. */
    userProperties?: Array<UserProperty>;
  }

  /**
   * A PUBACK: the result of a QoS 1 publish, and the shape of a QoS 2
   * publish's result (see {@link PublishCompletionResult}). A reason code of
   * 128 or above means the broker refused the message; the promise still
   * resolves (check with {@link isSuccessfulPubackReasonCode}).
   */
  interface PubackPacket extends IPacket {
    /** The broker's verdict on the message. */
    reasonCode: PubackReasonCode;
    /** A human-readable explanation from the broker. */
    reasonString?: string;
    /** The broker's user properties (an empty array when none). */
    userProperties?: Array<UserProperty>;
  }

  /**
   * The CONNECT the client sends on every attempt
   * ({@link Mqtt5ClientConfigBase.connectProperties}). Without one the client
   * sends a keep alive of 1200 s and an empty client identifier (the broker
   * assigns one).
   */
  interface ConnectPacket extends IPacket {
    /**
     * Keep alive in seconds, 0 to 65535 (0: no keep alive). A PINGREQ goes
     * out when nothing else was sent for this long. A CONNACK's
     * `serverKeepAlive` replaces it for that connection.
     */
    keepAliveIntervalSeconds: number;
    /**
     * The client identifier. Empty or absent: the broker assigns one, which
     * the client then uses on every reconnect (so the session can resume);
     * it is in {@link NegotiatedSettings.clientId}.
     */
    clientId?: string;
    /** The user name. */
    username?: string;
    /** The password, as bytes (e.g. `Buffer.from('secret')`). */
    password?: BinaryData;
    /**
     * Seconds the broker keeps the session after the connection ends
     * (absent or 0: it ends with the connection; 4294967295: never). Needed
     * for `ClientSessionBehavior.RejoinPostSuccess` or `RejoinAlways` to
     * find a session.
     */
    sessionExpiryIntervalSeconds?: number;
    /** Ask the broker for Response Information in its CONNACK. */
    requestResponseInformation?: boolean;
    /**
     * Whether the broker may add reason strings and user properties to
     * packets other than PUBLISH, CONNACK and DISCONNECT (default true in
     * MQTT 5).
     */
    requestProblemInformation?: boolean;
    /**
     * The most QoS 1/2 messages the broker may have unacknowledged towards
     * this client, 1 to 65535 (absent: 65535).
     */
    receiveMaximum?: number;
    /** The largest packet, in bytes, the broker may send this client (absent: no limit but MQTT's own). */
    maximumPacketSizeBytes?: number;
    /** Seconds the broker waits after the connection is lost before it publishes the will (absent: 0). */
    willDelayIntervalSeconds?: number;
    /** The last will: published by the broker when the connection ends without a normal DISCONNECT. */
    will?: PublishPacket;
    /** User properties sent in the CONNECT. */
    userProperties?: Array<UserProperty>;
  }

  /**
   * A CONNACK: the broker's answer to CONNECT, in `connectionSuccess` and
   * (when refused) `connectionFailure`. Only the properties the broker sent
   * are present; {@link NegotiatedSettings} has the values in effect.
   */
  interface ConnackPacket extends IPacket {
    /** Whether the broker resumed a session it kept for this client identifier. */
    sessionPresent: boolean;
    /** Accepted (0) or why not (128 and above). */
    reasonCode: ConnectReasonCode;
    /** Seconds the broker will keep the session, in place of the CONNECT's. */
    sessionExpiryInterval?: number;
    /** The most QoS 1/2 publishes the broker takes unacknowledged (absent: 65535). The client keeps to it. */
    receiveMaximum?: number;
    /** The highest QoS the broker accepts in a publish (absent: 2). */
    maximumQos?: QoS;
    /** Whether the broker keeps retained messages (absent: yes). */
    retainAvailable?: boolean;
    /** The largest packet, in bytes, the broker accepts (absent: no limit). The client sends nothing larger. */
    maximumPacketSize?: number;
    /** The client identifier the broker assigned, when the CONNECT had none. */
    assignedClientIdentifier?: string;
    /** The highest topic alias the broker accepts from the client (absent: 0, no aliases). */
    topicAliasMaximum?: number;
    /** A human-readable explanation from the broker. */
    reasonString?: string;
    /** Whether the broker supports wildcard subscriptions (absent: yes). */
    wildcardSubscriptionsAvailable?: boolean;
    /** Whether the broker supports subscription identifiers (absent: yes). */
    subscriptionIdentifiersAvailable?: boolean;
    /** Whether the broker supports shared subscriptions (absent: yes). */
    sharedSubscriptionsAvailable?: boolean;
    /** Seconds: the keep alive the broker wants instead of the CONNECT's; the client uses it. */
    serverKeepAlive?: number;
    /** A basis for response topics, when the CONNECT asked for it (`requestResponseInformation`). */
    responseInformation?: string;
    /** Another server to use, with reason codes `UseAnotherServer` and `ServerMoved`. */
    serverReference?: string;
    /** The broker's user properties (an empty array when none). */
    userProperties?: Array<UserProperty>;
    /**
     * The authentication method of an enhanced authentication
     * ({@link Mqtt5ClientConfig.enhancedAuthentication}), when the broker
     * sent it.
     *
     * @remarks mqtt-napi extension: not in aws-crt.
     */
    authenticationMethod?: string;
    /**
     * The broker's last authentication data (e.g. its proof in SCRAM), when
     * it sent some.
     *
     * @remarks mqtt-napi extension: not in aws-crt.
     */
    authenticationData?: ArrayBuffer;
  }

  /**
   * A DISCONNECT: what {@link Mqtt5Client.stop} sends, or what the broker
   * sent (in `disconnection`).
   */
  interface DisconnectPacket extends IPacket {
    /**
     * Why. {@link Mqtt5Client.stop} takes only the codes a client may send
     * (see {@link DisconnectReasonCode}).
     */
    reasonCode: DisconnectReasonCode;
    /**
     * Client only: a new session expiry, in seconds. It cannot be set when
     * the CONNECT's was 0 (or absent).
     */
    sessionExpiryIntervalSeconds?: number;
    /** A human-readable explanation. */
    reasonString?: string;
    /** User properties. */
    userProperties?: Array<UserProperty>;
    /**
     * Broker only: another server to use (with `UseAnotherServer` and
     * `ServerMoved`). mqtt-napi fills it from a received DISCONNECT (aws-crt
     * drops it); giving it to {@link Mqtt5Client.stop} is a TypeError, as a
     * client may not send it (aws-crt accepts it silently).
     *
     * @remarks mqtt-napi extension: not in aws-crt (filled on receive).
     */
    serverReference?: string;
  }

  /** One topic filter of a SUBSCRIBE, with its options. */
  interface Subscription {
    /** The topic filter: `+` and `#` wildcards, `$share/<group>/<filter>` for a shared subscription. */
    topicFilter: string;
    /**
     * The highest QoS to receive messages at; the broker may grant less (see
     * {@link SubackPacket.reasonCodes}). QoS 2 is accepted (aws-crt refuses
     * the whole SUBSCRIBE).
     */
    qos: QoS;
    /** Do not receive the messages this client publishes itself (default false; not allowed on a shared subscription). */
    noLocal?: boolean;
    /** Keep the retain flag messages were published with (default false: cleared on normal delivery). */
    retainAsPublished?: boolean;
    /** When to receive retained messages (default `RetainHandlingType.SendOnSubscribe`). */
    retainHandlingType?: RetainHandlingType;
  }

  /** A SUBSCRIBE: what {@link Mqtt5Client.subscribe} sends. */
  interface SubscribePacket extends IPacket {
    /** The topic filters, at least one. */
    subscriptions: Array<Subscription>;
    /**
     * A number, 1 to 268435455, that messages matching these subscriptions
     * carry in {@link PublishPacket.subscriptionIdentifiers}. 0 rejects at
     * once (aws-crt's promise never settles).
     */
    subscriptionIdentifier?: number;
    /** User properties sent in the SUBSCRIBE. */
    userProperties?: Array<UserProperty>;
  }

  /** A SUBACK: what {@link Mqtt5Client.subscribe} resolves with. */
  interface SubackPacket extends IPacket {
    /**
     * One code per subscription, in order: the QoS granted, or 128 and
     * above when refused. A refusal does not reject the promise.
     */
    reasonCodes: Array<SubackReasonCode>;
    /** A human-readable explanation from the broker. */
    reasonString?: string;
    /** The broker's user properties. */
    userProperties?: Array<UserProperty>;
  }

  /** An UNSUBSCRIBE: what {@link Mqtt5Client.unsubscribe} sends. */
  interface UnsubscribePacket extends IPacket {
    /** The topic filters to drop, as they were subscribed; at least one. */
    topicFilters: Array<string>;
    /** User properties sent in the UNSUBSCRIBE. */
    userProperties?: Array<UserProperty>;
  }

  /** An UNSUBACK: what {@link Mqtt5Client.unsubscribe} resolves with. */
  interface UnsubackPacket extends IPacket {
    /** One code per topic filter, in order. A refusal does not reject the promise. */
    reasonCodes: Array<UnsubackReasonCode>;
    /** A human-readable explanation from the broker. */
    reasonString?: string;
    /** The broker's user properties. */
    userProperties?: Array<UserProperty>;
  }

  /**
   * An AUTH packet from the broker during MQTT 5 enhanced authentication:
   * what {@link EnhancedAuthenticationOptions.onChallenge} receives.
   *
   * @remarks mqtt-napi extension: not in aws-crt.
   */
  interface AuthPacket extends IPacket {
    /** Always `PacketType.Auth`. */
    type: PacketType.Auth;
    /** `ContinueAuthentication` for a challenge. */
    reasonCode: AuthReasonCode;
    /** The authentication method (the one of the CONNECT). */
    authenticationMethod?: string;
    /** The broker's challenge data. */
    authenticationData?: ArrayBuffer;
    /** A human-readable explanation from the broker. */
    reasonString?: string;
    /** The broker's user properties. */
    userProperties?: UserProperty[];
  }

  // ---------------------------------------------------------------------
  // Client configuration
  // ---------------------------------------------------------------------

  /** What the client does about sessions when it connects. */
  enum ClientSessionBehavior {
    /** The same as `Clean`. */
    Default = 0,
    /** Always start a new session (Clean Start). */
    Clean = 1,
    /**
     * A new session on the first connection after {@link Mqtt5Client.start},
     * then ask to resume it on every reconnect. Needs a non-zero
     * `sessionExpiryIntervalSeconds` in the CONNECT.
     */
    RejoinPostSuccess = 2,
    /**
     * Ask to resume a session on every connection, the first one too (a
     * session the broker kept from an earlier run). Needs a non-zero
     * `sessionExpiryIntervalSeconds` in the CONNECT.
     */
    RejoinAlways = 3,
  }

  /** How the wait before a reconnect is randomized, so that many clients do not reconnect together. */
  enum RetryJitterType {
    /** The same as `Full`. */
    Default = 0,
    /** No randomness: the exponential backoff itself (doubling from the minimum up to the maximum). */
    None = 1,
    /** A random wait between 0 and the exponential backoff. */
    Full = 2,
    /** A random wait between the minimum and three times the previous wait, capped at the maximum. */
    Decorrelated = 3,
  }

  /**
   * What happens to operations when the connection is lost, and to new ones
   * while the client is not connected (an operation that a lost connection
   * would fail is rejected at once while offline). Unacknowledged QoS 1/2
   * publishes are always kept and resent when the session resumes.
   */
  enum ClientOperationQueueBehavior {
    /** The same as `FailQos0PublishOnDisconnect`. */
    Default = 0,
    /** Keep QoS 1/2 publishes; fail everything else (QoS 0 publishes, subscribes, unsubscribes). */
    FailNonQos1PublishOnDisconnect = 1,
    /** Fail QoS 0 publishes; keep everything else, in order, behind the resent publishes. */
    FailQos0PublishOnDisconnect = 2,
    /** Fail everything except unacknowledged QoS 1/2 publishes, which MQTT requires to be resent. */
    FailAllOnDisconnect = 3,
  }

  /** How the client uses topic aliases on the publishes it sends. */
  enum OutboundTopicAliasBehaviorType {
    /** The same as `Disabled`. */
    Default = 0,
    /**
     * Use the alias each publish asks for in {@link PublishPacket.topicAlias}
     * (the topic the first time, then an empty topic while the alias holds).
     */
    Manual = 1,
    /**
     * The client assigns aliases itself, to the most recently used topics
     * (least recently used ones are replaced); `topicAlias` on a publish is
     * ignored.
     */
    LRU = 2,
    /** Never send a topic alias. */
    Disabled = 3,
  }

  /** Whether the broker may send this client publishes by topic alias. */
  enum InboundTopicAliasBehaviorType {
    /** The same as `Disabled`. */
    Default = 0,
    /**
     * Allow it: the CONNECT's Topic Alias Maximum is
     * {@link TopicAliasingOptions.inboundCacheMaxSize}. Messages are still
     * delivered with their full topic.
     */
    Enabled = 1,
    /**
     * Forbid it (Topic Alias Maximum 0): a publish by alias is a protocol
     * error that ends the connection (DISCONNECT 130).
     */
    Disabled = 2,
  }

  /** Topic alias settings, both ways. Absent: no aliases either way. */
  interface TopicAliasingOptions {
    /** How to alias outgoing publishes (default `Disabled`). Nothing is aliased if the broker's Topic Alias Maximum is 0. */
    outboundBehavior?: OutboundTopicAliasBehaviorType;
    /**
     * With `LRU`, how many topics to keep aliases for (0 or absent: 25); the
     * broker's Topic Alias Maximum caps it.
     */
    outboundCacheMaxSize?: number;
    /** Whether the broker may alias the publishes it sends (default `Disabled`). */
    inboundBehavior?: InboundTopicAliasBehaviorType;
    /**
     * With `Enabled`, how many aliases the broker may use, 1 to 65535 (0 or
     * absent: 25); sent as the CONNECT's Topic Alias Maximum.
     */
    inboundCacheMaxSize?: number;
  }

  /**
   * Checks beyond MQTT 5 that suit a particular broker: operations outside
   * its limits are refused before they are sent, and sending is paced.
   */
  enum ClientExtendedValidationAndFlowControl {
    /** No checks beyond MQTT 5's (the default). */
    None = 0,
    /**
     * AWS IoT Core's default limits: at most 8 subscriptions per SUBSCRIBE,
     * at most 7 `/` in a topic or filter (an AWS rules prefix aside), topics
     * of at most 256 bytes, a client identifier of at most 128 bytes; and
     * sending paced to 512 KiB and 100 publishes a second (what is over
     * waits its turn in the offline queue).
     */
    AwsIotCoreDefaults = 1,
  }

  /**
   * Changes the WebSocket upgrade request of a connection attempt (e.g. to
   * sign it); its presence in the configuration makes the client use MQTT
   * over WebSockets (`GET /mqtt`, subprotocol `mqtt`; `wss` with `tlsCtx`).
   * Called on every attempt, reconnects included.
   *
   * @param request The upgrade request; change it in place.
   * @param done Call it once: `done()` sends the request, `done(error_code)`
   *   fails the attempt with that error code.
   */
  type WebsocketHandshakeTransform = (request: http.HttpRequest, done: (error_code?: number) => void) => void;

  /**
   * What {@link EnhancedAuthenticationOptions.onChallenge} answers: it goes
   * back to the broker in an AUTH packet (reason `ContinueAuthentication`).
   *
   * @remarks mqtt-napi extension: not in aws-crt.
   */
  interface AuthResponse {
    /** The answer to the challenge. */
    authenticationData?: BinaryData;
    /** A human-readable note for the broker. */
    reasonString?: string;
    /** User properties sent with the answer. */
    userProperties?: UserProperty[];
  }

  /**
   * MQTT 5 enhanced authentication (SCRAM, Kerberos, a broker's own
   * scheme). On every connection attempt the CONNECT carries the
   * Authentication Method and Data; each AUTH challenge the broker sends
   * (reason `ContinueAuthentication`) goes to `onChallenge`, whose answer
   * goes back in an AUTH, until the broker sends its CONNACK.
   *
   * @remarks mqtt-napi extension: not in aws-crt.
   */
  interface EnhancedAuthenticationOptions {
    /** The Authentication Method, e.g. `'SCRAM-SHA-256'`; the broker must support it (else CONNACK 140). */
    method: string;
    /** The first Authentication Data, sent in the CONNECT. */
    data?: BinaryData;
    /**
     * Answers one challenge of the broker. If it throws or its promise
     * rejects, the client emits the error as an `error` event and answers
     * nothing: the attempt then fails once `connackTimeoutMs` has passed,
     * and the client retries with backoff as for any failed attempt.
     *
     * @param challenge The broker's AUTH packet.
     */
    onChallenge: (challenge: AuthPacket) => AuthResponse | Promise<AuthResponse>;
  }

  /**
   * The configuration both of aws-crt's MQTT 5 clients (Node and browser)
   * take; {@link Mqtt5ClientConfig} adds Node's.
   */
  interface Mqtt5ClientConfigBase {
    /** The broker's host name or IP address. Required. */
    hostName: string;
    /** The broker's port, 0 to 65535. Required. */
    port: number;
    /** What to do about sessions (default `ClientSessionBehavior.Clean`). */
    sessionBehavior?: ClientSessionBehavior;
    /** How reconnect waits are randomized (default `RetryJitterType.Full`). */
    retryJitterMode?: RetryJitterType;
    /**
     * The shortest wait before a reconnect, in ms (default 1000; 0 also
     * means 1000). Waits double from it after each failure, up to
     * `maxReconnectDelayMs`. Above `maxReconnectDelayMs` it is a RangeError
     * at construction (aws-crt accepts it).
     */
    minReconnectDelayMs?: number;
    /** The longest wait before a reconnect, in ms (default 120000). */
    maxReconnectDelayMs?: number;
    /**
     * How long a connection must stay up, in ms, for the reconnect wait to
     * go back to the minimum (default 30000).
     */
    minConnectedTimeToResetReconnectDelayMs?: number;
    /** The CONNECT sent on every attempt (absent: keep alive 1200 s, an identifier the broker assigns). */
    connectProperties?: ConnectPacket;
    /** Topic alias settings (absent: no aliases either way). */
    topicAliasingOptions?: TopicAliasingOptions;
    /**
     * Leave {@link metrics} out of the CONNECT username (default false).
     * Without `metrics` nothing is added anyway: unlike aws-crt 1.33, which
     * adds its SDK metrics to every client's username unless this is true,
     * mqtt-napi adds them only to configs that carry `metrics` (those the
     * `iot.AwsIotMqtt5ClientConfigBuilder` makes).
     */
    disableMetrics?: boolean;
    /**
     * AWS IoT SDK metrics, sent in the CONNECT username merged by aws-c-mqtt's
     * rules: `SDK=<libraryName>` and `Platform=<os>` added to the query after
     * the username's last `?` if absent, `Metadata=(key=value;...)` merged key
     * by key (see {@link iot.AWSIoTMetrics}). Only configs that carry it get
     * metrics; {@link iot.AwsIotMqtt5ClientConfigBuilder.build} sets it to
     * `{ libraryName: 'mqtt-napi', metadata: [['Version', <version>]] }`.
     * Anything but `{ libraryName: string, metadata?: [string, string][] }`
     * is a TypeError when the client is made.
     */
    metrics?: import('./iot').iot.AWSIoTMetrics;
  }

  /**
   * The configuration of a {@link Mqtt5Client}. Field names, defaults and
   * enums are aws-crt's; a field of the wrong type or out of range is a
   * TypeError or RangeError at construction, naming the field.
   */
  interface Mqtt5ClientConfig extends Mqtt5ClientConfigBase {
    /** How long to wait for the CONNACK after sending CONNECT, in ms (default 20000); past it the attempt fails. */
    connackTimeoutMs?: number;
    /** What a lost connection does to pending operations (default `FailQos0PublishOnDisconnect`). */
    offlineQueueBehavior?: ClientOperationQueueBehavior;
    /** How long to wait for a PINGRESP, in ms (default 30000); past it the connection is closed and reconnected. */
    pingTimeoutMs?: number;
    /**
     * How long a QoS 1/2 publish, subscribe or unsubscribe waits for its
     * acknowledgement once sent, in seconds (default 60; 0 also means 60);
     * past it the operation rejects.
     */
    ackTimeoutSeconds?: number;
    /** Accepted for aws-crt compatibility; mqtt-napi runs its own I/O threads and does not need it. */
    clientBootstrap?: io.ClientBootstrap;
    /** Socket options (absent: a TCP socket with a 10 s connect timeout). */
    socketOptions?: io.SocketOptions;
    /** TLS to the broker (absent: plaintext). SNI and the certificate name checked are `hostName`. */
    tlsCtx?: io.ClientTlsContext;
    /** Use MQTT over WebSockets, with this transform of the upgrade request (see {@link WebsocketHandshakeTransform}). */
    websocketHandshakeTransform?: WebsocketHandshakeTransform;
    /** Connect through an HTTP proxy (a `CONNECT` tunnel). */
    httpProxyOptions?: http.HttpProxyOptions;
    /** Broker-specific checks and pacing (default `None`). */
    extendedValidationAndFlowControlOptions?: ClientExtendedValidationAndFlowControl;
    /**
     * MQTT 5 enhanced authentication: the CONNECT carries its method and
     * data, and the broker's AUTH challenges are answered by its
     * `onChallenge` (see {@link EnhancedAuthenticationOptions}).
     *
     * @remarks mqtt-napi extension: not in aws-crt.
     */
    enhancedAuthentication?: EnhancedAuthenticationOptions;
    /**
     * After a reconnect without a session (the CONNACK's Session Present
     * is 0), subscribe again to every filter the broker granted, with its
     * options and Subscription Identifier (default `true`; aws-crt never does).
     *
     * @remarks mqtt-napi extension: not in aws-crt.
     */
    resubscribe?: boolean;
  }

  // ---------------------------------------------------------------------
  // Events
  // ---------------------------------------------------------------------

  /**
   * The values in effect on a connection, worked out from MQTT 5's defaults,
   * the CONNECT and the CONNACK.
   */
  interface NegotiatedSettings {
    /** The highest QoS the client may publish at: the CONNACK's Maximum QoS, or 2 when it has none. */
    maximumQos: QoS;
    /** Seconds the broker keeps the session after the connection ends. */
    sessionExpiryInterval: number;
    /** The most QoS 1/2 publishes the client may have unacknowledged (the broker's Receive Maximum; 65535 by default). */
    receiveMaximumFromServer: number;
    /** The largest packet, in bytes, the client may send. */
    maximumPacketSizeToServer: number;
    /** The highest topic alias the client may send (0: none). */
    topicAliasMaximumToServer: number;
    /** The highest topic alias the broker may send (0: none). */
    topicAliasMaximumToClient: number;
    /** Seconds: the keep alive in effect (the CONNACK's Server Keep Alive, else the CONNECT's). */
    serverKeepAlive: number;
    /** Whether the broker keeps retained messages. */
    retainAvailable: boolean;
    /** Whether the broker supports wildcard subscriptions. */
    wildcardSubscriptionsAvailable: boolean;
    /** Whether the broker supports subscription identifiers. */
    subscriptionIdentifiersAvailable: boolean;
    /** Whether the broker supports shared subscriptions. */
    sharedSubscriptionsAvailable: boolean;
    /** Whether the broker resumed a session. */
    rejoinedSession: boolean;
    /** The client identifier in use: the configured one, or the one the broker assigned. */
    clientId: string;
  }

  /** The argument of `attemptingConnect`: empty. */
  interface AttemptingConnectEvent {}

  /** The argument of `connectionSuccess`. */
  interface ConnectionSuccessEvent {
    /** The broker's CONNACK. */
    connack: ConnackPacket;
    /** The values in effect on this connection. */
    settings: NegotiatedSettings;
  }

  /** The argument of `connectionFailure`. */
  interface ConnectionFailureEvent {
    /**
     * Why the attempt failed, e.g. `AWS_IO_SOCKET_CONNECTION_REFUSED`, or
     * `AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED` when the broker refused.
     */
    error: CrtError;
    /** The CONNACK, when the broker refused with one. */
    connack?: ConnackPacket;
  }

  /** The argument of `disconnection`. */
  interface DisconnectionEvent {
    /**
     * Why the connection ended: `AWS_ERROR_MQTT5_USER_REQUESTED_STOP` after
     * {@link Mqtt5Client.stop}, `AWS_ERROR_MQTT5_DISCONNECT_RECEIVED` when
     * the broker sent DISCONNECT, `AWS_IO_SOCKET_CLOSED` when the link
     * dropped, ...
     */
    error: CrtError;
    /** The broker's DISCONNECT, when it sent one (with every property, `serverReference` included). */
    disconnect?: DisconnectPacket;
  }

  /** The argument of `stopped`: empty. */
  interface StoppedEvent {}

  /** The argument of `messageReceived`. */
  interface MessageReceivedEvent {
    /** The message; its payload and correlation data are `ArrayBuffer`s. */
    message: PublishPacket;
    /**
     * Present for QoS 1 and QoS 2 messages (aws-crt: QoS 1 only). A listener
     * that calls `acquireHandle()` takes over the acknowledgement (PUBACK
     * for QoS 1, PUBCOMP for QoS 2) and sends it later with
     * `invokeAcknowledgement()`; otherwise the client acknowledges once
     * every listener has returned. Acknowledgements go out in the order the
     * messages came (MQTT 5 section 4.6): one held back holds back those
     * after it.
     */
    acknowledgementControl?: PublishAcknowledgementHandleWrapper;
  }

  /**
   * Listens to `error`.
   *
   * @param error What went wrong.
   */
  type ErrorEventListener = (error: CrtError) => void;
  /**
   * Listens to `stopped`.
   *
   * @param eventData Empty.
   */
  type StoppedEventListener = (eventData: StoppedEvent) => void;
  /**
   * Listens to `attemptingConnect`.
   *
   * @param eventData Empty.
   */
  type AttemptingConnectEventListener = (eventData: AttemptingConnectEvent) => void;
  /**
   * Listens to `connectionSuccess`.
   *
   * @param eventData The CONNACK and the negotiated settings.
   */
  type ConnectionSuccessEventListener = (eventData: ConnectionSuccessEvent) => void;
  /**
   * Listens to `connectionFailure`.
   *
   * @param eventData The error, and the CONNACK when the broker refused.
   */
  type ConnectionFailureEventListener = (eventData: ConnectionFailureEvent) => void;
  /**
   * Listens to `disconnection`.
   *
   * @param eventData The error, and the broker's DISCONNECT when it sent one.
   */
  type DisconnectionEventListener = (eventData: DisconnectionEvent) => void;
  /**
   * Listens to `messageReceived`.
   *
   * @param eventData The message and, for QoS 1/2, its acknowledgement control.
   */
  type MessageReceivedEventListener = (eventData: MessageReceivedEvent) => void;

  /**
   * The right to send one received message's acknowledgement (PUBACK for
   * QoS 1, PUBCOMP for QoS 2), taken with
   * {@link PublishAcknowledgementHandleWrapper.acquireHandle}.
   */
  class PublishAcknowledgementHandle {
    /**
     * Made by the client; user code takes one from a
     * {@link PublishAcknowledgementHandleWrapper}.
     *
     * @param acknowledgementFunction Sends the acknowledgement.
     */
    constructor(acknowledgementFunction: () => void);
    /**
     * Sends the acknowledgement; later calls do nothing. Until it is sent
     * the broker may deliver the message again, and it counts against the
     * client's Receive Maximum.
     */
    invokeAcknowledgement(): void;
  }

  /** Holds a received message's {@link PublishAcknowledgementHandle} for the first listener that takes it. */
  class PublishAcknowledgementHandleWrapper {
    /**
     * Made by the client for each QoS 1/2 message.
     *
     * @param handle The handle to hand out, or null.
     */
    constructor(handle: PublishAcknowledgementHandle | null);
    /**
     * Takes the handle: the first call gets it and must then acknowledge the
     * message itself; later calls get null. Take it while the
     * `messageReceived` listeners run: once they have returned, the client
     * has acknowledged the message itself.
     */
    acquireHandle(): PublishAcknowledgementHandle | null;
  }

  /**
   * What a publish resolves with: `undefined` for QoS 0 (once written); for
   * QoS 1 the PUBACK; for QoS 2 (mqtt-napi only) a PUBACK-shaped object,
   * `{ type: PacketType.Puback, reasonCode, reasonString?, userProperties? }`,
   * made from the PUBCOMP, or from the PUBREC when the broker refused the
   * message there (reason code 128 or above ends the exchange). A broker
   * that downgrades QoS 2 and answers with PUBACK completes it the same way.
   */
  type PublishCompletionResult = PubackPacket | undefined;

  // ---------------------------------------------------------------------
  // Client
  // ---------------------------------------------------------------------

  /** Counts of operations not yet completed; sizes are in encoded packet bytes. */
  interface ClientStatistics {
    /** Operations submitted and not completed (the unacked ones included). */
    incompleteOperationCount: number;
    /** The size of the incomplete operations. */
    incompleteOperationSize: number;
    /** Operations sent and waiting for their acknowledgement. */
    unackedOperationCount: number;
    /** The size of the unacked operations. */
    unackedOperationSize: number;
  }

  /** The operations aws-crt's Node and browser MQTT 5 clients share. */
  interface IMqtt5Client {
    /**
     * Frees the client. See {@link Mqtt5Client.close}.
     */
    close(): void;
    /**
     * Starts connecting and staying connected. See {@link Mqtt5Client.start}.
     */
    start(): void;
    /**
     * Disconnects and stops reconnecting. See {@link Mqtt5Client.stop}.
     *
     * @param packet The DISCONNECT to send (default reason `NormalDisconnection`).
     */
    stop(packet?: DisconnectPacket): void;
    /**
     * Subscribes. See {@link Mqtt5Client.subscribe}.
     *
     * @param packet The SUBSCRIBE to send.
     */
    subscribe(packet: SubscribePacket): Promise<SubackPacket>;
    /**
     * Unsubscribes. See {@link Mqtt5Client.unsubscribe}.
     *
     * @param packet The UNSUBSCRIBE to send.
     */
    unsubscribe(packet: UnsubscribePacket): Promise<UnsubackPacket>;
    /**
     * Publishes. See {@link Mqtt5Client.publish}.
     *
     * @param packet The PUBLISH to send.
     */
    publish(packet: PublishPacket): Promise<PublishCompletionResult>;
  }

  /**
   * The MQTT 5 client. Nothing happens until {@link start}; from then on it
   * connects and, whenever the connection is lost, reconnects with
   * exponential backoff and jitter until {@link stop}. Events (all emitted
   * asynchronously): `attemptingConnect`, then `connectionSuccess` or
   * `connectionFailure` for each attempt; `disconnection` when an
   * established connection ends; `stopped` once {@link stop} has finished
   * (always after that last `disconnection`; aws-crt emits the two in either
   * order); `messageReceived`; `error`.
   *
   * A started client keeps Node running until it is stopped; one never
   * started, or stopped, does not (aws-crt's keeps the process alive for
   * ever, even after `close()`).
   *
   * Every promise settles, and every rejection is a {@link CrtError} with
   * `error_code` and `error_name` (aws-crt rejects with strings, Errors or
   * TypeErrors depending on where the check happens, and some of its
   * promises never settle).
   *
   * Unlike aws-crt's, this client supports QoS 2 (publish, subscribe,
   * receive) and MQTT 5 enhanced authentication
   * ({@link Mqtt5ClientConfig.enhancedAuthentication}).
   */
  class Mqtt5Client extends EventEmitter implements IMqtt5Client {
    /**
     * Makes a client; nothing is sent until {@link start}. A missing or
     * mistyped field, or a value out of range, throws a TypeError or
     * RangeError naming it (`minReconnectDelayMs` above
     * `maxReconnectDelayMs` too).
     *
     * @param config The client's configuration.
     */
    constructor(config: Mqtt5ClientConfig);

    /**
     * Frees the client's resources. Afterwards `publish`, `subscribe` and
     * `unsubscribe` reject at once with `AWS_ERROR_MQTT5_CLIENT_TERMINATED`
     * (aws-crt's never settle), and no more events come. Stop the client
     * first:
     *
     * ```ts
     * const stopped = once(client, 'stopped');
     * client.stop();
     * await stopped;
     * client.close();
     * ```
     *
     * A second call does nothing.
     */
    close(): void;

    /**
     * Starts connecting, and reconnecting whenever the connection is lost,
     * until {@link stop}. Returns at once; the outcome comes as
     * `attemptingConnect` and `connectionSuccess` / `connectionFailure`
     * events. From now until it is stopped, the client keeps Node running.
     * Calling it on a started client does nothing.
     */
    start(): void;

    /**
     * Sends DISCONNECT (when connected), closes the connection and stops
     * reconnecting; returns at once. `disconnection` (error
     * `AWS_ERROR_MQTT5_USER_REQUESTED_STOP`) and then `stopped` follow.
     * Once stopped the client no longer keeps Node running; it may be
     * started again.
     *
     * @param disconnectPacket The DISCONNECT to send (default reason
     *   `NormalDisconnection`). A reason code a client may not send throws at
     *   once (as in aws-crt); a `serverReference` is a TypeError, since only a
     *   broker may send one (aws-crt accepts it).
     */
    stop(disconnectPacket?: DisconnectPacket): void;

    /**
     * Subscribes to one or more topic filters. Resolves with the SUBACK,
     * whose `reasonCodes` say what was granted or refused: a refusal does not
     * reject. Rejects (with a {@link CrtError}) when the SUBSCRIBE is invalid,
     * the broker's capabilities forbid it, no acknowledgement comes within
     * `ackTimeoutSeconds`, or the offline queue behaviour fails it.
     * Subscriptions may ask for QoS 2.
     *
     * @param packet The SUBSCRIBE to send.
     */
    subscribe(packet: SubscribePacket): Promise<SubackPacket>;

    /**
     * Unsubscribes from one or more topic filters. Resolves with the
     * UNSUBACK, whose `reasonCodes` say what happened to each filter.
     *
     * @param packet The UNSUBSCRIBE to send.
     */
    unsubscribe(packet: UnsubscribePacket): Promise<UnsubackPacket>;

    /**
     * Publishes a message. QoS 0 resolves `undefined` once written; QoS 1
     * resolves the PUBACK; QoS 2 (not possible with aws-crt) resolves a
     * PUBACK-shaped result made from the PUBCOMP (see
     * {@link PublishCompletionResult}). A refusal by the broker (reason code
     * 128 or above) resolves too. Rejects (with a {@link CrtError}) when the
     * packet is invalid or breaks a limit the broker set (Maximum QoS, Retain
     * Available, Maximum Packet Size; nothing is sent then), no
     * acknowledgement comes within `ackTimeoutSeconds`, or the offline queue
     * behaviour fails it.
     *
     * @param packet The PUBLISH to send.
     */
    publish(packet: PublishPacket): Promise<PublishCompletionResult>;

    /** Counts and sizes of the operations not yet completed. */
    getOperationalStatistics(): ClientStatistics;

    /**
     * The same as {@link getOperationalStatistics}.
     *
     * @deprecated Use {@link getOperationalStatistics}.
     */
    getQueueStatistics(): ClientStatistics;

    /** The name of the `error` event. */
    static readonly ERROR: 'error';
    /** The name of the `messageReceived` event. */
    static readonly MESSAGE_RECEIVED: 'messageReceived';
    /** The name of the `attemptingConnect` event. */
    static readonly ATTEMPTING_CONNECT: 'attemptingConnect';
    /** The name of the `connectionSuccess` event. */
    static readonly CONNECTION_SUCCESS: 'connectionSuccess';
    /** The name of the `connectionFailure` event. */
    static readonly CONNECTION_FAILURE: 'connectionFailure';
    /** The name of the `disconnection` event. */
    static readonly DISCONNECTION: 'disconnection';
    /** The name of the `stopped` event. */
    static readonly STOPPED: 'stopped';

    /**
     * Listens to `error`: something went wrong outside any operation, e.g.
     * an {@link EnhancedAuthenticationOptions.onChallenge} that threw.
     * Failed attempts, lost connections and failed operations are reported
     * by their own events and promises, not here.
     *
     * @param event `'error'`.
     * @param listener Called with a {@link CrtError}.
     */
    on(event: 'error', listener: ErrorEventListener): this;
    /**
     * Listens to `messageReceived`: a PUBLISH arrived.
     *
     * @param event `'messageReceived'`.
     * @param listener Called with a {@link MessageReceivedEvent}.
     */
    on(event: 'messageReceived', listener: MessageReceivedEventListener): this;
    /**
     * Listens to `attemptingConnect`: a connection attempt begins.
     *
     * @param event `'attemptingConnect'`.
     * @param listener Called with an empty {@link AttemptingConnectEvent}.
     */
    on(event: 'attemptingConnect', listener: AttemptingConnectEventListener): this;
    /**
     * Listens to `connectionSuccess`: the broker accepted a connection.
     *
     * @param event `'connectionSuccess'`.
     * @param listener Called with a {@link ConnectionSuccessEvent}.
     */
    on(event: 'connectionSuccess', listener: ConnectionSuccessEventListener): this;
    /**
     * Listens to `connectionFailure`: an attempt failed; the next one follows
     * after the reconnect wait.
     *
     * @param event `'connectionFailure'`.
     * @param listener Called with a {@link ConnectionFailureEvent}.
     */
    on(event: 'connectionFailure', listener: ConnectionFailureEventListener): this;
    /**
     * Listens to `disconnection`: an established connection ended.
     *
     * @param event `'disconnection'`.
     * @param listener Called with a {@link DisconnectionEvent}.
     */
    on(event: 'disconnection', listener: DisconnectionEventListener): this;
    /**
     * Listens to `stopped`: {@link stop} has finished, after the last
     * `disconnection`.
     *
     * @param event `'stopped'`.
     * @param listener Called with an empty {@link StoppedEvent}.
     */
    on(event: 'stopped', listener: StoppedEventListener): this;
    /**
     * Listens to any other event, as EventEmitter does.
     *
     * @param event The event's name.
     * @param listener Called with the arguments the event is emitted with.
     */
    on(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** The same class as {@link http.HttpProxyOptions}. */
  export import HttpProxyOptions = http.HttpProxyOptions;
}
