/**
 * The MQTT.js dialect at `protocolVersion: 5` against a real mosquitto
 * (2.0.11): CONNECT and CONNACK properties, PUBLISH properties at every QoS,
 * subscription options (No Local, Retain As Published, Retain Handling) and
 * identifiers, UNSUBACK and PUBACK reason codes, session expiry, Will
 * properties and Will Delay, DISCONNECT with Will Message, shared
 * subscriptions, request/response. Every test runs with MQTT.js itself and
 * with mqtt-napi's dialect: one text proves both behave alike.
 */
import { availableBrokers, brokerPerSuite } from '../support/brokers/brokers'
import {
  callbackOf,
  connected,
  dialects,
  DialectClient,
  endAllClients,
  firstConnect,
  FAST,
  IClientOptions,
  inbox,
  IPublishPacket,
  Message,
  MqttClient,
  nextMessage,
  urlOf,
} from '../support/dialect'
import { sleep, uniqueId, uniqueTopic, waitFor, within } from '../support/helpers'

/** Publishes under this prefix are refused by the broker's ACL (PUBACK 0x87). */
const DENIED_PREFIX = 'mqtt-napi/denied'

afterEach(endAllClients)

type QoS = 0 | 1 | 2
type PublishProperties = NonNullable<IPublishPacket['properties']>

/** The properties of a received message (failing the test when it has none). */
function propertiesOf(message: Message): PublishProperties {
  expect(message.packet.properties).toBeDefined()
  return message.packet.properties!
}

/** The payloads of `messages` as strings, in arrival order. */
const texts = (messages: Message[]) => messages.map((m) => m.payload.toString())

const mosquittoInstalled = availableBrokers().includes('mosquitto')

