'use strict'
// aws-crt `mqtt5` packets in the engine's words, and the engine's events as
// aws-crt's packets. Checks throw a TypeError or RangeError naming the field
// as the user wrote it (`packet.subscriptions[0].qos`).

const { Fields, describe } = require('../core/fields')
const { toBytes } = require('../core/payload')
const { checkWellFormed } = require('../core/checks')
const { checkTopicName, checkTopicFilter } = require('../core/topics')
const { PacketType, DisconnectReasonCode } = require('./mqtt5-enums')

const MAX_U32 = 0xffffffff
const MAX_U16 = 0xffff
const MAX_SUBSCRIPTION_IDENTIFIER = 268435455

/** The fields of `packet`, which must be an object; `name` names it. */
function packetFields(packet, name) {
  if (packet === null || typeof packet !== 'object' || Array.isArray(packet)) {
    throw new TypeError(`${name} must be an object (got ${describe(packet)})`)
  }
  return new Fields(packet, name)
}

/** An MQTT string in `field`: well-formed, at most 65,535 bytes, no U+0000. */
function optionalText(fields, field) {
  const text = fields.optionalMqttString(field)
  if (text !== undefined) checkWellFormed(text, fields.name(field))
  return text
}

function text(fields, field) {
  const value = optionalText(fields, field)
  if (value === undefined) throw new TypeError(`${fields.name(field)} is required (a string)`)
  return value
}

/** BinaryData (an ArrayBuffer or a view of one) in `field`, as a Buffer. */
function optionalBinary(fields, field) {
  const value = fields.get(field)
  if (value === undefined) return undefined
  if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
    throw new TypeError(`${fields.name(field)} must be an ArrayBuffer or an ArrayBufferView (got ${describe(value)})`)
  }
  const bytes = toBytes(value, fields.name(field))
  fields.checkLength(field, bytes.byteLength)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** `userProperties` (`[{ name, value }]`, order and duplicates kept) as the engine's joined string. */
function userPropertiesToNative(fields) {
  const list = fields.get('userProperties')
  if (list === undefined) return undefined
  const name = fields.name('userProperties')
  if (!Array.isArray(list)) throw new TypeError(`${name} must be an array of { name, value } (got ${describe(list)})`)
  if (list.length === 0) return undefined
  const parts = []
  for (let i = 0; i < list.length; i++) {
    const property = packetFields(list[i], `${name}[${i}]`)
    parts.push(text(property, 'name'), text(property, 'value'))
  }
  return parts.join('\0')
}

/** The engine's joined user properties as aws-crt's list. */
function userPropertiesFromNative(joined) {
  const list = []
  if (!joined) return list
  const parts = joined.split('\0')
  for (let i = 0; i + 1 < parts.length; i += 2) list.push({ name: parts[i], value: parts[i + 1] })
  return list
}

/** Builds a properties object from `[engineName, value]` pairs, undefined when all are. */
function nativeProperties(pairs) {
  let properties
  for (const [key, value] of pairs) {
    if (value !== undefined) (properties ??= {})[key] = value
  }
  return properties
}

function flag(fields, field) {
  const value = fields.optionalBool(field)
  return value === undefined ? undefined : Number(value)
}

/** Whether a PublishPacket sets any property but user properties (most set none). */
function hasPublishProperties(packet) {
  return (
    packet.payloadFormat != null ||
    packet.messageExpiryIntervalSeconds != null ||
    packet.topicAlias != null ||
    packet.responseTopic != null ||
    packet.correlationData != null ||
    packet.contentType != null ||
    packet.subscriptionIdentifiers != null
  )
}

/** A PublishPacket's MQTT 5 properties but user properties (NativePublishProperties). */
function publishProperties(fields) {
  if (fields.get('subscriptionIdentifiers') !== undefined) {
    throw new TypeError(
      `${fields.name('subscriptionIdentifiers')} must be left out: only the broker sets Subscription Identifiers on a PUBLISH`,
    )
  }
  return nativeProperties([
    ['payloadFormatIndicator', fields.optionalInteger('payloadFormat', 0, 1)],
    ['messageExpiryInterval', fields.optionalInteger('messageExpiryIntervalSeconds', 0, MAX_U32)],
    ['topicAlias', fields.optionalInteger('topicAlias', 1, MAX_U16)],
    ['responseTopic', optionalText(fields, 'responseTopic')],
    ['correlationData', optionalBinary(fields, 'correlationData')],
    ['contentType', optionalText(fields, 'contentType')],
  ])
}

/**
 * A PublishPacket as `NativeConnection.publish` takes it: topic, payload
 * bytes, QoS, retain, properties and joined user properties.
 */
