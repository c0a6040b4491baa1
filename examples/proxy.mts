// MQTT through an HTTP proxy with the aws-crt API: the client asks the proxy
// for a `CONNECT host:port` tunnel to the broker and speaks MQTT inside it.
import { mqtt, http } from 'mqtt-napi'
import { tcpBroker } from './support/brokers.mjs'
import { connectProxy } from './support/proxy.mjs'

const broker = await tcpBroker()
const proxy = await connectProxy(broker)

const connection = new mqtt.MqttClient().new_connection({
  client_id: `examples-proxy-${process.pid}`,
  // The broker as the proxy sees it: the client never connects to it directly.
  host_name: broker.host,
  port: broker.port,
  clean_session: true,
  // A proxy that wants credentials: add http.HttpProxyAuthenticationType.Basic, user, password.
  proxy_options: new http.HttpProxyOptions(proxy.host, proxy.port),
})

await connection.connect()
console.log(`connected to ${broker.url} through the proxy at ${proxy.host}:${proxy.port}`)

const topic = `examples/proxy/${process.pid}`
let messageArrived: () => void
const arrived = new Promise<void>((resolve) => (messageArrived = resolve))
await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (topic, payload) => {
  console.log(`received on ${topic}: ${Buffer.from(payload).toString('utf8')}`)
  messageArrived()
})
await connection.publish(topic, 'hello through the proxy', mqtt.QoS.AtLeastOnce)

await arrived
await connection.disconnect()
console.log('disconnected')
await proxy.close()
await broker.close()
