#!/usr/bin/env node
// Soak test: runs mqtt-napi's lifecycle cycles for a given time and watches
// the process for leaks.
//
//   node --expose-gc scripts/soak.mjs --minutes 10
//   node --expose-gc scripts/soak.mjs --minutes 60 --broker mosquitto
//   node --expose-gc scripts/soak.mjs --minutes 5 --broker mqtt://127.0.0.1:18830 --work crt,pairs-crt
//
// The workloads (see __test__/support/scripts/stress-workloads.js, shared with
// __test__/process/stress.test.ts) run side by side, each in a loop:
//   crt           new_connection(), connect(), disconnect()   (aws-crt API)
//   mqttjs        connect(url, { reconnectPeriod: 0 }), end() (MQTT.js API)
//   pairs-crt     subscribe/unsubscribe pairs on one connection
//   pairs-mqttjs  the same with the MQTT.js API
// Every --every seconds it prints, after gc(), RSS, JS heap, external memory,
// open file descriptors, threads and Node's active resources. After the
// warm-up it takes a baseline; at the end it compares the last sample with
// it and prints a verdict (exit code 0 for PASS, 1 for FAIL): RSS and heap
// growth within the limits, as many file descriptors and threads as at the
// baseline, and no workload error; once every client closed, no active
// resource and no file descriptor of theirs left.
//
// The broker is an aedes in a child process (default: its memory stays out of
// the numbers), a private mosquitto (--broker mosquitto), or yours
// (--broker mqtt://host:port). Only loopback is used unless you name a host.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const require = createRequire(import.meta.url)
const { measure, pairClient, runPairs, cycles } = require('../__test__/support/scripts/stress-workloads.js')
const { mosquittoPath } = require('../__test__/support/brokers/mosquitto-path.js')

const WORKS = ['crt', 'mqttjs', 'pairs-crt', 'pairs-mqttjs']

const HELP = `usage: node --expose-gc scripts/soak.mjs [options]
  --minutes M          how long to run the workloads (default 10; decimals allowed)
  --broker B           aedes (default, in a child process), mosquitto, or mqtt://host:port
  --work LIST          workloads, comma separated (default ${WORKS.join(',')})
  --every S            seconds between samples (default 10)
  --warmup S           seconds of work before the baseline sample (default 20)
  --gc-every N         gc() after every N cycles or pairs of a workload (default 100;
                       0: only V8's own collections, which shows how far dead
                       connections pile up, not what leaks)
  --lanes N            subscribe/unsubscribe pairs in flight per pairs workload (default 4)
  --max-rss-mb X       verdict: RSS may grow by at most X MB from the baseline (default 16)
  --max-heap-mb X      verdict: the JS heap may grow by at most X MB (default 4)
  --max-fd-growth N    verdict: open file descriptors may grow by at most N (default 2)
  --help               this text`

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    broker: { type: 'string', default: 'aedes' },
    work: { type: 'string', default: WORKS.join(',') },
    every: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '20' },
    'gc-every': { type: 'string', default: '100' },
    lanes: { type: 'string', default: '4' },
    'max-rss-mb': { type: 'string', default: '16' },
    'max-heap-mb': { type: 'string', default: '4' },
    'max-fd-growth': { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
})

if (args.help) {
  console.log(HELP)
  process.exit(0)
}

function number(name, { integer = false, min = 0 } = {}) {
  const value = Number(args[name])
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got ${args[name]})\n\n${HELP}`)
    process.exit(2)
  }
  return value
}

const minutes = number('minutes')
const everySeconds = number('every', { min: 1 })
const warmupSeconds = number('warmup')
const gcEvery = number('gc-every', { integer: true })
const lanes = number('lanes', { integer: true, min: 1 })
const limits = {
  rssMb: number('max-rss-mb'),
  heapMb: number('max-heap-mb'),
  fdGrowth: number('max-fd-growth', { integer: true }),
}
const works = args.work.split(',').filter(Boolean)
for (const work of works) {
  if (!WORKS.includes(work)) {
    console.error(`unknown workload ${work} (known: ${WORKS.join(', ')})`)
    process.exit(2)
  }
}
if (!global.gc) {
  console.error('run with --expose-gc: node --expose-gc scripts/soak.mjs ...')
  process.exit(2)
}

// ---------------------------------------------------------------------------
// The broker

/** Resolves with the first line of `stream` that `pattern` matches (its match). */
function lineMatching(child, stream, pattern, what) {
  return new Promise((resolve, reject) => {
    let text = ''
    let errors = ''
    child.stderr?.on('data', (d) => (errors = (errors + d).slice(-4000)))
    stream.on('data', (d) => {
      text += d
      const match = pattern.exec(text)
      if (match) resolve(match)
    })
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready: ${errors}`)))
    setTimeout(() => reject(new Error(`${what} not ready within 15 s: ${errors}`)), 15000).unref()
  })
}

