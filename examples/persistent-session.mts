// A persistent session with the aws-crt API: with `clean_session: false` the
// broker keeps the client's subscriptions and queues its QoS 1 messages while
// it is away, and hands them over when it comes back.
import { mqtt } from 'mqtt-napi'
import { tcpBroker } from './support/brokers.mjs'

const broker = await tcpBroker()
const client = new mqtt.MqttClient()
const topic = `examples/session/${process.pid}`
const config: mqtt.MqttConnectionConfig = {
  client_id: `examples-session-${process.pid}`, // the session belongs to this id
  host_name: broker.host,
  port: broker.port,
  clean_session: false,
}

// First visit: subscribe at QoS 1, then leave.
const first = client.new_connection(config)
console.log(`first connection: session_present ${await first.connect()}`)
await first.subscribe(topic, mqtt.QoS.AtLeastOnce)
await first.disconnect()
console.log(`subscribed to ${topic} and disconnected`)

// Meanwhile, someone else publishes.
const publisher = client.new_connection({ ...config, client_id: `examples-publisher-${process.pid}`, clean_session: true })
await publisher.connect()
for (let i = 1; i <= 3; i++) await publisher.publish(topic, `message ${i} of 3`, mqtt.QoS.AtLeastOnce)
await publisher.disconnect()
console.log('published 3 messages at QoS 1 while the subscriber was away')

// Back (this could be a new process): the queued messages come right after
// the CONNACK, before any subscribe() call, so listen before connecting.
// 'message' sees every message; subscribe() callbacks only those of their filter.
const second = client.new_connection(config)
let received = 0
let allArrived: () => void
const arrived = new Promise<void>((resolve) => (allArrived = resolve))
second.on('message', (topic, payload) => {
  console.log(`received while away, on ${topic}: ${Buffer.from(payload).toString('utf8')}`)
  if (++received === 3) allArrived()
})
console.log(`reconnected: session_present ${await second.connect()}`)
await arrived
await second.disconnect()

// Done with the session: a clean connection with the same client id ends it
// at the broker, which would otherwise keep queueing for it.
const cleanup = client.new_connection({ ...config, clean_session: true })
await cleanup.connect()
await cleanup.disconnect()
console.log('session discarded')
await broker.close()
