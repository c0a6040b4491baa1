#!/usr/bin/env node
'use strict'
// A pub/sub round trip with mqtt-napi. Without an argument it starts an
// embedded aedes broker on a free loopback port; with `mqtt://host:port` it
// uses that broker instead.
const net = require('net')
const { mqtt } = require('.')

async function startEmbeddedBroker() {
  const { Aedes } = await import('aedes')
  const broker = await Aedes.createBroker()
  const server = net.createServer(broker.handle)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  const close = () =>
    new Promise((resolve) => server.close(() => broker.close(resolve)))
  return { host: '127.0.0.1', port, close }
}

function brokerFromUrl(text) {
  const url = new URL(text)
  if (url.protocol !== 'mqtt:' && url.protocol !== 'tcp:') {
    throw new Error(`the demo speaks plain MQTT over TCP: use mqtt://host:port (got ${url.protocol})`)
  }
  return { host: url.hostname, port: Number(url.port || 1883), close: async () => {} }
}

async function main() {
  const broker = process.argv[2] ? brokerFromUrl(process.argv[2]) : await startEmbeddedBroker()
  console.log(
    process.argv[2]
      ? `broker: ${broker.host}:${broker.port}`
      : `broker: embedded aedes on ${broker.host}:${broker.port}`,
  )
  const connection = new mqtt.MqttClient().new_connection({
    client_id: `mqtt-napi-demo-${process.pid}`,
    host_name: broker.host,
    port: broker.port,
    clean_session: true,
  })
  connection.on('interrupt', (error) => console.log(`interrupted: ${error.message}`))

  const sessionPresent = await connection.connect()
  console.log(`connected (session_present: ${sessionPresent})`)

  const topic = `demo/${process.pid}/greeting`
  const received = []
  let allArrived
  const arrived = new Promise((resolve) => (allArrived = resolve))
  const subscription = await connection.subscribe(
    `demo/${process.pid}/#`,
    mqtt.QoS.ExactlyOnce,
    (t, payload, dup, qos) => {
      const text = Buffer.from(payload).toString('utf8')
      console.log(`received on ${t} at QoS ${qos}: ${text}`)
      received.push(text)
      if (received.length === 3) allArrived()
    },
  )
  console.log(`subscribed to ${subscription.topic}, granted QoS ${subscription.qos}`)

  for (const qos of [mqtt.QoS.AtMostOnce, mqtt.QoS.AtLeastOnce, mqtt.QoS.ExactlyOnce]) {
    const result = await connection.publish(topic, `hello at QoS ${qos}`, qos)
    console.log(`published at QoS ${qos}${result.packet_id ? ` (packet id ${result.packet_id})` : ''}`)
  }

  const timeout = setTimeout(() => {
    console.error(`only ${received.length} of 3 messages arrived within 5 s`)
    process.exit(1)
  }, 5000)
  await arrived
  clearTimeout(timeout)

  await connection.disconnect()
  console.log('disconnected')
  await broker.close()
  console.log('round trip complete: 3 published, 3 received')
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`)
  process.exit(1)
})
