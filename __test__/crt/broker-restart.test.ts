/**
 * A broker that goes away and comes back: mosquitto with persistence, killed
 * and started again on the same port and storage. Persistent
 * sessions resume on both sides and no QoS 1 message is lost: neither those
 * the broker held for an absent subscriber nor those the publisher queued
 * while the broker was down.
 */
import { CrtError, mqtt } from '../../index'
import { startPersistentMosquitto } from '../support/brokers/brokers'
import { cleanupConnections, connected, once, uniqueId, uniqueTopic, waitFor, within } from '../support/helpers'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { mosquittoPath } = require('../support/brokers/mosquitto-path') as { mosquittoPath: () => string | undefined }

const { QoS } = mqtt

afterEach(cleanupConnections)

// aedes keeps its sessions in memory only; the restart needs mosquitto.
const describeWithMosquitto = mosquittoPath() ? describe : describe.skip

describeWithMosquitto('mosquitto with persistence, killed and restarted', () => {
  test('the sessions resume (session_present) and every queued QoS 1 message arrives', async () => {
    const broker = await startPersistentMosquitto()
    try {
      const topic = uniqueTopic('restart')
      const persistent = { clean_session: false, reconnect_min_sec: 0.2, reconnect_max_sec: 0.5 }
      const subscriber = await connected(broker, { ...persistent, client_id: uniqueId('sub') })
      await subscriber.subscribe(topic, QoS.AtLeastOnce)
      const received: string[] = []
      subscriber.on('message', (t: string, payload: ArrayBuffer) => {
        if (t === topic) received.push(Buffer.from(payload).toString())
      })
      const publisher = await connected(broker, { ...persistent, client_id: uniqueId('pub') })

      // Messages the broker holds for the subscriber while it is away.
      await subscriber.disconnect()
      for (let i = 0; i < 5; i++) await publisher.publish(topic, `held ${i}`, QoS.AtLeastOnce)

      const interrupted = once<[CrtError]>(publisher, 'interrupt', 10000)
      await broker.kill()
      await interrupted

      // Messages the publisher queues while the broker is down.
      const queued = [0, 1, 2, 3, 4].map((i) => publisher.publish(topic, `queued ${i}`, QoS.AtLeastOnce))
      const resumed = once<[number, boolean]>(publisher, 'resume', 15000)
      await broker.start()
      expect(await resumed).toEqual([0, true])
      await within(Promise.all(queued), 10000, 'the queued publishes')

      expect(await within(subscriber.connect(), 10000, 'the subscriber back')).toBe(true)
      const expected = [0, 1, 2, 3, 4].flatMap((i) => [`held ${i}`, `queued ${i}`]).sort()
      await waitFor(() => new Set(received).size === expected.length, 10000, `all ${expected.length} messages`)
      expect([...new Set(received)].sort()).toEqual(expected)
    } finally {
      await broker.stop()
    }
  })
})
