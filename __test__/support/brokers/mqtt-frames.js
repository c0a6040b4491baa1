'use strict'
// Splits bytes a client sent into whole MQTT packets, for the scripted test
// brokers (hostile-broker.ts and its flood worker thread).

/**
 * The whole packets at the start of `buffer` ({ type, flags, body, raw }) and
 * the bytes after them, which wait for more data.
 */
function takePackets(buffer) {
  const packets = []
  for (;;) {
    if (buffer.length < 2) break
    let length = 0
    let multiplier = 1
    let at = 1
    let complete = false
    while (at < buffer.length) {
      const byte = buffer[at++]
      length += (byte & 0x7f) * multiplier
      multiplier *= 128
      if ((byte & 0x80) === 0) {
        complete = true
        break
      }
    }
    if (!complete || buffer.length < at + length) break
    const raw = buffer.subarray(0, at + length)
    packets.push({ type: raw[0] >> 4, flags: raw[0] & 0x0f, body: raw.subarray(at), raw })
    buffer = buffer.subarray(at + length)
  }
  return { packets, rest: buffer }
}

module.exports = { takePackets }
