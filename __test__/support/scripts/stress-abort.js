'use strict'
// node --expose-gc stress-abort.js '<json>'
// disconnect() / end() right after connect(), many times, with both APIs,
// against four endpoints: a real broker ({ host, port } from the JSON as
// `live`), and servers of this process (stress-fake-broker.js) that answer
// the CONNECT late ('slow'), never answer it ('silent'), or a port nothing
// listens on ('refused'). The JSON also gives `rounds` per variant.
// Variants: the disconnect in the same tick as connect(), after one
// setImmediate, after 0-5 ms at random, and a burst of 20 connections
// connecting at once, all disconnected at once.
// For each endpoint and API it records how connect() settled, whether every
// disconnect()/end() finished within 5 s, events that came after it had, the
// file descriptors and server-side sockets left open, and prints one JSON
// line. Then nothing is left running and the process must exit by itself.
const { startCountingBroker } = require('../brokers/stress-fake-broker')
const { pkg, settle, countEntries, within } = require('./stress-workloads')

const { mqtt } = pkg
const LIMIT_MS = 5000
const BURST = 20
const fds = () => countEntries('/proc/self/fd')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/** Waits as the variant says, between connect() and disconnect(). */
async function pause(variant) {
  if (variant === 'immediate') await nextTurn()
  else if (variant === 'random') await sleep(Math.floor(Math.random() * 6))
}

function tally(record, key) {
  record[key] = (record[key] || 0) + 1
}

let serial = 0

/** aws-crt API: connect(), then disconnect() as `variant` says; both must settle. */
async function crtRound(endpoint, variant, record) {
  const connection = new mqtt.MqttClient().new_connection({
    client_id: `ab${process.pid}-${++serial}`,
    host_name: endpoint.host,
    port: endpoint.port,
    clean_session: true,
    socket_options: new pkg.io.SocketOptions(pkg.io.SocketType.STREAM, pkg.io.SocketDomain.IPV4, 3000),
  })
  let disconnected = false
  for (const event of ['connect', 'connection_success', 'resume', 'interrupt']) {
    connection.on(event, () => {
      if (disconnected) tally(record.lateEvents, event)
    })
  }
  const connecting = connection.connect().then(
    () => 'resolved',
    (error) => (error && error.error_name) || String(error),
  )
  await pause(variant)
  try {
    await within(connection.disconnect(), LIMIT_MS, 'disconnect()')
    disconnected = true
  } catch (error) {
    tally(record.failures, error.message)
    // Let the test see it, then still try to end it so the process can exit.
    connection.disconnect()
  }
  try {
    tally(record.connect, await within(connecting, LIMIT_MS, 'connect() settling'))
  } catch (error) {
    tally(record.failures, error.message)
  }
  return connection
}

/** MQTT.js API: connect(url, { reconnectPeriod: 0 }), then end() as `variant` says; end must call back. */
async function mqttjsRound(endpoint, variant, record) {
  const client = pkg.connect(`mqtt://${endpoint.host}:${endpoint.port}`, {
    clientId: `ab${process.pid}-${++serial}`,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  })
  let ended = false
  for (const event of ['connect', 'error', 'close', 'end', 'offline', 'reconnect']) {
    client.on(event, () => {
      tally(ended ? record.lateEvents : record.events, event)
    })
  }
  await pause(variant)
  const force = variant === 'random' && Math.random() < 0.5
  try {
    await within(new Promise((resolve) => client.end(force, resolve)), LIMIT_MS, `end(${force})`)
    ended = true
    tally(record.connect, 'end called back')
  } catch (error) {
    tally(record.failures, error.message)
  }
  return client
}

async function burst(endpoint, round, record) {
  return Promise.all(Array.from({ length: BURST }, () => round(endpoint, 'same tick', record)))
}

async function main() {
  const spec = JSON.parse(process.argv[2])
  if (!global.gc) throw new Error('run with --expose-gc')
  const slow = await startCountingBroker({ mode: 'slow', delayMs: 3 })
  const silent = await startCountingBroker({ mode: 'silent' })
  const placeholder = await startCountingBroker({ mode: 'silent' })
  const refused = { host: '127.0.0.1', port: placeholder.port }
  await placeholder.close()
  const endpoints = { live: spec.live, slow, silent, refused }
  const servers = { slow, silent }

  // The I/O thread's own descriptors open with the first connection: warm up first.
  for (const kind of ['crt', 'mqttjs']) {
    const record = { connect: {}, events: {}, lateEvents: {}, failures: {} }
    await (kind === 'crt' ? crtRound : mqttjsRound)(spec.live, 'random', record)
  }
  await settle()
  const results = {}
  const fdsStart = fds()
  for (const [name, endpoint] of Object.entries(endpoints)) {
    for (const [kind, round] of [['crt', crtRound], ['mqttjs', mqttjsRound]]) {
      const record = { rounds: 0, connect: {}, events: {}, lateEvents: {}, failures: {} }
      const began = Date.now()
      // Kept until the end of this endpoint's rounds, so late events are seen.
      const keep = []
      for (const variant of ['same tick', 'immediate', 'random']) {
        for (let i = 0; i < spec.rounds; i++) {
          keep.push(await round(endpoint, variant, record))
          record.rounds++
        }
      }
      for (let i = 0; i < 3; i++) {
        keep.push(...(await burst(endpoint, round, record)))
        record.rounds += BURST
      }
      await sleep(100)
      keep.length = 0
      await settle()
      const server = servers[name]
      if (server) {
        let timer
        await Promise.race([server.allClosed(), new Promise((r) => (timer = setTimeout(r, 2000)))])
        clearTimeout(timer)
        record.serverSocketsOpen = server.open
      }
      record.fdsOpenBeyondStart = fds() - fdsStart
      record.ms = Date.now() - began
      results[`${name} ${kind}`] = record
    }
  }
  await slow.close()
  await silent.close()
  await settle()
  process.stdout.write(JSON.stringify({ results, fds: { start: fdsStart, end: fds() } }) + '\n')
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String((error && error.stack) || error) }) + '\n')
  process.exitCode = 1
})
