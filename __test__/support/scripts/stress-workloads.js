'use strict'
// The cycles the stress suite (__test__/process/stress.test.ts, through
// stress-cycles.js) and the soak script (scripts/soak.mjs) repeat, and how
// both measure a process: RSS, heap, open file descriptors, threads and
// Node's active resources, after full garbage collections (run Node with
// --expose-gc, else the numbers include garbage).
const fs = require('fs')
const path = require('path')

const pkg = require(path.resolve(__dirname, '..', '..', '..'))
const { mqtt } = pkg

/** Entries of a /proc directory (-1 where there is no /proc). */
function countEntries(dir) {
  try {
    return fs.readdirSync(dir).length
  } catch {
    return -1
  }
}

/** Node's active handles and requests by type, e.g. { TCPSocketWrap: 1, Timeout: 2 }. */
function activeResources() {
  const counts = {}
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] || 0) + 1
  return counts
}

/**
 * Lets pending callbacks and native drains run, then collects garbage a few
 * times (finalizers of native objects run between the passes).
 */
async function settle(turns = 4) {
  for (let i = 0; i < turns; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    if (global.gc) global.gc()
  }
}

/** What the process holds right now; call after settle(). */
function sample() {
  const memory = process.memoryUsage()
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    // readdir opens one descriptor itself: the same in every sample.
    fds: countEntries('/proc/self/fd'),
    threads: countEntries('/proc/self/task'),
    resources: activeResources(),
  }
}

/** A settled sample. */
async function measure() {
  await settle()
  return sample()
}

/** Rejects with a named error if `promise` has not settled within `ms`. */
function within(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

let serial = 0
function clientId(prefix) {
  serial += 1
  return `${prefix}${process.pid.toString(36)}-${serial.toString(36)}`.slice(0, 23)
}

/** aws-crt API: a new connection, connect(), disconnect(). */
async function crtCycle(endpoint) {
  const connection = new mqtt.MqttClient().new_connection({
    client_id: clientId('sc'),
    host_name: endpoint.host,
    port: endpoint.port,
    clean_session: true,
  })
  await within(connection.connect(), 10000, 'connect()')
  await within(connection.disconnect(), 10000, 'disconnect()')
}

/** The 'connect' of an MQTT.js-dialect client; rejects on its first 'error'. */
function connectedEvent(client, ms) {
  return within(
    new Promise((resolve, reject) => {
      client.once('connect', resolve)
      client.once('error', reject)
    }),
    ms,
    "MQTT.js dialect 'connect'",
  )
}

/** MQTT.js API: connect(url, { reconnectPeriod: 0 }), wait for 'connect', end(). */
async function mqttjsCycle(endpoint) {
  const client = pkg.connect(`mqtt://${endpoint.host}:${endpoint.port}`, {
    clientId: clientId('sm'),
    reconnectPeriod: 0,
  })
  await connectedEvent(client, 10000)
  await within(new Promise((resolve) => client.end(resolve)), 10000, 'end()')
}

/** Cycle functions by name. */
const cycles = { crt: crtCycle, mqttjs: mqttjsCycle }

/**
 * A connected client of either dialect with one method: subscribe then
 * unsubscribe `topic`, resolving on the UNSUBACK.
 */
async function pairClient(dialect, endpoint) {
  if (dialect === 'crt') {
    const connection = new mqtt.MqttClient().new_connection({
      client_id: clientId('sp'),
      host_name: endpoint.host,
      port: endpoint.port,
      clean_session: true,
    })
    await within(connection.connect(), 10000, 'connect()')
    const onMessage = () => {}
    return {
      pair: async (topic) => {
        await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, onMessage)
        await connection.unsubscribe(topic)
      },
      close: () => within(connection.disconnect(), 10000, 'disconnect()'),
    }
  }
  const client = pkg.connect(`mqtt://${endpoint.host}:${endpoint.port}`, {
    clientId: clientId('sp'),
    reconnectPeriod: 0,
  })
  await connectedEvent(client, 10000)
  return {
    pair: async (topic) => {
      await client.subscribeAsync(topic, { qos: 1 })
      await client.unsubscribeAsync(topic)
    },
    close: () => within(new Promise((resolve) => client.end(resolve)), 10000, 'end()'),
  }
}

/**
 * `count` subscribe/unsubscribe pairs on `client`, `lanes` at a time (each
 * lane on a topic of its own, one pair after the other), so the latency of
 * one pair does not bound the throughput; `afterEach()` runs after each pair.
 */
async function runPairs(client, count, lanes, topicPrefix, afterEach = () => {}) {
  let started = 0
  const lane = async (k) => {
    const topic = `${topicPrefix}/${k}`
    while (started < count) {
      started++
      await within(client.pair(topic), 10000, `subscribe/unsubscribe pair on ${topic}`)
      afterEach()
    }
  }
  await Promise.all(Array.from({ length: Math.min(lanes, count) }, (_, k) => lane(k)))
}

module.exports = {
  pkg,
  settle,
  sample,
  measure,
  within,
  clientId,
  cycles,
  crtCycle,
  mqttjsCycle,
  pairClient,
  runPairs,
  countEntries,
}
