'use strict'
// aws-crt's MqttConnectionConfig, checked field by field with aws-crt's
// defaults and rules, as the engine's connection config.

const { Fields } = require('../core/fields')
const { toBytes } = require('../core/payload')
const { checkWellFormed } = require('../core/checks')
const { checkTopicName } = require('../core/topics')
const { MAX_PACKET_BYTES } = require('../core/native')
const { alpnList, nativeContextOf } = require('./tls')
const { connectUsername } = require('./metrics')

const DEFAULT_KEEP_ALIVE_SECS = 1200
const DEFAULT_PING_TIMEOUT_MS = 3000
const DEFAULT_CONNECT_TIMEOUT_MS = 5000
const DEFAULT_RECONNECT_MIN_SECS = 1
const DEFAULT_RECONNECT_MAX_SECS = 128
/** Milliseconds a timer may be set to: about 24.8 days, as Node's timers. */
const MAX_MILLIS = 2 ** 31 - 1
/** io.SocketDomain.IPV4 and LOCAL; IPV6 (1) means any family. */
const DOMAIN_IPV4 = 0
const DOMAIN_LOCAL = 2
const SOCKET_TYPE_DGRAM = 1
const PROXY_AUTH_BASIC = 1

/** `config` (an MqttConnectionConfig) as the engine's connection config. */
function nativeConfig(config) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError('config must be an MqttConnectionConfig object')
  }
  const fields = new Fields(config, 'config')
  for (const field of ['client_id', 'username', 'password']) checkWellFormed(config[field], `config.${field}`)
  const client_id = fields.optionalMqttString('client_id')
  if (client_id === undefined) throw new TypeError('config.client_id is required (a string)')
  const host = fields.string('host_name')
  if (host === '') throw new RangeError('config.host_name must not be empty')
  const port = fields.integer('port', 0, 65535)
  const socket = socketOptions(fields.optionalFields('socket_options'), DEFAULT_CONNECT_TIMEOUT_MS)
  const { keepAliveSecs, pingTimeoutMs } = keepAlive(fields)
  const operationTimeoutMs = fields.optionalInteger('protocol_operation_timeout', 0, MAX_MILLIS) || undefined
  const password = fields.optionalString('password')
  const written = connectUsername(
    fields.optionalMqttString('username'),
    fields.optionalObject('metrics'),
    fields.optionalBool('disable_metrics'),
    'config.metrics',
  )
  // An empty username alone is no username, as aws-crt sends it (the IoT builders start from '').
  const username = written === '' && password === undefined ? undefined : written
  if (password !== undefined) fields.checkLength('password', Buffer.byteLength(password))
  if (password !== undefined && username === undefined) {
    throw new TypeError('config.password needs config.username: MQTT 3.1.1 does not allow a password alone')
  }
  return {
    protocolVersion: 4,
    clientId: client_id,
    cleanStart: fields.optionalBool('clean_session') ?? false,
    keepAliveSecs,
    pingTimeoutMs,
    connackTimeoutMs: pingTimeoutMs,
    operationTimeoutMs,
    username,
    password: password === undefined ? undefined : Buffer.from(password),
    will: will(fields),
    resubscribe: fields.optionalBool('resubscribe') ?? true,
    resendInFlightWhenClean: false,
    queueQos0Offline: fields.optionalBool('queue_qos0_offline') ?? false,
    offlineQueueMaxOperations: fields.optionalInteger('offline_queue_max_operations', 1, Number.MAX_SAFE_INTEGER),
    offlineQueueMaxBytes: fields.optionalInteger('offline_queue_max_bytes', 1, Number.MAX_SAFE_INTEGER),
    host,
    port,
    ...socket,
    tls: tlsContext(fields, 'tls_ctx'),
    proxy: proxy(fields.optionalFields('proxy_options')),
    maxIncomingPacketBytes: fields.optionalInteger('max_incoming_packet_bytes', 2, MAX_PACKET_BYTES),
    receiveBufferBytes: fields.optionalInteger('receive_buffer_bytes', 1, Number.MAX_SAFE_INTEGER),
    ...reconnectDelays(fields),
    retryFirstConnect: fields.optionalBool('retry_first_connect') ?? false,
    ...websocket(fields),
  }
}

/**
 * aws-crt's keepalive rules: 0 or none is 1,200 s; the ping timeout is
 * `ping_timeout`, else its older name `timeout`, else 3 s; keepalive must
 * outlast it.
 */
function keepAlive(fields) {
  const keepAliveSecs = fields.optionalInteger('keep_alive', 0, 65535) || DEFAULT_KEEP_ALIVE_SECS
  const pingTimeoutMs =
    fields.optionalInteger('ping_timeout', 0, MAX_MILLIS) ||
    fields.optionalInteger('timeout', 0, MAX_MILLIS) ||
    DEFAULT_PING_TIMEOUT_MS
  if (keepAliveSecs * 1000 <= pingTimeoutMs) {
    throw new RangeError(
      `config.keep_alive (${keepAliveSecs} s) must be greater than the ping timeout ` +
        `(${pingTimeoutMs} ms): the broker would drop the link before a late PINGRESP is noticed`,
    )
  }
  return { keepAliveSecs, pingTimeoutMs }
}

