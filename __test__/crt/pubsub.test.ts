/**
 * Publish and subscribe round trips against every broker: payload kinds at
 * every QoS, the message callback's arguments, per-filter callbacks with
 * wildcards, the catch-all, unsubscribe, retained messages, a large payload
 * and a long ordered stream.
 */
import { randomBytes } from 'crypto'
import { types } from 'util'
import { mqtt } from '../../index'
import { forEachBroker } from '../support/brokers/brokers'
import {
  bytesOf,
  cleanupConnections,
  collector,
  connected,
  Received,
  sleep,
  uniqueTopic,
  untrack,
  waitFor,
  within,
} from '../support/helpers'

const { QoS } = mqtt

/** A payload and the exact bytes that must arrive. */
type PayloadCase = [string, () => mqtt.Payload, Buffer]

function offsetBuffer(): ArrayBuffer {
  const buffer = new ArrayBuffer(32)
  new Uint8Array(buffer).forEach((_, i, a) => (a[i] = 0xa0 + i))
  return buffer
}

const text = 'héllo wörld ✓ 😀 日本'
const floats = new Float32Array([1.5, -2.25, 3e10, Number.NaN])
const object = { a: 1, b: 'ü', c: [true, null], d: { e: 2.5 } }

const payloads: PayloadCase[] = [
  ['a UTF-8 string with non-ASCII characters', () => text, Buffer.from(text, 'utf8')],
  ['a Buffer', () => Buffer.from([0, 1, 2, 0xfe, 0xff]), Buffer.from([0, 1, 2, 0xfe, 0xff])],
  ['a Uint8Array', () => new Uint8Array([9, 8, 7, 0, 255]), Buffer.from([9, 8, 7, 0, 255])],
  [
    'a Uint8Array view with a byteOffset into a larger ArrayBuffer',
    () => new Uint8Array(offsetBuffer(), 5, 10),
    Buffer.from(offsetBuffer(), 5, 10),
  ],
  ['an ArrayBuffer', () => new Uint8Array([4, 3, 2, 1]).buffer, Buffer.from([4, 3, 2, 1])],
  ['a DataView with an offset', () => new DataView(offsetBuffer(), 3, 7), Buffer.from(offsetBuffer(), 3, 7)],
  ['a Float32Array', () => new Float32Array(floats), Buffer.from(new Float32Array(floats).buffer)],
  ['a JSON object', () => ({ ...object }), Buffer.from(JSON.stringify(object), 'utf8')],
  ["an empty string ''", () => '', Buffer.alloc(0)],
  ['an empty Buffer', () => Buffer.alloc(0), Buffer.alloc(0)],
]

/** Subscribes `topic` with a callback and resolves the first message it gets. */
async function subscribeOne(
  connection: mqtt.MqttClientConnection,
  topic: string,
  qos: mqtt.QoS,
): Promise<{ granted: mqtt.MqttSubscribeRequest; message: Promise<Received> }> {
  let deliver!: (m: Received) => void
  const message = new Promise<Received>((resolve) => (deliver = resolve))
  const granted = await within(
    connection.subscribe(topic, qos, (t, payload, dup, q, retain) => deliver({ topic: t, payload, dup, qos: q, retain })),
    10000,
    'subscribe',
  )
  return { granted, message: within(message, 10000, `a message on ${topic}`) }
}

function text_(payload: ArrayBuffer): string {
  return Buffer.from(payload).toString('utf8')
}

afterEach(cleanupConnections)

