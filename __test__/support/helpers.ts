import { mqtt } from '../../index'

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** `getOperationalStatistics()` of a connection with no operation pending. */
export const NO_OPERATIONS = Object.freeze({
  incompleteOperationCount: 0,
  incompleteOperationSize: 0,
  unackedOperationCount: 0,
  unackedOperationSize: 0,
})

/** Resolves when `predicate()` is true; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

export interface Emitter {
  once(event: string, listener: (...args: any[]) => void): unknown
  removeListener(event: string, listener: (...args: any[]) => void): unknown
}

/** The arguments of the next `event` emitted by `emitter`; rejects after `timeoutMs`. */
export function once<T extends unknown[] = unknown[]>(emitter: Emitter, event: string, timeoutMs = 10000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer)
      resolve(args as T)
    }
    const timer = setTimeout(() => {
      emitter.removeListener(event, listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`))
    }, timeoutMs)
    emitter.once(event, listener)
  })
}

/** Rejects with a named timeout if `promise` has not settled in `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

let counter = 0
/** A client id unique to this run (23 characters at most, as MQTT 3.1 brokers want). */
export function uniqueId(prefix = 't'): string {
  counter += 1
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter.toString(36)}`.slice(0, 23)
}

/** A topic unique to this run. */
export function uniqueTopic(prefix = 'test'): string {
  return `mqtt-napi/${prefix}/${uniqueId('')}`
}

export interface Endpoint {
  host: string
  port: number
}

/** Connections made by `newConnection`, so `cleanupConnections` can close what a failed test left open. */
const tracked = new Set<{ connection: mqtt.MqttClientConnection }>()

/** A connection to `broker` with a fresh client id and clean_session true, unless overridden. */
export function newConnection(
  broker: Endpoint,
  overrides: Partial<mqtt.MqttConnectionConfig> = {},
): mqtt.MqttClientConnection {
  const connection = new mqtt.MqttClient().new_connection({
    client_id: uniqueId(),
    host_name: broker.host,
    port: broker.port,
    clean_session: true,
    ...overrides,
  })
  tracked.add({ connection })
  return connection
}

/** Connects and returns the connection; a helper for tests that need a working client. */
export async function connected(
  broker: Endpoint,
  overrides: Partial<mqtt.MqttConnectionConfig> = {},
): Promise<mqtt.MqttClientConnection> {
  const connection = newConnection(broker, overrides)
  await within(connection.connect(), 10000, 'connect')
  return connection
}

/**
 * A connection to `broker` subscribed to `topic` (QoS 1 unless given) that
 * keeps every payload it receives there, in order of arrival.
 */
export async function receiverOf(
  broker: Endpoint,
  topic: string,
  qos: mqtt.QoS = mqtt.QoS.AtLeastOnce,
): Promise<{ connection: mqtt.MqttClientConnection; payloads: Buffer[]; texts(): string[] }> {
  const connection = await connected(broker)
  const payloads: Buffer[] = []
  await connection.subscribe(topic, qos, (_topic, payload) => payloads.push(Buffer.from(payload)))
  return { connection, payloads, texts: () => payloads.map((p) => p.toString()) }
}

/**
 * Takes a connection out of `cleanupConnections`' hands: for connections
 * shared by several tests (made in beforeAll, closed in afterAll).
 */
export function untrack(connection: mqtt.MqttClientConnection): mqtt.MqttClientConnection {
  for (const entry of tracked) if (entry.connection === connection) tracked.delete(entry)
  return connection
}

/** Disconnects every connection a test made. Call from afterEach. */
export async function cleanupConnections(): Promise<void> {
  const entries = [...tracked]
  tracked.clear()
  // Every one, not only the connected: a connection whose link was lost keeps
  // reconnecting (and keeps the process alive) until disconnect(). One that
  // does not finish disconnecting is a defect, and fails the test.
  const results = await Promise.allSettled(
    entries.map((e) => within(e.connection.disconnect(), 5000, 'disconnect in cleanup')),
  )
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length > 0) throw new Error(`${failed.length} connection(s) did not disconnect: ${failed[0].reason}`)
}

/** The bytes of an ArrayBuffer or view, as a Buffer for exact comparison. */
export function bytesOf(data: ArrayBuffer | ArrayBufferView): Buffer {
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data)
}

export interface Received {
  topic: string
  payload: ArrayBuffer
  dup: boolean
  qos: number
  retain: boolean
}

/** A message callback that records what it gets. */
export function collector(): { messages: Received[]; callback: mqtt.OnMessageCallback } {
  const messages: Received[] = []
  return {
    messages,
    callback: (topic, payload, dup, qos, retain) => {
      messages.push({ topic, payload, dup, qos, retain })
    },
  }
}
