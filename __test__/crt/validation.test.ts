/**
 * Every bad argument is a TypeError or RangeError naming the field (where
 * aws-crt would abort the process or send a broken packet), and a bad call
 * leaves a live connection working.
 */
import { types } from 'util'
import { http, io, mqtt } from '../../index'
import { availableBrokers, Broker, startBroker } from '../support/brokers/brokers'
import { cleanupConnections, connected, uniqueId, uniqueTopic, untrack, within } from '../support/helpers'

const { QoS } = mqtt

type Config = Record<string, unknown>

function baseConfig(): Config {
  return { client_id: uniqueId('v'), host_name: '127.0.0.1', port: 1883, clean_session: true }
}

function without(field: string): Config {
  const config = baseConfig()
  delete config[field]
  return config
}

function withField(field: string, value: unknown, extra: Config = {}): Config {
  return { ...baseConfig(), ...extra, [field]: value }
}

function newConnection(config: Config): mqtt.MqttClientConnection {
  return new mqtt.MqttClient().new_connection(config as unknown as mqtt.MqttConnectionConfig)
}

/** What `fn` threw, or what the promise it returned rejected with. */
async function failure(fn: () => unknown): Promise<Error> {
  let value: unknown
  try {
    value = await within(Promise.resolve().then(fn), 5000, 'the call to fail')
  } catch (error) {
    return error as Error
  }
  throw new Error(`expected a failure, got ${JSON.stringify(value)}`)
}

/**
 * `error` is an instance of the built-in `name` class. Errors thrown by the
 * native addon come from Node's main realm while jest runs tests in a vm
 * context with its own `TypeError`, so `instanceof` cannot be used here
 * (process.test.ts checks `instanceof` in a plain Node process).
 */
function isBuiltinError(error: unknown, name: 'TypeError' | 'RangeError'): boolean {
  if (!types.isNativeError(error)) return false
  let proto = Object.getPrototypeOf(error)
  while (proto) {
    if (Object.prototype.hasOwnProperty.call(proto, 'constructor') && proto.constructor.name === name) return true
    proto = Object.getPrototypeOf(proto)
  }
  return false
}

function expectErrorClass(error: unknown, ErrorClass: typeof TypeError | typeof RangeError): void {
  const name = ErrorClass === TypeError ? 'TypeError' : 'RangeError'
  if (!isBuiltinError(error, name)) {
    throw new Error(`expected a ${name}, got ${types.isNativeError(error) ? `${(error as Error).name}: ${(error as Error).message}` : String(error)}`)
  }
}

afterEach(cleanupConnections)

