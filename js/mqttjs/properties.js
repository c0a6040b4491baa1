'use strict'
// MQTT 5 properties in MQTT.js's shapes (mqtt-packet's names) and the
// engine's (NativeProperties and, for PUBLISH, NativePublishProperties in
// binding.d.ts), both ways. User properties cross as one string: name,
// value, ... joined by U+0000, which MQTT strings may not contain.
const { describe } = require('./arguments')

/** MQTT.js names whose engine name differs; the rest are the same. */
const ENGINE_NAMES = {
  maximumQoS: 'maximumQos',
  subscriptionIdentifier: 'subscriptionIdentifiers',
}
const MQTTJS_NAMES = Object.fromEntries(Object.entries(ENGINE_NAMES).map(([mqttjs, engine]) => [engine, mqttjs]))

/** Properties MQTT.js gives as booleans (the engine has flags 0 / 1). */
const FLAGS = new Set([
  'payloadFormatIndicator',
  'requestProblemInformation',
  'requestResponseInformation',
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'sharedSubscriptionAvailable',
])
const TEXTS = new Set(['contentType', 'responseTopic', 'assignedClientIdentifier', 'authenticationMethod', 'responseInformation', 'serverReference', 'reasonString'])
const BINARIES = new Set(['correlationData', 'authenticationData'])
/** Whole numbers and their largest values. */
const NUMBERS = {
  messageExpiryInterval: 0xffffffff,
  sessionExpiryInterval: 0xffffffff,
  willDelayInterval: 0xffffffff,
  maximumPacketSize: 0xffffffff,
  serverKeepAlive: 0xffff,
  receiveMaximum: 0xffff,
  topicAliasMaximum: 0xffff,
  topicAlias: 0xffff,
  maximumQoS: 1,
  subscriptionIdentifier: 268435455,
}

/**
 * MQTT.js's `properties` (as `name` names them in errors) in the engine's
 * words; undefined for none. Types and ranges are checked here; which
 * properties a packet may carry, the engine checks with the packet.
 */
function toNative(properties, name) {
  if (properties === undefined || properties === null) return undefined
  if (typeof properties !== 'object' || Array.isArray(properties)) {
    throw new TypeError(`${name} must be an object (got ${describe(properties)})`)
  }
  const native = {}
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue
    const field = `${name}.${key}`
    const engineName = ENGINE_NAMES[key] ?? key
    if (key === 'userProperties') native.userProperties = userPropertiesToNative(value, field)
    else if (FLAGS.has(key)) native[engineName] = flag(value, field)
    else if (TEXTS.has(key)) native[engineName] = text(value, field)
    else if (BINARIES.has(key)) native[engineName] = binary(value, field)
    else if (key === 'subscriptionIdentifier') {
      const ids = Array.isArray(value) ? value : [value]
      native.subscriptionIdentifiers = ids.map((id, i) => whole(id, Array.isArray(value) ? `${field}[${i}]` : field, 1, NUMBERS[key]))
    } else if (NUMBERS[key] !== undefined) native[engineName] = whole(value, field, 0, NUMBERS[key])
    else throw new TypeError(`${field} is not an MQTT 5 property`)
  }
  return native
}

function flag(value, field) {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value === 0 || value === 1) return value
  throw new TypeError(`${field} must be a boolean (got ${describe(value)})`)
}

function text(value, field) {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string (got ${describe(value)})`)
  return value
}

function binary(value, field) {
  if (typeof value === 'string') return Buffer.from(value)
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError(`${field} must be a Buffer or a string (got ${describe(value)})`)
}

function whole(value, field, min, max) {
  if (typeof value !== 'number') throw new TypeError(`${field} must be a number (got ${describe(value)})`)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be a whole number from ${min} to ${max} (got ${value})`)
  }
  return value
}

