'use strict'
// A QoS 1 round trip with a user name, a password and a payload that must
// never reach the log. `how`: 'api' turns the log on with
// io.enable_logging(DEBUG), 'env' leaves it to MQTT_NAPI_LOG, 'off' to nothing.
const path = require('path')
const { connect, io } = require(path.resolve(__dirname, '..', '..', '..'))

const [url, how, username, password, payload] = process.argv.slice(2)
if (how === 'api') io.enable_logging(io.LogLevel.DEBUG)
const client = connect(url, { username, password, reconnectPeriod: 0 })
client.on('connect', async () => {
  await client.subscribeAsync('mqtt-napi/logged', { qos: 1 })
  client.once('message', () => client.end(() => process.stdout.write('done\n')))
  await client.publishAsync('mqtt-napi/logged', payload, { qos: 1 })
})
client.on('error', (error) => process.stdout.write(`error ${error.message}\n`))