function publishToNative(packet, name) {
  const fields = packetFields(packet, name)
  const topic = text(fields, 'topicName')
  const properties = hasPublishProperties(packet) ? publishProperties(fields) : undefined
  // The engine's topic rules, asked only of a topic that may break them (the
  // rest, U+0000 and length, `text` checked); an empty topic names the topic
  // its alias stands for.
  const suspect = topic === '' ? properties?.topicAlias === undefined : topic.includes('+') || topic.includes('#')
  if (suspect) checkTopicName(topic, fields.name('topicName'), TypeError)
  return {
    topic,
    payload: toBytes(fields.get('payload'), fields.name('payload')),
    qos: fields.integer('qos', 0, 2),
    retain: fields.optionalBool('retain') ?? false,
    properties,
    userProperties: userPropertiesToNative(fields),
  }
}

/** The will (a PublishPacket) and CONNECT's Will Delay Interval as the engine's NativeWill. */
function willToNative(packet, name, willDelaySecs) {
  const will = publishToNative(packet, name)
  const properties = { ...will.properties, willDelayInterval: willDelaySecs, userProperties: will.userProperties }
  delete properties.topicAlias
  return { topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain, properties }
}

/** Subscription options as the SUBSCRIBE byte carries them. */
function optionsByte(subscription) {
  const qos = subscription.integer('qos', 0, 2)
  const noLocal = subscription.optionalBool('noLocal') ? 4 : 0
  const retainAsPublished = subscription.optionalBool('retainAsPublished') ? 8 : 0
  const retainHandling = subscription.optionalInteger('retainHandlingType', 0, 2) ?? 0
  return qos | noLocal | retainAsPublished | (retainHandling << 4)
}

