'use strict'
// How long an Mqtt5Client keeps Node running: `node mqtt5-lifetime.js
// <mqtt-napi|aws-crt> <scenario> <host> <port>`. Prints each step and
// `exit` when the process ends by itself.
//   never-started: made, never started;
//   closed: made, closed;
//   stop-retrying: started against a port that refuses, stopped after the first failure;
//   stop-connected: started, connected, stopped, closed after `stopped`;
//   close-connected: started, connected, closed without stop().
const path = require('path')

const [implementation, scenario, host, port] = process.argv.slice(2)
const { mqtt5 } =
  implementation === 'aws-crt' ? require('aws-crt') : require(path.resolve(__dirname, '..', '..', '..'))

const say = (line) => process.stdout.write(`${line}\n`)
process.on('exit', () => say('exit'))

const client = new mqtt5.Mqtt5Client({
  hostName: host,
  port: Number(port),
  connectProperties: { clientId: `lifetime-${process.pid}`, keepAliveIntervalSeconds: 30 },
  minReconnectDelayMs: 100,
  maxReconnectDelayMs: 200,
})
client.on('stopped', () => say('stopped'))
say('created')

switch (scenario) {
  case 'never-started':
    break
  case 'closed':
    client.close()
    break
  case 'stop-retrying':
    client.once('connectionFailure', () => {
      say('failed')
      client.stop()
    })
    client.start()
    break
  case 'stop-connected':
    client.once('connectionSuccess', () => {
      say('connected')
      client.once('stopped', () => client.close())
      client.stop()
    })
    client.start()
    break
  case 'close-connected':
    client.once('connectionSuccess', () => {
      say('connected')
      client.close()
    })
    client.start()
    break
  default:
    throw new Error(`unknown scenario ${scenario}`)
}
