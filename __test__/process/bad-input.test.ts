/**
 * Bad input from JavaScript, table-driven over the public functions and
 * constructors of both dialects: wrong types, NaN, negative and huge numbers,
 * empty and huge strings, topics with wildcards, U+0000, lone surrogates or
 * over 65,535 UTF-8 bytes, payloads over the largest packet MQTT can frame.
 *
 * What each row requires:
 * - a function that returns a promise (aws-crt's publish/subscribe/
 *   unsubscribe, MQTT.js's *Async, connectAsync) rejects, never throws;
 * - any other function throws synchronously;
 * - a wrong type is a TypeError and a number out of range (NaN, Infinity,
 *   -1, 1.5, 2**32, ...) a RangeError (index.d.ts's rule for configs and
 *   options, applied to every argument); a string the protocol forbids
 *   (wildcards, U+0000, lone surrogates, over 65,535 bytes) and a payload
 *   over the limit may be either;
 * - in the MQTT.js dialect a value of the right type that the protocol
 *   forbids calls back an Error (README, "Where it differs from MQTT.js on
 *   purpose"), whose class is free (MQTT.js's `Invalid topic X` is an Error);
 * - the error's message names the argument;
 * - afterwards the same connection still works: after every row of an
 *   operation table a publish on a standing subscription comes back; after
 *   every table a new subscription, a QoS 1 publish and an unsubscribe do.
 *
 * Errors are checked with util.types.isNativeError and `.name`: errors made
 * in the addon or Node's core come from another realm than jest's sandbox.
 *
 * Constructors and functions that do not touch a connection run in a child
 * Node process, row by row: some bad values abort the process (a Rust panic),
 * and such a row must fail alone, saying so, without taking the file down.
 * The same goes for MQTT.js calls whose bad callback is only called (and
 * throws, uncaught) when the operation completes.
 *
 * Not repeated here (validation.test.ts, dialect-options.test.ts and
 * limits.test.ts have them): the config fields those files list, aws-crt
 * publish to 'a/+/b', 'a/#', '' and 'a/\0/b', a number topic, qos 3, -1 and
 * 'x', number/Symbol/function payloads, subscribe to 'a/#/b', 'a+/b' and '',
 * a number on_message, unsubscribe from 'a/#/b' and '', on_message(5); the
 * MQTT.js connect options keepalive -1/'x', port 70000, clientId 5,
 * reconnectPeriod NaN, will.topic 5, a password alone, protocolVersion,
 * the unsupported options; publish(5, ..), publish(.., 5), qos 3,
 * subscribe(5), subscribe qos 7, unsubscribe([1]), a wildcard publish.
 *
 * The payload over the limit is one Buffer of MAX_PACKET_SIZE + 1 bytes
 * (268,435,461: crates/mqtt-engine/src/client/mod.rs), allocated once and never written, shared
 * by every such row; those rows run against aedes only (the check is local).
 */
import { spawn } from 'child_process'
import path from 'path'
import { types } from 'util'
import * as root from '../../index'
import { mqtt } from '../../index'
import { availableBrokers, Broker, BrokerKind, startBroker } from '../support/brokers/brokers'
import { connected as dialectConnected, dialects, endAllClients, firstConnect, MqttClient, track, urlOf } from '../support/dialect'
import { cleanupConnections, connected, newConnection, uniqueTopic, untrack, within } from '../support/helpers'

const { QoS } = mqtt
type Connection = mqtt.MqttClientConnection

const INDEX = path.join(__dirname, '..', '..', 'index.js')
const napi = dialects.find((dialect) => dialect.name === 'mqtt-napi')!
const kinds = availableBrokers()

/** The largest packet MQTT can frame (crates/mqtt-engine/src/client/mod.rs MAX_PACKET_SIZE). */
const MAX_PACKET_SIZE = 268_435_455 + 5

// Strings over 65,535 UTF-8 bytes, three ways.
const LONG_ASCII = 'a'.repeat(65_536) // 65,536 bytes
const LONG_3BYTE = '\u20ac'.repeat(21_846) // '€': 65,538 bytes in 21,846 UTF-16 units
const LONG_4BYTE = '\u{1F600}'.repeat(16_384) // '😀': 65,536 bytes in 32,768 UTF-16 units
// The longest topics MQTT allows: 65,535 bytes.
const MAX_ASCII = 'a'.repeat(65_535)
const MAX_3BYTE = '\u20ac'.repeat(21_845)

// ---------------------------------------------------------------------------
// What a row wants, what happened, and how to tell them apart.

type ErrorName = 'TypeError' | 'RangeError'

interface Want {
  /** The classes allowed; undefined: any Error (a callback or rejection for a protocol-invalid value). */
  classes?: ErrorName[]
  /** What the message must say: the argument's name. */
  names: RegExp
}

/** A TypeError naming `names`. */
const T = (names: RegExp): Want => ({ classes: ['TypeError'], names })
/** A RangeError naming `names`. */
const R = (names: RegExp): Want => ({ classes: ['RangeError'], names })
/** A TypeError or a RangeError naming `names`: a string or payload the protocol forbids. */
const TR = (names: RegExp): Want => ({ classes: ['TypeError', 'RangeError'], names })
/** MQTT.js dialect: any Error naming `names`, given to the callback (or a rejection). */
const F = (names: RegExp): Want => ({ names })

/** An error as a row sees it: made here, or reported by a child process. */
interface ErrorInfo {
  native: boolean
  name: string
  message: string
}

type Outcome =
  | { how: 'threw'; error: ErrorInfo }
  | { how: 'rejected'; error: ErrorInfo }
  | { how: 'called back'; error?: ErrorInfo }
  | { how: 'resolved' | 'returned'; value: string }
  | { how: 'timed out'; after: number }
  | { how: 'crashed'; detail: string }

function infoOf(error: unknown): ErrorInfo {
  const e = error as { name?: unknown; message?: unknown } | null | undefined
  return {
    native: types.isNativeError(error),
    name: String(e?.name ?? typeof error),
    message: String(e?.message ?? error),
  }
}

/** A value, short enough for a failure message. */
function shortly(value: unknown): string {
  let text: string
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > 160 ? `${text.slice(0, 160)}... (${text.length} characters)` : text
}

function describeError(error: ErrorInfo): string {
  return `${error.native ? '' : '(not an Error) '}${error.name}: ${shortly(error.message)}`
}

function describeOutcome(outcome: Outcome): string {
  switch (outcome.how) {
    case 'threw':
    case 'rejected':
      return `${outcome.how} ${describeError(outcome.error)}`
    case 'called back':
      return outcome.error ? `called back ${describeError(outcome.error)}` : 'called back without an error (the call went through)'
    case 'resolved':
    case 'returned':
      return `${outcome.how} ${outcome.value}`
    case 'timed out':
      return `neither settled nor called back in ${outcome.after} ms`
    case 'crashed':
      return outcome.detail
  }
}

/** Why `error` is not what `want` asks for, or undefined when it is. */
function mismatch(error: ErrorInfo, want: Want): string | undefined {
  if (!error.native) return 'it is not an Error'
  if (want.classes && !want.classes.includes(error.name as ErrorName)) return `it is a ${error.name}`
  if (!want.names.test(error.message)) return `its message does not match ${want.names}`
  return undefined
}

/** Asserts that `outcome` is `how` with an error `want` accepts; the failure says what happened instead. */
function expectOutcome(outcome: Outcome, how: 'threw' | 'rejected' | 'called back', want: Want): void {
  const wanted = `${want.classes ? want.classes.join(' or ') : 'an Error'} naming ${want.names}`
  const expected = {
    threw: `a synchronous throw of ${wanted}`,
    rejected: `a rejected promise with ${wanted}`,
    'called back': `the callback called with ${wanted}`,
  }[how]
  const error = 'error' in outcome ? outcome.error : undefined
  if (outcome.how !== how || !error) throw new Error(`expected ${expected}; but it ${describeOutcome(outcome)}`)
  const problem = mismatch(error, want)
  if (problem !== undefined) throw new Error(`expected ${expected}; but ${problem}: it ${describeOutcome(outcome)}`)
}

function valueText(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value !== 'object') return shortly(value)
  const name = (value as object).constructor?.name
  return name === 'Object' || name === 'Array' ? shortly(value) : `a ${name ?? 'object'}`
}

/** Calls `call` and waits for what it returned to settle (5 s at most). */
async function settle(call: () => unknown, timeoutMs = 5000): Promise<Outcome> {
  let value: unknown
  try {
    value = call()
  } catch (error) {
    return { how: 'threw', error: infoOf(error) }
  }
  if (!(value instanceof Object && typeof (value as Promise<unknown>).then === 'function')) {
    return { how: 'returned', value: valueText(value) }
  }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ how: 'timed out', after: timeoutMs }), timeoutMs)
  })
  const settled = (value as Promise<unknown>).then(
    (result): Outcome => ({ how: 'resolved', value: valueText(result) }),
    (error): Outcome => ({ how: 'rejected', error: infoOf(error) }),
  )
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer))
}

