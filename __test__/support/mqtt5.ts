/**
 * Support for the suites of the `mqtt5` module (aws-crt's `Mqtt5Client`):
 * the table of implementations every behaviour runs with (aws-crt's own
 * `mqtt5.Mqtt5Client`, and mqtt-napi's), a tracker that stops and closes
 * every client a test made, an event recorder, aws-crt in a child process,
 * and helpers for events, messages and promise outcomes. (The packet tap the
 * scripted suite puts in front of its broker is broker side:
 * brokers/packet-tap.)
 *
 * aws-crt's Mqtt5Client keeps Node running for ever, even stopped and closed,
 * until its JS object is garbage collected (close() only drops the native
 * side's references to it): every suite that makes clients ends them after
 * each test (`endAllClients`) and calls `releaseClients` from afterAll, which
 * closes what is left and collects garbage, so that jest can exit.
 *
 * ```ts
 * afterEach(endAllClients)
 * afterAll(releaseClients)
 * const c = newRecordedClient(impl, configFor(broker))
 * const { connack, settings } = await c.connect()
 * ```
 */
import v8 from 'v8'
import vm from 'vm'
import { CrtError, io as napiIo, mqtt5 as napiMqtt5 } from '../../index'
import { once, sleep, uniqueId, waitFor, within } from './helpers'
import { describeRun, runNode } from './node-process'

// aws-crt warns about Node versions below 22 when it loads, unless told not
// to; it is a devDependency loaded for comparison only.
process.env.AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const awsCrt = require('aws-crt') as typeof import('aws-crt')

export { CrtError }
export type Mqtt5 = typeof napiMqtt5
export type Client = napiMqtt5.Mqtt5Client
export type Config = napiMqtt5.Mqtt5ClientConfig
export type ConnectPacket = napiMqtt5.ConnectPacket
export type PublishPacket = napiMqtt5.PublishPacket
export type ConnackPacket = napiMqtt5.ConnackPacket
export type NegotiatedSettings = napiMqtt5.NegotiatedSettings
export type MessageReceivedEvent = napiMqtt5.MessageReceivedEvent
export type DisconnectionEvent = napiMqtt5.DisconnectionEvent
export type ConnectionSuccessEvent = napiMqtt5.ConnectionSuccessEvent
export type ConnectionFailureEvent = napiMqtt5.ConnectionFailureEvent

/** One implementation of aws-crt's `mqtt5` API. */
export interface Implementation {
  name: 'aws-crt' | 'mqtt-napi'
  /** True for aws-crt itself: the reference whose (different) behaviour some tests assert. */
  crt: boolean
  /** The `mqtt5` namespace (aws-crt's typed as mqtt-napi's: its declarations are meant to be the same). */
  mqtt5: Mqtt5
  /** The `io` namespace of the same package (a TLS context works with its own package's client only). */
  io: typeof napiIo
}

/** The implementations every behaviour runs with. */
export const implementations: Implementation[] = [
  { name: 'aws-crt', crt: true, mqtt5: awsCrt.mqtt5 as unknown as Mqtt5, io: awsCrt.io as unknown as typeof napiIo },
  { name: 'mqtt-napi', crt: false, mqtt5: napiMqtt5, io: napiIo },
]

/** mqtt-napi's entry of `implementations`. */
export const mqttNapi = implementations[1]

interface Tracked {
  client: Client
  /** start() was called and no `stopped` came since. */
  running: boolean
  closed: boolean
}

/** Every client a test made that `endAllClients` has not ended yet. */
const live = new Set<Tracked>()

/**
 * A new client of `impl` with `config`, tracked: `endAllClients` stops it
 * (if it was started) and closes it.
 */
export function newClient(impl: Implementation, config: Config): Client {
  const client = new impl.mqtt5.Mqtt5Client(config)
  const entry: Tracked = { client, running: false, closed: false }
  live.add(entry)
  const start = client.start.bind(client)
  client.start = () => {
    start()
    entry.running = true
  }
  const close = client.close.bind(client)
  client.close = () => {
    entry.closed = true
    close()
  }
  client.on('stopped', () => {
    entry.running = false
  })
  // An `error` event without a listener would throw out of the emitter.
  client.on('error', () => undefined)
  return client
}

/**
 * Stops every client a test made (waiting for `stopped`, at most 5 s each),
 * then closes it. Call from afterEach. A client that does not stop fails the
 * test (and is closed all the same).
 */
export async function endAllClients(): Promise<void> {
  const entries = [...live]
  live.clear()
  const results = await Promise.allSettled(
    entries.map(async (entry) => {
      try {
        if (entry.running) await stopClient(entry.client)
      } finally {
        if (!entry.closed) entry.client.close()
      }
    }),
  )
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length > 0) throw new Error(`${failed.length} client(s) did not stop: ${failed[0].reason}`)
}

