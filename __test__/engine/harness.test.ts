/**
 * Checks the test harness itself (brokers, relay, credentials, will) with
 * MQTT.js as the client, so a failure elsewhere points at mqtt-napi and not
 * at the fixtures.
 */
import * as MQTT from 'mqtt'
import { forEachBroker, startBroker } from '../support/brokers/brokers'
import { startRelay } from '../support/brokers/relay'
import { freePort } from '../support/ports'
import { once, uniqueId, uniqueTopic, waitFor } from '../support/helpers'

function mqttjs(port: number, extra: Partial<MQTT.IClientOptions> = {}): MQTT.MqttClient {
  return MQTT.connect({
    host: '127.0.0.1',
    port,
    protocolVersion: 4,
    clientId: uniqueId('h'),
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  })
}

test('freePort gives a port nobody listens on', async () => {
  const port = await freePort()
  expect(port).toBeGreaterThan(0)
  const client = mqttjs(port)
  const [error] = await once<[Error & { code?: string }]>(client, 'error')
  expect(error.code).toBe('ECONNREFUSED')
  client.end(true)
})

forEachBroker('harness', (broker) => {
  const kind = broker.kind

  test('MQTT.js round trip', async () => {
    const client = await MQTT.connectAsync({ host: broker.host, port: broker.port, protocolVersion: 4, reconnectPeriod: 0 })
    const topic = uniqueTopic('harness')
    await client.subscribeAsync(topic, { qos: 1 })
    const got = once<[string, Buffer]>(client, 'message')
    await client.publishAsync(topic, 'ping', { qos: 1 })
    const [t, payload] = await got
    expect(t).toBe(topic)
    expect(payload.toString()).toBe('ping')
    await client.endAsync()
  })

  test('credentials: right pair in, wrong password refused with 4 or 5, anonymous in', async () => {
    const secured = await startBroker(kind, { username: 'alice', password: 's3cret' })
    try {
      const good = await MQTT.connectAsync({ host: '127.0.0.1', port: secured.port, protocolVersion: 4, reconnectPeriod: 0, username: 'alice', password: 's3cret' })
      await good.endAsync()
      const anon = await MQTT.connectAsync({ host: '127.0.0.1', port: secured.port, protocolVersion: 4, reconnectPeriod: 0 })
      await anon.endAsync()
      const bad = mqttjs(secured.port, { username: 'alice', password: 'wrong' })
      const [error] = await once<[Error & { code?: number }]>(bad, 'error')
      expect([4, 5]).toContain(error.code)
      bad.end(true)
    } finally {
      await secured.stop()
    }
  })

  test('relay: cut drops the client and the broker publishes its will; a new connect works', async () => {
    const relay = await startRelay(broker)
    try {
      const willTopic = uniqueTopic('will')
      const watcher = await MQTT.connectAsync({ host: broker.host, port: broker.port, protocolVersion: 4, reconnectPeriod: 0 })
      await watcher.subscribeAsync(willTopic, { qos: 1 })
      const victim = mqttjs(relay.port, { will: { topic: willTopic, payload: Buffer.from('gone'), qos: 1, retain: false } })
      await once(victim, 'connect')
      await waitFor(() => relay.active === 1, 5000, 'relay pair')
      const will = once<[string, Buffer]>(watcher, 'message')
      const closed = once(victim, 'close')
      relay.cut()
      await closed
      const [, payload] = await will
      expect(payload.toString()).toBe('gone')
      victim.end(true)
      const again = await MQTT.connectAsync({ host: relay.host, port: relay.port, protocolVersion: 4, reconnectPeriod: 0 })
      await again.endAsync()
      await watcher.endAsync()
    } finally {
      await relay.close()
    }
  })
})
