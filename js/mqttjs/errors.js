'use strict'
const native = require('../core/native')

/** An Error with the MQTT return or reason code that caused it, as MQTT.js's. */
class ErrorWithReasonCode extends Error {
  constructor(message, code) {
    super(message)
    this.name = 'ErrorWithReasonCode'
    this.code = code
  }
}

/** An Error with the SUBACK that refused a subscription, as MQTT.js's (no `code`). */
class ErrorWithSubackPacket extends Error {
  constructor(message, packet) {
    super(message)
    this.name = 'ErrorWithSubackPacket'
    this.packet = packet
  }
}

/** MQTT.js's words for MQTT 3.1.1's CONNACK return codes and MQTT 5's reason codes. */
const REASONS = {
  1: 'Unacceptable protocol version',
  2: 'Identifier rejected',
  3: 'Server unavailable',
  4: 'Bad username or password',
  5: 'Not authorized',
  16: 'No matching subscribers',
  17: 'No subscription existed',
  128: 'Unspecified error',
  129: 'Malformed Packet',
  130: 'Protocol Error',
  131: 'Implementation specific error',
  132: 'Unsupported Protocol Version',
  133: 'Client Identifier not valid',
  134: 'Bad User Name or Password',
  135: 'Not authorized',
  136: 'Server unavailable',
  137: 'Server busy',
  138: 'Banned',
  139: 'Server shutting down',
  140: 'Bad authentication method',
  141: 'Keep Alive timeout',
  142: 'Session taken over',
  143: 'Topic Filter invalid',
  144: 'Topic Name invalid',
  145: 'Packet identifier in use',
  146: 'Packet Identifier not found',
  147: 'Receive Maximum exceeded',
  148: 'Topic Alias invalid',
  149: 'Packet too large',
  150: 'Message rate too high',
  151: 'Quota exceeded',
  152: 'Administrative action',
  153: 'Payload format invalid',
  154: 'Retain not supported',
  155: 'QoS not supported',
  156: 'Use another server',
  157: 'Server moved',
  158: 'Shared Subscriptions not supported',
  159: 'Connection rate exceeded',
  160: 'Maximum connect time',
  161: 'Subscription Identifiers not supported',
  162: 'Wildcard Subscriptions not supported',
}

/** MQTT.js's words for a return or reason code. */
function reasonText(code) {
  return REASONS[code] ?? `reason code ${code}`
}

/** Native error names with a Node error code that MQTT.js users know. */
const NODE_CODES = {
  AWS_IO_SOCKET_CONNECTION_REFUSED: 'ECONNREFUSED',
  AWS_IO_SOCKET_TIMEOUT: 'ETIMEDOUT',
  AWS_IO_SOCKET_NO_ROUTE_TO_HOST: 'EHOSTUNREACH',
  AWS_IO_SOCKET_NETWORK_DOWN: 'ENETDOWN',
  AWS_IO_SOCKET_CLOSED: 'ECONNRESET',
  AWS_IO_DNS_QUERY_FAILED: 'ENOTFOUND',
  AWS_IO_DNS_NO_ADDRESS_FOR_HOST: 'ENOTFOUND',
}

const UNEXPECTED_HANGUP = 'AWS_ERROR_MQTT_UNEXPECTED_HANGUP'
const DISCONNECT_RECEIVED = 'AWS_ERROR_MQTT5_DISCONNECT_RECEIVED'

/** Where an error happened, for MQTT.js's words about it. */
const DURING_ATTEMPT = 'attempt'
const ON_LINK = 'link'
const IN_OPERATION = 'operation'

/** MQTT.js's messages for what both clients report, by native name and context. */
const MQTTJS_MESSAGES = {
  [`${DURING_ATTEMPT} AWS_ERROR_MQTT_TIMEOUT`]: 'connack timeout',
  [`${ON_LINK} AWS_ERROR_MQTT_TIMEOUT`]: 'Keepalive timeout',
  [`${IN_OPERATION} AWS_ERROR_MQTT_NOT_CONNECTED`]: 'No connection to broker',
  [`${IN_OPERATION} AWS_ERROR_MQTT_CONNECTION_SHUTDOWN`]: 'Connection closed',
  [`${IN_OPERATION} AWS_ERROR_MQTT5_INVALID_OUTBOUND_TOPIC_ALIAS`]: 'Sending Topic Alias out of range',
}

/**
 * The Error of a native error code met in `context`: MQTT.js's message where
 * it has one for the case, else the engine's; `code` is the Node error code
 * where one fits (ECONNREFUSED, ...), else the native error's name.
 */
function errorOf(errorCode, context, detail) {
  const name = native.errorCodeToName(errorCode)
  const message = MQTTJS_MESSAGES[`${context} ${name}`] ?? (detail || native.errorCodeToString(errorCode))
  const error = new Error(message)
  error.code = NODE_CODES[name] ?? name
  return error
}

/** The error of an attempt the broker's CONNACK refused, else undefined. */
function connectionRefused(event) {
  const code = event.returnCode ?? (native.errorCodeToName(event.errorCode) === CONNACK_REFUSED ? event.reasonCode : undefined)
  if (code === undefined || code === 0) return undefined
  return new ErrorWithReasonCode(`Connection refused: ${reasonText(code)}`, code)
}

const CONNACK_REFUSED = 'AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED'

/**
 * The error of a link the client ended because the broker broke MQTT 5's
 * rules (the reason code of its DISCONNECT as the code), else undefined.
 */
function protocolViolation(event) {
  if (event.reasonCode === undefined || isDisconnectReceived(event)) return undefined
  return new ErrorWithReasonCode(event.errorDetail, event.reasonCode)
}

/** The broker ended the link with DISCONNECT (MQTT 5): MQTT.js's 'disconnect' event. */
function isDisconnectReceived(event) {
  return native.errorCodeToName(event.errorCode) === DISCONNECT_RECEIVED
}

/** The broker closed the link: MQTT.js reports that as 'close' alone. */
function isHangup(event) {
  return native.errorCodeToName(event.errorCode) === UNEXPECTED_HANGUP
}

module.exports = {
  ErrorWithReasonCode,
  ErrorWithSubackPacket,
  reasonText,
  errorOf,
  connectionRefused,
  protocolViolation,
  isDisconnectReceived,
  isHangup,
  DURING_ATTEMPT,
  ON_LINK,
  IN_OPERATION,
}