/**
 * Ends what is left, then collects garbage a few times, so that the closed
 * aws-crt clients are finalized and release what keeps Node running. Call
 * from afterAll.
 */
export async function releaseClients(): Promise<void> {
  await endAllClients()
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  for (let i = 0; i < 3; i++) {
    gc()
    await sleep(50)
  }
}

/** A client id unique to this run, for a test's clients. */
export const clientId = () => uniqueId('m5')

/**
 * A config for `endpoint`: no metrics, keep alive 60 s and a unique client
 * id in connectProperties, with `connect` over them, and `overrides` for the
 * rest.
 */
export function configFor(
  endpoint: { host: string; port: number },
  overrides: Partial<Config> = {},
  connect: Partial<ConnectPacket> = {},
): Config {
  return {
    hostName: endpoint.host,
    port: endpoint.port,
    // aws-crt otherwise appends its SDK metrics to the user name: a client
    // with a user name falls outside the anonymous ACL of a broker that has
    // one (mosquitto then refuses its every publish and delivery).
    disableMetrics: true,
    ...overrides,
    connectProperties: { keepAliveIntervalSeconds: 60, clientId: clientId(), ...overrides.connectProperties, ...connect },
  }
}

/** What `connectionSuccess` brought, with the client. */
export interface Connected {
  client: Client
  connack: ConnackPacket
  settings: NegotiatedSettings
}

/** The next `connectionSuccess` of `client`; rejects after `timeoutMs`. */
export async function nextConnection(client: Client, timeoutMs = 10000): Promise<ConnectionSuccessEvent> {
  const [event] = await once<[ConnectionSuccessEvent]>(client, 'connectionSuccess', timeoutMs)
  return event
}

/** A new client of `impl` with `config`, started; resolves once it is connected. */
export async function connectedClient(impl: Implementation, config: Config): Promise<Connected> {
  const client = newClient(impl, config)
  const success = nextConnection(client)
  client.start()
  const { connack, settings } = await success
  return { client, connack, settings }
}

/** Stops `client` and resolves on `stopped` (at most 5 s). */
export async function stopClient(client: Client, packet?: napiMqtt5.DisconnectPacket): Promise<void> {
  const stopped = once(client, 'stopped', 5000)
  client.stop(packet)
  await stopped
}

/** The lifecycle events of an Mqtt5Client. */
export const LIFECYCLE_EVENTS = ['attemptingConnect', 'connectionSuccess', 'connectionFailure', 'disconnection', 'stopped'] as const
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number]

/** Every event of an Mqtt5Client. */
export const CLIENT_EVENTS = [...LIFECYCLE_EVENTS, 'messageReceived', 'error'] as const
export type ClientEvent = (typeof CLIENT_EVENTS)[number]

/** What each event is emitted with. */
export interface ClientEventData {
  attemptingConnect: napiMqtt5.AttemptingConnectEvent
  connectionSuccess: ConnectionSuccessEvent
  connectionFailure: ConnectionFailureEvent
  disconnection: DisconnectionEvent
  stopped: napiMqtt5.StoppedEvent
  messageReceived: MessageReceivedEvent
  error: Error
}

/** An event as recorded: its name and its argument. */
export interface RecordedEvent {
  name: ClientEvent
  payload: any
}

/** Every `names` event (the lifecycle events unless told) `client` emits from now on, with its argument, in order. */
export function recordEvents(client: Client, names: readonly ClientEvent[] = LIFECYCLE_EVENTS): RecordedEvent[] {
  const seen: RecordedEvent[] = []
  for (const name of names) client.on(name as 'stopped', (payload: unknown) => seen.push({ name, payload }))
  return seen
}

/** A client with every event it emitted since it was made (see `newRecordedClient`). */
export class RecordedClient {
  readonly events: RecordedEvent[]

  constructor(
    readonly impl: Implementation,
    readonly client: Client,
  ) {
    this.events = recordEvents(client, CLIENT_EVENTS)
  }

  start(): void {
    this.client.start()
  }

  /** The names of the events so far, in order. */
  names(): ClientEvent[] {
    return this.events.map((e) => e.name)
  }

  /** The argument of every `name` event so far. */
  of<N extends ClientEvent>(name: N): Array<ClientEventData[N]> {
    return this.events.filter((e) => e.name === name).map((e) => e.payload)
  }

  count(name: ClientEvent): number {
    return this.of(name).length
  }

  /** The argument of the `n`th `name` event (1 for the first), once it has come; rejects after `timeoutMs`. */
  async next<N extends ClientEvent>(name: N, n = 1, timeoutMs = 5000): Promise<ClientEventData[N]> {
    await waitFor(() => this.count(name) >= n, timeoutMs, `${this.impl.name}: '${name}' #${n}`)
    return this.of(name)[n - 1]
  }

