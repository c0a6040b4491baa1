'use strict'
// aws-crt's Mqtt5ClientConfig, checked field by field with aws-crt's
// defaults and rules, as the engine's connection config.

const { Fields } = require('../core/fields')
const { socketOptions, tlsContext, proxy, MAX_MILLIS } = require('./config')
const { ClientBootstrap } = require('./io')
const { connectUsername } = require('./metrics')
const {
  ClientSessionBehavior,
  RetryJitterType,
  ClientOperationQueueBehavior,
  OutboundTopicAliasBehaviorType,
  InboundTopicAliasBehaviorType,
  ClientExtendedValidationAndFlowControl,
} = require('./mqtt5-enums')
const {
  MAX_U16,
  MAX_U32,
  optionalText,
  optionalBinary,
  flag,
  nativeProperties,
  userPropertiesToNative,
  willToNative,
} = require('./mqtt5-packets')

const DEFAULT_KEEP_ALIVE_SECS = 1200
const DEFAULT_CONNECT_TIMEOUT_MS = 10000
const DEFAULT_CONNACK_TIMEOUT_MS = 20000
const DEFAULT_PING_TIMEOUT_MS = 30000
const DEFAULT_ACK_TIMEOUT_SECS = 60
const DEFAULT_MIN_RECONNECT_MS = 1000
const DEFAULT_MAX_RECONNECT_MS = 120000
const DEFAULT_RESET_RECONNECT_MS = 30000
const DEFAULT_ALIAS_CACHE_SIZE = 25
/** AWS IoT Core's limit on a client identifier (AwsIotCoreDefaults). */
const IOT_CORE_MAX_CLIENT_ID_BYTES = 128
/** AWS IoT Core's limits on what a connection sends per second (AwsIotCoreDefaults). */
const IOT_CORE_SEND_RATE = { publishesPerSecond: 100, bytesPerSecond: 512 * 1024 }

/** aws-crt's jitter modes in the engine's words. */
const JITTER = {
  [RetryJitterType.Default]: 'full',
  [RetryJitterType.Full]: 'full',
  [RetryJitterType.None]: 'none',
  [RetryJitterType.Decorrelated]: 'decorrelated',
}

/** What each offline queue behaviour keeps for the next link (see the engine's OfflineRetention). */
const RETENTION = {
  [ClientOperationQueueBehavior.Default]: { qos0: false, acknowledged: true, subscriptions: true },
  [ClientOperationQueueBehavior.FailQos0PublishOnDisconnect]: { qos0: false, acknowledged: true, subscriptions: true },
  [ClientOperationQueueBehavior.FailNonQos1PublishOnDisconnect]: {
    qos0: false,
    acknowledged: true,
    subscriptions: false,
  },
  [ClientOperationQueueBehavior.FailAllOnDisconnect]: { qos0: false, acknowledged: false, subscriptions: false },
}

