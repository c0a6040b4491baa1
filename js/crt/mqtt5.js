'use strict'
// aws-crt's `mqtt5` module: Mqtt5Client on the engine, with aws-crt's
// events, packets and error codes, QoS 2, and promises that always settle.

const { NativeClient } = require('../core/native-client')
const { CrtError } = require('./error')
const http = require('./http')
const { transformHandshake } = require('./handshake')
const { nativeConfig, usesIotCoreLimits } = require('./mqtt5-config')
const enums = require('./mqtt5-enums')
const packets = require('./mqtt5-packets')
const { checkIotCoreTopic, checkIotCoreSubscribe } = require('./mqtt5-iot-core')
const native = require('../core/native')

const { PacketType, AuthReasonCode } = enums
const { MESSAGE_QOS_MASK, MESSAGE_RETAIN, MAX_PACKET_BYTES } = native
const CODES = native.mqtt5ErrorCodes()
const ERROR_MQTT_TIMEOUT = 5129
const ERROR_PROTOCOL = 5130
const ERROR_NOT_CONNECTED = 5131
const ERROR_UNEXPECTED_HANGUP = 5134
const ERROR_CONNECTION_SHUTDOWN = 5135
const ERROR_CONNECTION_DISCONNECTING = 5137
const ERROR_CANCELLED_FOR_CLEAN_SESSION = 5138
const ERROR_DISCONNECT_RECEIVED = 5154
const ERROR_CONNACK_REFUSED = 5150
const ERROR_SOCKET_CLOSED = 1051

const PUBLISH = 0
const SUBSCRIBE = 1
const UNSUBSCRIBE = 2

/**
 * aws-crt's code for the failure of an operation of `kind`, where its MQTT 5
 * client names it otherwise; `ended` is the user's: `stop` or `close`, or
 * undefined.
 */
function operationCode(code, kind, ended) {
  switch (code) {
    case CODES.publishOptionsValidation:
      // What the broker does not take (a wildcard, a shared subscription, ...).
      return kind === SUBSCRIBE ? CODES.subscribeOptionsValidation : code
    case ERROR_CONNECTION_SHUTDOWN:
    case ERROR_CONNECTION_DISCONNECTING:
      if (ended === 'close') return CODES.clientTerminated
      return ended === 'stop' ? CODES.userRequestedStop : CODES.offlineQueuePolicy
    case ERROR_NOT_CONNECTED:
    case ERROR_CANCELLED_FOR_CLEAN_SESSION:
      return CODES.offlineQueuePolicy
    default:
      return code
  }
}

/** aws-crt's code for why an attempt failed (`established` false) or a link ended. */
function linkCode(code, established) {
  switch (code) {
    case ERROR_MQTT_TIMEOUT:
      return established ? CODES.pingResponseTimeout : CODES.connackTimeout
    case ERROR_PROTOCOL:
      return CODES.decodeProtocolError
    case ERROR_UNEXPECTED_HANGUP:
      return ERROR_SOCKET_CLOSED
    default:
      return code
  }
}

/** A CrtError of `code` whose message says `detail` (a check's message) when given. */
function crtError(code, detail) {
  return new CrtError(code, { detail })
}

/** An operation's bad argument as a CrtError of `code` naming the field. */
function validationError(code, error) {
  return error instanceof CrtError ? error : crtError(code, error instanceof Error ? error.message : String(error))
}

/**
 * The acknowledgement handle of a received QoS 1/2 message, as aws-crt's
 * `acknowledgementControl` gives it: taken at most once.
 */
class PublishAcknowledgementHandle {
  constructor(acknowledge) {
    this._acknowledge = acknowledge
  }

  invokeAcknowledgement() {
    const acknowledge = this._acknowledge
    this._acknowledge = undefined
    if (acknowledge) acknowledge()
  }
}

class PublishAcknowledgementHandleWrapper {
  constructor(handle) {
    this._handle = handle
  }

  acquireHandle() {
    const handle = this._handle
    this._handle = null
    return handle
  }
}

/**
 * `messageReceived`'s payload: the `message`, and for a QoS 1/2 message its
 * `acknowledgementControl`, made only when a listener reads it.
 */
class MessageReceivedEvent {
  #client
  #ticket
  #control

  constructor(message, client, ticket) {
    this.message = message
    this.#client = client
    this.#ticket = ticket
  }

