/**
 * Leaks and lifecycle under repetition. The long loops run in child Node
 * processes started with --expose-gc (support/stress-*.js), so jest's own
 * memory stays out of the numbers, each measurement follows gc(), and the
 * child must exit by itself at the end:
 * - create/connect/disconnect cycles with the aws-crt API and connect/end
 *   cycles with the MQTT.js API, and subscribe/unsubscribe pairs with both:
 *   RSS, JS heap, open file descriptors, threads and Node's active resources
 *   after the cycles against after a warm-up;
 * - disconnect()/end() right after connect(), against a broker, a slow one,
 *   a silent one and a closed port: every call settles, nothing stays open;
 * - garbage collection of dropped connections: an idle one is collected (its
 *   socket, if any, closes), a connected one holds itself until disconnect();
 * - a pending disconnect()/end() keeps the process alive until it settles.
 * Unsubscribing while a publisher floods the topic runs here, on each broker.
 *
 * The counts are the issue's: 10,000 cycles and 100,000 pairs for each API
 * (with mosquitto; a third of that on aedes, three times slower per cycle).
 * scripts/soak.mjs runs the same cycles for as long as asked.
 */
import path from 'path'
import { mqtt } from '../../index'
import { availableBrokers, Broker, BrokerKind, startBroker, brokerPerSuite } from '../support/brokers/brokers'
import { dialects, endAllClients, firstConnect, MqttClient } from '../support/dialect'
import { cleanupConnections, connected, sleep, uniqueTopic, waitFor, within } from '../support/helpers'
import { freePort } from '../support/ports'
import { describeRun, Run, runNode } from '../support/node-process'

const SUPPORT = path.join(__dirname, '..', 'support', 'scripts')
const MB = 1024 * 1024

/** `node --expose-gc <args>` (see runNode). */
const runNodeWithGc = (args: string[], limitMs: number): Promise<Run> => runNode(args, limitMs, ['--expose-gc'])

/** mosquitto when installed (three times faster per cycle than aedes, so the counts fit), else aedes. */
const LEAK_BROKER: BrokerKind = availableBrokers().includes('mosquitto') ? 'mosquitto' : 'aedes'
const SCALE = LEAK_BROKER === 'mosquitto' ? 1 : 1 / 3

/** Cycles (or pairs) per workload: before the first measurement, and measured. */
const COUNTS = {
  crt: { warmup: 1000, count: Math.round(10000 * SCALE) },
  mqttjs: { warmup: 1000, count: Math.round(10000 * SCALE) },
  'pairs-crt': { warmup: 5000, count: Math.round(100000 * SCALE) },
  'pairs-mqttjs': { warmup: 5000, count: Math.round(100000 * SCALE) },
}

/**
 * What the cycles may leave behind. Measured (mosquitto): RSS +1 MB per
 * 10,000 connect cycles of either API; per 100,000 pairs RSS +6 to +8 MB, all
 * of it V8 committing more heap pages (heapTotal 8 -> 21 MB) while the heap
 * in use stays put (+0.1 MB), and no further growth past that (measured up to
 * 300,000 pairs). So the bounds: RSS beyond what V8's heapTotal grew by at
 * most 8 MB, RSS at most 24 MB in all, the heap in use at most 1 MB. Keeping
 * each connection alive makes +100 MB RSS and +13 MB heap per 10,000 cycles;
 * keeping a 1 KB Buffer per cycle, +14 MB RSS and +2 MB heap: both caught.
 */
const LIMITS = { nativeMb: 8, rssMb: 24, heapMb: 1, fdGrowth: 1 }

