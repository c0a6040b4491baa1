/**
 * The MQTT.js dialect's connect options: WebSocket headers, path and
 * transformWsUrl, `servers`, `manualConnect`, the TLS options (ALPN,
 * servername, rejectUnauthorized, client certificates), `connectTimeout`,
 * `queueQoSZero` and `keepalive`. Those run with MQTT.js itself and with
 * mqtt-napi's dialect, to show both clients behave alike: against aedes,
 * whose transport broker records ALPN, SNI and WebSocket upgrades (the
 * checks that read those records run with aedes only), against mosquitto,
 * and against a fake broker that counts connections and keeps the bytes of
 * each CONNECT. Where the two clients word an error differently, the test
 * branches on the client and says so.
 *
 * Then what mqtt-napi does on purpose where MQTT.js does otherwise: options
 * it cannot honour throw, options it ignores warn, wrong arguments throw,
 * a publish to a wildcard topic fails locally, `servers` cannot switch
 * transport, `transformWsUrl` cannot switch host, a `manualConnect` client
 * ends before it ever connected, `removeOutgoingMessage` throws, and
 * `reconnectPeriodMax` bounds its growing reconnect waits.
 */
import { execFile } from 'child_process'
import fs from 'fs'
import path from 'path'
import { types } from 'util'
import { makeCerts, removeCerts } from '../support/certs'
import { availableBrokers, BrokerKind, Listener, ListenerName, startTransportBroker, TransportBroker, TransportEvent } from '../support/brokers/brokers'
import { FakeBroker, startFakeBroker } from '../support/brokers/fake-broker'
import { Relay, startRelay, startRelayOn } from '../support/brokers/relay'
import {
  callbackOf,
  connected,
  DialectClient,
  dialects,
  endAllClients,
  firstConnect,
  IClientOptions,
  inbox,
  MqttClient,
  nextMessage,
  recordEvents,
  reference,
  refusedPort,
  urlOf,
} from '../support/dialect'
import { once, sleep, uniqueId, uniqueTopic, waitFor, within } from '../support/helpers'

const certs = makeCerts()
const caPem = fs.readFileSync(certs.caPath, 'utf8')
const ca = Buffer.from(caPem)
const clientCertPem = fs.readFileSync(certs.clientCert, 'utf8')
const clientKeyPem = fs.readFileSync(certs.clientKeyPkcs8, 'utf8')
const kinds = availableBrokers()

/** The transport brokers of every kind, started once for the file. */
const brokers: Partial<Record<BrokerKind, TransportBroker>> = {}

beforeAll(async () => {
  await Promise.all(
    kinds.map(async (kind) => {
      brokers[kind] = await startTransportBroker(kind, certs)
    }),
  )
}, 60000)

afterEach(endAllClients)

afterAll(async () => {
  await Promise.all(Object.values(brokers).map((broker) => broker!.stop()))
  removeCerts()
})

function listenerOf(kind: BrokerKind, name: ListenerName): Listener {
  const listener = brokers[kind]?.listeners[name]
  if (!listener) throw new Error(`${kind} has no ${name} listener`)
  return listener
}

/**
 * Asserts `value` is an Error. (Not toBeInstanceOf(Error): errors made by
 * Node's core or by the native addon come from another realm than jest's
 * sandbox, so instanceof fails for them although the application sees Errors.)
 */
function expectError(value: unknown): asserts value is Error & { code?: string } {
  expect(types.isNativeError(value)).toBe(true)
}

/** Subscribes `client` to a fresh topic, publishes there at QoS 1 and waits for the message. */
async function roundTrip(client: MqttClient): Promise<void> {
  const topic = uniqueTopic('options')
  await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
  const message = nextMessage(client, topic)
  await within(client.publishAsync(topic, 'round trip', { qos: 1 }), 5000, 'publish')
  expect((await message).payload.toString()).toBe('round trip')
}

/** The first event of aedes' records that `matches`, once it has come (5 s at most). */
async function aedesEvent(matches: (event: TransportEvent) => boolean, what: string): Promise<TransportEvent> {
  const events = brokers.aedes!.events
  await waitFor(() => events.some(matches), 5000, what)
  return events.find(matches)!
}

