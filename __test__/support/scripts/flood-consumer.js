'use strict'
// A slow consumer of a flood: connects with the MQTT.js API to the broker
// port given, subscribes to 'flood', takes `count` messages whose payloads
// start with their sequence number, stalls the event loop for 20 ms after
// every 10,000 (a JavaScript side slower than the socket), and prints what it
// saw and its peak RSS.
const path = require('path')
const { connect } = require(path.resolve(__dirname, '..', '..', '..'))

const [port, count, receiveBufferBytes] = process.argv.slice(2).map(Number)
const client = connect(`mqtt://127.0.0.1:${port}`, {
  reconnectPeriod: 0,
  ...(receiveBufferBytes > 0 && { receiveBufferBytes }),
})
client.subscribe('flood')
let received = 0
let inOrder = true
client.on('message', (_topic, payload) => {
  if (payload.readUInt32BE(0) !== received) inOrder = false
  received += 1
  if (received % 10000 === 0) {
    const until = Date.now() + 20
    while (Date.now() < until);
  }
  if (received === count) {
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024)
    process.stdout.write(`${JSON.stringify({ received, inOrder, peakRssMiB })}\n`)
    client.end(true)
  }
})
client.on('error', (error) => process.stderr.write(`error ${error.message}\n`))