/** Starts a Node-style call and waits for its callback (5 s at most), unless the call throws. */
async function settleCallback(start: (callback: (error?: unknown) => void) => unknown, timeoutMs = 5000): Promise<Outcome> {
  let called!: (outcome: Outcome) => void
  const callback = new Promise<Outcome>((resolve) => (called = resolve))
  try {
    start((error) => called({ how: 'called back', error: error ? infoOf(error) : undefined }))
  } catch (error) {
    return { how: 'threw', error: infoOf(error) }
  }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ how: 'timed out', after: timeoutMs }), timeoutMs)
  })
  return Promise.race([callback, timeout]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------------------
// Child processes, for rows that may take their process down.

interface ChildRun {
  stdout: string
  stderr: string
  status: string
}

function runNode(script: string, args: string[], input: string, timeoutMs = 60000): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ stdout, stderr, status: signal ? `killed by ${signal}` : `exit code ${code}` })
    })
    child.stdin.end(input)
  })
}

/** The line of a child's stderr that says why it died (a Rust panic's message, or the last line). */
function causeOfDeath(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean)
  const panic = lines.findIndex((line) => line.includes('panicked at'))
  if (panic >= 0) return `a Rust panic: ${lines[panic + 1] ?? lines[panic]}`
  return lines.slice(-2).join(' / ') || 'no output on stderr'
}

/**
 * Runs each row (one JS expression over `mqtt`, `io`, `http` and the helpers
 * `V`) in a child Node process, in order, and returns what each did. A row
 * that kills the process is reported as `crashed`; a new process takes the
 * rows after it.
 */
const SYNC_CHILD = `
const fs = require('fs')
const { types } = require('util')
const { mqtt, io, http } = require(${JSON.stringify(INDEX)})
const [start, port] = process.argv.slice(1).map(Number)
const V = {
  LONG_ASCII: 'a'.repeat(65536),
  LONG_3BYTE: '\\u20ac'.repeat(21846),
  LONG_4BYTE: '\\u{1F600}'.repeat(16384),
  config: (extra) => ({ client_id: 'bad-input', host_name: '127.0.0.1', port, clean_session: true, ...extra }),
  nc: (extra) => new mqtt.MqttClient().new_connection(V.config(extra)),
  will: (...args) => V.nc({ will: new mqtt.MqttWill(...args) }),
  socket: (...args) => V.nc({ socket_options: new io.SocketOptions(...args) }),
  proxy: (...args) => V.nc({ proxy_options: new http.HttpProxyOptions(...args) }),
  tlsProxy: (...args) => V.proxy('127.0.0.1', 3128, 0, undefined, undefined, new io.TlsConnectionOptions(...args)),
  tls: (fields) => new io.ClientTlsContext(Object.assign(new io.TlsContextOptions(), fields)),
  ctx: () => new io.ClientTlsContext(),
  headers: () => new http.HttpHeaders([['Host', 'broker']]),
}
const rows = JSON.parse(fs.readFileSync(0, 'utf8'))
const write = (line) => fs.writeSync(1, JSON.stringify(line) + '\\n')
for (let i = start; i < rows.length; i++) {
  write({ i, started: true })
  try {
    const value = new Function('mqtt', 'io', 'http', 'V', 'return (' + rows[i] + ')')(mqtt, io, http, V)
    const what = value === null || value === undefined ? String(value) : typeof value === 'object' ? 'a ' + value.constructor.name : typeof value + ' ' + String(value).slice(0, 80)
    write({ i, how: 'returned', value: what })
  } catch (error) {
    write({ i, how: 'threw', error: { native: types.isNativeError(error), name: String(error && error.name), message: String(error && error.message).slice(0, 600) } })
  }
}
process.exit(0)
`

async function runSyncRows(sources: string[], port: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(sources.length)
  let start = 0
  while (start < sources.length) {
    const run = await runNode(SYNC_CHILD, [String(start), String(port)], JSON.stringify(sources))
    let startedAt = -1
    let lastDone = start - 1
    for (const line of run.stdout.split('\n')) {
      if (!line) continue
      const parsed = JSON.parse(line)
      if (parsed.started) startedAt = parsed.i
      else {
        const { i, ...outcome } = parsed
        outcomes[i] = outcome as Outcome
        lastDone = i
      }
    }
    if (lastDone === sources.length - 1) break
    if (startedAt < start) throw new Error(`the child process ran no row (${run.status}): ${run.stderr.slice(0, 2000)}`)
    outcomes[startedAt] = { how: 'crashed', detail: `killed its process (${run.status}): ${causeOfDeath(run.stderr)}` }
    start = startedAt + 1
  }
  return outcomes
}

/**
 * Runs MQTT.js-dialect calls (statements over `client` and `t`, a fresh
 * topic) in a child process with a client connected to `url`; for each, what
 * the call did, what was thrown uncaught in the next 300 ms, and whether a
 * round trip works afterwards.
 */
const CALLBACK_CHILD = `
const fs = require('fs')
const { types } = require('util')
const { connect } = require(${JSON.stringify(INDEX)})
const url = process.argv[1]
const rows = JSON.parse(fs.readFileSync(0, 'utf8'))
const write = (line) => fs.writeSync(1, JSON.stringify(line) + '\\n')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const uncaught = []
process.on('uncaughtException', (error) => uncaught.push(String(error && error.message)))
const client = connect(url, { reconnectPeriod: 200 })
async function roundTrip(topic) {
  try {
    await client.subscribeAsync(topic, { qos: 1 })
    const got = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message in 3 s')), 3000)
      client.on('message', (t, payload) => { if (t === topic) { clearTimeout(timer); resolve(payload.toString()) } })
    })
    await client.publishAsync(topic, 'still fine', { qos: 1 })
    const text = await got
    await client.unsubscribeAsync(topic)
    return text === 'still fine' ? 'ok' : 'got ' + text
  } catch (error) {
    return 'failed: ' + (error && error.message)
  }
}
client.once('connect', async () => {
  for (let i = 0; i < rows.length; i++) {
    const t = 'mqtt-napi/bad-input/callback/' + process.pid + '/' + i
    uncaught.length = 0
    let line
    try {
      new Function('client', 't', rows[i])(client, t)
      line = { how: 'returned', value: 'the client' }
    } catch (error) {
      line = { how: 'threw', error: { native: types.isNativeError(error), name: String(error && error.name), message: String(error && error.message) } }
    }
    await sleep(300)
    line.uncaught = uncaught.slice()
    line.roundTrip = await roundTrip(t + '/ok')
    line.connected = client.connected
    write(line)
  }
  client.end(true, () => process.exit(0))
})
`

interface CallbackRun {
  outcome: Outcome
  uncaught: string[]
  roundTrip: string
  connected: boolean
}

async function runCallbackRows(statements: string[], url: string): Promise<CallbackRun[]> {
  const run = await runNode(CALLBACK_CHILD, [url], JSON.stringify(statements))
  const lines = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line))
  return statements.map((_, i) => {
    const line = lines[i]
    if (!line) {
      return { outcome: { how: 'crashed', detail: `the process died first (${run.status}): ${causeOfDeath(run.stderr)}` }, uncaught: [], roundTrip: 'not run', connected: false }
    }
    const { uncaught, roundTrip, connected, ...outcome } = line
    return { outcome: outcome as Outcome, uncaught, roundTrip, connected }
  })
}

// ---------------------------------------------------------------------------
// Brokers, and one connected connection per dialect per broker.

const brokers: Partial<Record<BrokerKind, Broker>> = {}
const crtOf: Partial<Record<BrokerKind, Connection>> = {}
const jsOf: Partial<Record<BrokerKind, MqttClient>> = {}
/** 'error' events of the shared MQTT.js-dialect clients since the row began. */
const jsErrors: Partial<Record<BrokerKind, Error[]>> = {}

/**
 * A shared connection's standing subscription, for the round trip after each
 * row: a publish there must come back. At QoS 0: aedes holds a PUBACK
 * written right before a PUBLISH for about 40 ms (Nagle), which would make
 * each row that much slower; the full round trip after each table is QoS 1.
 */
interface Standing {
  topic: string
  waiting: Map<string, () => void>
}
const standing = new Map<object, Standing>()

function arrived(entry: Standing, text: string): void {
  entry.waiting.get(text)?.()
  entry.waiting.delete(text)
}

beforeAll(async () => {
  await Promise.all(
    kinds.map(async (kind) => {
      const broker = await startBroker(kind)
      brokers[kind] = broker
      const connection = untrack(await connected(broker))
      crtOf[kind] = connection
      const crtEntry: Standing = { topic: uniqueTopic('bad-input-ok'), waiting: new Map() }
      await connection.subscribe(crtEntry.topic, QoS.AtLeastOnce, (_t, payload) => arrived(crtEntry, Buffer.from(payload).toString()))
      standing.set(connection, crtEntry)

      // Not tracked: endAllClients (after each test) must leave it alone.
      const client = (root.connect as unknown as typeof napi.connect)(urlOf(broker), { reconnectPeriod: 200 })
      jsOf[kind] = client
      jsErrors[kind] = []
      client.on('error', (error: Error) => jsErrors[kind]!.push(error))
      await firstConnect(client)
      const jsEntry: Standing = { topic: uniqueTopic('bad-input-ok'), waiting: new Map() }
      client.on('message', (topic: string, payload: Buffer) => {
        if (topic === jsEntry.topic) arrived(jsEntry, payload.toString())
      })
      await client.subscribeAsync(jsEntry.topic, { qos: 1 })
      standing.set(client, jsEntry)
    }),
  )
}, 30000)

