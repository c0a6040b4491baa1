/**
 * Links that are slow rather than broken, through the fault relay: a long
 * path (every byte delayed) and a narrow one (a throttled byte rate). Nothing
 * is declared dead that is merely slow within the configured timeouts, what
 * is too slow is detected, and nothing is corrupted or lost.
 */
import { CrtError, mqtt } from '../../index'
import { forEachBroker } from '../support/brokers/brokers'
import { startRelay } from '../support/brokers/relay'
import { cleanupConnections, connected, newConnection, once, receiverOf, sleep, uniqueId, uniqueTopic, waitFor, within } from '../support/helpers'

const { QoS } = mqtt

afterEach(cleanupConnections)

forEachBroker('slow links', (broker) => {

  test('a long path (250 ms each way) within ping_timeout keeps the link: pings and acks arrive late, no interrupt', async () => {
    const relay = await startRelay(broker)
    try {
      const connection = newConnection(relay, { keep_alive: 2, ping_timeout: 1000 })
      const interrupts: CrtError[] = []
      connection.on('interrupt', (error: CrtError) => interrupts.push(error))
      await connection.connect()
      relay.delay(250)
      const started = Date.now()
      await within(connection.publish(uniqueTopic('long-path'), 'slow but sure', QoS.AtLeastOnce), 5000, 'the PUBACK')
      // The PUBACK needs the round trip (loosely: timers may fire a little early).
      expect(Date.now() - started).toBeGreaterThanOrEqual(400)
      // Two keep-alive periods, each with a PINGRESP half a second late.
      await sleep(4500)
      expect(interrupts).toEqual([])
    } finally {
      await relay.close()
    }
  })

  test('a path slower than ping_timeout: the link is declared lost, each reconnect fails for want of a timely CONNACK, and it returns when the path recovers', async () => {
    const relay = await startRelay(broker)
    try {
      const connection = newConnection(relay, { keep_alive: 1, ping_timeout: 300, reconnect_min_sec: 0.2, reconnect_max_sec: 0.5 })
      const failures: CrtError[] = []
      connection.on('connection_failure', ({ error }: { error: CrtError }) => failures.push(error))
      await connection.connect()
      const interrupted = once<[CrtError]>(connection, 'interrupt', 10000)
      relay.delay(500)
      const [error] = await interrupted
      expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      await waitFor(() => failures.length >= 2, 10000, 'two failed attempts')
      for (const failure of failures) expect(failure.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      const resumed = once<[number, boolean]>(connection, 'resume', 10000)
      relay.restore()
      expect(await resumed).toEqual([0, false])
    } finally {
      await relay.close()
    }
  })

  test('a throttled link (48 KiB/s): 150 QoS 1 messages of 1 KiB arrive complete and in order, and every publish resolves', async () => {
    const relay = await startRelay(broker)
    try {
      const topic = uniqueTopic('narrow')
      const { payloads: received } = await receiverOf(broker, topic)
      const publisher = await connected(relay)
      relay.throttle(48 * 1024)
      const payloads = Array.from({ length: 150 }, (_, i) => Buffer.alloc(1024, i % 256))
      await within(Promise.all(payloads.map((p) => publisher.publish(topic, p, QoS.AtLeastOnce))), 20000, 'the publishes')
      await waitFor(() => received.length === payloads.length, 5000, 'every message')
      expect(received).toEqual(payloads)
      expect(publisher.getOperationalStatistics().incompleteOperationCount).toBe(0)
    } finally {
      await relay.close()
    }
  })

  test('a cut in the middle of a large packet on a throttled link: the broker drops the torn packet, the client resends it whole after the reconnect', async () => {
    const relay = await startRelay(broker)
    try {
      const topic = uniqueTopic('torn')
      const { payloads: received } = await receiverOf(broker, topic)
      const publisher = await connected(relay, { clean_session: false, client_id: uniqueId(), reconnect_min_sec: 0.2 })
      relay.throttle(64 * 1024)
      const payload = Buffer.alloc(192 * 1024)
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 251
      const published = publisher.publish(topic, payload, QoS.AtLeastOnce)
      // About a third of the packet has passed when the link is cut.
      await sleep(1000)
      expect(received).toEqual([])
      relay.cut()
      relay.restore()
      await within(published, 10000, 'the resent publish')
      await waitFor(() => received.length >= 1, 5000, 'the message')
      for (const message of received) expect(message.equals(payload)).toBe(true)
    } finally {
      await relay.close()
    }
  })
})