describe('new_connection rejects a bad config with an error naming the field', () => {
  const cases: Array<[string, Config | undefined, typeof TypeError | typeof RangeError, string]> = [
    ['config missing', undefined, TypeError, 'config'],
    ['client_id missing', without('client_id'), TypeError, 'client_id'],
    ['client_id a number', withField('client_id', 42), TypeError, 'client_id'],
    ['host_name missing', without('host_name'), TypeError, 'host_name'],
    ['host_name a number', withField('host_name', 127), TypeError, 'host_name'],
    ['port missing', without('port'), TypeError, 'port'],
    ['port a string', withField('port', '1883'), TypeError, 'port'],
    ['port -1', withField('port', -1), RangeError, 'port'],
    ['port 70000', withField('port', 70000), RangeError, 'port'],
    ['port 1.5', withField('port', 1.5), RangeError, 'port'],
    ['port NaN', withField('port', NaN), RangeError, 'port'],
    ['keep_alive a string', withField('keep_alive', '30'), TypeError, 'keep_alive'],
    ['keep_alive negative', withField('keep_alive', -1), RangeError, 'keep_alive'],
    ['keep_alive 70000', withField('keep_alive', 70000), RangeError, 'keep_alive'],
    ['keep_alive not greater than the ping timeout', withField('keep_alive', 2, { ping_timeout: 3000 }), RangeError, 'keep_alive'],
    ['keep_alive equal to the ping timeout', withField('keep_alive', 3, { ping_timeout: 3000 }), RangeError, 'keep_alive'],
    ['ping_timeout negative', withField('ping_timeout', -1), RangeError, 'ping_timeout'],
    ['timeout (older name of ping_timeout) negative', withField('timeout', -1), RangeError, 'timeout'],
    ['keep_alive not greater than timeout, the older name of ping_timeout', withField('keep_alive', 2, { timeout: 3000 }), RangeError, 'keep_alive'],
    ['protocol_operation_timeout negative', withField('protocol_operation_timeout', -5), RangeError, 'protocol_operation_timeout'],
    ['reconnect_min_sec negative', withField('reconnect_min_sec', -1), RangeError, 'reconnect_min_sec'],
    ['reconnect_max_sec negative', withField('reconnect_max_sec', -1), RangeError, 'reconnect_max_sec'],
    ['clean_session a string', withField('clean_session', 'yes'), TypeError, 'clean_session'],
    ['resubscribe a number', withField('resubscribe', 1), TypeError, 'resubscribe'],
    ['queue_qos0_offline a string', withField('queue_qos0_offline', 'yes'), TypeError, 'queue_qos0_offline'],
    ['offline_queue_max_operations 0', withField('offline_queue_max_operations', 0), RangeError, 'offline_queue_max_operations'],
    ['offline_queue_max_bytes a string', withField('offline_queue_max_bytes', '1MB'), TypeError, 'offline_queue_max_bytes'],
    ['clean_session a number', withField('clean_session', 1), TypeError, 'clean_session'],
    ['username a number', withField('username', 5), TypeError, 'username'],
    ['password a number', withField('password', 5, { username: 'u' }), TypeError, 'password'],
    ['will a string', withField('will', 'gone'), TypeError, 'will'],
    ['will a number', withField('will', 7), TypeError, 'will'],
    ['will an object without topic', withField('will', { qos: 1, payload: 'x' }), TypeError, 'will'],
    ['socket_options a string', withField('socket_options', 'fast'), TypeError, 'socket_options'],
    ['socket_options a number', withField('socket_options', 5), TypeError, 'socket_options'],
  ]

  test.each(cases)('%s', (_name, config, ErrorClass, field) => {
    let thrown: unknown
    try {
      newConnection(config as Config)
    } catch (error) {
      thrown = error
    }
    expectErrorClass(thrown, ErrorClass)
    expect((thrown as Error).message).toContain(field)
  })

  test('a will topic with a wildcard: MqttWill constructs, new_connection throws a TypeError naming will.topic', () => {
    const will = new mqtt.MqttWill('a/+', QoS.AtLeastOnce, 'x')
    expect(will.topic).toBe('a/+')
    let thrown: unknown
    try {
      newConnection(withField('will', will))
    } catch (error) {
      thrown = error
    }
    expectErrorClass(thrown, TypeError)
    expect((thrown as Error).message).toContain('will.topic')
  })

  test('a valid config with every optional field makes a connection', () => {
    const connection = newConnection({
      ...baseConfig(),
      socket_options: new io.SocketOptions(io.SocketType.STREAM, io.SocketDomain.IPV4, 1000, true, 10, 10, 3),
      keep_alive: 60,
      ping_timeout: 2000,
      protocol_operation_timeout: 5000,
      reconnect_min_sec: 1,
      reconnect_max_sec: 8,
      will: new mqtt.MqttWill('a/b', QoS.AtMostOnce, { state: 'gone' }, true),
      username: 'user',
      password: 'pass',
      client_id: '',
    })
    expect(connection).toBeInstanceOf(mqtt.MqttClientConnection)
  })
})