const AEDES = `
import net from 'node:net'
const { Aedes } = await import('aedes')
const broker = await Aedes.createBroker()
const sockets = new Set()
const server = net.createServer((socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  broker.handle(socket)
})
server.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + server.address().port + '\\n'))
const stop = () => { for (const s of sockets) s.destroy(); server.close(); broker.close(() => process.exit(0)) }
process.stdin.on('end', stop)
process.stdin.resume()
`

async function startAedes() {
  const child = spawn(process.execPath, ['--input-type=module', '-e', AEDES], {
    cwd: new URL('..', import.meta.url),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const [, port] = await lineMatching(child, child.stdout, /listening (\d+)/, 'aedes')
  return {
    name: `aedes (child process ${child.pid}) on 127.0.0.1:${port}`,
    host: '127.0.0.1',
    port: Number(port),
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve)
      child.stdin.end()
      setTimeout(() => child.kill('SIGKILL'), 3000).unref()
    }),
  }
}

async function startMosquitto() {
  const bin = mosquittoPath()
  if (!bin) throw new Error('mosquitto is not installed (apt-get install mosquitto), use --broker aedes')
  const net = await import('node:net')
  const port = await new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-napi-soak-'))
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(conf, [
    `user ${userInfo().username}`,
    'persistence false',
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'max_queued_messages 0',
    'max_inflight_messages 0',
    'log_dest stderr',
    'log_type error',
    '',
  ].join('\n'))
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  const deadline = Date.now() + 10000
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    if (ok) break
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('mosquitto did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    name: `mosquitto (child process ${child.pid}) on 127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true })
        resolve()
      })
      child.kill('SIGTERM')
    }),
  }
}

async function startBroker(spec) {
  if (spec === 'aedes') return startAedes()
  if (spec === 'mosquitto') return startMosquitto()
  const url = new URL(spec)
  if (url.protocol !== 'mqtt:' && url.protocol !== 'tcp:') throw new Error(`--broker: plain MQTT over TCP only (mqtt://host:port), got ${spec}`)
  return { name: `${url.hostname}:${url.port || 1883}`, host: url.hostname, port: Number(url.port || 1883), stop: async () => {} }
}

// ---------------------------------------------------------------------------
// Reporting

const MB = 1024 * 1024
const mb = (bytes) => (bytes / MB).toFixed(1)
const resourcesText = (resources) => Object.entries(resources).map(([k, v]) => `${k}:${v}`).join(',') || '-'

function sampleLine(label, s, counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  return `${label.padEnd(9)} rss ${mb(s.rss).padStart(6)} MB  heap ${mb(s.heapUsed).padStart(5)}/${mb(s.heapTotal).padStart(5)} MB  ` +
    `external ${mb(s.external).padStart(5)} MB  fds ${String(s.fds).padStart(3)}  threads ${String(s.threads).padStart(2)}  ` +
    `resources ${resourcesText(s.resources)}  cycles ${total}`
}

/**
 * Active resources that differ between two samples. (Only compared once the
 * workloads stopped: while they run, a sample may fall inside a cycle, which
 * holds timers of its own.)
 */
function resourceDiff(a, b) {
  const names = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...names].filter((n) => (a[n] ?? 0) !== (b[n] ?? 0)).map((n) => `${n} ${a[n] ?? 0} -> ${b[n] ?? 0}`)
}

// ---------------------------------------------------------------------------
// The run

// Before the broker: its child process and pipes are no client's.
const startSample = await measure()
const broker = await startBroker(args.broker)
const endpoint = { host: broker.host, port: broker.port }
console.log(`mqtt-napi soak: ${works.join(', ')} for ${minutes} min against ${broker.name}`)
console.log(`samples every ${everySeconds} s after gc(); baseline after ${warmupSeconds} s of warm-up; gc() every ${gcEvery || 'never'} cycles`)

