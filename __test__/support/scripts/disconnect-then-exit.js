'use strict'
// Connects, then disconnects from an unref'd 500 ms timer: only the connection
// itself can keep the process alive until then. Prints each step.
const path = require('path')
const { mqtt } = require(path.resolve(__dirname, '..', '..', '..'))

const [host, port] = process.argv.slice(2)
const connection = new mqtt.MqttClient().new_connection({
  client_id: `dte-${process.pid}`,
  host_name: host,
  port: Number(port),
  clean_session: true,
})

connection.connect().then(
  () => {
    process.stdout.write('connected\n')
    const timer = setTimeout(() => {
      connection.disconnect().then(() => process.stdout.write('disconnected\n'))
    }, 500)
    timer.unref()
  },
  (error) => {
    process.stdout.write(`connect failed: ${error && error.message}\n`)
    process.exitCode = 3
  },
)
process.on('exit', (code) => process.stdout.write(`exit ${code}\n`))
