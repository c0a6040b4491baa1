'use strict'
const { NativeClient } = require('../core/native-client')
const {
  MESSAGE_QOS_MASK,
  MESSAGE_DUP,
  MESSAGE_RETAIN,
  MESSAGE_PACKET_ID_SHIFT,
  ERROR_CODE_HTTP_WEBSOCKET_UPGRADE_FAILURE,
  SUBACK_FAILURE,
} = require('../core/native')
const { toBytes } = require('../core/payload')
const { nativeConfig, nativeAuth, websocketUrl } = require('./options')
const {
  ErrorWithReasonCode,
  ErrorWithSubackPacket,
  reasonText,
  connectionRefused,
  protocolViolation,
  errorOf,
  isDisconnectReceived,
  isHangup,
  DURING_ATTEMPT,
  ON_LINK,
  IN_OPERATION,
} = require('./errors')
const { toNative, fromNative, publishFromNative, publishPropertiesToNative, publishUserPropertiesToNative } = require('./properties')
const { invalidTopicIn } = require('./topics')
const { mqttjsPacket } = require('./packets')
const { checkQos, checkTopicString, describe, filtersOf, optionsByte, checkOptionsAndCallback } = require('./arguments')

/** MQTT 5's PUBACK codes that are no failure: success, and No matching subscribers. */
const NO_MATCHING_SUBSCRIBERS = 16
/** The codes MQTT.js lets `customHandleAcks` put on a PUBACK or PUBREC. */
const VALID_ACK_CODES = [0, 16, 128, 131, 135, 144, 145, 151, 153]

const PUBLISH = 0
const SUBSCRIBE = 1
const UNSUBSCRIBE = 2
const EMPTY_MESSAGE = Buffer.alloc(0)

/** 'newListener' and 'removeListener' listeners (one function each for all clients). */
function listenerAdded(event) {
  this._watchPackets(event, 1)
}

function listenerRemoved(event) {
  this._watchPackets(event, 0)
}

/** The outcome of `call(done)`, a Node-style call, as a promise; what it throws rejects. */
function promised(call) {
  return new Promise((resolve, reject) => call((error, result) => (error ? reject(error) : resolve(result))))
}

/**
 * MQTT.js's MqttClient on the native engine. Events and callbacks follow
 * MQTT.js 5; where mqtt-napi differs on purpose, README says so.
 */
class MqttClient extends NativeClient {
  /** `options` as `resolveOptions` made them; use `connect()` to make one. */
  constructor(options) {
    if (typeof options === 'function') {
      throw new TypeError('mqtt-napi opens its own streams: create clients with connect(url, options)')
    }
    super(nativeConfig(options))
    this.options = options
    /** MQTT 5: properties, reason codes and AUTH are spoken. */
    this._v5 = options.protocolVersion === 5
    /** MQTT 5: the properties of the latest CONNACK, as MQTT.js keeps them. */
    this.serverProperties = undefined
    this.connected = false
    this.reconnecting = false
    this.disconnecting = false
    this.disconnected = false
    /** Operations handed to the engine and not complete yet. */
    this._unfinished = 0
    /** A connect() whose first attempt has not ended yet. */
    this._firstAttempt = false
    this._lastMessageId = undefined
    this._ending = undefined
    this._endWhenIdle = false
    this._afterEnd = undefined
    /** Filters asked for, and their QoS: MQTT.js's `_resubscribeTopics` (made with the first). */
    this._subscribed = undefined
    /** The application's `handleMessage`, once it replaced MQTT.js's. */
    this._messageHandler = undefined
    this._reportingPackets = false
    this.on('newListener', listenerAdded)
    this.on('removeListener', listenerRemoved)
    // A subclass's handleMessage method counts as a replacement too.
    if (this.handleMessage !== acknowledgeAtOnce) this._adoptMessageHandler(this.handleMessage)
    if (options.customHandleAcks != null) this._nativeNow().decideReceipts(true)
    if (!options.manualConnect) this.connect()
  }

  /**
   * MQTT.js's hook, called with every message after its `message` event:
   * the QoS 1 PUBACK or QoS 2 PUBCOMP waits for `callback()` (acknowledgements
   * go out in arrival order; other traffic does not wait), and
   * `callback(error)` withholds it. Replace it on the client (or a subclass).
   */
  get handleMessage() {
    return this._messageHandler ?? acknowledgeAtOnce
  }

