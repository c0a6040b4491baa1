'use strict'
// node --expose-gc stress-gc.js
// What garbage collection does to connections whose references were dropped,
// seen from both ends: the client process (WeakRef, FinalizationRegistry,
// its open file descriptors) and the server (stress-fake-broker.js, in this
// process, which sees each client socket close). README: "A connection that
// was never connected, or was disconnected, does not keep Node running; a
// connecting or connected one does." So an idle one can be collected (and
// its native half goes with it), while a wanted one holds itself.
// Prints one JSON line { results: { <case>: {...} }, fds: {...} }; then
// nothing is left running and the process must exit by itself.
const path = require('path')
const { startCountingBroker } = require('../brokers/stress-fake-broker')
const { settle, countEntries, within } = require('./stress-workloads')

const ROOT = path.resolve(__dirname, '..', '..', '..')
const pkg = require(ROOT)
const { NativeConnection } = require(path.join(ROOT, 'js', 'core', 'native'))
// The engine's config, as the aws-crt API builds it from an MqttConnectionConfig.
const { nativeConfig } = require(path.join(ROOT, 'js', 'crt', 'config'))
const { mqtt } = pkg

const collected = new Set()
const registry = new FinalizationRegistry((name) => collected.add(name))

/** Registers `object` as `name`; returns a WeakRef to it. */
function watch(object, name) {
  registry.register(object, name)
  return new WeakRef(object)
}

/** Collects garbage until `name` was finalized or `ms` passed; says whether it was. */
async function collectedWithin(name, ms = 3000) {
  const deadline = Date.now() + ms
  while (!collected.has(name) && Date.now() < deadline) await settle(2)
  return collected.has(name)
}

/** Resolves true once `server` has no open client socket, false after `ms`. */
async function serverSeesAllClosed(server, ms = 3000) {
  let timer
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const closed = server.allClosed().then(() => true)
  const result = await Promise.race([closed, timeout])
  clearTimeout(timer)
  return result
}

const fds = () => countEntries('/proc/self/fd')

function crtConnection(server, id) {
  return new mqtt.MqttClient().new_connection({
    client_id: id,
    host_name: server.host,
    port: server.port,
    clean_session: true,
  })
}

function mqttjsClient(server, id, options = {}) {
  return pkg.connect(`mqtt://${server.host}:${server.port}`, { clientId: id, reconnectPeriod: 0, ...options })
}

function mqttjsConnected(client) {
  return within(
    new Promise((resolve, reject) => {
      client.once('connect', resolve)
      client.once('error', reject)
    }),
    5000,
    "MQTT.js dialect 'connect'",
  )
}

