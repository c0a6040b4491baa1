/**
 * Support for the MQTT.js-dialect suites (dialect-*.test.ts): the table of
 * clients every behaviour runs with (MQTT.js itself, and mqtt-napi's
 * `connect`/`connectAsync`), a tracker that ends every client a test made,
 * small event helpers, and brokers that refuse a subscription.
 */
import mqtt, { IClientOptions, IConnackPacket, IPublishPacket, MqttClient } from 'mqtt'
import * as mqttNapi from '../../index'
import { ListenerName } from './brokers/brokers'
import { freePort } from './ports'
import { waitFor, within } from './helpers'

export type { IClientOptions, IConnackPacket, IPublishPacket, MqttClient }

/** One client implementation of the MQTT.js API. */
export interface DialectClient {
  name: 'MQTT.js' | 'mqtt-napi'
  connect: typeof mqtt.connect
  connectAsync: typeof mqtt.connectAsync
}

/** Every client a test made and has not ended yet; `endAllClients` ends them. */
const live = new Set<MqttClient>()

/** Keeps `client` for `endAllClients` and returns it. */
export function track<T extends MqttClient>(client: T): T {
  live.add(client)
  return client
}

/** `lib`'s connect and connectAsync, with every client they return tracked. */
function dialect(name: DialectClient['name'], lib: Pick<DialectClient, 'connect' | 'connectAsync'>): DialectClient {
  const connect = ((...args: Parameters<typeof mqtt.connect>) => track(lib.connect(...args))) as typeof mqtt.connect
  const connectAsync = (async (...args: Parameters<typeof mqtt.connectAsync>) =>
    track(await lib.connectAsync(...args))) as typeof mqtt.connectAsync
  return { name, connect, connectAsync }
}

/** The clients every dialect test runs with. */
export const dialects: DialectClient[] = [
  dialect('MQTT.js', mqtt),
  // mqtt-napi's clients are typed as MQTT.js's: the suite is one text for both.
  dialect('mqtt-napi', mqttNapi as unknown as Pick<DialectClient, 'connect' | 'connectAsync'>),
]

/**
 * The transports a behaviour runs over: URL scheme and the transport broker's
 * listener (`startTransportBroker`; TLS with the test CA as `ca`).
 */
export const TRANSPORTS: Array<[string, ListenerName]> = [
  ['mqtt', 'tcp'],
  ['mqtts', 'tls'],
  ['ws', 'ws'],
]

/** MQTT.js, for the clients that watch or feed a broker around the client under test. */
export const reference = dialects[0]

/**
 * Ends (forcibly) every client the test made, so nothing keeps reconnecting
 * or holds the process open. Call from afterEach. A client whose end() does
 * not call back fails the test.
 */
export async function endAllClients(): Promise<void> {
  const clients = [...live]
  live.clear()
  const results = await Promise.allSettled(
    clients.map((client) =>
      within(new Promise<void>((resolve) => client.end(true, () => resolve())), 5000, 'end(true) in cleanup'),
    ),
  )
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length > 0) throw new Error(`${failed.length} client(s) did not end: ${failed[0].reason}`)
}

/** `mqtt://127.0.0.1:<port>` (or another scheme) for a broker, relay or listener. */
export function urlOf(endpoint: { port: number }, scheme = 'mqtt'): string {
  return `${scheme}://127.0.0.1:${endpoint.port}`
}

/** Options that keep tests fast: quick reconnects. */
export const FAST: IClientOptions = { reconnectPeriod: 200 }

/**
 * A client of `dialect` connected to `url`: resolves with it and its CONNACK
 * once `connect` fires; rejects on the first `error` or after 5 s.
 */
export async function connected(
  dialect: DialectClient,
  url: string,
  options: IClientOptions = {},
): Promise<{ client: MqttClient; connack: IConnackPacket }> {
  const client = dialect.connect(url, { ...FAST, ...options })
  const connack = await firstConnect(client)
  return { client, connack }
}

/** The CONNACK of `client`'s next `connect`; rejects on an `error` first, or after `timeoutMs`. */
export function firstConnect(client: MqttClient, timeoutMs = 5000): Promise<IConnackPacket> {
  return new Promise<IConnackPacket>((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer)
      client.removeListener('connect', onConnect)
      client.removeListener('error', onError)
    }
    const onConnect = (connack: IConnackPacket) => {
      settle()
      resolve(connack)
    }
    const onError = (error: Error) => {
      settle()
      reject(error)
    }
    const timer = setTimeout(() => {
      settle()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for 'connect'`))
    }, timeoutMs)
    client.on('connect', onConnect)
    client.on('error', onError)
  })
}

/** A received message as the `message` event gives it. */
export interface Message {
  topic: string
  payload: Buffer
  packet: IPublishPacket
}

/** Every message `client` receives from now on, in arrival order. */
export function inbox(client: MqttClient): Message[] {
  const messages: Message[] = []
  client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => messages.push({ topic, payload, packet }))
  return messages
}

/** Resolves with the next message on `topic`; rejects after `timeoutMs`. */
export function nextMessage(client: MqttClient, topic: string, timeoutMs = 5000): Promise<Message> {
  return new Promise<Message>((resolve, reject) => {
    const listener = (t: string, payload: Buffer, packet: IPublishPacket) => {
      if (t !== topic) return
      clearTimeout(timer)
      client.removeListener('message', listener)
      resolve({ topic: t, payload, packet })
    }
    const timer = setTimeout(() => {
      client.removeListener('message', listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a message on ${topic}`))
    }, timeoutMs)
    client.on('message', listener)
  })
}

/**
 * Waits until `messages` holds one on `topic`, publishing `payload` there
 * from `publisher` every 100 ms meanwhile: for a subscription that is being
 * restored, whose SUBSCRIBE may reach the broker after a first PUBLISH.
 */
export async function publishUntilReceived(
  publisher: MqttClient,
  messages: Message[],
  topic: string,
  payload: string,
  timeoutMs = 5000,
): Promise<Message> {
  const arrived = () => messages.find((m) => m.topic === topic)
  const timer = setInterval(() => publisher.publish(topic, payload, { qos: 0 }), 100)
  try {
    publisher.publish(topic, payload, { qos: 0 })
    await waitFor(() => arrived() !== undefined, timeoutMs, `a message on ${topic}`)
  } finally {
    clearInterval(timer)
  }
  return arrived()!
}

/** The client lifecycle events, in emission order (error as `error`). */
export const LIFECYCLE_EVENTS = ['connect', 'reconnect', 'close', 'offline', 'end', 'error'] as const

/** Records the names of `events` as `client` emits them. */
export function recordEvents(client: MqttClient, events: readonly string[] = LIFECYCLE_EVENTS): string[] {
  const seen: string[] = []
  for (const name of events) client.on(name as 'connect', () => seen.push(name))
  return seen
}

/** The callback arguments of a Node-style call, as a promise (never rejects). */
export function callbackOf<A extends unknown[]>(start: (cb: (...args: A) => void) => unknown, timeoutMs = 5000): Promise<A> {
  return within(new Promise<A>((resolve) => start((...args: A) => resolve(args))), timeoutMs, 'the callback')
}

/** A loopback port nothing listens on (a connection there is refused). */
export const refusedPort = freePort

/** Topics under this prefix may not be subscribed to on a broker started with it as `refuseSubscriptionsUnder`. */
export const REFUSED_PREFIX = 'mqtt-napi/refused'

