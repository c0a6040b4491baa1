/**
 * Drop-in fidelity of the MQTT.js dialect: patterns from real MQTT.js
 * programs and from MQTT.js's own tests that must behave as they do with
 * MQTT.js. Each behaviour runs with MQTT.js itself and with mqtt-napi.
 */
import fs from 'fs'
import mqtt from 'mqtt'
import * as mqttNapi from '../../index'
import { availableBrokers, brokerPerSuite, startTransportBroker, TransportBroker } from '../support/brokers/brokers'
import { makeCerts, removeCerts } from '../support/certs'
import { callbackOf, connected, dialects, endAllClients, FAST, firstConnect, IClientOptions, nextMessage, refusedPort, track, urlOf } from '../support/dialect'
import { ack, filtersOf, HostileBroker, packetIdOf, Peer, publish, startHostileBroker, Type } from '../support/brokers/hostile-broker'
import { uniqueTopic, waitFor, within } from '../support/helpers'
import { startFakeBroker, FakeBroker } from '../support/brokers/fake-broker'

const kinds = availableBrokers()
const certs = makeCerts()
const ca = fs.readFileSync(certs.caPath)

const fakes: FakeBroker[] = []
afterEach(endAllClients)
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})
afterAll(removeCerts)

/** A broker that accepts TCP and never answers; closed after the test. */
async function startSilentBroker(): Promise<FakeBroker> {
  const fake = await startFakeBroker('silent')
  fakes.push(fake)
  return fake
}

/** Each dialect's own message id providers. */
const providers = {
  'MQTT.js': { Unique: mqtt.UniqueMessageIdProvider, Default: mqtt.DefaultMessageIdProvider },
  'mqtt-napi': { Unique: mqttNapi.UniqueMessageIdProvider, Default: mqttNapi.DefaultMessageIdProvider },
}

describe.each(kinds)('with %s', (kind) => {
  const broker = brokerPerSuite(kind)

  describe.each(dialects)('$name', (dialect) => {
    test.each([
      ['null', null],
      ['undefined', undefined],
    ])('publish(topic, %s) sends an empty payload', async (_, message) => {
      const { client } = await connected(dialect, urlOf(broker))
      const topic = uniqueTopic('empty')
      await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
      const arrived = nextMessage(client, topic)
      const [error] = await callbackOf<[Error | undefined]>((cb) => client.publish(topic, message as unknown as string, { qos: 1 }, cb))
      expect(error ?? null).toBeNull()
      expect((await arrived).payload).toEqual(Buffer.alloc(0))
    })

    test.each(['Unique', 'Default'] as const)('messageIdProvider: new %sMessageIdProvider() is accepted; QoS 1 and 2 round trips work', async (which) => {
      const messageIdProvider = new providers[dialect.name][which]()
      const { client } = await connected(dialect, urlOf(broker), { messageIdProvider } as IClientOptions)
      const topic = uniqueTopic('ids')
      await within(client.subscribeAsync(topic, { qos: 2 }), 5000, 'subscribe')
      for (const qos of [1, 2] as const) {
        const arrived = nextMessage(client, topic)
        const packet = await within(client.publishAsync(topic, `at ${qos}`, { qos }), 5000, 'publish')
        expect(packet?.messageId).toEqual(expect.any(Number))
        expect((await arrived).payload.toString()).toBe(`at ${qos}`)
      }
    })

    test('client.options: hostname and port filled in and path left out for an mqtt:// URL, as MQTT.js', async () => {
      const { client } = await connected(dialect, `${urlOf(broker)}/ignored`)
      expect(client.options.hostname).toBe('127.0.0.1')
      expect(client.options.port).toBe(broker.port)
      expect(client.options.path).toBeUndefined()
    })

    test('MqttClient.VERSION is a version string', () => {
      const Client = (dialect.name === 'MQTT.js' ? mqtt.MqttClient : mqttNapi.MqttClient) as unknown as { VERSION: unknown }
      expect(Client.VERSION).toMatch(/^\d+\.\d+\.\d+/)
    })
  })
})

