'use strict'
// The README's round trip: QoS 0, 1 and 2 through an embedded aedes broker on
// a free loopback port, or through the broker given by -L (--url) and the
// other connection flags.
const net = require('net')
const { pathToFileURL } = require('url')
const { mqtt } = require('..')
const { EXIT, parseFlags, connectOptions } = require('./flags')
const { BrokerError } = require('./connect')
const { DEMO_USAGE } = require('./usage')

/** aedes, from the current project or beside mqtt-napi (`npx -p mqtt-napi -p aedes`). */
async function importAedes() {
  let resolved
  try {
    resolved = require.resolve('aedes', { paths: [process.cwd(), __dirname] })
  } catch {
    throw new BrokerError(
      'the embedded broker is aedes, which mqtt-napi does not install: run `npx -p mqtt-napi -p aedes mqtt-napi demo`, ' +
        'or `npm install aedes`, or give a broker with -L mqtt://host:port',
    )
  }
  return import(pathToFileURL(resolved).href)
}

async function startEmbeddedBroker() {
  const { Aedes } = await importAedes()
  const broker = await Aedes.createBroker()
  const server = net.createServer(broker.handle)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  const close = () => new Promise((resolve) => server.close(() => broker.close(resolve)))
  return { host: '127.0.0.1', port, close }
}

function givenBroker(values) {
  const url = new URL(connectOptions(values, 'demo').url)
  if (url.protocol !== 'mqtt:' && url.protocol !== 'tcp:') {
    throw new BrokerError(`the demo speaks plain MQTT over TCP: use mqtt://host:port (got ${url.protocol})`)
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 1883), close: async () => {} }
}

async function demo(argv) {
  const values = parseFlags(argv, {})
  if (values.help) {
    process.stdout.write(DEMO_USAGE)
    return EXIT.ok
  }
  const given = values.url !== undefined || values.host !== undefined || values.port !== undefined
  const broker = given ? givenBroker(values) : await startEmbeddedBroker()
  console.log(given ? `broker: ${broker.host}:${broker.port}` : `broker: embedded aedes on ${broker.host}:${broker.port}`)
  try {
    await roundTrip(broker)
  } finally {
    await broker.close()
  }
  console.log('round trip complete: 3 published, 3 received')
  return EXIT.ok
}

/** Subscribes at QoS 2, publishes once at each QoS and waits for all three to come back. */
async function roundTrip(broker) {
  const connection = new mqtt.MqttClient().new_connection({
    client_id: `mqtt-napi-demo-${process.pid}`,
    host_name: broker.host,
    port: broker.port,
    clean_session: true,
  })
  connection.on('interrupt', (error) => console.log(`interrupted: ${error.message}`))
  try {
    const sessionPresent = await connection.connect()
    console.log(`connected (session_present: ${sessionPresent})`)
  } catch (error) {
    throw new BrokerError(`cannot connect to ${broker.host}:${broker.port}: ${error.message}`)
  }

  const topic = `demo/${process.pid}/greeting`
  const received = []
  let allArrived
  const arrived = new Promise((resolve) => (allArrived = resolve))
  const subscription = await connection.subscribe(`demo/${process.pid}/#`, mqtt.QoS.ExactlyOnce, (t, payload, dup, qos) => {
    const text = Buffer.from(payload).toString('utf8')
    console.log(`received on ${t} at QoS ${qos}: ${text}`)
    received.push(text)
    if (received.length === 3) allArrived()
  })
  console.log(`subscribed to ${subscription.topic}, granted QoS ${subscription.qos}`)

  for (const qos of [mqtt.QoS.AtMostOnce, mqtt.QoS.AtLeastOnce, mqtt.QoS.ExactlyOnce]) {
    const result = await connection.publish(topic, `hello at QoS ${qos}`, qos)
    console.log(`published at QoS ${qos}${result.packet_id ? ` (packet id ${result.packet_id})` : ''}`)
  }

  let timer
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new BrokerError(`only ${received.length} of 3 messages arrived within 5 s`)), 5000)
  })
  try {
    await Promise.race([arrived, late])
  } finally {
    clearTimeout(timer)
    await connection.disconnect()
    console.log('disconnected')
  }
}

module.exports = { demo }