forEachBroker('pub/sub', (broker) => {

  describe('payload round trips', () => {
    let connection: mqtt.MqttClientConnection
    beforeAll(async () => {
      connection = untrack(await connected(broker))
    })
    afterAll(async () => {
      await connection?.disconnect()
    })

    const cases = [QoS.AtMostOnce, QoS.AtLeastOnce, QoS.ExactlyOnce].flatMap((qos) =>
      payloads.map(([name, make, expected]) => [qos, name, make, expected] as const),
    )

    test.each(cases)('QoS %i: %s arrives byte for byte', async (qos, _name, make, expected) => {
      const topic = uniqueTopic(`payload/q${qos}`)
      const { granted, message } = await subscribeOne(connection, topic, QoS.ExactlyOnce)
      expect(granted.topic).toBe(topic)
      expect(granted.qos).toBe(QoS.ExactlyOnce)
      expect(typeof granted.packet_id).toBe('number')

      const published = await within(connection.publish(topic, make(), qos), 10000, 'publish')
      if (qos === QoS.AtMostOnce) {
        expect(published.packet_id).toBeUndefined()
      } else {
        expect(typeof published.packet_id).toBe('number')
        expect(published.packet_id).toBeGreaterThan(0)
      }

      const got = await message
      expect(got.topic).toBe(topic)
      expect(types.isArrayBuffer(got.payload)).toBe(true)
      expect(got.payload.byteLength).toBe(expected.length)
      expect(new Uint8Array(got.payload).length).toBe(expected.length)
      expect(bytesOf(got.payload).equals(expected)).toBe(true)
      expect(got.dup).toBe(false)
      expect(got.qos).toBe(qos)
      expect(got.retain).toBe(false)
      await connection.unsubscribe(topic)
    })

    test('the message callback gets exactly (topic, payload, dup, qos, retain) with their types', async () => {
      const topic = uniqueTopic('args')
      let args: unknown[] = []
      await connection.subscribe(topic, QoS.AtLeastOnce, (...a: unknown[]) => {
        args = a
      })
      await connection.publish(topic, 'x', QoS.AtLeastOnce)
      await waitFor(() => args.length > 0, 10000, 'the message')
      expect(args).toHaveLength(5)
      expect(typeof args[0]).toBe('string')
      expect(types.isArrayBuffer(args[1])).toBe(true)
      expect(typeof args[2]).toBe('boolean')
      expect(typeof args[3]).toBe('number')
      expect(typeof args[4]).toBe('boolean')
      await connection.unsubscribe(topic)
    })

    test('the granted QoS is what the broker granted (subscribe at 1 gets 1, a QoS 2 publish arrives at 1)', async () => {
      const topic = uniqueTopic('granted')
      const { granted, message } = await subscribeOne(connection, topic, QoS.AtLeastOnce)
      expect(granted).toEqual(expect.objectContaining({ topic, qos: QoS.AtLeastOnce }))
      await connection.publish(topic, 'downgraded', QoS.ExactlyOnce)
      const got = await message
      expect(got.qos).toBe(QoS.AtLeastOnce)
      expect(text_(got.payload)).toBe('downgraded')
      await connection.unsubscribe(topic)
    })
  })

  test('per-filter callbacks with + and # get only matching topics; on_message gets what no filter took; the message event gets all', async () => {
    const connection = await connected(broker)
    const base = uniqueTopic('wild')
    const plus = collector()
    const hash = collector()
    const catchAll = collector()
    const events = collector()
    connection.on('message', events.callback)
    connection.on_message(catchAll.callback)

    await connection.subscribe(`${base}/+/x`, QoS.AtLeastOnce, plus.callback)
    await connection.subscribe(`${base}/deep/#`, QoS.AtLeastOnce, hash.callback)
    await connection.subscribe(`${base}/other`, QoS.AtLeastOnce) // no callback: the catch-all's

    const sent = [`${base}/a/x`, `${base}/b/x`, `${base}/a/y`, `${base}/deep`, `${base}/deep/1/2`, `${base}/other`, `${base}/a/b/x`]
    // '${base}/a/y' and '${base}/a/b/x' match no subscription: the broker does not send them.
    for (const topic of sent) await connection.publish(topic, topic, QoS.AtLeastOnce)

    const delivered = [`${base}/a/x`, `${base}/b/x`, `${base}/deep`, `${base}/deep/1/2`, `${base}/other`]
    await waitFor(() => new Set(events.messages.map((m) => m.topic)).size === delivered.length, 10000, 'all messages')
    await sleep(200) // let any stray delivery arrive before checking nothing else came

    const topics = (c: ReturnType<typeof collector>) => [...new Set(c.messages.map((m) => m.topic))].sort()
    expect(topics(plus)).toEqual([`${base}/a/x`, `${base}/b/x`].sort())
    expect(topics(hash)).toEqual([`${base}/deep`, `${base}/deep/1/2`].sort())
    expect(topics(catchAll)).toEqual([`${base}/other`])
    expect(topics(events)).toEqual([...delivered].sort())
    for (const m of events.messages) expect(text_(m.payload)).toBe(m.topic)
    await connection.disconnect()
  })

  test('a message matching two filters reaches both callbacks and not the catch-all', async () => {
    const connection = await connected(broker)
    const base = uniqueTopic('two')
    const first = collector()
    const second = collector()
    const catchAll = collector()
    connection.on_message(catchAll.callback)
    await connection.subscribe(`${base}/+`, QoS.AtLeastOnce, first.callback)
    await connection.subscribe(`${base}/#`, QoS.AtLeastOnce, second.callback)
    await connection.publish(`${base}/t`, 'both', QoS.AtLeastOnce)
    await waitFor(() => first.messages.length > 0 && second.messages.length > 0, 10000, 'both callbacks')
    await sleep(200)
    expect(first.messages.every((m) => m.topic === `${base}/t`)).toBe(true)
    expect(second.messages.every((m) => m.topic === `${base}/t`)).toBe(true)
    expect(catchAll.messages).toHaveLength(0)
    await connection.disconnect()
  })

  test('subscribing the same filter again replaces its callback', async () => {
    const connection = await connected(broker)
    const topic = uniqueTopic('replace')
    const old = collector()
    const replacement = collector()
    await connection.subscribe(topic, QoS.AtLeastOnce, old.callback)
    await connection.subscribe(topic, QoS.AtLeastOnce, replacement.callback)
    await connection.publish(topic, 'to the new one', QoS.AtLeastOnce)
    await waitFor(() => replacement.messages.length > 0, 10000, 'the replacement callback')
    await sleep(200)
    expect(old.messages).toHaveLength(0)
    expect(replacement.messages.map((m) => text_(m.payload))).toEqual(['to the new one'])
    await connection.disconnect()
  })

  test('unsubscribe resolves and stops delivery', async () => {
    const connection = await connected(broker)
    const topic = uniqueTopic('unsub')
    const sentinel = uniqueTopic('sentinel')
    const sub = collector()
    const all = collector()
    connection.on('message', all.callback)
    await connection.subscribe(topic, QoS.AtLeastOnce, sub.callback)
    await connection.subscribe(sentinel, QoS.AtLeastOnce)
    await connection.publish(topic, 'before', QoS.AtLeastOnce)
    await waitFor(() => sub.messages.length === 1, 10000, 'the first message')

    const unsubscribed = await within(connection.unsubscribe(topic), 10000, 'unsubscribe')
    expect(typeof unsubscribed.packet_id).toBe('number')

    await connection.publish(topic, 'after', QoS.AtLeastOnce)
    await connection.publish(sentinel, 'sentinel', QoS.AtLeastOnce)
    await waitFor(() => all.messages.some((m) => m.topic === sentinel), 10000, 'the sentinel')
    await sleep(100)
    expect(sub.messages.map((m) => text_(m.payload))).toEqual(['before'])
    expect(all.messages.filter((m) => m.topic === topic).map((m) => text_(m.payload))).toEqual(['before'])
    await connection.disconnect()
  })

  test('a retained message reaches a later subscriber with retain = true', async () => {
    const publisher = await connected(broker)
    const topic = uniqueTopic('retained')
    await publisher.publish(topic, 'kept', QoS.AtLeastOnce, true)

    const subscriber = await connected(broker)
    const { message } = await subscribeOne(subscriber, topic, QoS.AtLeastOnce)
    const got = await message
    expect(got.retain).toBe(true)
    expect(text_(got.payload)).toBe('kept')
    expect(got.topic).toBe(topic)

    // Clear it: an empty retained message.
    await publisher.publish(topic, '', QoS.AtLeastOnce, true)
    await publisher.disconnect()
    await subscriber.disconnect()
  })

  test('a 4 MiB random payload round trip at QoS 1', async () => {
    const connection = await connected(broker)
    const topic = uniqueTopic('big')
    const payload = randomBytes(4 * 1024 * 1024)
    const { message } = await subscribeOne(connection, topic, QoS.AtLeastOnce)
    await within(connection.publish(topic, payload, QoS.AtLeastOnce), 20000, 'publish 4 MiB')
    const got = await message
    expect(got.payload.byteLength).toBe(payload.length)
    expect(bytesOf(got.payload).equals(payload)).toBe(true)
    await connection.disconnect()
  })

  test('10,000 QoS 1 messages arrive complete and in order', async () => {
    const count = 10000
    const subscriber = await connected(broker)
    const publisher = await connected(broker)
    const topic = uniqueTopic('stream')
    const received: string[] = []
    await subscriber.subscribe(topic, QoS.AtLeastOnce, (_t, payload) => received.push(text_(payload)))

    const publishes: Promise<mqtt.MqttRequest>[] = []
    for (let i = 0; i < count; i++) publishes.push(publisher.publish(topic, String(i), QoS.AtLeastOnce))
    const results = await within(Promise.all(publishes), 25000, 'all PUBACKs')
    expect(results).toHaveLength(count)
    for (const r of results) expect(typeof r.packet_id).toBe('number')

    await waitFor(() => received.length >= count, 25000, `${count} messages`)
    await sleep(100)
    expect(received).toHaveLength(count)
    const outOfOrder = received.findIndex((p, i) => p !== String(i))
    expect(outOfOrder).toBe(-1)
    await publisher.disconnect()
    await subscriber.disconnect()
  })

  test('publishes made in the same turn as disconnect() go out before the DISCONNECT', async () => {
    const subscriber = await connected(broker)
    const publisher = await connected(broker)
    const topic = uniqueTopic('before-disconnect')
    const received: string[] = []
    await subscriber.subscribe(topic, QoS.AtLeastOnce, (_topic, payload) => received.push(text_(payload)))
    // QoS 0: written before the DISCONNECT, they are done (a QoS 1 one's PUBACK would come too late).
    const published = [publisher.publish(topic, 'first', QoS.AtMostOnce), publisher.publish(topic, 'second', QoS.AtMostOnce)]
    const disconnected = publisher.disconnect()
    await within(Promise.all([...published, disconnected]), 10000, 'the publishes and the disconnect')
    await waitFor(() => received.length >= 2, 10000, 'both messages')
    expect(received).toEqual(['first', 'second'])
    await subscriber.disconnect()
  })

  test('a fast stream over several topics keeps each message with its own topic, in order', async () => {
    const subscriber = await connected(broker)
    const publisher = await connected(broker)
    const base = uniqueTopic('mixed')
    // Runs of one topic and single changes, so batches hold both.
    const pattern = ['a', 'a', 'a', 'b', 'a', 'c', 'c', 'b', 'b', 'a']
    const sent = Array.from({ length: 3000 }, (_, i) => [`${base}/${pattern[i % pattern.length]}`, String(i)])
    const received: string[][] = []
    await subscriber.subscribe(`${base}/#`, QoS.AtLeastOnce, (topic, payload) => received.push([topic, text_(payload)]))
    await within(Promise.all(sent.map(([topic, body]) => publisher.publish(topic, body, QoS.AtLeastOnce))), 25000, 'the PUBACKs')
    await waitFor(() => received.length >= sent.length, 25000, `${sent.length} messages`)
    expect(received).toEqual(sent)
  })
})