afterEach(cleanupConnections)
afterEach(endAllClients)

afterAll(async () => {
  await Promise.all(
    kinds.map(async (kind) => {
      await crtOf[kind]?.disconnect()
      const client = jsOf[kind]
      if (client) await within(new Promise<void>((resolve) => client.end(true, () => resolve())), 5000, 'end')
      await brokers[kind]?.stop()
    }),
  )
})

let roundTrips = 0

/** Publishes a fresh text on a standing subscription and waits for it to come back. */
async function standingRoundTrip(entry: Standing, publish: (topic: string, text: string) => Promise<unknown>): Promise<void> {
  roundTrips += 1
  const text = `still fine ${roundTrips}`
  const got = new Promise<void>((resolve) => entry.waiting.set(text, resolve))
  await within(publish(entry.topic, text), 5000, 'publish')
  await within(got, 5000, 'the message')
}

/**
 * A publish/subscribe round trip on an aws-crt connection: on the standing
 * subscription of a shared one, else (or with `full`) a new subscription and
 * a QoS 1 publish.
 */
async function crtRoundTrip(connection: Connection, full = false): Promise<void> {
  const entry = standing.get(connection)
  if (entry && !full) return standingRoundTrip(entry, (topic, text) => connection.publish(topic, text, QoS.AtMostOnce))
  const topic = uniqueTopic('bad-input-ok')
  let deliver!: (text: string) => void
  const got = new Promise<string>((resolve) => (deliver = resolve))
  await within(connection.subscribe(topic, QoS.AtLeastOnce, (_t, payload) => deliver(Buffer.from(payload).toString())), 5000, 'subscribe')
  await within(connection.publish(topic, 'still fine', QoS.AtLeastOnce), 5000, 'publish')
  expect(await within(got, 5000, 'the message')).toBe('still fine')
  await within(connection.unsubscribe(topic), 5000, 'unsubscribe')
}

/**
 * A publish/subscribe round trip on an MQTT.js-dialect client, which is
 * still connected: on the standing subscription of a shared one, else (or
 * with `full`) a new subscription and a QoS 1 publish.
 */
async function jsRoundTrip(client: MqttClient, full = false): Promise<void> {
  const entry = standing.get(client)
  if (entry && !full) {
    await standingRoundTrip(entry, (topic, text) => client.publishAsync(topic, text, { qos: 0 }))
    expect(client.connected).toBe(true)
    return
  }
  const topic = uniqueTopic('bad-input-ok')
  await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
  const got = new Promise<string>((resolve) => {
    const listener = (t: string, payload: Buffer) => {
      if (t !== topic) return
      client.removeListener('message', listener)
      resolve(payload.toString())
    }
    client.on('message', listener)
  })
  await within(client.publishAsync(topic, 'still fine', { qos: 1 }), 5000, 'publish')
  expect(await within(got, 5000, 'the message')).toBe('still fine')
  await within(client.unsubscribeAsync(topic), 5000, 'unsubscribe')
  expect(client.connected).toBe(true)
}

// ---------------------------------------------------------------------------
// The values.

const TOPIC_TYPES: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ['{}', {}],
  ["['a/b']", ['a/b']],
  ["Symbol('t')", Symbol('t')],
  ['a function', () => 'a/b'],
]

const SURROGATES: Array<[string, string]> = [
  ['a lone high surrogate (a/\\ud800)', 'a/\ud800'],
  ['a lone low surrogate (\\udc00/a)', '\udc00/a'],
]

const TOO_LONG: Array<[string, string]> = [
  ['65,536 ASCII bytes', LONG_ASCII],
  ['65,538 bytes of 3-byte characters in 21,846 UTF-16 units', LONG_3BYTE],
  ['65,536 bytes of 4-byte characters (surrogate pairs)', LONG_4BYTE],
]

/** Topic names a PUBLISH may not carry (beyond those validation.test.ts has). */
const BAD_NAMES: Array<[string, string]> = [
  ["'#'", '#'],
  ["'+'", '+'],
  ["'a/#/b'", 'a/#/b'],
  ['U+0000 alone', '\u0000'],
  ...SURROGATES,
  ...TOO_LONG,
]

/** Topic filters a SUBSCRIBE or UNSUBSCRIBE may not carry. */
const BAD_FILTERS: Array<[string, string]> = [
  ["'#/a'", '#/a'],
  ["'a/b#'", 'a/b#'],
  ["'a/+b'", 'a/+b'],
  ['a/U+0000', 'a/\u0000'],
  ...SURROGATES,
  ...TOO_LONG,
]

const QOS_TYPES: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ["'1'", '1'],
  ['{}', {}],
]

const QOS_OUT_OF_RANGE: Array<[string, number]> = [
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['1.5', 1.5],
  ['-0.5', -0.5],
  ['2**32', 2 ** 32],
  ['2**32 + 1', 2 ** 32 + 1],
  ['2**53', 2 ** 53],
  ['1e300', 1e300],
]

const anyArg = (value: unknown) => value as any // eslint-disable-line @typescript-eslint/no-explicit-any

// ---------------------------------------------------------------------------
// aws-crt dialect: the connection's operations. Each returns a promise, so a
// bad argument rejects.

type CrtRow = [label: string, call: (c: Connection, t: string) => unknown, want: Want]

const CRT_PUBLISH: CrtRow[] = [
  ...TOPIC_TYPES.map(([label, v]): CrtRow => [`topic ${label}`, (c) => c.publish(anyArg(v), 'x', QoS.AtLeastOnce), T(/topic/)]),
  ...BAD_NAMES.map(([label, v]): CrtRow => [`topic ${label}`, (c) => c.publish(v, 'x', QoS.AtLeastOnce), TR(/topic/)]),
  ['payload true', (c, t) => c.publish(t, anyArg(true), QoS.AtLeastOnce), T(/payload/)],
  ['payload 5n', (c, t) => c.publish(t, anyArg(BigInt(5)), QoS.AtLeastOnce), T(/payload/)],
  ...QOS_TYPES.map(([label, v]): CrtRow => [`qos ${label}`, (c, t) => c.publish(t, 'x', anyArg(v)), T(/qos/)]),
  ...QOS_OUT_OF_RANGE.map(([label, v]): CrtRow => [`qos ${label}`, (c, t) => c.publish(t, 'x', v), R(/qos/)]),
  ["retain 'yes'", (c, t) => c.publish(t, 'x', QoS.AtLeastOnce, anyArg('yes')), T(/retain/)],
  ['retain 1', (c, t) => c.publish(t, 'x', QoS.AtLeastOnce, anyArg(1)), T(/retain/)],
  ['retain 0', (c, t) => c.publish(t, 'x', QoS.AtLeastOnce, anyArg(0)), T(/retain/)],
  ['retain {}', (c, t) => c.publish(t, 'x', QoS.AtLeastOnce, anyArg({})), T(/retain/)],
]

const CRT_SUBSCRIBE: CrtRow[] = [
  ...TOPIC_TYPES.map(([label, v]): CrtRow => [`topic ${label}`, (c) => c.subscribe(anyArg(v), QoS.AtLeastOnce), T(/topic/)]),
  ...BAD_FILTERS.map(([label, v]): CrtRow => [`topic ${label}`, (c) => c.subscribe(v, QoS.AtLeastOnce), TR(/topic/)]),
  ...QOS_TYPES.map(([label, v]): CrtRow => [`qos ${label}`, (c, t) => c.subscribe(t, anyArg(v)), T(/qos/)]),
  ...QOS_OUT_OF_RANGE.map(([label, v]): CrtRow => [`qos ${label}`, (c, t) => c.subscribe(t, v), R(/qos/)]),
  ["on_message 'x'", (c, t) => c.subscribe(t, QoS.AtLeastOnce, anyArg('x')), T(/on_message/)],
  ['on_message true', (c, t) => c.subscribe(t, QoS.AtLeastOnce, anyArg(true)), T(/on_message/)],
  ['on_message {}', (c, t) => c.subscribe(t, QoS.AtLeastOnce, anyArg({})), T(/on_message/)],
  ['on_message []', (c, t) => c.subscribe(t, QoS.AtLeastOnce, anyArg([])), T(/on_message/)],
]

const CRT_UNSUBSCRIBE: CrtRow[] = [
  ...TOPIC_TYPES.map(([label, v]): CrtRow => [`topic ${label}`, (c) => c.unsubscribe(anyArg(v)), T(/topic/)]),
  ["topic 'a+/b'", (c) => c.unsubscribe('a+/b'), TR(/topic/)],
  ...BAD_FILTERS.map(([label, v]): CrtRow => [`topic ${label}`, (c) => c.unsubscribe(v), TR(/topic/)]),
]

/** on_message(callback) returns nothing: a bad callback throws. */
const CRT_ON_MESSAGE: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ["'x'", 'x'],
  ['{}', {}],
  ['true', true],
]

// ---------------------------------------------------------------------------
// MQTT.js dialect: publish/subscribe/unsubscribe with a callback (a wrong type
// throws; a forbidden value calls back an Error), and their *Async forms (a
// rejection either way).

type Args = (t: string) => unknown[]
type JsRow = [label: string, args: Args, want: Want]

