/**
 * aws-crt's `mqtt5.Mqtt5Client` against a real mosquitto (2.0.11, MQTT 5):
 * lifecycle and events, CONNACK and negotiated settings, publish and
 * subscribe at every QoS with every payload form, MQTT 5 properties,
 * subscription options, reason codes, wills, sessions, acknowledgement
 * control, outbound topic aliases, statistics, the offline queue,
 * reconnection after a broker restart, TLS and WebSockets.
 *
 * Every behaviour runs with aws-crt's own Mqtt5Client and with mqtt-napi's:
 * where aws-crt behaves otherwise (no QoS 2, strings as rejections, promises
 * that never settle, `stopped` and `disconnection` in either order), the test
 * asserts aws-crt's behaviour for aws-crt and mqtt-napi's for mqtt-napi.
 * Real broker, real sockets, free loopback ports; faults through a TCP relay.
 */
import {
  availableBrokers,
  brokerPerSuite,
  RestartableBroker,
  startPersistentMosquitto,
  startTransportBroker,
  TransportBroker,
} from '../support/brokers/brokers'
import type { mqtt5 } from '../../index'
import { Relay, startRelay } from '../support/brokers/relay'
import { Certs, makeCerts, removeCerts } from '../support/certs'
import { NO_OPERATIONS, once, sleep, uniqueTopic, waitFor } from '../support/helpers'
import { runNode } from '../support/node-process'
import {
  Client,
  clientId,
  Config,
  configFor,
  ConnectPacket,
  connectedClient,
  DisconnectionEvent,
  endAllClients,
  expectCrtError,
  expectCrtStringRejection,
  expectImplementationCrtError,
  expectRejectedAs,
  Implementation,
  implementations,
  inbox,
  isArrayBuffer,
  kindOf,
  newClient,
  nextConnection,
  nextMessage,
  outcomeWithin,
  PublishPacket,
  RecordedEvent,
  recordEvents,
  rejectionOf,
  releaseClients,
  ReportedEvent,
  ReportedOutcome,
  awsCrtInChild,
  resolved,
  stopClient,
  textOf,
  textsOf,
  bytesOf,
  thrownBy,
} from '../support/mqtt5'

/** Publishes under this prefix are refused by the broker's ACL (PUBACK 0x87). */
const DENIED_PREFIX = 'mqtt-napi/denied'

/** mosquitto's CONNACK: receiveMaximum is its max_inflight_messages (20 here, its default), topicAliasMaximum its max_topic_alias. */
const MOSQUITTO_CONNACK = { type: 2, sessionPresent: false, reasonCode: 0, receiveMaximum: 20, topicAliasMaximum: 10, userProperties: [] }

/** aws-crt's (and MQTT's) largest packet: what NegotiatedSettings says when the broker sets no Maximum Packet Size. */
const MAXIMUM_PACKET_SIZE = 268435460

/** A PUBACK with reason code `reasonCode` and nothing else, as both clients resolve it. */
const puback = (reasonCode: number) => ({ type: 4, reasonCode, userProperties: [] })

/** Quick reconnects, for tests that lose the link on purpose. */
const FAST_RECONNECT: Partial<Config> = { minReconnectDelayMs: 100, maxReconnectDelayMs: 500 }

/** Reconnects after 5 s exactly (jitter None), for aws-crt in a child, which reports before a reconnect. */
const SLOW_RECONNECT: Partial<Config> = { retryJitterMode: 1, minReconnectDelayMs: 5000, maxReconnectDelayMs: 5000 }

const mosquittoInstalled = availableBrokers().includes('mosquitto')

/**
 * Whether mosquitto is installed; when it is not, a failing test for each
 * implementation in the describe block this is called from (CI always has
 * mosquitto: its absence is a failure, never a skip).
 */
function mosquittoOrFailure(): boolean {
  if (!mosquittoInstalled) {
    describe.each(implementations)('$name', () => {
      test('mosquitto is installed', () => {
        throw new Error('mosquitto is not installed: the mqtt5 suites need it')
      })
    })
  }
  return mosquittoInstalled
}

/** Relays and restartable brokers a test made; closed after it. */
const relays: Relay[] = []
const restartables: RestartableBroker[] = []

afterEach(async () => {
  await endAllClients()
  await Promise.all(relays.splice(0).map((relay) => relay.close()))
  await Promise.all(restartables.splice(0).map((broker) => broker.stop()))
})
afterAll(releaseClients)

async function relayTo(target: { host: string; port: number }): Promise<Relay> {
  const relay = await startRelay(target)
  relays.push(relay)
  return relay
}

/** The names of recorded events, in order. */
const namesOf = (events: Array<{ name: string }>) => events.map((e) => e.name)

