// npm run bench: every client through the same scenarios against one broker,
// publisher and subscriber in separate processes. See `--help`.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { startBroker } from './brokers.mjs'
import { medians, table, writeJson } from './report.mjs'
import { CLIENTS, CONNECT_WINDOW, MQTT5_ONLY, SCENARIOS, WINDOW, figures, lossOf, sized } from './scenarios.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url))
const RESULTS = fileURLToPath(new URL('./results', import.meta.url))
const RUN_TIMEOUT_MS = 120_000 // Past this a stuck run is killed and fails.
const BROKER_LIMIT_PERCENT = 90

const HELP = `usage: npm run bench -- [options]
  --quick               counts / 10, 1 s of latency, 1 run (development)
  --runs N              runs per scenario and client, medians reported (default 3)
  --only LIST           scenarios: ${SCENARIOS.map((s) => s.name).join(',')}
  --clients LIST        clients: ${Object.keys(CLIENTS).join(',')}
  --broker KIND         mosquitto (default) or aedes
  --baseline DIR        another checkout of this package, its addon built: adds the clients
                        mqtt-napi-baseline,mqtt-napi-mqttjs-baseline, which run DIR's build`

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    clients: { type: 'string' },
    broker: { type: 'string', default: 'mosquitto' },
    baseline: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (args.help) {
  console.log(HELP)
  process.exit(0)
}
const runs = Number(args.runs ?? (args.quick ? 1 : 3))
const baseline = args.baseline && resolve(args.baseline)
const baselineAddon = baseline && addonIn(baseline)
if (baseline && !baselineAddon) fatal(`--baseline: no mqtt-napi.*.node in ${baseline}: run \`npm run build\` there first`)
if (baseline) {
  const short = git(baseline, 'rev-parse', '--short', 'HEAD') || basename(baseline)
  CLIENTS['mqtt-napi-baseline'] = `mqtt-napi, baseline ${short}`
  CLIENTS['mqtt-napi-mqttjs-baseline'] = `mqtt-napi MQTT.js API, baseline ${short}`
}
const clients = pick(args.clients ?? Object.keys(CLIENTS).join(','), Object.keys(CLIENTS), 'client')
const scenarios = pick(args.only ?? SCENARIOS.map((s) => s.name).join(','), SCENARIOS.map((s) => s.name), 'scenario')
  .map((name) => sized(SCENARIOS.find((s) => s.name === name), args.quick))
if (!(runs >= 1)) fatal('--runs must be a number of at least 1')
pick(args.broker, ['mosquitto', 'aedes'], 'broker')

const startedAt = new Date().toISOString()
const failures = []
const notes = [
  `Publishers keep up to ${WINDOW} publishes unsettled, each with its own promise (Rust: its own ` +
    'operation id and completion), and issue the next one as each settles.',
  'CPU is user + system of the whole process (all threads) from the first publish to the last ' +
    'completion (publisher) or from the subscription to the last message (subscriber).',
  `At most ${CONNECT_WINDOW} connections are connecting at a time: mosquitto listens with a ` +
    'backlog of 100, past which the kernel drops SYNs and the 1 s retransmission would be measured.',
  'Publishers disconnect only once the subscriber has every message: aws-crt settles QoS 0 ' +
    'publishes before they leave the process, and disconnecting at once loses some.',
]

const addon = addonIn(ROOT)
if (clients.some((client) => client.startsWith('mqtt-napi') && !client.endsWith('-baseline')) && !addon) {
  fatal(`mqtt-napi's addon is not built (no mqtt-napi.*.node in ${ROOT}): run \`npm run build\` first`)
}
const snapshot = addon && snapshotPackage(ROOT, addon)
const baselineSnapshot = baseline && snapshotPackage(baseline, baselineAddon)
process.on('exit', () => {
  for (const copy of [snapshot, baselineSnapshot]) if (copy) rmSync(copy.dir, { recursive: true, force: true })
})
const driver = clients.includes('rust') ? buildDriver() : undefined

const broker = await startBroker(args.broker)
let brokerDown = false
broker.exited.then(() => (brokerDown = true))
console.error(`broker: ${args.broker} on 127.0.0.1:${broker.port} (pid ${broker.pid}); ${runs} run(s)`)

