/**
 * worker_threads: several workers, each with connections of its own doing
 * publish/subscribe round trips, created and terminated again and again
 * (terminate() while connecting, while connected and idle, and mid-traffic,
 * with both APIs), while the main thread keeps a connection doing round
 * trips. Runs support/stress-threads.js in a child process: no crash, the
 * main connection never misses a round trip, a terminated worker's sockets
 * close, and the process exits by itself.
 */
import path from 'path'
import { forEachBroker } from '../support/brokers/brokers'
import { describeRun, runNode } from '../support/node-process'

const SUPPORT = path.join(__dirname, '..', 'support', 'scripts')
const ROUNDS = 8
const WORKERS = 6

interface ModeTally {
  runs: number
  ready: number
  done: number
  terminated: number
  exitCodes: Record<string, number>
  errors: string[]
}

interface ThreadsResult {
  ms: number
  main: { trips: number; slowestMs: number; failures: string[]; interrupts: number; tripsDuringWorkers: number }
  modes: Record<string, ModeTally>
  fds: { start: number; afterWorkers: number }
}

forEachBroker('worker threads', (broker) => {

  test(`${ROUNDS} rounds of ${WORKERS} workers, terminated while connecting, connected and mid-traffic, beside a main-thread connection`, async () => {
    const spec = { host: broker.host, port: broker.port, rounds: ROUNDS, workers: WORKERS }
    const run = await runNode([path.join(SUPPORT, 'stress-threads.js'), JSON.stringify(spec)], 60000, ['--expose-gc'])
    const report = describeRun(run)
    // No crash, no hang: the process printed its result and exited by itself.
    expect({ timedOut: run.timedOut, signal: run.signal, code: run.code, report }).toEqual({ timedOut: false, signal: null, code: 0, report })
    const result: ThreadsResult = JSON.parse(run.stdout.trim().split('\n').pop()!)

    const runs = ROUNDS
    const tallies = result.modes
    // Workers that finish by themselves did every round trip and exited with 0.
    for (const mode of ['complete', 'mqttjs-complete']) {
      expect({ mode, ...tallies[mode] }).toEqual({ mode, runs, ready: runs, done: runs, terminated: 0, exitCodes: { 0: runs }, errors: [] })
    }
    // Workers terminated once connected (idle or mid-traffic): exit code 1, as terminate() gives.
    for (const mode of ['terminate-idle', 'terminate-traffic', 'mqttjs-traffic']) {
      expect({ mode, ...tallies[mode] }).toEqual({ mode, runs, ready: runs, done: 0, terminated: runs, exitCodes: { 1: runs }, errors: [] })
    }
    // Terminated 0-3 ms after connect(): some may have got connected first.
    expect({ ...tallies['terminate-connect'], ready: 0 }).toEqual({ runs, ready: 0, done: 0, terminated: runs, exitCodes: { 1: runs }, errors: [] })

    // The main thread's connection kept working throughout, never interrupted.
    expect(result.main.failures).toEqual([])
    expect(result.main.interrupts).toBe(0)
    expect(result.main.tripsDuringWorkers).toBeGreaterThan(ROUNDS * 10)
    expect(result.main.slowestMs).toBeLessThan(5000)
    // Every terminated worker's sockets are closed (one descriptor of slack
    // for what Node opens on first use).
    expect(result.fds.afterWorkers - result.fds.start).toBeLessThanOrEqual(1)
  }, 70000)
})
