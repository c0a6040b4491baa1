'use strict'
// MQTT 5 properties in MQTT.js's shapes (mqtt-packet's names) and the
// engine's (NativeProperties in binding.d.ts), both ways.
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

/** `{ name: value | value[] }` as name, value, name, value, ... */
function userPropertiesToNative(userProperties, field) {
  if (userProperties === null || typeof userProperties !== 'object' || Array.isArray(userProperties)) {
    throw new TypeError(`${field} must be an object of names and values (got ${describe(userProperties)})`)
  }
  const pairs = []
  for (const [name, value] of Object.entries(userProperties)) {
    for (const one of Array.isArray(value) ? value : [value]) pairs.push(name, String(one))
  }
  return pairs
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

/** Name, value, ... as MQTT.js's object: a repeated name holds its values in order. */
function userPropertiesFromNative(pairs) {
  const userProperties = {}
  for (let i = 0; i < pairs.length; i += 2) {
    const [name, value] = [pairs[i], pairs[i + 1]]
    const held = userProperties[name]
    if (held === undefined) userProperties[name] = value
    else if (Array.isArray(held)) held.push(value)
    else userProperties[name] = [held, value]
  }
  return userProperties
}

module.exports = { toNative, fromNative }