describe('MQTT 5 with mosquitto', () => {
  if (!mosquittoInstalled) {
    // CI always has mosquitto: its absence is a failure, never a skip.
    describe.each(dialects)('$name', () => {
      test('mosquitto is installed', () => {
        throw new Error('mosquitto is not installed: MQTT 5 suites need it')
      })
    })
    return
  }

  // max_inflight_messages 20 is mosquitto's default: its CONNACK then says
  // receiveMaximum 20, as a stock mosquitto does.
  const broker = brokerPerSuite('mosquitto', { denyPublishUnder: DENIED_PREFIX, maxInflightMessages: 20 })

  describe.each(dialects)('$name', (dialect: DialectClient) => {
    /** A connected MQTT 5 client of this dialect. */
    const connect = async (options: IClientOptions = {}) =>
      (await connected(dialect, urlOf(broker), { protocolVersion: 5, ...options })).client

    /** An MQTT 5 client of this dialect that is connecting; its CONNACK comes with `firstConnect`. */
    const startClient = (options: IClientOptions = {}) => dialect.connect(urlOf(broker), { ...FAST, protocolVersion: 5, ...options })

    /** Waits `ms`, then checks that `client` still gets a marker on `topic` (so its subscription works). */
    async function markerAfter(ms: number, client: MqttClient, publisher: MqttClient, topic: string) {
      await sleep(ms)
      const marker = nextMessage(client, topic)
      await within(publisher.publishAsync(topic, 'marker', { qos: 1 }), 5000, 'publish of the marker')
      return marker
    }

    describe('CONNECT and CONNACK', () => {
      test('connect with properties: connect fires with mosquitto\'s CONNACK properties and reasonCode 0', async () => {
        const client = startClient({
          clientId: uniqueId('v5c'),
          properties: {
            sessionExpiryInterval: 30,
            receiveMaximum: 50,
            maximumPacketSize: 100000,
            topicAliasMaximum: 5,
            requestProblemInformation: true,
            userProperties: { app: 'mqtt-napi-tests', tag: ['a', 'b'] },
          },
        })
        const connack = await firstConnect(client)
        expect(connack).toMatchObject({ cmd: 'connack', reasonCode: 0, sessionPresent: false })
        // mosquitto 2.0.11 sends only these two: receiveMaximum is its
        // max_inflight_messages, topicAliasMaximum its max_topic_alias.
        expect(connack.properties).toEqual({ receiveMaximum: 20, topicAliasMaximum: 10 })
        // MQTT.js gives an MQTT 5 CONNACK `reasonCode` and no 3.1.1 `returnCode`.
        expect(connack.returnCode).toBeUndefined()
        expect(client.connected).toBe(true)
      })
    })

    describe('PUBLISH properties', () => {
      test.each([0, 1, 2] as QoS[])('properties round trip through mosquitto at QoS %i into packet.properties', async (qos) => {
        const subscriber = await connect()
        const publisher = await connect()
        const topic = uniqueTopic('v5props')
        await within(subscriber.subscribeAsync(topic, { qos: 2 }), 5000, 'subscribe')
        const arrival = nextMessage(subscriber, topic)
        const correlationData = Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff])
        const [error] = await callbackOf<[Error | undefined]>((cb) =>
          publisher.publish(
            topic,
            `properties at qos ${qos}`,
            {
              qos,
              properties: {
                payloadFormatIndicator: true,
                messageExpiryInterval: 60,
                contentType: 'text/plain; charset=utf-8',
                responseTopic: `${topic}/reply`,
                correlationData,
                userProperties: { a: ['1', '2'], b: 'c' },
              },
            },
            cb,
          ),
        )
        expect(error).toBeFalsy()
        const message = await arrival
        expect(message.payload.toString()).toBe(`properties at qos ${qos}`)
        expect(message.packet.qos).toBe(qos)
        const { messageExpiryInterval, correlationData: receivedCorrelation, ...rest } = propertiesOf(message)
        // A repeated user property name comes back as an array of its values
        // in order; a single one as a plain string.
        expect(rest).toEqual({
          payloadFormatIndicator: true,
          contentType: 'text/plain; charset=utf-8',
          responseTopic: `${topic}/reply`,
          userProperties: { a: ['1', '2'], b: 'c' },
        })
        expect(Buffer.isBuffer(receivedCorrelation)).toBe(true)
        expect(receivedCorrelation!.equals(correlationData)).toBe(true)
        // The broker forwards the remaining lifetime.
        expect(typeof messageExpiryInterval).toBe('number')
        expect(messageExpiryInterval).toBeLessThanOrEqual(60)
        expect(messageExpiryInterval).toBeGreaterThan(0)
      })

      test('publishes made in one turn, with and without user properties, arrive in order, each with its own', async () => {
        const subscriber = await connect()
        const publisher = await connect()
        const topic = uniqueTopic('v5turn')
        await within(subscriber.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const messages = inbox(subscriber)
        const sent: Array<Record<string, string | string[]> | undefined> = [
          { a: '1' },
          undefined,
          { a: ['1', '2'], b: 'c' },
          { '': '', 'with space': 'ünïcödé' },
          undefined,
          { last: 'x' },
        ]
        const done = sent.map((userProperties, i) =>
          publisher.publishAsync(topic, `m${i}`, { qos: (i % 2) as QoS, properties: userProperties && { userProperties } }),
        )
        await within(Promise.all(done), 5000, 'the publishes')
        await waitFor(() => messages.length === sent.length, 5000, 'every message')
        expect(texts(messages)).toEqual(sent.map((_, i) => `m${i}`))
        expect(messages.map((m) => m.packet.properties?.userProperties)).toEqual(sent)
      })
    })

    describe('subscription options', () => {
      test('nl: true: the client\'s own publishes are not delivered, another client\'s are; without nl they are', async () => {
        const client = await connect()
        const other = await connect()
        const [quiet, loud] = [uniqueTopic('v5nl'), uniqueTopic('v5nl')]
        await within(client.subscribeAsync(quiet, { qos: 1, nl: true }), 5000, 'subscribe nl')
        await within(client.subscribeAsync(loud, { qos: 1 }), 5000, 'subscribe')
        const received = inbox(client)
        // mosquitto queues a delivery to the publisher before its PUBACK, so
        // a message it should not get would be in the inbox by the time the
        // other client's arrives.
        await within(client.publishAsync(quiet, 'own', { qos: 1 }), 5000, 'publish own')
        const fromOther = nextMessage(client, quiet)
        await within(other.publishAsync(quiet, 'other', { qos: 1 }), 5000, 'publish other')
        await fromOther
        expect(received.map((m) => [m.topic, m.payload.toString()])).toEqual([[quiet, 'other']])
        const own = nextMessage(client, loud)
        await within(client.publishAsync(loud, 'own, no nl', { qos: 1 }), 5000, 'publish own')
        expect((await own).payload.toString()).toBe('own, no nl')
      })

      test('rap: true keeps retain=true on a retained message delivered live; rap false clears it', async () => {
        const asPublished = await connect()
        const plain = await connect()
        const publisher = await connect()
        const topic = uniqueTopic('v5rap')
        await within(asPublished.subscribeAsync(topic, { qos: 1, rap: true }), 5000, 'subscribe rap')
        await within(plain.subscribeAsync(topic, { qos: 1, rap: false }), 5000, 'subscribe')
        const [kept, cleared] = [nextMessage(asPublished, topic), nextMessage(plain, topic)]
        await within(publisher.publishAsync(topic, 'live', { qos: 1, retain: true }), 5000, 'publish')
        expect((await kept).packet.retain).toBe(true)
        expect((await cleared).packet.retain).toBe(false)
        expect((await kept).payload.toString()).toBe('live')
        expect((await cleared).payload.toString()).toBe('live')
        await within(publisher.publishAsync(topic, '', { qos: 1, retain: true }), 5000, 'clearing the retained message')
      })

      test('rh: 2: no retained message at subscribe, live messages still arrive', async () => {
        const publisher = await connect()
        const subscriber = await connect()
        const topic = uniqueTopic('v5rh2')
        await within(publisher.publishAsync(topic, 'retained', { qos: 1, retain: true }), 5000, 'publish retained')
        const received = inbox(subscriber)
        const granted = await within(subscriber.subscribeAsync(topic, { qos: 1, rh: 2 }), 5000, 'subscribe')
        expect(granted).toEqual([{ topic, qos: 1, nl: false, rap: false, rh: 2 }])
        await markerAfter(500, subscriber, publisher, topic)
        expect(texts(received)).toEqual(['marker'])
        await within(publisher.publishAsync(topic, '', { qos: 1, retain: true }), 5000, 'clearing the retained message')
      })

      test('rh: 1: the retained message comes for a new subscription only, not for a repeated one', async () => {
        const publisher = await connect()
        const subscriber = await connect()
        const topic = uniqueTopic('v5rh1')
        await within(publisher.publishAsync(topic, 'retained', { qos: 1, retain: true }), 5000, 'publish retained')
        const received = inbox(subscriber)
        const first = nextMessage(subscriber, topic)
        await within(subscriber.subscribeAsync(topic, { qos: 1, rh: 1 }), 5000, 'subscribe')
        const retained = await first
        expect(retained.payload.toString()).toBe('retained')
        expect(retained.packet.retain).toBe(true)
        // MQTT.js sends no SUBSCRIBE for a filter it already holds at the same
        // or a higher QoS (subscribeAsync then resolves []), so the repeat asks
        // for QoS 2: a real SUBSCRIBE for an existing subscription.
        const again = await within(subscriber.subscribeAsync(topic, { qos: 2, rh: 1 }), 5000, 'subscribe again')
        expect(again).toEqual([{ topic, qos: 2, nl: false, rap: false, rh: 1 }])
        await markerAfter(500, subscriber, publisher, topic)
        expect(texts(received)).toEqual(['retained', 'marker'])
        await within(publisher.publishAsync(topic, '', { qos: 1, retain: true }), 5000, 'clearing the retained message')
      })

      test('subscriptionIdentifier in subscribe properties comes back as packet.properties.subscriptionIdentifier', async () => {
        const client = await connect()
        const base = uniqueTopic('v5subid')
        await within(
          client.subscribeAsync(`${base}/+`, { qos: 1, properties: { subscriptionIdentifier: 42 } }),
          5000,
          'subscribe with an identifier',
        )
        const tagged = nextMessage(client, `${base}/tagged`)
        await within(client.publishAsync(`${base}/tagged`, 'tagged', { qos: 1 }), 5000, 'publish')
        // One matching subscription: the identifier is a number, not an array.
        expect((await tagged).packet.properties?.subscriptionIdentifier).toBe(42)
        const untagged = nextMessage(client, `${base}/other`)
        await within(client.publishAsync(`${base}/other`, 'also tagged', { qos: 0 }), 5000, 'publish')
        expect((await untagged).packet.properties?.subscriptionIdentifier).toBe(42)
        // A subscription made without one: no identifier on its messages.
        const other = uniqueTopic('v5subid')
        await within(client.subscribeAsync(other, { qos: 1 }), 5000, 'subscribe')
        const bare = nextMessage(client, other)
        await within(client.publishAsync(other, 'bare', { qos: 1 }), 5000, 'publish')
        expect((await bare).packet.properties?.subscriptionIdentifier).toBeUndefined()
      })

      test('the subscribe callback grants [{ topic, qos, nl, rap, rh, properties }] and passes the SUBACK', async () => {
        const client = await connect()
        const topic = uniqueTopic('v5granted')
        const properties = { subscriptionIdentifier: 7, userProperties: { who: 'tests' } }
        const [error, granted, suback] = await callbackOf<[Error | null, unknown, unknown]>((cb) =>
          client.subscribe(topic, { qos: 2, nl: true, rap: true, rh: 1, properties }, cb),
        )
        expect(error).toBeFalsy()
        // The request's options and properties, qos replaced by the SUBACK code.
        expect(granted).toEqual([{ topic, qos: 2, nl: true, rap: true, rh: 1, properties }])
        expect(suback).toMatchObject({ cmd: 'suback', granted: [2] })

        const plain = uniqueTopic('v5granted')
        // Without options MQTT.js fills in nl false, rap false, rh 0.
        expect(await within(client.subscribeAsync(plain, { qos: 1 }), 5000, 'subscribe')).toEqual([
          { topic: plain, qos: 1, nl: false, rap: false, rh: 0 },
        ])

        // The map form: MQTT.js does not fill in what an entry leaves out
        // (nl, rap, rh are undefined there, not false / 0).
        const [a, b] = [uniqueTopic('v5granted'), uniqueTopic('v5granted')]
        const [mapError, mapGranted] = await callbackOf<[Error | null, unknown]>((cb) =>
          client.subscribe({ [a]: { qos: 1, nl: true }, [b]: { qos: 0 } }, cb),
        )
        expect(mapError).toBeFalsy()
        expect(mapGranted).toEqual([
          { topic: a, qos: 1, nl: true },
          { topic: b, qos: 0 },
        ])
      })
    })

    describe('reason codes', () => {
      test('unsubscribing a filter never subscribed resolves, the UNSUBACK says 17 in packet.granted', async () => {
        const client = await connect()
        const [never, subscribed] = [uniqueTopic('v5unsub'), uniqueTopic('v5unsub')]
        const unsuback = await within(client.unsubscribeAsync(never), 5000, 'unsubscribeAsync')
        // MQTT.js resolves the UNSUBACK; its reason codes are in `granted`
        // (there is no `reasonCode` on it).
        expect(unsuback).toMatchObject({ cmd: 'unsuback', granted: [17] })
        expect((unsuback as { reasonCode?: number }).reasonCode).toBeUndefined()

        await within(client.subscribeAsync(subscribed, { qos: 1 }), 5000, 'subscribe')
        const [error, packet] = await callbackOf<[Error | null | undefined, unknown]>((cb) =>
          client.unsubscribe([never, subscribed], cb),
        )
        expect(error).toBeFalsy()
        expect(packet).toMatchObject({ cmd: 'unsuback', granted: [17, 0] })
      })

      test('a QoS 1 publish nobody subscribed to succeeds (PUBACK 16 is a success)', async () => {
        const client = await connect()
        const topic = uniqueTopic('v5nobody')
        const [error, packet] = await callbackOf<[Error | null | undefined, unknown]>((cb) =>
          client.publish(topic, 'to nobody', { qos: 1 }, cb),
        )
        expect(error).toBeFalsy()
        // The callback gets the PUBLISH it sent, not the PUBACK.
        expect(packet).toMatchObject({ cmd: 'publish', topic, qos: 1 })
        await expect(within(client.publishAsync(topic, 'to nobody', { qos: 1 }), 5000, 'publishAsync')).resolves.toMatchObject({
          cmd: 'publish',
          topic,
        })
      })

      test('a publish the ACL denies calls back an Error with code 135, "Publish error: Not authorized"', async () => {
        const client = await connect()
        const topic = uniqueTopic('denied')
        expect(topic.startsWith(`${DENIED_PREFIX}/`)).toBe(true)
        const [error] = await callbackOf<[(Error & { code?: number }) | null | undefined]>((cb) =>
          client.publish(topic, 'not allowed', { qos: 1 }, cb),
        )
        expect(error).toBeInstanceOf(Error)
        expect(error!.message).toBe('Publish error: Not authorized')
        expect(error!.code).toBe(135)
        // mosquitto 2.0.11 closes the connection after its PUBACK 0x87; the
        // client reconnects and carries on.
        const allowed = uniqueTopic('v5allowed')
        await expect(within(client.publishAsync(allowed, 'allowed', { qos: 1 }), 8000, 'publish after the refusal')).resolves.toMatchObject({
          cmd: 'publish',
          topic: allowed,
        })
        await expect(within(client.publishAsync(topic, 'still not allowed', { qos: 1 }), 8000, 'publishAsync')).rejects.toMatchObject({
          message: 'Publish error: Not authorized',
          code: 135,
        })
      })
    })

    describe('session expiry', () => {
      test('clean: false with sessionExpiryInterval 60: the session resumes with sessionPresent and the queued messages', async () => {
        const clientId = uniqueId('v5sess')
        const topic = uniqueTopic('v5sess')
        const options: IClientOptions = { clientId, clean: false, properties: { sessionExpiryInterval: 60 } }
        const first = await connect(options)
        await within(first.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        await within(first.endAsync(), 5000, 'end')
        const publisher = await connect()
        for (const payload of ['one', 'two', 'three']) {
          await within(publisher.publishAsync(topic, payload, { qos: 1 }), 5000, 'publish while away')
        }
        const again = startClient(options)
        const received = inbox(again)
        const connack = await firstConnect(again)
        expect(connack.sessionPresent).toBe(true)
        await waitFor(() => received.length >= 3, 5000, 'the three queued messages')
        expect(texts(received)).toEqual(['one', 'two', 'three'])
        expect(received.every((m) => m.topic === topic && m.packet.qos === 1)).toBe(true)
        // Leave no session behind.
        await within(again.endAsync({ properties: { sessionExpiryInterval: 0 } }), 5000, 'end')
      })

      test('clean: false without sessionExpiryInterval: no session survives (sessionPresent false, nothing queued)', async () => {
        const clientId = uniqueId('v5nosess')
        const topic = uniqueTopic('v5nosess')
        const options: IClientOptions = { clientId, clean: false }
        const first = await connect(options)
        await within(first.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        await within(first.endAsync(), 5000, 'end')
        const publisher = await connect()
        await within(publisher.publishAsync(topic, 'lost', { qos: 1 }), 5000, 'publish while away')
        const again = startClient(options)
        const received = inbox(again)
        const connack = await firstConnect(again)
        expect(connack.sessionPresent).toBe(false)
        await sleep(500)
        expect(received).toEqual([])
      })
    })

    describe('Will', () => {
      const willProperties = {
        willDelayInterval: 0,
        payloadFormatIndicator: true,
        contentType: 'text/plain',
        userProperties: { reason: 'gone', tag: ['x', 'y'] },
        messageExpiryInterval: 120,
      }

      test('end(true) (no DISCONNECT): the will arrives with its properties', async () => {
        const subscriber = await connect()
        const topic = uniqueTopic('v5will')
        await within(subscriber.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const will = nextMessage(subscriber, topic)
        const client = await connect({ will: { topic, payload: 'last words', qos: 1, retain: false, properties: willProperties } })
        client.end(true)
        const message = await will
        expect(message.payload.toString()).toBe('last words')
        expect(message.packet.qos).toBe(1)
        const { messageExpiryInterval, ...rest } = propertiesOf(message)
        // willDelayInterval is not forwarded: it is for the broker only.
        expect(rest).toEqual({ payloadFormatIndicator: true, contentType: 'text/plain', userProperties: { reason: 'gone', tag: ['x', 'y'] } })
        expect(messageExpiryInterval).toBeLessThanOrEqual(120)
        expect(messageExpiryInterval).toBeGreaterThan(0)
      })

      test('willDelayInterval 2: the will comes no sooner than about 1.5 s after the connection is lost', async () => {
        const subscriber = await connect()
        const topic = uniqueTopic('v5delay')
        await within(subscriber.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const will = nextMessage(subscriber, topic, 7000)
        const client = await connect({
          properties: { sessionExpiryInterval: 10 },
          will: { topic, payload: 'delayed', qos: 1, retain: false, properties: { ...willProperties, willDelayInterval: 2 } },
        })
        const lost = Date.now()
        client.end(true)
        const message = await will
        const elapsed = Date.now() - lost
        expect(message.payload.toString()).toBe('delayed')
        expect(elapsed).toBeGreaterThanOrEqual(1500)
        expect(propertiesOf(message).contentType).toBe('text/plain')
      })

      test('a resumed session within willDelayInterval cancels the will', async () => {
        const subscriber = await connect()
        const publisher = await connect()
        const topic = uniqueTopic('v5cancel')
        await within(subscriber.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const received = inbox(subscriber)
        const clientId = uniqueId('v5cancel')
        const session = { clientId, clean: false, properties: { sessionExpiryInterval: 10 } }
        const client = await connect({
          ...session,
          will: { topic, payload: 'should not come', qos: 1, retain: false, properties: { ...willProperties, willDelayInterval: 2 } },
        })
        const lost = Date.now()
        client.end(true)
        const resumed = startClient(session)
        expect((await firstConnect(resumed)).sessionPresent).toBe(true)
        await markerAfter(Math.max(0, 3500 - (Date.now() - lost)), subscriber, publisher, topic)
        expect(texts(received)).toEqual(['marker'])
        await within(resumed.endAsync({ properties: { sessionExpiryInterval: 0 } }), 5000, 'end')
      })

      test('end(false, { reasonCode: 4 }) (Disconnect with Will Message) makes mosquitto publish the will', async () => {
        const subscriber = await connect()
        const topic = uniqueTopic('v5rc4')
        await within(subscriber.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const will = nextMessage(subscriber, topic)
        const client = await connect({ will: { topic, payload: 'asked for', qos: 1, retain: false, properties: willProperties } })
        await callbackOf((cb) => client.end(false, { reasonCode: 4 }, cb))
        const message = await will
        expect(message.payload.toString()).toBe('asked for')
        expect(propertiesOf(message).userProperties).toEqual({ reason: 'gone', tag: ['x', 'y'] })
      })

      test('end() with the default reasonCode publishes no will', async () => {
        const subscriber = await connect()
        const publisher = await connect()
        const topic = uniqueTopic('v5rc0')
        await within(subscriber.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const received = inbox(subscriber)
        const client = await connect({ will: { topic, payload: 'must not come', qos: 1, retain: false, properties: willProperties } })
        await callbackOf((cb) => client.end(cb))
        await markerAfter(1000, subscriber, publisher, topic)
        expect(texts(received)).toEqual(['marker'])
      })
    })

    describe('shared subscriptions and request/response', () => {
      // Shared subscriptions are MQTT 5's, and mosquitto offers them to MQTT 3.1.1 clients too.
      test.each([5, 4] as const)('$share/group/topic at protocolVersion %i: 20 QoS 1 messages are split between two subscribers, each delivered once', async (protocolVersion) => {
        const open = () => connect({ protocolVersion })
        const [first, second, publisher] = [await open(), await open(), await open()]
        const topic = uniqueTopic('v5share')
        const filter = `$share/${uniqueId('g')}/${topic}`
        const grant = protocolVersion === 5 ? { topic: filter, qos: 1, nl: false, rap: false, rh: 0 } : { topic: filter, qos: 1 }
        for (const client of [first, second]) {
          expect(await within(client.subscribeAsync(filter, { qos: 1 }), 5000, 'subscribe')).toEqual([grant])
        }
        const [a, b] = [inbox(first), inbox(second)]
        const sent = Array.from({ length: 20 }, (_, i) => `m${i}`)
        await within(Promise.all(sent.map((p) => publisher.publishAsync(topic, p, { qos: 1 }))), 5000, 'the 20 publishes')
        await waitFor(() => a.length + b.length >= 20, 5000, 'the 20 messages')
        await sleep(300)
        expect([...texts(a), ...texts(b)].sort()).toEqual([...sent].sort())
        expect(a.length).toBeGreaterThan(0)
        expect(b.length).toBeGreaterThan(0)
        // The message event names the topic published to, not the share.
        expect([...a, ...b].every((m) => m.topic === topic && m.packet.topic === topic)).toBe(true)
      })

      test('request/response: responseTopic and correlationData are forwarded unchanged both ways', async () => {
        const requester = await connect()
        const responder = await connect()
        const requests = uniqueTopic('v5request')
        const responseTopic = uniqueTopic('v5response')
        const correlationData = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x01, 0x00])
        await within(responder.subscribeAsync(requests, { qos: 1 }), 5000, 'subscribe requests')
        await within(requester.subscribeAsync(responseTopic, { qos: 1 }), 5000, 'subscribe responses')
        const seen: Array<PublishProperties | undefined> = []
        responder.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
          if (topic !== requests) return
          seen.push(packet.properties)
          const { responseTopic: replyTo, correlationData: id } = packet.properties ?? {}
          if (replyTo) responder.publish(replyTo, `re: ${payload}`, { qos: 1, properties: { correlationData: id } })
        })
        const response = nextMessage(requester, responseTopic)
        await within(
          requester.publishAsync(requests, 'ping', { qos: 1, properties: { responseTopic, correlationData } }),
          5000,
          'publish the request',
        )
        const reply = await response
        expect(reply.payload.toString()).toBe('re: ping')
        expect(seen).toHaveLength(1)
        expect(seen[0]!.responseTopic).toBe(responseTopic)
        expect(Buffer.isBuffer(seen[0]!.correlationData)).toBe(true)
        expect(seen[0]!.correlationData!.equals(correlationData)).toBe(true)
        const replied = propertiesOf(reply).correlationData
        expect(Buffer.isBuffer(replied)).toBe(true)
        expect(replied!.equals(correlationData)).toBe(true)
      })
    })
  })
})