const results = []
try {
  for (const scenario of scenarios) {
    const perClient = Object.fromEntries(clients.map((c) => [c, { runs: [] }]))
    for (let run = 1; run <= runs; run++) {
      for (const client of clients) {
        const speaks = scenario.version === 5 || !MQTT5_ONLY.has(client)
        if (!speaks || (scenario.clients && !scenario.clients.includes(client))) {
          perClient[client].notApplicable = true
          continue
        }
        if (client === 'rust' && !driver) {
          perClient[client].skipped = true
          continue
        }
        if (brokerDown) fatal(`the broker died:\n${broker.log()}`)
        const outcome = await runOnce(client, scenario, run)
        perClient[client].runs.push(outcome)
        const shown = outcome.failure ? `FAIL: ${outcome.failure}` : JSON.stringify(rounded(outcome.figures))
        console.error(`${scenario.name} run ${run} ${client}: ${shown}`)
        if (outcome.failure) {
          failures.push(`${scenario.name} run ${run} ${client}: ${outcome.failure}`)
          console.error(`\n!!! FAIL ${scenario.name} (${client}, run ${run}): ${outcome.failure}\n`)
        }
      }
    }
    for (const entry of Object.values(perClient)) entry.median = medians(scenario, entry.runs)
    results.push({ scenario, perClient })
  }
} finally {
  await broker.stop()
}
// Running as root is what `user` in the config is for; anything else is news.
const warnings = broker.log().split('\n').filter((l) => l.trim() && !/run as root/.test(l))
if (warnings.length) notes.push(`broker log:\n${warnings.join('\n')}`)
notes.push(...brokerLimits(results))
if (driver === null) notes.push('The Rust driver did not build: its column says skipped.')
else if (clients.includes('rust') && scenarios.some((s) => s.kind === 'conns')) {
  notes.push('Rust engine, connections: there is no JS heap (n/a); RSS is the whole process.')
}

const document = {
  startedAt,
  options: { ...args, clients: clients.join(','), runs },
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
  broker: { kind: args.broker, port: broker.port },
  source: {
    commit: git(ROOT, 'rev-parse', 'HEAD'),
    changed: git(ROOT, 'status', '--porcelain', '--', 'src', 'crates', 'js'),
    addonSha256: snapshot?.sha256,
    ...(baseline && {
      baseline: {
        dir: baseline,
        commit: git(baseline, 'rev-parse', 'HEAD'),
        changed: git(baseline, 'status', '--porcelain', '--', 'src', 'crates', 'js'),
        addonSha256: baselineSnapshot.sha256,
      },
    }),
  },
  window: WINDOW,
  scenarios: results.map(({ scenario, perClient }) => ({ ...scenario, clients: perClient })),
  failures,
  notes,
}
const file = writeJson(RESULTS, document)

