/**
 * examples/: they compile with tsc in strict mode as a user's project would
 * (`import ... from 'mqtt-napi'` resolved by the package's own name), and
 * each runs in a child Node process against its embedded broker, exits 0 and
 * prints the very thing it is there to show.
 *
 * The compiled files go to a fresh directory under .scratch/ (gitignored):
 * inside the package, so that 'mqtt-napi' resolves to it at run time too.
 */
import fs from 'fs'
import path from 'path'
import { describeRun, Run, runNode } from '../support/node-process'

const ROOT = path.resolve(__dirname, '..', '..')
const EXAMPLES = path.join(ROOT, 'examples')
const TSC = require.resolve('typescript/bin/tsc')

// What the examples read for a broker of the user's, and the engine's log
// switch (its lines go to stderr): never inherited here.
const EMBEDDED_ONLY: NodeJS.ProcessEnv = {
  MQTT_NAPI_LOG: undefined,
  MQTT_BROKER: undefined,
  MQTT_CA: undefined,
  MQTT_CERT: undefined,
  MQTT_KEY: undefined,
  MQTT_PROXY: undefined,
  SIGNING_SECRET: undefined,
}

/** Each example, and what its output must show besides exiting 0. */
const EXPECTED: Record<string, (run: Run) => void> = {
  tcp(run) {
    const port = brokerPort(run, 'mqtt')
    expect(run.stdout).toContain(`connected to mqtt://127.0.0.1:${port} (session_present: false)`)
    expect(run.stdout).toMatch(/^subscribed to examples\/tcp\/\d+, granted QoS 1$/m)
    expect(run.stdout).toMatch(/^published at QoS 1, acknowledged \(packet id \d+\)$/m)
    expect(run.stdout).toMatch(/^received on examples\/tcp\/\d+ at QoS 1: hello over TCP$/m)
    expect(lastLine(run)).toBe('disconnected')
  },
  mtls(run) {
    const port = brokerPort(run, 'mqtts')
    expect(run.stdout).toContain(
      '[broker] TLS client certificate verified: CN=mqtt-napi-example-client (issued by mqtt-napi examples CA)',
    )
    expect(run.stdout).not.toContain('TLS handshake refused')
    expect(run.stdout).toContain(`connected to mqtts://127.0.0.1:${port} with a client certificate`)
    expect(run.stdout).toMatch(/^received on examples\/mtls\/\d+: hello over mutual TLS$/m)
    expect(lastLine(run)).toBe('disconnected')
  },
  websocket(run) {
    const port = brokerPort(run, 'ws')
    // The broker recomputed the HMAC the transform put in the upgrade request.
    expect(run.stdout).toMatch(/^\[broker\] upgrade GET \/mqtt: x-signature verified \(signed at \d+\)$/m)
    expect(run.stdout).not.toContain('refused')
    expect(run.stdout).toContain(`connected to ws://127.0.0.1:${port} over WebSockets`)
    expect(run.stdout).toMatch(/^received on examples\/websocket\/\d+: hello over WebSockets$/m)
    expect(lastLine(run)).toBe('disconnected')
  },
  proxy(run) {
    const port = brokerPort(run, 'mqtt')
    const proxyPort = Number(/^\[proxy\] embedded HTTP CONNECT proxy listening on 127\.0\.0\.1:(\d+)$/m.exec(run.stdout)?.[1])
    expect(proxyPort).toBeGreaterThan(0)
    expect(run.stdout).toContain(`[proxy] CONNECT 127.0.0.1:${port}: tunnel open`)
    expect(run.stdout).toContain(`connected to mqtt://127.0.0.1:${port} through the proxy at 127.0.0.1:${proxyPort}`)
    expect(run.stdout).toMatch(/^received on examples\/proxy\/\d+: hello through the proxy$/m)
    // The whole MQTT conversation went through the tunnel, both ways.
    const carried = new RegExp(`^\\[proxy\\] tunnel to 127\\.0\\.0\\.1:${port} closed: carried (\\d+) bytes to the broker, (\\d+) back$`, 'm')
      .exec(run.stdout)
    expect(carried).not.toBeNull()
    const [up, down] = [Number(carried![1]), Number(carried![2])]
    // CONNECT + SUBSCRIBE + PUBLISH + PUBACK + DISCONNECT up; CONNACK + SUBACK + PUBACK + PUBLISH down.
    expect(up).toBeGreaterThan(60)
    expect(down).toBeGreaterThan(30)
    expect(run.stdout.match(/tunnel open/g)).toHaveLength(1)
  },
  'persistent-session'(run) {
    brokerPort(run, 'mqtt')
    const lines = run.stdout.trim().split('\n')
    const at = (line: string) => {
      const index = lines.indexOf(line)
      expect(lines).toContain(line)
      return index
    }
    const first = at('first connection: session_present false')
    const published = at('published 3 messages at QoS 1 while the subscriber was away')
    const back = at('reconnected: session_present true')
    expect(first).toBeLessThan(published)
    expect(published).toBeLessThan(back)
    const received = lines.filter((line) => /^received while away, on examples\/session\/\d+: message \d of 3$/.test(line))
    expect(received.map((line) => line.replace(/.*: /, ''))).toEqual(['message 1 of 3', 'message 2 of 3', 'message 3 of 3'])
    expect(lines.indexOf(received[0])).toBeGreaterThan(published)
    expect(lastLine(run)).toBe('session discarded')
  },
  mqttjs(run) {
    const port = brokerPort(run, 'mqtt')
    expect(run.stdout).toContain(`connected to mqtt://127.0.0.1:${port} (connected: true)`)
    expect(run.stdout).toMatch(/^subscribed: examples\/mqttjs\/\d+ at QoS 1$/m)
    expect(run.stdout).toMatch(/^published at QoS 1, acknowledged \(message id \d+\)$/m)
    expect(run.stdout).toMatch(/^message on examples\/mqttjs\/\d+ at QoS 1: hello from the MQTT\.js dialect$/m)
    expect(run.stdout).not.toMatch(/^(offline|reconnected|error)/m)
    expect(lastLine(run)).toBe('end: the client is closed')
  },
  'aws-iot'(run) {
    const port = brokerPort(run, 'wss')
    // The endpoint signed the request again and found the same signature.
    expect(run.stdout).toContain('[endpoint] upgrade signed by AKIDEXAMPLE for us-east-1/iotdevicegateway: signature verified')
    expect(run.stdout).not.toContain('refused')
    expect(run.stdout).toContain(`connected to wss://127.0.0.1:${port} over WebSockets signed with SigV4`)
    for (const sequence of [1, 2, 3]) {
      expect(run.stdout).toMatch(
        new RegExp(`^Publish received\\. topic:"examples/aws-iot/\\d+" message:\\{"message":"Hello world!","sequence":${sequence}\\}$`, 'm'),
      )
    }
    expect(lastLine(run)).toBe('disconnected')
  },
  mqtt5(run) {
    const port = Number(/^\[broker\] mosquitto listening on mqtt:\/\/127\.0\.0\.1:(\d+)$/m.exec(run.stdout)?.[1])
    expect(port).toBeGreaterThan(0)
    const lines = run.stdout.trim().split('\n').slice(1)
    expect(lines[0]).toBe('attempting to connect')
    expect(lines[1]).toMatch(/^connected: session present false, client id examples-mqtt5-\d+$/)
    expect(lines).toContain('subscribed, reason codes [1]')
    for (const sequence of [1, 2, 3]) {
      expect(lines).toContain(`published ${sequence}, PUBACK reason code 0`)
      const received = new RegExp(
        `^received on examples/mqtt5/\\d+ at QoS 1 from mqtt5\\.mts: \\{"message":"hello MQTT 5","sequence":${sequence}\\}$`,
      )
      expect(lines.some((line) => received.test(line))).toBe(true)
    }
    expect(lines).toContain('unsubscribed, reason codes [0]')
    // A stop says why the link ended, then that the client stopped.
    expect(lines.slice(-2)).toEqual(['disconnected: AWS_ERROR_MQTT5_USER_REQUESTED_STOP', 'stopped'])
    expect(run.stdout).not.toMatch(/^(error|connection failed)/m)
  },
}

