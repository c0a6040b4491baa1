/**
 * The MQTT.js dialect across a broker-side drop: the events and their order,
 * the `reconnecting` flag, subscriptions restored (resubscribe), publishes
 * and subscribes made while offline, and `reconnectPeriod: 0`. A relay sits
 * between the client and the broker; `cut()` drops the link like the broker
 * would. Every test runs with MQTT.js itself and with mqtt-napi's dialect,
 * against aedes and mosquitto, over TCP, TLS and WebSockets. Reconnect timing is never asserted: mqtt-napi
 * waits with backoff and jitter where MQTT.js waits a fixed reconnectPeriod.
 */
import fs from 'fs'
import { availableBrokers, startTransportBroker, TransportBroker } from '../support/brokers/brokers'
import { makeCerts, removeCerts } from '../support/certs'
import { Relay, startRelay, startRelayOn } from '../support/brokers/relay'
import {
  connected,
  DialectClient,
  dialects,
  TRANSPORTS,
  endAllClients,
  IClientOptions,
  inbox,
  publishUntilReceived,
  recordEvents,
  reference,
  urlOf,
} from '../support/dialect'
import { once, sleep, uniqueTopic, waitFor, within } from '../support/helpers'

const kinds = availableBrokers()
const certs = makeCerts()
const ca = fs.readFileSync(certs.caPath)

afterEach(endAllClients)
afterAll(removeCerts)

describe.each(kinds)('reconnecting with %s', (kind) => {
  let broker: TransportBroker
  beforeAll(async () => {
    broker = await startTransportBroker(kind, certs)
  }, 60000)
  afterAll(async () => {
    await broker?.stop()
  })

  describe.each(TRANSPORTS)('over %s', (scheme, listener) => {
    let relay: Relay | undefined
    beforeEach(async () => {
      relay = await startRelay(broker.listeners[listener]!)
    })
    afterEach(async () => {
      await relay?.close()
      relay = undefined
    })
    /** The client under test reaches the broker through the relay. */
    const viaRelay = (dialect: DialectClient, options: IClientOptions) => connected(dialect, urlOf(relay!, scheme), { ca, ...options })
    /** Watchers and publishers reach it directly. */
    const direct = () => connected(reference, urlOf(broker.listeners.tcp!))

    describe.each(dialects)('$name', (dialect) => {
      test('a broker-side drop emits offline, close, reconnect, connect; reconnecting is true in between', async () => {
        const { client } = await viaRelay(dialect, { reconnectPeriod: 100 })
        const events = recordEvents(client, ['offline', 'close', 'reconnect', 'connect'])
        // Not read inside 'offline': MQTT.js sets reconnecting just after emitting it.
        const reconnecting: boolean[] = []
        client.on('close', () => reconnecting.push(client.reconnecting))
        client.on('reconnect', () => reconnecting.push(client.reconnecting))
        relay!.cut()
        await once(client, 'connect')
        expect(events).toEqual(['offline', 'close', 'reconnect', 'connect'])
        expect(reconnecting).toEqual([true, true])
        expect(client.reconnecting).toBe(false)
        expect(client.connected).toBe(true)
      })

      test('resubscribe: after a drop the clean session is subscribed again without the app asking', async () => {
        const topic = uniqueTopic('resub')
        const { client } = await viaRelay(dialect, { reconnectPeriod: 100, clean: true })
        await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const received = inbox(client)
        relay!.cut()
        await once(client, 'connect')
        // The broker forgot the clean session's subscription; only the client restores it.
        const { client: publisher } = await direct()
        const message = await publishUntilReceived(publisher, received, topic, 'after the drop')
        expect(message.payload.toString()).toBe('after the drop')
      })

      test('while the link is down, QoS 0 and 1 publishes and a subscribe wait, and take effect when it returns', async () => {
        const base = uniqueTopic('offline')
        const { client: watcher } = await direct()
        await within(watcher.subscribeAsync(`${base}/#`, { qos: 1 }), 5000, 'subscribe')
        const seen = inbox(watcher)
        const { client } = await viaRelay(dialect, { reconnectPeriod: 100 })
        const received = inbox(client)

        // Closing the relay drops the link and refuses every reconnect until it is back.
        const port = relay!.port
        const offline = once(client, 'offline')
        await relay!.close()
        relay = undefined
        await offline
        expect(client.connected).toBe(false)

        const callbacks: string[] = []
        client.publish(`${base}/qos0`, 'zero', { qos: 0 }, (error) => callbacks.push(error ? `qos0: ${error.message}` : 'qos0 ok'))
        client.publish(`${base}/qos1`, 'one', { qos: 1 }, (error) => callbacks.push(error ? `qos1: ${error.message}` : 'qos1 ok'))
        const subscribedOffline = uniqueTopic('offline-sub')
        // Its callback is not checked: MQTT.js calls it back with "Connection
        // closed" when a reconnect attempt fails meanwhile, yet still sends it.
        client.subscribe(subscribedOffline, { qos: 1 })
        await once(client, 'reconnect') // an attempt fails against the closed relay; the queue stays

        const back = once(client, 'connect')
        relay = await startRelayOn(port)
        await back
        await waitFor(() => seen.length === 2, 5000, 'the queued publishes at the watcher')
        expect(seen.map((m) => [m.topic, m.payload.toString()]).sort()).toEqual([
          [`${base}/qos0`, 'zero'],
          [`${base}/qos1`, 'one'],
        ])
        await waitFor(() => callbacks.length === 2, 5000, 'both publish callbacks')
        expect(callbacks.sort()).toEqual(['qos0 ok', 'qos1 ok'])
        const message = await publishUntilReceived(watcher, received, subscribedOffline, 'subscribed while offline')
        expect(message.payload.toString()).toBe('subscribed while offline')
      })

      test('reconnectPeriod 0: a broker-side drop closes the client for good', async () => {
        const { client } = await viaRelay(dialect, { reconnectPeriod: 0 })
        const events = recordEvents(client, ['offline', 'close', 'reconnect', 'connect'])
        relay!.cut()
        await once(client, 'close')
        await sleep(500) // to show that no reconnect follows
        // MQTT.js emits no offline either: it goes offline only to reconnect.
        expect(events).toEqual(['close'])
        expect(client.connected).toBe(false)
        expect(relay!.active).toBe(0)
      })
    })
  })
})
