'use strict'
const net = require('net')
const native = require('../core/native')
const { toBytes } = require('../core/payload')
const { checkWellFormed, isAlpnName } = require('../core/checks')
const { Fields } = require('../core/fields')
const { checkTopicName } = require('../core/topics')
const { MAX_PACKET_BYTES } = native
const { checkQos } = require('./arguments')
const { checkMessageIdProvider } = require('./message-ids')
const { toNative } = require('./properties')

/** The transports of MQTT.js's URL schemes. */
const TRANSPORTS = { mqtt: 'tcp', tcp: 'tcp', mqtts: 'tls', ssl: 'tls', tls: 'tls', ws: 'ws', wss: 'wss' }
const DEFAULT_PORTS = { tcp: 1883, tls: 8883, ws: 80, wss: 443 }
const isTls = (transport) => transport === 'tls' || transport === 'wss'
const isWebsocket = (transport) => transport === 'ws' || transport === 'wss'

/** MQTT.js's defaults (its client merges them over the options it is given). */
const DEFAULTS = {
  keepalive: 60,
  reschedulePings: true,
  protocolId: 'MQTT',
  protocolVersion: 4,
  reconnectPeriod: 1000,
  connectTimeout: 30 * 1000,
  clean: true,
  resubscribe: true,
  queueQoSZero: true,
}

/** mqtt-napi's own option `reconnectPeriodMax`: reconnect waits double from reconnectPeriod up to it. */
const DEFAULT_RECONNECT_PERIOD_MAX = 30 * 1000
const MAX_TIMER_MS = 2 ** 31 - 1
/** A PINGRESP may take half the keepalive, at most this long. */
const MAX_PING_TIMEOUT_MS = 30 * 1000

/** Options that mqtt-napi reads (or MQTT.js itself derives from a URL). */
const SUPPORTED = new Set([
  'protocol', 'host', 'hostname', 'port', 'path', 'query', 'auth', 'unixSocket', 'defaultProtocol',
  'clientId', 'clean', 'keepalive', 'reconnectPeriod', 'reconnectPeriodMax', 'connectTimeout',
  'username', 'password', 'will', 'ca', 'cert', 'key', 'rejectUnauthorized', 'ALPNProtocols',
  'servername', 'wsOptions', 'transformWsUrl', 'resubscribe', 'queueQoSZero', 'manualConnect',
  'servers', 'protocolVersion', 'protocolId', 'reconnectOnConnackError', 'messageIdProvider',
  // MQTT 5.
  'properties', 'autoUseTopicAlias', 'autoAssignTopicAlias', 'authPacket', 'customHandleAcks',
  // mqtt-napi's own limits (README, "Limits").
  'receiveBufferBytes', 'maxIncomingPacketBytes', 'offlineQueueMaxOperations', 'offlineQueueMaxBytes',
  // Tuning of MQTT.js's own machinery, which mqtt-napi does not have or does in its own way.
  'reschedulePings', 'writeCache', 'timerVariant',
])

/**
 * Every option MQTT.js 5 reads: its client options, and Node's TLS and socket
 * options, which it hands to `tls.connect`. A key outside this list (such as
 * what MQTT.js's own CLI passes: `_`, `stdin`, `help`) MQTT.js ignores, and
 * so does mqtt-napi, without a word.
 */
const KNOWN_TO_MQTTJS = new Set([
  ...SUPPORTED,
  'binary', 'browserBufferSize', 'browserBufferTimeout',
  'caPaths', 'certPath', 'keyPath', 'createWebsocket', 'encoding', 'forceNativeWebSocket',
  'incomingStore', 'outgoingStore', 'log', 'my', 'objectMode', 'socksProxy', 'socksTimeout',
  'subscribeBatchSize', 'topicAliasMaximum',
  // Node's tls.connect and net.connect options.
  'pfx', 'passphrase', 'ciphers', 'ecdhCurve', 'dhparam', 'secureProtocol', 'secureOptions', 'honorCipherOrder',
  'sessionIdContext', 'minVersion', 'maxVersion', 'sigalgs', 'privateKeyEngine', 'privateKeyIdentifier',
  'clientCertEngine', 'crl', 'ticketKeys', 'sessionTimeout', 'checkServerIdentity', 'session', 'pskCallback',
  'enableTrace', 'secureContext', 'requestOCSP', 'highWaterMark', 'lookup', 'family', 'hints', 'localAddress',
  'localPort', 'timeout', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'allowHalfOpen', 'signal',
])