  set handleMessage(handler) {
    this._adoptMessageHandler(handler)
  }

  _adoptMessageHandler(handler) {
    if (typeof handler !== 'function') throw new TypeError(`handleMessage must be a function (got ${describe(handler)})`)
    const custom = handler !== acknowledgeAtOnce
    if (custom !== (this._messageHandler !== undefined)) this._nativeNow().deferAcknowledgements(custom)
    this._messageHandler = custom ? handler : undefined
  }

  /**
   * Packets are reported by the engine only while a `packetsend` or
   * `packetreceive` listener is attached: otherwise they cost nothing.
   */
  _watchPackets(event, adding) {
    if (event !== 'packetsend' && event !== 'packetreceive') return
    const wanted = adding + this.listenerCount('packetsend') + this.listenerCount('packetreceive') > 0
    if (wanted === this._reportingPackets) return
    this._reportingPackets = wanted
    this._nativeNow().reportPackets(wanted)
  }

  /** Opens the connection (needed only with `manualConnect`). */
  connect() {
    if (this.disconnected && !this.reconnecting) {
      this.disconnecting = false
      this.disconnected = false
    }
    this._holdProcess(true)
    this._firstAttempt = !this.connected && !this.reconnecting
    this._nativeNow().connect()
    return this
  }

  publish(topic, message, opts, callback) {
    if (typeof opts === 'function') {
      callback = opts
      opts = undefined
    }
    checkOptionsAndCallback(opts, callback)
    const qos = opts?.qos ?? 0
    const retain = opts?.retain ?? false
    checkTopicString(topic, 'topic')
    // MQTT.js sends null and undefined as an empty payload.
    message ??= EMPTY_MESSAGE
    if (typeof message !== 'string' && !ArrayBuffer.isView(message)) {
      throw new TypeError(`message must be a string, a Buffer, null or undefined (got ${describe(message)})`)
    }
    checkQos(qos, 'options.qos')
    if (typeof retain !== 'boolean') throw new TypeError(`options.retain must be a boolean (got ${describe(retain)})`)
    // DUP is the engine's to set on a resend; a wrong type is still a mistake to name.
    const dup = opts?.dup ?? false
    if (typeof dup !== 'boolean') throw new TypeError(`options.dup must be a boolean (got ${describe(dup)})`)
    const properties = this._v5 ? opts?.properties : undefined
    const nativeProperties = publishPropertiesToNative(properties, 'options.properties')
    const userProperties = publishUserPropertiesToNative(properties, 'options.properties')
    if (this._refuseWhileEnding(callback)) return this
    if (!topic.isWellFormed()) {
      this._failLater(callback, new TypeError(`topic must be well-formed Unicode (it holds a lone surrogate): ${JSON.stringify(topic)}`))
      return this
    }
    let id
    try {
      id = this._sendPublish(topic, toBytes(message, 'message'), qos, retain, 'message (the payload)', nativeProperties, userProperties)
    } catch (error) {
      this._failLater(callback, error)
      return this
    }
    this._unfinished++
    const awaited = this._failsAtOnce(qos, this.connected)
    this._pending(id, { kind: PUBLISH, callback, topic, message, qos, retain, properties, awaited })
    return this
  }

  publishAsync(topic, message, opts) {
    return promised((done) => this.publish(topic, message, opts, done))
  }

  subscribe(topicObject, opts, callback) {
    if (typeof opts === 'function') {
      callback = opts
      opts = undefined
    }
    checkOptionsAndCallback(opts, callback)
    const filters = filtersOf(topicObject, opts, this._v5)
    const invalid = invalidTopicIn(filters.map((filter) => filter.topic))
    if (invalid !== undefined) {
      this._failLater(callback, new Error(`Invalid topic ${invalid}`))
      return this
    }
    if (this._refuseWhileEnding(callback)) return this
    const wanted = this._notYetGranted(filters, topicObject?.resubscribe === true)
    if (wanted.length === 0) {
      callback?.(null, [])
      return this
    }
    const topics = wanted.map((filter) => filter.topic)
    const options = wanted.map((filter) => optionsByte(filter))
    const properties = this._v5 ? toNative(opts?.properties, 'options.properties') : undefined
    const sent = this._submit(SUBSCRIBE, callback, wanted, (id) => this._nativeNow().subscribe(id, topics, options, properties))
    if (sent && this._remembersSubscriptions()) {
      this._subscribed ??= new Map()
      for (const { topic, qos } of wanted) this._subscribed.set(topic, qos)
    }
    return this
  }