/** The JSON line a support script printed last; throws with the whole run when there is none. */
function resultOf<T>(run: Run): T {
  const line = run.stdout.trim().split('\n').pop() ?? ''
  try {
    const result = JSON.parse(line)
    if (result.error) throw new Error(result.error)
    return result as T
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${describeRun(run)}`)
  }
}

/** The run ended by itself, cleanly: no kill, no signal, exit code 0, nothing on stderr but warnings. */
function expectCleanExit(run: Run) {
  const unexpected = run.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/Warning|--trace-warnings/.test(line))
  expect({ timedOut: run.timedOut, signal: run.signal, code: run.code, stderr: unexpected }).toEqual({
    timedOut: false,
    signal: null,
    code: 0,
    stderr: [],
  })
}

interface Sample {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  fds: number
  threads: number
  resources: Record<string, number>
}

interface CyclesResult {
  work: string
  warmup: number
  count: number
  ms: number
  start: Sample
  afterWarmup: Sample
  after: Sample
  closed: Sample
}

function describeSample(s: Sample): string {
  return `rss ${(s.rss / MB).toFixed(1)} MB, heap ${(s.heapUsed / MB).toFixed(2)}/${(s.heapTotal / MB).toFixed(1)} MB, fds ${s.fds}, threads ${s.threads}, resources ${JSON.stringify(s.resources)}`
}

/** What a run of cycles left that it should not have, in words (empty when nothing). */
function leftovers(r: CyclesResult): string[] {
  const problems: string[] = []
  const rssGrowth = (r.after.rss - r.afterWarmup.rss) / MB
  const heapTotalGrowth = Math.max(0, (r.after.heapTotal - r.afterWarmup.heapTotal) / MB)
  const heapGrowth = (r.after.heapUsed - r.afterWarmup.heapUsed) / MB
  const context = `(${r.count} ${r.work} in ${r.ms} ms; after warm-up: ${describeSample(r.afterWarmup)}; after: ${describeSample(r.after)})`
  if (rssGrowth > LIMITS.rssMb) problems.push(`RSS grew by ${rssGrowth.toFixed(1)} MB ${context}`)
  if (rssGrowth - heapTotalGrowth > LIMITS.nativeMb) {
    problems.push(`RSS grew by ${rssGrowth.toFixed(1)} MB, ${(rssGrowth - heapTotalGrowth).toFixed(1)} MB more than V8's heapTotal ${context}`)
  }
  if (heapGrowth > LIMITS.heapMb) problems.push(`the JS heap grew by ${heapGrowth.toFixed(2)} MB ${context}`)
  if (r.after.fds > r.afterWarmup.fds + LIMITS.fdGrowth) problems.push(`open file descriptors went from ${r.afterWarmup.fds} to ${r.after.fds} ${context}`)
  if (r.after.threads !== r.afterWarmup.threads) problems.push(`threads went from ${r.afterWarmup.threads} to ${r.after.threads} ${context}`)
  if (JSON.stringify(r.after.resources) !== JSON.stringify(r.afterWarmup.resources)) {
    problems.push(`active resources went from ${JSON.stringify(r.afterWarmup.resources)} to ${JSON.stringify(r.after.resources)}`)
  }
  // Once the last client closed, no handle of it remains, and no more
  // descriptors are open than after the warm-up (by then the I/O thread's
  // own, opened with the first connection, were open already).
  if (Object.keys(r.closed.resources).length > 0) problems.push(`after closing, active resources remain: ${JSON.stringify(r.closed.resources)}`)
  if (r.closed.fds > r.afterWarmup.fds) problems.push(`after closing, ${r.closed.fds} file descriptors are open (${r.afterWarmup.fds} after the warm-up)`)
  return problems
}

