// One benchmark process: a publisher, a subscriber, or a set of idle
// connections, driving one client through its adapter in ./clients/.
//
//   node worker.mjs <client> pub|sub|conns --port P --topic T --qos Q --size S
//                   --count N --window W [--rate R] [--id CLIENT_ID]
//                   [--version 5 --user-properties N]
//
// Talks to the coordinator in JSON lines: stdout {"ready":true} then
// {"result":{...}} (or {"error":"..."}); stdin "go" (pub: start publishing),
// "done" (sub: the publisher has finished) and "close" (pub: the subscriber has
// finished, disconnect). bench/driver.rs speaks the same protocol, so the
// coordinator treats every client alike.
import { createInterface } from 'node:readline'

const STALL_MS = 5_000 // After the publisher finished: this long without a message = lost.
const DISCONNECT_MS = 3_000
/**
 * How long connections sit idle before memory is read: V8 grows its young
 * generation while they connect (by allocation rate, not by what they hold)
 * and gives it back once the process is idle, after about 8 s.
 */
const IDLE_MS = 10_000

const now = () => performance.timeOrigin + performance.now()
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n')

const [clientName, role, ...rest] = process.argv.slice(2)
const options = parseFlags(rest)
const client = await import(`./clients/${clientName}.mjs`)
const commands = lines()

try {
  const roles = { pub: publisher, sub: subscriber, conns: connections }
  if (!roles[role]) throw new Error(`unknown role "${role}"`)
  await roles[role](options)
  process.exit(0)
} catch (error) {
  send({ error: `${clientName} ${role}: ${error?.stack ?? error}` })
  process.exit(1)
}

/** What an adapter's connect() takes: the broker, the id, and MQTT 5's version and user properties. */
function connectOptions(options) {
  return { port: options.port, clientId: options.id, version: options.version, userProperties: options['user-properties'] }
}

function parseFlags(args) {
  const flags = { window: 1000, rate: 0, version: 4, 'user-properties': 0, id: `bench-${role}-${process.pid}` }
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, '')
    flags[name] = name === 'topic' || name === 'id' ? args[i + 1] : Number(args[i + 1])
  }
  return flags
}

/** The coordinator's commands, one awaited at a time. */
function lines() {
  const queue = []
  const waiting = []
  createInterface({ input: process.stdin }).on('line', (line) => {
    const resolve = waiting.shift()
    if (resolve) resolve(line.trim())
    else queue.push(line.trim())
  })
  return {
    next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r))),
  }
}

async function expect(command) {
  const line = await commands.next()
  if (line !== command) throw new Error(`expected "${command}" from the coordinator, got "${line}"`)
}

function cpuMicros(usage) {
  return usage.user + usage.system
}

/** Ends the connections; a disconnect that hangs exits with code 3 for the coordinator to report. */
async function closeAll(connections) {
  const timeout = new Promise((resolve) => setTimeout(resolve, DISCONNECT_MS, false).unref())
  const closed = Promise.allSettled(connections.map((c) => c.disconnect())).then(() => true)
  if (!(await Promise.race([closed, timeout]))) {
    process.stderr.write(`disconnect() did not settle within ${DISCONNECT_MS} ms\n`)
    process.exit(3)
  }
}

/** The send time (ms since the epoch) in the first 8 bytes; payloads come as ArrayBuffer or Buffer. */
function readStamp(payload) {
  const view = ArrayBuffer.isView(payload)
    ? new DataView(payload.buffer, payload.byteOffset, 8)
    : new DataView(payload, 0, 8)
  return view.getFloat64(0, true)
}

function stampedPayload(size) {
  const payload = Buffer.alloc(size)
  payload.writeDoubleLE(now(), 0)
  return payload
}

/**
 * Publishes `count` messages, each with its own promise, keeping at most
 * `window` of them unsettled; with `rate` (msg/s) also paced on a 1 ms timer.
 */
function publishAll(connection, { topic, qos, size, count, window, rate }) {
  // Throughput runs reuse one payload (every client copies it before its promise
  // settles); paced runs need a fresh send time in each.
  const fixed = Buffer.alloc(size, 0x61)
  const payloadFor = rate ? () => stampedPayload(size) : () => fixed
  const start = now()
  let sent = 0
  let settled = 0
  let failed = 0
  let firstError
  return new Promise((resolve) => {
    let timer
    const pump = () => {
      const due = rate ? Math.min(count, Math.floor(((now() - start) * rate) / 1000) + 1) : count
      while (sent < due && sent - settled < window) {
        sent++
        connection.publish(topic, payloadFor(), qos).then(settle, fail)
      }
      if (timer && sent === count) clearInterval(timer)
    }
    const settle = () => {
      if (++settled === count) resolve({ failed, firstError })
      else pump()
    }
    const fail = (error) => {
      failed++
      firstError ??= String(error?.message ?? error)
      settle()
    }
    if (rate) timer = setInterval(pump, 1)
    pump()
  })
}