/** `{ name: value | value[] }` as name, value, name, value, ... joined by U+0000. */
function userPropertiesToNative(userProperties, field) {
  if (userProperties === null || typeof userProperties !== 'object' || Array.isArray(userProperties)) {
    throw new TypeError(`${field} must be an object of names and values (got ${describe(userProperties)})`)
  }
  let joined = ''
  for (const name in userProperties) {
    const value = userProperties[name]
    if (Array.isArray(value)) for (const one of value) joined = joinPair(joined, name, String(one), field)
    else joined = joinPair(joined, name, String(value), field)
  }
  return joined
}

function joinPair(joined, name, value, field) {
  if (name.includes('\0') || value.includes('\0')) {
    throw new TypeError(`${field}: MQTT strings may not contain U+0000 (in ${JSON.stringify(name)})`)
  }
  return joined === '' ? `${name}\0${value}` : `${joined}\0${name}\0${value}`
}

/**
 * A publish's `properties` for `NativeConnection.publish`: the user
 * properties (joined), and the engine's object for the rest, undefined
 * when there is nothing else (the common case costs one string).
 */
function publishUserPropertiesToNative(properties, name) {
  const userProperties = properties?.userProperties
  return userProperties == null ? undefined : userPropertiesToNative(userProperties, `${name}.userProperties`)
}

function publishPropertiesToNative(properties, name) {
  if (properties === undefined || properties === null) return undefined
  // Not an object: toNative says so.
  if (typeof properties !== 'object' || Array.isArray(properties)) return toNative(properties, name)
  for (const key in properties) {
    if (key !== 'userProperties' && properties[key] !== undefined) {
      const { userProperties, ...rest } = properties
      return toNative(rest, name)
    }
  }
  return undefined
}

/** The engine's properties as MQTT.js shows them; undefined for none. */
function fromNative(native) {
  if (native === undefined) return undefined
  const properties = {}
  for (const [engineName, value] of Object.entries(native)) {
    if (value === undefined || value === null) continue
    const key = MQTTJS_NAMES[engineName] ?? engineName
    if (engineName === 'userProperties') properties.userProperties = userPropertiesFromNative(value)
    else if (engineName === 'subscriptionIdentifiers') properties.subscriptionIdentifier = value.length === 1 ? value[0] : value
    else if (FLAGS.has(key)) properties[key] = value === 1
    else properties[key] = value
  }
  return properties
}

/** Name, value, ... (joined by U+0000) as MQTT.js's object. */
function userPropertiesFromNative(joined) {
  return userPropertiesFromPairs(joined.split('\0'))
}

/** [name, value, ...] as MQTT.js's object: a repeated name holds its values in order. */
function userPropertiesFromPairs(pairs) {
  const userProperties = {}
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i]
    const value = pairs[i + 1]
    const held = userProperties[name]
    if (held === undefined) userProperties[name] = value
    else if (Array.isArray(held)) held.push(value)
    else userProperties[name] = [held, value]
  }
  return userProperties
}

/**
 * A message's properties (NativePublishProperties, and its user properties
 * as [name, value, ...]; either may be undefined) as MQTT.js's
 * `packet.properties`.
 */
function publishFromNative(native, userPairs) {
  const properties = {}
  if (userPairs !== undefined) properties.userProperties = userPropertiesFromPairs(userPairs)
  if (native === undefined) return properties
  if (native.payloadFormatIndicator !== undefined) properties.payloadFormatIndicator = native.payloadFormatIndicator === 1
  if (native.messageExpiryInterval !== undefined) properties.messageExpiryInterval = native.messageExpiryInterval
  if (native.contentType !== undefined) properties.contentType = native.contentType
  if (native.responseTopic !== undefined) properties.responseTopic = native.responseTopic
  if (native.correlationData !== undefined) properties.correlationData = native.correlationData
  if (native.topicAlias !== undefined) properties.topicAlias = native.topicAlias
  const ids = native.subscriptionIdentifiers
  if (ids !== undefined) properties.subscriptionIdentifier = ids.length === 1 ? ids[0] : ids
  return properties
}

module.exports = { toNative, fromNative, publishFromNative, publishPropertiesToNative, publishUserPropertiesToNative }