describe(`repeated cycles leak nothing (child process with --expose-gc, ${LEAK_BROKER})`, () => {
  let broker: Broker
  beforeAll(async () => {
    broker = await startBroker(LEAK_BROKER)
  })
  afterAll(async () => {
    await broker?.stop()
  })

  const cases: Array<[string, keyof typeof COUNTS]> = [
    [`aws-crt API: ${COUNTS.crt.count} new_connection/connect/disconnect cycles`, 'crt'],
    [`MQTT.js API: ${COUNTS.mqttjs.count} connect(url, { reconnectPeriod: 0 })/end cycles`, 'mqttjs'],
    [`aws-crt API: ${COUNTS['pairs-crt'].count} subscribe/unsubscribe pairs on one connection`, 'pairs-crt'],
    [`MQTT.js API: ${COUNTS['pairs-mqttjs'].count} subscribeAsync/unsubscribeAsync pairs on one client`, 'pairs-mqttjs'],
  ]

  test.each(cases)('%s: RSS, heap, file descriptors, threads and active resources stay flat', async (_name, work) => {
    const spec = { host: broker.host, port: broker.port, work, ...COUNTS[work], gcEvery: work.startsWith('pairs') ? 1000 : 100 }
    const run = await runNodeWithGc([path.join(SUPPORT, 'stress-cycles.js'), JSON.stringify(spec)], 110000)
    const result = resultOf<CyclesResult>(run)
    expect(leftovers(result)).toEqual([])
    expectCleanExit(run)
  }, 120000)
})

interface AbortRecord {
  rounds: number
  connect: Record<string, number>
  events: Record<string, number>
  lateEvents: Record<string, number>
  failures: Record<string, number>
  serverSocketsOpen?: number
  fdsOpenBeyondStart: number
}

describe('disconnect()/end() right after connect(), many times (child process)', () => {
  let broker: Broker
  beforeAll(async () => {
    broker = await startBroker(LEAK_BROKER)
  })
  afterAll(async () => {
    await broker?.stop()
  })

  test('against a broker, a slow one, a silent one and a closed port: every call settles, nothing stays open, the process exits', async () => {
    const spec = { live: { host: broker.host, port: broker.port }, rounds: 30 }
    const run = await runNodeWithGc([path.join(SUPPORT, 'stress-abort.js'), JSON.stringify(spec)], 60000)
    const { results } = resultOf<{ results: Record<string, AbortRecord> }>(run)
    expect(Object.keys(results).sort()).toEqual(
      ['live', 'slow', 'silent', 'refused'].flatMap((e) => [`${e} crt`, `${e} mqttjs`]).sort(),
    )
    for (const [name, record] of Object.entries(results)) {
      const settled = Object.values(record.connect).reduce((a, b) => a + b, 0)
      const summary = { name, settled, failures: record.failures, lateEvents: record.lateEvents, fds: record.fdsOpenBeyondStart, serverSockets: record.serverSocketsOpen ?? 0 }
      // Every connect() settled and every disconnect()/end() finished within 5 s; nothing happened after it.
      expect(summary).toEqual({ name, settled: record.rounds, failures: {}, lateEvents: {}, fds: 0, serverSockets: 0 })
      if (name.endsWith('crt')) {
        // connect() resolves (it won the race) or rejects with why it stopped.
        const allowed = name.startsWith('refused')
          ? ['AWS_ERROR_MQTT_CONNECTION_DISCONNECTING', 'AWS_IO_SOCKET_CONNECTION_REFUSED']
          : name.startsWith('silent')
            ? ['AWS_ERROR_MQTT_CONNECTION_DISCONNECTING']
            : ['AWS_ERROR_MQTT_CONNECTION_DISCONNECTING', 'resolved']
        expect(Object.keys(record.connect).filter((outcome) => !allowed.includes(outcome))).toEqual([])
      } else {
        expect(record.connect).toEqual({ 'end called back': record.rounds })
        expect(record.events.end).toBe(record.rounds)
      }
    }
    expectCleanExit(run)
  }, 70000)
})

/**
 * A disconnect() or end() still pending keeps Node running until it settles:
 * `await connection.disconnect()` is followed by the next line, whatever
 * state the connection was in (and so does a publish that is bound to be
 * rejected). Each case runs support/stress-exit.js in its
 * own process with nothing else to keep it alive (the racy ones several
 * times); the process must print every step, then exit by itself with 0.
 */