/** The array in `field`, which must hold something (`what`, for the error). */
function nonEmptyList(fields, field, what) {
  const list = fields.get(field)
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${fields.name(field)} must be a non-empty array of ${what} (got ${describe(list)})`)
  }
  return list
}

/** A SubscribePacket as `NativeConnection.subscribe` takes it. */
function subscribeToNative(packet, name) {
  const fields = packetFields(packet, name)
  const list = nonEmptyList(fields, 'subscriptions', 'Subscription')
  const listName = fields.name('subscriptions')
  const filters = []
  const options = []
  for (let i = 0; i < list.length; i++) {
    const subscription = packetFields(list[i], `${listName}[${i}]`)
    const filter = text(subscription, 'topicFilter')
    checkTopicFilter(filter, subscription.name('topicFilter'), TypeError)
    filters.push(filter)
    options.push(optionsByte(subscription))
  }
  const properties = nativeProperties([
    ['subscriptionIdentifiers', wrap(fields.optionalInteger('subscriptionIdentifier', 1, MAX_SUBSCRIPTION_IDENTIFIER))],
    ['userProperties', userPropertiesToNative(fields)],
  ])
  return { filters, options, properties }
}

const wrap = (value) => (value === undefined ? undefined : [value])

/** An UnsubscribePacket as `NativeConnection.unsubscribe` takes it. */
function unsubscribeToNative(packet, name) {
  const fields = packetFields(packet, name)
  const list = nonEmptyList(fields, 'topicFilters', 'strings')
  const listName = fields.name('topicFilters')
  // Each filter read as the field `[i]` of the list: errors name `packet.topicFilters[i]`.
  const items = new Fields(list, listName)
  items.name = (i) => `${listName}[${i}]`
  const filters = list.map((_, i) => text(items, i))
  filters.forEach((filter, i) => checkTopicFilter(filter, items.name(i), TypeError))
  return { filters, properties: nativeProperties([['userProperties', userPropertiesToNative(fields)]]) }
}

/** Reason codes a client may send in DISCONNECT (MQTT 5 section 3.14.2.1). */
const CLIENT_DISCONNECT_CODES = new Set([0, 4, 128, 129, 130, 131, 144, 147, 148, 149, 150, 151, 152, 153])

/** A DisconnectPacket as `NativeConnection.disconnect` takes it (reason code and properties). */
function disconnectToNative(packet, name) {
  if (packet === undefined || packet === null) return { reasonCode: 0, properties: undefined }
  const fields = packetFields(packet, name)
  const reasonCode = fields.optionalInteger('reasonCode', 0, 255) ?? 0
  if (!CLIENT_DISCONNECT_CODES.has(reasonCode)) {
    const known = DisconnectReasonCode[reasonCode]
    throw new RangeError(
      `${fields.name('reasonCode')} must be a DisconnectReasonCode a client may send (got ${reasonCode}${known ? ` ${known}` : ''})`,
    )
  }
  if (fields.get('serverReference') !== undefined) {
    throw new TypeError(`${fields.name('serverReference')} must be left out: only a server sends a Server Reference`)
  }
  const properties = nativeProperties([
    ['sessionExpiryInterval', fields.optionalInteger('sessionExpiryIntervalSeconds', 0, MAX_U32)],
    ['reasonString', optionalText(fields, 'reasonString')],
    ['userProperties', userPropertiesToNative(fields)],
  ])
  return { reasonCode, properties }
}

/** Copies `native[from]` to `packet[to]` when present; `convert` maps the value. */
function copyPresent(packet, native, names, convert = (value) => value) {
  for (const [to, from] of names) {
    const value = native?.[from]
    if (value !== undefined && value !== null) packet[to] = convert(value)
  }
}

const arrayBufferOf = (buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)

/** A CONNACK (reason code, properties) as aws-crt's ConnackPacket: only what the broker sent. */
function connackFromNative(sessionPresent, reasonCode, native) {
  const connack = { type: PacketType.Connack, sessionPresent, reasonCode }
  copyPresent(connack, native, [
    ['sessionExpiryInterval', 'sessionExpiryInterval'],
    ['receiveMaximum', 'receiveMaximum'],
    ['maximumQos', 'maximumQos'],
    ['maximumPacketSize', 'maximumPacketSize'],
    ['assignedClientIdentifier', 'assignedClientIdentifier'],
    ['topicAliasMaximum', 'topicAliasMaximum'],
    ['reasonString', 'reasonString'],
    ['serverKeepAlive', 'serverKeepAlive'],
    ['responseInformation', 'responseInformation'],
    ['serverReference', 'serverReference'],
    ['authenticationMethod', 'authenticationMethod'],
  ])
  copyPresent(
    connack,
    native,
    [
      ['retainAvailable', 'retainAvailable'],
      ['wildcardSubscriptionsAvailable', 'wildcardSubscriptionAvailable'],
      ['subscriptionIdentifiersAvailable', 'subscriptionIdentifiersAvailable'],
      ['sharedSubscriptionsAvailable', 'sharedSubscriptionAvailable'],
    ],
    (value) => value === 1,
  )
  copyPresent(connack, native, [['authenticationData', 'authenticationData']], arrayBufferOf)
  return withUserProperties(connack, native)
}

/** `packet` with the user properties of `native` (always a list, as aws-crt gives it). */
function withUserProperties(packet, native) {
  packet.userProperties = userPropertiesFromNative(native?.userProperties)
  return packet
}

const REASON_STRING = [['reasonString', 'reasonString']]

/** A DISCONNECT (reason code, properties) as aws-crt's DisconnectPacket, Server Reference kept. */
function disconnectFromNative(reasonCode, native) {
  const disconnect = { type: PacketType.Disconnect, reasonCode }
  copyPresent(disconnect, native, [
    ['sessionExpiryIntervalSeconds', 'sessionExpiryInterval'],
    ['reasonString', 'reasonString'],
    ['serverReference', 'serverReference'],
  ])
  return withUserProperties(disconnect, native)
}

/** A SUBACK or UNSUBACK (`type`) as aws-crt shows it. */
function ackFromNative(type, reasonCodes, native) {
  const ack = { type, reasonCodes }
  copyPresent(ack, native, REASON_STRING)
  return withUserProperties(ack, native)
}

/** A PUBACK (or the end of a QoS 2 flow) as aws-crt's PubackPacket. */
function pubackFromNative(reasonCode, native) {
  const ack = { type: PacketType.Puback, reasonCode }
  if (native !== undefined) copyPresent(ack, native, REASON_STRING)
  return withUserProperties(ack, native)
}

/** An AUTH from the broker as mqtt-napi's AuthPacket. */
function authFromNative(reasonCode, native) {
  const auth = { type: PacketType.Auth, reasonCode }
  copyPresent(auth, native, [['authenticationMethod', 'authenticationMethod'], ...REASON_STRING])
  copyPresent(auth, native, [['authenticationData', 'authenticationData']], arrayBufferOf)
  return withUserProperties(auth, native)
}

/** An AuthResponse (an answer to a challenge) as `NativeConnection.authenticate`'s properties. */
function authResponseToNative(response, name, method) {
  const fields = packetFields(response ?? {}, name)
  return nativeProperties([
    ['authenticationMethod', method],
    ['authenticationData', optionalBinary(fields, 'authenticationData')],
    ['reasonString', optionalText(fields, 'reasonString')],
    ['userProperties', userPropertiesToNative(fields)],
  ])
}

module.exports = {
  MAX_U16,
  MAX_U32,
  optionalText,
  optionalBinary,
  flag,
  nativeProperties,
  userPropertiesToNative,
  publishToNative,
  willToNative,
  subscribeToNative,
  unsubscribeToNative,
  disconnectToNative,
  connackFromNative,
  disconnectFromNative,
  ackFromNative,
  pubackFromNative,
  authFromNative,
  authResponseToNative,
  arrayBufferOf,
}