  /**
   * MQTT.js's rule: a filter already subscribed to at this QoS or higher
   * (since the client started, and not unsubscribed) is not asked for again,
   * unless the `resubscribe` key of a subscription map says so.
   */
  _notYetGranted(filters, resubscribe) {
    if (resubscribe) return filters
    return filters.filter(({ topic, qos }) => !(this._subscribed?.get(topic) >= qos))
  }

  /** MQTT.js remembers subscriptions only when it would restore them. */
  _remembersSubscriptions() {
    return this.options.resubscribe !== false && this.options.reconnectPeriod > 0
  }

  subscribeAsync(topicObject, opts) {
    return promised((done) => this.subscribe(topicObject, opts, done))
  }

  unsubscribe(topic, opts, callback) {
    if (typeof opts === 'function') {
      callback = opts
      opts = undefined
    }
    checkOptionsAndCallback(opts, callback)
    const topics = typeof topic === 'string' ? [topic] : topic
    if (!Array.isArray(topics)) {
      throw new TypeError(`topic must be a string or an array of strings (got ${describe(topic)})`)
    }
    topics.forEach((t, i) => checkTopicString(t, typeof topic === 'string' ? 'topic' : `topic[${i}]`))
    const invalid = invalidTopicIn(topics)
    if (invalid !== undefined) {
      this._failLater(callback, new Error(`Invalid topic ${invalid}`))
      return this
    }
    const properties = this._v5 ? toNative(opts?.properties, 'options.properties') : undefined
    if (this._refuseWhileEnding(callback)) return this
    this._submit(UNSUBSCRIBE, callback, undefined, (id) => this._nativeNow().unsubscribe(id, topics, properties))
    for (const t of topics) this._subscribed?.delete(t)
    return this
  }

  unsubscribeAsync(topic, opts) {
    return promised((done) => this.unsubscribe(topic, opts, done))
  }

  /**
   * Ends the connection. Without `force`, what is in flight on a live link is
   * acknowledged first and DISCONNECT goes out; with it, the link closes at
   * once without DISCONNECT, so the broker publishes the will.
   */
  end(force, opts, callback) {
    if (typeof force !== 'boolean') {
      callback = callback || opts
      opts = force
      force = false
    }
    if (typeof opts === 'function') {
      callback = callback || opts
      opts = undefined
    }
    checkOptionsAndCallback(opts, callback)
    callback = callback ?? undefined
    const disconnect = this._disconnectOf(opts)
    if (this.disconnecting) {
      if (this._ending && callback) this._ending.callbacks.push(callback)
      else if (callback) callback()
      return this
    }
    this.disconnecting = true
    this._ending = { force, disconnect, callbacks: callback ? [callback] : [] }
    this._awaitSettlement()
    // As MQTT.js: without force, what was asked before end() goes out first,
    // on the live link or on the one the first attempt is opening.
    if (!force && (this.connected || this._firstAttempt) && this._unfinished > 0) this._endWhenIdle = true
    else this._closeForEnd()
    return this
  }

  endAsync(force, opts) {
    return promised((done) => this.end(force, opts, done))
  }

  /** Connects again: at once when idle, after the end under way otherwise. */
  reconnect() {
    const restart = () => {
      this.disconnecting = false
      this.disconnected = false
      this._afterEnd = undefined
      this.emit('reconnect')
      if (this.connected) this.end(() => this.connect())
      else this.connect()
    }
    if (this.disconnecting && !this.disconnected) this._afterEnd = restart
    else restart()
    return this
  }

  /** The packet id of the latest acknowledged operation. */
  getLastMessageId() {
    return this._lastMessageId
  }

  removeOutgoingMessage() {
    throw new Error('removeOutgoingMessage is not supported by mqtt-napi: the native engine owns the outgoing queue')
  }