describe('a pending disconnect()/end() settles before the process exits (child processes)', () => {
  let broker: Broker
  let refused: { host: string; port: number }
  beforeAll(async () => {
    broker = await startBroker(LEAK_BROKER)
    refused = { host: '127.0.0.1', port: await freePort() }
  })
  afterAll(async () => {
    await broker?.stop()
  })

  /** The distinct outputs of `runs` runs of `which` (two at a time). */
  async function outputsOf(which: string, endpoint: { host: string; port: number }, runs: number): Promise<string[]> {
    const outputs = new Set<string>()
    for (let i = 0; i < runs; i += 2) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(2, runs - i) }, () =>
          runNodeWithGc([path.join(SUPPORT, 'stress-exit.js'), which, endpoint.host, String(endpoint.port)], 10000),
        ),
      )
      for (const run of batch) outputs.add(run.timedOut ? `${run.stdout}(still running after 10 s)` : `${run.stdout}${run.stderr}`)
    }
    return [...outputs]
  }

  test('aws-crt API: await disconnect() of a connection that never connected', async () => {
    expect(await outputsOf('crt-never-connected', broker, 2)).toEqual(['disconnected\nexit 0\n'])
  })

  test('aws-crt API: await disconnect() after a connect() that was refused (10 runs)', async () => {
    expect(await outputsOf('crt-after-failed-connect', refused, 10)).toEqual([
      'connect rejected AWS_IO_SOCKET_CONNECTION_REFUSED\ndisconnected\nexit 0\n',
    ])
  })

  test('aws-crt API: await disconnect() a second time, after the first resolved (10 runs)', async () => {
    expect(await outputsOf('crt-disconnect-twice', broker, 10)).toEqual(['connected\ndisconnected\ndisconnected again\nexit 0\n'])
  })

  test('aws-crt API: a QoS 0 publish on a connection that never connected rejects (AWS_ERROR_MQTT_NOT_CONNECTED) before the process exits', async () => {
    expect(await outputsOf('crt-qos0-not-connected', broker, 2)).toEqual(['rejected AWS_ERROR_MQTT_NOT_CONNECTED\nexit 0\n'])
  })

  test('MQTT.js API: end(callback) of a manualConnect client that never connected', async () => {
    expect(await outputsOf('mqttjs-never-connected', broker, 2)).toEqual(['ended\nexit 0\n'])
  })

  test('MQTT.js API: publish(QoS 0, callback) with queueQoSZero false on a client that never connected calls back its error before the process exits', async () => {
    expect(await outputsOf('mqttjs-qos0-not-connected', broker, 2)).toEqual(['published: No connection to broker\nexit 0\n'])
  })

  test('MQTT.js API: end(callback) after a refused connect with reconnectPeriod 0 (4 runs)', async () => {
    expect(await outputsOf('mqttjs-after-failed', refused, 4)).toEqual(['error ECONNREFUSED\nended\nexit 0\n'])
  })
})

interface GcResults {
  results: Record<string, Record<string, unknown>>
  fds: { start: number; end: number }
}