describe('subscribing again to a filter already granted', () => {
  let broker: HostileBroker
  beforeEach(async () => {
    broker = await startHostileBroker([])
  })
  afterEach(async () => {
    await broker?.close()
  })
  const subscribesSent = () => broker.peers.flatMap((peer) => peer.received.filter((p) => p.type === Type.SUBSCRIBE).map(filtersOf))

  describe.each(dialects)('$name', (dialect) => {
    test('at the same (or a lower) QoS calls back an empty granted list and sends nothing; a higher QoS, or after unsubscribe, is sent', async () => {
      const { client } = await connected(dialect, urlOf(broker))
      const ask = (topic: string | Record<string, { qos: 0 | 1 | 2 }>, qos: 0 | 1 | 2) =>
        callbackOf<[Error | null, unknown]>((cb) => client.subscribe(topic, { qos }, cb)).then((args) => args.slice(0, 2))
      expect(await ask('a/b', 1)).toEqual([null, [{ topic: 'a/b', qos: 1 }]])
      expect(await ask('a/b', 1)).toEqual([null, []])
      expect(await ask('a/b', 0)).toEqual([null, []])
      expect(await ask('a/b', 2)).toEqual([null, [{ topic: 'a/b', qos: 2 }]])
      await within(client.unsubscribeAsync('a/b'), 5000, 'unsubscribe')
      expect(await ask('a/b', 2)).toEqual([null, [{ topic: 'a/b', qos: 2 }]])
      expect(await ask({ 'a/b': { qos: 2 }, resubscribe: true } as never, 2)).toEqual([null, [{ topic: 'a/b', qos: 2 }]])
      expect(subscribesSent()).toEqual([[['a/b', 1]], [['a/b', 2]], [['a/b', 2]], [['a/b', 2]]])
    })
  })
})

describe('a servers list that mixes ws and wss', () => {
  let broker: TransportBroker
  beforeAll(async () => {
    broker = await startTransportBroker('aedes', certs)
  }, 30000)
  afterAll(async () => {
    await broker?.stop()
  })

  describe.each(dialects)('$name', (dialect) => {
    test.each([
      ['ws', 'wss'],
      ['wss', 'ws'],
    ] as const)('protocol %s, then a server over %s: the second server connects', async (first, second) => {
      const refused = await refusedPort()
      const servers = [
        { host: '127.0.0.1', port: refused, protocol: first },
        { host: '127.0.0.1', port: broker.listeners[second]!.port, protocol: second },
      ]
      const client = track(dialect.connect({ protocol: first, servers, ca, reconnectPeriod: 100 } as IClientOptions))
      await within(new Promise((resolve) => client.once('connect', resolve)), 10000, 'connect')
      const topic = uniqueTopic('servers')
      await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
      const arrived = nextMessage(client, topic)
      await within(client.publishAsync(topic, 'over ' + second, { qos: 1 }), 5000, 'publish')
      expect((await arrived).payload.toString()).toBe('over ' + second)
    })
  })
})

describe("end() in the tick of connect(), as in MQTT.js's own examples", () => {
  describe.each(kinds)('with %s', (kind) => {
    const broker = brokerPerSuite(kind)

    // MQTT.js itself does this at QoS 0; at QoS 1 and 2 none of its callbacks
    // is ever called and it stays connected (README: where it differs).
    const cases = dialects.flatMap((dialect) =>
      ([0, 1, 2] as const).filter((qos) => qos === 0 || dialect.name === 'mqtt-napi').map((qos) => ({ dialect, name: dialect.name, qos })),
    )
    describe.each(cases)('$name', ({ dialect, qos }) => {
      test(`subscribe, publish at QoS ${qos}, end(): both are sent, their callbacks hear success, then DISCONNECT`, async () => {
        const topic = uniqueTopic('presence')
        const { client: watcher } = await connected(dialects[0], urlOf(broker))
        await within(watcher.subscribeAsync(topic, { qos: 1 }), 5000, 'watcher subscribe')
        const seen = nextMessage(watcher, topic)

        const client = track(dialect.connect(urlOf(broker)))
        const order: string[] = []
        const subscribed = callbackOf<[Error | null]>((cb) => client.subscribe(topic, { qos: 1 }, (error) => (order.push('subscribed'), cb(error))))
        const published = callbackOf<[Error | undefined]>((cb) => client.publish(topic, 'hello', { qos }, (error) => (order.push('published'), cb(error))))
        const ended = callbackOf<[]>((cb) => client.end(() => (order.push('ended'), cb())))

        expect((await subscribed)[0]).toBeNull()
        expect((await published)[0] ?? null).toBeNull()
        await ended
        expect((await seen).payload.toString()).toBe('hello')
        expect(order[order.length - 1]).toBe('ended')
        expect(client.connected).toBe(false)
      })
    })
  })
})