describe('mqtt5.Mqtt5Client with mosquitto', () => {
  if (!mosquittoOrFailure()) return

  const broker = brokerPerSuite('mosquitto', { denyPublishUnder: DENIED_PREFIX, maxInflightMessages: 20 })

  describe.each(implementations)('$name', (impl: Implementation) => {
    const { QoS } = impl.mqtt5
    /** The QoS levels this implementation publishes and subscribes at (aws-crt has no QoS 2). */
    const qosLevels: number[] = impl.crt ? [0, 1] : [0, 1, 2]
    const ackedQosLevels = qosLevels.filter((qos) => qos > 0)

    const config = (overrides: Partial<Config> = {}, connect: Partial<ConnectPacket> = {}) => configFor(broker, overrides, connect)
    /** A connected client of this implementation. */
    const connect = async (overrides: Partial<Config> = {}, connectProperties: Partial<ConnectPacket> = {}) =>
      (await connectedClient(impl, config(overrides, connectProperties))).client

    /** A connected client subscribed to `topic` at `qos`. */
    async function subscriberOf(topic: string, qos = 1, connectProperties: Partial<ConnectPacket> = {}): Promise<Client> {
      const client = await connect({}, connectProperties)
      const suback = await resolved(client.subscribe({ subscriptions: [{ topicFilter: topic, qos }] }), 5000, 'subscribe')
      expect(suback.reasonCodes).toEqual([qos])
      return client
    }

    /** Publishes a marker to `topic` from `publisher` and waits for it at `client`: what was to come before it has come. */
    async function marker(client: Client, publisher: Client, topic: string, wait = 0): Promise<void> {
      await sleep(wait)
      const arrival = nextMessage(client, topic)
      await resolved(publisher.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'marker' }), 5000, 'the marker')
      await arrival
    }

    /** `client` is still connected: a QoS 1 publish (no subscriber: PUBACK 16) is acknowledged, and no lifecycle event came in `events`. */
    async function expectStillConnected(client: Client, events: RecordedEvent[]): Promise<void> {
      expect(await resolved(client.publish({ topicName: uniqueTopic('m5still'), qos: QoS.AtLeastOnce, payload: 'x' }))).toEqual(puback(16))
      expect(events).toEqual([])
    }

    // ------------------------------------------------------------------
    describe('lifecycle', () => {
      test('start(): attemptingConnect, then connectionSuccess with mosquitto\'s CONNACK and the negotiated settings', async () => {
        const id = clientId()
        const client = newClient(impl, config({}, { clientId: id, keepAliveIntervalSeconds: 45 }))
        const events = recordEvents(client)
        const success = nextConnection(client)
        client.start()
        const { connack, settings } = await success
        expect(namesOf(events)).toEqual(['attemptingConnect', 'connectionSuccess'])
        expect(events[0].payload).toEqual({})
        expect(connack).toEqual(MOSQUITTO_CONNACK)
        expect(settings).toEqual({
          // mosquitto sends no Maximum QoS: aws-crt reports its own cap (it
          // has no QoS 2), mqtt-napi MQTT's default.
          maximumQos: impl.crt ? 1 : 2,
          sessionExpiryInterval: 0,
          receiveMaximumFromServer: 20,
          maximumPacketSizeToServer: MAXIMUM_PACKET_SIZE,
          topicAliasMaximumToServer: 10,
          topicAliasMaximumToClient: 0,
          serverKeepAlive: 45,
          retainAvailable: true,
          wildcardSubscriptionsAvailable: true,
          subscriptionIdentifiersAvailable: true,
          sharedSubscriptionsAvailable: true,
          rejoinedSession: false,
          clientId: id,
        })
      })

      test(
        impl.crt
          ? 'stop(): disconnection (AWS_ERROR_MQTT5_USER_REQUESTED_STOP) and stopped both arrive, in either order; start() connects again'
          : 'stop(): disconnection (AWS_ERROR_MQTT5_USER_REQUESTED_STOP), then stopped, always in that order; start() connects again',
        async () => {
          const client = newClient(impl, config())
          for (let round = 1; round <= 3; round++) {
            const success = nextConnection(client)
            client.start()
            const { connack } = await success
            expect(connack.reasonCode).toBe(0)
            const events = recordEvents(client)
            const stopped = once(client, 'stopped', 5000)
            client.stop()
            await stopped
            if (impl.crt) {
              await waitFor(() => events.some((e) => e.name === 'disconnection'), 5000, `round ${round}'s disconnection`)
              expect(namesOf(events).sort()).toEqual(['disconnection', 'stopped'])
            } else {
              // By the time `stopped` comes, the disconnection has come.
              expect(namesOf(events)).toEqual(['disconnection', 'stopped'])
            }
            const disconnection = events.find((e) => e.name === 'disconnection')!.payload as DisconnectionEvent
            expectImplementationCrtError(impl, disconnection.error, 'AWS_ERROR_MQTT5_USER_REQUESTED_STOP')
            expect(disconnection.error.error_code).toBe(5153)
            expect(disconnection.disconnect).toBeUndefined()
          }
        },
      )
    })

    // ------------------------------------------------------------------
    describe('client identifier', () => {
      test.each([
        ['connectProperties without clientId', { keepAliveIntervalSeconds: 60 } as ConnectPacket | undefined],
        ["clientId ''", { keepAliveIntervalSeconds: 60, clientId: '' }],
        ['no connectProperties (keep alive 1200 s)', undefined],
      ])('%s: settings.clientId is the identifier mosquitto assigned', async (_, connectProperties) => {
        const { connack, settings } = await connectedClient(impl, { ...configFor(broker), connectProperties })
        expect(typeof connack.assignedClientIdentifier).toBe('string')
        expect(connack.assignedClientIdentifier).not.toBe('')
        expect(settings.clientId).toBe(connack.assignedClientIdentifier)
        expect(settings.serverKeepAlive).toBe(connectProperties?.keepAliveIntervalSeconds ?? 1200)
      })
    })

    // ------------------------------------------------------------------
    describe('publish and subscribe', () => {
      test.each(qosLevels)(
        'QoS %i round trip: publish resolves (undefined at QoS 0, the PUBACK otherwise); the message has topicName, the payload as an ArrayBuffer, qos, retain false',
        async (qos) => {
          const topic = uniqueTopic('m5qos')
          const subscriber = await subscriberOf(topic, qos)
          const publisher = await connect()
          const arrival = nextMessage(subscriber, topic)
          const result = await resolved(publisher.publish({ topicName: topic, qos, payload: `at QoS ${qos}` }), 5000, 'publish')
          if (qos === 0) expect(result).toBeUndefined()
          else expect(result).toEqual(puback(0))
          const { message, acknowledgementControl } = await arrival
          expect(message.type).toBe(3)
          expect(message.topicName).toBe(topic)
          expect(isArrayBuffer(message.payload)).toBe(true)
          expect(textOf(message.payload)).toBe(`at QoS ${qos}`)
          expect(message.qos).toBe(qos)
          expect(message.retain).toBe(false)
          // Present for QoS 1 (and 2), absent for QoS 0.
          expect(acknowledgementControl !== undefined).toBe(qos > 0)
        },
      )

      test(
        impl.crt
          ? 'QoS 2: aws-crt rejects a QoS 2 publish (with a string) and a whole SUBSCRIBE that has a QoS 2 entry (with an Error)'
          : 'QoS 2: a SUBSCRIBE with QoS 1 and QoS 2 entries is granted [1, 2]; a QoS 2 publish completes with a PUBACK-shaped result',
        async () => {
          const client = await connect()
          const [one, two] = [uniqueTopic('m5q2'), uniqueTopic('m5q2')]
          const subscribe = client.subscribe({
            subscriptions: [
              { topicFilter: one, qos: QoS.AtLeastOnce },
              { topicFilter: two, qos: QoS.ExactlyOnce },
            ],
          })
          const publish = client.publish({ topicName: two, qos: QoS.ExactlyOnce, payload: 'exactly once' })
          if (impl.crt) {
            const refused = await rejectionOf(subscribe)
            expect(kindOf(refused)).toBe('Error')
            expect(refused.message).toMatch(/subscribe - failure invoking native client subscribe/)
            expectCrtStringRejection(await rejectionOf(publish), 'AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION')
            // Nothing of the refused SUBSCRIBE was subscribed: nobody gets a message on `one`.
            expect(await resolved(client.publish({ topicName: one, qos: QoS.AtLeastOnce, payload: 'x' }))).toEqual(puback(16))
            return
          }
          const arrival = nextMessage(client, two)
          expect(await resolved(subscribe)).toEqual({ type: 9, reasonCodes: [1, 2], userProperties: [] })
          expect(await resolved(publish)).toEqual(puback(0))
          const { message } = await arrival
          expect(message.qos).toBe(2)
          expect(textOf(message.payload)).toBe('exactly once')
        },
      )

      const payloads: Array<[string, () => mqtt5.Payload, Buffer]> = [
        ['a string (as UTF-8)', () => 'grüße ✓', Buffer.from('grüße ✓', 'utf8')],
        ['a Buffer', () => Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xff]), Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xff])],
        ['a Uint8Array view with an offset', () => new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4), Buffer.from([1, 2, 3])],
        ['an ArrayBuffer', () => new Uint8Array([4, 5, 6]).buffer, Buffer.from([4, 5, 6])],
        ['a DataView with an offset', () => new DataView(new Uint8Array([9, 7, 8, 9]).buffer, 1, 2), Buffer.from([7, 8])],
        ['a plain object (as JSON)', () => ({ a: 1, b: ['x', null] }), Buffer.from('{"a":1,"b":["x",null]}')],
      ]
      test.each(payloads)('payload given as %s arrives as an ArrayBuffer with those bytes', async (_, payload, bytes) => {
        const topic = uniqueTopic('m5payload')
        const client = await subscriberOf(topic)
        const arrival = nextMessage(client, topic)
        expect(await resolved(client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: payload() }))).toEqual(puback(0))
        const { message } = await arrival
        expect(isArrayBuffer(message.payload)).toBe(true)
        expect(bytesOf(message.payload).equals(bytes)).toBe(true)
      })

      test(
        impl.crt
          ? 'a zero-length payload: aws-crt delivers a detached ArrayBuffer, which cannot be read'
          : 'a zero-length payload (empty string or none) arrives as an empty ArrayBuffer that can be read',
        async () => {
          const topic = uniqueTopic('m5empty')
          const client = await subscriberOf(topic)
          const received = inbox(client)
          await resolved(client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: '' }))
          await resolved(client.publish({ topicName: topic, qos: QoS.AtLeastOnce }))
          await waitFor(() => received.length === 2, 5000, 'the two messages')
          for (const { message } of received) {
            expect(isArrayBuffer(message.payload)).toBe(true)
            const payload = message.payload as ArrayBuffer
            expect(payload.byteLength).toBe(0)
            if (impl.crt) expect(() => new Uint8Array(payload)).toThrow(/detached/)
            else expect(new Uint8Array(payload)).toHaveLength(0)
          }
        },
      )
    })

    // ------------------------------------------------------------------
    describe('MQTT 5 properties', () => {
      const userProperties = [
        { name: 'a', value: '1' },
        { name: 'b', value: 'x' },
        { name: 'a', value: '2' },
        { name: 'a', value: '2' },
      ]

      test.each(qosLevels)(
        'QoS %i: payloadFormat, messageExpiryIntervalSeconds, contentType, responseTopic, correlationData, userProperties (order and duplicates kept) and subscriptionIdentifiers arrive',
        async (qos) => {
          const topic = uniqueTopic('m5props')
          const client = await connect()
          await resolved(client.subscribe({ subscriptions: [{ topicFilter: topic, qos }], subscriptionIdentifier: 42 }))
          const arrival = nextMessage(client, topic)
          const correlationData = new Uint8Array([0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff])
          await resolved(
            client.publish({
              topicName: topic,
              qos,
              payload: 'with properties',
              payloadFormat: impl.mqtt5.PayloadFormatIndicator.Utf8,
              messageExpiryIntervalSeconds: 60,
              contentType: 'text/plain; charset=utf-8',
              responseTopic: `${topic}/reply`,
              correlationData,
              userProperties,
            }),
          )
          const { message } = await arrival
          const { messageExpiryIntervalSeconds, correlationData: received, ...rest } = message
          expect(rest).toEqual({
            type: 3,
            topicName: topic,
            payload: expect.anything(),
            qos,
            retain: false,
            payloadFormat: 1,
            contentType: 'text/plain; charset=utf-8',
            responseTopic: `${topic}/reply`,
            subscriptionIdentifiers: [42],
            userProperties,
          })
          expect(textOf(message.payload)).toBe('with properties')
          // The broker forwards the lifetime left.
          expect(messageExpiryIntervalSeconds).toBeGreaterThan(0)
          expect(messageExpiryIntervalSeconds).toBeLessThanOrEqual(60)
          expect(isArrayBuffer(received)).toBe(true)
          expect(bytesOf(received).equals(Buffer.from(correlationData))).toBe(true)
        },
      )

      test.each(qosLevels)(
        'QoS %i message without properties, on a subscription without subscriptionIdentifier: no property fields but userProperties, an empty array (as aws-crt gives it)',
        async (qos) => {
          const topic = uniqueTopic('m5plain')
          const client = await subscriberOf(topic, qos)
          const arrival = nextMessage(client, topic)
          await resolved(client.publish({ topicName: topic, qos, payload: 'plain' }))
          const { message } = await arrival
          // aws-crt code may read message.userProperties without a check.
          expect(message).toEqual({ type: 3, topicName: topic, payload: expect.anything(), qos, retain: false, userProperties: [] })
        },
      )
    })

    // ------------------------------------------------------------------
    describe('subscription options', () => {
      type RetainHandling = mqtt5.RetainHandlingType

      /**
       * A new topic (`prefix`) holding the retained message 'retained', its
       * publisher, and a new connected client: `subscribe(type)` subscribes
       * the client at QoS 1 with that retainHandlingType, `clear()` removes
       * the retained message.
       */
      async function retainedOn(prefix: string) {
        const topic = uniqueTopic(prefix)
        const publisher = await connect()
        await resolved(publisher.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'retained', retain: true }))
        const client = await connect()
        const subscribe = (retainHandlingType: RetainHandling) =>
          resolved(client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce, retainHandlingType }] }))
        const clear = () => resolved(publisher.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: '', retain: true }))
        return { topic, publisher, client, subscribe, clear }
      }

      test('noLocal: the client\'s own publishes are not delivered to it, another client\'s are; without noLocal they are', async () => {
        const client = await connect()
        const other = await connect()
        const [quiet, loud] = [uniqueTopic('m5nl'), uniqueTopic('m5nl')]
        await resolved(
          client.subscribe({
            subscriptions: [
              { topicFilter: quiet, qos: QoS.AtLeastOnce, noLocal: true },
              { topicFilter: loud, qos: QoS.AtLeastOnce },
            ],
          }),
        )
        const received = inbox(client)
        // mosquitto queues a delivery to the publisher before its PUBACK: a
        // message it should not get would be in the inbox before the other's.
        await resolved(client.publish({ topicName: quiet, qos: QoS.AtLeastOnce, payload: 'own' }))
        const fromOther = nextMessage(client, quiet)
        await resolved(other.publish({ topicName: quiet, qos: QoS.AtLeastOnce, payload: 'other' }))
        await fromOther
        expect(received.map((e) => [e.message.topicName, textOf(e.message.payload)])).toEqual([[quiet, 'other']])
        const own = nextMessage(client, loud)
        await resolved(client.publish({ topicName: loud, qos: QoS.AtLeastOnce, payload: 'own, no noLocal' }))
        expect(textOf((await own).message.payload)).toBe('own, no noLocal')
      })

      test('retainAsPublished: true keeps retain on a retained message delivered live; false clears it', async () => {
        const topic = uniqueTopic('m5rap')
        const asPublished = await connect()
        const plain = await connect()
        const publisher = await connect()
        await resolved(asPublished.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce, retainAsPublished: true }] }))
        await resolved(plain.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce, retainAsPublished: false }] }))
        const [kept, cleared] = [nextMessage(asPublished, topic), nextMessage(plain, topic)]
        await resolved(publisher.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'live', retain: true }))
        expect((await kept).message.retain).toBe(true)
        expect((await cleared).message.retain).toBe(false)
        expect(textOf((await kept).message.payload)).toBe('live')
        await resolved(publisher.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: '', retain: true }))
      })

      test('retainHandlingType SendOnSubscribe (the default): the retained message comes at subscribe, with retain true', async () => {
        const { topic, client, subscribe, clear } = await retainedOn('m5rh0')
        const retained = nextMessage(client, topic)
        await subscribe(impl.mqtt5.RetainHandlingType.SendOnSubscribe)
        const { message } = await retained
        expect(textOf(message.payload)).toBe('retained')
        expect(message.retain).toBe(true)
        await clear()
      })

      test('retainHandlingType DontSend: no retained message at subscribe; live messages still arrive', async () => {
        const { topic, publisher, client, subscribe, clear } = await retainedOn('m5rh2')
        const received = inbox(client)
        await subscribe(impl.mqtt5.RetainHandlingType.DontSend)
        await marker(client, publisher, topic, 300)
        expect(textsOf(received)).toEqual(['marker'])
        await clear()
      })

      test('retainHandlingType SendOnSubscribeIfNew: the retained message comes for a new subscription, not for a repeated one', async () => {
        const { topic, publisher, client, subscribe, clear } = await retainedOn('m5rh1')
        const received = inbox(client)
        await subscribe(impl.mqtt5.RetainHandlingType.SendOnSubscribeIfNew)
        await waitFor(() => received.length === 1, 5000, 'the retained message')
        await subscribe(impl.mqtt5.RetainHandlingType.SendOnSubscribeIfNew)
        await marker(client, publisher, topic, 300)
        expect(textsOf(received)).toEqual(['retained', 'marker'])
        await clear()
      })
    })

    // ------------------------------------------------------------------
    describe('reason codes', () => {
      test(`SUBACK: one reason code per subscription, the QoS granted (${qosLevels.join(', ')})`, async () => {
        const client = await connect()
        const suback = await resolved(
          client.subscribe({ subscriptions: qosLevels.map((qos) => ({ topicFilter: uniqueTopic('m5suback'), qos })) }),
        )
        expect(suback).toEqual({ type: 9, reasonCodes: qosLevels, userProperties: [] })
      })

      test('UNSUBACK: [0] for a subscribed filter, [17] for an unknown one, [0, 17] for both at once; none rejects', async () => {
        const client = await connect()
        const [a, b, unknown] = [uniqueTopic('m5unsub'), uniqueTopic('m5unsub'), uniqueTopic('m5unsub')]
        await resolved(client.subscribe({ subscriptions: [a, b].map((topicFilter) => ({ topicFilter, qos: QoS.AtLeastOnce })) }))
        expect(await resolved(client.unsubscribe({ topicFilters: [a] }))).toEqual({ type: 11, reasonCodes: [0], userProperties: [] })
        expect(await resolved(client.unsubscribe({ topicFilters: [unknown] }))).toEqual({
          type: 11,
          reasonCodes: [17],
          userProperties: [],
        })
        expect(await resolved(client.unsubscribe({ topicFilters: [b, unknown] }))).toEqual({
          type: 11,
          reasonCodes: [0, 17],
          userProperties: [],
        })
      })

      test('QoS 1 publish nobody subscribed to resolves (does not reject) with reasonCode 16 (NoMatchingSubscribers)', async () => {
        const client = await connect()
        const result = await resolved(client.publish({ topicName: uniqueTopic('m5nobody'), qos: QoS.AtLeastOnce, payload: 'to nobody' }))
        expect(result).toEqual(puback(16))
        expect(impl.mqtt5.isSuccessfulPubackReasonCode(result!.reasonCode)).toBe(true)
      })

      if (!impl.crt) {
        test('QoS 2 publish nobody subscribed to resolves with the PUBCOMP\'s reason code, 0 (mosquitto\'s PUBREC 16 is a success: the exchange goes on)', async () => {
          const client = await connect()
          const result = await resolved(client.publish({ topicName: uniqueTopic('m5nobody'), qos: QoS.ExactlyOnce, payload: 'to nobody' }))
          expect(result).toEqual(puback(0))
        })
      }

      test.each(ackedQosLevels)(
        'QoS %i publish the broker\'s ACL denies resolves (does not reject) with reasonCode 135 (NotAuthorized); the client carries on',
        async (qos) => {
          const client = newClient(impl, config(FAST_RECONNECT))
          const connected = nextConnection(client)
          client.start()
          await connected
          const topic = uniqueTopic('denied')
          expect(topic.startsWith(`${DENIED_PREFIX}/`)).toBe(true)
          const result = await resolved(client.publish({ topicName: topic, qos, payload: 'not allowed' }))
          expect(result).toEqual(puback(135))
          expect(impl.mqtt5.isSuccessfulPubackReasonCode(result!.reasonCode)).toBe(false)
          // mosquitto 2.0.11 closes the link after its refusal; the client
          // reconnects and a QoS 1 publish made now goes out.
          expect(await resolved(client.publish({ topicName: uniqueTopic('m5allowed'), qos: 1, payload: 'x' }), 10000)).toEqual(
            puback(16),
          )
        },
      )
    })

    // ------------------------------------------------------------------
    describe('will', () => {
      const willOf = (topic: string, payload: string): PublishPacket => ({
        topicName: topic,
        qos: QoS.AtLeastOnce,
        payload,
        payloadFormat: impl.mqtt5.PayloadFormatIndicator.Utf8,
        contentType: 'text/plain',
        messageExpiryIntervalSeconds: 120,
        userProperties: [
          { name: 'reason', value: 'gone' },
          { name: 'tag', value: 'x' },
          { name: 'tag', value: 'y' },
        ],
      })

      test('the link is cut without DISCONNECT: the will arrives with its properties', async () => {
        const topic = uniqueTopic('m5will')
        const watcher = await subscriberOf(topic)
        const will = nextMessage(watcher, topic)
        const relay = await relayTo(broker)
        await connectedClient(impl, configFor(relay, {}, { will: willOf(topic, 'last words') }))
        relay.cut()
        const { message } = await will
        expect(textOf(message.payload)).toBe('last words')
        expect(message.qos).toBe(1)
        expect(message.payloadFormat).toBe(1)
        expect(message.contentType).toBe('text/plain')
        expect(message.userProperties).toEqual(willOf(topic, '').userProperties)
        expect(message.messageExpiryIntervalSeconds).toBeGreaterThan(0)
        expect(message.messageExpiryIntervalSeconds).toBeLessThanOrEqual(120)
      })

      test('stop({ reasonCode: DisconnectWithWillMessage (4) }): mosquitto publishes the will', async () => {
        const topic = uniqueTopic('m5will4')
        const watcher = await subscriberOf(topic)
        const will = nextMessage(watcher, topic)
        const client = await connect({}, { will: willOf(topic, 'asked for') })
        await stopClient(client, { reasonCode: impl.mqtt5.DisconnectReasonCode.DisconnectWithWillMessage })
        expect(textOf((await will).message.payload)).toBe('asked for')
      })

      test(
        impl.crt
          ? 'stop() without a packet: aws-crt sends no DISCONNECT, so mosquitto publishes the will'
          : 'stop() without a packet sends DISCONNECT NormalDisconnection: no will',
        async () => {
          const topic = uniqueTopic('m5will0')
          const watcher = await subscriberOf(topic)
          const received = inbox(watcher)
          const client = await connect({}, { will: willOf(topic, 'stop()') })
          await stopClient(client)
          await marker(watcher, watcher, topic, 1000)
          expect(textsOf(received)).toEqual(impl.crt ? ['stop()', 'marker'] : ['marker'])
        },
      )

      test('stop({ reasonCode: NormalDisconnection (0) }): no will', async () => {
        const topic = uniqueTopic('m5will0')
        const watcher = await subscriberOf(topic)
        const received = inbox(watcher)
        const client = await connect({}, { will: willOf(topic, 'must not come') })
        await stopClient(client, { reasonCode: impl.mqtt5.DisconnectReasonCode.NormalDisconnection })
        await marker(watcher, watcher, topic, 1000)
        expect(textsOf(received)).toEqual(['marker'])
      })

      test('willDelayIntervalSeconds 2 with a session expiry: the will comes no sooner than about 1.5 s after the link is lost', async () => {
        const topic = uniqueTopic('m5delay')
        const watcher = await subscriberOf(topic)
        const received = inbox(watcher)
        const relay = await relayTo(broker)
        await connectedClient(
          impl,
          configFor(relay, {}, { sessionExpiryIntervalSeconds: 10, willDelayIntervalSeconds: 2, will: willOf(topic, 'delayed') }),
        )
        // Closing the relay cuts the link and keeps the client from coming back
        // (a clean reconnect would end the session, and publish the will at once).
        const lost = Date.now()
        await relay.close()
        await marker(watcher, watcher, topic, 500)
        expect(textsOf(received)).toEqual(['marker'])
        await waitFor(() => received.length === 2, 7000, 'the delayed will')
        expect(Date.now() - lost).toBeGreaterThanOrEqual(1500)
        expect(textsOf(received)).toEqual(['marker', 'delayed'])
      })
    })

    // ------------------------------------------------------------------
    describe('sessions', () => {
      const { ClientSessionBehavior } = impl.mqtt5

      /** Leaves a session for `id` on the broker, subscribed to `topic` (QoS 1), kept 60 s. */
      async function leaveSession(id: string, topic: string): Promise<void> {
        const { client, connack } = await connectedClient(
          impl,
          config({ sessionBehavior: ClientSessionBehavior.Clean }, { clientId: id, sessionExpiryIntervalSeconds: 60 }),
        )
        expect(connack.sessionPresent).toBe(false)
        await resolved(client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] }))
        await stopClient(client)
      }

      test('RejoinAlways with sessionExpiryIntervalSeconds: a new client with the same clientId resumes the session (rejoinedSession, sessionPresent) and gets what was queued', async () => {
        const id = clientId()
        const topic = uniqueTopic('m5rejoin')
        const session = { clientId: id, sessionExpiryIntervalSeconds: 60 }
        const first = await connectedClient(impl, config({ sessionBehavior: ClientSessionBehavior.RejoinAlways }, session))
        expect(first.connack.sessionPresent).toBe(false)
        expect(first.settings.rejoinedSession).toBe(false)
        await resolved(first.client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] }))
        await stopClient(first.client)

        const publisher = await connect()
        await resolved(publisher.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'while away' }))

        const second = newClient(impl, config({ sessionBehavior: ClientSessionBehavior.RejoinAlways }, session))
        const received = inbox(second)
        const success = nextConnection(second)
        second.start()
        const { connack, settings } = await success
        expect(connack.sessionPresent).toBe(true)
        expect(settings.rejoinedSession).toBe(true)
        expect(settings.sessionExpiryInterval).toBe(60)
        await waitFor(() => received.length === 1, 5000, 'the queued message')
        expect(received[0].message.topicName).toBe(topic)
        expect(textOf(received[0].message.payload)).toBe('while away')
        // Leave no session behind.
        await stopClient(second, { reasonCode: 0, sessionExpiryIntervalSeconds: 0 })
      })

      test.each([
        ['Clean', 1],
        ['Default', 0],
        ['left out', undefined],
      ])('sessionBehavior %s: a session the broker kept for the clientId is not resumed (sessionPresent and rejoinedSession false)', async (_, behavior) => {
        const id = clientId()
        await leaveSession(id, uniqueTopic('m5clean'))
        const overrides: Partial<Config> = behavior === undefined ? {} : { sessionBehavior: behavior }
        const { connack, settings } = await connectedClient(impl, config(overrides, { clientId: id, sessionExpiryIntervalSeconds: 60 }))
        expect(connack.sessionPresent).toBe(false)
        expect(settings.rejoinedSession).toBe(false)
      })

      test('RejoinPostSuccess: the first connection starts clean; after a lost link the reconnect resumes the session; after stop(), start() is clean again', async () => {
        const id = clientId()
        await leaveSession(id, uniqueTopic('m5post'))
        const relay = await relayTo(broker)
        const client = newClient(
          impl,
          configFor(
            relay,
            { ...FAST_RECONNECT, sessionBehavior: ClientSessionBehavior.RejoinPostSuccess },
            { clientId: id, sessionExpiryIntervalSeconds: 60 },
          ),
        )
        const first = nextConnection(client)
        client.start()
        const { connack, settings } = await first
        expect(connack.sessionPresent).toBe(false)
        expect(settings.rejoinedSession).toBe(false)
        const again = nextConnection(client)
        relay.cut()
        const resumed = await again
        expect(resumed.connack.sessionPresent).toBe(true)
        expect(resumed.settings.rejoinedSession).toBe(true)
        // After stop(), a start() begins clean again.
        await stopClient(client)
        const restarted = nextConnection(client)
        client.start()
        expect((await restarted).connack.sessionPresent).toBe(false)
      })
    })

    // ------------------------------------------------------------------
    describe('acknowledgement control', () => {
      test.each(ackedQosLevels)(
        'QoS %i: a listener that takes the handle withholds the acknowledgement until invokeAcknowledgement() (with receiveMaximum 1, the next message waits for it)',
        async (qos) => {
          const topic = uniqueTopic('m5ack')
          const client = await subscriberOf(topic, qos, { receiveMaximum: 1 })
          const publisher = await connect()
          const received: string[] = []
          const taken: { handle?: mqtt5.PublishAcknowledgementHandle | null; again?: mqtt5.PublishAcknowledgementHandle | null } = {}
          client.on('messageReceived', ({ message, acknowledgementControl }) => {
            const text = textOf(message.payload)
            received.push(text)
            if (text === 'first') {
              taken.handle = acknowledgementControl!.acquireHandle()
              taken.again = acknowledgementControl!.acquireHandle()
            }
          })
          for (const payload of ['first', 'second']) await resolved(publisher.publish({ topicName: topic, qos, payload }))
          await waitFor(() => received.length >= 1, 5000, 'the first message')
          // The first acquireHandle() gets the handle, a second one null.
          expect(taken.handle).toBeTruthy()
          expect(taken.again).toBeNull()
          // mosquitto has the second message and may send it only once the
          // first is acknowledged.
          await sleep(700)
          expect(received).toEqual(['first'])
          taken.handle!.invokeAcknowledgement()
          await waitFor(() => received.length >= 2, 5000, 'the second message, once the first was acknowledged')
          expect(received).toEqual(['first', 'second'])
        },
      )

      test.each(ackedQosLevels)(
        'QoS %i: without taking the handle, the client acknowledges by itself (receiveMaximum 1, five messages all arrive)',
        async (qos) => {
          const topic = uniqueTopic('m5autoack')
          const client = await subscriberOf(topic, qos, { receiveMaximum: 1 })
          const publisher = await connect()
          const received = inbox(client)
          const sent = ['m1', 'm2', 'm3', 'm4', 'm5']
          for (const payload of sent) await resolved(publisher.publish({ topicName: topic, qos, payload }))
          await waitFor(() => received.length >= sent.length, 5000, 'the five messages')
          expect(textsOf(received)).toEqual(sent)
          expect(received.every((e) => e.acknowledgementControl !== undefined)).toBe(true)
        },
      )

      test('QoS 0 messages have no acknowledgementControl', async () => {
        const topic = uniqueTopic('m5ack0')
        const client = await subscriberOf(topic, 0)
        const arrival = nextMessage(client, topic)
        await resolved(client.publish({ topicName: topic, qos: QoS.AtMostOnce, payload: 'qos 0' }))
        const event = await arrival
        expect(event.message.qos).toBe(0)
        expect(event.acknowledgementControl).toBeUndefined()
      })
    })

    // ------------------------------------------------------------------
    describe('outbound topic aliases', () => {
      const { OutboundTopicAliasBehaviorType } = impl.mqtt5

      test('LRU with outboundCacheMaxSize 2 (topics a, b, a, c, a, b): every message arrives with its full topic name', async () => {
        const base = uniqueTopic('m5lru')
        const watcher = await subscriberOf(`${base}/+`)
        const received = inbox(watcher)
        const client = await connect({ topicAliasingOptions: { outboundBehavior: OutboundTopicAliasBehaviorType.LRU, outboundCacheMaxSize: 2 } })
        const sequence = ['a', 'b', 'a', 'c', 'a', 'b']
        for (const [i, name] of sequence.entries()) {
          expect(await resolved(client.publish({ topicName: `${base}/${name}`, qos: QoS.AtLeastOnce, payload: `${i}` }))).toEqual(puback(0))
        }
        await waitFor(() => received.length >= sequence.length, 5000, 'the six messages')
        expect(received.map((e) => [e.message.topicName, textOf(e.message.payload)])).toEqual(
          sequence.map((name, i) => [`${base}/${name}`, `${i}`]),
        )
      })

      test('Manual: publishes with topicAlias (bound, reused, rebound) arrive with their full topic names', async () => {
        const base = uniqueTopic('m5manual')
        const watcher = await subscriberOf(`${base}/+`)
        const received = inbox(watcher)
        const client = await connect({ topicAliasingOptions: { outboundBehavior: OutboundTopicAliasBehaviorType.Manual } })
        const sequence: Array<[string, number]> = [
          ['a', 1],
          ['a', 1],
          ['b', 2],
          ['b', 2],
          ['c', 1],
          ['c', 1],
          ['a', 2],
        ]
        for (const [i, [name, topicAlias]] of sequence.entries()) {
          const publish = client.publish({ topicName: `${base}/${name}`, qos: QoS.AtLeastOnce, payload: `${i}`, topicAlias })
          expect(await resolved(publish)).toEqual(puback(0))
        }
        await waitFor(() => received.length >= sequence.length, 5000, 'the messages')
        expect(received.map((e) => [e.message.topicName, textOf(e.message.payload)])).toEqual(
          sequence.map(([name], i) => [`${base}/${name}`, `${i}`]),
        )
      })
    })

    // ------------------------------------------------------------------
    describe('statistics', () => {
      test('getOperationalStatistics() and getQueueStatistics(): all zero when connected and idle, and after operations completed', async () => {
        const topic = uniqueTopic('m5stats')
        const client = await connect()
        expect(client.getOperationalStatistics()).toEqual(NO_OPERATIONS)
        expect(client.getQueueStatistics()).toEqual(NO_OPERATIONS)
        await resolved(client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] }))
        await resolved(client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'x' }))
        await resolved(client.unsubscribe({ topicFilters: [topic] }))
        expect(client.getOperationalStatistics()).toEqual(NO_OPERATIONS)
        expect(client.getQueueStatistics()).toEqual(NO_OPERATIONS)
      })

      test('a client never started: all zero; a QoS 1 publish queued counts as one incomplete operation (not unacked) until it completes once started', async () => {
        const client = newClient(impl, config())
        expect(client.getOperationalStatistics()).toEqual(NO_OPERATIONS)
        const publish = client.publish({ topicName: uniqueTopic('m5queued'), qos: QoS.AtLeastOnce, payload: 'queued' })
        await waitFor(() => client.getOperationalStatistics().incompleteOperationCount === 1, 2000, 'the publish to be counted')
        const statistics = client.getOperationalStatistics()
        expect(statistics.incompleteOperationSize).toBeGreaterThan(0)
        expect(statistics.unackedOperationCount).toBe(0)
        expect(statistics.unackedOperationSize).toBe(0)
        expect(client.getQueueStatistics()).toEqual(statistics)
        // Once started, it goes out and completes.
        client.start()
        expect(await resolved(publish)).toEqual(puback(16))
        expect(client.getOperationalStatistics()).toEqual(NO_OPERATIONS)
      })
    })

    // ------------------------------------------------------------------
    describe('offline queue', () => {
      const { ClientOperationQueueBehavior } = impl.mqtt5

      test('a SUBSCRIBE and a QoS 1 publish made before start() wait, and go out once connected', async () => {
        const topic = uniqueTopic('m5offline')
        const client = newClient(impl, config())
        const received = inbox(client)
        const subscribe = client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] })
        const publish = client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'queued' })
        expect(await outcomeWithin(publish, 300)).toEqual({ status: 'pending' })
        client.start()
        expect(await resolved(subscribe)).toEqual({ type: 9, reasonCodes: [1], userProperties: [] })
        expect(await resolved(publish)).toEqual(puback(0))
        await waitFor(() => received.length === 1, 5000, 'the queued message')
        expect(textOf(received[0].message.payload)).toBe('queued')
      })

      test(
        `a QoS 0 publish made while not connected rejects with AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY${
          impl.crt ? ' (aws-crt: a string)' : ''
        }`,
        async () => {
          const client = newClient(impl, config())
          const reason = await rejectionOf(client.publish({ topicName: uniqueTopic('m5q0'), qos: QoS.AtMostOnce, payload: 'x' }))
          expectRejectedAs(impl, reason, 'AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY')
        },
      )

      test(
        `offlineQueueBehavior FailAllOnDisconnect: a QoS 1 publish, a subscribe and an unsubscribe made while not connected reject the same way${
          impl.crt ? ' (aws-crt: strings)' : ''
        }`,
        async () => {
          const client = newClient(impl, config({ offlineQueueBehavior: ClientOperationQueueBehavior.FailAllOnDisconnect }))
          const topic = uniqueTopic('m5failall')
          const operations = [
            client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'x' }),
            client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] }),
            client.unsubscribe({ topicFilters: [topic] }),
          ]
          for (const operation of operations) {
            expectRejectedAs(impl, await rejectionOf(operation), 'AWS_ERROR_MQTT5_OPERATION_FAILED_DUE_TO_OFFLINE_QUEUE_POLICY')
          }
        },
      )
    })

    // ------------------------------------------------------------------
    describe(impl.crt ? 'where aws-crt falls short' : 'where mqtt-napi does better than aws-crt', () => {
      test.each([
        ['qos 3', (topic: string) => ({ topicName: topic, qos: 3, payload: 'x' }) as unknown as PublishPacket],
        ['no topicName', (_topic: string) => ({ qos: 1, payload: 'x' }) as unknown as PublishPacket],
      ])(
        impl.crt
          ? 'an invalid publish (%s) rejects with a plain Error, without error_code or error_name'
          : 'an invalid publish (%s) rejects with a CrtError AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION',
        async (_, packet) => {
          const client = await connect()
          const reason = await rejectionOf(client.publish(packet(uniqueTopic('m5bad'))), 1000)
          if (impl.crt) {
            expect(kindOf(reason)).toBe('Error')
            expect(reason.error_name).toBeUndefined()
            expect(reason.error_code).toBeUndefined()
          } else {
            expectCrtError(reason, 'AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION')
          }
        },
      )

      // aws-crt's promises that never settle are shown in a child process:
      // each one holds aws-crt's client, which then keeps Node running.
      test(
        impl.crt
          ? 'subscriptionIdentifier 0: aws-crt sends it, mosquitto disconnects (129, malformed), and the promise is still pending after 1 s'
          : 'subscriptionIdentifier 0 rejects at once with a CrtError AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION; the link stays up',
        async () => {
          const topicFilter = uniqueTopic('m5id0')
          if (impl.crt) {
            const { outcome, events } = await awsCrtInChild<{ outcome: ReportedOutcome; events: ReportedEvent[] }>(
              configFor(broker, SLOW_RECONNECT),
              `await connect()
               const since = events.length
               const subscribe = client.subscribe({ subscriptions: [{ topicFilter: ${JSON.stringify(topicFilter)}, qos: 1 }], subscriptionIdentifier: 0 })
               return { outcome: await outcome(subscribe, 1000), events: events.slice(since) }`,
            )
            expect(outcome).toEqual({ status: 'pending' })
            expect(events).toEqual([{ name: 'disconnection', error_name: 'AWS_ERROR_MQTT5_DISCONNECT_RECEIVED', reasonCode: 129 }])
            return
          }
          const client = await connect()
          const events = recordEvents(client)
          const outcome = await outcomeWithin(client.subscribe({ subscriptions: [{ topicFilter, qos: 1 }], subscriptionIdentifier: 0 }), 1000)
          expect(outcome.status).toBe('rejected')
          expectCrtError((outcome as { reason: unknown }).reason, 'AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION')
          expect(await resolved(client.subscribe({ subscriptions: [{ topicFilter, qos: 1 }], subscriptionIdentifier: 1 }))).toEqual({
            type: 9,
            reasonCodes: [1],
            userProperties: [],
          })
          expect(events).toEqual([])
        },
      )

      test(
        impl.crt
          ? 'operations after close(): aws-crt\'s publishes (QoS 1 and 0), subscribe and unsubscribe are all still pending after 1 s'
          : 'operations after close() reject at once with a CrtError AWS_ERROR_MQTT5_CLIENT_TERMINATED',
        async () => {
          const topic = uniqueTopic('m5closed')
          if (impl.crt) {
            const outcomes = await awsCrtInChild<ReportedOutcome[]>(
              configFor(broker),
              `await connect()
               await new Promise((resolve) => { client.once('stopped', resolve); client.stop() })
               client.close()
               const topic = ${JSON.stringify(topic)}
               return Promise.all([
                 client.publish({ topicName: topic, qos: 1, payload: 'x' }),
                 client.subscribe({ subscriptions: [{ topicFilter: topic, qos: 1 }] }),
                 client.unsubscribe({ topicFilters: [topic] }),
                 client.publish({ topicName: topic, qos: 0, payload: 'x' }),
               ].map((operation) => outcome(operation, 1000)))`,
            )
            expect(outcomes).toEqual([{ status: 'pending' }, { status: 'pending' }, { status: 'pending' }, { status: 'pending' }])
            return
          }
          const client = await connect()
          await stopClient(client)
          client.close()
          const operations: Array<Promise<unknown>> = [
            client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload: 'x' }),
            client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] }),
            client.unsubscribe({ topicFilters: [topic] }),
            client.publish({ topicName: topic, qos: QoS.AtMostOnce, payload: 'x' }),
          ]
          for (const operation of operations) {
            const outcome = await outcomeWithin(operation, 1000)
            expect(outcome.status).toBe('rejected')
            expectCrtError((outcome as { reason: unknown }).reason, 'AWS_ERROR_MQTT5_CLIENT_TERMINATED')
          }
        },
      )

      test(
        impl.crt
          ? 'minReconnectDelayMs above maxReconnectDelayMs: aws-crt accepts it'
          : 'minReconnectDelayMs above maxReconnectDelayMs is a RangeError at construction',
        () => {
          const make = () => newClient(impl, configFor(broker, { minReconnectDelayMs: 5000, maxReconnectDelayMs: 100 }))
          if (impl.crt) expect(make).not.toThrow()
          else expect(make).toThrow(RangeError)
          if (!impl.crt) expect(make).toThrow(/minReconnectDelayMs/)
        },
      )

      test(
        impl.crt
          ? 'stop() with a serverReference: aws-crt accepts it and stops'
          : 'stop() with a serverReference is a TypeError (only a server sends one); the client stays connected',
        async () => {
          const client = await connect()
          const events = recordEvents(client)
          const packet = { reasonCode: 0, serverReference: 'elsewhere' } as mqtt5.DisconnectPacket
          if (impl.crt) {
            const stopped = once(client, 'stopped', 5000)
            expect(thrownBy(() => client.stop(packet))).toBeUndefined()
            await stopped
            return
          }
          expect(() => client.stop(packet)).toThrow(TypeError)
          await expectStillConnected(client, events)
        },
      )

      test(
        impl.crt
          ? 'stop({ reasonCode: 3 }) (not a client\'s reason code) throws a plain Error; the client stays connected'
          : 'stop({ reasonCode: 3 }) (not a client\'s reason code) throws a RangeError; the client stays connected',
        async () => {
          const client = await connect()
          const events = recordEvents(client)
          const error = thrownBy(() => client.stop({ reasonCode: 3 as mqtt5.DisconnectReasonCode }))
          if (impl.crt) {
            expect(kindOf(error)).toBe('Error')
            expect(error.message).toMatch(/AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION/)
          } else {
            expect(error).toBeInstanceOf(RangeError)
            expect(error.message).toMatch(/reasonCode/)
          }
          await expectStillConnected(client, events)
        },
      )

      test(
        impl.crt
          ? 'Manual topic alias above mosquitto\'s maximum (10): aws-crt drops the link (AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE) and the publish is still pending after 1 s'
          : 'Manual topic alias above mosquitto\'s maximum (10) rejects with a CrtError AWS_ERROR_MQTT5_INVALID_OUTBOUND_TOPIC_ALIAS; the link stays up',
        async () => {
          const topicName = uniqueTopic('m5alias')
          const topicAliasingOptions = { outboundBehavior: impl.mqtt5.OutboundTopicAliasBehaviorType.Manual }
          if (impl.crt) {
            const { outcome, events } = await awsCrtInChild<{ outcome: ReportedOutcome; events: ReportedEvent[] }>(
              configFor(broker, { ...SLOW_RECONNECT, topicAliasingOptions }),
              `await connect()
               const since = events.length
               const publish = client.publish({ topicName: ${JSON.stringify(topicName)}, qos: 1, payload: 'x', topicAlias: 11 })
               return { outcome: await outcome(publish, 1000), events: events.slice(since) }`,
            )
            expect(outcome).toEqual({ status: 'pending' })
            expect(events).toEqual([{ name: 'disconnection', error_name: 'AWS_ERROR_MQTT5_OPERATION_PROCESSING_FAILURE' }])
            return
          }
          const client = await connect({ topicAliasingOptions })
          const events = recordEvents(client)
          for (const qos of [QoS.AtLeastOnce, QoS.AtMostOnce]) {
            const outcome = await outcomeWithin(client.publish({ topicName, qos, payload: 'x', topicAlias: 11 }), 1000)
            expect(outcome.status).toBe('rejected')
            expectCrtError((outcome as { reason: unknown }).reason, 'AWS_ERROR_MQTT5_INVALID_OUTBOUND_TOPIC_ALIAS')
          }
          expect(await resolved(client.publish({ topicName, qos: QoS.AtLeastOnce, payload: 'x', topicAlias: 10 }))).toEqual(puback(16))
          expect(events).toEqual([])
        },
      )
      test.each([
        ['never started, then closed', false],
        ['started, connected, stopped, then closed', true],
      ])(
        impl.crt
          ? 'a client %s: aws-crt\'s keeps Node running (the process is still there after 3 s)'
          : 'a client %s: Node exits by itself',
        async (_, started) => {
          const script = `
            process.env.AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING = '1'
            const { mqtt5 } = require(${JSON.stringify(impl.crt ? 'aws-crt' : './index.js')})
            const client = new mqtt5.Mqtt5Client(${JSON.stringify(configFor(broker))})
            const close = () => { client.close(); process.stdout.write('closed\\n') }
            if (${started}) {
              client.on('connectionSuccess', () => client.stop())
              client.on('stopped', close)
              client.start()
            } else close()`
          const run = await runNode(['-e', script], impl.crt ? 3000 : 10000)
          expect(run.stdout).toBe('closed\n')
          if (impl.crt) {
            expect(run.timedOut).toBe(true)
          } else {
            expect(run.timedOut).toBe(false)
            expect(run.code).toBe(0)
          }
        },
      )
    })

    // ------------------------------------------------------------------
    describe('reconnection', () => {
      test('the broker goes away and comes back: disconnection (a CrtError), attemptingConnect, then connectionSuccess again, with nothing done by the application', async () => {
        const restartable = await startPersistentMosquitto()
        restartables.push(restartable)
        const client = newClient(impl, configFor(restartable, FAST_RECONNECT))
        const events = recordEvents(client)
        const first = nextConnection(client)
        client.start()
        await first
        await restartable.kill()
        await waitFor(() => events.some((e) => e.name === 'disconnection'), 5000, 'disconnection')
        await waitFor(() => namesOf(events).lastIndexOf('attemptingConnect') > namesOf(events).indexOf('disconnection'), 5000, 'a new attempt')
        const again = nextConnection(client, 15000)
        await restartable.start()
        await again
        const names = namesOf(events)
        expect(names.slice(0, 4)).toEqual(['attemptingConnect', 'connectionSuccess', 'disconnection', 'attemptingConnect'])
        expect(names[names.length - 1]).toBe('connectionSuccess')
        // In between, only failed attempts and new ones.
        expect(names.slice(4, -1).every((name) => name === 'connectionFailure' || name === 'attemptingConnect')).toBe(true)
        // mosquitto 2.0.11 just closes its sockets when it is terminated.
        const disconnection = events[2].payload as DisconnectionEvent
        expectImplementationCrtError(impl, disconnection.error)
        expect(['AWS_IO_SOCKET_CLOSED', 'AWS_ERROR_MQTT5_DISCONNECT_RECEIVED']).toContain(disconnection.error.error_name)
        // While it is away, its port refuses.
        for (const failure of events.filter((e) => e.name === 'connectionFailure')) {
          expectImplementationCrtError(impl, failure.payload.error, 'AWS_IO_SOCKET_CONNECTION_REFUSED')
        }
        // And the connection works.
        expect(await resolved(client.publish({ topicName: uniqueTopic('m5back'), qos: QoS.AtLeastOnce, payload: 'x' }))).toEqual(puback(16))
      })
    })
  })
})