async function publisher(options) {
  const connection = await client.connect(connectOptions(options))
  send({ ready: true })
  await expect('go')
  const cpuStart = process.cpuUsage()
  const start = now()
  const { failed, firstError } = await publishAll(connection, options)
  const end = now()
  const cpuUs = cpuMicros(process.cpuUsage(cpuStart))
  send({ result: { role: 'pub', sent: options.count, failed, firstError, start, end, cpuUs } })
  // Stay connected until the subscriber has everything: aws-crt settles QoS 0
  // publishes before they leave the process, and a disconnect then drops them.
  await expect('close')
  await closeAll([connection])
}

async function subscriber(options) {
  const { count, size, rate } = options
  const connection = await client.connect(connectOptions(options))
  const latencies = rate ? new Float64Array(count) : undefined
  let received = 0
  let wrongSize = 0
  let first = 0
  let last = 0
  let cpuStart
  let cpuUs = 0
  let complete
  const completed = new Promise((resolve) => (complete = resolve))
  const onMessage = (payload) => {
    const t = now()
    if (received === 0) first = t
    if (payload.byteLength !== size) wrongSize++
    if (latencies && received < count) latencies[received] = t - readStamp(payload)
    if (++received === count) {
      last = t
      cpuUs = cpuMicros(process.cpuUsage(cpuStart))
      complete()
    }
  }
  await connection.subscribe(options.topic, options.qos, onMessage)
  cpuStart = process.cpuUsage()
  send({ ready: true })
  await expect('done')
  // The tail may still be in flight; STALL_MS without progress means lost.
  let seen = -1
  let stalled
  const watchdog = setInterval(() => {
    if (received === seen) stalled ??= now()
    else stalled = undefined
    seen = received
    if (stalled && now() - stalled >= STALL_MS) complete()
  }, 100)
  await completed
  clearInterval(watchdog)
  if (received < count) cpuUs = cpuMicros(process.cpuUsage(cpuStart))
  send({
    result: {
      role: 'sub',
      received,
      wrongSize,
      first,
      last,
      cpuUs,
      latency: latencies && summarize(latencies.subarray(0, Math.min(received, count))),
    },
  })
  await closeAll([connection])
}

function summarize(samples) {
  if (samples.length === 0) return undefined
  const sorted = Float64Array.from(samples).sort()
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] }
}

/**
 * `warmup` connections first (not measured: what a process pays once, such as
 * loading code and starting threads), then `count` more, at most `window`
 * connecting at a time: the time until those are up, and memory per idle
 * connection (read after `IDLE_MS` of idleness, before and after).
 */
async function connections({ port, count, warmup, id, window }) {
  const connectAll = async (first, n) => {
    const outcomes = new Array(n)
    let next = 0
    const lane = async () => {
      while (next < n) {
        const i = next++
        outcomes[i] = await client.connect({ port, clientId: `${id}-${first + i}` }).then(
          (value) => ({ status: 'fulfilled', value }),
          (reason) => ({ status: 'rejected', reason }),
        )
      }
    }
    await Promise.all(Array.from({ length: Math.min(window, n) }, lane))
    return outcomes
  }
  const idleMemory = async () => {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
    global.gc()
    return process.memoryUsage()
  }
  const warm = await connectAll(0, warmup)
  const before = await idleMemory()
  const start = now()
  const outcomes = await connectAll(warmup, count)
  const end = now()
  const after = await idleMemory()
  const all = [...warm, ...outcomes]
  const open = all.filter((o) => o.status === 'fulfilled').map((o) => o.value)
  const rejected = all.find((o) => o.status === 'rejected')
  send({
    result: {
      role: 'conns',
      count,
      connected: open.length - warmup,
      firstError: rejected && String(rejected.reason?.message ?? rejected.reason),
      connectMs: end - start,
      rssPerConn: (after.rss - before.rss) / count,
      heapPerConn: (after.heapUsed - before.heapUsed) / count,
    },
  })
  await closeAll(open)
}