/** The TLS handshakes aedes recorded on `listener` so far (ALPN and SNI). */
function handshakesOn(listener: ListenerName): TransportEvent[] {
  return brokers.aedes!.events.filter((e) => e.listener === listener && e.type === 'alpn')
}

/** The next TLS handshake aedes records on `listener` after the `seen` first ones. */
async function handshakeAfter(listener: ListenerName, seen: number): Promise<TransportEvent> {
  await waitFor(() => handshakesOn(listener).length > seen, 5000, `a TLS handshake on aedes' ${listener} listener`)
  return handshakesOn(listener)[seen]
}

/** The keepalive field of the CONNECT at the start of `bytes` (MQTT 3.1.1). */
function keepaliveOfConnect(bytes: Buffer): number {
  expect(bytes[0]).toBe(0x10)
  let at = 1
  while (bytes[at] & 0x80) at += 1 // the remaining length's bytes
  at += 1
  const nameLength = bytes.readUInt16BE(at)
  at += 2 + nameLength + 1 + 1 // protocol name, level, flags
  return bytes.readUInt16BE(at)
}

// ---------------------------------------------------------------------------
// A. As MQTT.js does

describe.each(kinds)('options shared with MQTT.js, with %s', (kind) => {
  const listener = (name: ListenerName) => listenerOf(kind, name)

  describe.each(dialects)('$name', (dialect) => {
    if (kind === 'aedes') {
      test.each(['ws', 'wss'] as const)(
        'wsOptions.headers reach the broker in the %s upgrade, whose path is the URL path',
        async (scheme) => {
          const id = uniqueId('h')
          const { client } = await connected(dialect, `${urlOf(listener(scheme), scheme)}/some/path`, {
            ca,
            wsOptions: { headers: { 'x-test-id': id, 'x-other': 'two' } },
          })
          const upgrade = await aedesEvent((e) => e.type === 'upgrade' && e.headers?.['x-test-id'] === id, 'the upgrade')
          expect(upgrade.listener).toBe(scheme)
          expect(upgrade.url).toBe('/some/path')
          expect(upgrade.headers!['x-other']).toBe('two')
          expect(upgrade.headers!['sec-websocket-protocol']).toBe('mqtt')
          await roundTrip(client)
        },
      )

      test("a ws URL without a path upgrades at '/'", async () => {
        const id = uniqueId('h')
        await connected(dialect, urlOf(listener('ws'), 'ws'), { wsOptions: { headers: { 'x-test-id': id } } })
        const upgrade = await aedesEvent((e) => e.type === 'upgrade' && e.headers?.['x-test-id'] === id, 'the upgrade')
        expect(upgrade.url).toBe('/')
      })

      test('transformWsUrl(url, options, client) gets the ws URL; the path and query it returns are requested', async () => {
        const id = uniqueId('h')
        const base = urlOf(listener('ws'), 'ws')
        const calls: Array<{ url: string; options: IClientOptions; client: MqttClient }> = []
        const { client } = await connected(dialect, `${base}/mqtt`, {
          wsOptions: { headers: { 'x-test-id': id } },
          transformWsUrl: (url, options, client) => {
            calls.push({ url, options, client })
            return `${url}?token=abc`
          },
        })
        expect(calls.length).toBeGreaterThanOrEqual(1)
        expect(calls[0].url).toBe(`${base}/mqtt`)
        expect(calls[0].client).toBe(client)
        expect(calls[0].options).toMatchObject({ protocol: 'ws', port: listener('ws').port })
        const upgrade = await aedesEvent((e) => e.type === 'upgrade' && e.headers?.['x-test-id'] === id, 'the upgrade')
        expect(upgrade.url).toBe('/mqtt?token=abc')
        await roundTrip(client)
      })

      test('transformWsUrl is called again for each reconnect, and each upgrade uses what it returned then', async () => {
        const id = uniqueId('h')
        const relay = await startRelay(listener('ws'))
        try {
          const base = urlOf(relay, 'ws')
          const urls: string[] = []
          const { client } = await connected(dialect, `${base}/mqtt`, {
            reconnectPeriod: 100,
            wsOptions: { headers: { 'x-test-id': id } },
            transformWsUrl: (url) => {
              urls.push(url)
              return `${url}?attempt=${urls.length}`
            },
          })
          relay.cut()
          await once(client, 'connect', 5000)
          expect(urls).toEqual([`${base}/mqtt`, `${base}/mqtt`])
          const upgrades = () => brokers.aedes!.events.filter((e) => e.type === 'upgrade' && e.headers?.['x-test-id'] === id)
          await waitFor(() => upgrades().length === 2, 5000, 'two upgrades')
          expect(upgrades().map((e) => e.url)).toEqual(['/mqtt?attempt=1', '/mqtt?attempt=2'])
        } finally {
          await relay.close()
        }
      })

      test("ALPNProtocols: ['mqtt'] is negotiated with the broker", async () => {
        const seen = handshakesOn('tls').length
        const { client } = await connected(dialect, urlOf(listener('tls'), 'mqtts'), { ca, ALPNProtocols: ['mqtt'] })
        expect((await handshakeAfter('tls', seen)).protocol).toBe('mqtt')
        await roundTrip(client)
      })

      test("servername: 'localhost' is sent in SNI while connecting to 127.0.0.1 (and no SNI without it)", async () => {
        let seen = handshakesOn('tls').length
        await connected(dialect, urlOf(listener('tls'), 'mqtts'), { ca, servername: 'localhost' })
        expect((await handshakeAfter('tls', seen)).servername).toBe('localhost')
        seen = handshakesOn('tls').length
        await connected(dialect, urlOf(listener('tls'), 'mqtts'), { ca })
        // No SNI for an IP address: Node reports false for the server name.
        expect((await handshakeAfter('tls', seen)).servername).toBeFalsy()
      })
    }

    test('servers: a refused first server, then the client rotates to the second and connects', async () => {
      const refused = await refusedPort()
      const client = dialect.connect(urlOf({ port: refused }), {
        reconnectPeriod: 100,
        servers: [
          { host: '127.0.0.1', port: refused },
          { host: '127.0.0.1', port: listener('tcp').port },
        ],
      })
      const events = recordEvents(client)
      await once(client, 'connect', 5000)
      // The URL's port and servers[0] refuse: only servers[1] can have taken the client.
      expect(events).toEqual(['error', 'offline', 'close', 'reconnect', 'connect'])
      expect(client.connected).toBe(true)
      await roundTrip(client)
    })

    test.each([
      ['untrusted', 'whose CA is not trusted'],
      ['expired', 'whose certificate has expired'],
      ['wrongName', 'whose certificate names another host'],
    ] as Array<[ListenerName, string]>)('rejectUnauthorized: false connects to the %s listener (a broker %s)', async (name) => {
      const { client } = await connected(dialect, urlOf(listener(name), 'mqtts'), { ca, rejectUnauthorized: false })
      await roundTrip(client)
    })

    test('by default a broker whose CA is not trusted is refused with an error event', async () => {
      const client = dialect.connect(urlOf(listener('untrusted'), 'mqtts'), { ca, reconnectPeriod: 1000 })
      const connects = recordEvents(client, ['connect'])
      const [error] = await once<[Error]>(client, 'error', 5000)
      expectError(error)
      // MQTT.js: 'unable to verify the first certificate' (UNABLE_TO_VERIFY_LEAF_SIGNATURE);
      // mqtt-napi: the native engine's words (AWS_IO_TLS_UNKNOWN_ROOT_CERTIFICATE).
      expect(error.code).toBe(dialect.name === 'MQTT.js' ? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' : 'AWS_IO_TLS_UNKNOWN_ROOT_CERTIFICATE')
      expect(connects).toEqual([])
      expect(client.connected).toBe(false)
    })

    test.each([
      ['PEM strings', () => ({ cert: clientCertPem, key: clientKeyPem })],
      ['Buffers', () => ({ cert: Buffer.from(clientCertPem), key: Buffer.from(clientKeyPem) })],
    ])('mutual TLS: cert and key as %s are accepted by a broker that requires a client certificate', async (_, tlsOptions) => {
      const { client } = await connected(dialect, urlOf(listener('mtls'), 'mqtts'), { ca, ...tlsOptions() })
      await roundTrip(client)
    })

    test('mutual TLS: without cert and key the broker refuses the client (error, no connect)', async () => {
      const client = dialect.connect(urlOf(listener('mtls'), 'mqtts'), { ca, reconnectPeriod: 1000 })
      const events = recordEvents(client)
      const errors: unknown[] = []
      client.on('error', (error: Error) => errors.push(error))
      await waitFor(() => events.includes('close'), 5000, 'close')
      // The TLS 1.3 alert 'certificate required' fails the attempt; the next comes after 1 s.
      expect(events).toEqual(['error', 'offline', 'close'])
      expectError(errors[0])
      expect(errors[0].message).toMatch(/certificate required|CertificateRequired/)
      expect(client.connected).toBe(false)
    })

    test('queueQoSZero: false: a QoS 0 publish made while offline is not sent after the reconnect', async () => {
      const base = uniqueTopic('qos0')
      const { client: watcher } = await connected(reference, urlOf(listener('tcp')))
      await within(watcher.subscribeAsync(`${base}/#`, { qos: 1 }), 5000, 'subscribe')
      const seen = inbox(watcher)
      let relay: Relay | undefined = await startRelay(listener('tcp'))
      try {
        const { client } = await connected(dialect, urlOf(relay), { reconnectPeriod: 100, queueQoSZero: false })
        const port = relay.port
        const offline = once(client, 'offline')
        await relay.close()
        relay = undefined
        await offline

        // The callback comes while the client is still offline, with an error.
        const [error] = await callbackOf<[Error | null | undefined]>((cb) =>
          client.publish(`${base}/dropped`, 'lost', { qos: 0 }, cb),
        )
        expectError(error)
        expect(error.message).toBe('No connection to broker')
        // mqtt-napi adds the native error's name as `code`; MQTT.js has none.
        if (dialect.name === 'mqtt-napi') expect(error.code).toBe('AWS_ERROR_MQTT_NOT_CONNECTED')
        expect(client.connected).toBe(false)

        const back = once(client, 'connect')
        relay = await startRelayOn(port)
        await back

        await within(client.publishAsync(`${base}/marker`, 'after', { qos: 1 }), 5000, 'publish')
        await waitFor(() => seen.some((m) => m.topic === `${base}/marker`), 5000, 'the marker at the watcher')
        // The broker keeps order: a QoS 0 message sent after the reconnect would have come first.
        expect(seen.map((m) => m.topic)).toEqual([`${base}/marker`])
      } finally {
        await relay?.close()
      }
    })
  })
})

describe.each(dialects)('options shared with MQTT.js, against a fake broker: $name', (dialect) => {
  let fake: FakeBroker | undefined
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  test('manualConnect: true: nothing reaches the broker until client.connect(), then connect fires', async () => {
    fake = await startFakeBroker('connack-only')
    const client = dialect.connect(urlOf(fake), { manualConnect: true, reconnectPeriod: 200 })
    const events = recordEvents(client)
    await sleep(300)
    expect(fake.connections).toBe(0)
    expect(events).toEqual([])
    expect(client.connected).toBe(false)
    client.connect()
    await firstConnect(client)
    expect(fake.connections).toBe(1)
    expect(client.connected).toBe(true)
  })

  test('connectTimeout: 300 against a broker that never answers CONNECT: an error, then close', async () => {
    fake = await startFakeBroker('silent')
    const client = dialect.connect(urlOf(fake), { connectTimeout: 300, reconnectPeriod: 10000 })
    const events = recordEvents(client, ['connect', 'error', 'close'])
    const errors: Error[] = []
    client.on('error', (error: Error) => errors.push(error))
    // Within 5 s (the default connectTimeout is 30 s); the next attempt would come 10 s later.
    await waitFor(() => events.includes('close'), 5000, 'close')
    expect(events).toEqual(['error', 'close'])
    expect(fake.connections).toBe(1)
    const [error] = errors
    expectError(error)
    expect(error.message).toBe('connack timeout')
    // mqtt-napi adds the native error's name as `code`; MQTT.js has none.
    if (dialect.name === 'mqtt-napi') expect(error.code).toBe('AWS_ERROR_MQTT_TIMEOUT')
  })

  test.each([0, 30, 60])('keepalive: %i is the keepalive of the CONNECT', async (keepalive) => {
    fake = await startFakeBroker('connack-only')
    const options: IClientOptions = keepalive === 60 ? {} : { keepalive }
    await connected(dialect, urlOf(fake), options) // 60 is the default
    expect(keepaliveOfConnect(fake.received[0])).toBe(keepalive)
  })
})

// ---------------------------------------------------------------------------
// B. Where mqtt-napi differs from MQTT.js on purpose

const napi: DialectClient = dialects.find((d) => d.name === 'mqtt-napi')!

describe('mqtt-napi: options it cannot honour throw (MQTT.js would use them)', () => {
  test.each([
    ['incomingStore', {}],
    ['outgoingStore', {}],
    ['createWebsocket', () => undefined],
    ['socksProxy', 'socks5://127.0.0.1:1'],
  ])('%s throws an Error naming it', async (name, value) => {
    const url = urlOf({ port: await refusedPort() })
    expect(() => napi.connect(url, { [name]: value } as IClientOptions)).toThrow(new RegExp(`options\\.${name}\\b.*not supported`))
  })

  test("a messageIdProvider of the application's own throws a TypeError saying which ones are supported", async () => {
    const url = urlOf({ port: await refusedPort() })
    const custom = { allocate: () => 1, getLastAllocated: () => 1, register: () => true, deallocate: () => undefined, clear: () => undefined }
    const make = () => napi.connect(url, { messageIdProvider: custom, manualConnect: true } as IClientOptions)
    expect(make).toThrow(TypeError)
    expect(make).toThrow(/options\.messageIdProvider must be a DefaultMessageIdProvider or a UniqueMessageIdProvider/)
  })

  test.each([3, 6] as const)('protocolVersion: %i throws a RangeError naming options.protocolVersion', async (protocolVersion) => {
    const url = urlOf({ port: await refusedPort() })
    const options = { protocolVersion } as IClientOptions
    expect(() => napi.connect(url, options)).toThrow(RangeError)
    expect(() => napi.connect(url, options)).toThrow(/options\.protocolVersion/)
  })
})

/** A warning as a 'warning' listener sees it. */
interface SeenWarning {
  name: string
  code?: string
  message: string
}

/**
 * Makes clients with ignored options in a child Node process, one step at a
 * time, and resolves with the warnings each step raised there. (Jest gives a
 * test file its own `process` object, on which Node never emits 'warning';
 * a process of its own also shows "once per process" from a clean start.)
 * The clients use manualConnect and are never connected: the child must
 * exit by itself.
 */
function warningsInChild(port: number): Promise<Record<string, SeenWarning[]>> {
  const script = `
    const mqtt = require(${JSON.stringify(path.join(__dirname, '..', '..', 'index.js'))})
    const seen = []
    process.on('warning', (w) => seen.push({ name: w.name, code: w.code, message: w.message }))
    const url = 'mqtt://127.0.0.1:${port}'
    const steps = {}
    const step = async (name, make) => {
      seen.length = 0
      make()
      await new Promise((resolve) => setImmediate(resolve)) // emitWarning emits on the next tick
      steps[name] = seen.slice()
    }
    ;(async () => {
      await step('first', () => mqtt.connect(url, { manualConnect: true, passphrase: 'secret' }))
      await step('again', () => mqtt.connect(url, { manualConnect: true, passphrase: 'other' }))
      await step('two', () => mqtt.connect(url, { manualConnect: true, ciphers: 'HIGH', log: console.log }))
      // What MQTT.js's own CLI passes as options: its parsed command line.
      await step('cli', () =>
        mqtt.connect(url, { manualConnect: true, _: [], stdin: false, help: false, H: 'localhost', c: false, 'will-topic': 'w', multiline: false }))
      await step('ws', () =>
        mqtt.connect('ws://127.0.0.1:${port}', { manualConnect: true, wsOptions: { someUnknownWsOption1: true, headers: { a: 'b' } } }))
      await step('tuning', () =>
        mqtt.connect(url, { manualConnect: true, reschedulePings: false, writeCache: false, timerVariant: 'native' }))
      await step('mqttjs', () =>
        mqtt.connect(url, { manualConnect: true, properties: { sessionExpiryInterval: 5 }, subscribeBatchSize: 5 }))
      process.stdout.write(JSON.stringify(steps))
    })()
  `
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 10000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the child failed (${error.message}): ${stderr}`))
      else resolve(JSON.parse(stdout))
    })
  })
}

describe('mqtt-napi: options it ignores emit a process warning, once per option (MQTT.js would use them)', () => {
  let steps: Record<string, SeenWarning[]>
  beforeAll(async () => {
    steps = await warningsInChild(await refusedPort())
  }, 15000)

  const warning = (option: string) => ({
    name: 'Warning',
    code: 'MQTT_NAPI_UNSUPPORTED_OPTION',
    message: expect.stringContaining(`"${option}"`),
  })

  test('an MQTT.js option it does not support warns (code MQTT_NAPI_UNSUPPORTED_OPTION), naming it', () => {
    expect(steps.first).toEqual([warning('passphrase')])
  })

  test('a second client with the same option does not warn again in the process', () => {
    expect(steps.again).toEqual([])
  })

  test('each ignored option warns on its own: two new ones in one client give two warnings', () => {
    const sorted = [...steps.two].sort((a, b) => a.message.localeCompare(b.message))
    expect(sorted).toEqual([warning('ciphers'), warning('log')])
  })

  test('keys MQTT.js ignores (what its CLI passes: _, stdin, help, H, c, ...) are ignored without a warning', () => {
    expect(steps.cli).toEqual([])
  })

  test('a wsOptions entry other than headers warns, naming wsOptions.<entry>', () => {
    expect(steps.ws).toEqual([warning('wsOptions.someUnknownWsOption1')])
  })

  test('reschedulePings, writeCache and timerVariant (MQTT.js tuning) are ignored without a warning', () => {
    expect(steps.tuning).toEqual([])
  })

  test('MQTT.js options it does not support (subscribeBatchSize), and MQTT 5 properties at protocolVersion 4, warn', () => {
    const sorted = [...steps.mqttjs].sort((a, b) => a.message.localeCompare(b.message))
    expect(sorted).toEqual([warning('properties'), warning('subscribeBatchSize')])
  })

  test('the client still connects with an ignored option (in this process: emitWarning is called)', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning')
    try {
      const { client } = await connected(napi, urlOf(listenerOf('aedes', 'tcp')), { socksTimeout: 5000 } as IClientOptions)
      const calls = emitWarning.mock.calls.filter(([message]) => String(message).includes('"socksTimeout"'))
      expect(calls).toEqual([[expect.any(String), { code: 'MQTT_NAPI_UNSUPPORTED_OPTION' }]])
      await roundTrip(client)
    } finally {
      emitWarning.mockRestore()
    }
  })
})

describe('mqtt-napi: wrong arguments throw, naming them (MQTT.js would go on with them)', () => {
  const tcpUrl = () => urlOf(listenerOf('aedes', 'tcp'))

  test.each([
    ['keepalive: -1', { keepalive: -1 }, RangeError, /options\.keepalive/],
    ["keepalive: 'x'", { keepalive: 'x' }, TypeError, /options\.keepalive/],
    ['port: 70000', { port: 70000 }, RangeError, /options\.port/],
    ['clientId: 5', { clientId: 5 }, TypeError, /options\.clientId/],
    ['reconnectPeriod: NaN', { reconnectPeriod: NaN }, RangeError, /options\.reconnectPeriod/],
    ['will: { topic: 5 }', { will: { topic: 5, payload: 'x' } }, TypeError, /options\.will\.topic/],
    ['password without username', { password: 'secret' }, TypeError, /options\.password/],
  ] as Array<[string, object, ErrorConstructor, RegExp]>)('connect option %s', async (_, options, ErrorClass, naming) => {
    const url = tcpUrl()
    const attempt = () => napi.connect(url, options as IClientOptions)
    expect(attempt).toThrow(ErrorClass)
    expect(attempt).toThrow(naming)
    // Nothing was left behind: a client with good options works.
    const { client } = await connected(napi, url)
    await roundTrip(client)
  })

  test.each([
    ['publish(5, "x")', (c: MqttClient) => c.publish(5 as unknown as string, 'x'), TypeError, /topic/],
    ['publish("t", 5)', (c: MqttClient) => c.publish('t', 5 as unknown as string), TypeError, /message/],
    ['publish("t", "x", { qos: 3 })', (c: MqttClient) => c.publish('t', 'x', { qos: 3 as 0 }), RangeError, /qos/],
    ['subscribe(5)', (c: MqttClient) => c.subscribe(5 as unknown as string), TypeError, /topic/],
    ['subscribe("t", { qos: 7 })', (c: MqttClient) => c.subscribe('t', { qos: 7 as 0 }), RangeError, /qos/],
    ['unsubscribe([1])', (c: MqttClient) => c.unsubscribe([1] as unknown as string[]), TypeError, /topic/],
  ] as Array<[string, (c: MqttClient) => unknown, ErrorConstructor, RegExp]>)(
    '%s throws; the client is still usable',
    async (_, call, ErrorClass, naming) => {
      const { client } = await connected(napi, tcpUrl())
      const errors = recordEvents(client, ['error'])
      expect(() => call(client)).toThrow(ErrorClass)
      expect(() => call(client)).toThrow(naming)
      await roundTrip(client)
      expect(errors).toEqual([])
      expect(client.connected).toBe(true)
    },
  )
})

describe('mqtt-napi: a publish to a wildcard topic fails locally (MQTT.js would send it and the broker drop the link)', () => {
  test.each(['a/+/b', 'a/#'])('publish(%s, ..., callback) calls back an Error; the link stays up', async (topic) => {
    const { client } = await connected(napi, urlOf(listenerOf('aedes', 'tcp')))
    const events = recordEvents(client, ['close', 'offline', 'error'])
    const [error] = await callbackOf<[Error | null | undefined]>((cb) => client.publish(topic, 'x', { qos: 1 }, cb))
    expectError(error)
    expect(error.message).toContain(`topic "${topic}" is invalid`)
    await roundTrip(client)
    expect(events).toEqual([])
  })

  test('without a callback the Error is an error event', async () => {
    const { client } = await connected(napi, urlOf(listenerOf('aedes', 'tcp')))
    const error = once<[Error]>(client, 'error', 5000)
    client.publish('a/+/b', 'x', { qos: 0 })
    const [received] = await error
    expectError(received)
    expect(received.message).toContain('topic "a/+/b" is invalid')
    await roundTrip(client)
    expect(client.connected).toBe(true)
  })
})

describe('mqtt-napi: one transport per client (MQTT.js can switch per server or host per attempt)', () => {
  test('servers[i].protocol of another transport than the URL throws an Error naming it', async () => {
    const url = urlOf(listenerOf('aedes', 'tcp'))
    const servers = [
      { host: '127.0.0.1', port: listenerOf('aedes', 'tcp').port, protocol: 'mqtt' as const },
      { host: '127.0.0.1', port: listenerOf('aedes', 'ws').port, protocol: 'ws' as const },
    ]
    expect(() => napi.connect(url, { servers })).toThrow(/options\.servers\[1\]\.protocol/)
  })

  test('servers[i].protocol of the same transport is accepted', async () => {
    const { port } = listenerOf('aedes', 'tcp')
    const { client } = await connected(napi, urlOf({ port }), { servers: [{ host: '127.0.0.1', port, protocol: 'tcp' }] })
    await roundTrip(client)
  })

  test('transformWsUrl returning another host fails the attempt with an error naming transformWsUrl', async () => {
    const client = napi.connect(urlOf(listenerOf('aedes', 'ws'), 'ws'), {
      reconnectPeriod: 1000,
      transformWsUrl: (url) => url.replace('127.0.0.1', 'localhost'),
    })
    const events = recordEvents(client, ['connect'])
    const [error] = await once<[Error]>(client, 'error', 5000)
    expect(error.message).toMatch(/transformWsUrl/)
    expect(events).toEqual([])
  })

  test('transformWsUrl that throws fails the attempt with an error naming transformWsUrl and the cause', async () => {
    const client = napi.connect(urlOf(listenerOf('aedes', 'ws'), 'ws'), {
      reconnectPeriod: 1000,
      transformWsUrl: () => {
        throw new Error('no token today')
      },
    })
    const [error] = await once<[Error]>(client, 'error', 5000)
    expect(error.message).toMatch(/transformWsUrl/)
    expect(error.message).toMatch(/no token today/)
  })
})

describe('mqtt-napi: manualConnect and end() (MQTT.js 5.16 throws a TypeError from end() before connect())', () => {
  let fake: FakeBroker | undefined
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  test.each([false, true])('a client never connected ends at once: end(%s) calls back with end, and nothing reaches the broker', async (force) => {
    fake = await startFakeBroker('connack-only')
    const client = napi.connect(urlOf(fake), { manualConnect: true, reconnectPeriod: 200 })
    const events = recordEvents(client)
    await callbackOf((cb) => client.end(force, () => cb()))
    await sleep(300) // to show that nothing connects afterwards
    expect(fake.connections).toBe(0)
    expect(events).toEqual(['end'])
  })
})

describe("mqtt-napi: ALPNProtocols as Buffers (Node 20's tls.connect, so MQTT.js, throws 'argument must be a string')", () => {
  test("ALPNProtocols: [Buffer.from('mqtt')] is negotiated with the broker", async () => {
    const seen = handshakesOn('tls').length
    const { client } = await connected(napi, urlOf(listenerOf('aedes', 'tls'), 'mqtts'), { ca, ALPNProtocols: [Buffer.from('mqtt')] })
    expect((await handshakeAfter('tls', seen)).protocol).toBe('mqtt')
    await roundTrip(client)
  })
})

describe('mqtt-napi: removeOutgoingMessage (MQTT.js drops the message from its store)', () => {
  test('throws an Error saying it is not supported', async () => {
    const { client } = await connected(napi, urlOf(listenerOf('aedes', 'tcp')))
    expect(() => client.removeOutgoingMessage(1)).toThrow(/removeOutgoingMessage is not supported/)
  })
})

describe('mqtt-napi: reconnectPeriodMax (an extension: MQTT.js always waits reconnectPeriod)', () => {
  test('reconnectPeriodMax equal to reconnectPeriod reconnects at a fixed period; by default the waits grow', async () => {
    const port = await refusedPort()
    const fixed = napi.connect(urlOf({ port }), { reconnectPeriod: 100, reconnectPeriodMax: 100 } as IClientOptions)
    const growing = napi.connect(urlOf({ port }), { reconnectPeriod: 100 })
    const fixedEvents = recordEvents(fixed, ['reconnect'])
    const growingEvents = recordEvents(growing, ['reconnect'])
    await sleep(1500)
    expect(fixedEvents.length).toBeGreaterThanOrEqual(3)
    // Waits of 100 ms against waits that double from 100 ms: over 1.5 s the
    // fixed period makes about 14 attempts, the growing one 4 or 5.
    expect(growingEvents.length).toBeGreaterThanOrEqual(1)
    expect(growingEvents.length).toBeLessThan(fixedEvents.length)
  })
})
