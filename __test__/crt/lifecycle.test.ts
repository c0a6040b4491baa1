/**
 * Connecting, disconnecting, failing to connect, losing the link, and the
 * operation statistics: what an aws-crt user sees of a connection's life.
 */
import { CrtError, io, mqtt } from '../../index'
import fs from 'fs'
import net from 'net'
import os from 'os'
import path from 'path'
import { Broker, forEachBroker, startAedes, startBroker } from '../support/brokers/brokers'
import { startFakeBroker } from '../support/brokers/fake-broker'
import { freePort } from '../support/ports'
import { startRelay } from '../support/brokers/relay'
import {
  cleanupConnections,
  connected,
  newConnection,
  NO_OPERATIONS,
  once,
  sleep,
  uniqueId,
  uniqueTopic,
  waitFor,
  within,
} from '../support/helpers'

/** The error a promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>, timeoutMs = 10000): Promise<CrtError> {
  try {
    const value = await within(promise, timeoutMs, 'the promise to settle')
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
  } catch (error) {
    if (error instanceof Error && /^(expected a rejection|timed out after)/.test(error.message)) throw error
    return error as CrtError
  }
}

/** Records the names (and arguments) of a connection's lifecycle events in order. */
function recordEvents(connection: mqtt.MqttClientConnection): Array<[string, unknown[]]> {
  const events: Array<[string, unknown[]]> = []
  for (const name of ['connect', 'connection_success', 'connection_failure', 'interrupt', 'resume', 'disconnect', 'closed']) {
    connection.on(name, (...args: unknown[]) => events.push([name, args]))
  }
  return events
}

afterEach(cleanupConnections)

describe('error codes', () => {
  test.each([
    [1047, 'AWS_IO_SOCKET_CONNECTION_REFUSED'],
    [1048, 'AWS_IO_SOCKET_TIMEOUT'],
    [5129, 'AWS_ERROR_MQTT_TIMEOUT'],
    [5131, 'AWS_ERROR_MQTT_NOT_CONNECTED'],
    [5134, 'AWS_ERROR_MQTT_UNEXPECTED_HANGUP'],
    [5138, 'AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION'],
    [5380, 'MQTT_NAPI_CONNACK_BAD_USERNAME_OR_PASSWORD'],
    [5381, 'MQTT_NAPI_CONNACK_NOT_AUTHORIZED'],
  ])('io.error_code_to_name(%i) is %s and the code has a text', (code, name) => {
    expect(io.error_code_to_name(code)).toBe(name)
    const text = io.error_code_to_string(code)
    expect(typeof text).toBe('string')
    expect(text.length).toBeGreaterThan(0)
  })
})

describe('classes and constants', () => {
  test('MqttClientConnection carries the static event names', () => {
    expect(mqtt.MqttClientConnection.CONNECT).toBe('connect')
    expect(mqtt.MqttClientConnection.CONNECTION_SUCCESS).toBe('connection_success')
    expect(mqtt.MqttClientConnection.CONNECTION_FAILURE).toBe('connection_failure')
    expect(mqtt.MqttClientConnection.INTERRUPT).toBe('interrupt')
    expect(mqtt.MqttClientConnection.RESUME).toBe('resume')
    expect(mqtt.MqttClientConnection.MESSAGE).toBe('message')
    expect(mqtt.MqttClientConnection.DISCONNECT).toBe('disconnect')
    expect(mqtt.MqttClientConnection.CLOSED).toBe('closed')
    expect(mqtt.MqttClientConnection.ERROR).toBe('error')
  })

  test('QoS values', () => {
    expect(mqtt.QoS.AtMostOnce).toBe(0)
    expect(mqtt.QoS.AtLeastOnce).toBe(1)
    expect(mqtt.QoS.ExactlyOnce).toBe(2)
  })

  test('new MqttClient(new io.ClientBootstrap()) makes connections that are MqttClientConnections', () => {
    const client = new mqtt.MqttClient(new io.ClientBootstrap())
    const connection = client.new_connection({ client_id: uniqueId(), host_name: '127.0.0.1', port: 1, clean_session: true })
    expect(connection).toBeInstanceOf(mqtt.MqttClientConnection)
    expect(connection.config.client_id).toBeDefined()
  })

  test("an 'error' event with no listener of the user's does not throw (a default listener is installed)", () => {
    const connection = new mqtt.MqttClient().new_connection({ client_id: uniqueId(), host_name: '127.0.0.1', port: 1 })
    expect(() => connection.emit('error', new CrtError('nobody listens'))).not.toThrow()
  })

  test('CrtError is an Error carrying the original value', () => {
    const error = new CrtError('plain message')
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toContain('plain message')
    expect(error.error).toBe('plain message')
  })
})

