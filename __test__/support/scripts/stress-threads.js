'use strict'
// node --expose-gc stress-threads.js '<json>'
// worker_threads with connections of their own, created and terminated
// again and again, while the main thread keeps a connection doing round
// trips. The JSON names the broker (host, port), `rounds`, and `workers`
// per round. Each round starts that many workers, one per mode in turn:
//   complete          connect, subscribe, round trips, disconnect, exit by itself
//   terminate-idle    connect, subscribe, then worker.terminate() while connected
//   terminate-traffic round trips without pause; terminate() 5-40 ms into them
//   terminate-connect terminate() 0-3 ms after the worker calls connect()
//   mqttjs-traffic    the MQTT.js API, round trips; terminate() mid-traffic
//   mqttjs-complete   the MQTT.js API, round trips, end(), exit by itself
// Prints one JSON line: the main connection's round trips (count, slowest,
// failures), each mode's tallies (worker results and exit codes), and file
// descriptors before and after (after every worker is gone, gc() and a
// pause: a terminated worker's sockets must be closed). Then the main
// connection disconnects and the process must exit by itself.
const path = require('path')
const { Worker, isMainThread, parentPort, workerData, threadId } = require('worker_threads')

const ROOT = path.resolve(__dirname, '..', '..', '..')

const MODES = ['complete', 'terminate-idle', 'terminate-traffic', 'terminate-connect', 'mqttjs-traffic', 'mqttjs-complete']

if (isMainThread) main()
else worker()

// ---------------------------------------------------------------------------
// The worker

/** A round-trip client of either API: publish at QoS 1 to its own topic, wait for the message back. */
async function roundTripClient(dialect, host, port, topic) {
  const pkg = require(ROOT)
  parentPort.postMessage({ connecting: true })
  const waiting = new Map()
  const deliver = (text) => {
    const resolve = waiting.get(text)
    if (resolve) {
      waiting.delete(text)
      resolve()
    }
  }
  let sent = 0
  const awaitEcho = (text, publish) => {
    const echoed = new Promise((resolve) => waiting.set(text, resolve))
    return Promise.all([publish(), echoed])
  }
  if (dialect === 'crt') {
    const connection = new pkg.mqtt.MqttClient().new_connection({
      client_id: `wt${process.pid}-${threadId}`,
      host_name: host,
      port,
      clean_session: true,
    })
    await connection.connect()
    await connection.subscribe(topic, pkg.mqtt.QoS.AtLeastOnce, (_t, payload) => deliver(Buffer.from(payload).toString()))
    return {
      roundTrip: () => {
        const text = `m${++sent}`
        return awaitEcho(text, () => connection.publish(topic, text, pkg.mqtt.QoS.AtLeastOnce))
      },
      close: () => connection.disconnect(),
    }
  }
  const client = pkg.connect(`mqtt://${host}:${port}`, { clientId: `wj${process.pid}-${threadId}`, reconnectPeriod: 0 })
  client.on('message', (_t, payload) => deliver(payload.toString()))
  await new Promise((resolve, reject) => {
    client.once('connect', resolve)
    client.once('error', reject)
  })
  await client.subscribeAsync(topic, { qos: 1 })
  return {
    roundTrip: () => {
      const text = `m${++sent}`
      return awaitEcho(text, () => client.publishAsync(topic, text, { qos: 1 }))
    },
    close: () => client.endAsync(),
  }
}

async function worker() {
  const { host, port, mode } = workerData
  const dialect = mode.startsWith('mqttjs') ? 'mqttjs' : 'crt'
  const topic = `mqtt-napi/threads/${process.pid}/${threadId}`
  const client = await roundTripClient(dialect, host, port, topic)
  parentPort.postMessage({ ready: true })
  if (mode === 'terminate-idle') return // connected: the main thread terminates us
  const finite = mode === 'complete' || mode === 'mqttjs-complete'
  let trips = 0
  for (;;) {
    await client.roundTrip()
    trips++
    if (finite && trips === 20) break
  }
  await client.close()
  parentPort.postMessage({ done: true, trips })
}