// ----------------------------------------------------------------------
describe('mqtt5.Mqtt5Client over TLS and WebSockets with mosquitto', () => {
  if (!mosquittoOrFailure()) return

  let certs: Certs
  let transports: TransportBroker
  beforeAll(async () => {
    certs = makeCerts()
    transports = await startTransportBroker('mosquitto', certs)
  }, 60000)
  afterAll(async () => {
    await transports?.stop()
    removeCerts()
  })

  describe.each(implementations)('$name', (impl: Implementation) => {
    const { QoS } = impl.mqtt5

    /** A TLS context of this implementation that trusts the test CA. */
    function trustingContext() {
      const options = new impl.io.TlsContextOptions()
      options.override_default_trust_store_from_path(undefined, certs.caPath)
      return new impl.io.ClientTlsContext(options)
    }

    function listener(name: 'tls' | 'ws' | 'wss') {
      const found = transports.listeners[name]
      if (!found) throw new Error(`mosquitto has no ${name} listener`)
      return found
    }

    /** Connects with `overrides` to `name`'s listener and round trips a QoS 1 message. */
    async function roundTrip(name: 'tls' | 'ws' | 'wss', overrides: Partial<Config>): Promise<void> {
      const { client } = await connectedClient(impl, configFor(listener(name), overrides))
      const topic = uniqueTopic(`m5${name}`)
      await resolved(client.subscribe({ subscriptions: [{ topicFilter: topic, qos: QoS.AtLeastOnce }] }), 10000)
      const arrival = nextMessage(client, topic, 10000)
      const payload = Buffer.from(`over ${name}`)
      expect(await resolved(client.publish({ topicName: topic, qos: QoS.AtLeastOnce, payload }), 10000)).toEqual(puback(0))
      expect(bytesOf((await arrival).message.payload).equals(payload)).toBe(true)
    }

    test('TLS with an io.ClientTlsContext trusting the test CA: connects and round trips a message', async () => {
      await roundTrip('tls', { tlsCtx: trustingContext() })
    })

    test('WebSocket with websocketHandshakeTransform (done()): the transform is called, and a message round trips', async () => {
      let calls = 0
      await roundTrip('ws', {
        websocketHandshakeTransform: (_request, done) => {
          calls += 1
          done()
        },
      })
      expect(calls).toBe(1)
    })

    test('WebSocket over TLS (tlsCtx and websocketHandshakeTransform): a message round trips', async () => {
      await roundTrip('wss', { tlsCtx: trustingContext(), websocketHandshakeTransform: (_request, done) => done() })
    })
  })
})