  /**
   * Hands an operation to the native side; what it rejects goes to
   * `callback`. Says whether the operation was taken.
   */
  _submit(kind, callback, filters, send) {
    let id
    try {
      id = this._send(send)
    } catch (error) {
      this._failLater(callback, error)
      return false
    }
    this._unfinished++
    this._pending(id, { kind, callback, filters })
    return true
  }

  /** MQTT.js's answer to an operation after end(): an error, never a send. */
  _refuseWhileEnding(callback) {
    if (!this.disconnecting) return false
    this._fail(callback, new Error('client disconnecting'))
    return true
  }

  _failLater(callback, error) {
    setImmediate(() => this._fail(callback, error))
  }

  /** An operation's error goes to its callback (with the packet that said so, if any), or else to 'error'. */
  _fail(callback, error, packet) {
    if (!callback) this.emit('error', error)
    else if (packet === undefined) callback(error)
    else callback(error, packet)
  }

  /**
   * MQTT 5: end()'s `{ reasonCode, properties }` as the engine's
   * DISCONNECT, checked by the engine before anything starts ending.
   */
  _disconnectOf(opts) {
    if (!this._v5 || opts == null) return undefined
    const reasonCode = opts.reasonCode ?? 0
    if (!Number.isInteger(reasonCode) || reasonCode < 0 || reasonCode > 255) {
      throw new RangeError(`options.reasonCode must be 0 to 255 (got ${describe(reasonCode)})`)
    }
    const disconnect = { reasonCode, properties: toNative(opts.properties, 'options.properties') }
    this._nativeNow().checkDisconnect(disconnect.reasonCode, disconnect.properties)
    return disconnect
  }

  /** Closes for end(): what is still unfinished then fails (`Connection closed`). */
  _closeForEnd() {
    this._endWhenIdle = false
    const { force, disconnect } = this._ending
    if (force) this._nativeNow().abort(true)
    else this._nativeNow().disconnect(true, disconnect?.reasonCode, disconnect?.properties)
  }

  _payloadOf(batch) {
    return batch.payload
  }

  _onMessage(failures, topic, payload, start, end, flags, ticket, properties, userProperties) {
    const handler = this._messageHandler
    // A ticket must be answered: only a message without one may go unseen.
    if (ticket === undefined && this.listenerCount('message') === 0 && handler === undefined) return
    const bytes = payload.subarray(start, end)
    const messageId = flags >>> MESSAGE_PACKET_ID_SHIFT
    const packet = {
      cmd: 'publish',
      retain: (flags & MESSAGE_RETAIN) !== 0,
      qos: flags & MESSAGE_QOS_MASK,
      dup: (flags & MESSAGE_DUP) !== 0,
      topic,
      payload: bytes,
      messageId: messageId === 0 ? undefined : messageId,
    }
    if (properties !== undefined || userProperties !== undefined) packet.properties = publishFromNative(properties, userProperties)
    const decide = this.options.customHandleAcks
    if (decide != null && packet.qos > 0) {
      this._decideAck(failures, decide, topic, bytes, packet, ticket)
      return
    }
    // Inline try/catch: no closure per message.
    try {
      this.emit('message', topic, bytes, packet)
    } catch (error) {
      failures.push(error)
    }
    if (handler !== undefined) this._handleMessage(failures, handler, packet, ticket)
  }

  /**
   * MQTT.js's `customHandleAcks(topic, payload, packet, done(error | code,
   * code))` decides the reason code of a QoS 1 PUBACK or QoS 2 PUBREC: 0
   * delivers the message (`message`, then `handleMessage`, whose answer a
   * QoS 1 PUBACK waits for); another valid code refuses it, undelivered; an
   * error, or a code MQTT.js does not allow, is emitted and nothing is
   * acknowledged.
   */
  _decideAck(failures, decide, topic, payload, packet, ticket) {
    let decided = false
    const done = (error, code) => {
      if (decided) return
      decided = true
      if (typeof error === 'number') [error, code] = [null, error]
      const step = packet.qos === 1 ? 'puback' : 'pubrec'
      if (!error && !VALID_ACK_CODES.includes(code)) error = new Error(`Wrong reason code for ${step}`)
      if (error) {
        this._acknowledge(ticket, false)
        this._emitLater('error', error)
      } else if (packet.qos === 2) {
        // The PUBREC goes now; an accepted message completes when the broker releases it.
        this._acknowledge(ticket, true, code)
        if (code === 0) this._deliver(packet, undefined, 0)
      } else {
        this._deliver(packet, ticket, code)
      }
    }
    try {
      decide(topic, payload, packet, done)
    } catch (error) {
      // An ordinary uncaught exception; the message stays unacknowledged.
      failures.push(error)
      if (!decided) {
        decided = true
        this._acknowledge(ticket, false)
      }
    }
  }

