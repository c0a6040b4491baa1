'use strict'
// node stress-exit.js <case> <host> <port>
// A disconnect()/end() whose promise or callback is still pending must keep
// Node running until it settles: code after `await connection.disconnect()`
// must run. Each case does its steps with nothing else keeping the process
// alive, prints a line after each, and then prints nothing more: the process
// must print every line and exit by itself with 0.
//   crt-never-connected        new_connection(), await disconnect()
//   crt-after-failed-connect   await connect() (rejected: nothing listens), await disconnect()
//   crt-disconnect-twice       await connect(), await disconnect(), await disconnect()
//   crt-qos0-not-connected     await publish(QoS 0) on a connection never connected (rejects)
//   mqttjs-never-connected     connect(url, { manualConnect: true }), end(callback)
//   mqttjs-after-failed        connect(url, { reconnectPeriod: 0 }) (refused), 'close', end(callback)
//   mqttjs-qos0-not-connected  { manualConnect: true, queueQoSZero: false }, publish(QoS 0, callback) (an error)
const path = require('path')
const pkg = require(path.resolve(__dirname, '..', '..', '..'))

const [which, host, port] = process.argv.slice(2)
const say = (line) => process.stdout.write(`${line}\n`)
process.on('exit', (code) => say(`exit ${code}`))

function crtConnection() {
  return new pkg.mqtt.MqttClient().new_connection({
    client_id: `ex${process.pid}`,
    host_name: host,
    port: Number(port),
    clean_session: true,
  })
}

const cases = {
  async 'crt-never-connected'() {
    const connection = crtConnection()
    await connection.disconnect()
    say('disconnected')
  },
  async 'crt-after-failed-connect'() {
    const connection = crtConnection()
    await connection.connect().then(
      () => say('connect resolved?'),
      (error) => say(`connect rejected ${error.error_name}`),
    )
    await connection.disconnect()
    say('disconnected')
  },
  async 'crt-disconnect-twice'() {
    const connection = crtConnection()
    await connection.connect()
    say('connected')
    await connection.disconnect()
    say('disconnected')
    await connection.disconnect()
    say('disconnected again')
  },
  async 'crt-qos0-not-connected'() {
    const connection = crtConnection()
    await connection.publish('mqtt-napi/exit', 'x', pkg.mqtt.QoS.AtMostOnce).then(
      () => say('published?'),
      (error) => say(`rejected ${error.error_name}`),
    )
  },
  async 'mqttjs-never-connected'() {
    const client = pkg.connect(`mqtt://${host}:${port}`, { manualConnect: true })
    client.end(() => say('ended'))
  },
  async 'mqttjs-qos0-not-connected'() {
    const client = pkg.connect(`mqtt://${host}:${port}`, { manualConnect: true, queueQoSZero: false })
    client.publish('mqtt-napi/exit', 'x', { qos: 0 }, (error) => say(`published: ${error ? error.message : 'no error?'}`))
  },
  async 'mqttjs-after-failed'() {
    const client = pkg.connect(`mqtt://${host}:${port}`, { reconnectPeriod: 0 })
    client.on('error', (error) => say(`error ${error.code}`))
    await new Promise((resolve) => client.once('close', resolve))
    client.end(() => say('ended'))
  },
}

cases[which]().catch((error) => {
  say(`failed: ${error && error.message}`)
  process.exitCode = 1
})
