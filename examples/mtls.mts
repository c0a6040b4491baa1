// MQTT over TLS with a client certificate (mutual TLS), with the aws-crt API:
// the client trusts the broker's CA and proves who it is with its own
// certificate and key.
import { mqtt, io } from 'mqtt-napi'
import { mtlsBroker } from './support/brokers.mjs'

const broker = await mtlsBroker()

const tls = io.TlsContextOptions.create_client_with_mtls_from_path(broker.cert, broker.key)
// A private CA instead of the system's roots.
if (broker.ca) tls.override_default_trust_store_from_path(undefined, broker.ca)

const connection = new mqtt.MqttClient().new_connection({
  client_id: `examples-mtls-${process.pid}`,
  // Also the name the broker's certificate must match (an IP address works).
  host_name: broker.host,
  port: broker.port,
  clean_session: true,
  // Reads and checks the files now: a missing file or a key that does not
  // match the certificate throws here, naming the option.
  tls_ctx: new io.ClientTlsContext(tls),
})

await connection.connect()
console.log(`connected to ${broker.url} with a client certificate`)

const topic = `examples/mtls/${process.pid}`
let messageArrived: () => void
const arrived = new Promise<void>((resolve) => (messageArrived = resolve))
await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (topic, payload) => {
  console.log(`received on ${topic}: ${Buffer.from(payload).toString('utf8')}`)
  messageArrived()
})
await connection.publish(topic, 'hello over mutual TLS', mqtt.QoS.AtLeastOnce)

await arrived
await connection.disconnect()
console.log('disconnected')
await broker.close()