/** Options of MQTT 5 only (ignored at protocolVersion 4). */
const MQTT5_ONLY = ['properties', 'authPacket']

/** Options whose absence would change what the application relies on. */
const REJECTED = {
  incomingStore: 'messages are kept in memory by the native engine; there is no pluggable store',
  outgoingStore: 'messages are kept in memory by the native engine; there is no pluggable store',
  createWebsocket: 'the WebSocket is opened by the native engine (use wsOptions.headers or transformWsUrl)',
  socksProxy: 'SOCKS proxies are not supported',
}

const warned = new Set()

/** One warning per ignored option name and process. */
function warnIgnored(name) {
  if (warned.has(name)) return
  warned.add(name)
  process.emitWarning(`mqtt-napi ignores the MQTT.js option "${name}": it is not supported`, {
    code: 'MQTT_NAPI_UNSUPPORTED_OPTION',
  })
}

function check(condition, ErrorClass, message) {
  if (!condition) throw new ErrorClass(message)
}

/** The URL's parts as MQTT.js's connect() merges them under the options. */
function urlOptions(brokerUrl) {
  check(typeof brokerUrl === 'string', TypeError, `brokerUrl must be a string (got ${typeof brokerUrl})`)
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(brokerUrl)) throw new Error('Missing protocol')
  let url
  try {
    url = new URL(brokerUrl)
  } catch {
    throw new TypeError(`brokerUrl is not a valid URL: ${brokerUrl}`)
  }
  const query = Object.fromEntries(url.searchParams)
  const parsed = {
    protocol: url.protocol.replace(/:$/, ''),
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || undefined,
    path: url.pathname + url.search,
    query,
  }
  if (url.port) parsed.port = Number(url.port)
  if (url.username) {
    parsed.auth = decodeURIComponent(url.username)
    if (url.password) parsed.auth += `:${decodeURIComponent(url.password)}`
  }
  return parsed
}

/**
 * `connect(brokerUrl, opts)`'s arguments as the client's `options`: URL parts
 * merged under the options, MQTT.js's rules and defaults applied, every
 * option checked.
 */
/**
 * `{ ...DEFAULTS, ...options }`, built key by key so every client's options
 * share one hidden class (a spread of this many keys gives each object a
 * shape of its own: ~800 bytes per client). As in a spread, an own
 * `__proto__` key stays a plain property and never becomes the prototype.
 */
function withDefaults(options) {
  const merged = {}
  for (const source of [DEFAULTS, options]) {
    for (const key of Reflect.ownKeys(source)) {
      if (!Object.prototype.propertyIsEnumerable.call(source, key)) continue
      if (key === '__proto__') {
        Object.defineProperty(merged, key, { value: source[key], enumerable: true, writable: true, configurable: true })
      } else {
        merged[key] = source[key]
      }
    }
  }
  return merged
}