describe('connection failures', () => {
  test('connect() to a closed port rejects with AWS_IO_SOCKET_CONNECTION_REFUSED and emits connection_failure', async () => {
    const port = await freePort()
    const connection = newConnection(
      { host: '127.0.0.1', port },
      { socket_options: new io.SocketOptions(io.SocketType.STREAM, io.SocketDomain.IPV4, 3000) },
    )
    const events = recordEvents(connection)
    const error = await rejection(connection.connect(), 5000)
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_IO_SOCKET_CONNECTION_REFUSED')
    expect(error.error_code).toBe(1047)
    const failures = events.filter(([name]) => name === 'connection_failure')
    expect(failures).toHaveLength(1)
    const result = failures[0][1][0] as mqtt.OnConnectionFailedResult
    expect(result.error).toBeInstanceOf(CrtError)
    expect(result.error.error_code).toBe(1047)
    expect(result.error.error_name).toBe('AWS_IO_SOCKET_CONNECTION_REFUSED')
    expect(events.map(([name]) => name)).not.toContain('connect')
    expect(events.map(([name]) => name)).not.toContain('connection_success')
  })

  test('a broker that accepts TCP but never sends CONNACK: connect() rejects with AWS_ERROR_MQTT_TIMEOUT', async () => {
    const fake = await startFakeBroker('silent')
    try {
      const connection = newConnection(fake, {
        socket_options: new io.SocketOptions(io.SocketType.STREAM, io.SocketDomain.IPV4, 300),
        ping_timeout: 500,
        keep_alive: 5,
      })
      const failed = once<[mqtt.OnConnectionFailedResult]>(connection, 'connection_failure', 5000)
      const error = await rejection(connection.connect(), 5000)
      expect(error).toBeInstanceOf(CrtError)
      expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      expect(error.error_code).toBe(5129)
      const [result] = await failed
      expect(result.error.error_code).toBe(5129)
      // The client did reach the server and sent its CONNECT.
      expect(fake.connections).toBeGreaterThanOrEqual(1)
      expect(fake.received[0][0]).toBe(0x10)
    } finally {
      await fake.close()
    }
  })

  test('a QoS 0 publish on a connection that is not connected rejects with AWS_ERROR_MQTT_NOT_CONNECTED', async () => {
    const port = await freePort()
    const connection = newConnection({ host: '127.0.0.1', port })
    const error = await rejection(connection.publish('a/b', 'x', mqtt.QoS.AtMostOnce), 5000)
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_ERROR_MQTT_NOT_CONNECTED')
    expect(error.error_code).toBe(5131)
  })

  test('QoS 1 publish and subscribe in flight when a clean-session link drops reject with AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION', async () => {
    const fake = await startFakeBroker('connack-only')
    try {
      const connection = newConnection(fake, { clean_session: true })
      const events = recordEvents(connection)
      await within(connection.connect(), 5000, 'connect to the fake broker')
      const publish = connection.publish('a/b', 'never acked', mqtt.QoS.AtLeastOnce)
      const subscribe = connection.subscribe('a/#', mqtt.QoS.AtLeastOnce)
      const publishFailed = rejection(publish, 10000)
      const subscribeFailed = rejection(subscribe, 10000)
      await waitFor(() => connection.getOperationalStatistics().unackedOperationCount === 2, 5000, 'both operations to be written')
      fake.cut()
      const [publishError, subscribeError] = await Promise.all([publishFailed, subscribeFailed])
      for (const error of [publishError, subscribeError]) {
        expect(error).toBeInstanceOf(CrtError)
        expect(error.error_name).toBe('AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION')
        expect(error.error_code).toBe(5138)
      }
      await waitFor(() => events.some(([name]) => name === 'interrupt'), 5000, 'interrupt')
      expect(connection.getOperationalStatistics().incompleteOperationCount).toBe(0)
    } finally {
      await fake.close()
    }
  })
  test('protocol_operation_timeout fails a QoS 1 publish and a subscribe that get no ack, with AWS_ERROR_MQTT_TIMEOUT, and keeps the link', async () => {
    const fake = await startFakeBroker('connack-only')
    try {
      const connection = newConnection(fake, { protocol_operation_timeout: 300 })
      const events = recordEvents(connection)
      await within(connection.connect(), 5000, 'connect to the fake broker')
      const [publishError, subscribeError] = await Promise.all([
        rejection(connection.publish('a/b', 'never acked', mqtt.QoS.AtLeastOnce), 5000),
        rejection(connection.subscribe('a/#', mqtt.QoS.AtLeastOnce), 5000),
      ])
      for (const error of [publishError, subscribeError]) {
        expect(error).toBeInstanceOf(CrtError)
        expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
        expect(error.error_code).toBe(5129)
      }
      expect(connection.getOperationalStatistics().incompleteOperationCount).toBe(0)
      expect(events.map(([name]) => name)).toEqual(['connection_success', 'connect'])
      await within(connection.disconnect(), 5000, 'disconnect')
    } finally {
      await fake.close()
    }
  })

  test('a broker that stops answering PINGREQ: the link is declared lost (interrupt with AWS_ERROR_MQTT_TIMEOUT)', async () => {
    const fake = await startFakeBroker('no-pingresp')
    try {
      const connection = newConnection(fake, { keep_alive: 1, ping_timeout: 500 })
      const interrupted = once<[CrtError]>(connection, 'interrupt', 10000)
      await within(connection.connect(), 5000, 'connect to the fake broker')
      const [error] = await interrupted
      expect(error).toBeInstanceOf(CrtError)
      expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      expect(error.error_code).toBe(5129)
      // It did send a PINGREQ (0xC0 0x00) after the CONNECT.
      expect(fake.received[0].subarray(2).includes(Buffer.from([0xc0, 0x00]))).toBe(true)
    } finally {
      await fake.close()
    }
  })

  test.each([
    ['the broker reads nothing: it resolves within the close grace (2 s)', false],
    ['the broker hangs up meanwhile: it ends as a disconnect, not an interrupt', true],
  ])('disconnect() while %s, and never reconnects', async (_case, hangUp) => {
    const fake = await startFakeBroker('stops-reading')
    try {
      const connection = newConnection(fake, { reconnect_min_sec: 0.1 })
      const events = recordEvents(connection)
      await within(connection.connect(), 5000, 'connect to the fake broker')
      // More than the socket buffers hold: the write cannot finish.
      void connection.publish('a/b', Buffer.alloc(32 * 1024 * 1024), mqtt.QoS.AtMostOnce).catch(() => undefined)
      await sleep(200)
      const disconnected = connection.disconnect()
      if (hangUp) {
        await sleep(200)
        fake.cut()
      }
      await within(disconnected, 5000, 'disconnect')
      await sleep(500)
      expect(events.map(([name]) => name)).toEqual(['connection_success', 'connect', 'disconnect', 'closed'])
      expect(fake.connections).toBe(1)
    } finally {
      await fake.close()
    }
  })

  test('timeout, the older name of ping_timeout, bounds the wait for PINGRESP', async () => {
    const fake = await startFakeBroker('no-pingresp')
    try {
      const connection = newConnection(fake, { keep_alive: 1, timeout: 500 })
      await within(connection.connect(), 5000, 'connect to the fake broker')
      // PINGREQ after 1 s, lost 0.5 s later; with the default 3 s ping
      // timeout it would take 4 s, past this wait.
      const interrupted = once<[CrtError]>(connection, 'interrupt', 3000)
      const [error] = await interrupted
      expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
    } finally {
      await fake.close()
    }
  })

  test('connects over a Unix domain socket with SocketDomain.LOCAL (host_name is the path)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-unix-'))
    const socketPath = path.join(dir, 'broker.sock')
    const broker = await startAedes({ socketPath })
    try {
      const connection = newConnection(
        { host: socketPath, port: 0 },
        { socket_options: new io.SocketOptions(io.SocketType.STREAM, io.SocketDomain.LOCAL) },
      )
      await expect(within(connection.connect(), 10000, 'connect over the Unix socket')).resolves.toBe(false)
      const topic = uniqueTopic('unix')
      const got: string[] = []
      await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_t, p) => got.push(Buffer.from(p).toString()))
      await connection.publish(topic, 'over a unix socket', mqtt.QoS.AtLeastOnce)
      await waitFor(() => got.length === 1, 5000, 'the message')
      expect(got).toEqual(['over a unix socket'])
      await connection.disconnect()
    } finally {
      await broker.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

forEachBroker('', (broker) => {
  const kind = broker.kind

  test('connect() resolves session_present false with clean_session; events connection_success then connect', async () => {
    const connection = newConnection(broker)
    const events = recordEvents(connection)
    const sessionPresent = await within(connection.connect(), 10000, 'connect')
    expect(sessionPresent).toBe(false)
    expect(events.map(([name]) => name)).toEqual(['connection_success', 'connect'])
    expect(events[0][1]).toEqual([{ session_present: false, reason_code: 0 }])
    expect(events[1][1]).toEqual([false])
    await connection.disconnect()
  })

  test('disconnect() resolves after disconnect then closed ({}); connect() again works', async () => {
    const connection = newConnection(broker)
    const events = recordEvents(connection)
    await connection.connect()
    await expect(within(connection.disconnect(), 10000, 'disconnect')).resolves.toBeUndefined()
    const names = events.map(([name]) => name)
    expect(names).toEqual(['connection_success', 'connect', 'disconnect', 'closed'])
    expect(events[3][1]).toEqual([{}])

    // Connect again on the same object.
    await expect(within(connection.connect(), 10000, 'second connect')).resolves.toBe(false)
    await connection.disconnect()
    expect(events.map(([name]) => name)).toEqual([
      'connection_success', 'connect', 'disconnect', 'closed',
      'connection_success', 'connect', 'disconnect', 'closed',
    ])
  })

  test('after disconnect() and connect() again, messages flow', async () => {
    const connection = newConnection(broker)
    await connection.connect()
    await connection.disconnect()
    await connection.connect()
    const topic = uniqueTopic('again')
    const messages: string[] = []
    connection.on('message', (_t, payload) => messages.push(Buffer.from(payload).toString()))
    await connection.subscribe(topic, mqtt.QoS.AtLeastOnce)
    await connection.publish(topic, 'second life', mqtt.QoS.AtLeastOnce)
    await waitFor(() => messages.length === 1, 5000, 'the message')
    expect(messages).toEqual(['second life'])
    await connection.disconnect()
  })

  test('reconnect() (deprecated alias) resolves like connect()', async () => {
    const connection = newConnection(broker)
    await expect(within(connection.reconnect(), 10000, 'reconnect')).resolves.toBe(false)
    await connection.disconnect()
  })

  test('a lost link emits interrupt (AWS_ERROR_MQTT_UNEXPECTED_HANGUP), then reconnects: connection_success and resume', async () => {
    const relay = await startRelay(broker)
    try {
      const connection = newConnection(relay, { reconnect_min_sec: 0.2, reconnect_max_sec: 1 })
      const events = recordEvents(connection)
      await connection.connect()
      await waitFor(() => relay.active === 1, 5000, 'the relayed link')
      const resumed = once<[number, boolean]>(connection, 'resume', 10000)
      relay.cut()
      const [returnCode, sessionPresent] = await resumed
      expect(returnCode).toBe(0)
      expect(sessionPresent).toBe(false)
      const names = events.map(([name]) => name)
      expect(names).toEqual(['connection_success', 'connect', 'interrupt', 'connection_success', 'resume'])
      const error = events[2][1][0] as CrtError
      expect(error).toBeInstanceOf(CrtError)
      expect(error.error_name).toBe('AWS_ERROR_MQTT_UNEXPECTED_HANGUP')
      expect(error.error_code).toBe(5134)

      // The link works again, and disconnect() ends it for good.
      const topic = uniqueTopic('resumed')
      const got = new Promise<string>((resolve) => connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_t, p) => resolve(Buffer.from(p).toString())))
      await connection.publish(topic, 'after resume', mqtt.QoS.AtLeastOnce)
      await expect(within(got, 5000, 'a message after resume')).resolves.toBe('after resume')
      await connection.disconnect()
      expect(events.map(([name]) => name).slice(-2)).toEqual(['disconnect', 'closed'])
    } finally {
      await relay.close()
    }
  })

  test.each([
    [true, 'restored'],
    [false, 'not restored'],
  ])('after a reconnect without a session, with resubscribe: %s, subscriptions are %s', async (resubscribe) => {
    const relay = await startRelay(broker)
    try {
      const connection = newConnection(relay, { reconnect_min_sec: 0.2, reconnect_max_sec: 1, resubscribe })
      await connection.connect()
      const topic = uniqueTopic('restored')
      const received: string[] = []
      await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_t, p) => received.push(Buffer.from(p).toString()))
      await waitFor(() => relay.active === 1, 5000, 'the relayed link')
      const resumed = once<[number, boolean]>(connection, 'resume', 10000)
      relay.cut()
      const [, sessionPresent] = await resumed
      expect(sessionPresent).toBe(false)

      const publisher = await connected(broker)
      if (resubscribe) {
        // The restoring SUBSCRIBE may still be on its way: publish until it lands.
        for (let tries = 0; received.length === 0 && tries < 50; tries++) {
          await publisher.publish(topic, 'after reconnect', mqtt.QoS.AtLeastOnce)
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        expect(received[0]).toBe('after reconnect')
      } else {
        await new Promise((resolve) => setTimeout(resolve, 300))
        await publisher.publish(topic, 'after reconnect', mqtt.QoS.AtLeastOnce)
        await new Promise((resolve) => setTimeout(resolve, 700))
        expect(received).toEqual([])
      }
      await publisher.disconnect()
      await connection.disconnect()
    } finally {
      await relay.close()
    }
  })

  test('queue_qos0_offline: a QoS 0 publish made before connect() is sent once connected', async () => {
    const topic = uniqueTopic('qos0-offline')
    const subscriber = await connected(broker)
    const received: string[] = []
    await subscriber.subscribe(topic, mqtt.QoS.AtMostOnce, (_t, p) => received.push(Buffer.from(p).toString()))
    const connection = newConnection(broker, { queue_qos0_offline: true })
    const published = connection.publish(topic, 'queued while offline', mqtt.QoS.AtMostOnce)
    expect(connection.getOperationalStatistics().incompleteOperationCount).toBe(1)
    await connection.connect()
    await expect(within(published, 5000, 'the queued QoS 0 publish')).resolves.toEqual({})
    await waitFor(() => received.length === 1, 5000, 'the QoS 0 message')
    expect(received).toEqual(['queued while offline'])
    await subscriber.disconnect()
    await connection.disconnect()
  })

  test('the offline queue is bounded: past offline_queue_max_operations or _bytes the newest operation rejects with AWS_ERROR_MQTT_QUEUE_FULL', async () => {
    const topic = uniqueTopic('bounded')
    const byCount = newConnection(broker, { offline_queue_max_operations: 2 })
    const kept = [byCount.publish(topic, 'a', mqtt.QoS.AtLeastOnce), byCount.publish(topic, 'b', mqtt.QoS.AtLeastOnce)]
    const refused = byCount.publish(topic, 'c', mqtt.QoS.AtLeastOnce).then(
      () => undefined,
      (error: CrtError) => error,
    )
    const error = await within(refused, 5000, 'the refused publish')
    expect(error).toBeInstanceOf(CrtError)
    expect(error!.error_name).toBe('AWS_ERROR_MQTT_QUEUE_FULL')
    expect(error!.error_code).toBe(5139)
    await byCount.connect()
    await expect(within(Promise.all(kept), 5000, 'the queued publishes')).resolves.toHaveLength(2)
    await byCount.disconnect()

    // 4 + topic + 100 bytes each: room for one, not two.
    const bySize = newConnection(broker, { offline_queue_max_bytes: 4 + Buffer.byteLength(topic) + 150 })
    const first = bySize.publish(topic, Buffer.alloc(100), mqtt.QoS.AtLeastOnce)
    await expect(bySize.publish(topic, Buffer.alloc(100), mqtt.QoS.AtLeastOnce)).rejects.toMatchObject({ error_name: 'AWS_ERROR_MQTT_QUEUE_FULL' })
    await bySize.connect()
    await within(first, 5000, 'the queued publish')
    await bySize.disconnect()
  })

  test('retry_first_connect: a first connect() to a broker that is not there yet keeps trying and resolves once it is', async () => {
    const relay = await startRelay(broker)
    const port = relay.port
    await relay.close()
    const connection = newConnection({ host: '127.0.0.1', port }, { retry_first_connect: true, reconnect_min_sec: 0.2, reconnect_max_sec: 0.5 })
    const events = recordEvents(connection)
    const connecting = connection.connect()
    await waitFor(() => events.filter(([name]) => name === 'connection_failure').length >= 2, 10000, 'two failed attempts')
    const server = net.createServer((client) => {
      const upstream = net.connect(broker.port, broker.host)
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    try {
      await expect(within(connecting, 10000, 'connect once the broker is there')).resolves.toBe(false)
      expect(events.map(([name]) => name).slice(-2)).toEqual(['connection_success', 'connect'])
      await connection.disconnect()
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('retry_first_connect: disconnect() while retrying rejects the pending connect()', async () => {
    const relay = await startRelay(broker)
    const port = relay.port
    await relay.close()
    const connection = newConnection({ host: '127.0.0.1', port }, { retry_first_connect: true, reconnect_min_sec: 0.2, reconnect_max_sec: 0.5 })
    const connecting = connection.connect().then(() => undefined, (error: CrtError) => error)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await within(connection.disconnect(), 5000, 'disconnect')
    const error = await within(connecting, 5000, 'the rejected connect')
    expect(error).toBeInstanceOf(CrtError)
    expect(error!.error_name).toBe('AWS_ERROR_MQTT_CONNECTION_DISCONNECTING')
  })

  test('while the broker is unreachable, attempts back off (no tight loop) and disconnect() stops them at once', async () => {
    const relay = await startRelay(broker)
    const connection = newConnection(relay, { reconnect_min_sec: 0.5, reconnect_max_sec: 1 })
    const events = recordEvents(connection)
    await connection.connect()
    await waitFor(() => relay.active === 1, 5000, 'the relayed link')
    await relay.close()
    const failures = () => events.filter(([name]) => name === 'connection_failure').length
    await waitFor(() => failures() >= 2, 10000, 'two failed reconnect attempts')
    // Over 2 s, delays of 0.25 s to 1 s allow a handful of attempts, not hundreds.
    const before = failures()
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const during = failures() - before
    expect(during).toBeGreaterThanOrEqual(1)
    expect(during).toBeLessThanOrEqual(8)
    const failure = events.find(([name]) => name === 'connection_failure')![1][0] as { error: CrtError }
    expect(failure.error.error_name).toBe('AWS_IO_SOCKET_CONNECTION_REFUSED')

    await within(connection.disconnect(), 2000, 'disconnect while waiting to reconnect')
    const stopped = failures()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(failures()).toBe(stopped)
    expect(events.map(([name]) => name).slice(-2)).toEqual(['disconnect', 'closed'])
  })

  test('a subscribe made before connect() waits for the connection, then delivers', async () => {
    const connection = newConnection(broker)
    const topic = uniqueTopic('early-sub')
    const got: string[] = []
    const subscribed = connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_t, p) => got.push(Buffer.from(p).toString()))
    const queued = connection.getOperationalStatistics()
    expect(queued.incompleteOperationCount).toBe(1)
    expect(queued.incompleteOperationSize).toBe(4 + Buffer.byteLength(topic))
    await connection.connect()
    const granted = await within(subscribed, 10000, 'the queued subscribe')
    expect(granted).toEqual(expect.objectContaining({ topic, qos: mqtt.QoS.AtLeastOnce }))
    await connection.publish(topic, 'early bird', mqtt.QoS.AtLeastOnce)
    await waitFor(() => got.length === 1, 5000, 'the message')
    expect(got).toEqual(['early bird'])
    await connection.disconnect()
  })

  test('operational statistics: zero when idle, count a QoS 1 publish queued before connect, zero after it completes', async () => {
    const connection = newConnection(broker)
    expect(connection.getOperationalStatistics()).toEqual(NO_OPERATIONS)
    expect(connection.getQueueStatistics()).toEqual(NO_OPERATIONS)

    const topic = uniqueTopic('stats')
    const payload = 'twelve bytes'
    const published = connection.publish(topic, payload, mqtt.QoS.AtLeastOnce)
    const size = 4 + Buffer.byteLength(topic) + Buffer.byteLength(payload)
    const queued = connection.getOperationalStatistics()
    expect(queued.incompleteOperationCount).toBe(1)
    expect(queued.incompleteOperationSize).toBe(size)
    expect(queued.unackedOperationCount).toBe(0)
    expect(queued.unackedOperationSize).toBe(0)
    expect(connection.getQueueStatistics()).toEqual(queued)

    await connection.connect()
    const result = await within(published, 10000, 'the queued publish')
    expect(typeof result.packet_id).toBe('number')
    expect(connection.getOperationalStatistics()).toEqual(NO_OPERATIONS)
    await connection.disconnect()
  })

  test('an idle connected connection reports zero operations', async () => {
    const connection = await connected(broker)
    const stats = connection.getOperationalStatistics()
    for (const key of ['incompleteOperationCount', 'incompleteOperationSize', 'unackedOperationCount', 'unackedOperationSize'] as const) {
      expect(typeof stats[key]).toBe('number')
      expect(stats[key]).toBe(0)
    }
    await connection.disconnect()
  })

  describe('with credentials', () => {
    let secured: Broker
    beforeAll(async () => {
      secured = await startBroker(kind, { username: 'alice', password: 's3cret' })
    })
    afterAll(async () => {
      await secured?.stop()
    })

    test('a wrong password is refused with a CrtError carrying the CONNACK return code', async () => {
      const connection = newConnection(secured, { username: 'alice', password: 'wrong' })
      const failed = once<[mqtt.OnConnectionFailedResult]>(connection, 'connection_failure', 10000)
      const error = await rejection(connection.connect(), 10000)
      expect(error).toBeInstanceOf(Error)
      expect(error).toBeInstanceOf(CrtError)
      expect([4, 5]).toContain(error.return_code)
      expect(error.error_code).toBe(5376 + (error.return_code as number))
      expect(error.error_name).toMatch(/^MQTT_NAPI_CONNACK_/)
      expect(io.error_code_to_name(error.error_code as number)).toBe(error.error_name)
      const [result] = await failed
      expect(result.error.error_code).toBe(error.error_code)
      expect(result.error.return_code).toBe(error.return_code)
    })

    test('the right password connects', async () => {
      const connection = newConnection(secured, { username: 'alice', password: 's3cret' })
      await expect(within(connection.connect(), 10000, 'connect')).resolves.toBe(false)
      await connection.disconnect()
    })
  })
})
