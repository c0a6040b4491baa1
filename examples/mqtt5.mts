// aws-crt's MQTT 5 client, in the shape of aws-iot-device-sdk-v2's MQTT 5
// pub/sub sample: the same calls with `mqtt5` from mqtt-napi. Events are
// logged, a subscription is made, a few QoS 1 messages with user properties
// go round, then the client stops.
import { once } from 'node:events'
import { mqtt5 } from 'mqtt-napi'
import { mqtt5Broker } from './support/brokers.mjs'

const broker = await mqtt5Broker()
const topic = `examples/mqtt5/${process.pid}`
const count = 3

const client = new mqtt5.Mqtt5Client({
  hostName: broker.host,
  port: broker.port,
  connectProperties: { clientId: `examples-mqtt5-${process.pid}`, keepAliveIntervalSeconds: 1200 },
})

client.on('error', (error) => console.log(`error: ${error.message}`))
client.on('attemptingConnect', () => console.log('attempting to connect'))
client.on('connectionSuccess', ({ connack, settings }) =>
  console.log(`connected: session present ${connack.sessionPresent}, client id ${settings.clientId}`),
)
client.on('connectionFailure', ({ error }) => console.log(`connection failed: ${error.error_name}`))
client.on('disconnection', ({ error }) => console.log(`disconnected: ${error.error_name}`))
client.on('stopped', () => console.log('stopped'))

let received = 0
const allReceived = new Promise<void>((resolve) => {
  client.on('messageReceived', ({ message }) => {
    const text = Buffer.from(message.payload as ArrayBuffer).toString('utf8')
    const from = message.userProperties?.find((property) => property.name === 'from')?.value
    console.log(`received on ${message.topicName} at QoS ${message.qos} from ${from}: ${text}`)
    if (++received === count) resolve()
  })
})

const connected = once(client, 'connectionSuccess')
client.start()
await connected

const suback = await client.subscribe({ subscriptions: [{ qos: mqtt5.QoS.AtLeastOnce, topicFilter: topic }] })
console.log(`subscribed, reason codes ${JSON.stringify(suback.reasonCodes)}`)

for (let i = 1; i <= count; i++) {
  const puback = await client.publish({
    qos: mqtt5.QoS.AtLeastOnce,
    topicName: topic,
    payload: JSON.stringify({ message: 'hello MQTT 5', sequence: i }),
    userProperties: [{ name: 'from', value: 'mqtt5.mts' }],
  })
  console.log(`published ${i}, PUBACK reason code ${puback?.reasonCode}`)
}
await allReceived

const unsuback = await client.unsubscribe({ topicFilters: [topic] })
console.log(`unsubscribed, reason codes ${JSON.stringify(unsuback.reasonCodes)}`)

const stopped = once(client, 'stopped')
client.stop()
await stopped
client.close()
await broker.close()