function resolveOptions(brokerUrl, opts) {
  if (brokerUrl !== null && typeof brokerUrl === 'object' && opts === undefined) {
    opts = brokerUrl
    brokerUrl = undefined
  }
  check(
    brokerUrl === undefined || (typeof brokerUrl === 'string' && brokerUrl !== ''),
    TypeError,
    `brokerUrl must be a URL string or left out for an options object (got ${brokerUrl === '' ? "''" : typeof brokerUrl})`,
  )
  check(
    opts === undefined || opts === null || (typeof opts === 'object' && !Array.isArray(opts)),
    TypeError,
    `options must be an object (got ${Array.isArray(opts) ? 'an array' : typeof opts})`,
  )
  let options = { ...opts }
  if (brokerUrl) options = { ...urlOptions(brokerUrl), ...options }
  check(
    options.protocol === undefined || options.protocol === null || typeof options.protocol === 'string',
    TypeError,
    `options.protocol must be a string (got ${typeof options.protocol})`,
  )
  options.protocol = (options.protocol || 'mqtt').replace(/:$/, '')
  options.unixSocket = Boolean(options.unixSocket || options.protocol.includes('+unix'))
  options.protocol = options.protocol.replace('+unix', '')
  if (options.auth) {
    const [, username, password] = /^(.+?):(.+)$/.exec(options.auth) || [undefined, options.auth]
    options.username = username
    if (password !== undefined) options.password = password
  }
  if (options.query && typeof options.query.clientId === 'string') options.clientId = options.query.clientId
  if (options.cert && options.key) {
    if (options.protocol === 'mqtt') options.protocol = 'mqtts'
    if (options.protocol === 'ws') options.protocol = 'wss'
  }
  check(
    TRANSPORTS[options.protocol] !== undefined,
    Error,
    `Unknown protocol "${options.protocol}": expected mqtt, tcp, mqtts, ssl, tls, ws or wss`,
  )
  check(
    !options.unixSocket || TRANSPORTS[options.protocol] === 'tcp',
    Error,
    `"+unix" works with mqtt and tcp only (got ${options.protocol}+unix)`,
  )
  if (options.clean === false && !options.clientId) throw new Error('Missing clientId for unclean clients')
  // MQTT.js keeps a URL's path for WebSockets and Unix sockets only.
  if (!options.unixSocket && !isWebsocket(TRANSPORTS[options.protocol])) delete options.path
  options = withDefaults(options)
  // What MQTT.js's stream builders fill in as they connect.
  options.hostname ||= options.host || 'localhost'
  if (options.port === undefined || options.port === null || options.port === 0) {
    options.port = DEFAULT_PORTS[TRANSPORTS[options.protocol]]
  }
  options.clientId ??= `mqttjs_${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}`
  options.queueQoSZero ??= true
  checkOptions(options)
  return options
}