const counts = Object.fromEntries(works.map((w) => [w, 0]))
const errors = []
let stopping = false
const stopAt = Date.now() + (warmupSeconds + minutes * 60) * 1000

function collector(work) {
  return () => {
    counts[work]++
    if (gcEvery > 0 && counts[work] % gcEvery === 0) global.gc()
  }
}

async function runWork(work) {
  const done = collector(work)
  try {
    if (work.startsWith('pairs-')) {
      const client = await pairClient(work.slice('pairs-'.length), endpoint)
      try {
        // Rounds of pairs, so the loop can look at the clock.
        while (!stopping) await runPairs(client, 200, lanes, `mqtt-napi/soak/${process.pid}/${work}`, done)
      } finally {
        await client.close()
      }
    } else {
      const cycle = cycles[work]
      while (!stopping) {
        await cycle(endpoint)
        done()
      }
    }
  } catch (error) {
    errors.push(`${work}: ${(error && error.stack) || error}`)
    console.log(`ERROR in ${work}: ${(error && error.message) || error}`)
  }
}

console.log(sampleLine('start', startSample, counts))
const running = works.map(runWork)

let baseline
const samples = []
const started = Date.now()
while (Date.now() < stopAt && errors.length === 0) {
  const next = Math.min(stopAt, Date.now() + everySeconds * 1000)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())))
  const s = await measure()
  const seconds = Math.round((Date.now() - started) / 1000)
  if (!baseline && seconds >= warmupSeconds) {
    baseline = s
    console.log(sampleLine('baseline', s, counts))
  } else {
    console.log(sampleLine(`${seconds} s`, s, counts))
  }
  if (baseline && s !== baseline) samples.push(s)
}
stopping = true
await Promise.all(running)
const end = await measure()
console.log(sampleLine('end', end, counts))
if (!baseline) baseline = startSample
await broker.stop()
const closed = await measure()
console.log(sampleLine('closed', closed, counts))

// ---------------------------------------------------------------------------
// The verdict: the last sample taken while the workloads ran against the
// baseline, and the process after every client closed against the start.

const last = samples.at(-1) ?? end
const problems = [...errors]
const rssGrowth = (last.rss - baseline.rss) / MB
const heapGrowth = (last.heapUsed - baseline.heapUsed) / MB
if (rssGrowth > limits.rssMb) problems.push(`RSS grew by ${rssGrowth.toFixed(1)} MB after the warm-up (limit ${limits.rssMb} MB)`)
if (heapGrowth > limits.heapMb) problems.push(`the JS heap grew by ${heapGrowth.toFixed(1)} MB after the warm-up (limit ${limits.heapMb} MB)`)
if (last.fds - baseline.fds > limits.fdGrowth) problems.push(`open file descriptors: ${baseline.fds} at the baseline, ${last.fds} at the end`)
if (last.threads > baseline.threads + 2) problems.push(`threads: ${baseline.threads} at the baseline, ${last.threads} at the end`)
// Once every client closed, nothing of theirs may remain but the I/O thread's
// own descriptors (its epoll and wake-up descriptors, opened on first use).
if (closed.fds - startSample.fds > 3 + limits.fdGrowth) problems.push(`after closing: ${closed.fds} open file descriptors, ${startSample.fds} at the start`)
const leftOver = resourceDiff(startSample.resources, closed.resources)
if (leftOver.length > 0) problems.push(`after closing, active resources remain: ${leftOver.join('; ')}`)
const total = Object.values(counts).reduce((a, b) => a + b, 0)
const minutesRun = (Date.now() - started) / 60000
if (total === 0) problems.push('no cycle completed')

console.log(`\n${Object.entries(counts).map(([w, n]) => `${w} ${n} (${Math.round(n / minutesRun / 60)}/s)`).join(', ')}`)
console.log(`RSS ${mb(baseline.rss)} -> ${mb(last.rss)} MB (${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)}), ` +
  `heap ${mb(baseline.heapUsed)} -> ${mb(last.heapUsed)} MB, fds ${baseline.fds} -> ${last.fds}, threads ${baseline.threads} -> ${last.threads}`)
if (problems.length === 0) {
  console.log('verdict: PASS')
} else {
  console.log(`verdict: FAIL\n  ${problems.join('\n  ')}`)
  process.exitCode = 1
}