describe('transport fields of the wrong type throw a TypeError naming the field', () => {
  const cases: Array<[string, Config]> = [
    ['tls_ctx', withField('tls_ctx', { not: 'a context' })],
    ['use_websocket', withField('use_websocket', 'yes')],
    ['websocket_handshake_transform', withField('websocket_handshake_transform', 'sign it', { use_websocket: true })],
    ['proxy_options', withField('proxy_options', 'http://proxy:3128')],
    ['proxy_options.port', withField('proxy_options', { host_name: '127.0.0.1', port: 'x' })],
  ]

  test.each(cases)('%s', (field, config) => {
    let thrown: unknown
    try {
      newConnection(config)
    } catch (error) {
      thrown = error
    }
    expectErrorClass(thrown, TypeError)
    expect((thrown as Error).message).toContain(field)
  })

  test('use_websocket: false is accepted, and a transform without use_websocket is ignored as aws-crt does', () => {
    expect(newConnection(withField('use_websocket', false))).toBeInstanceOf(mqtt.MqttClientConnection)
    const transform = (_r: unknown, done: () => void) => done()
    expect(newConnection(withField('websocket_handshake_transform', transform))).toBeInstanceOf(mqtt.MqttClientConnection)
  })
})

describe.each(availableBrokers())('bad operation arguments on a live %s connection', (kind) => {
  let broker: Broker
  let connection: mqtt.MqttClientConnection
  beforeAll(async () => {
    broker = await startBroker(kind)
    connection = untrack(await connected(broker))
  })
  afterAll(async () => {
    await connection?.disconnect()
    await broker?.stop()
  })

  /** The connection still does a full publish/subscribe round trip. */
  async function stillWorks(): Promise<void> {
    const topic = uniqueTopic('ok')
    let deliver!: (text: string) => void
    const got = new Promise<string>((resolve) => (deliver = resolve))
    await within(connection.subscribe(topic, QoS.AtLeastOnce, (_t, p) => deliver(Buffer.from(p).toString())), 5000, 'subscribe')
    await within(connection.publish(topic, 'still fine', QoS.AtLeastOnce), 5000, 'publish')
    await expect(within(got, 5000, 'the message')).resolves.toBe('still fine')
    await connection.unsubscribe(topic)
  }

  const anyArgumentError = (error: Error) => isBuiltinError(error, 'TypeError') || isBuiltinError(error, 'RangeError')

  const cases: Array<[string, (c: mqtt.MqttClientConnection) => unknown, string, typeof TypeError | typeof RangeError | null]> = [
    ["publish to 'a/+/b'", (c) => c.publish('a/+/b', 'x', QoS.AtLeastOnce), 'topic', null],
    ["publish to 'a/#'", (c) => c.publish('a/#', 'x', QoS.AtLeastOnce), 'topic', null],
    ["publish to ''", (c) => c.publish('', 'x', QoS.AtLeastOnce), 'topic', null],
    ['publish to a topic containing U+0000', (c) => c.publish('a/\u0000/b', 'x', QoS.AtLeastOnce), 'topic', null],
    ['publish to a topic that is not a string', (c) => c.publish(5 as unknown as string, 'x', QoS.AtLeastOnce), 'topic', TypeError],
    ['publish at qos 3', (c) => c.publish('a/b', 'x', 3 as mqtt.QoS), 'qos', null],
    ['publish at qos -1', (c) => c.publish('a/b', 'x', -1 as mqtt.QoS), 'qos', null],
    ["publish at qos 'x'", (c) => c.publish('a/b', 'x', 'x' as unknown as mqtt.QoS), 'qos', TypeError],
    ['publish a number payload', (c) => c.publish('a/b', 5 as unknown as mqtt.Payload, QoS.AtLeastOnce), 'payload', TypeError],
    ['publish a Symbol payload', (c) => c.publish('a/b', Symbol('s') as unknown as mqtt.Payload, QoS.AtLeastOnce), 'payload', TypeError],
    ['publish a function payload', (c) => c.publish('a/b', (() => 1) as unknown as mqtt.Payload, QoS.AtLeastOnce), 'payload', TypeError],
    ["subscribe to 'a/#/b'", (c) => c.subscribe('a/#/b', QoS.AtLeastOnce), 'topic', null],
    ["subscribe to 'a+/b'", (c) => c.subscribe('a+/b', QoS.AtLeastOnce), 'topic', null],
    ["subscribe to ''", (c) => c.subscribe('', QoS.AtLeastOnce), 'topic', null],
    ['subscribe at qos 3', (c) => c.subscribe('a/b', 3 as mqtt.QoS), 'qos', null],
    ['subscribe at qos -1', (c) => c.subscribe('a/b', -1 as mqtt.QoS), 'qos', null],
    ["subscribe at qos 'x'", (c) => c.subscribe('a/b', 'x' as unknown as mqtt.QoS), 'qos', TypeError],
    ['subscribe with a callback that is not a function', (c) => c.subscribe('a/b', QoS.AtLeastOnce, 5 as unknown as mqtt.OnMessageCallback), 'on_message', TypeError],
    ["unsubscribe from 'a/#/b'", (c) => c.unsubscribe('a/#/b'), 'topic', null],
    ["unsubscribe from ''", (c) => c.unsubscribe(''), 'topic', null],
  ]

  test.each(cases)('%s fails naming the argument, and the connection still works', async (_name, call, argument, ErrorClass) => {
    const error = await failure(() => call(connection))
    if (ErrorClass) expectErrorClass(error, ErrorClass)
    else expect(anyArgumentError(error)).toBe(true)
    expect(error.message).toContain(argument)
    expect(connection.getOperationalStatistics().incompleteOperationCount).toBe(0)
    await stillWorks()
  })

  test('a bad topic among publishes of one turn fails alone; the others arrive, in order', async () => {
    const topic = uniqueTopic('turn')
    const received: string[] = []
    let allThere!: () => void
    const arrived = new Promise<void>((resolve) => (allThere = resolve))
    await within(
      connection.subscribe(topic, QoS.AtLeastOnce, (_t, p) => {
        received.push(Buffer.from(p).toString())
        if (received.length === 4) allThere()
      }),
      5000,
      'subscribe',
    )
    // One turn: handed to the engine together (QoS 1 throughout: aedes may
    // deliver a QoS 0 message before a QoS 1 one sent earlier).
    const outcomes = await Promise.allSettled([
      connection.publish(topic, 'one', QoS.AtLeastOnce),
      connection.publish(topic, 'two', QoS.AtLeastOnce),
      connection.publish('bad/#', 'never', QoS.AtLeastOnce),
      connection.publish(topic, 'three', QoS.AtLeastOnce),
      connection.publish(topic, 'four', QoS.AtLeastOnce),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    const refusal = (outcomes[2] as PromiseRejectedResult).reason as Error
    expectErrorClass(refusal, TypeError)
    expect(refusal.message).toContain('topic')
    await within(arrived, 5000, 'the four messages')
    expect(received).toEqual(['one', 'two', 'three', 'four'])
    await connection.unsubscribe(topic)
  })

  test('on_message with a non-function throws a TypeError', () => {
    let thrown: unknown
    try {
      connection.on_message(5 as unknown as mqtt.OnMessageCallback)
    } catch (error) {
      thrown = error
    }
    expectErrorClass(thrown, TypeError)
  })

  test('falsy payloads (null, undefined, 0, false) are sent as empty payloads', async () => {
    const topic = uniqueTopic('falsy')
    const sizes: number[] = []
    await connection.subscribe(topic, QoS.AtLeastOnce, (_t, p) => sizes.push(p.byteLength))
    for (const payload of [null, undefined, 0, false]) {
      await within(connection.publish(topic, payload as unknown as mqtt.Payload, QoS.AtLeastOnce), 5000, 'publish')
    }
    const deadline = Date.now() + 5000
    while (sizes.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(sizes).toEqual([0, 0, 0, 0])
    await connection.unsubscribe(topic)
  })
})