function checkOptions(options) {
  for (const name of Object.keys(options)) {
    if (REJECTED[name] !== undefined && options[name] !== undefined && options[name] !== null) {
      throw new Error(`options.${name} is not supported by mqtt-napi: ${REJECTED[name]}`)
    }
    if (KNOWN_TO_MQTTJS.has(name) && !SUPPORTED.has(name) && options[name] !== undefined) warnIgnored(name)
  }
  checkMessageIdProvider(options.messageIdProvider)
  check(
    options.protocolVersion === 4 || options.protocolVersion === 5,
    RangeError,
    `options.protocolVersion must be 4 (MQTT 3.1.1) or 5 (MQTT 5); mqtt-napi does not speak MQTT 3.1 (3) (got ${options.protocolVersion})`,
  )
  const v5 = options.protocolVersion === 5
  // MQTT 3.1.1 has no properties or AUTH: MQTT.js leaves them out of its
  // packets, and mqtt-napi says so once.
  for (const name of MQTT5_ONLY) if (!v5 && options[name] != null) warnIgnored(name)
  if (v5) toNative(options.properties, 'options.properties')
  if (v5 && options.authPacket != null) {
    check(
      typeof options.properties?.authenticationMethod === 'string',
      Error,
      'options.authPacket needs options.properties.authenticationMethod: AUTH follows a CONNECT that names its method',
    )
    nativeAuth(options.authPacket, 'options.authPacket')
  }
  check(options.protocolId === 'MQTT', RangeError, `options.protocolId must be 'MQTT' (got ${options.protocolId})`)
  check(typeof options.clientId === 'string', TypeError, `options.clientId must be a string (got ${typeof options.clientId})`)
  const fields = new Fields(options, 'options')
  fields.integer('keepalive', 0, 65535)
  fields.integer('reconnectPeriod', 0, MAX_TIMER_MS)
  fields.integer('connectTimeout', 1, MAX_TIMER_MS)
  if (options.reconnectPeriodMax !== undefined) fields.integer('reconnectPeriodMax', 0, MAX_TIMER_MS)
  for (const name of ['receiveBufferBytes', 'offlineQueueMaxOperations', 'offlineQueueMaxBytes']) {
    if (options[name] !== undefined) fields.integer(name, 1, Number.MAX_SAFE_INTEGER)
  }
  if (options.maxIncomingPacketBytes !== undefined) fields.integer('maxIncomingPacketBytes', 2, MAX_PACKET_BYTES)
  if (options.port !== undefined) fields.integer('port', 0, 65535)
  for (const name of ['clean', 'resubscribe', 'queueQoSZero', 'manualConnect', 'rejectUnauthorized', 'reconnectOnConnackError', 'autoUseTopicAlias', 'autoAssignTopicAlias']) {
    fields.optionalBool(name)
  }
  for (const name of ['host', 'hostname', 'servername', 'username', 'path']) fields.optionalString(name)
  for (const name of ['clientId', 'username', 'password']) checkWellFormed(options[name], `options.${name}`)
  fields.optionalMqttString('clientId')
  fields.optionalMqttString('username')
  fields.optionalFunction('transformWsUrl', 'a function')
  fields.optionalFunction('customHandleAcks', 'a function (topic, payload, packet, done)')
  fields.optionalObject('wsOptions')
  if (options.password !== undefined && options.password !== null) {
    check(
      typeof options.username === 'string' || v5,
      TypeError,
      'options.password needs options.username: MQTT 3.1.1 does not allow a password alone',
    )
    check(
      typeof options.password === 'string' || Buffer.isBuffer(options.password),
      TypeError,
      `options.password must be a string or a Buffer (got ${typeof options.password})`,
    )
    fields.checkLength('password', Buffer.byteLength(options.password))
  }
  for (const name of Object.keys(options.wsOptions ?? {})) {
    if (name !== 'headers') warnIgnored(`wsOptions.${name}`)
  }
  const headers = options.wsOptions?.headers
  if (headers !== undefined && headers !== null) {
    check(typeof headers === 'object' && !Array.isArray(headers), TypeError, 'options.wsOptions.headers must be an object of header names and values')
    for (const [name, value] of Object.entries(headers)) {
      check(typeof value === 'string', TypeError, `options.wsOptions.headers[${JSON.stringify(name)}] must be a string (got ${typeof value})`)
    }
  }
}

function transportOf(options) {
  return TRANSPORTS[options.protocol]
}

/** PEM text from MQTT.js's string | Buffer | array forms. */
function pem(value, name) {
  if (value === undefined || value === null) return undefined
  const parts = Array.isArray(value) ? value : [value]
  return parts
    .map((part, i) => {
      check(
        typeof part === 'string' || Buffer.isBuffer(part),
        TypeError,
        `options.${name}${Array.isArray(value) ? `[${i}]` : ''} must be a string or a Buffer of PEM text`,
      )
      return part.toString()
    })
    .join('\n')
}

/** MQTT.js's name of each engine TLS option it can set. */
const TLS_OPTION_NAMES = { caPem: 'ca', certificatePem: 'cert', privateKeyPem: 'key' }

/** The engine's TLS context for MQTT.js's TLS options. */
function tlsContext(options) {
  const made = native.createTlsContext({
    tls13Only: false,
    caPem: pem(options.ca, 'ca'),
    certificatePem: pem(options.cert, 'cert'),
    privateKeyPem: pem(options.key, 'key'),
    alpn: alpnProtocols(options.ALPNProtocols),
    verifyPeer: options.rejectUnauthorized !== false,
  })
  if (made instanceof native.NativeTlsContext) return made
  throw new Error(`options.${TLS_OPTION_NAMES[made.option] ?? made.option}: ${made.reason}`)
}