describe('end() during the first attempt when no connection can be made (mqtt-napi)', () => {
  const napi = dialects.find((d) => d.name === 'mqtt-napi')!

  test.each([
    ['refused', async () => urlOf({ port: await refusedPort() })],
    ['never answered (connectTimeout 300 ms)', async () => urlOf(await startSilentBroker())],
  ])('the broker is %s: every queued operation fails with an error, then end() calls back', async (_, url) => {
    const client = track(napi.connect(await url(), { connectTimeout: 300, reconnectPeriod: 100 }))
    const subscribed = callbackOf<[Error | null]>((cb) => client.subscribe('a', { qos: 1 }, cb))
    const published = callbackOf<[Error | undefined]>((cb) => client.publish('a', 'x', { qos: 1 }, cb))
    const publishedAt0 = callbackOf<[Error | undefined]>((cb) => client.publish('a', 'x', { qos: 0 }, cb))
    const unsubscribed = callbackOf<[Error | undefined]>((cb) => client.unsubscribe('a', cb))
    await callbackOf<[]>((cb) => client.end(() => cb()), 5000)
    for (const [error] of await Promise.all([subscribed, published, publishedAt0, unsubscribed])) {
      expect(error).toBeInstanceOf(Error)
      expect(error!.message).toBe('Connection closed')
    }
  })
})

describe('handleMessage(packet, callback): the acknowledgement waits for the callback', () => {
  let broker: HostileBroker
  beforeEach(async () => {
    broker = await startHostileBroker([])
  })
  afterEach(async () => {
    await broker?.close()
  })

  /** What the client sent of `type` so far, by packet id. */
  const sentIds = (peer: Peer, type: number) => peer.received.filter((p) => p.type === type).map(packetIdOf)
  const quiet = () => new Promise((resolve) => setTimeout(resolve, 150))

  /**
   * A client of `dialect` whose handleMessage, replaced in the tick of
   * `connect()` as applications do, keeps each callback in `held`; connected
   * to the scripted broker.
   */
  async function holdingClient(dialect: (typeof dialects)[number]) {
    const client = track(dialect.connect(urlOf(broker), FAST))
    const held: Array<{ messageId?: number; callback: (error?: Error) => void }> = []
    client.handleMessage = (packet, callback) => {
      held.push({ messageId: (packet as { messageId?: number }).messageId, callback })
    }
    await firstConnect(client)
    return { client, held, peer: await broker.peer(0) }
  }

  describe.each(dialects)('$name', (dialect) => {
    test.each([
      [1, Type.PUBACK],
      [2, Type.PUBCOMP],
    ] as const)('QoS %i: no acknowledgement until callback(); then it goes out', async (qos, ackType) => {
      const { held, peer } = await holdingClient(dialect)
      await peer.write(publish('in/t', 'x', qos, 7))
      if (qos === 2) {
        await peer.expect(Type.PUBREC)
        await peer.write(ack(0x62, 7))
      }
      await waitFor(() => held.length === 1, 5000, 'handleMessage')
      expect(held[0].messageId).toBe(7)
      await quiet()
      expect(sentIds(peer, ackType)).toEqual([])
      held[0].callback()
      await waitFor(() => sentIds(peer, ackType).length === 1, 5000, 'the acknowledgement')
      expect(sentIds(peer, ackType)).toEqual([7])
    })

    test('callback(error) withholds the PUBACK', async () => {
      const { held, peer } = await holdingClient(dialect)
      await peer.write(publish('in/t', 'x', 1, 8))
      await waitFor(() => held.length === 1, 5000, 'handleMessage')
      held[0].callback(new Error('not processed'))
      await quiet()
      expect(sentIds(peer, Type.PUBACK)).toEqual([])
    })
  })

  describe('mqtt-napi (MQTT.js holds every later packet until the callback instead)', () => {
    const napi = dialects.find((d) => d.name === 'mqtt-napi')!

    test('later messages are delivered meanwhile; acknowledgements go out in arrival order', async () => {
      const { held, peer } = await holdingClient(napi)
      for (const id of [1, 2, 3]) await peer.write(publish('in/t', `m${id}`, 1, id))
      await waitFor(() => held.length === 3, 5000, 'three messages')
      held[2].callback()
      held[1].callback()
      await quiet()
      expect(sentIds(peer, Type.PUBACK)).toEqual([])
      held[0].callback()
      await waitFor(() => sentIds(peer, Type.PUBACK).length === 3, 5000, 'the acknowledgements')
      expect(sentIds(peer, Type.PUBACK)).toEqual([1, 2, 3])
    })

    test('other traffic does not wait: a publish completes while an acknowledgement is held', async () => {
      const { client, held, peer } = await holdingClient(napi)
      await peer.write(publish('in/t', 'x', 1, 4))
      await waitFor(() => held.length === 1, 5000, 'handleMessage')
      await within(client.publishAsync('out/t', 'y', { qos: 1 }), 5000, 'publish while an acknowledgement is held')
      expect(sentIds(peer, Type.PUBACK)).toEqual([])
      held[0].callback()
      await waitFor(() => sentIds(peer, Type.PUBACK).length === 1, 5000, 'the acknowledgement')
    })
  })
})