  /**
   * A message decided on, as MQTT.js: `message` if `reasonCode` is 0, then
   * `handleMessage`, whose answer releases `ticket` (if any) with `reasonCode`.
   */
  _deliver(packet, ticket, reasonCode) {
    const failures = []
    if (reasonCode === 0) {
      try {
        this.emit('message', packet.topic, packet.payload, packet)
      } catch (error) {
        failures.push(error)
      }
    }
    this._handleMessage(failures, this.handleMessage, packet, ticket, reasonCode)
    for (const error of failures) {
      process.nextTick(() => {
        throw error
      })
    }
  }

  _acknowledge(ticket, send, reasonCode) {
    this._nativeNow().acknowledge(ticket, send, reasonCode)
    this._flushSoon()
  }

  /** Emits on a later tick: a listener's throw then never unwinds into the caller. */
  _emitLater(event, ...args) {
    process.nextTick(() => this.emit(event, ...args))
  }

  /** Runs the application's handleMessage; its answer releases (or withholds) the acknowledgement. */
  _handleMessage(failures, handler, packet, ticket, reasonCode = 0) {
    let answered = false
    const done = (error) => {
      if (answered || ticket === undefined) return
      answered = true
      this._acknowledge(ticket, !error, reasonCode)
    }
    try {
      handler.call(this, packet, done)
    } catch (error) {
      failures.push(error)
      done(error)
    }
  }

  /** A staged publish the engine refused (see NativeClient._handOverStaged): its callback hears it later. */
  _refused(operation, error) {
    this._unfinished--
    this._failLater(operation.callback, error)
    if (this._endWhenIdle && this._unfinished === 0) this._closeForEnd()
  }

  _onCompletion(failures, id, errorCode, packetId, records, codesAt, codeCount, properties, detail) {
    const operation = this._settle(id)
    if (operation === undefined) return
    const { kind, callback } = operation
    this._unfinished--
    if (packetId !== 0) this._lastMessageId = packetId
    try {
      if (errorCode !== 0) this._fail(callback, errorOf(errorCode, IN_OPERATION, detail))
      else if (kind === PUBLISH) this._published(operation, packetId, codeCount > 0 ? records[codesAt] : 0, properties)
      else {
        const codes = Array.from(records.subarray(codesAt, codesAt + codeCount))
        const ack = { messageId: packetId, codes, properties: fromNative(properties) }
        if (kind === SUBSCRIBE) this._granted(operation, ack)
        else callback?.(null, this._unsuback(ack))
      }
    } catch (error) {
      failures.push(error)
    }
    if (this._endWhenIdle && this._unfinished === 0) this._closeForEnd()
  }

  /**
   * A publish's end. In MQTT 5 a PUBACK or PUBREC with a code other than
   * success and No matching subscribers fails it, as in MQTT.js, with the
   * acknowledgement as the callback's second argument; else the callback
   * gets what MQTT.js gives: nothing at QoS 0, the PUBLISH sent at QoS 1,
   * the PUBREL it stored at QoS 2.
   */
  _published(operation, messageId, reasonCode, properties) {
    const { callback, topic, message, qos, retain } = operation
    if (reasonCode !== 0 && reasonCode !== NO_MATCHING_SUBSCRIBERS) {
      const error = new ErrorWithReasonCode(`Publish error: ${reasonText(reasonCode)}`, reasonCode)
      const packet = { cmd: qos === 1 ? 'puback' : 'pubrec', messageId, reasonCode }
      if (properties !== undefined) packet.properties = fromNative(properties)
      this._fail(callback, error, packet)
      return
    }
    if (callback === undefined) return
    if (qos === 0) callback(null, undefined)
    else if (qos === 2) callback(null, { cmd: 'pubrel', qos: 2, messageId })
    else {
      const sent = { cmd: 'publish', topic, payload: message, qos, retain, dup: false, messageId }
      if (operation.properties !== undefined) sent.properties = operation.properties
      callback(null, sent)
    }
  }

