'use strict'
const { EventEmitter } = require('events')
const { NativeConnection } = require('./native')
const { CrtError } = require('./error')
const { toBytes } = require('./payload')
const { Subscriptions } = require('./dispatch')
const http = require('./http')
const { numericEnum } = require('./enum')

const QoS = numericEnum({ AtMostOnce: 0, AtLeastOnce: 1, ExactlyOnce: 2 })

/** Error codes the wrapper itself produces (names in the native table). */
const MQTT_ALREADY_CONNECTED = 5132
const HTTP_WEBSOCKET_UPGRADE_FAILURE = 2065
const MQTT_CONNECTION_DISCONNECTING = 5137

const PUBLISH = 0
const SUBSCRIBE = 1
const UNSUBSCRIBE = 2

/** Period of the timer that holds a wanted connection (it never needs to fire). */
const KEEP_ALIVE_MS = 2 ** 30

class MqttWill {
  constructor(topic, qos, payload, retain = false) {
    Object.defineProperties(this, {
      topic: { value: topic, enumerable: true },
      qos: { value: qos, enumerable: true },
      payload: { value: payload, enumerable: true },
      retain: { value: retain, enumerable: true },
    })
  }
}

function check(condition, ErrorClass, message) {
  if (!condition) throw new ErrorClass(message)
}

// The checks on the publish path build their message only when they fail.
function checkTopic(topic) {
  if (typeof topic !== 'string') throw new TypeError(`topic must be a string (got ${typeof topic})`)
}

function checkQos(qos) {
  if (typeof qos !== 'number') throw new TypeError(`qos must be a QoS number 0, 1 or 2 (got ${typeof qos})`)
}

/** Calls a message callback; what it throws is kept for later. */
function deliver(failures, callback, topic, bytes, dup, qos, retain) {
  try {
    callback(topic, bytes, dup, qos, retain)
  } catch (error) {
    failures.push(error)
  }
}

/** The config as the native side reads it: the will's payload as bytes. */
function nativeConfig(config) {
  check(config !== null && typeof config === 'object', TypeError, 'config must be an MqttConnectionConfig object')
  const will = config.will
  if (will === null || will === undefined || typeof will !== 'object') return config
  return {
    ...config,
    will: {
      topic: will.topic,
      qos: will.qos,
      payload: toBytes(will.payload, 'config.will.payload'),
      retain: will.retain,
    },
  }
}

class MqttClientConnection extends EventEmitter {
  constructor(client, config) {
    super()
    this.client = client
    this.config = config
    // The native side holds this callback for good; a weak link lets an idle,
    // unreferenced connection be collected (which closes its native half).
    const self = new WeakRef(this)
    this._native = new NativeConnection(nativeConfig(config), (batch) => self.deref()?._drain(batch))
    // Pending operations by id; ids of finished ones are reused, so the
    // table stays a small dense array.
    this._operations = []
    this._freeIds = []
    this._subscriptions = new Subscriptions()
    this._catchAll = undefined
    this._connecting = undefined
    this._disconnecting = []
    this._connected = false
    this._keepAlive = undefined
    this._flushScheduled = false
    // aws-crt installs a no-op listener so an unhandled 'error' never throws.
    this.on('error', () => {})
  }

  connect() {
    if (this._connected) return Promise.reject(new CrtError(MQTT_ALREADY_CONNECTED))
    if (this._connecting) return this._connecting.promise
    const attempt = {}
    attempt.promise = new Promise((resolve, reject) => {
      attempt.resolve = resolve
      attempt.reject = reject
    })
    this._connecting = attempt
    this._holdProcess(true)
    this._native.connect()
    return attempt.promise
  }

  /** @deprecated aws-crt's name; resolves like connect(). */
  reconnect() {
    return this.connect()
  }

  // The hot path: _submit's work written out, without a closure per call.
  publish(topic, payload, qos, retain = false) {
    const id = this._takeId()
    try {
      checkTopic(topic)
      checkQos(qos)
      if (typeof retain !== 'boolean') throw new TypeError(`retain must be a boolean (got ${typeof retain})`)
      this._native.publish(id, topic, toBytes(payload, 'payload'), qos, retain)
    } catch (error) {
      this._returnId(id)
      return Promise.reject(error)
    }
    return this._pendingOn(id, PUBLISH, undefined)
  }

  subscribe(topic, qos, on_message) {
    return this._submit(SUBSCRIBE, { topic, callback: on_message }, (id) => {
      checkTopic(topic)
      checkQos(qos)
      check(
        on_message === undefined || on_message === null || typeof on_message === 'function',
        TypeError,
        `on_message must be a function (got ${typeof on_message})`,
      )
      this._native.subscribe(id, [topic], [qos])
      if (on_message) this._subscriptions.set(topic, on_message)
    })
  }

  unsubscribe(topic) {
    return this._submit(UNSUBSCRIBE, { topic }, (id) => {
      checkTopic(topic)
      this._native.unsubscribe(id, [topic])
    })
  }

