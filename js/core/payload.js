'use strict'
const { types } = require('util')
const { PAYLOAD_ALWAYS_FITS, payloadRoom } = require('./native')

const EMPTY = new Uint8Array(0)

/**
 * A Payload as bytes, without copying views and ArrayBuffers. `name` is the
 * argument named in the TypeError for anything else.
 */
function toBytes(payload, name) {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8')
  if (ArrayBuffer.isView(payload)) {
    return payload instanceof Uint8Array
      ? payload
      : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  }
  if (types.isAnyArrayBuffer(payload)) return new Uint8Array(payload)
  if (!payload) return EMPTY
  if (typeof payload === 'object') return Buffer.from(JSON.stringify(payload), 'utf8')
  throw new TypeError(
    `${name} must be a string, an object, an ArrayBuffer or an ArrayBufferView (got ${typeof payload})`,
  )
}

/**
 * Throws a TypeError naming `name` when `bytes` cannot fit one PUBLISH on
 * `topic` at `qos` (only very large payloads are looked at).
 */
function checkPayloadFits(topic, qos, bytes, name) {
  if (bytes.byteLength <= PAYLOAD_ALWAYS_FITS) return
  const room = payloadRoom(topic, qos)
  if (bytes.byteLength > room) {
    throw new TypeError(
      `${name} is invalid: ${bytes.byteLength} bytes; with this topic and QoS a PUBLISH holds at most ${room}`,
    )
  }
}

module.exports = { toBytes, checkPayloadFits }
