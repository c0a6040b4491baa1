/**
 * The opt-in debug log: MQTT_NAPI_LOG or io.enable_logging(level) write
 * connection steps and packets to stderr, never payload bytes or passwords;
 * without either, nothing. Each case runs a round trip in a child process.
 */
import path from 'path'
import { Broker, startBroker } from '../support/brokers/brokers'
import { describeRun, runNode } from '../support/node-process'
import { withConnectProxy } from '../support/brokers/proxies'

const USER = 'logged-user'
const PASSWORD = 's3cret-password'
const PAYLOAD = 'very-secret-payload'

let broker: Broker
beforeAll(async () => {
  broker = await startBroker('aedes', { username: USER, password: PASSWORD })
})
afterAll(async () => {
  await broker?.stop()
})

function roundTrip(how: 'api' | 'env' | 'off') {
  const script = path.join(__dirname, '..', 'support', 'scripts', 'logged-roundtrip.js')
  const url = `mqtt://${broker.host}:${broker.port}`
  const env = how === 'env' ? { MQTT_NAPI_LOG: 'debug' } : {}
  return runNode([script, url, how, USER, PASSWORD, PAYLOAD], 15000, [], env)
}

test.each(['api', 'env'] as const)('turned on (%s): steps and packets, without the payload or the password', async (how) => {
  const run = await roundTrip(how)
  expect({ stdout: run.stdout, code: run.code, report: describeRun(run) }).toMatchObject({ stdout: 'done\n', code: 0 })
  const log = run.stderr
  for (const line of [
    'attempt 1 to 127.0.0.1',
    `→ CONNECT client_id="mqttjs_`,
    `username="${USER}" password=<hidden>`,
    '← CONNACK return_code=0',
    ': connected',
    '→ SUBSCRIBE id=',
    '"mqtt-napi/logged"@1',
    '→ PUBLISH topic="mqtt-napi/logged" qos=1 id=',
    `payload=${PAYLOAD.length} bytes`,
    '← PUBACK id=',
    '→ DISCONNECT',
  ]) {
    expect(log).toContain(line)
  }
  expect(log).not.toContain(PAYLOAD)
  expect(log).not.toContain(PASSWORD)
})

test('off by default: nothing on stderr', async () => {
  const run = await roundTrip('off')
  expect(run.stdout).toBe('done\n')
  expect(run.stderr).toBe('')
})

test('a connection through a proxy names the proxy in its attempts', async () => {
  await withConnectProxy({}, async (proxy) => {
    const script = `
      const { mqtt, http } = require('.')
      const connection = new mqtt.MqttClient().new_connection({
        client_id: 'logged-proxy', host_name: '127.0.0.1', port: ${broker.port}, clean_session: true,
        username: '${USER}', password: '${PASSWORD}',
        proxy_options: new http.HttpProxyOptions('127.0.0.1', ${proxy.port}),
      })
      connection.connect().then(() => connection.disconnect()).then(() => console.log('done'))`
    const run = await runNode(['-e', script], 15000, [], { MQTT_NAPI_LOG: 'info' })
    expect({ stdout: run.stdout, code: run.code, report: describeRun(run) }).toMatchObject({ stdout: 'done\n', code: 0 })
    expect(run.stderr).toContain(`logged-proxy: attempt 1 to 127.0.0.1:${broker.port} via proxy 127.0.0.1:${proxy.port}\n`)
    expect(proxy.requests.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${broker.port} HTTP/1.1`])
  })
})
