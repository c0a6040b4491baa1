// What each scenario runs and which figures it reports. Figures are computed
// here from the workers' raw results, once for every client.

/** Publishes each worker keeps unsettled, every one with its own promise/completion. */
export const WINDOW = 1000

/** Connections connecting at once in the connections scenario (mosquitto's listen backlog). */
export const CONNECT_WINDOW = 100

const KIB16 = 16 * 1024

export const CLIENTS = {
  'mqtt-napi': 'mqtt-napi',
  'mqtt-napi-mqttjs': 'mqtt-napi, MQTT.js API',
  'mqtt-napi-mqtt5': 'mqtt-napi, Mqtt5Client',
  mqttjs: 'MQTT.js 5',
  'aws-crt': 'aws-crt 1.33',
  'aws-crt-mqtt5': 'aws-crt 1.33 Mqtt5Client',
  rust: 'Rust engine',
}

const pubSubFigures = (throughput) => [
  throughput,
  { key: 'pubCpu', label: 'publisher CPU µs/msg', better: 'lower', digits: 2 },
  { key: 'subCpu', label: 'subscriber CPU µs/msg', better: 'lower', digits: 2 },
  { key: 'brokerCpu', label: 'broker CPU % of a core', better: 'none', digits: 0 },
]
const msgRate = { key: 'msgPerSec', label: 'msg/s end to end', better: 'higher', digits: 0 }
const mbRate = { key: 'mbPerSec', label: 'MB/s end to end', better: 'higher', digits: 1 }

/** Clients of an MQTT 5 only API: n/a in the MQTT 3.1.1 scenarios. */
export const MQTT5_ONLY = new Set(['mqtt-napi-mqtt5', 'aws-crt-mqtt5'])

/** The clients that speak MQTT 5. */
const MQTT5_CLIENTS = ['mqtt-napi-mqttjs', 'mqtt-napi-mqtt5', 'mqttjs', 'aws-crt-mqtt5', 'rust']

/** An MQTT 5 throughput scenario, with `userProperties` user properties on every publish. */
const mqtt5 = (qos, userProperties) => ({
  name: `v5-qos${qos}${userProperties ? '-props' : ''}`,
  title: `MQTT 5, QoS ${qos}, 64 B${userProperties ? `, ${userProperties} user properties` : ''}`,
  kind: 'pubsub',
  qos,
  size: 64,
  count: qos === 0 ? 200_000 : 50_000,
  version: 5,
  userProperties,
  clients: MQTT5_CLIENTS,
  // mqtt-napi's aws-crt `mqtt` API speaks MQTT 3.1.1: its MQTT.js API is the base.
  base: 'mqtt-napi-mqttjs',
  figures: pubSubFigures(msgRate),
})

export const SCENARIOS = [
  { name: 'qos0', title: 'QoS 0, 64 B', kind: 'pubsub', qos: 0, size: 64, count: 200_000, figures: pubSubFigures(msgRate) },
  { name: 'qos1', title: 'QoS 1, 64 B', kind: 'pubsub', qos: 1, size: 64, count: 50_000, figures: pubSubFigures(msgRate) },
  { name: 'qos0-16k', title: 'QoS 0, 16 KiB', kind: 'pubsub', qos: 0, size: KIB16, count: 20_000, figures: pubSubFigures(mbRate) },
  { name: 'qos1-16k', title: 'QoS 1, 16 KiB', kind: 'pubsub', qos: 1, size: KIB16, count: 20_000, figures: pubSubFigures(mbRate) },
  mqtt5(0, 0),
  mqtt5(1, 0),
  mqtt5(0, 2),
  mqtt5(1, 2),
  {
    name: 'latency',
    title: 'QoS 1 at 5,000 msg/s',
    kind: 'pubsub',
    qos: 1,
    size: 64,
    rate: 5000,
    seconds: 10,
    figures: [
      { key: 'p50', label: 'latency p50 ms', better: 'lower', digits: 3 },
      { key: 'p99', label: 'latency p99 ms', better: 'lower', digits: 3 },
      { key: 'max', label: 'latency max ms', better: 'lower', digits: 2 },
      { key: 'pubCpu', label: 'publisher CPU µs/msg', better: 'lower', digits: 2 },
      { key: 'subCpu', label: 'subscriber CPU µs/msg', better: 'lower', digits: 2 },
    ],
  },
  {
    name: 'conns',
    title: 'connections',
    kind: 'conns',
    count: 1000,
    // Made first and not measured: what a process pays once (code, threads,
    // the heap's first growth) is not a cost per connection.
    warmup: 100,
    figures: [
      { key: 'connectMs', label: 'ms until all connected', better: 'lower', digits: 0 },
      { key: 'rssKb', label: 'RSS KiB/connection', better: 'lower', digits: 1 },
      { key: 'heapKb', label: 'JS heap KiB/connection', better: 'lower', digits: 2 },
    ],
  },
]

/** The scenario as run: counts divided by 10 (and 1 s of latency) in quick mode. */
export function sized(scenario, quick) {
  const s = { ...scenario }
  if (quick) {
    if (s.count) s.count = Math.ceil(s.count / 10)
    if (s.warmup) s.warmup = Math.ceil(s.warmup / 10)
    if (s.seconds) s.seconds = 1
  }
  if (s.rate) s.count = s.rate * s.seconds
  if (s.kind === 'conns') s.title = `${s.count.toLocaleString('en-US')} connections after ${s.warmup}`
  return s
}

/** One run's figures from the workers' results. */
export function figures(scenario, { pub, sub, conns, brokerCpu }) {
  if (scenario.kind === 'conns') {
    return {
      connectMs: conns.connectMs,
      rssKb: conns.rssPerConn / 1024,
      heapKb: conns.heapPerConn === null ? null : conns.heapPerConn / 1024,
    }
  }
  const { count, size } = scenario
  const seconds = (sub.last - pub.start) / 1000
  return {
    msgPerSec: count / seconds,
    mbPerSec: (count * size) / 1e6 / seconds,
    pubCpu: pub.cpuUs / count,
    subCpu: sub.cpuUs / count,
    brokerCpu,
    ...(sub.latency ?? {}),
  }
}

/** Why a run's results cannot count, or undefined when they can. */
export function lossOf(scenario, { pub, sub, conns }) {
  if (scenario.kind === 'conns') {
    if (conns.connected !== scenario.count) {
      return `only ${conns.connected} of ${scenario.count} connections came up (${conns.firstError})`
    }
    return undefined
  }
  const problems = []
  if (pub.failed) problems.push(`${pub.failed} publishes failed (first: ${pub.firstError})`)
  if (sub.received < scenario.count) {
    problems.push(`LOST ${scenario.count - sub.received} of ${scenario.count} messages`)
  }
  if (sub.received > scenario.count) {
    problems.push(`${sub.received - scenario.count} messages more than sent (duplicates)`)
  }
  if (sub.wrongSize) problems.push(`${sub.wrongSize} messages of the wrong size`)
  return problems.length ? problems.join('; ') : undefined
}
