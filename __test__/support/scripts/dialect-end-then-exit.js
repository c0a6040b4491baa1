'use strict'
// The MQTT.js dialect: connects to the URL given, publishes at QoS 1, then
// ends from an unref'd 500 ms timer, so only the client itself can keep the
// process alive until then. With a URL nothing listens on (and
// reconnectPeriod 0) the client gives up and the process must exit anyway.
const path = require('path')
const { connect } = require(path.resolve(__dirname, '..', '..', '..'))

const [url, reconnectPeriod] = process.argv.slice(2)
const client = connect(url, { reconnectPeriod: Number(reconnectPeriod) })
client.on('error', (error) => process.stdout.write(`error ${error.code}\n`))
client.on('close', () => process.stdout.write('close\n'))
client.on('connect', () => {
  process.stdout.write('connected\n')
  client.publish('mqtt-napi/exit', 'bye', { qos: 1 }, () => {
    process.stdout.write('published\n')
    const timer = setTimeout(() => client.end(() => process.stdout.write('ended\n')), 500)
    timer.unref()
  })
})
process.on('exit', (code) => process.stdout.write(`exit ${code}\n`))
