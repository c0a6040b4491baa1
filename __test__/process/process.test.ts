/**
 * Behaviour only a whole process shows: when Node exits, what a throwing
 * listener does, worker threads, and loading the package as CommonJS and ESM.
 * Each case runs a script from support/ in a child Node process.
 */
import path from 'path'
import { forEachBroker } from '../support/brokers/brokers'
import { describeRun, runNode } from '../support/node-process'

const SUPPORT = path.join(__dirname, '..', 'support', 'scripts')
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..')

test('a connection that was made but never connected does not keep Node running', async () => {
  const run = await runNode([path.join(SUPPORT, 'exit-when-idle.js'), '127.0.0.1', '1'], 5000)
  expect({ timedOut: run.timedOut, code: run.code, signal: run.signal }).toEqual({ timedOut: false, code: 0, signal: null })
  expect(run.stdout).toContain('created')
})

test('MQTT.js dialect: a client that cannot connect and may not retry lets Node exit', async () => {
  const run = await runNode([path.join(SUPPORT, 'dialect-end-then-exit.js'), 'mqtt://127.0.0.1:1', '0'], 5000)
  expect(run.timedOut).toBe(false)
  expect(run.stdout).toBe('error ECONNREFUSED\nclose\nexit 0\n')
})

test('CommonJS: require of the package root gives the mqtt, io and http namespaces', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const pkg = require('../..')
  expect(typeof pkg.mqtt).toBe('object')
  expect(typeof pkg.io).toBe('object')
  expect(typeof pkg.http).toBe('object')
  expect(typeof pkg.mqtt.MqttClient).toBe('function')
  expect(typeof pkg.io.SocketOptions).toBe('function')
  expect(typeof pkg.http.HttpProxyOptions).toBe('function')
  expect(pkg.mqtt.HttpProxyOptions).toBe(pkg.http.HttpProxyOptions)
})

test('CommonJS in a plain Node process: require of the package root', async () => {
  const script = `
    const pkg = require(${JSON.stringify(PACKAGE_ROOT)})
    console.log(JSON.stringify({ mqtt: typeof pkg.mqtt, io: typeof pkg.io, http: typeof pkg.http, CrtError: typeof pkg.CrtError }))`
  const run = await runNode(['-e', script], 10000)
  expect(run.code).toBe(0)
  expect(JSON.parse(run.stdout)).toEqual({ mqtt: 'object', io: 'object', http: 'object', CrtError: 'function' })
})

test('ESM: import of index.mjs gives the same namespaces and MQTT.js functions, named and default', async () => {
  const run = await runNode([path.join(SUPPORT, 'esm-load.mjs')], 10000)
  expect(run.code).toBe(0)
  expect(JSON.parse(run.stdout.trim())).toEqual({
    mqtt: 'object',
    io: 'object',
    http: 'object',
    CrtError: 'function',
    default: 'object',
    defaultMqttSame: true,
    MqttClient: 'function',
    QoS1: 1,
    dialect: ['function', 'function', 'function', 'function', 'function'],
    defaultConnectSame: true,
  })
})

test('in a plain Node process, bad arguments throw real TypeError / RangeError instances', async () => {
  const script = `
    const { mqtt } = require(${JSON.stringify(PACKAGE_ROOT)})
    const client = new mqtt.MqttClient()
    const base = { client_id: 'x', host_name: '127.0.0.1', port: 1883 }
    const result = {}
    for (const [name, config] of [['type', { ...base, port: '1883' }], ['range', { ...base, port: 70000 }]]) {
      try { client.new_connection(config); result[name] = 'no error' }
      catch (e) { result[name] = { TypeError: e instanceof TypeError, RangeError: e instanceof RangeError, Error: e instanceof Error } }
    }
    console.log(JSON.stringify(result))`
  const run = await runNode(['-e', script], 10000)
  expect(run.code).toBe(0)
  expect(JSON.parse(run.stdout)).toEqual({
    type: { TypeError: true, RangeError: false, Error: true },
    range: { TypeError: false, RangeError: true, Error: true },
  })
})

forEachBroker('child processes', (broker) => {

  test('a connected connection keeps Node running until disconnect(), then the process exits by itself', async () => {
    const run = await runNode([path.join(SUPPORT, 'disconnect-then-exit.js'), broker.host, String(broker.port)], 10000)
    expect(run.timedOut).toBe(false)
    expect(run.stdout).toContain('connected\n')
    // The disconnect timer is unref'd: only the live connection kept the process alive for it.
    expect(run.stdout).toContain('disconnected\n')
    expect(run.stdout.indexOf('disconnected')).toBeLessThan(run.stdout.indexOf('exit 0'))
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null })
  })

  test('MQTT.js dialect: a connected client keeps Node running until end(), then the process exits by itself', async () => {
    const url = `mqtt://${broker.host}:${broker.port}`
    const run = await runNode([path.join(SUPPORT, 'dialect-end-then-exit.js'), url, '1000'], 10000)
    expect(run.timedOut).toBe(false)
    expect(run.stdout).toBe('connected\npublished\nclose\nended\nexit 0\n')
  })

  test('a throwing message callback becomes an uncaught exception; the process is not aborted', async () => {
    const run = await runNode([path.join(SUPPORT, 'throwing-listener.js'), broker.host, String(broker.port)], 15000)
    const report = describeRun(run)
    expect({ timedOut: run.timedOut, signal: run.signal, code: run.code, report }).toEqual({
      timedOut: false,
      signal: null,
      code: 0,
      report,
    })
    expect(run.stdout).toMatch(/^uncaught: .*boom from listener/m)
    expect(run.stdout).toContain('after throw: delivered')
    expect(run.stdout).toContain('disconnected')
  })

  test('a Worker thread requires the package and does a publish/subscribe round trip', async () => {
    const run = await runNode([path.join(SUPPORT, 'worker-roundtrip.js'), broker.host, String(broker.port), '1'], 15000)
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(0)
    const results = JSON.parse(run.stdout.trim())
    expect(results).toHaveLength(1)
    expect(results[0]).toEqual(expect.objectContaining({ ok: true, exitCode: 0 }))
  })

  test('two Worker threads at once each do their round trip', async () => {
    const run = await runNode([path.join(SUPPORT, 'worker-roundtrip.js'), broker.host, String(broker.port), '2'], 15000)
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(0)
    const results = JSON.parse(run.stdout.trim())
    expect(results).toHaveLength(2)
    for (const result of results) expect(result).toEqual(expect.objectContaining({ ok: true, exitCode: 0 }))
  })
})