  /** Starts the client and resolves the first connectionSuccess. */
  async connect(timeoutMs = 5000): Promise<ConnectionSuccessEvent> {
    this.start()
    return this.next('connectionSuccess', 1, timeoutMs)
  }
}

/** A new client of `impl` with `config`, tracked (see `newClient`), its every event recorded. */
export function newRecordedClient(impl: Implementation, config: Config): RecordedClient {
  return new RecordedClient(impl, newClient(impl, config))
}

/** Every `messageReceived` event of `client` from now on, in arrival order. */
export function inbox(client: Client): MessageReceivedEvent[] {
  const events: MessageReceivedEvent[] = []
  client.on('messageReceived', (event) => events.push(event))
  return events
}

/** The next `messageReceived` event of `client` on `topic`; rejects after `timeoutMs`. */
export function nextMessage(client: Client, topic: string, timeoutMs = 5000): Promise<MessageReceivedEvent> {
  return new Promise((resolve, reject) => {
    const listener = (event: MessageReceivedEvent) => {
      if (event.message.topicName !== topic) return
      clearTimeout(timer)
      client.removeListener('messageReceived', listener)
      resolve(event)
    }
    const timer = setTimeout(() => {
      client.removeListener('messageReceived', listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a message on ${topic}`))
    }, timeoutMs)
    client.on('messageReceived', listener)
  })
}

/**
 * The bytes of a received payload (or correlation data). aws-crt hands out a
 * zero-length payload as a detached ArrayBuffer, which no view can be made
 * of: its byteLength is 0, so it reads as empty here (a test that wants to
 * show the difference checks `new Uint8Array(payload)` itself).
 */
export function bytesOf(data: unknown): Buffer {
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
    const buffer = data as ArrayBuffer
    return buffer.byteLength === 0 ? Buffer.alloc(0) : Buffer.from(buffer)
  }
  throw new Error(`expected an ArrayBuffer, got ${Object.prototype.toString.call(data)}`)
}

/** A received payload as UTF-8 text. */
export function textOf(data: unknown): string {
  return bytesOf(data).toString('utf8')
}

/** The payloads of `events` as text, in order. */
export function textsOf(events: MessageReceivedEvent[]): string[] {
  return events.map((e) => textOf(e.message.payload))
}

/** Whether `value` is an ArrayBuffer (of this realm or Node's main one: aws-crt's come from there). */
export function isArrayBuffer(value: unknown): boolean {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]'
}

/** How a promise stood after a while. */
export type Outcome<T> =
  | { status: 'resolved'; value: T }
  | { status: 'rejected'; reason: any }
  | { status: 'pending' }

/** What became of `promise` within `timeoutMs` (it is still handled if it settles later). */
export function outcomeWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout
  const pending = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'pending' }), timeoutMs)
  })
  const settled = promise.then(
    (value): Outcome<T> => ({ status: 'resolved', value }),
    (reason): Outcome<T> => ({ status: 'rejected', reason }),
  )
  return Promise.race([settled, pending]).finally(() => clearTimeout(timer))
}

/** The reason `promise` rejected with; fails if it resolved or did not settle within `timeoutMs`. */
export async function rejectionOf(promise: Promise<unknown>, timeoutMs = 5000): Promise<any> {
  const outcome = await outcomeWithin(promise, timeoutMs)
  if (outcome.status === 'rejected') return outcome.reason
  if (outcome.status === 'resolved') throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`)
  throw new Error(`expected a rejection, the promise was still pending after ${timeoutMs} ms`)
}

/** What `promise` resolved with; fails if it rejected or did not settle within `timeoutMs`. */
export function resolved<T>(promise: Promise<T>, timeoutMs = 5000, what = 'the operation'): Promise<T> {
  return within(promise, timeoutMs, what)
}

/** The thrown value of `fn`, or undefined when it returned. */
export function thrownBy(fn: () => unknown): any {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

/** The constructor name of an error (errors of another realm fail `instanceof` under jest). */
export function kindOf(error: unknown): string {
  return typeof error === 'object' && error !== null ? (error as object).constructor.name : typeof error
}

/**
 * Checks that `reason` is a CrtError of this package: an Error with
 * `error_code` (a number) and `error_name` `name`.
 */
export function expectCrtError(reason: unknown, name: string): void {
  expect(reason).toBeInstanceOf(CrtError)
  expect(reason).toBeInstanceOf(Error)
  expect(reason).toMatchObject({ error_name: name })
  expect(typeof (reason as CrtError).error_code).toBe('number')
}

/**
 * Checks that `error` is a CrtError of its implementation (aws-crt's is its
 * own class, from Node's main realm) with `error_name` `name` (any name when
 * not given) and a numeric `error_code`.
 */
export function expectImplementationCrtError(impl: Implementation, error: unknown, name?: string): void {
  if (impl.crt) expect(kindOf(error)).toBe('CrtError')
  else expect(error).toBeInstanceOf(CrtError)
  const { error_name, error_code } = error as CrtError
  expect(typeof error_name).toBe('string')
  expect(typeof error_code).toBe('number')
  if (name !== undefined) expect(error_name).toBe(name)
}

/**
 * aws-crt's rejection by a check in its C client: not an Error but a string,
 * `"libaws-c-mqtt: <NAME>, <text>"`.
 */
export function expectCrtStringRejection(reason: unknown, name: string): void {
  expect(typeof reason).toBe('string')
  expect(reason as string).toMatch(new RegExp(`^libaws-c-mqtt: ${name}, `))
}

/**
 * Checks an operation's rejection for `impl`: mqtt-napi rejects with a
 * CrtError named `name`; aws-crt (where its C client makes the check) with a
 * string carrying the same name.
 */
export function expectRejectedAs(impl: Implementation, reason: unknown, name: string): void {
  if (impl.crt) expectCrtStringRejection(reason, name)
  else expectCrtError(reason, name)
}

/** An outcome as a child process reports it: rejection reasons flattened to what JSON can carry. */
export type ReportedOutcome =
  | { status: 'resolved'; value: unknown }
  | { status: 'rejected'; reason: string | { kind: string; message: string; error_name?: string; error_code?: number } }
  | { status: 'pending' }

/** An event as a child process reports it. */
export interface ReportedEvent {
  name: string
  error_name?: string
  reasonCode?: number
}

/**
 * What the script run by `awsCrtInChild` starts with: aws-crt's `mqtt5`,
 * `config`, `client` (an Mqtt5Client of `config`, not started), `events`
 * (every event of `client` but messageReceived, as ReportedEvents),
 * `connect()` (starts `client`, resolves at connectionSuccess), `next(name,
 * n = 1)` (resolves once the `n`th `name` event has come, at most 5 s),
 * `outcome(promise, ms)` (as outcomeWithin, a ReportedOutcome) and
 * `sleep(ms)`.
 */
const CHILD_PRELUDE = `
process.env.AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING = '1'
const { mqtt5 } = require('aws-crt')
const config = JSON.parse(process.env.MQTT5_CONFIG)
const client = new mqtt5.Mqtt5Client(config)
const events = []
for (const name of ${JSON.stringify([...LIFECYCLE_EVENTS, 'error'])}) {
  client.on(name, (e) => events.push({ name, error_name: e && e.error ? e.error.error_name : undefined, reasonCode: e && e.disconnect ? e.disconnect.reasonCode : undefined }))
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const next = async (name, n = 1) => {
  const deadline = Date.now() + 5000
  while (events.filter((e) => e.name === name).length < n) {
    if (Date.now() > deadline) throw new Error('no ' + name + ' #' + n)
    await sleep(10)
  }
}
const connect = () => { client.start(); return next('connectionSuccess') }
const flatten = (r) => typeof r === 'string' ? r : { kind: r && r.constructor ? r.constructor.name : typeof r, message: String(r && r.message), error_name: r && r.error_name, error_code: r && r.error_code }
const outcome = (promise, ms) => Promise.race([
  promise.then((value) => ({ status: 'resolved', value }), (reason) => ({ status: 'rejected', reason: flatten(reason) })),
  new Promise((resolve) => setTimeout(() => resolve({ status: 'pending' }), ms)),
])
`

/**
 * Runs `body` (the text of an async function body, which returns what to
 * report) with an aws-crt Mqtt5Client of `config` (JSON only) in a child Node
 * process (see CHILD_PRELUDE for what `body` has in scope), and resolves with
 * what it returned. The child exits as soon as it has reported: for the
 * aws-crt behaviours that leave a promise pending for ever, which keeps its
 * client, and so Node, alive even after stop() and close(): this process (and
 * jest) must not be left with one.
 */
export async function awsCrtInChild<T>(config: Config, body: string, limitMs = 15000): Promise<T> {
  const script = `${CHILD_PRELUDE}
;(async () => {
${body}
})().then(
  (result) => process.stdout.write('RESULT ' + JSON.stringify(result === undefined ? null : result) + '\\n', () => process.exit(0)),
  (error) => process.stderr.write(String((error && error.stack) || error) + '\\n', () => process.exit(1)),
)`
  const run = await runNode(['-e', script], limitMs, [], { MQTT5_CONFIG: JSON.stringify(config) })
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '))
  if (run.code !== 0 || line === undefined) throw new Error(`the aws-crt child failed: ${describeRun(run)}`)
  return JSON.parse(line.slice('RESULT '.length)) as T
}