/** `ALPNProtocols`: strings or Buffers, each a protocol name of 1 to 255 bytes. */
function alpnProtocols(protocols) {
  if (protocols === undefined) return []
  check(Array.isArray(protocols), TypeError, 'options.ALPNProtocols must be an array of strings or Buffers')
  return protocols.map((protocol, i) => {
    check(
      typeof protocol === 'string' || ArrayBuffer.isView(protocol),
      TypeError,
      `options.ALPNProtocols[${i}] must be a string or a Buffer (got ${typeof protocol})`,
    )
    const name = Buffer.from(protocol).toString()
    check(isAlpnName(name), RangeError, `options.ALPNProtocols[${i}] must be a protocol name of 1 to 255 bytes (got ${Buffer.byteLength(name)})`)
    return name
  })
}

function will(options) {
  const { will } = options
  if (will === undefined || will === null) return undefined
  check(typeof will === 'object', TypeError, `options.will must be an object (got ${typeof will})`)
  check(typeof will.topic === 'string', TypeError, `options.will.topic must be a string (got ${typeof will.topic})`)
  checkWellFormed(will.topic, 'options.will.topic')
  checkTopicName(will.topic, 'options.will.topic', TypeError)
  const qos = will.qos ?? 0
  checkQos(qos, 'options.will.qos')
  const retain = will.retain ?? false
  check(typeof retain === 'boolean', TypeError, `options.will.retain must be a boolean (got ${typeof retain})`)
  const payload = toBytes(will.payload ?? '', 'options.will.payload')
  new Fields(will, 'options.will').checkLength('payload', payload.byteLength)
  const v5 = options.protocolVersion === 5
  if (!v5 && will.properties != null) warnIgnored('will.properties')
  return { topic: will.topic, qos, payload, retain, properties: v5 ? toNative(will.properties, 'options.will.properties') : undefined }
}

/** MQTT.js's AUTH packet `{ reasonCode, properties }` as the engine's. */
function nativeAuth(auth, name) {
  check(auth !== null && typeof auth === 'object', TypeError, `${name} must be an object (got ${typeof auth})`)
  const reasonCode = auth.reasonCode ?? 0
  check(Number.isInteger(reasonCode) && reasonCode >= 0 && reasonCode <= 255, RangeError, `${name}.reasonCode must be 0 to 255 (got ${reasonCode})`)
  return { reasonCode, properties: toNative(auth.properties, `${name}.properties`) }
}

/** What the engine's config adds for MQTT 5. */
function mqtt5Config(options) {
  return {
    connectProperties: toNative(options.properties, 'options.properties'),
    topicAliases: topicAliases(options),
    authAfterConnect: options.authPacket == null ? undefined : nativeAuth(options.authPacket, 'options.authPacket'),
  }
}

/** Which publishes get topic aliases: MQTT.js's autoAssignTopicAlias and autoUseTopicAlias. */
function topicAliases(options) {
  if (options.autoAssignTopicAlias) return 'assign'
  return options.autoUseTopicAlias ? 'reuse' : 'manual'
}

/**
 * `options.servers` as the engine's: each with its own transport
 * (`protocol`, else options.protocol's), all over WebSockets or none.
 */