describe('garbage collection of dropped connections (child process with --expose-gc)', () => {
  let outcome: GcResults
  let run: Run
  beforeAll(async () => {
    run = await runNodeWithGc([path.join(SUPPORT, 'stress-gc.js')], 60000)
    outcome = resultOf<GcResults>(run)
  }, 70000)

  test('never connected: collected, both APIs; nothing was dialled', () => {
    expect(outcome.results['never connected']).toEqual({ crtCollected: true, mqttjsCollected: true, socketsAccepted: 0 })
  })

  test('disconnected / ended: the server saw the sockets close; then collected, both APIs', () => {
    expect(outcome.results.disconnected).toEqual({ openWhileConnected: 2, serverSawClose: true, crtCollected: true, mqttjsCollected: true })
  })

  test('a first connect that failed (refused): collected, both APIs', () => {
    expect(outcome.results['connect failed']).toEqual({ error: 'AWS_IO_SOCKET_CONNECTION_REFUSED', crtCollected: true, mqttjsCollected: true })
  })

  test('connected and dropped: not collected, still connected and usable; collected once disconnected / ended', () => {
    expect(outcome.results['connected and dropped']).toEqual({
      held: true,
      alive: true,
      openAfterGc: 2,
      crtPublish: 'acknowledged',
      mqttjsPublish: 'acknowledged',
      serverSawClose: true,
      crtCollectedAfterDisconnect: true,
      mqttjsCollectedAfterEnd: true,
    })
  })

  test('the native half, connected and dropped: collecting it closes its socket (the server sees it) and frees its descriptor', () => {
    const r = outcome.results['native half dropped while connected'] as Record<string, number | boolean>
    expect({
      openWhileConnected: r.openWhileConnected,
      // The client's socket and the server's end of it, both in that process.
      fdsWhileConnected: (r.fdsWhileConnected as number) - (r.fdsBefore as number),
      nativeCollected: r.nativeCollected,
      serverSawClose: r.serverSawClose,
      fdsAfterCollection: (r.fdsAfter as number) - (r.fdsBefore as number),
    }).toEqual({ openWhileConnected: 1, fdsWhileConnected: 2, nativeCollected: true, serverSawClose: true, fdsAfterCollection: 0 })
  })

  test('the native half, dropped while waiting for CONNACK: collecting it closes its socket', () => {
    expect(outcome.results['native half dropped while connecting']).toEqual({ openWhileConnecting: 1, nativeCollected: true, serverSawClose: true })
  })

  test('no descriptor left over, and the process exits by itself', () => {
    expect(outcome.fds.end).toBe(outcome.fds.start)
    expectCleanExit(run)
  })
})

/**
 * Unsubscribing while a publisher floods the topic. What MQTT 3.1.1
 * guarantees: once the UNSUBACK is in, the broker adds no new messages for
 * the client (3.10.4; it may still deliver what it had buffered). So after
 * the UNSUBACK and a short drain no more messages arrive on that topic, while
 * a second subscriber keeps getting them. With the aws-crt API, the
 * subscription's callback is never called after unsubscribe() resolved (the
 * callback is dropped before the promise settles; a late message would go to
 * on_message/'message' only).
 */
