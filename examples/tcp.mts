// MQTT over TCP with the aws-crt API: connect, subscribe, publish at QoS 1,
// receive the message back, disconnect.
import { mqtt } from 'mqtt-napi'
import { tcpBroker } from './support/brokers.mjs'

const broker = await tcpBroker()

const connection = new mqtt.MqttClient().new_connection({
  client_id: `examples-tcp-${process.pid}`,
  host_name: broker.host,
  port: broker.port,
  clean_session: true,
  keep_alive: 30,
})
// A lost link is reconnected by itself; these say so.
connection.on('interrupt', (error) => console.log(`link lost (${error.error_name}), reconnecting`))
connection.on('resume', () => console.log('link back'))

const sessionPresent = await connection.connect()
console.log(`connected to ${broker.url} (session_present: ${sessionPresent})`)

const topic = `examples/tcp/${process.pid}`
let messageArrived: () => void
const arrived = new Promise<void>((resolve) => (messageArrived = resolve))

const suback = await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (topic, payload, _dup, qos) => {
  // Each message gets an ArrayBuffer of its own.
  console.log(`received on ${topic} at QoS ${qos}: ${Buffer.from(payload).toString('utf8')}`)
  messageArrived()
})
console.log(`subscribed to ${suback.topic}, granted QoS ${suback.qos}`)

// At QoS 1 the promise resolves when the broker's PUBACK arrives.
const puback = await connection.publish(topic, 'hello over TCP', mqtt.QoS.AtLeastOnce)
console.log(`published at QoS 1, acknowledged (packet id ${puback.packet_id})`)

await arrived
await connection.disconnect()
console.log('disconnected')
await broker.close()