  get acknowledgementControl() {
    if (this.#ticket === undefined) return undefined
    this.#control ??= new PublishAcknowledgementHandleWrapper(
      new PublishAcknowledgementHandle(() => this.#client._acknowledge(this.#ticket)),
    )
    return this.#control
  }

  /** After the listeners: the acknowledgement goes out unless one of them took the handle. */
  settle() {
    if (this.#ticket === undefined) return
    if (this.#control === undefined) this.#client._acknowledge(this.#ticket)
    else this.#control.acquireHandle()?.invokeAcknowledgement()
  }
}

class Mqtt5Client extends NativeClient {
  constructor(config) {
    const engineConfig = nativeConfig(config)
    super(engineConfig)
    this.config = config
    /** What CONNECT says, as the config made it: the NegotiatedSettings report it. */
    this._connect = {
      keepAliveSecs: engineConfig.keepAliveSecs,
      sessionExpiryInterval: engineConfig.connectProperties.sessionExpiryInterval ?? 0,
      topicAliasMaximum: engineConfig.connectProperties.topicAliasMaximum ?? 0,
    }
    this._iotCore = usesIotCoreLimits(config)
    this._authentication = config.enhancedAuthentication ?? undefined
    this._started = false
    /** `stop` or `close` while the engine ends what is unfinished; else undefined. */
    this._ending = undefined
    /** start() came while a stop was under way: the client goes on once it is done. */
    this._restarting = false
    this._connected = false
    this._closed = false
    this._clientId = engineConfig.clientId
    // Every QoS 1/2 message waits for its acknowledgement: after the
    // listeners, unless one took the handle.
    this._nativeNow().deferAcknowledgements(true)
  }

  /** Connects, and reconnects with backoff whenever the link is lost, until `stop()`. */
  start() {
    if (this._closed) throw crtError(CODES.clientTerminated, 'start() after close(): make a new Mqtt5Client')
    if (this._started && this._ending === undefined) return
    this._restarting = this._ending !== undefined
    this._started = true
    this._holdProcess(true)
    this._nativeNow().connect()
    this._emitSoon('attemptingConnect', {})
  }

  /**
   * Ends the link (with `disconnectPacket`'s DISCONNECT) and the session:
   * what is unfinished fails with AWS_ERROR_MQTT5_USER_REQUESTED_STOP.
   */
  stop(disconnectPacket) {
    const { reasonCode, properties } = packets.disconnectToNative(disconnectPacket, 'disconnectPacket')
    try {
      this._nativeNow().checkDisconnect(reasonCode, properties)
    } catch (error) {
      throw new RangeError(`disconnectPacket is invalid: ${error.message}`)
    }
    // Also cancels a start() made while an earlier stop was under way.
    if (this._started) this._end('stop', reasonCode, properties)
  }

  /** Stops the client for good: later operations reject with AWS_ERROR_MQTT5_CLIENT_TERMINATED. */
  close() {
    if (this._closed) return
    this._closed = true
    // Operations made while it was never started fail too.
    if (this._ending === undefined) this._end('close', 0, undefined)
    else this._ending = 'close'
  }

  _end(how, reasonCode, properties) {
    if (this._ending === undefined) this._awaitSettlement()
    this._ending = how
    this._restarting = false
    this._nativeNow().disconnect(true, reasonCode, properties)
  }

  publish(packet) {
    let id
    let qos
    try {
      this._checkOpen()
      const publish = packets.publishToNative(packet, 'packet')
      if (this._iotCore) checkIotCoreTopic(publish.topic, 'packet.topicName')
      qos = publish.qos
      const { topic, payload, retain, properties, userProperties } = publish
      id = this._sendPublish(topic, payload, qos, retain, 'packet.payload', properties, userProperties)
    } catch (error) {
      return Promise.reject(validationError(CODES.publishOptionsValidation, error))
    }
    return this._promiseOf(id, PUBLISH, qos, this._failsAtOnce(qos, this._connected))
  }

  subscribe(packet) {
    return this._submit(SUBSCRIBE, CODES.subscribeOptionsValidation, (id) => {
      const subscribe = packets.subscribeToNative(packet, 'packet')
      if (this._iotCore) checkIotCoreSubscribe(subscribe.filters, 'packet.subscriptions')
      this._nativeNow().subscribe(id, subscribe.filters, subscribe.options, subscribe.properties)
    })
  }

  unsubscribe(packet) {
    return this._submit(UNSUBSCRIBE, CODES.unsubscribeOptionsValidation, (id) => {
      const unsubscribe = packets.unsubscribeToNative(packet, 'packet')
      if (this._iotCore) unsubscribe.filters.forEach((filter, i) => checkIotCoreTopic(filter, `packet.topicFilters[${i}]`))
      this._nativeNow().unsubscribe(id, unsubscribe.filters, unsubscribe.properties)
    })
  }

  getOperationalStatistics() {
    const statistics = this._nativeNow().statistics()
    return {
      incompleteOperationCount: statistics.incompleteOperationCount,
      incompleteOperationSize: statistics.incompleteOperationSize,
      unackedOperationCount: statistics.unackedOperationCount,
      unackedOperationSize: statistics.unackedOperationSize,
    }
  }

  /** @deprecated aws-crt's older name of getOperationalStatistics(). */
  getQueueStatistics() {
    return this.getOperationalStatistics()
  }

  _checkOpen() {
    if (this._closed) throw crtError(CODES.clientTerminated, 'the client is closed: make a new Mqtt5Client')
  }

  /** Hands operation `kind` over through `send(id)`; what it throws rejects as a CrtError of `code`. */
  _submit(kind, code, send) {
    let id
    try {
      this._checkOpen()
      id = this._send(send)
    } catch (error) {
      return Promise.reject(validationError(code, error))
    }
    return this._promiseOf(id, kind, undefined, this._subscriptionFailsAtOnce(this._connected))
  }

  _promiseOf(id, kind, qos, awaited) {
    return new Promise((resolve, reject) => {
      this._pending(id, { kind, qos, awaited, resolve, reject })
    })
  }

  /** Emits on a later tick, as aws-crt emits every event. */
  _emitSoon(event, payload) {
    process.nextTick(() => this.emit(event, payload))
  }

  _payloadOf(batch) {
    const { buffer, byteOffset, byteLength } = batch.payload
    return new Uint8Array(buffer, byteOffset, byteLength)
  }

  _onMessage(failures, topic, payload, start, end, flags, ticket, properties, userProperties) {
    const message = {
      type: PacketType.Publish,
      topicName: topic,
      payload: payload.slice(start, end).buffer,
      qos: flags & MESSAGE_QOS_MASK,
      retain: (flags & MESSAGE_RETAIN) !== 0,
      // Always a list, as aws-crt gives it.
      userProperties: [],
    }
    if (properties !== undefined) addMessageProperties(message, properties)
    if (userProperties !== undefined) {
      for (let i = 0; i + 1 < userProperties.length; i += 2) {
        message.userProperties.push({ name: userProperties[i], value: userProperties[i + 1] })
      }
    }
    const event = new MessageReceivedEvent(message, this, ticket)
    try {
      this.emit('messageReceived', event)
    } catch (error) {
      failures.push(error)
    }
    event.settle()
  }

  /** The message of `ticket` is done with: its acknowledgement goes out. */
  _acknowledge(ticket) {
    this._nativeNow().acknowledge(ticket, true)
    this._flushSoon()
  }

  /** A staged publish the engine refused (see NativeClient._handOverStaged). */
  _refused(operation, error) {
    operation.reject(validationError(CODES.publishOptionsValidation, error))
  }

  _onCompletion(failures, id, errorCode, packetId, records, codesAt, codeCount, properties, detail) {
    const operation = this._settle(id)
    if (!operation) return
    if (errorCode !== 0) {
      operation.reject(crtError(operationCode(errorCode, operation.kind, this._ending), detail))
      return
    }
    if (operation.kind === PUBLISH) {
      operation.resolve(operation.qos === 0 ? undefined : packets.pubackFromNative(records[codesAt] ?? 0, properties))
      return
    }
    const codes = Array.from(records.subarray(codesAt, codesAt + codeCount))
    switch (operation.kind) {
      case SUBSCRIBE:
        operation.resolve(packets.ackFromNative(PacketType.Suback, codes, properties))
        break
      case UNSUBSCRIBE:
        operation.resolve(packets.ackFromNative(PacketType.Unsuback, codes, properties))
        break
    }
  }

  _onConnectionEvent(event) {
    switch (event.kind) {
      case 'connection_success':
        this._onConnected(event)
        break
      case 'connection_failure': {
        const refused = event.errorCode === ERROR_CONNACK_REFUSED
        const failure = { error: this._linkError(event, false) }
        if (refused) failure.connack = packets.connackFromNative(false, event.reasonCode, event.properties)
        this._emitSoon('connectionFailure', failure)
        break
      }
      case 'interrupt':
        this._connected = false
        this._emitSoon('disconnection', this._disconnection(event))
        break
      case 'reconnecting':
        this._emitSoon('attemptingConnect', {})
        break
      case 'disconnect':
        this._onStopped()
        break
      case 'auth':
        this._answerChallenge(event)
        break
      case 'websocket_handshake':
        transformHandshake(this._native, this.config.websocketHandshakeTransform, event)
        break
    }
  }

  _onConnected(event) {
    this._connected = true
    const connack = packets.connackFromNative(event.sessionPresent === true, 0, event.properties)
    const negotiated = event.negotiated
    if (negotiated.assignedClientIdentifier) this._clientId = negotiated.assignedClientIdentifier
    const connect = this._connect
    const settings = {
      maximumQos: negotiated.maximumQos,
      sessionExpiryInterval: negotiated.sessionExpiryInterval ?? connect.sessionExpiryInterval,
      receiveMaximumFromServer: negotiated.receiveMaximum,
      maximumPacketSizeToServer: negotiated.maximumPacketSize ?? MAX_PACKET_BYTES,
      topicAliasMaximumToServer: negotiated.topicAliasMaximum,
      topicAliasMaximumToClient: connect.topicAliasMaximum,
      serverKeepAlive: negotiated.serverKeepAlive ?? connect.keepAliveSecs,
      retainAvailable: negotiated.retainAvailable,
      wildcardSubscriptionsAvailable: negotiated.wildcardSubscriptionAvailable,
      subscriptionIdentifiersAvailable: negotiated.subscriptionIdentifiersAvailable,
      sharedSubscriptionsAvailable: negotiated.sharedSubscriptionAvailable,
      rejoinedSession: event.sessionPresent === true,
      clientId: this._clientId,
    }
    this._emitSoon('connectionSuccess', { connack, settings })
  }

  /** The `disconnection` event of a link that ended (`event` an interrupt, or none: a stop). */
  _disconnection(event) {
    if (event === undefined) return { error: crtError(CODES.userRequestedStop) }
    const disconnection = { error: this._linkError(event, true) }
    if (event.errorCode === ERROR_DISCONNECT_RECEIVED) {
      disconnection.disconnect = packets.disconnectFromNative(event.reasonCode ?? 0, event.properties)
    }
    return disconnection
  }

  _linkError(event, established) {
    return new CrtError(linkCode(event.errorCode, established), {
      detail: event.errorDetail,
      http_status: event.httpStatus,
    })
  }

  /**
   * The engine ended what stop() or close() asked: `disconnection` (if a
   * link was up), then `stopped` (if the client had been started).
   */
  _onStopped() {
    const wasConnected = this._connected
    const wasStarted = this._started
    this._connected = false
    if (this._ending !== undefined) this._settled()
    this._ending = undefined
    if (this._restarting) this._restarting = false
    else {
      this._started = false
      this._holdProcess(false)
    }
    process.nextTick(() => {
      if (wasConnected) this.emit('disconnection', this._disconnection(undefined))
      if (wasStarted) this.emit('stopped', {})
    })
  }

  /** The broker's AUTH challenge, answered with what `enhancedAuthentication.onChallenge` returns. */
  _answerChallenge(event) {
    const authentication = this._authentication
    if (!authentication) return
    const challenge = packets.authFromNative(event.reasonCode, event.properties)
    Promise.resolve()
      .then(() => authentication.onChallenge(challenge))
      .then((response) => {
        const properties = packets.authResponseToNative(response, 'the onChallenge answer', authentication.method)
        this._nativeNow().authenticate(AuthReasonCode.ContinueAuthentication, properties)
        this._flushSoon()
      })
      .catch((error) => this.emit('error', error instanceof Error ? error : new CrtError(String(error))))
  }
}


/** A received message's properties (NativePublishProperties) under aws-crt's names. */
function addMessageProperties(message, properties) {
  if (properties.payloadFormatIndicator !== undefined) message.payloadFormat = properties.payloadFormatIndicator
  if (properties.messageExpiryInterval !== undefined) {
    message.messageExpiryIntervalSeconds = properties.messageExpiryInterval
  }
  if (properties.topicAlias !== undefined) message.topicAlias = properties.topicAlias
  if (properties.responseTopic !== undefined) message.responseTopic = properties.responseTopic
  if (properties.correlationData !== undefined) message.correlationData = packets.arrayBufferOf(properties.correlationData)
  if (properties.subscriptionIdentifiers !== undefined) message.subscriptionIdentifiers = properties.subscriptionIdentifiers
  if (properties.contentType !== undefined) message.contentType = properties.contentType
}

Object.assign(Mqtt5Client, {
  ERROR: 'error',
  MESSAGE_RECEIVED: 'messageReceived',
  ATTEMPTING_CONNECT: 'attemptingConnect',
  CONNECTION_SUCCESS: 'connectionSuccess',
  CONNECTION_FAILURE: 'connectionFailure',
  DISCONNECTION: 'disconnection',
  STOPPED: 'stopped',
})

module.exports = {
  ...enums,
  Mqtt5Client,
  PublishAcknowledgementHandle,
  PublishAcknowledgementHandleWrapper,
  HttpProxyOptions: http.HttpProxyOptions,
}
