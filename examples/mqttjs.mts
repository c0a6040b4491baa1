// The MQTT.js dialect: code written for MQTT.js (`import mqtt from 'mqtt'`)
// runs on mqtt-napi by changing the import.
import mqtt from 'mqtt-napi'
import { tcpBroker } from './support/brokers.mjs'

const broker = await tcpBroker()

// connectAsync resolves on the first CONNACK and rejects on the first error;
// mqtt.connect(url, options) returns the client at once instead (listen for
// 'connect'). Either way the client reconnects by itself until end().
const client = await mqtt.connectAsync(broker.url, {
  clientId: `examples-mqttjs-${process.pid}`,
  clean: true,
  keepalive: 30,
})
console.log(`connected to ${broker.url} (connected: ${client.connected})`)

// A lost connection: 'offline', then 'reconnect' per attempt and 'connect' again.
client.on('offline', () => console.log('offline, reconnecting'))
client.on('connect', (connack) => console.log(`reconnected (session present: ${connack.sessionPresent})`))
client.on('error', (error) => console.log(`error: ${error.message}`))
client.on('end', () => console.log('end: the client is closed'))

const topic = `examples/mqttjs/${process.pid}`
const arrived = new Promise<void>((resolve) => {
  client.on('message', (topic, payload, packet) => {
    console.log(`message on ${topic} at QoS ${packet.qos}: ${payload.toString()}`)
    resolve()
  })
})

const granted = await client.subscribeAsync(topic, { qos: 1 })
console.log(`subscribed: ${granted.map((grant) => `${grant.topic} at QoS ${grant.qos}`).join(', ')}`)

// At QoS 1 publishAsync resolves with the PUBLISH packet once the broker acknowledged it.
const packet = await client.publishAsync(topic, 'hello from the MQTT.js dialect', { qos: 1 })
console.log(`published at QoS 1, acknowledged (message id ${packet?.messageId})`)

await arrived
await client.endAsync()
await broker.close()
