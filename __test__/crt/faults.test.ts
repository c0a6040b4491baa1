/**
 * Fault injection through a relay between client and broker: dead links are
 * detected, and no acknowledged message is lost when the link is cut again
 * and again.
 */
import { CrtError, mqtt } from '../../index'
import { forEachBroker } from '../support/brokers/brokers'
import { startRelay, startRelayOn } from '../support/brokers/relay'
import { cleanupConnections, connected, newConnection, NO_OPERATIONS, once, receiverOf, uniqueId, uniqueTopic, waitFor, within } from '../support/helpers'

const { QoS } = mqtt

afterEach(cleanupConnections)

forEachBroker('faults', (broker) => {

  test('a black-holed link is declared lost within keep_alive plus the ping timeout, then the link comes back', async () => {
    const relay = await startRelay(broker)
    try {
      const connection = newConnection(relay, { keep_alive: 1, ping_timeout: 500, reconnect_min_sec: 0.2, reconnect_max_sec: 1 })
      await connection.connect()
      const interrupted = once<[CrtError]>(connection, 'interrupt', 10000)
      const started = Date.now()
      relay.blackhole()
      const [error] = await interrupted
      // PINGREQ at most 1 s after the last packet, PINGRESP 0.5 s late: well under 3 s.
      expect(Date.now() - started).toBeLessThan(3000)
      expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      const resumed = once(connection, 'resume', 10000)
      relay.restore()
      await resumed
    } finally {
      await relay.close()
    }
  })

  test('protocol_operation_timeout fails a QoS 1 publish whose PUBLISH reached the broker but whose PUBACK is black-holed', async () => {
    const relay = await startRelay(broker)
    try {
      const topic = uniqueTopic('bh')
      const receiver = await receiverOf(broker, topic)
      const connection = newConnection(relay, { protocol_operation_timeout: 400, keep_alive: 60 })
      await connection.connect()
      relay.blackhole('to-client')
      const failed = connection.publish(topic, 'acked into the void', QoS.AtLeastOnce).then(
        () => undefined,
        (error: CrtError) => error,
      )
      const error = await within(failed, 5000, 'the timed-out publish')
      expect(error).toBeInstanceOf(CrtError)
      expect(error!.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      expect(connection.getOperationalStatistics().incompleteOperationCount).toBe(0)
      // The broker did take it: the PUBLISH left, only its PUBACK was lost.
      await waitFor(() => receiver.payloads.length === 1, 5000, 'the message at the subscriber')
      expect(receiver.texts()).toEqual(['acked into the void'])
    } finally {
      await relay.close()
    }
  })

  test('getOperationalStatistics() is exact at every moment, while the native side takes operations in', async () => {
    const relay = await startRelay(broker)
    try {
      // A persistent session, so what is in flight survives the cut at the end.
      const connection = newConnection(relay, { keep_alive: 60, clean_session: false, reconnect_min_sec: 0.2 })
      await connection.connect()
      // No ack comes back, so every operation stays incomplete; the count must
      // follow each publish exactly while the engine moves them to the wire.
      relay.blackhole()
      const topic = uniqueTopic('stats')
      const publishes: Promise<unknown>[] = []
      let size = 0
      for (let i = 0; i < 2000; i++) {
        const payload = 'x'.repeat(i % 50)
        publishes.push(connection.publish(topic, payload, QoS.AtLeastOnce))
        size += 4 + topic.length + payload.length
        const now = connection.getOperationalStatistics()
        if (now.incompleteOperationCount !== i + 1 || now.incompleteOperationSize !== size || now.unackedOperationCount > i + 1) {
          throw new Error(`after publish ${i + 1} (${size} bytes): ${JSON.stringify(now)}`)
        }
        if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
      await waitFor(() => connection.getOperationalStatistics().unackedOperationCount === 2000, 5000, 'all on the wire')
      expect(connection.getOperationalStatistics()).toEqual({
        incompleteOperationCount: 2000,
        incompleteOperationSize: size,
        unackedOperationCount: 2000,
        unackedOperationSize: size,
      })
      relay.restore()
      relay.cut()
      await within(Promise.all(publishes), 15000, 'the publishes after the link is back')
      expect(connection.getOperationalStatistics()).toEqual(NO_OPERATIONS)
    } finally {
      await relay.close()
    }
  })

  test('operations issued while the link is down wait and resolve, in order, once it is back', async () => {
    const relay = await startRelay(broker)
    try {
      const topic = uniqueTopic('outage')
      const receiver = await receiverOf(broker, topic)
      const connection = newConnection(relay, { reconnect_min_sec: 0.3, reconnect_max_sec: 0.5 })
      await connection.connect()
      await relay.close()
      await once(connection, 'interrupt', 5000)
      const during = [1, 2, 3].map((i) => connection.publish(topic, `during outage ${i}`, QoS.AtLeastOnce))
      const unsubscribed = connection.unsubscribe('nothing/here')
      expect(connection.getOperationalStatistics().incompleteOperationCount).toBe(4)
      // The same port again: the next attempt gets through.
      const back = await startRelayOn(relay.port)
      try {
        await within(Promise.all([...during, unsubscribed]), 10000, 'the queued operations')
        await waitFor(() => receiver.payloads.length === 3, 5000, 'the queued messages')
        expect(receiver.texts()).toEqual(['during outage 1', 'during outage 2', 'during outage 3'])
        expect(connection.getOperationalStatistics()).toEqual(NO_OPERATIONS)
      } finally {
        await connection.disconnect()
        await back.close()
      }
    } finally {
      await relay.close().catch(() => undefined)
    }
  })

  test('a client id taken over by another client: interrupt, then reconnects with backoff, not a tight loop', async () => {
    const clientId = uniqueId()
    const options = { client_id: clientId, reconnect_min_sec: 0.5, reconnect_max_sec: 1 }
    const first = await connected(broker, options)
    const interrupts: CrtError[] = []
    first.on('interrupt', (error: CrtError) => interrupts.push(error))
    const second = await connected(broker, options)
    second.on('interrupt', (error: CrtError) => interrupts.push(error))
    await waitFor(() => interrupts.length >= 1, 5000, 'the takeover')
    expect(interrupts[0]).toBeInstanceOf(CrtError)
    expect(interrupts[0].error_name).toBe('AWS_ERROR_MQTT_UNEXPECTED_HANGUP')
    // The two keep taking the id from each other, but each waits 0.25 to 1 s
    // before trying again: over 3 s that is a handful of takeovers, not hundreds.
    const before = interrupts.length
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(interrupts.length - before).toBeLessThanOrEqual(16)
    await Promise.all([first.disconnect(), second.disconnect()])
  })

  test.each([
    [QoS.AtLeastOnce, 'at least once'],
    [QoS.ExactlyOnce, 'exactly once'],
  ])('QoS %s: 5,000 messages, the link cut five times at random moments, persistent sessions: every message arrives %s and every publish resolves', async (qos) => {
    const count = 5000
    const topic = uniqueTopic('no-loss')
    const subscriber = await connected(broker, { clean_session: false, client_id: uniqueId() })
    await subscriber.subscribe(topic, qos)
    const seen = new Map<number, number>()
    subscriber.on('message', (t: string, payload: ArrayBuffer) => {
      if (t !== topic) return
      const index = Number(Buffer.from(payload).toString())
      seen.set(index, (seen.get(index) ?? 0) + 1)
    })

    const relay = await startRelay(broker)
    try {
      const publisher = await connected(relay, {
        clean_session: false,
        client_id: uniqueId(),
        reconnect_min_sec: 0.05,
        reconnect_max_sec: 0.2,
      })
      const interrupts: string[] = []
      let live = true
      publisher.on('interrupt', (error: CrtError) => {
        live = false
        interrupts.push(`${error.error_name}: ${error.message}`)
      })
      publisher.on('connection_success', () => (live = true))
      // Five cuts at random points of the stream, each of a live link.
      const cutAt = new Set<number>()
      while (cutAt.size < 5) cutAt.add(1 + Math.floor(Math.random() * (count - 1)))
      const publishes: Promise<unknown>[] = []
      for (let i = 0; i < count; i++) {
        if (cutAt.has(i)) await waitFor(() => live && relay.active === 1, 10000, 'a live link')
        publishes.push(publisher.publish(topic, String(i), qos))
        // Cut right after a publish, so it is in flight when the link dies.
        if (cutAt.has(i)) relay.cut()
        if (i % 250 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await within(Promise.all(publishes), 60000, 'every publish to resolve')
      // Each cut interrupts a live link (aedes may add a hang-up of its own
      // when a session is taken over; that is the broker's, and harmless).
      expect(interrupts.length).toBeGreaterThanOrEqual(5)
      await waitFor(() => seen.size === count, 30000, `all ${count} messages (have ${seen.size})`)
      for (let i = 0; i < count; i++) {
        const times = seen.get(i) ?? 0
        if (qos === QoS.ExactlyOnce) expect(times).toBe(1)
        else expect(times).toBeGreaterThanOrEqual(1)
      }
      await publisher.disconnect()
    } finally {
      await relay.close()
      await subscriber.disconnect()
    }
  }, 120000)
})