// ---------------------------------------------------------------------------
// The main thread

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs one worker in `mode` to its end; resolves with what happened. */
function runWorker(host, port, mode) {
  return new Promise((resolve) => {
    const worker = new Worker(__filename, { workerData: { host, port, mode } })
    const outcome = { mode, ready: false, done: false, error: undefined, exitCode: undefined, terminated: false }
    const terminate = (afterMs) => {
      setTimeout(() => {
        outcome.terminated = true
        worker.terminate()
      }, afterMs)
    }
    worker.on('message', (message) => {
      if (message.connecting && mode === 'terminate-connect') terminate(Math.floor(Math.random() * 4))
      if (message.ready) {
        outcome.ready = true
        if (mode === 'terminate-idle') terminate(0)
        else if (mode === 'terminate-traffic' || mode === 'mqttjs-traffic') terminate(5 + Math.floor(Math.random() * 36))
      }
      if (message.done) outcome.done = true
    })
    worker.on('error', (error) => (outcome.error = String((error && error.stack) || error)))
    worker.on('exit', (code) => {
      outcome.exitCode = code
      resolve(outcome)
    })
    // A worker that neither finishes nor gets terminated is a failure of its own.
    const limit = setTimeout(() => {
      outcome.error = outcome.error || 'still running after 15 s'
      worker.terminate()
    }, 15000)
    worker.once('exit', () => clearTimeout(limit))
  })
}

/** The main thread's connection: round trips one after the other until stopped. */
async function mainTraffic(host, port) {
  const pkg = require(ROOT)
  const { mqtt } = pkg
  const topic = `mqtt-napi/threads/${process.pid}/main`
  const connection = new mqtt.MqttClient().new_connection({
    client_id: `wm${process.pid}`,
    host_name: host,
    port,
    clean_session: true,
  })
  const stats = { trips: 0, slowestMs: 0, failures: [], interrupts: 0 }
  connection.on('interrupt', () => stats.interrupts++)
  await connection.connect()
  let expect
  await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_t, payload) => expect && expect(Buffer.from(payload).toString()))
  let stopping = false
  const loop = (async () => {
    let n = 0
    while (!stopping) {
      const text = `main ${++n}`
      const began = Date.now()
      let timer
      const echoed = new Promise((resolve, reject) => {
        expect = (got) => got === text && resolve()
        timer = setTimeout(() => reject(new Error(`round trip ${n} not back within 5 s`)), 5000)
      })
      try {
        await Promise.all([connection.publish(topic, text, mqtt.QoS.AtLeastOnce), echoed])
        stats.trips++
        stats.slowestMs = Math.max(stats.slowestMs, Date.now() - began)
      } catch (error) {
        stats.failures.push(String(error && error.message))
      } finally {
        clearTimeout(timer)
      }
    }
  })()
  return {
    stats,
    stop: async () => {
      stopping = true
      await loop
      await connection.disconnect()
    },
  }
}

async function main() {
  const { host, port, rounds, workers } = JSON.parse(process.argv[2])
  const { settle, countEntries } = require('./stress-workloads')
  const fds = () => countEntries('/proc/self/fd')
  const traffic = await mainTraffic(host, port)
  await settle()
  const fdsStart = fds()
  const modes = Object.fromEntries(MODES.map((m) => [m, { runs: 0, ready: 0, done: 0, terminated: 0, exitCodes: {}, errors: [] }]))
  const began = Date.now()
  let next = 0
  for (let round = 0; round < rounds; round++) {
    const batch = Array.from({ length: workers }, () => MODES[next++ % MODES.length])
    const outcomes = await Promise.all(batch.map((mode) => runWorker(host, port, mode)))
    for (const o of outcomes) {
      const m = modes[o.mode]
      m.runs++
      if (o.ready) m.ready++
      if (o.done) m.done++
      if (o.terminated) m.terminated++
      m.exitCodes[o.exitCode] = (m.exitCodes[o.exitCode] || 0) + 1
      if (o.error) m.errors.push(o.error)
    }
  }
  const ms = Date.now() - began
  // The sockets of terminated workers close as their environments go.
  await sleep(200)
  await settle()
  const fdsAfterWorkers = fds()
  const tripsDuringWorkers = traffic.stats.trips
  await traffic.stop()
  process.stdout.write(JSON.stringify({ ms, main: { ...traffic.stats, tripsDuringWorkers }, modes, fds: { start: fdsStart, afterWorkers: fdsAfterWorkers } }) + '\n')
}
