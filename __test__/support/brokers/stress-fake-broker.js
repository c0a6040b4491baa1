'use strict'
// A tiny MQTT 3.1.1 server that counts its sockets, for the stress and GC
// tests: it sees a client's socket close even where the client's own process
// cannot tell. Modes:
//   'answers'   CONNACK (accepted), PINGRESP, SUBACK (granting what was
//               asked), UNSUBACK, PUBACK for QoS 1 and PUBREC/PUBCOMP for QoS 2;
//               publishes are not routed anywhere
//   'silent'    accepts TCP and never answers (a CONNACK that never comes)
//   'slow'      as 'answers', but the CONNACK waits `delayMs` (default 50)
const net = require('net')

/** Splits `buffer` into whole MQTT packets; returns them and the rest. */
function packetsOf(buffer) {
  const packets = []
  let at = 0
  for (;;) {
    if (buffer.length - at < 2) break
    let length = 0
    let multiplier = 1
    let i = at + 1
    let complete = false
    for (; i < buffer.length && i < at + 5; i++) {
      length += (buffer[i] & 0x7f) * multiplier
      multiplier *= 128
      if ((buffer[i] & 0x80) === 0) {
        complete = true
        i++
        break
      }
    }
    if (!complete || buffer.length - i < length) break
    packets.push({ type: buffer[at] >> 4, flags: buffer[at] & 0x0f, body: buffer.subarray(i, i + length) })
    at = i + length
  }
  return { packets, rest: buffer.subarray(at) }
}

function answer(socket, packet, mode, delayMs) {
  const { type, flags, body } = packet
  switch (type) {
    case 1: {
      // CONNECT
      const connack = Buffer.from([0x20, 0x02, 0x00, 0x00])
      if (mode === 'slow') setTimeout(() => socket.destroyed || socket.write(connack), delayMs)
      else socket.write(connack)
      break
    }
    case 3: {
      // PUBLISH: the packet id follows the topic for QoS 1 and 2.
      const qos = (flags >> 1) & 3
      if (qos === 0) break
      const topicLength = body.readUInt16BE(0)
      const id = body.subarray(2 + topicLength, 4 + topicLength)
      socket.write(Buffer.concat([Buffer.from([qos === 1 ? 0x40 : 0x50, 0x02]), id]))
      break
    }
    case 6: // PUBREL
      socket.write(Buffer.concat([Buffer.from([0x70, 0x02]), body.subarray(0, 2)]))
      break
    case 8: {
      // SUBSCRIBE: id, then (topic, qos) pairs.
      const granted = []
      for (let at = 2; at + 2 <= body.length; ) {
        const length = body.readUInt16BE(at)
        granted.push(body[at + 2 + length])
        at += 3 + length
      }
      socket.write(Buffer.concat([Buffer.from([0x90, 2 + granted.length]), body.subarray(0, 2), Buffer.from(granted)]))
      break
    }
    case 10: // UNSUBSCRIBE
      socket.write(Buffer.concat([Buffer.from([0xb0, 0x02]), body.subarray(0, 2)]))
      break
    case 12: // PINGREQ
      socket.write(Buffer.from([0xd0, 0x00]))
      break
  }
}

/**
 * Starts a server on 127.0.0.1 (a free port). `open` is how many client
 * sockets are open right now, `accepted` how many were ever accepted, and
 * `closed()` resolves once `open` is 0.
 */
function startCountingBroker({ mode = 'answers', delayMs = 50, port = 0 } = {}) {
  const sockets = new Set()
  let accepted = 0
  let waiters = []
  const server = net.createServer((socket) => {
    accepted++
    sockets.add(socket)
    let pending = Buffer.alloc(0)
    socket.on('data', (chunk) => {
      if (mode === 'silent') return
      const { packets, rest } = packetsOf(Buffer.concat([pending, chunk]))
      pending = Buffer.from(rest)
      for (const packet of packets) answer(socket, packet, mode, delayMs)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      sockets.delete(socket)
      if (sockets.size === 0) {
        const ready = waiters
        waiters = []
        for (const resolve of ready) resolve()
      }
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      resolve({
        host: '127.0.0.1',
        port: server.address().port,
        get open() {
          return sockets.size
        },
        get accepted() {
          return accepted
        },
        /** Resolves once no client socket is open. */
        allClosed() {
          return sockets.size === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))
        },
        close() {
          for (const socket of sockets) socket.destroy()
          return new Promise((r) => server.close(() => r()))
        },
      })
    })
  })
}

module.exports = { startCountingBroker }