const JS_PUBLISH: JsRow[] = [
  ...TOPIC_TYPES.map(([label, v]): JsRow => [`topic ${label}`, () => [v, 'x', { qos: 1 }], T(/topic/)]),
  ["topic ''", () => ['', 'x', { qos: 1 }], F(/topic/)],
  ...BAD_NAMES.map(([label, v]): JsRow => [`topic ${label}`, () => [v, 'x', { qos: 1 }], F(/topic/)]),
  // null and undefined are an empty payload, as in MQTT.js (dialect-fidelity.test.ts).
  ['message true', (t) => [t, true, { qos: 1 }], T(/message/)],
  ['message {}', (t) => [t, {}, { qos: 1 }], T(/message/)],
  ['message [1]', (t) => [t, [1], { qos: 1 }], T(/message/)],
  ['message an ArrayBuffer', (t) => [t, new ArrayBuffer(4), { qos: 1 }], T(/message/)],
  ["message Symbol('m')", (t) => [t, Symbol('m'), { qos: 1 }], T(/message/)],
  ['options 5', (t) => [t, 'x', 5], T(/options/)],
  ["options 'x'", (t) => [t, 'x', 'x'], T(/options/)],
  ['options true', (t) => [t, 'x', true], T(/options/)],
  ...QOS_OUT_OF_RANGE.filter(([label]) => ['NaN', 'Infinity', '1.5', '-0.5', '2**32'].includes(label)).map(
    ([label, v]): JsRow => [`options.qos ${label}`, (t) => [t, 'x', { qos: v }], R(/qos/)],
  ),
  ['options.qos -1', (t) => [t, 'x', { qos: -1 }], R(/qos/)],
  ["options.qos '1'", (t) => [t, 'x', { qos: '1' }], T(/qos/)],
  ['options.qos true', (t) => [t, 'x', { qos: true }], T(/qos/)],
  ["options.retain 'yes'", (t) => [t, 'x', { retain: 'yes' }], T(/retain/)],
  ['options.retain 1', (t) => [t, 'x', { retain: 1 }], T(/retain/)],
  ["options.dup 'yes'", (t) => [t, 'x', { dup: 'yes' }], T(/dup/)],
  ['options.dup 1', (t) => [t, 'x', { dup: 1 }], T(/dup/)],
]

const JS_SUBSCRIBE: JsRow[] = [
  ...TOPIC_TYPES.filter(([label]) => !["['a/b']", '{}'].includes(label)).map(([label, v]): JsRow => [`topic ${label}`, () => [v, { qos: 1 }], T(/topic/)]),
  ['topic [5]', () => [[5], { qos: 1 }], T(/topic\[0\]/)],
  ['topic [t, null]', (t) => [[t, null], { qos: 1 }], T(/topic\[1\]/)],
  ['topic []', () => [[], { qos: 1 }], F(/topic/)],
  ['topic {} (a map without topics)', () => [{}, { qos: 1 }], F(/topic/)],
  ['topic { [t]: 5 }', (t) => [{ [t]: 5 }], T(/qos|options/)],
  ['topic { [t]: { qos: 3 } }', (t) => [{ [t]: { qos: 3 } }], R(/qos/)],
  ["topic { [t]: { qos: '1' } }", (t) => [{ [t]: { qos: '1' } }], T(/qos/)],
  ["topic { 'a/#/b': { qos: 0 } }", () => [{ 'a/#/b': { qos: 0 } }], F(/topic/)],
  ["topic ''", () => ['', { qos: 1 }], F(/topic/)],
  ["topic 'a/#/b'", () => ['a/#/b', { qos: 1 }], F(/topic/)],
  ["topic 'a+/b'", () => ['a+/b', { qos: 1 }], F(/topic/)],
  ...BAD_FILTERS.map(([label, v]): JsRow => [`topic ${label}`, () => [v, { qos: 1 }], F(/topic/)]),
  ['options 5', (t) => [t, 5], T(/options/)],
  ["options 'x'", (t) => [t, 'x'], T(/options/)],
  ['options.qos 3', (t) => [t, { qos: 3 }], R(/qos/)],
  ['options.qos -1', (t) => [t, { qos: -1 }], R(/qos/)],
  ['options.qos NaN', (t) => [t, { qos: NaN }], R(/qos/)],
  ['options.qos 1.5', (t) => [t, { qos: 1.5 }], R(/qos/)],
  ['options.qos 2**32', (t) => [t, { qos: 2 ** 32 }], R(/qos/)],
  ["options.qos '1'", (t) => [t, { qos: '1' }], T(/qos/)],
  ['options.qos true', (t) => [t, { qos: true }], T(/qos/)],
]

const JS_UNSUBSCRIBE: JsRow[] = [
  ...TOPIC_TYPES.filter(([label]) => label !== "['a/b']").map(([label, v]): JsRow => [`topic ${label}`, () => [v], T(/topic/)]),
  ['topic [t, 5]', (t) => [[t, 5]], T(/topic/)],
  ['topic []', () => [[]], F(/topic/)],
  ["topic ''", () => [''], F(/topic/)],
  ["topic 'a/#/b'", () => ['a/#/b'], F(/topic/)],
  ["topic 'a+/b'", () => ['a+/b'], F(/topic/)],
  ...BAD_FILTERS.map(([label, v]): JsRow => [`topic ${label}`, () => [v], F(/topic/)]),
  ['options 5', (t) => [t, 5], T(/options/)],
]

// ---------------------------------------------------------------------------
// The tables that run on every broker.

