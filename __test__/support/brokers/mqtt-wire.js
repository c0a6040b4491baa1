'use strict'
// The scripted test brokers' framer: mqtt-packet reads what a client sends
// (MQTT 3.1.1 and 5), and each packet also comes as the bytes of its wire
// form, for scripts that compare or pick apart bytes.
const mqttPacket = require('mqtt-packet')

/**
 * A reader of one connection's bytes: `feed(chunk)` returns the whole packets
 * completed so far, each `{ type, flags, body, raw, packet }` (`packet` is
 * mqtt-packet's object; `raw` its wire form, `body` the bytes after the fixed
 * header). A stream mqtt-packet cannot parse throws.
 */
function packetReader(protocolVersion = 4) {
  const parser = mqttPacket.parser({ protocolVersion })
  let taken = []
  let failure
  parser.on('packet', (packet) => taken.push(framed(packet)))
  parser.on('error', (error) => (failure = error))
  return {
    feed(chunk) {
      parser.parse(chunk)
      if (failure) throw failure
      const packets = taken
      taken = []
      return packets
    },
  }
}

/** `packet` (an mqtt-packet object) with its wire form. */
function framed(packet) {
  const raw = mqttPacket.generate(packet)
  let at = 1
  while (raw[at] & 0x80) at++
  return { type: raw[0] >> 4, flags: raw[0] & 0x0f, body: raw.subarray(at + 1), raw, packet }
}

/** The wire form of an mqtt-packet object (a well-formed packet). */
function encode(packet) {
  return mqttPacket.generate(packet)
}

module.exports = { packetReader, encode }
