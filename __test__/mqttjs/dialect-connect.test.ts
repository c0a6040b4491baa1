/**
 * The MQTT.js dialect, connecting and ending: `connect()` with every URL form
 * and options, the defaults, `connectAsync()`, refused credentials, `end()` /
 * `endAsync()` with and without force (and the will), and `reconnect()`.
 * Every test runs with MQTT.js itself and with mqtt-napi's dialect, against
 * aedes and mosquitto, so that it shows both clients behave alike.
 */
import fs from 'fs'
import net from 'net'
import os from 'os'
import path from 'path'
import { makeCerts, removeCerts } from '../support/certs'
import { availableBrokers, Broker, Listener, ListenerName, startAedes, startBroker, startTransportBroker, TransportBroker } from '../support/brokers/brokers'
import { startRelay } from '../support/brokers/relay'
import {
  callbackOf,
  connected,
  dialects,
  endAllClients,
  firstConnect,
  inbox,
  MqttClient,
  nextMessage,
  recordEvents,
  reference,
  refusedPort,
  urlOf,
} from '../support/dialect'
import { once, sleep, uniqueId, uniqueTopic, within } from '../support/helpers'

const certs = makeCerts()
const ca = fs.readFileSync(certs.caPath)
const kinds = availableBrokers()

afterEach(endAllClients)
afterAll(removeCerts)

/** Subscribes `client` to a fresh topic, publishes there at QoS 1 and waits for the message. */
async function roundTrip(client: MqttClient): Promise<void> {
  const topic = uniqueTopic('dialect')
  await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
  const message = nextMessage(client, topic)
  await within(client.publishAsync(topic, 'round trip', { qos: 1 }), 5000, 'publish')
  expect((await message).payload.toString()).toBe('round trip')
}