describe.each(kinds)('packetsend / packetreceive with %s', (kind) => {
  const broker = brokerPerSuite(kind)

  describe.each(dialects)('$name', (dialect) => {
    test('a listener sees every packet in MQTT.js shapes; without one, none', async () => {
      const sent: Array<Record<string, unknown>> = []
      const received: Array<Record<string, unknown>> = []
      // Listening before connect(): MQTT.js writes its CONNECT at once.
      const client = track(dialect.connect(urlOf(broker), { keepalive: 0, manualConnect: true }))
      const onSend = (packet: object) => sent.push(packet as Record<string, unknown>)
      client.on('packetsend', onSend)
      client.on('packetreceive', (packet: object) => received.push(packet as Record<string, unknown>))
      client.connect()
      await within(new Promise((resolve) => client.once('connect', resolve)), 5000, 'connect')
      const topic = uniqueTopic('packets')
      await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
      const arrived = nextMessage(client, topic)
      await within(client.publishAsync(topic, 'seen', { qos: 1 }), 5000, 'publish')
      await arrived
      await waitFor(() => sent.some((p) => p.cmd === 'puback'), 5000, 'our PUBACK')

      expect(sent.map((p) => p.cmd)).toEqual(['connect', 'subscribe', 'publish', 'puback'])
      expect(sent[0]).toEqual(expect.objectContaining({ cmd: 'connect', clientId: client.options.clientId, clean: true, keepalive: 0 }))
      expect(sent[1]).toEqual(expect.objectContaining({ subscriptions: [expect.objectContaining({ topic, qos: 1 })], messageId: expect.any(Number) }))
      expect(sent[2]).toEqual(expect.objectContaining({ topic, qos: 1, retain: false, dup: false, messageId: expect.any(Number) }))
      expect(Buffer.from(sent[2].payload as Buffer).toString()).toBe('seen')
      expect(received.map((p) => p.cmd).sort()).toEqual(['connack', 'puback', 'publish', 'suback'])
      expect(received[0]).toEqual(expect.objectContaining({ cmd: 'connack', returnCode: 0, sessionPresent: false }))
      expect(received.find((p) => p.cmd === 'suback')).toEqual(expect.objectContaining({ granted: [1] }))

      client.off('packetsend', onSend)
      client.removeAllListeners('packetreceive')
      const before = sent.length
      await within(client.publishAsync(topic, 'unseen', { qos: 1 }), 5000, 'publish')
      expect(sent.length).toBe(before)
    })
  })
})