function servers(options, port) {
  if (options.servers === undefined || options.servers === null) return undefined
  check(Array.isArray(options.servers), TypeError, 'options.servers must be an array of { host, port }')
  return options.servers.map((server, i) => {
    check(server !== null && typeof server === 'object', TypeError, `options.servers[${i}] must be { host, port }`)
    const fields = new Fields(server, `options.servers[${i}]`)
    const host = fields.string('host')
    const serverPort = fields.optionalInteger('port', 0, 65535) ?? port
    const transport = server.protocol === undefined ? transportOf(options) : TRANSPORTS[server.protocol]
    check(transport !== undefined, Error, `options.servers[${i}].protocol must be mqtt, tcp, mqtts, ssl, tls, ws or wss (got ${server.protocol})`)
    check(
      isWebsocket(transport) === isWebsocket(transportOf(options)),
      Error,
      `options.servers[${i}].protocol must be a WebSocket one (ws, wss) exactly when options.protocol (${options.protocol}) is`,
    )
    return { host, port: serverPort, tls: isTls(transport) }
  })
}

/** Whether the broker, or any of `options.servers`, takes TLS. */
function wantsTls(options) {
  const protocols = [options.protocol, ...(Array.isArray(options.servers) ? options.servers.map((server) => server?.protocol) : [])]
  return protocols.some((protocol) => isTls(TRANSPORTS[protocol]))
}

/** The engine's connection config for `options` (already checked). */
function nativeConfig(options) {
  const transport = transportOf(options)
  const port = options.port || DEFAULT_PORTS[transport]
  const keepAliveMs = options.keepalive * 1000
  const reconnectMax = Math.max(options.reconnectPeriodMax ?? DEFAULT_RECONNECT_PERIOD_MAX, options.reconnectPeriod)
  return {
    protocolVersion: options.protocolVersion,
    ...(options.protocolVersion === 5 && mqtt5Config(options)),
    clientId: options.clientId,
    cleanStart: options.clean,
    keepAliveSecs: options.keepalive,
    pingTimeoutMs: Math.max(1, Math.min(keepAliveMs / 2, MAX_PING_TIMEOUT_MS)),
    connackTimeoutMs: options.connectTimeout,
    username: options.username ?? undefined,
    password: options.password == null ? undefined : Buffer.from(options.password),
    will: will(options),
    resubscribe: options.resubscribe,
    resendInFlightWhenClean: true,
    queueQos0Offline: options.queueQoSZero,
    offlineQueueMaxOperations: options.offlineQueueMaxOperations,
    offlineQueueMaxBytes: options.offlineQueueMaxBytes,
    host: options.unixSocket ? unixSocketPath(options) : options.hostname || options.host || 'localhost',
    port: options.unixSocket ? 0 : port,
    family: options.unixSocket ? 'local' : 'any',
    connectTimeoutMs: options.connectTimeout,
    tls: wantsTls(options) ? tlsContext(options) : undefined,
    tlsServerName: options.servername,
    maxIncomingPacketBytes: options.maxIncomingPacketBytes,
    receiveBufferBytes: options.receiveBufferBytes,
    reconnectMinMs: options.reconnectPeriod,
    reconnectMaxMs: reconnectMax,
    retryFirstConnect: options.reconnectPeriod > 0,
    // MQTT.js's WebSocket options and transformWsUrl apply to each upgrade
    // request, so every one comes to the client (a websocket_handshake event).
    websocket: isWebsocket(transport),
    transformUpgradeRequests: isWebsocket(transport),
    servers: servers(options, port),
  }
}

/** The socket file of `mqtt+unix:` (MQTT.js takes it from the URL's path). */
function unixSocketPath(options) {
  check(
    typeof options.path === 'string' && options.path !== '',
    TypeError,
    `options.path is required for a Unix socket (the socket file's path; got ${typeof options.path})`,
  )
  return options.path
}

/** The URL MQTT.js would open for a WebSocket attempt. */
function websocketUrl(options) {
  const port = options.port || DEFAULT_PORTS[transportOf(options)]
  const host = options.hostname || options.host || 'localhost'
  return `${options.protocol}://${net.isIPv6(host) ? `[${host}]` : host}:${port}${options.path || '/'}`
}

module.exports = { resolveOptions, nativeConfig, websocketUrl, nativeAuth }