/**
 * The fields of an `io.SocketOptions` (or undefined): the address family,
 * connect timeout (`defaultTimeoutMs` unless set) and TCP keepalive.
 */
function socketOptions(socket, defaultTimeoutMs) {
  if (socket === undefined) return { family: 'any', connectTimeoutMs: defaultTimeoutMs }
  if (socket.optionalInteger('type', 0, 1) === SOCKET_TYPE_DGRAM) {
    throw new RangeError(`${socket.name('type')} must be SocketType.STREAM: MQTT needs a stream socket`)
  }
  const domain = socket.optionalInteger('domain', 0, 2)
  const family = domain === DOMAIN_IPV4 ? 'ipv4' : domain === DOMAIN_LOCAL ? 'local' : 'any'
  const connectTimeoutMs = socket.optionalInteger('connect_timeout_ms', 0, MAX_MILLIS) || defaultTimeoutMs
  // Checked even while keepalive is off.
  const tcpKeepalive = {
    idleSecs: socket.optionalInteger('keep_alive_timeout_sec', 0, 65535),
    intervalSecs: socket.optionalInteger('keep_alive_interval_sec', 0, 65535),
    probes: socket.optionalInteger('keep_alive_max_failed_probes', 0, 255),
  }
  return { family, connectTimeoutMs, tcpKeepalive: socket.optionalBool('keepalive') ? tcpKeepalive : undefined }
}

/** The native context of the `io.ClientTlsContext` in `field`. */
function tlsContext(fields, field) {
  const context = fields.optionalObject(field)
  if (context === undefined) return undefined
  const native = nativeContextOf(context)
  if (native === undefined) throw new TypeError(`${fields.name(field)} must be an io.ClientTlsContext`)
  return native
}

/**
 * The fields of an `http.HttpProxyOptions` (or undefined): always a CONNECT
 * tunnel, as aws-crt does for MQTT.
 */
function proxy(proxy) {
  if (proxy === undefined) return undefined
  const host = proxy.string('host_name')
  if (host === '') throw new RangeError(`${proxy.name('host_name')} must not be empty`)
  const port = proxy.integer('port', 0, 65535)
  // Checked whatever the method, though only Basic uses them.
  const username = proxy.optionalString('auth_username') ?? ''
  const password = proxy.optionalString('auth_password') ?? ''
  // Legacy, Forwarding or Tunneling: MQTT always tunnels, whichever is named.
  proxy.optionalInteger('connection_type', 0, 2)
  const basicAuth = proxy.optionalInteger('auth_method', 0, 1) === PROXY_AUTH_BASIC ? { username, password } : undefined
  const connection = proxy.optionalFields('tls_opts')
  if (connection === undefined) return { host, port, basicAuth }
  const tls = tlsContext(connection, 'tls_ctx')
  if (tls === undefined) throw new TypeError(`${connection.path} must be an io.TlsConnectionOptions`)
  return {
    host,
    port,
    basicAuth,
    tls,
    tlsAlpn: alpnList(connection, 'alpn_list'),
    tlsServerName: connection.optionalString('server_name'),
  }
}

function will(fields) {
  const will = fields.optionalFields('will')
  if (will === undefined) return undefined
  const topic = will.string('topic')
  checkWellFormed(topic, 'config.will.topic')
  checkTopicName(topic, 'config.will.topic', TypeError)
  const qos = will.integer('qos', 0, 2)
  const payload = toBytes(will.get('payload'), 'config.will.payload')
  will.checkLength('payload', payload.byteLength)
  return { topic, qos, payload, retain: will.optionalBool('retain') ?? false }
}

/**
 * aws-crt's clamping: only min given, max = max(min, 128); only max given,
 * min = min(1, max); both given, min is capped at max.
 */
function reconnectDelays(fields) {
  let min = fields.optionalNonNegative('reconnect_min_sec', MAX_MILLIS / 1000)
  let max = fields.optionalNonNegative('reconnect_max_sec', MAX_MILLIS / 1000)
  if (min === undefined && max === undefined) [min, max] = [DEFAULT_RECONNECT_MIN_SECS, DEFAULT_RECONNECT_MAX_SECS]
  else if (max === undefined) max = Math.max(min, DEFAULT_RECONNECT_MAX_SECS)
  else if (min === undefined) min = Math.min(DEFAULT_RECONNECT_MIN_SECS, max)
  else min = Math.min(min, max)
  return { reconnectMinMs: min * 1000, reconnectMaxMs: max * 1000 }
}

/**
 * `use_websocket`, and whether upgrade requests go through the user's
 * transform (aws-crt ignores a transform without `use_websocket`, as we do).
 */
function websocket(fields) {
  if (!fields.optionalBool('use_websocket')) return { websocket: false, transformUpgradeRequests: false }
  const transform = fields.optionalFunction('websocket_handshake_transform', 'a function (request, done) => void')
  return { websocket: true, transformUpgradeRequests: transform !== undefined }
}

module.exports = { nativeConfig, socketOptions, tlsContext, proxy, MAX_MILLIS }
