/**
 * The `mqtt5` module as a whole process sees it: bad input (every row of
 * support/mqtt5-bad-input-rows.js, run in a child Node process where an
 * abort would fail its own row), and when Node may exit: an Mqtt5Client
 * never started, stopped or closed lets the process end by itself (aws-crt's
 * keeps it running forever, even never started: shown here too).
 */
import path from 'path'
import { brokerPerSuite } from '../support/brokers/brokers'
import { describeRun, Run, runNode } from '../support/node-process'

// eslint-disable-next-line @typescript-eslint/no-var-requires
const rows: Array<{ name: string; expect: string; names: string }> = require('../support/mqtt5-bad-input-rows')

const SCRIPTS = path.join(__dirname, '..', 'support', 'scripts')

interface Described {
  kind: string
  name?: string
  message?: string
  error_code?: number
  error_name?: string
}
interface Outcome {
  row: number
  outcome: 'threw' | 'rejected' | 'resolved' | 'returned' | 'unsettled'
  error?: Described
}

describe('bad input to the mqtt5 module, in a child process', () => {
  let run: Run
  const outcomes = new Map<number, Outcome>()

  beforeAll(async () => {
    run = await runNode([path.join(SCRIPTS, 'mqtt5-bad-input.js')], 60_000)
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line)
      if (parsed.row !== undefined) outcomes.set(parsed.row, parsed)
    }
  }, 70_000)

  test('the child ran every row and exited normally', () => {
    expect({ timedOut: run.timedOut, code: run.code, signal: run.signal }).toEqual({ timedOut: false, code: 0, signal: null })
    expect(run.stdout).toContain('{"done":true}')
    expect(outcomes.size).toBe(rows.length)
  })

  test.each(rows.map((row, i) => [row.name, i] as const))('%s', (_, i) => {
    const row = rows[i]
    const outcome = outcomes.get(i)
    // No outcome: the process died on this row (its last {"start"} line).
    expect(outcome).toBeDefined()
    if (!outcome) throw new Error(`no outcome: ${describeRun(run)}`)
    const error = outcome.error
    if (row.expect === 'TypeError' || row.expect === 'RangeError') {
      expect(outcome.outcome).toBe('threw')
      expect(error?.name).toBe(row.expect)
    } else {
      // A promise: it rejects at once with a CrtError carrying a code and its name.
      expect(outcome.outcome).toBe('rejected')
      expect(error?.kind).toBe('Error')
      expect(error?.error_name).toBe(row.expect)
      expect(typeof error?.error_code).toBe('number')
    }
    expect(error?.message).toContain(row.names)
  })
})

describe('when Node exits', () => {
  const broker = brokerPerSuite('mosquitto')

  const lifetime = (implementation: string, scenario: string, port: number, limitMs: number) =>
    runNode([path.join(SCRIPTS, 'mqtt5-lifetime.js'), implementation, scenario, '127.0.0.1', String(port)], limitMs)

  const exitsByItself = (run: Run) => {
    expect({ timedOut: run.timedOut, code: run.code, signal: run.signal }).toEqual({ timedOut: false, code: 0, signal: null })
    expect(run.stdout.trim().split('\n').pop()).toBe('exit')
  }

  test('a client never started lets Node exit', async () => {
    const run = await lifetime('mqtt-napi', 'never-started', 1, 5000)
    exitsByItself(run)
  })

  test('a client closed without being started lets Node exit', async () => {
    exitsByItself(await lifetime('mqtt-napi', 'closed', 1, 5000))
  })

  test('a client retrying a refused port lets Node exit once stopped', async () => {
    const run = await lifetime('mqtt-napi', 'stop-retrying', 1, 5000)
    exitsByItself(run)
    expect(run.stdout).toBe('created\nfailed\nstopped\nexit\n')
  })

  test('a connected client keeps Node running until stopped, then lets it exit', async () => {
    const run = await lifetime('mqtt-napi', 'stop-connected', broker.port, 10_000)
    exitsByItself(run)
    expect(run.stdout).toBe('created\nconnected\nstopped\nexit\n')
  })

  test('close() on a connected client stops it and lets Node exit', async () => {
    const run = await lifetime('mqtt-napi', 'close-connected', broker.port, 10_000)
    exitsByItself(run)
    expect(run.stdout).toBe('created\nconnected\nstopped\nexit\n')
  })

  test('aws-crt: a client never started keeps Node running (the shortfall mqtt-napi fixes)', async () => {
    const run = await lifetime('aws-crt', 'never-started', 1, 3000)
    expect(run.stdout).toBe('created\n')
    expect(run.timedOut).toBe(true)
  })

  test('aws-crt: even stopped and closed, a client keeps Node running', async () => {
    const run = await lifetime('aws-crt', 'stop-connected', broker.port, 4000)
    expect(run.stdout).toBe('created\nconnected\nstopped\n')
    expect(run.timedOut).toBe(true)
  })
})