  /** What MQTT.js passes a successful unsubscribe's callback: the UNSUBACK (MQTT 5: its codes in `granted`). */
  _unsuback({ messageId, codes, properties }) {
    const unsuback = { cmd: 'unsuback', messageId }
    if (this._v5) unsuback.granted = codes
    if (properties !== undefined) unsuback.properties = properties
    return unsuback
  }

  /**
   * A SUBACK: in MQTT 3.1.1 `granted` says each filter's code, 128 where
   * refused; in MQTT 5, as in MQTT.js, each subscription as asked with `qos`
   * the granted code, or as asked when any is refused. A refusal makes the
   * call an error carrying the SUBACK (MQTT.js's `ErrorWithSubackPacket`),
   * also the third argument.
   */
  _granted({ callback, filters }, { messageId, codes, properties }) {
    const suback = { cmd: 'suback', messageId, granted: Array.from(codes) }
    if (properties !== undefined) suback.properties = properties
    const refused = codes.find((code) => (code & SUBACK_FAILURE) !== 0)
    // As MQTT.js: one refusal drops every filter of the SUBSCRIBE from those held.
    if (refused !== undefined) for (const { topic } of filters) this._subscribed?.delete(topic)
    const granted = this._v5
      ? filters.map((filter, i) => (refused === undefined ? { ...filter, qos: codes[i] } : filter))
      : filters.map(({ topic }, i) => ({ topic, qos: codes[i] ?? SUBACK_FAILURE }))
    if (refused === undefined) {
      callback?.(null, granted, suback)
      return
    }
    const error = new ErrorWithSubackPacket(`Subscribe error: ${reasonText(refused)}`, suback)
    if (callback) callback(error, granted, suback)
    else this.emit('error', error)
  }

  _onConnectionEvent(event) {
    switch (event.kind) {
      case 'connection_success':
        this.connected = true
        this.reconnecting = false
        this._firstAttempt = false
        this.emit('connect', this._connack(event))
        break
      case 'auth':
        this._answerAuth(event)
        break
      case 'connection_failure':
        this._onAttemptFailed(event)
        break
      case 'interrupt':
        this._onLinkLost(event)
        break
      case 'reconnecting':
        if (!this.disconnecting) this.emit('reconnect')
        break
      case 'disconnect':
        this._onDisconnected()
        break
      case 'websocket_handshake':
        this._transformHandshake(event)
        break
      case 'packet_sent':
        this.emit('packetsend', mqttjsPacket(event.packet, this._v5))
        break
      case 'packet_received':
        this.emit('packetreceive', mqttjsPacket(event.packet, this._v5))
        break
    }
  }

  /** The `connect` event's CONNACK, as MQTT.js gives it for the protocol version. */
  _connack(event) {
    const connack = { cmd: 'connack', retain: false, qos: 0, dup: false, length: 2, topic: null, payload: null }
    connack.sessionPresent = event.sessionPresent === true
    if (!this._v5) return { ...connack, returnCode: 0 }
    this.serverProperties = fromNative(event.properties)
    connack.reasonCode = 0
    if (this.serverProperties !== undefined) connack.properties = this.serverProperties
    return connack
  }

  /**
   * The broker's AUTH challenge goes to `handleAuth(packet, callback)`:
   * `callback(null, reply)` sends the reply (its `reasonCode` 0x18 if left
   * out); `callback(error)` emits the error and sends nothing, so the
   * attempt runs out of `connectTimeout` (or the broker ends it).
   */
  _answerAuth(event) {
    const packet = { cmd: 'auth', reasonCode: event.reasonCode, properties: fromNative(event.properties) }
    this.handleAuth(packet, (error, reply) => {
      if (error) {
        this.emit('error', error)
        return
      }
      if (reply == null) return
      try {
        const { reasonCode, properties } = nativeAuth({ reasonCode: 0x18, ...reply }, 'the handleAuth reply')
        this._nativeNow().authenticate(reasonCode, properties)
      } catch (failure) {
        this.emit('error', failure)
      }
    })
  }