/** How many connections reach 127.0.0.1:port within `ms` (the port must be free). */
async function connectionsTo(port: number, ms: number): Promise<number> {
  let count = 0
  const server = net.createServer((socket) => {
    count += 1
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  await sleep(ms)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return count
}

describe.each(kinds)('connect and end with %s', (kind) => {
  let broker: TransportBroker
  let unixSocket: string
  let unixAedes: Broker | undefined
  let socketDir: string | undefined

  beforeAll(async () => {
    broker = await startTransportBroker(kind, certs)
    if (kind === 'mosquitto') {
      unixSocket = broker.listeners.unix!.path!
    } else {
      // The aedes transport broker has no Unix listener: a second aedes does.
      socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-dialect-'))
      unixSocket = path.join(socketDir, 'broker.sock')
      unixAedes = await startAedes({ socketPath: unixSocket })
    }
  }, 60000)

  afterAll(async () => {
    await Promise.all([broker?.stop(), unixAedes?.stop()])
    if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true })
  })

  const listener = (name: ListenerName): Listener => {
    const l = broker.listeners[name]
    if (!l) throw new Error(`${kind} has no ${name} listener`)
    return l
  }
  const tcpUrl = () => urlOf(listener('tcp'))

  describe.each(dialects)('$name', (dialect) => {
    test.each([
      ['mqtt', 'tcp'],
      ['tcp', 'tcp'],
      ['mqtts', 'tls'],
      ['ssl', 'tls'],
      ['tls', 'tls'],
      ['ws', 'ws'],
      ['wss', 'wss'],
    ] as Array<[string, ListenerName]>)('%s:// reaches the %s listener and carries a message', async (scheme, name) => {
      const { client, connack } = await connected(dialect, urlOf(listener(name), scheme), { ca })
      expect(connack).toMatchObject({ cmd: 'connack', returnCode: 0 })
      await roundTrip(client)
    })

    test('mqtt+unix:// reaches a Unix socket listener', async () => {
      const { client } = await connected(dialect, `mqtt+unix://${unixSocket}`)
      await roundTrip(client)
    })

    test('an options object alone connects, with or without a protocol', async () => {
      const { port } = listener('tcp')
      const withProtocol = dialect.connect({ protocol: 'mqtt', host: '127.0.0.1', port, reconnectPeriod: 200 })
      // MQTT.js picks mqtt when no protocol is given.
      const withoutProtocol = dialect.connect({ host: '127.0.0.1', port, reconnectPeriod: 200 })
      await Promise.all([firstConnect(withProtocol), firstConnect(withoutProtocol)])
      await roundTrip(withoutProtocol)
    })

    test('options given with a URL override its parts', async () => {
      const { client } = await connected(dialect, urlOf({ port: await refusedPort() }), { port: listener('tcp').port })
      expect(client.connected).toBe(true)
    })

    test('?clientId= in the URL reaches the broker: a second unclean connect finds the session', async () => {
      const clientId = uniqueId('dq')
      const url = `${tcpUrl()}?clientId=${clientId}`
      // clean:false without a clientId option would throw: the URL's counts.
      const first = await connected(dialect, url, { clean: false })
      expect(first.client.options.clientId).toBe(clientId)
      expect(first.connack.sessionPresent).toBe(false)
      await within(first.client.subscribeAsync(uniqueTopic('session'), { qos: 1 }), 5000, 'subscribe')
      await within(first.client.endAsync(), 5000, 'endAsync')
      const second = await connected(dialect, url, { clean: false })
      expect(second.connack.sessionPresent).toBe(true)
    })

    test('the connect event carries the CONNACK and connected turns true', async () => {
      const client = dialect.connect(tcpUrl(), { reconnectPeriod: 200 })
      expect(client.connected).toBe(false)
      const [connack] = await once<[unknown]>(client, 'connect', 5000)
      expect(connack).toMatchObject({ cmd: 'connack', returnCode: 0, sessionPresent: false })
      expect(client.connected).toBe(true)
      expect(client.reconnecting).toBe(false)
    })

    test('the defaults are visible in client.options', async () => {
      const client = dialect.connect(tcpUrl())
      expect(client.options).toMatchObject({
        keepalive: 60,
        reconnectPeriod: 1000,
        connectTimeout: 30000,
        clean: true,
        resubscribe: true,
      })
      expect(client.options.clientId).toMatch(/^mqttjs_[0-9a-f]{8}$/)
      await firstConnect(client)
    })

    test('connectAsync resolves a connected client', async () => {
      const client = await within(dialect.connectAsync(tcpUrl(), { reconnectPeriod: 200 }), 5000, 'connectAsync')
      expect(client.connected).toBe(true)
      await roundTrip(client)
    })

    test('end() waits for an in-flight QoS 1 publish: its callback, then close, end and the end callback', async () => {
      const relay = await startRelay(listener('tcp'))
      try {
        relay.delay(100) // the PUBACK comes late, so end() has something to wait for
        const topic = uniqueTopic('end')
        const { client: watcher } = await connected(reference, tcpUrl())
        await within(watcher.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
        const delivered = nextMessage(watcher, topic)
        const { client } = await connected(dialect, urlOf(relay))
        const order: string[] = []
        client.on('close', () => order.push('close'))
        client.on('end', () => order.push('end'))
        client.publish(topic, 'last words', { qos: 1 }, (error) => order.push(error ? `publish failed: ${error.message}` : 'publish acked'))
        await callbackOf((cb) => client.end(() => cb()))
        order.push('end callback')
        expect(order).toEqual(['publish acked', 'close', 'end', 'end callback'])
        expect(client.connected).toBe(false)
        expect((await delivered).payload.toString()).toBe('last words')
      } finally {
        await relay.close()
      }
    })

    test('endAsync() resolves after close and end; connected is false', async () => {
      const { client } = await connected(dialect, tcpUrl())
      const events = recordEvents(client)
      await within(client.endAsync(), 5000, 'endAsync')
      expect(events).toEqual(['close', 'end'])
      expect(client.connected).toBe(false)
    })

    test('end(true) drops the link without DISCONNECT, so the broker publishes the will', async () => {
      const willTopic = uniqueTopic('will')
      const { client: watcher } = await connected(reference, tcpUrl())
      await within(watcher.subscribeAsync(willTopic, { qos: 1 }), 5000, 'subscribe')
      const { client } = await connected(dialect, tcpUrl(), {
        will: { topic: willTopic, payload: Buffer.from('gone'), qos: 1, retain: false },
      })
      const will = nextMessage(watcher, willTopic)
      const [error] = await callbackOf<[Error | undefined]>((cb) => client.end(true, cb))
      expect(error).toBeFalsy()
      expect(client.connected).toBe(false)
      expect((await will).payload.toString()).toBe('gone')
    })

    test('end() sends DISCONNECT, so the broker discards the will', async () => {
      const willTopic = uniqueTopic('will')
      const { client: watcher } = await connected(reference, tcpUrl())
      await within(watcher.subscribeAsync(willTopic, { qos: 1 }), 5000, 'subscribe')
      const received = inbox(watcher)
      const { client } = await connected(dialect, tcpUrl(), {
        will: { topic: willTopic, payload: Buffer.from('gone'), qos: 1, retain: false },
      })
      await callbackOf((cb) => client.end(() => cb()))
      await sleep(500) // to show that nothing comes
      expect(received).toEqual([])
    })

    test('reconnect() after end() connects again', async () => {
      const { client } = await connected(dialect, tcpUrl())
      await callbackOf((cb) => client.end(() => cb()))
      expect(client.connected).toBe(false)
      client.reconnect()
      await firstConnect(client)
      expect(client.connected).toBe(true)
      await roundTrip(client)
    })
  })
})

describe.each(kinds)('refused credentials with %s', (kind) => {
  let broker: Broker
  beforeAll(async () => {
    broker = await startBroker(kind, { username: 'alice', password: 'secret' })
  })
  afterAll(async () => {
    await broker?.stop()
  })

  // What each broker answers a wrong password with, as MQTT.js reports it.
  const refusal = {
    aedes: { code: 4, message: 'Connection refused: Bad username or password' },
    mosquitto: { code: 5, message: 'Connection refused: Not authorized' },
  }[kind]

  describe.each(dialects)('$name', (dialect) => {
    test('user:pass in the URL are sent: the broker accepts them', async () => {
      const { client } = await connected(dialect, `mqtt://alice:secret@127.0.0.1:${broker.port}`)
      expect(client.options).toMatchObject({ username: 'alice', password: 'secret' })
      await roundTrip(client)
    })

    test(`a wrong password: an error with CONNACK code ${refusal.code}, close, and no reconnect`, async () => {
      const client = dialect.connect(`mqtt://alice:wrong@127.0.0.1:${broker.port}`, { reconnectPeriod: 100 })
      const events = recordEvents(client)
      const [error] = await once<[Error & { code?: number }]>(client, 'error', 5000)
      expect(error).toBeInstanceOf(Error)
      expect(error.message).toMatch(/^Connection refused:/)
      expect(error.message).toBe(refusal.message)
      expect(error.code).toBe(refusal.code)
      // reconnectOnConnackError is not set: no reconnect, in 10 reconnect periods.
      await sleep(1000)
      expect(events).toEqual(['error', 'close'])
      expect(client.connected).toBe(false)
    })
  })
})

describe.each(dialects)('$name: arguments and refused connections', (dialect) => {
  test('a URL without a scheme throws Missing protocol', async () => {
    // (Not 'localhost:1883': MQTT.js's url.parse takes 'localhost:' for the
    // scheme, falls back to mqtt and connects to a host named '1883'.) The
    // port option keeps a client that failed to throw off any real broker.
    const port = await refusedPort()
    expect(() => dialect.connect('127.0.0.1', { port, reconnectPeriod: 200 })).toThrow('Missing protocol')
    expect(() => dialect.connect(`//127.0.0.1:${port}`, { reconnectPeriod: 200 })).toThrow('Missing protocol')
  })

  test('clean: false without a clientId throws Missing clientId for unclean clients', async () => {
    const url = urlOf({ port: await refusedPort() })
    expect(() => dialect.connect(url, { clean: false })).toThrow('Missing clientId for unclean clients')
  })

  test.each([
    ['false', false],
    ['true (the default: the first error rejects)', true],
  ])('connectAsync with allowRetries %s rejects on a refused connection and the client ends', async (_, allowRetries) => {
    const port = await refusedPort()
    const attempt = dialect.connectAsync(urlOf({ port }), { reconnectPeriod: 100 }, allowRetries)
    await expect(within(attempt, 5000, 'connectAsync')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    // An ended client tries no more: none of 6 reconnect periods reaches the port.
    expect(await connectionsTo(port, 600)).toBe(0)
  })
})