const cases = {
  /** Never connected: collectable at once. */
  async 'never connected'(server) {
    const acceptedBefore = server.accepted
    let connection = crtConnection(server, 'gc-idle-crt')
    connection.on('message', () => {})
    let client = mqttjsClient(server, 'gc-idle-js', { manualConnect: true })
    client.on('message', () => {})
    watch(connection, 'idle crt')
    watch(client, 'idle mqttjs')
    connection = undefined
    client = undefined
    return {
      crtCollected: await collectedWithin('idle crt'),
      mqttjsCollected: await collectedWithin('idle mqttjs'),
      socketsAccepted: server.accepted - acceptedBefore,
    }
  },

  /** Connected, then disconnected / ended: the socket closes at the disconnect, the object is collectable. */
  async disconnected(server) {
    let connection = crtConnection(server, 'gc-disc-crt')
    await within(connection.connect(), 5000, 'connect()')
    let client = mqttjsClient(server, 'gc-disc-js')
    await mqttjsConnected(client)
    const openWhileConnected = server.open
    await within(connection.disconnect(), 5000, 'disconnect()')
    await within(new Promise((resolve) => client.end(resolve)), 5000, 'end()')
    const serverSawClose = await serverSeesAllClosed(server)
    watch(connection, 'disconnected crt')
    watch(client, 'disconnected mqttjs')
    connection = undefined
    client = undefined
    return {
      openWhileConnected,
      serverSawClose,
      crtCollected: await collectedWithin('disconnected crt'),
      mqttjsCollected: await collectedWithin('disconnected mqttjs'),
    }
  },

  /** A first connect() that failed (nothing listens there) leaves a collectable object. */
  async 'connect failed'(_server, closedPort) {
    let connection = crtConnection(closedPort, 'gc-fail-crt')
    const error = await connection.connect().then(
      () => 'resolved',
      (e) => e.error_name,
    )
    let client = mqttjsClient(closedPort, 'gc-fail-js')
    client.on('error', () => {})
    await within(new Promise((resolve) => client.once('close', resolve)), 5000, "MQTT.js dialect 'close'")
    watch(connection, 'failed crt')
    watch(client, 'failed mqttjs')
    connection = undefined
    client = undefined
    return {
      error,
      crtCollected: await collectedWithin('failed crt'),
      mqttjsCollected: await collectedWithin('failed mqttjs'),
    }
  },

  /**
   * Connected and dropped without disconnect(): the connection holds itself
   * (and the process), stays connected and usable, and goes only after
   * disconnect() / end().
   */
  async 'connected and dropped'(server) {
    const crtRef = watch(crtConnection(server, 'gc-held-crt'), 'held crt')
    await within(crtRef.deref().connect(), 5000, 'connect()')
    const jsRef = watch(mqttjsClient(server, 'gc-held-js'), 'held mqttjs')
    await mqttjsConnected(jsRef.deref())
    const held = !(await collectedWithin('held crt', 500)) && !(await collectedWithin('held mqttjs', 500))
    const openAfterGc = server.open
    const alive = crtRef.deref() !== undefined && jsRef.deref() !== undefined
    // Still usable: a QoS 1 publish completes (the fake broker acknowledges
    // it). Then closed; in a function of its own, so no local variable here
    // holds the objects afterwards.
    const use = async () => {
      const crt = crtRef.deref()
      const js = jsRef.deref()
      const crtPublish = await within(crt.publish('gc/held', 'x', mqtt.QoS.AtLeastOnce), 5000, 'publish').then(
        () => 'acknowledged',
        (e) => `failed: ${e.message}`,
      )
      const mqttjsPublish = await within(js.publishAsync('gc/held', 'x', { qos: 1 }), 5000, 'publishAsync').then(
        () => 'acknowledged',
        (e) => `failed: ${e.message}`,
      )
      await within(crt.disconnect(), 5000, 'disconnect()')
      await within(js.endAsync(), 5000, 'endAsync()')
      return { crtPublish, mqttjsPublish }
    }
    const used = alive ? await use() : { crtPublish: 'gone', mqttjsPublish: 'gone' }
    const serverSawClose = await serverSeesAllClosed(server)
    return {
      held,
      alive,
      openAfterGc,
      ...used,
      serverSawClose,
      crtCollectedAfterDisconnect: await collectedWithin('held crt'),
      mqttjsCollectedAfterEnd: await collectedWithin('held mqttjs'),
    }
  },

  /**
   * The native half alone (what an MqttClientConnection wraps), connected
   * and dropped: collecting it closes its socket. This is what makes an idle
   * wrapper's collection free everything it had.
   */
  async 'native half dropped while connected'(server) {
    const before = fds()
    let connectedNow
    const up = new Promise((resolve) => (connectedNow = resolve))
    let native = new NativeConnection(nativeConfig({ client_id: 'gc-native', host_name: server.host, port: server.port, clean_session: true }), (batch) => {
      if (batch.connectionEvents.some((e) => e.kind === 'connection_success')) connectedNow()
    })
    native.connect()
    await within(up, 5000, 'native connection_success')
    const openWhileConnected = server.open
    const fdsWhileConnected = fds()
    watch(native, 'native')
    native = undefined
    const nativeCollected = await collectedWithin('native')
    const serverSawClose = await serverSeesAllClosed(server)
    await settle()
    return { openWhileConnected, fdsBefore: before, fdsWhileConnected, nativeCollected, serverSawClose, fdsAfter: fds() }
  },

  /** The native half dropped while its CONNECT waits for a CONNACK that never comes. */
  async 'native half dropped while connecting'(_server, _closed, silent) {
    let native = new NativeConnection(nativeConfig({ client_id: 'gc-native-wait', host_name: silent.host, port: silent.port, clean_session: true }), () => {})
    native.connect()
    const deadline = Date.now() + 5000
    while (silent.open === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    const openWhileConnecting = silent.open
    watch(native, 'native connecting')
    native = undefined
    return {
      openWhileConnecting,
      nativeCollected: await collectedWithin('native connecting'),
      serverSawClose: await serverSeesAllClosed(silent),
    }
  },
}

async function main() {
  if (!global.gc) throw new Error('run with --expose-gc')
  const server = await startCountingBroker({ mode: 'answers' })
  const silent = await startCountingBroker({ mode: 'silent' })
  // A port nothing listens on: take one, then free it.
  const placeholder = await startCountingBroker({ mode: 'silent' })
  const closedPort = { host: '127.0.0.1', port: placeholder.port }
  await placeholder.close()
  // The I/O thread's own descriptors (epoll, wake-up) open with the first
  // connection and stay: the baseline is taken after one.
  const warm = crtConnection(server, 'gc-warm-up')
  await within(warm.connect(), 5000, 'connect()')
  await within(warm.disconnect(), 5000, 'disconnect()')
  await settle()
  const fdsStart = fds()
  const results = {}
  for (const [name, run] of Object.entries(cases)) {
    try {
      results[name] = await run(server, closedPort, silent)
    } catch (error) {
      results[name] = { error: String((error && error.stack) || error) }
    }
  }
  await settle()
  const fdsEnd = fds()
  await server.close()
  await silent.close()
  process.stdout.write(JSON.stringify({ results, fds: { start: fdsStart, end: fdsEnd } }) + '\n')
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String((error && error.stack) || error) }) + '\n')
  process.exitCode = 1
})
