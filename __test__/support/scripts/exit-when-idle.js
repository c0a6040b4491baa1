'use strict'
// A connection that is made but never connected must not keep Node running.
const path = require('path')
const { mqtt } = require(path.resolve(__dirname, '..', '..', '..'))

const [host = '127.0.0.1', port = '1'] = process.argv.slice(2)
const connection = new mqtt.MqttClient().new_connection({
  client_id: `idle-${process.pid}`,
  host_name: host,
  port: Number(port),
  clean_session: true,
})
connection.on('message', () => {})
process.stdout.write('created\n')
