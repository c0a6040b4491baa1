'use strict'
const { NativeClient } = require('../core/native-client')
const { CrtError } = require('./error')
const { toBytes } = require('../core/payload')
const { Subscriptions } = require('./dispatch')
const { nativeConfig } = require('./config')
const http = require('./http')
const { transformHandshake } = require('./handshake')
const { numericEnum } = require('./enum')
const { ClientBootstrap } = require('./io')
const { checkWellFormed } = require('../core/checks')
const {
  MESSAGE_QOS_MASK,
  MESSAGE_DUP,
  MESSAGE_RETAIN,
  ERROR_CODE_MQTT_ALREADY_CONNECTED,
  ERROR_CODE_MQTT_CONNECTION_DISCONNECTING,
  SUBACK_FAILURE,
} = require('../core/native')

const QoS = numericEnum({ AtMostOnce: 0, AtLeastOnce: 1, ExactlyOnce: 2 })

const PUBLISH = 0
const SUBSCRIBE = 1
const UNSUBSCRIBE = 2

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
  checkWellFormed(topic, 'topic')
}

function checkQos(qos) {
  if (qos === 0 || qos === 1 || qos === 2) return
  if (typeof qos !== 'number') throw new TypeError(`qos must be a QoS number 0, 1 or 2 (got ${typeof qos})`)
  throw new RangeError(`qos must be QoS.AtMostOnce (0), QoS.AtLeastOnce (1) or QoS.ExactlyOnce (2) (got ${qos})`)
}

/** The 'error' listener every connection starts with (one function for all). */
function ignore() {}

/** Calls a message callback; what it throws is kept for later. */
function deliver(failures, callback, topic, bytes, dup, qos, retain) {
  try {
    callback(topic, bytes, dup, qos, retain)
  } catch (error) {
    failures.push(error)
  }
}

class MqttClientConnection extends NativeClient {
  constructor(client, config) {
    super(nativeConfig(config))
    this.client = client
    this.config = config
    this._subscriptions = new Subscriptions()
    this._catchAll = undefined
    this._connecting = undefined
    /** Resolvers of the disconnect() calls not answered yet (made with the first). */
    this._disconnecting = undefined
    this._connected = false
    // aws-crt installs a no-op listener so an unhandled 'error' never throws.
    this.on('error', ignore)
  }

  connect() {
    if (this._connected) return Promise.reject(new CrtError(ERROR_CODE_MQTT_ALREADY_CONNECTED))
    if (this._connecting) return this._connecting.promise
    const attempt = {}
    attempt.promise = new Promise((resolve, reject) => {
      attempt.resolve = resolve
      attempt.reject = reject
    })
    this._connecting = attempt
    this._holdProcess(true)
    this._nativeNow().connect()
    return attempt.promise
  }

  /** @deprecated aws-crt's name; resolves like connect(). */
  reconnect() {
    return this.connect()
  }

  publish(topic, payload, qos, retain = false) {
    let id
    try {
      checkTopic(topic)
      checkQos(qos)
      if (typeof retain !== 'boolean') throw new TypeError(`retain must be a boolean (got ${typeof retain})`)
      id = this._sendPublish(topic, toBytes(payload, 'payload'), qos, retain, 'payload')
    } catch (error) {
      return Promise.reject(error)
    }
    return this._promiseOf(id, PUBLISH, undefined, this._failsAtOnce(qos, this._connected))
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
      this._nativeNow().subscribe(id, [topic], [qos])
      if (on_message) this._subscriptions.set(topic, on_message)
    })
  }

  unsubscribe(topic) {
    return this._submit(UNSUBSCRIBE, { topic }, (id) => {
      checkTopic(topic)
      this._nativeNow().unsubscribe(id, [topic])
    })
  }

  on_message(callback) {
    check(typeof callback === 'function', TypeError, `callback must be a function (got ${typeof callback})`)
    this._catchAll = callback
  }

  disconnect() {
    return new Promise((resolve) => {
      this._awaitSettlement()
      this._disconnecting ??= []
      this._disconnecting.push(resolve)
      this._nativeNow().disconnect()
    })
  }

  getOperationalStatistics() {
    return this._nativeNow().statistics()
  }

  getQueueStatistics() {
    return this.getOperationalStatistics()
  }

  /**
   * Hands operation `kind` to the native side through `send(id)`; a throw
   * from `send` rejects the promise and frees the id.
   */
  _submit(kind, details, send) {
    let id
    try {
      id = this._send(send)
    } catch (error) {
      return Promise.reject(error)
    }
    return this._promiseOf(id, kind, details, false)
  }

  /** The promise of operation `id`, just handed to the native side. */
  _promiseOf(id, kind, details, awaited) {
    return new Promise((resolve, reject) => {
      this._pending(id, { kind, details, awaited, resolve, reject })
    })
  }

  /**
   * A plain Uint8Array view of the batch: its slice() makes each message's
   * own ArrayBuffer at half the cost of ArrayBuffer.prototype.slice.
   */
  _payloadOf(batch) {
    const { buffer, byteOffset, byteLength } = batch.payload
    return new Uint8Array(buffer, byteOffset, byteLength)
  }

  _onMessage(failures, topic, payload, start, end, flags) {
    const callbacks = this._subscriptions.callbacksFor(topic)
    const wantsEvent = this.listenerCount('message') > 0
    if (!wantsEvent && callbacks.length === 0 && !this._catchAll) return
    const bytes = payload.slice(start, end).buffer
    const qos = flags & MESSAGE_QOS_MASK
    const dup = (flags & MESSAGE_DUP) !== 0
    const retain = (flags & MESSAGE_RETAIN) !== 0
    // Inline try/catch: no closure per message.
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

  /** A staged publish the engine refused (see NativeClient._handOverStaged). */
  _refused(operation, error) {
    operation.reject(error)
  }

  /** aws-crt subscribes one filter at a time: its SUBACK has one code. */
  _onCompletion(failures, id, errorCode, packetId, records, codesAt, codeCount) {
    const operation = this._settle(id)
    if (!operation) return
    const { kind, details } = operation
    if (errorCode !== 0) {
      if (kind === SUBSCRIBE) this._subscriptions.delete(details.topic, details.callback)
      operation.reject(new CrtError(errorCode))
      return
    }
    const packet_id = packetId === 0 ? undefined : packetId
    if (kind === SUBSCRIBE) {
      const qos = codeCount > 0 ? records[codesAt] : undefined
      if (qos === SUBACK_FAILURE) this._subscriptions.delete(details.topic, details.callback)
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
        if (attempt) attempt.reject(new CrtError(ERROR_CODE_MQTT_CONNECTION_DISCONNECTING))
        const waiting = this._disconnecting ?? []
        this._disconnecting = undefined
        for (const resolve of waiting) {
          resolve()
          this._settled()
        }
        this.emit('disconnect')
        break
      }
      case 'closed':
        this._connected = false
        this._holdProcess(false)
        this.emit('closed', {})
        break
      case 'websocket_handshake':
        transformHandshake(this._native, this.config.websocket_handshake_transform, event)
        break
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
    check(
      bootstrap === undefined || bootstrap === null || bootstrap instanceof ClientBootstrap,
      TypeError,
      `bootstrap must be an io.ClientBootstrap or left out (got ${typeof bootstrap})`,
    )
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