/** `config` (an Mqtt5ClientConfig) as the engine's connection config. */
function nativeConfig(config) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError('config must be an Mqtt5ClientConfig object')
  }
  const fields = new Fields(config, 'config')
  const host = fields.string('hostName')
  if (host === '') throw new RangeError('config.hostName must not be empty')
  const port = fields.integer('port', 0, 65535)
  const iotCore =
    checkedEnum(fields, 'extendedValidationAndFlowControlOptions', ClientExtendedValidationAndFlowControl) ===
    ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults
  const bootstrap = fields.get('clientBootstrap')
  if (bootstrap !== undefined && !(bootstrap instanceof ClientBootstrap)) {
    throw new TypeError('config.clientBootstrap must be an io.ClientBootstrap or left out')
  }
  const connect = connectOptions(fields, iotCore)
  connect.username = connectUsername(
    connect.username,
    fields.optionalObject('metrics'),
    fields.optionalBool('disableMetrics'),
    'config.metrics',
  )
  const aliases = topicAliases(fields.optionalFields('topicAliasingOptions'))
  if (aliases.inbound !== undefined) connect.connectProperties.topicAliasMaximum = aliases.inbound
  const retention = RETENTION[checkedEnum(fields, 'offlineQueueBehavior', ClientOperationQueueBehavior) ?? 0]
  const transform = fields.optionalFunction('websocketHandshakeTransform', 'a function (request, done) => void')
  return {
    protocolVersion: 5,
    ...connect,
    ...sessionBehavior(fields),
    resubscribe: fields.optionalBool('resubscribe') ?? true,
    connackTimeoutMs: fields.optionalInteger('connackTimeoutMs', 0, MAX_MILLIS) || DEFAULT_CONNACK_TIMEOUT_MS,
    pingTimeoutMs: fields.optionalInteger('pingTimeoutMs', 0, MAX_MILLIS) || DEFAULT_PING_TIMEOUT_MS,
    operationTimeoutMs:
      (fields.optionalInteger('ackTimeoutSeconds', 0, Math.floor(MAX_MILLIS / 1000)) || DEFAULT_ACK_TIMEOUT_SECS) *
      1000,
    topicAliases: aliases.outbound,
    topicAliasLimit: aliases.outboundLimit,
    queueQos0Offline: retention.qos0,
    queueAcknowledgedPublishesOffline: retention.acknowledged,
    queueSubscriptionsOffline: retention.subscriptions,
    resendInFlightWhenClean: retention.acknowledged,
    sendRate: iotCore ? IOT_CORE_SEND_RATE : undefined,
    host,
    port,
    ...socketOptions(fields.optionalFields('socketOptions'), DEFAULT_CONNECT_TIMEOUT_MS),
    tls: tlsContext(fields, 'tlsCtx'),
    proxy: proxy(fields.optionalFields('httpProxyOptions')),
    ...reconnectDelays(fields),
    retryFirstConnect: true,
    websocket: transform !== undefined,
    transformUpgradeRequests: transform !== undefined,
  }
}

/** The numeric enum value in `field`, checked against `values`; undefined when absent. */
function checkedEnum(fields, field, values) {
  const value = fields.get(field)
  if (value === undefined) return undefined
  if (typeof value !== 'number' || typeof values[value] !== 'string') {
    const names = Object.keys(values).filter((key) => Number.isNaN(Number(key)))
    throw new RangeError(`${fields.name(field)} must be one of ${names.join(', ')} (got ${String(value)})`)
  }
  return value
}

/** aws-crt's session behaviours as CONNECT's clean start over the client's life. */
function sessionBehavior(fields) {
  switch (checkedEnum(fields, 'sessionBehavior', ClientSessionBehavior)) {
    case ClientSessionBehavior.RejoinPostSuccess:
      return { cleanStart: true, rejoinOnceConnected: true }
    case ClientSessionBehavior.RejoinAlways:
      return { cleanStart: false }
    default:
      return { cleanStart: true }
  }
}

/**
 * `connectProperties` (a ConnectPacket): the client id, keep alive,
 * credentials, will and CONNECT's properties; absent, keep alive 1,200 s and
 * an empty client id (the broker assigns one).
 */
function connectOptions(config, iotCore) {
  const connect = config.optionalFields('connectProperties')
  const options = { clientId: '', keepAliveSecs: DEFAULT_KEEP_ALIVE_SECS, connectProperties: {} }
  const auth = enhancedAuthentication(config.optionalFields('enhancedAuthentication'))
  options.connectProperties = { ...auth }
  if (connect === undefined) return options
  options.keepAliveSecs = connect.integer('keepAliveIntervalSeconds', 0, MAX_U16)
  options.clientId = optionalText(connect, 'clientId') ?? ''
  if (iotCore && Buffer.byteLength(options.clientId) > IOT_CORE_MAX_CLIENT_ID_BYTES) {
    throw new RangeError(
      `${connect.name('clientId')} must be at most ${IOT_CORE_MAX_CLIENT_ID_BYTES} bytes with AwsIotCoreDefaults`,
    )
  }
  options.username = optionalText(connect, 'username')
  options.password = optionalBinary(connect, 'password')
  const willDelay = connect.optionalInteger('willDelayIntervalSeconds', 0, MAX_U32)
  const will = connect.get('will')
  if (will !== undefined) options.will = willToNative(will, connect.name('will'), willDelay)
  const properties = nativeProperties([
    ['sessionExpiryInterval', connect.optionalInteger('sessionExpiryIntervalSeconds', 0, MAX_U32)],
    ['requestResponseInformation', flag(connect, 'requestResponseInformation')],
    ['requestProblemInformation', flag(connect, 'requestProblemInformation')],
    ['receiveMaximum', connect.optionalInteger('receiveMaximum', 1, MAX_U16)],
    ['maximumPacketSize', connect.optionalInteger('maximumPacketSizeBytes', 1, MAX_U32)],
    ['userProperties', userPropertiesToNative(connect)],
  ])
  options.connectProperties = { ...properties, ...auth }
  return options
}