describe.each(kinds)('with %s', (kind) => {
  const crt = () => crtOf[kind]!
  const js = () => jsOf[kind]!

  describe.each([
    ['publish', CRT_PUBLISH],
    ['subscribe', CRT_SUBSCRIBE],
    ['unsubscribe', CRT_UNSUBSCRIBE],
  ] as Array<[string, CrtRow[]]>)('aws-crt connection.%s rejects a bad argument, naming it; the connection still works', (_fn, rows) => {
    test.each(rows)('%s', async (_label, call, want) => {
      const outcome = await settle(() => call(crt(), uniqueTopic('bad-input')))
      expectOutcome(outcome, 'rejected', want)
      expect(crt().getOperationalStatistics().incompleteOperationCount).toBe(0)
      await crtRoundTrip(crt())
    })

    test('afterwards: a new subscription, a publish and an unsubscribe still work', () => crtRoundTrip(crt(), true))
  })

  describe('aws-crt connection.on_message throws a TypeError naming callback for a non-function', () => {
    test.each(CRT_ON_MESSAGE)('%s', async (_label, value) => {
      const outcome = await settle(() => crt().on_message(anyArg(value)))
      expectOutcome(outcome, 'threw', T(/callback/))
      await crtRoundTrip(crt())
    })
  })

  test('aws-crt: topics of exactly 65,535 bytes (ASCII, and 3-byte characters) are accepted', async () => {
    for (const topic of [MAX_ASCII, MAX_3BYTE]) {
      expect(Buffer.byteLength(topic)).toBe(65_535)
      await within(crt().subscribe(topic, QoS.AtLeastOnce), 5000, 'subscribe')
      await within(crt().publish(topic, 'x', QoS.AtLeastOnce), 5000, 'publish')
      await within(crt().unsubscribe(topic), 5000, 'unsubscribe')
    }
    await crtRoundTrip(crt())
  })

  describe.each([
    ['publish', JS_PUBLISH],
    ['subscribe', JS_SUBSCRIBE],
    ['unsubscribe', JS_UNSUBSCRIBE],
  ] as Array<['publish' | 'subscribe' | 'unsubscribe', JsRow[]]>)('MQTT.js client.%s', (fn, rows) => {
    beforeEach(() => {
      jsErrors[kind]!.length = 0
    })

    describe('with a callback: a wrong type throws, a forbidden value calls back an Error, each naming the argument; the client still works', () => {
      test.each(rows)('%s', async (_label, args, want) => {
        const client = js() as unknown as Record<string, (...a: unknown[]) => unknown>
        const callArgs = args(uniqueTopic('bad-input'))
        while (callArgs.length < (fn === 'publish' ? 3 : 2)) callArgs.push(undefined)
        const outcome = await settleCallback((callback) => client[fn](...callArgs, callback))
        expectOutcome(outcome, want.classes ? 'threw' : 'called back', want)
        expect(jsErrors[kind]!.map((e) => e.message)).toEqual([])
        await jsRoundTrip(js())
      })
    })

    describe(`${fn}Async: rejects (never throws), naming the argument; the client still works`, () => {
      test.each(rows)('%s', async (_label, args, want) => {
        const client = js() as unknown as Record<string, (...a: unknown[]) => unknown>
        const outcome = await settle(() => client[`${fn}Async`](...args(uniqueTopic('bad-input'))))
        expectOutcome(outcome, 'rejected', want)
        expect(jsErrors[kind]!.map((e) => e.message)).toEqual([])
        await jsRoundTrip(js())
      })
    })

    test('afterwards: a new subscription, a publish and an unsubscribe still work', () => jsRoundTrip(js(), true))
  })

  test('MQTT.js publishAsync: topics of exactly 65,535 bytes (ASCII, and 3-byte characters) are accepted', async () => {
    for (const topic of [MAX_ASCII, MAX_3BYTE]) {
      await within(js().subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
      await within(js().publishAsync(topic, 'x', { qos: 1 }), 5000, 'publish')
      await within(js().unsubscribeAsync(topic), 5000, 'unsubscribe')
    }
    await jsRoundTrip(js())
  })

  describe('MQTT.js client.end / endAsync with arguments of the wrong type throw (reject) naming them; the client stays connected', () => {
    const END_ROWS: Array<[string, unknown[], Want]> = [
      ['end(5)', [5], T(/force|options|opts/)],
      ["end('yes')", ['yes'], T(/force|options|opts/)],
      ['end(true, 5)', [true, 5], T(/options|opts|callback|cb/)],
      ["end(true, {}, 'x')", [true, {}, 'x'], T(/callback|cb/)],
    ]
    test.each(END_ROWS)('%s', async (_label, args, want) => {
      const { client } = await dialectConnected(napi, urlOf(brokers[kind]!))
      const outcome = await settle(() => (client.end as (...a: unknown[]) => unknown)(...args))
      expectOutcome(outcome, 'threw', want)
      await jsRoundTrip(client)
    })

    const END_ASYNC_ROWS: Array<[string, unknown[], Want]> = [
      ['endAsync(5)', [5], T(/force|options|opts/)],
      ["endAsync(true, 'x')", [true, 'x'], T(/options|opts/)],
    ]
    test.each(END_ASYNC_ROWS)('%s', async (_label, args, want) => {
      const { client } = await dialectConnected(napi, urlOf(brokers[kind]!))
      const outcome = await settle(() => (client.endAsync as (...a: unknown[]) => unknown)(...args))
      expectOutcome(outcome, 'rejected', want)
      await jsRoundTrip(client)
    })
  })
})

// ---------------------------------------------------------------------------
// Payloads over the largest packet: one Buffer, aedes only.

describe('a payload over the largest packet MQTT can frame (MAX_PACKET_SIZE + 1 bytes), aedes', () => {
  let big: Buffer | undefined
  beforeAll(() => {
    big = Buffer.allocUnsafe(MAX_PACKET_SIZE + 1)
  })
  afterAll(() => {
    big = undefined
  })

  const views: Array<[string, () => unknown]> = [
    ['a Buffer', () => big],
    ['a Uint8Array over it', () => new Uint8Array(big!.buffer, big!.byteOffset, big!.length)],
    ['its ArrayBuffer', () => big!.buffer],
    ['a DataView over it', () => new DataView(big!.buffer, big!.byteOffset, big!.length)],
  ]

  test.each(views)('aws-crt publish of %s rejects naming payload; the connection still works', async (_label, payload) => {
    const connection = crtOf.aedes!
    const outcome = await settle(() => connection.publish(uniqueTopic('bad-input'), anyArg(payload()), QoS.AtLeastOnce), 15000)
    expectOutcome(outcome, 'rejected', TR(/payload/))
    expect(connection.getOperationalStatistics()).toMatchObject({ incompleteOperationCount: 0, incompleteOperationSize: 0 })
    await crtRoundTrip(connection)
  })

  test('MQTT.js publish of a Buffer calls back an Error naming message; the client still works', async () => {
    const client = jsOf.aedes!
    jsErrors.aedes!.length = 0
    const outcome = await settleCallback((callback) => client.publish(uniqueTopic('bad-input'), big!, { qos: 1 }, callback), 15000)
    expectOutcome(outcome, 'called back', F(/message/))
    expect(jsErrors.aedes!).toEqual([])
    await jsRoundTrip(client)
  })

  test('MQTT.js publishAsync of a Buffer rejects naming message; the client still works', async () => {
    const client = jsOf.aedes!
    const outcome = await settle(() => client.publishAsync(uniqueTopic('bad-input'), big!, { qos: 1 }), 15000)
    expectOutcome(outcome, 'rejected', F(/message/))
    await jsRoundTrip(client)
  })
})

// ---------------------------------------------------------------------------
// MQTT.js dialect: callbacks that are not functions. Accepted, such a callback
// is called when the operation completes and throws there, uncaught: so these
// run in a child process.

describe('MQTT.js publish/subscribe/unsubscribe with a callback that is not a function throw a TypeError naming callback (child process, aedes)', () => {
  const ROWS: Array<[string, string]> = []
  for (const [label, value] of [['5', '5'], ["'x'", "'x'"], ['{}', '{}']]) {
    ROWS.push([`publish(t, 'x', { qos: 1 }, ${label})`, `client.publish(t, 'x', { qos: 1 }, ${value})`])
    ROWS.push([`subscribe(t, { qos: 1 }, ${label})`, `client.subscribe(t, { qos: 1 }, ${value})`])
    ROWS.push([`unsubscribe(t, {}, ${label})`, `client.unsubscribe(t, {}, ${value})`])
  }
  let runs: CallbackRun[]
  beforeAll(async () => {
    runs = await runCallbackRows(
      ROWS.map(([, statement]) => statement),
      urlOf(brokers.aedes!),
    )
  }, 30000)

  test.each(ROWS.map(([label], i) => [label, i] as [string, number]))('%s', (_label, i) => {
    const run = runs[i]
    const afterwards = `afterwards: thrown uncaught ${JSON.stringify(run.uncaught)}, round trip ${run.roundTrip}, connected ${run.connected}`
    try {
      expectOutcome(run.outcome, 'threw', T(/callback/))
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${afterwards}`)
    }
    expect(afterwards).toBe(`afterwards: thrown uncaught [], round trip ok, connected true`)
  })
})

// ---------------------------------------------------------------------------
// MQTT.js dialect: connect(url, options) throws, connectAsync rejects, naming
// the option. Clients are made with manualConnect, so a bad value that is
// accepted connects nowhere.

describe('MQTT.js connect(url, options) throws a TypeError/RangeError naming the argument (aedes)', () => {
  const tcp = () => urlOf(brokers.aedes!)
  const tls = () => urlOf(brokers.aedes!, 'mqtts')
  const will = (fields: object) => ({ will: { topic: 'a/b', payload: 'gone', ...fields } })

  const ROWS: Array<[string, () => [unknown, unknown], Want]> = [
    ['brokerUrl 5', () => [5, { manualConnect: true }], T(/brokerUrl/)],
    ['brokerUrl true', () => [true, { manualConnect: true }], T(/brokerUrl/)],
    ['brokerUrl [url]', () => [[tcp()], { manualConnect: true }], T(/brokerUrl/)],
    ['brokerUrl {} with options', () => [{}, { manualConnect: true }], T(/brokerUrl/)],
    ['brokerUrl null with options', () => [null, { manualConnect: true, port: brokers.aedes!.port }], T(/brokerUrl/)],
    ["brokerUrl ''", () => ['', { manualConnect: true, port: brokers.aedes!.port }], TR(/brokerUrl/)],
    ['brokerUrl with U+0000 in the host', () => [`mqtt://127.0.0.1\u0000:${brokers.aedes!.port}`, { manualConnect: true }], TR(/brokerUrl/)],
    ['options 5', () => [tcp(), 5], T(/options/)],
    ["options 'x'", () => [tcp(), 'x'], T(/options/)],
    ['options true', () => [tcp(), true], T(/options/)],
    ['options []', () => [tcp(), []], T(/options/)],
    ...(
      [
        ['keepalive', NaN, R],
        ['keepalive', 1.5, R],
        ['keepalive', Infinity, R],
        ['keepalive', 2 ** 32, R],
        ['port', -1, R],
        ['port', 1.5, R],
        ['port', NaN, R],
        ['port', '1883', T],
        ['reconnectPeriod', -1, R],
        ['reconnectPeriod', 1.5, R],
        ['reconnectPeriod', 'x', T],
        ['reconnectPeriod', 2 ** 32, R],
        ['reconnectPeriodMax', -1, R],
        ['reconnectPeriodMax', NaN, R],
        ['reconnectPeriodMax', 'x', T],
        ['connectTimeout', 0, R],
        ['connectTimeout', -1, R],
        ['connectTimeout', 'x', T],
        ['connectTimeout', Infinity, R],
        ['receiveBufferBytes', 0, R],
        ['receiveBufferBytes', 'x', T],
        ['maxIncomingPacketBytes', NaN, R],
        ['maxIncomingPacketBytes', 'x', T],
        ['offlineQueueMaxOperations', -1, R],
        ['offlineQueueMaxOperations', 1.5, R],
        ['offlineQueueMaxBytes', NaN, R],
        ['offlineQueueMaxBytes', 'x', T],
        ['clientId', {}, T],
        ['clientId', LONG_ASCII, R],
        ['clientId', LONG_3BYTE, R],
        ['clientId', 'a\u0000b', TR],
        ['clientId', 'a\ud800', TR],
        ['clean', 'yes', T],
        ['resubscribe', 1, T],
        ['queueQoSZero', 'yes', T],
        ['manualConnect', 'yes', T],
        ['rejectUnauthorized', 'no', T],
        ['reconnectOnConnackError', 1, T],
        ['host', 5, T],
        ['hostname', 5, T],
        ['servername', 5, T],
        ['username', 5, T],
        ['username', LONG_ASCII, R],
        ['username', 'a\u0000b', TR],
        ['protocol', 5, T],
        ['transformWsUrl', 'x', T],
        ['wsOptions', 'x', T],
      ] as Array<[string, unknown, (names: RegExp) => Want]>
    ).map(([name, value, want]): [string, () => [unknown, unknown], Want] => [
      `options.${name} ${typeof value === 'string' && value.length > 20 ? `(${Buffer.byteLength(value)} bytes)` : typeof value === 'number' ? String(value) : JSON.stringify(value)}`,
      () => [tcp(), { manualConnect: true, [name]: value }],
      // The option's name as the subject of the message, not inside quoted code.
      want(new RegExp(`options\\.${name} (must|is|needs)\\b`)),
    ]),
    ['options.password 5', () => [tcp(), { manualConnect: true, username: 'u', password: 5 }], T(/options\.password/)],
    ['options.password (65,536 bytes)', () => [tcp(), { manualConnect: true, username: 'u', password: LONG_ASCII }], R(/options\.password/)],
    ['options.path 5 (mqtt+unix)', () => ['mqtt+unix:///tmp/mqtt-napi-bad-input.sock', { manualConnect: true, path: 5 }], T(/options\.path/)],
    ["options.wsOptions.headers 'x'", () => [urlOf(brokers.aedes!, 'ws'), { manualConnect: true, wsOptions: { headers: 'x' } }], T(/options\.wsOptions\.headers/)],
    ['options.ca 5', () => [tls(), { manualConnect: true, ca: 5 }], T(/options\.ca/)],
    ['options.ca [5]', () => [tls(), { manualConnect: true, ca: [5] }], T(/options\.ca\[0\]/)],
    ['options.cert 5', () => [tls(), { manualConnect: true, cert: 5, key: 'k' }], T(/options\.cert/)],
    ['options.key 5', () => [tls(), { manualConnect: true, cert: 'c', key: 5 }], T(/options\.key/)],
    ["options.ALPNProtocols 'mqtt'", () => [tls(), { manualConnect: true, ALPNProtocols: 'mqtt' }], T(/options\.ALPNProtocols/)],
    ['options.ALPNProtocols [5]', () => [tls(), { manualConnect: true, ALPNProtocols: [5] }], T(/options\.ALPNProtocols/)],
    ['options.will 5', () => [tcp(), { manualConnect: true, will: 5 }], T(/options\.will/)],
    ["options.will 'x'", () => [tcp(), { manualConnect: true, will: 'x' }], T(/options\.will/)],
    ["options.will.topic '#'", () => [tcp(), { manualConnect: true, ...will({ topic: '#' }) }], TR(/will\.topic/)],
    ["options.will.topic ''", () => [tcp(), { manualConnect: true, ...will({ topic: '' }) }], TR(/will\.topic/)],
    ['options.will.topic with U+0000', () => [tcp(), { manualConnect: true, ...will({ topic: 'a/\u0000' }) }], TR(/will\.topic/)],
    ['options.will.topic with a lone surrogate', () => [tcp(), { manualConnect: true, ...will({ topic: 'a/\ud800' }) }], TR(/will\.topic/)],
    ['options.will.topic (65,536 bytes)', () => [tcp(), { manualConnect: true, ...will({ topic: LONG_ASCII }) }], TR(/will\.topic/)],
    ['options.will.topic (65,536 bytes of 4-byte characters)', () => [tcp(), { manualConnect: true, ...will({ topic: LONG_4BYTE }) }], TR(/will\.topic/)],
    ['options.will.qos 3', () => [tcp(), { manualConnect: true, ...will({ qos: 3 }) }], R(/will\.qos/)],
    ['options.will.qos NaN', () => [tcp(), { manualConnect: true, ...will({ qos: NaN }) }], R(/will\.qos/)],
    ["options.will.qos '1'", () => [tcp(), { manualConnect: true, ...will({ qos: '1' }) }], T(/will\.qos/)],
    ['options.will.payload 5', () => [tcp(), { manualConnect: true, ...will({ payload: 5 }) }], T(/will\.payload/)],
    ['options.will.payload (65,536 bytes)', () => [tcp(), { manualConnect: true, ...will({ payload: Buffer.alloc(65_536) }) }], TR(/will\.payload/)],
    ["options.will.retain 'yes'", () => [tcp(), { manualConnect: true, ...will({ retain: 'yes' }) }], T(/will\.retain/)],
    ["options.servers 'x'", () => [tcp(), { manualConnect: true, servers: 'x' }], T(/options\.servers/)],
    ['options.servers [5]', () => [tcp(), { manualConnect: true, servers: [5] }], T(/options\.servers\[0\]/)],
    ['options.servers [{ host: 5 }]', () => [tcp(), { manualConnect: true, servers: [{ host: 5, port: 1 }] }], T(/servers\[0\]\.host/)],
    ["options.servers [{ port: 'x' }]", () => [tcp(), { manualConnect: true, servers: [{ host: '127.0.0.1', port: 'x' }] }], T(/servers\[0\]\.port/)],
    ['options.servers [{ port: -1 }]', () => [tcp(), { manualConnect: true, servers: [{ host: '127.0.0.1', port: -1 }] }], R(/servers\[0\]\.port/)],
  ]

  test.each(ROWS)('%s', async (_label, args, want) => {
    const [url, options] = args()
    const outcome = await settle(() => {
      const client = (root.connect as unknown as (...a: unknown[]) => MqttClient)(url, options)
      track(client) // ended after the test, if the bad value was accepted
      return client
    })
    expectOutcome(outcome, 'threw', want)
  })

  test('afterwards: both shared connections still work (a new subscription, a publish, an unsubscribe)', async () => {
    await crtRoundTrip(crtOf.aedes!, true)
    await jsRoundTrip(jsOf.aedes!, true)
  })
})

describe('MQTT.js connectAsync rejects (never throws) naming the argument (aedes)', () => {
  const ROWS: Array<[string, () => unknown[], Want]> = [
    ['brokerUrl 5', () => [5, {}], T(/brokerUrl/)],
    ['options 5', () => [urlOf(brokers.aedes!), 5], T(/options/)],
    ['options.keepalive NaN', () => [urlOf(brokers.aedes!), { keepalive: NaN }], R(/options\.keepalive/)],
    ['options.port -1', () => [urlOf(brokers.aedes!), { port: -1 }], R(/options\.port/)],
    ['options.clientId (65,536 bytes)', () => [urlOf(brokers.aedes!), { clientId: LONG_ASCII, reconnectPeriod: 0 }], R(/options\.clientId/)],
    ["allowRetries 'no'", () => [urlOf(brokers.aedes!), {}, 'no'], T(/allowRetries/)],
  ]

  test.each(ROWS)('%s', async (_label, args, want) => {
    const result = await settle(() => {
      const promise = (root.connectAsync as unknown as (...a: unknown[]) => Promise<MqttClient>)(...args())
      // A client the bad value did not stop is ended after the test.
      return promise.then((client) => {
        track(client)
        return client
      })
    })
    expectOutcome(result, 'rejected', want)
  })
})

// ---------------------------------------------------------------------------
// aws-crt dialect: the done() a websocket_handshake_transform is given.

describe('aws-crt websocket_handshake_transform: done() with a bad error code throws naming it (aedes)', () => {
  const VALUES: Array<[string, unknown, Want]> = [
    ["'x'", 'x', T(/done|error_code/)],
    ['{}', {}, T(/done|error_code/)],
    ['-1', -1, R(/done|error_code/)],
    ['1.5', 1.5, R(/done|error_code/)],
    ['NaN', NaN, R(/done|error_code/)],
    ['Infinity', Infinity, R(/done|error_code/)],
    ['2**32', 2 ** 32, R(/done|error_code/)],
  ]
  const outcomes: Outcome[] = []
  let answered: Outcome | undefined

  beforeAll(async () => {
    // The transform runs once the TCP connection is up, before the upgrade is
    // sent; aedes' TCP port then refuses the upgrade, which is not the point.
    const connection = newConnection(brokers.aedes!, {
      use_websocket: true,
      websocket_handshake_transform: (_request, done) => {
        for (const [, value] of VALUES) outcomes.push(settleSync(() => done(anyArg(value))))
        answered = settleSync(() => done())
      },
    })
    await settle(() => connection.connect(), 10000)
  }, 15000)

  function settleSync(call: () => unknown): Outcome {
    try {
      return { how: 'returned', value: valueText(call()) }
    } catch (error) {
      return { how: 'threw', error: infoOf(error) }
    }
  }

  test.each(VALUES.map(([label, , want], i) => [label, i, want] as [string, number, Want]))('done(%s)', (_label, i, want) => {
    expectOutcome(outcomes[i], 'threw', want)
  })

  test('after them, done() still answers the attempt', () => {
    expect(answered).toEqual({ how: 'returned', value: 'undefined' })
  })
})

// ---------------------------------------------------------------------------
// Constructors and functions that do not touch a connection, in a child
// process (rows are JS source; V holds the helpers of SYNC_CHILD). A plain
// aws-crt data class (MqttWill, SocketOptions, HttpProxyOptions,
// TlsConnectionOptions) may keep a bad value until new_connection: the row
// then passes if new_connection throws, naming the field.

const SYNC_TABLES: Array<[string, Array<[string, Want]>]> = [
  [
    'mqtt.MqttClient#new_connection(config), fields validation.test.ts and limits.test.ts do not cover',
    [
      ['new mqtt.MqttClient().new_connection(null)', T(/config(?!\.)/)],
      ['new mqtt.MqttClient().new_connection(5)', T(/config(?!\.)/)],
      ["new mqtt.MqttClient().new_connection('x')", T(/config(?!\.)/)],
      ['new mqtt.MqttClient().new_connection([])', T(/config(?!\.)/)],
      ['V.nc({ client_id: {} })', T(/config\.client_id/)],
      ['V.nc({ client_id: V.LONG_ASCII })', R(/config\.client_id/)],
      ['V.nc({ client_id: V.LONG_3BYTE })', R(/config\.client_id/)],
      ["V.nc({ client_id: 'a\\u0000b' })", TR(/config\.client_id/)],
      ["V.nc({ client_id: 'a\\ud800' })", TR(/config\.client_id/)],
      ["V.nc({ host_name: '' })", R(/config\.host_name/)],
      ['V.nc({ host_name: {} })', T(/config\.host_name/)],
      ['V.nc({ port: null })', T(/config\.port/)],
      ['V.nc({ port: [] })', T(/config\.port/)],
      ['V.nc({ port: Infinity })', R(/config\.port/)],
      ['V.nc({ port: 2**32 })', R(/config\.port/)],
      ['V.nc({ port: 1e300 })', R(/config\.port/)],
      ['V.nc({ keep_alive: NaN })', R(/config\.keep_alive/)],
      ['V.nc({ keep_alive: 1.5 })', R(/config\.keep_alive/)],
      ['V.nc({ keep_alive: Infinity })', R(/config\.keep_alive/)],
      ['V.nc({ keep_alive: 2**32 })', R(/config\.keep_alive/)],
      ['V.nc({ ping_timeout: NaN })', R(/config\.ping_timeout/)],
      ['V.nc({ ping_timeout: 1.5 })', R(/config\.ping_timeout/)],
      ['V.nc({ ping_timeout: 2**32 })', R(/config\.ping_timeout/)],
      ["V.nc({ ping_timeout: 'x' })", T(/config\.ping_timeout/)],
      ['V.nc({ timeout: NaN })', R(/config\.timeout/)],
      ["V.nc({ timeout: 'x' })", T(/config\.timeout/)],
      ['V.nc({ protocol_operation_timeout: NaN })', R(/config\.protocol_operation_timeout/)],
      ['V.nc({ protocol_operation_timeout: 2**32 })', R(/config\.protocol_operation_timeout/)],
      ["V.nc({ protocol_operation_timeout: 'x' })", T(/config\.protocol_operation_timeout/)],
      ['V.nc({ reconnect_min_sec: NaN })', R(/config\.reconnect_min_sec/)],
      ['V.nc({ reconnect_min_sec: Infinity })', R(/config\.reconnect_min_sec/)],
      ["V.nc({ reconnect_min_sec: 'x' })", T(/config\.reconnect_min_sec/)],
      ['V.nc({ reconnect_min_sec: 1e300 })', R(/config\.reconnect_min_sec/)],
      ['V.nc({ reconnect_min_sec: 2**64 })', R(/config\.reconnect_min_sec/)],
      ['V.nc({ reconnect_max_sec: Infinity })', R(/config\.reconnect_max_sec/)],
      ['V.nc({ reconnect_max_sec: 1e300 })', R(/config\.reconnect_max_sec/)],
      ['V.nc({ reconnect_max_sec: Number.MAX_VALUE })', R(/config\.reconnect_max_sec/)],
      ['V.nc({ offline_queue_max_operations: -1 })', R(/config\.offline_queue_max_operations/)],
      ['V.nc({ offline_queue_max_operations: 1.5 })', R(/config\.offline_queue_max_operations/)],
      ['V.nc({ offline_queue_max_operations: NaN })', R(/config\.offline_queue_max_operations/)],
      ['V.nc({ offline_queue_max_operations: 2**53 })', R(/config\.offline_queue_max_operations/)],
      ['V.nc({ offline_queue_max_bytes: 0 })', R(/config\.offline_queue_max_bytes/)],
      ['V.nc({ offline_queue_max_bytes: -1 })', R(/config\.offline_queue_max_bytes/)],
      ['V.nc({ offline_queue_max_bytes: Infinity })', R(/config\.offline_queue_max_bytes/)],
      ['V.nc({ max_incoming_packet_bytes: NaN })', R(/config\.max_incoming_packet_bytes/)],
      ['V.nc({ max_incoming_packet_bytes: 1.5 })', R(/config\.max_incoming_packet_bytes/)],
      ["V.nc({ max_incoming_packet_bytes: 'x' })", T(/config\.max_incoming_packet_bytes/)],
      ['V.nc({ receive_buffer_bytes: -1 })', R(/config\.receive_buffer_bytes/)],
      ['V.nc({ receive_buffer_bytes: NaN })', R(/config\.receive_buffer_bytes/)],
      ['V.nc({ receive_buffer_bytes: Infinity })', R(/config\.receive_buffer_bytes/)],
      ["V.nc({ retry_first_connect: 'yes' })", T(/config\.retry_first_connect/)],
      ['V.nc({ username: V.LONG_ASCII })', R(/config\.username/)],
      ['V.nc({ username: V.LONG_3BYTE })', R(/config\.username/)],
      ["V.nc({ username: 'a\\u0000b' })", TR(/config\.username/)],
      ["V.nc({ username: 'u', password: V.LONG_ASCII })", R(/config\.password/)],
      ["V.nc({ username: 'u', password: Buffer.from('p') })", T(/config\.password/)],
      ['V.nc({ tls_ctx: 5 })', T(/config\.tls_ctx/)],
      ['V.nc({ tls_ctx: new io.TlsContextOptions() })', T(/config\.tls_ctx/)],
    ],
  ],
  [
    'mqtt.MqttClient and mqtt.MqttWill (the will checked by new_connection)',
    [
      ['new mqtt.MqttClient(5)', T(/bootstrap/)],
      ["new mqtt.MqttClient('x')", T(/bootstrap/)],
      ["V.will(5, 1, 'x')", T(/will\.topic/)],
      ["V.will('', 1, 'x')", TR(/will\.topic/)],
      ["V.will('#', 1, 'x')", TR(/will\.topic/)],
      ["V.will('a/\\u0000', 1, 'x')", TR(/will\.topic/)],
      ["V.will('a/\\ud800', 1, 'x')", TR(/will\.topic/)],
      ["V.will(V.LONG_ASCII, 1, 'x')", TR(/will\.topic/)],
      ["V.will(V.LONG_3BYTE, 1, 'x')", TR(/will\.topic/)],
      ["V.will(V.LONG_4BYTE, 1, 'x')", TR(/will\.topic/)],
      ["V.will('a/b', 3, 'x')", R(/will\.qos/)],
      ["V.will('a/b', -1, 'x')", R(/will\.qos/)],
      ["V.will('a/b', NaN, 'x')", R(/will\.qos/)],
      ["V.will('a/b', 1.5, 'x')", R(/will\.qos/)],
      ["V.will('a/b', '1', 'x')", T(/will\.qos/)],
      ["V.will('a/b', undefined, 'x')", T(/will\.qos/)],
      ["V.will('a/b', 1, 5)", T(/will\.payload/)],
      ["V.will('a/b', 1, true)", T(/will\.payload/)],
      ["V.will('a/b', 1, Symbol('p'))", T(/will\.payload/)],
      ["V.will('a/b', 1, Buffer.alloc(65536))", TR(/will\.payload/)],
      ["V.will('a/b', 1, V.LONG_3BYTE)", TR(/will\.payload/)],
      ["V.will('a/b', 1, 'x', 'yes')", T(/will\.retain/)],
    ],
  ],
  [
    'io.SocketOptions (checked by new_connection)',
    [
      ["V.socket('x')", T(/socket_options\.type/)],
      ['V.socket(1)', R(/socket_options\.type/)],
      ['V.socket(5)', R(/socket_options\.type/)],
      ["V.socket(0, 'x')", T(/socket_options\.domain/)],
      ['V.socket(0, 5)', R(/socket_options\.domain/)],
      ['V.socket(0, NaN)', R(/socket_options\.domain/)],
      ["V.socket(0, 1, 'x')", T(/socket_options\.connect_timeout_ms/)],
      ['V.socket(0, 1, -1)', R(/socket_options\.connect_timeout_ms/)],
      ['V.socket(0, 1, NaN)', R(/socket_options\.connect_timeout_ms/)],
      ['V.socket(0, 1, 1.5)', R(/socket_options\.connect_timeout_ms/)],
      ['V.socket(0, 1, 2**32)', R(/socket_options\.connect_timeout_ms/)],
      ["V.socket(0, 1, 1000, 'yes')", T(/socket_options\.keepalive/)],
      ["V.socket(0, 1, 1000, true, 'x')", T(/socket_options\.keep_alive_interval_sec/)],
      ['V.socket(0, 1, 1000, true, 70000)', R(/socket_options\.keep_alive_interval_sec/)],
      ['V.socket(0, 1, 1000, true, -1)', R(/socket_options\.keep_alive_interval_sec/)],
      ['V.socket(0, 1, 1000, true, 1, -1)', R(/socket_options\.keep_alive_timeout_sec/)],
      ['V.socket(0, 1, 1000, true, 1, 1, 300)', R(/socket_options\.keep_alive_max_failed_probes/)],
      ['V.socket(0, 1, 1000, true, 1, 1, 1.5)', R(/socket_options\.keep_alive_max_failed_probes/)],
      ["V.socket(0, 1, 1000, false, 'x')", T(/socket_options\.keep_alive_interval_sec/)],
    ],
  ],
  [
    'http.HttpProxyOptions and io.TlsConnectionOptions (checked by new_connection)',
    [
      ['V.proxy(5, 3128)', T(/proxy_options\.host_name/)],
      ["V.proxy('', 3128)", R(/proxy_options\.host_name/)],
      ["V.proxy('127.0.0.1')", T(/proxy_options\.port/)],
      ["V.proxy('127.0.0.1', -1)", R(/proxy_options\.port/)],
      ["V.proxy('127.0.0.1', NaN)", R(/proxy_options\.port/)],
      ["V.proxy('127.0.0.1', 1.5)", R(/proxy_options\.port/)],
      ["V.proxy('127.0.0.1', 70000)", R(/proxy_options\.port/)],
      ["V.proxy('127.0.0.1', 3128, 'x')", T(/proxy_options\.auth_method/)],
      ["V.proxy('127.0.0.1', 3128, 5)", R(/proxy_options\.auth_method/)],
      ["V.proxy('127.0.0.1', 3128, 1, 5, 'p')", T(/proxy_options\.auth_username/)],
      ["V.proxy('127.0.0.1', 3128, 1, 'u', 5)", T(/proxy_options\.auth_password/)],
      ["V.proxy('127.0.0.1', 3128, 0, 5, 'p')", T(/proxy_options\.auth_username/)],
      ["V.proxy('127.0.0.1', 3128, 0, undefined, undefined, 'x')", T(/proxy_options\.tls_opts/)],
      ["V.proxy('127.0.0.1', 3128, 0, undefined, undefined, {})", T(/proxy_options\.tls_opts/)],
      ["V.proxy('127.0.0.1', 3128, 0, undefined, undefined, undefined, 'x')", T(/proxy_options\.connection_type/)],
      ["V.proxy('127.0.0.1', 3128, 0, undefined, undefined, undefined, 9)", R(/proxy_options\.connection_type/)],
      ['new io.TlsConnectionOptions()', T(/tls_ctx/)],
      ['new io.TlsConnectionOptions(5)', T(/tls_ctx/)],
      ['new io.TlsConnectionOptions(new io.TlsContextOptions())', T(/tls_ctx/)],
      ['V.tlsProxy(V.ctx(), 5)', T(/server_name/)],
      ["V.tlsProxy(V.ctx(), undefined, 'mqtt')", T(/alpn_list/)],
      ['V.tlsProxy(V.ctx(), undefined, [5])', T(/alpn_list/)],
    ],
  ],
  [
    'io.ClientTlsContext(options), io.TlsContextOptions',
    [
      ['new io.ClientTlsContext(5)', T(/options/)],
      ['new io.ClientTlsContext(null)', T(/options/)],
      ["new io.ClientTlsContext('x')", T(/options/)],
      ["V.tls({ min_tls_version: 'x' })", T(/options\.min_tls_version/)],
      ['V.tls({ min_tls_version: NaN })', R(/options\.min_tls_version/)],
      ['V.tls({ min_tls_version: -1 })', R(/options\.min_tls_version/)],
      ['V.tls({ min_tls_version: 1.5 })', R(/options\.min_tls_version/)],
      ['V.tls({ min_tls_version: 9 })', R(/options\.min_tls_version/)],
      ['V.tls({ ca_filepath: 5 })', T(/options\.ca_filepath/)],
      ['V.tls({ ca_dirpath: 5 })', T(/options\.ca_dirpath/)],
      ['V.tls({ certificate_authority: 5 })', T(/options\.certificate_authority/)],
      ["V.tls({ certificate_authority: Buffer.from('x') })", T(/options\.certificate_authority/)],
      ["V.tls({ alpn_list: 'mqtt' })", T(/options\.alpn_list/)],
      ['V.tls({ alpn_list: [5] })', T(/options\.alpn_list/)],
      ["V.tls({ alpn_list: [''] })", R(/options\.alpn_list/)],
      ["V.tls({ alpn_list: ['a'.repeat(256)] })", R(/options\.alpn_list/)],
      ['V.tls({ certificate: 5 })', T(/options\.certificate/)],
      ['V.tls({ private_key: 5 })', T(/options\.private_key/)],
      ['V.tls({ certificate_filepath: 5 })', T(/options\.certificate_filepath/)],
      ['V.tls({ private_key_filepath: 5 })', T(/options\.private_key_filepath/)],
      ['V.tls({ pkcs12_filepath: 5 })', T(/options\.pkcs12_filepath/)],
      ['V.tls({ pkcs12_password: 5 })', T(/options\.pkcs12_password/)],
      ["V.tls({ verify_peer: 'no' })", T(/options\.verify_peer/)],
      ['V.tls({ verify_peer: 0 })', T(/options\.verify_peer/)],
      ['new io.ClientTlsContext(io.TlsContextOptions.create_client_with_mtls(5, 5))', T(/certificate/)],
      ['new io.ClientTlsContext(io.TlsContextOptions.create_client_with_mtls_from_path(5, 5))', T(/certificate_filepath/)],
      ['new io.ClientTlsContext(io.TlsContextOptions.create_client_with_mtls_pkcs12_from_path(5, 5))', T(/pkcs12_filepath/)],
      ['(() => { const o = new io.TlsContextOptions(); o.override_default_trust_store(5); return new io.ClientTlsContext(o) })()', T(/certificate_authority/)],
      ['(() => { const o = new io.TlsContextOptions(); o.override_default_trust_store_from_path(5, 5); return new io.ClientTlsContext(o) })()', T(/ca_dirpath|ca_filepath/)],
    ],
  ],
  [
    'io.error_code_to_string, io.error_code_to_name, io.enable_logging',
    [
      ...['error_code_to_string', 'error_code_to_name'].flatMap((fn): Array<[string, Want]> => [
        [`io.${fn}()`, T(/error_code/)],
        [`io.${fn}(null)`, T(/error_code/)],
        [`io.${fn}('1')`, T(/error_code/)],
        [`io.${fn}({})`, T(/error_code/)],
        [`io.${fn}(5n)`, T(/error_code/)],
        [`io.${fn}(NaN)`, R(/error_code/)],
        [`io.${fn}(Infinity)`, R(/error_code/)],
        [`io.${fn}(-1)`, R(/error_code/)],
        [`io.${fn}(1.5)`, R(/error_code/)],
        [`io.${fn}(2**32)`, R(/error_code/)],
      ]),
      ['io.enable_logging()', T(/level/)],
      ['io.enable_logging(null)', T(/level/)],
      ["io.enable_logging('1')", T(/level/)],
      ['io.enable_logging(NaN)', R(/level/)],
      ['io.enable_logging(-1)', R(/level/)],
      ['io.enable_logging(1.5)', R(/level/)],
      ['io.enable_logging(7)', R(/level/)],
      ['io.enable_logging(2**32)', R(/level/)],
    ],
  ],
  [
    'http.HttpHeaders and http.HttpRequest',
    [
      ['new http.HttpHeaders(5)', T(/headers/)],
      ['new http.HttpHeaders([5])', T(/headers/)],
      ["new http.HttpHeaders([['a', 5]])", T(/headers|value/)],
      ["V.headers().add(5, 'x')", T(/name/)],
      ["V.headers().add('a', 5)", T(/value/)],
      ["V.headers().add('', 'x')", TR(/name/)],
      ["V.headers().add('bad name', 'x')", TR(/name/)],
      ["V.headers().add('X-A', 'x\\r\\nX-Injected: 1')", TR(/value/)],
      ["V.headers().add('X-A', 'x\\u0000')", TR(/value/)],
      ["V.headers().set(5, 'x')", T(/name/)],
      ["V.headers().set('a', 5)", T(/value/)],
      ['V.headers().get(5)', T(/name/)],
      ['V.headers().get()', T(/name/)],
      ['V.headers().get_values(5)', T(/name/)],
      ['V.headers().remove(5)', T(/name/)],
      ["V.headers().remove_value(5, 'x')", T(/name/)],
      ["new http.HttpRequest(5, '/')", T(/method/)],
      ["new http.HttpRequest('GET', 5)", T(/path/)],
      ["new http.HttpRequest('GET', '/', 5)", T(/headers/)],
      ["new http.HttpRequest('GET', '/', {})", T(/headers/)],
    ],
  ],
]

describe('constructors and functions without a connection throw a TypeError/RangeError naming the argument (child process)', () => {
  const sources = SYNC_TABLES.flatMap(([, rows]) => rows.map(([source]) => source))
  let outcomes: Outcome[]
  beforeAll(async () => {
    outcomes = await runSyncRows(sources, brokers.aedes!.port)
  }, 60000)

  let offset = 0
  for (const [table, rows] of SYNC_TABLES) {
    const first = offset
    offset += rows.length
    describe(table, () => {
      test.each(rows.map(([source, want], i) => [source, first + i, want] as [string, number, Want]))('%s', (_source, index, want) => {
        expectOutcome(outcomes[index], 'threw', want)
      })

      test('afterwards: both shared connections still work (a new subscription, a publish, an unsubscribe)', async () => {
        await crtRoundTrip(crtOf.aedes!, true)
        await jsRoundTrip(jsOf.aedes!, true)
      })
    })
  }
})