function brokerPort(run: Run, scheme: string): number {
  const match = new RegExp(`^\\[broker\\] embedded aedes listening on ${scheme}://127\\.0\\.0\\.1:(\\d+)$`, 'm').exec(run.stdout)
  expect(match).not.toBeNull()
  return Number(match![1])
}

function lastLine(run: Run): string {
  const lines = run.stdout.trim().split('\n')
  return lines[lines.length - 1]
}

let outDir: string
let compile: Run

beforeAll(async () => {
  fs.mkdirSync(path.join(ROOT, '.scratch'), { recursive: true })
  outDir = fs.mkdtempSync(path.join(ROOT, '.scratch', 'examples-test-'))
  // --strict on the command line: strict whatever examples/tsconfig.json says.
  compile = await runNode([TSC, '-p', EXAMPLES, '--outDir', outDir, '--strict', '--pretty', 'false'], 120_000)
}, 130_000)

afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true })
})

test('the examples type-check with tsc in strict mode', () => {
  if (compile.code !== 0) {
    throw new Error(`tsc -p examples --strict failed:\n${compile.stdout}${compile.stderr}`)
  }
  expect(compile.stdout + compile.stderr).toBe('')
})

test('every example in examples/ is run below', () => {
  const sources = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.mts')).map((file) => file.replace(/\.mts$/, ''))
  expect(sources.sort()).toEqual(Object.keys(EXPECTED).sort())
})

describe.each(Object.keys(EXPECTED))('example %s', (name) => {
  test('exits 0 and shows what it demonstrates', async () => {
    const script = path.join(outDir, `${name}.mjs`)
    if (!fs.existsSync(script)) throw new Error(`${name}.mjs was not compiled:\n${compile.stdout}${compile.stderr}`)
    const run = await runNode([script], 45_000, [], EMBEDDED_ONLY)
    if (run.code !== 0) throw new Error(`${name} failed\n${describeRun(run)}`)
    expect(run.stderr).toBe('')
    try {
      EXPECTED[name](run)
    } catch (error) {
      throw new Error(`${name}'s output lacks what it demonstrates: ${(error as Error).message}\n${describeRun(run)}`)
    }
  }, 60_000)
})
