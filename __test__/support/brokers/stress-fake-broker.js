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
const { packetReader, encode } = require('./mqtt-wire')

/** The answer to each packet a client sends (mqtt-packet objects). */
function answer(socket, { packet }, mode, delayMs) {
  const { cmd, messageId } = packet
  switch (cmd) {
    case 'connect': {
      const connack = encode({ cmd: 'connack', returnCode: 0, sessionPresent: false })
      if (mode === 'slow') setTimeout(() => socket.destroyed || socket.write(connack), delayMs)
      else socket.write(connack)
      break
    }
    case 'publish':
      if (packet.qos === 1) socket.write(encode({ cmd: 'puback', messageId }))
      if (packet.qos === 2) socket.write(encode({ cmd: 'pubrec', messageId }))
      break
    case 'pubrel':
      socket.write(encode({ cmd: 'pubcomp', messageId }))
      break
    case 'subscribe':
      socket.write(encode({ cmd: 'suback', messageId, granted: packet.subscriptions.map(({ qos }) => qos) }))
      break
    case 'unsubscribe':
      socket.write(encode({ cmd: 'unsuback', messageId }))
      break
    case 'pingreq':
      socket.write(encode({ cmd: 'pingresp' }))
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
    const reader = packetReader()
    socket.on('data', (chunk) => {
      if (mode === 'silent') return
      for (const packet of reader.feed(chunk)) answer(socket, packet, mode, delayMs)
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
