'use strict'
// A message callback that throws must surface as an ordinary uncaught
// exception; the process must not abort. Records it, then disconnects.
const path = require('path')
const { mqtt } = require(path.resolve(__dirname, '..', '..', '..'))

const [host, port] = process.argv.slice(2)
const topic = `mqtt-napi/throwing/${process.pid}`
const connection = new mqtt.MqttClient().new_connection({
  client_id: `throw-${process.pid}`,
  host_name: host,
  port: Number(port),
  clean_session: true,
})

let finishing = false
function finish() {
  if (finishing) return
  finishing = true
  // Still usable after the throw: one more round trip, then disconnect.
  let after = false
  connection
    .subscribe(`${topic}/after`, mqtt.QoS.AtLeastOnce, () => {
      after = true
    })
    .then(() => connection.publish(`${topic}/after`, 'still alive', mqtt.QoS.AtLeastOnce))
    .then(() => new Promise((resolve) => setTimeout(resolve, 300)))
    .then(() => {
      process.stdout.write(`after throw: ${after ? 'delivered' : 'not delivered'}\n`)
      return connection.disconnect()
    })
    .then(() => process.stdout.write('disconnected\n'))
}

process.on('uncaughtException', (error) => {
  process.stdout.write(`uncaught: ${error && error.message}\n`)
  finish()
})

const watchdog = setTimeout(() => {
  process.stdout.write('no uncaught exception seen\n')
  finish()
}, 5000)
watchdog.unref()

connection
  .connect()
  .then(() =>
    connection.subscribe(topic, mqtt.QoS.AtLeastOnce, () => {
      throw new Error('boom from listener')
    }),
  )
  .then(() => connection.publish(topic, 'hello', mqtt.QoS.AtLeastOnce))
  .catch((error) => {
    process.stdout.write(`failed: ${error && error.message}\n`)
    process.exitCode = 3
    connection.disconnect()
  })