  on_message(callback) {
    check(typeof callback === 'function', TypeError, `callback must be a function (got ${typeof callback})`)
    this._catchAll = callback
  }

  disconnect() {
    return new Promise((resolve) => {
      this._disconnecting.push(resolve)
      this._native.disconnect()
    })
  }

  getOperationalStatistics() {
    return this._native.statistics()
  }

  getQueueStatistics() {
    return this.getOperationalStatistics()
  }

  /**
   * Hands operation `kind` to the native side through `send(id)`; a throw
   * from `send` rejects the promise and frees the id.
   */
  _submit(kind, details, send) {
    const id = this._takeId()
    try {
      send(id)
    } catch (error) {
      this._returnId(id)
      return Promise.reject(error)
    }
    return this._pendingOn(id, kind, details)
  }

  /** An operation id no pending operation holds. */
  _takeId() {
    return this._freeIds.length > 0 ? this._freeIds.pop() : this._operations.length
  }

  /** Gives back an id `_takeId` returned that no operation took. */
  _returnId(id) {
    if (id < this._operations.length) this._freeIds.push(id)
  }

  /** The promise of operation `id`, just handed to the native side. */
  _pendingOn(id, kind, details) {
    this._flushSoon()
    return new Promise((resolve, reject) => {
      this._operations[id] = { kind, details, resolve, reject }
    })
  }

  /**
   * Wakes the I/O thread once for every operation issued in this turn: a
   * wake costs more than a small publish, so a burst pays for one.
   */
  _flushSoon() {
    if (this._flushScheduled) return
    this._flushScheduled = true
    queueMicrotask(() => {
      this._flushScheduled = false
      this._native.flush()
    })
  }

  /**
   * While a connection is wanted, a timer keeps Node running and keeps this
   * object reachable even if the application dropped its reference.
   */
  _holdProcess(hold) {
    if (hold && !this._keepAlive) {
      this._keepAlive = setInterval(() => this, KEEP_ALIVE_MS)
    } else if (!hold && this._keepAlive) {
      clearInterval(this._keepAlive)
      this._keepAlive = undefined
    }
  }

  /**
   * Replays one native batch in the order things happened. Listener errors
   * are collected and rethrown on a later tick: they become ordinary uncaught
   * exceptions and never unwind into the native caller.
   */
  _drain(batch) {
    const failures = []
    const replay = { batch, failures, message: 0, record: 0, completion: 0, topics: undefined, topicAt: 0, topic: '', payload: undefined }
    try {
      for (const event of batch.connectionEvents) {
        this._replayUntil(replay, event.messagesBefore, event.completionsBefore)
        this._guard(failures, () => this._onConnectionEvent(event))
      }
      this._replayUntil(replay, batch.payloadEnds.length, Infinity)
    } catch (error) {
      failures.push(error)
    }
    for (const error of failures) {
      process.nextTick(() => {
        throw error
      })
    }
  }

  _guard(failures, action) {
    try {
      action()
    } catch (error) {
      failures.push(error)
    }
  }

  _replayUntil(replay, messageCount, completionCount) {
    const { batch, failures } = replay
    if (replay.message < messageCount && replay.topics === undefined) {
      replay.topics = batch.topics.split('\0')
      // A plain Uint8Array view: its slice() makes each message's own
      // ArrayBuffer at half the cost of ArrayBuffer.prototype.slice.
      const { buffer, byteOffset, byteLength } = batch.payload
      replay.payload = new Uint8Array(buffer, byteOffset, byteLength)
    }
    for (; replay.message < messageCount; replay.message++) {
      const i = replay.message
      const start = i === 0 ? 0 : batch.payloadEnds[i - 1]
      const flags = batch.flags[i]
      // The same-topic bit: the topic of the message before (see EventBatch).
      if ((flags & 16) === 0) replay.topic = replay.topics[replay.topicAt++]
      this._onMessage(failures, replay.topic, replay.payload, start, batch.payloadEnds[i], flags)
    }
    const records = batch.completions
    while (replay.completion < completionCount && replay.record < records.length) {
      const at = replay.record
      // A record: id, error code, packet id, code count, then the codes.
      const codeCount = records[at + 3]
      replay.record = at + 4 + codeCount
      replay.completion++
      this._onCompletion(records[at], records[at + 1], records[at + 2], codeCount > 0 ? records[at + 4] : undefined)
    }
  }

  _onMessage(failures, topic, payload, start, end, flags) {
    const callbacks = this._subscriptions.callbacksFor(topic)
    const wantsEvent = this.listenerCount('message') > 0
    if (!wantsEvent && callbacks.length === 0 && !this._catchAll) return
    const bytes = payload.slice(start, end).buffer
    const qos = flags & 3
    const dup = (flags & 4) !== 0
    const retain = (flags & 8) !== 0
    // Inline try/catch rather than _guard: no closure per message.
    if (wantsEvent) {
      try {
        this.emit('message', topic, bytes, dup, qos, retain)
      } catch (error) {
        failures.push(error)
      }
    }
    if (callbacks.length === 0 && this._catchAll) {
      deliver(failures, this._catchAll, topic, bytes, dup, qos, retain)
    }
    for (const callback of callbacks) deliver(failures, callback, topic, bytes, dup, qos, retain)
  }

