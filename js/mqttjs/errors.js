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

/** MQTT.js's words for the CONNACK return codes of MQTT 3.1.1. */
const CONNACK_REASONS = {
  1: 'Unacceptable protocol version',
  2: 'Identifier rejected',
  3: 'Server unavailable',
  4: 'Bad username or password',
  5: 'Not authorized',
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
  const code = event.returnCode
  if (code === undefined || code === 0) return undefined
  return new ErrorWithReasonCode(`Connection refused: ${CONNACK_REASONS[code] ?? `return code ${code}`}`, code)
}

/** The broker closed the link: MQTT.js reports that as 'close' alone. */
function isHangup(event) {
  return native.errorCodeToName(event.errorCode) === UNEXPECTED_HANGUP
}

module.exports = { ErrorWithReasonCode, errorOf, connectionRefused, isHangup, DURING_ATTEMPT, ON_LINK, IN_OPERATION }