/** mqtt-napi's `enhancedAuthentication`: CONNECT's Authentication Method and Data. */
function enhancedAuthentication(auth) {
  if (auth === undefined) return undefined
  const method = optionalText(auth, 'method')
  if (method === undefined) throw new TypeError(`${auth.name('method')} is required (a string)`)
  auth.optionalFunction('onChallenge', 'a function (challenge) => AuthResponse | Promise<AuthResponse>')
  if (auth.get('onChallenge') === undefined) throw new TypeError(`${auth.name('onChallenge')} is required (a function)`)
  return nativeProperties([
    ['authenticationMethod', method],
    ['authenticationData', optionalBinary(auth, 'data')],
  ])
}

/**
 * `topicAliasingOptions`: outbound aliases off (the default), manual, or
 * LRU within a cache size; inbound off (the default) or a cache size that
 * becomes CONNECT's Topic Alias Maximum.
 */
function topicAliases(options) {
  if (options === undefined) return { outbound: 'off' }
  const outboundSize = options.optionalInteger('outboundCacheMaxSize', 1, MAX_U16)
  const inboundSize = options.optionalInteger('inboundCacheMaxSize', 1, MAX_U16)
  const aliases = { outbound: 'off' }
  switch (checkedEnum(options, 'outboundBehavior', OutboundTopicAliasBehaviorType)) {
    case OutboundTopicAliasBehaviorType.Manual:
      aliases.outbound = 'manual'
      break
    case OutboundTopicAliasBehaviorType.LRU:
      aliases.outbound = 'assign'
      aliases.outboundLimit = outboundSize ?? DEFAULT_ALIAS_CACHE_SIZE
      break
  }
  if (checkedEnum(options, 'inboundBehavior', InboundTopicAliasBehaviorType) === InboundTopicAliasBehaviorType.Enabled) {
    aliases.inbound = inboundSize ?? DEFAULT_ALIAS_CACHE_SIZE
  }
  return aliases
}

/**
 * The reconnect wait: from `minReconnectDelayMs` (0 or none: 1 s) doubling
 * to `maxReconnectDelayMs` (120 s), spread by `retryJitterMode`, back to the
 * minimum after a link that lasted `minConnectedTimeToResetReconnectDelayMs`
 * (30 s). A minimum above the maximum is an error (aws-crt takes it).
 */
function reconnectDelays(fields) {
  const min = fields.optionalInteger('minReconnectDelayMs', 0, MAX_MILLIS) || DEFAULT_MIN_RECONNECT_MS
  const max = fields.optionalInteger('maxReconnectDelayMs', 0, MAX_MILLIS) || DEFAULT_MAX_RECONNECT_MS
  if (min > max) {
    throw new RangeError(
      `config.minReconnectDelayMs (${min}) must not be above config.maxReconnectDelayMs (${max})`,
    )
  }
  const reset = fields.optionalInteger('minConnectedTimeToResetReconnectDelayMs', 0, MAX_MILLIS)
  return {
    reconnectMinMs: min,
    reconnectMaxMs: max,
    reconnectJitter: JITTER[checkedEnum(fields, 'retryJitterMode', RetryJitterType) ?? 0],
    reconnectResetAfterMs: reset || DEFAULT_RESET_RECONNECT_MS,
  }
}

/** Whether the config asks for AWS IoT Core's limits. */
function usesIotCoreLimits(config) {
  return config.extendedValidationAndFlowControlOptions === ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults
}

module.exports = { nativeConfig, usesIotCoreLimits }