  /**
   * MQTT.js's hook for the broker's AUTH challenges (MQTT 5 enhanced
   * authentication): answer through `callback(error, replyAuthPacket)`.
   * Replace it on the client. Without an answer the attempt times out.
   */
  handleAuth(packet, callback) {
    callback()
  }

  _onAttemptFailed(event) {
    this._firstAttempt = false
    // An attempt that end() cut short (or waited for in vain) is no failure
    // to report; what end() waited to send fails with `Connection closed`.
    if (this.disconnecting) {
      if (this._endWhenIdle) this._closeForEnd()
      return
    }
    const refused = connectionRefused(event)
    this.emit('error', refused ?? errorOf(event.errorCode, DURING_ATTEMPT, event.errorDetail))
    if ((refused && !this.options.reconnectOnConnackError) || this.options.reconnectPeriod === 0) {
      this._stopRetrying()
      return
    }
    this._goOffline()
  }

  _onLinkLost(event) {
    this.connected = false
    if (isDisconnectReceived(event)) {
      // MQTT 5: the broker said why; MQTT.js reports it as 'disconnect', not as an error.
      const packet = { cmd: 'disconnect', reasonCode: event.reasonCode }
      const properties = fromNative(event.properties)
      if (properties !== undefined) packet.properties = properties
      this.emit('disconnect', packet)
    } else if (!isHangup(event)) {
      // A broker hanging up is a close, not an error, in MQTT.js too.
      this.emit('error', protocolViolation(event) ?? errorOf(event.errorCode, ON_LINK, event.errorDetail))
    }
    if (this.disconnecting) {
      this.emit('close')
      if (this._endWhenIdle) this._closeForEnd()
    } else if (this.options.reconnectPeriod === 0) {
      this._stopRetrying()
    } else {
      this._goOffline()
    }
  }

  /** MQTT.js's order: 'offline' once per outage, then 'close'. */
  _goOffline() {
    if (!this.reconnecting) {
      this.reconnecting = true
      this.emit('offline')
    }
    this.emit('close')
  }

  /** No more attempts; the native 'disconnect' then lets the process go. */
  _stopRetrying() {
    this._nativeNow().disconnect()
    this.emit('close')
  }

  _onDisconnected() {
    const wasConnected = this.connected
    this.connected = false
    this.reconnecting = false
    this._firstAttempt = false
    this._holdProcess(false)
    const ending = this._ending
    if (ending === undefined) return
    if (wasConnected) this.emit('close')
    this._ending = undefined
    process.nextTick(() => {
      this.disconnected = true
      this._settled()
      this.emit('end')
      for (const callback of ending.callbacks) callback()
      this._afterEnd?.()
    })
  }

  /**
   * Each WebSocket attempt's upgrade request: the path of the URL (or of
   * what `transformWsUrl` made of it) and `wsOptions.headers`. Credentials
   * the transform put in `client.options` go into this attempt's CONNECT.
   */
  _transformHandshake(event) {
    const headers = event.requestHeaders.slice()
    let path = this.options.path || '/'
    let answer = { code: 0, message: null }
    try {
      const transform = this.options.transformWsUrl
      if (transform) {
        const original = new URL(websocketUrl(this.options))
        const { username, password } = this.options
        const url = new URL(transform(original.href, this.options, this))
        if (url.host !== original.host) {
          throw new Error(`it may change the path and query only, not the host (${original.host} became ${url.host})`)
        }
        path = url.pathname + url.search
        if (this.options.username !== username || this.options.password !== password) {
          this._nativeNow().setCredentials(this.options.username ?? undefined, this.options.password?.toString())
        }
      }
      for (const [name, value] of Object.entries(this.options.wsOptions?.headers ?? {})) {
        headers.push(name, String(value))
      }
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error)
      answer = { code: ERROR_CODE_HTTP_WEBSOCKET_UPGRADE_FAILURE, message: `transformWsUrl: ${text}` }
    }
    this._nativeNow().websocketTransformed(event.attempt, answer.code, answer.message, event.requestMethod, path, headers)
  }
}

/** MQTT.js's default handleMessage: acknowledge at once (the engine does, without asking). */
function acknowledgeAtOnce(packet, callback) {
  callback()
}

/** MQTT.js's `MqttClient.VERSION`: here, mqtt-napi's version. */
MqttClient.VERSION = require('../../package.json').version

module.exports = { MqttClient }