  /** `grantedQos` is a SUBACK's first return code (undefined for others). */
  _onCompletion(id, errorCode, packetId, grantedQos) {
    const operation = this._operations[id]
    if (!operation) return
    this._operations[id] = undefined
    this._freeIds.push(id)
    const { kind, details } = operation
    if (errorCode !== 0) {
      if (kind === SUBSCRIBE) this._subscriptions.delete(details.topic, details.callback)
      operation.reject(new CrtError(errorCode))
      return
    }
    const packet_id = packetId === 0 ? undefined : packetId
    if (kind === SUBSCRIBE) {
      const qos = grantedQos
      if (qos === 0x80) this._subscriptions.delete(details.topic, details.callback)
      operation.resolve({ packet_id, topic: details.topic, qos, error_code: 0 })
      return
    }
    if (kind === UNSUBSCRIBE) this._subscriptions.delete(details.topic)
    operation.resolve(packet_id === undefined ? {} : { packet_id })
  }

  _onConnectionEvent(event) {
    switch (event.kind) {
      case 'connection_success': {
        const session_present = event.sessionPresent === true
        this._connected = true
        this.emit('connection_success', { session_present, reason_code: 0 })
        const attempt = this._connecting
        this._connecting = undefined
        if (attempt) {
          attempt.resolve(session_present)
          this.emit('connect', session_present)
        } else {
          this.emit('resume', 0, session_present)
        }
        break
      }
      case 'connection_failure': {
        // A failed first attempt ends the connection unless it is retried; a
        // failed reconnect attempt is followed by another, so the process
        // stays held.
        const error = errorOf(event)
        const attempt = this.config.retry_first_connect ? undefined : this._connecting
        if (attempt) {
          this._connecting = undefined
          this._holdProcess(false)
        }
        this.emit('connection_failure', { error })
        if (attempt) attempt.reject(error)
        break
      }
      case 'interrupt':
        this._connected = false
        this.emit('interrupt', errorOf(event))
        break
      case 'disconnect': {
        this._connected = false
        this._holdProcess(false)
        const attempt = this._connecting
        this._connecting = undefined
        if (attempt) attempt.reject(new CrtError(MQTT_CONNECTION_DISCONNECTING))
        const waiting = this._disconnecting
        this._disconnecting = []
        for (const resolve of waiting) resolve()
        this.emit('disconnect')
        break
      }
      case 'closed':
        this._connected = false
        this._holdProcess(false)
        this.emit('closed', {})
        break
      case 'websocket_handshake':
        this._transformHandshake(event)
        break
    }
  }

  /**
   * Runs the user's websocket_handshake_transform on the upgrade request of
   * one attempt and hands back what it made of it (or why it failed).
   */
  _transformHandshake(event) {
    const headers = new http.HttpHeaders()
    const flat = event.requestHeaders
    for (let i = 0; i + 1 < flat.length; i += 2) headers.add(flat[i], flat[i + 1])
    const request = new http.HttpRequest(event.requestMethod, event.requestPath, headers)
    let answered = false
    const answer = (code, message) => {
      if (answered) return
      answered = true
      const lines = []
      for (const [name, value] of request.headers) lines.push(String(name), String(value))
      this._native.websocketTransformed(event.attempt, code, message, String(request.method), String(request.path), lines)
    }
    const done = (error_code) => {
      if (error_code !== undefined && !(Number.isInteger(error_code) && error_code >= 0 && error_code <= 0xffffffff)) {
        throw new TypeError(`done() takes no argument or an integer error code (got ${typeof error_code})`)
      }
      if (!error_code) answer(0, null)
      else answer(error_code, `websocket_handshake_transform failed the attempt with error code ${error_code}`)
    }
    try {
      this.config.websocket_handshake_transform(request, done)
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error)
      answer(HTTP_WEBSOCKET_UPGRADE_FAILURE, `websocket_handshake_transform threw: ${text}`)
    }
  }
}

function errorOf(event) {
  return new CrtError(event.errorCode, {
    detail: event.errorDetail,
    return_code: event.returnCode,
    http_status: event.httpStatus,
  })
}

Object.assign(MqttClientConnection, {
  CONNECT: 'connect',
  CONNECTION_SUCCESS: 'connection_success',
  CONNECTION_FAILURE: 'connection_failure',
  INTERRUPT: 'interrupt',
  RESUME: 'resume',
  MESSAGE: 'message',
  DISCONNECT: 'disconnect',
  CLOSED: 'closed',
  ERROR: 'error',
})

class MqttClient {
  constructor(bootstrap) {
    this.bootstrap = bootstrap
  }

  new_connection(config) {
    return new MqttClientConnection(this, config)
  }
}

module.exports = {
  QoS,
  MqttWill,
  MqttClient,
  MqttClientConnection,
  HttpProxyOptions: http.HttpProxyOptions,
}
