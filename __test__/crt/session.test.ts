/**
 * Broker-side state across connections: a persistent session keeps QoS 1
 * messages for an absent client, and the last will is published when (and
 * only when) a client vanishes without DISCONNECT.
 */
import { mqtt } from '../../index'
import { forEachBroker } from '../support/brokers/brokers'
import { startRelay } from '../support/brokers/relay'
import {
  cleanupConnections,
  collector,
  connected,
  newConnection,
  once,
  sleep,
  uniqueId,
  uniqueTopic,
  waitFor,
  within,
} from '../support/helpers'

const { QoS } = mqtt

afterEach(cleanupConnections)

forEachBroker('sessions', (broker) => {

  test('a persistent session keeps QoS 1 messages published while the client was away', async () => {
    const clientId = uniqueId('persist')
    const topic = uniqueTopic('session')

    const first = newConnection(broker, { client_id: clientId, clean_session: false })
    await within(first.connect(), 10000, 'first connect')
    await first.subscribe(topic, QoS.AtLeastOnce)
    await first.disconnect()

    const publisher = await connected(broker)
    for (let i = 0; i < 5; i++) await publisher.publish(topic, `queued ${i}`, QoS.AtLeastOnce)
    await publisher.disconnect()

    // As an aws-crt program would: a new connection object with the same client id.
    const second = newConnection(broker, { client_id: clientId, clean_session: false })
    const messages = collector()
    second.on('message', messages.callback)
    const sessionPresent = await within(second.connect(), 10000, 'second connect')
    expect(sessionPresent).toBe(true)
    await waitFor(() => messages.messages.length >= 5, 10000, '5 queued messages')
    await sleep(100)
    expect(messages.messages.map((m) => Buffer.from(m.payload).toString())).toEqual([0, 1, 2, 3, 4].map((i) => `queued ${i}`))
    for (const m of messages.messages) {
      expect(m.topic).toBe(topic)
      expect(m.qos).toBe(QoS.AtLeastOnce)
    }
    await second.disconnect()

    // Leave no session behind.
    const cleaner = newConnection(broker, { client_id: clientId, clean_session: true })
    await cleaner.connect()
    await cleaner.disconnect()
  })

  test('the same connection object, connected again with clean_session false, gets session_present true and the queued messages', async () => {
    const clientId = uniqueId('again')
    const topic = uniqueTopic('session-again')
    const connection = newConnection(broker, { client_id: clientId, clean_session: false })
    const messages = collector()
    connection.on('message', messages.callback)
    await expect(within(connection.connect(), 10000, 'first connect')).resolves.toBe(false)
    await connection.subscribe(topic, QoS.AtLeastOnce)
    await connection.disconnect()

    const publisher = await connected(broker)
    for (let i = 0; i < 5; i++) await publisher.publish(topic, `m${i}`, QoS.AtLeastOnce)
    await publisher.disconnect()

    await expect(within(connection.connect(), 10000, 'second connect')).resolves.toBe(true)
    await waitFor(() => messages.messages.length >= 5, 10000, '5 queued messages')
    expect(messages.messages.map((m) => Buffer.from(m.payload).toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'])
    await connection.disconnect()

    const cleaner = newConnection(broker, { client_id: clientId, clean_session: true })
    await cleaner.connect()
    await cleaner.disconnect()
  })

  test('the will is published when the link dies, and not after a clean disconnect()', async () => {
    const relay = await startRelay(broker)
    try {
      const willTopic = uniqueTopic('will')
      const watcher = await connected(broker)
      const wills = collector()
      await watcher.subscribe(willTopic, QoS.AtLeastOnce, wills.callback)

      // Lost link: the broker publishes the will.
      const doomed = newConnection(relay, { will: new mqtt.MqttWill(willTopic, QoS.AtLeastOnce, 'gone') })
      await within(doomed.connect(), 10000, 'connect through the relay')
      await waitFor(() => relay.active === 1, 5000, 'the relayed link')
      const interrupted = once(doomed, 'interrupt', 10000)
      relay.cut()
      await interrupted
      await waitFor(() => wills.messages.length === 1, 10000, 'the will message')
      expect(Buffer.from(wills.messages[0].payload).toString()).toBe('gone')
      expect(wills.messages[0].topic).toBe(willTopic)

      // Clean disconnect: no will.
      const polite = newConnection(relay, { will: new mqtt.MqttWill(willTopic, QoS.AtLeastOnce, 'polite gone') })
      await within(polite.connect(), 10000, 'second connect through the relay')
      await polite.disconnect()
      await sleep(1000)
      expect(wills.messages.map((m) => Buffer.from(m.payload).toString())).toEqual(['gone'])
      await watcher.disconnect()
    } finally {
      await relay.close()
    }
  })

  test('a retained will with a binary payload is kept by the broker', async () => {
    const relay = await startRelay(broker)
    try {
      const willTopic = uniqueTopic('will-retained')
      const payload = Buffer.from([0, 1, 2, 250, 251])
      const doomed = newConnection(relay, { will: new mqtt.MqttWill(willTopic, QoS.AtLeastOnce, payload, true) })
      await within(doomed.connect(), 10000, 'connect through the relay')
      await waitFor(() => relay.active === 1, 5000, 'the relayed link')
      const interrupted = once(doomed, 'interrupt', 10000)
      relay.cut()
      await interrupted
      // It reconnects through the relay; stop it so only the will remains.
      await doomed.disconnect()

      // A later subscriber gets the will as a retained message.
      const late = await connected(broker)
      const got = collector()
      // The broker publishes the will once it notices the socket closed: retry until it has.
      let tries = 0
      while (got.messages.length === 0 && tries++ < 20) {
        await late.subscribe(willTopic, QoS.AtLeastOnce, got.callback)
        await sleep(100)
        if (got.messages.length === 0) await late.unsubscribe(willTopic)
      }
      expect(got.messages.length).toBeGreaterThanOrEqual(1)
      expect(got.messages[0].retain).toBe(true)
      expect(Buffer.from(got.messages[0].payload).equals(payload)).toBe(true)
      await late.publish(willTopic, '', QoS.AtLeastOnce, true)
      await late.disconnect()
    } finally {
      await relay.close()
    }
  })
})