console.log(`\nmqtt-napi benchmark: ${args.broker}, ${runs} run(s), median; (Nx) = ratio to mqtt-napi\n`)
console.log(table(results, clients))
console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`)
console.log(`\nresults: ${file}`)
if (failures.length) {
  console.log(`\nFAILED (${failures.length}):\n${failures.map((f) => `  ${f}`).join('\n')}`)
  process.exit(1)
}

function pick(list, known, what) {
  const chosen = list.split(',').map((s) => s.trim()).filter(Boolean)
  const unknown = chosen.filter((c) => !known.includes(c))
  if (unknown.length) fatal(`unknown ${what} ${unknown.join(', ')}; known: ${known.join(', ')}`)
  return chosen
}

function addonIn(dir) {
  return existsSync(dir) ? readdirSync(dir).find((f) => /^mqtt-napi\..*\.node$/.test(f)) : undefined
}

/**
 * A private copy of the package in `root` as built now (JS wrapper and addon),
 * which the workers load: a rebuild during the run cannot mix two builds in the
 * results. A checkout without js/ gets what its package.json ships instead.
 */
function snapshotPackage(root, addon) {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-napi-bench-'))
  const wrapper = existsSync(join(root, 'js'))
    ? ['index.js', 'binding.js', 'js']
    : (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files ?? [])
  for (const entry of new Set(['package.json', ...wrapper.map((f) => f.replace(/\/$/, '')), addon])) {
    if (entry.includes('*') || !existsSync(join(root, entry))) continue
    cpSync(join(root, entry), join(dir, entry), { recursive: true })
  }
  const sha256 = createHash('sha256').update(readFileSync(join(dir, addon))).digest('hex').slice(0, 16)
  return { dir, sha256 }
}

function git(cwd, ...command) {
  return spawnSync('git', command, { cwd, encoding: 'utf8' }).stdout?.trim()
}

function fatal(message) {
  console.error(`bench: ${message}`)
  process.exit(2)
}

function rounded(values) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? +v.toPrecision(4) : v]))
}

/** cargo decides whether the driver is stale; a failed build drops the Rust column. */
function buildDriver() {
  console.error('building the Rust driver: cargo build --release -p mqtt-engine --example bench-driver')
  const build = spawnSync(
    'cargo',
    ['build', '--release', '-p', 'mqtt-engine', '--example', 'bench-driver', '--message-format=json-render-diagnostics'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 },
  )
  const artifact = build.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === 'bench-driver')
  if (build.status === 0 && artifact?.executable) return artifact.executable
  failures.push('the Rust driver did not build (cargo build --release -p mqtt-engine --example bench-driver)')
  console.error('\n!!! FAIL: the Rust driver did not build; running without it\n')
  return null
}

/** A worker process speaking JSON lines; see worker.mjs. */
function startWorker(client, role, flags) {
  const [command, prefix] =
    client === 'rust' ? [driver, [role]] : [process.execPath, ['--expose-gc', WORKER, client, role]]
  const child = spawn(command, [...prefix, ...flags], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
      ...(snapshot && { BENCH_MQTT_NAPI: snapshot.dir }),
      ...(baselineSnapshot && { BENCH_MQTT_NAPI_BASELINE: baselineSnapshot.dir }),
    },
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (text) => (stderr = (stderr + text).slice(-4000)))
  child.stdin.on('error', () => {}) // A worker that died already is reported by next().
  const queue = []
  const waiting = []
  let ended = false
  const deliver = (item) => (waiting.length ? waiting.shift()(item) : queue.push(item))
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      deliver(JSON.parse(line))
    } catch {
      stderr += `\n(stdout) ${line}`
    }
  })
  const exited = new Promise((resolve) => child.once('close', resolve))
  exited.then((code) => {
    ended = true
    const why = `${client} ${role} exited (code ${code}) before answering: ${stderr.trim().slice(-1500)}`
    while (waiting.length) waiting.shift()({ error: why })
    queue.push({ error: why })
  })
  return {
    /** The next message, which must carry `key`. */
    async next(key) {
      const message = queue.length ? queue.shift() : ended ? { error: 'exited' } : await new Promise((r) => waiting.push(r))
      if (message.error) throw new Error(message.error)
      if (!(key in message)) throw new Error(`${client} ${role}: expected "${key}", got ${JSON.stringify(message)}`)
      return message[key]
    },
    send: (line) => child.stdin.write(`${line}\n`),
    kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'),
    name: `${client} ${role}`,
    stderr: () => stderr,
    exited,
  }
}

/** One run of one client: its figures, or why it failed. Never throws. */
async function runOnce(client, scenario, run) {
  const workers = []
  const start = (role, flags) => {
    const worker = startWorker(client, role, flags)
    workers.push(worker)
    return worker
  }
  let timer
  const timeout = new Promise((_, reject) => {
    const ms = RUN_TIMEOUT_MS + (scenario.seconds ?? 0) * 1000
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s (stuck run killed)`)), ms)
  })
  try {
    const work = scenario.kind === 'conns' ? connsRun(start, client, scenario) : pubSubRun(start, client, scenario, run)
    work.catch(() => {}) // After a timeout its rejection is expected and reported already.
    const raw = await Promise.race([work, timeout])
    // After its result a worker only disconnects: a hang or an error there fails the run too.
    const codes = await Promise.race([
      Promise.all(workers.map((w) => w.exited)),
      new Promise((resolve) => setTimeout(resolve, 10_000, null)),
    ])
    const crashed = codes && workers.findIndex((_, i) => codes[i] !== 0)
    const unclean =
      codes === null ? 'a worker did not exit within 10 s of its result'
      : crashed >= 0 ? `${workers[crashed].name} exited with code ${codes[crashed]}: ${workers[crashed].stderr().trim()}`
      : undefined
    const failure = lossOf(scenario, raw) ?? unclean
    return { figures: failure ? {} : figures(scenario, raw), raw, failure }
  } catch (error) {
    return { figures: {}, failure: error.message }
  } finally {
    clearTimeout(timer)
    workers.forEach((w) => w.kill())
  }
}

async function pubSubRun(start, client, scenario, run) {
  const { qos, size, count, rate, version, userProperties } = scenario
  const flags = ['--port', broker.port, '--topic', `bench/${scenario.name}/${client}/${run}`, '--qos', qos,
    '--size', size, '--count', count, '--window', WINDOW, ...(rate ? ['--rate', rate] : []),
    ...(version ? ['--version', version, '--user-properties', userProperties] : [])].map(String)
  const sub = start('sub', flags)
  await sub.next('ready')
  const pub = start('pub', flags)
  await pub.next('ready')
  const cpuBefore = broker.cpuSeconds()
  const wallBefore = performance.now()
  pub.send('go')
  const pubResult = await pub.next('result')
  sub.send('done')
  const subResult = await sub.next('result')
  pub.send('close')
  const brokerCpu = (100 * (broker.cpuSeconds() - cpuBefore)) / ((performance.now() - wallBefore) / 1000)
  return { pub: pubResult, sub: subResult, brokerCpu }
}

async function connsRun(start, client, scenario) {
  const flags = ['--port', broker.port, '--count', scenario.count, '--warmup', scenario.warmup, '--window', CONNECT_WINDOW,
    '--id', `bench-conns-${client}`].map(String)
  return { conns: await start('conns', flags).next('result') }
}

/** Notes where the broker used most of its one core, so it, not the client, set the pace. */
function brokerLimits(results) {
  const lines = []
  for (const { scenario, perClient } of results) {
    for (const [client, entry] of Object.entries(perClient)) {
      const cpu = entry.median?.brokerCpu
      if (cpu >= BROKER_LIMIT_PERCENT) {
        lines.push(
          `${scenario.title}, ${CLIENTS[client]}: the broker used ${cpu.toFixed(0)}% of a core; ` +
            'it is likely the limit, so this throughput understates the client.',
        )
      }
    }
  }
  return lines
}