describe.each(availableBrokers())('unsubscribing while messages arrive (%s)', (kind) => {
  const DRAIN_MS = 250
  const QUIET_MS = 500
  const ROUNDS = 4
  const broker = brokerPerSuite(kind)
  afterEach(async () => {
    await cleanupConnections()
    await endAllClients()
  })

  /** A publisher that keeps up to 64 QoS 1 publishes in flight on `topic` until stopped; counts what it sent. */
  async function flood(topic: string) {
    const publisher = await connected(broker)
    let stop = false
    let sent = 0
    let failed: unknown
    const lane = async () => {
      while (!stop) {
        await publisher.publish(topic, `m${sent++}`, mqtt.QoS.AtLeastOnce).catch((e) => {
          failed = e
          stop = true
        })
      }
    }
    const lanes = Array.from({ length: 64 }, lane)
    return {
      get sent() {
        return sent
      },
      failed: () => failed,
      stop: async () => {
        stop = true
        await within(Promise.all(lanes), 10000, 'the publisher to finish')
      },
    }
  }

  /** A second subscriber that counts what it gets on `topic`: proof the flood goes on. */
  async function witness(topic: string) {
    const connection = await connected(broker)
    let count = 0
    await connection.subscribe(topic, mqtt.QoS.AtMostOnce, () => count++)
    return { count: () => count }
  }

  test(`aws-crt API: no callback after unsubscribe() resolves; no message at all after a drain; ${ROUNDS} rounds on one connection`, async () => {
    const topic = uniqueTopic('unsub-flood')
    const other = uniqueTopic('unsub-other')
    const watcher = await witness(topic)
    const subscriber = await connected(broker)
    const lateOnTopic: string[] = []
    subscriber.on_message((t) => {
      if (t === topic) lateOnTopic.push(t)
    })
    const publisher = await flood(topic)
    const rounds = []
    for (let round = 0; round < ROUNDS; round++) {
      let received = 0
      let resolved = false
      let afterResolve = 0
      await within(
        subscriber.subscribe(topic, mqtt.QoS.AtLeastOnce, () => {
          received++
          if (resolved) afterResolve++
        }),
        5000,
        'subscribe',
      )
      await waitFor(() => received >= 100, 10000, `100 messages in round ${round}`)
      await within(subscriber.unsubscribe(topic), 5000, 'unsubscribe')
      resolved = true
      const atUnsuback = received
      const lateBefore = lateOnTopic.length
      await sleep(DRAIN_MS)
      const afterDrain = lateOnTopic.length
      const witnessBefore = watcher.count()
      await sleep(QUIET_MS)
      rounds.push({
        round,
        callbackAfterResolve: afterResolve,
        messagesAfterDrain: lateOnTopic.length - afterDrain,
        witnessGotMore: watcher.count() > witnessBefore,
        receivedBeforeUnsuback: atUnsuback >= 100,
        lateInDrain: afterDrain - lateBefore,
      })
    }
    await publisher.stop()
    expect(publisher.failed()).toBeUndefined()
    const expected = rounds.map((r) => ({ ...r, callbackAfterResolve: 0, messagesAfterDrain: 0, witnessGotMore: true, receivedBeforeUnsuback: true }))
    expect(rounds).toEqual(expected)
    // The connection is still sound: a round trip on another topic, and no operation left pending.
    let echoed = 0
    await subscriber.subscribe(other, mqtt.QoS.AtLeastOnce, () => echoed++)
    await subscriber.publish(other, 'still here', mqtt.QoS.AtLeastOnce)
    await waitFor(() => echoed === 1, 5000, 'the round trip')
    await waitFor(() => subscriber.getOperationalStatistics().incompleteOperationCount === 0, 5000, 'no operation pending')
  }, 60000)

  test(`MQTT.js API: after the unsubscribe callback and a drain, no more messages on that topic; ${ROUNDS} rounds on one client`, async () => {
    const topic = uniqueTopic('unsub-flood-js')
    const other = uniqueTopic('unsub-other-js')
    const watcher = await witness(topic)
    const napi = dialects.find((d) => d.name === 'mqtt-napi')!
    const client: MqttClient = napi.connect(`mqtt://${broker.host}:${broker.port}`, { reconnectPeriod: 0 })
    await firstConnect(client)
    const errors: Error[] = []
    client.on('error', (e) => errors.push(e))
    let onTopic = 0
    client.on('message', (t) => {
      if (t === topic) onTopic++
    })
    const publisher = await flood(topic)
    const rounds = []
    for (let round = 0; round < ROUNDS; round++) {
      const start = onTopic
      await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribeAsync')
      await waitFor(() => onTopic - start >= 100, 10000, `100 messages in round ${round}`)
      await within(client.unsubscribeAsync(topic), 5000, 'unsubscribeAsync')
      const atUnsuback = onTopic
      await sleep(DRAIN_MS)
      const afterDrain = onTopic
      const witnessBefore = watcher.count()
      await sleep(QUIET_MS)
      rounds.push({ round, messagesAfterDrain: onTopic - afterDrain, witnessGotMore: watcher.count() > witnessBefore, lateInDrain: afterDrain - atUnsuback })
    }
    await publisher.stop()
    expect(publisher.failed()).toBeUndefined()
    expect(rounds).toEqual(rounds.map((r) => ({ ...r, messagesAfterDrain: 0, witnessGotMore: true })))
    await client.subscribeAsync(other, { qos: 1 })
    const echoed = new Promise<void>((resolve) => client.on('message', (t) => t === other && resolve()))
    await client.publishAsync(other, 'still here', { qos: 1 })
    await within(echoed, 5000, 'the round trip')
    expect(errors).toEqual([])
  }, 60000)
})
