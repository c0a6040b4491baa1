/**
 * A hostile broker: a raw TCP server that reads the CONNECT and then writes
 * exactly the bytes a case scripts, bytes a real broker never sends. For each
 * case the process does not crash, nothing hangs, the client reports a clear
 * error (an `interrupt` after CONNACK, a `connection_failure` before), closes
 * the offending link itself [MQTT-4.8.0-1], and then recovers: the same fake
 * broker behaves on the next connection, and a round trip proves it.
 */
import { CrtError, connect as mqttjsConnect, mqtt } from '../../index'
import {
  ack,
  CONNACK_ACCEPTED,
  behave,
  ClientPacket,
  HostileBroker,
  packet,
  packetIdOf,
  Peer,
  publish,
  startFloodBroker,
  startHostileBroker,
  str,
  suback,
  Type,
  u16,
} from '../support/brokers/hostile-broker'
import { cleanupConnections, newConnection, sleep, uniqueId, waitFor, within } from '../support/helpers'

const { QoS } = mqtt

/** Small timeouts and quick reconnects, with room for a loaded 2-core machine. */
const QUICK = { keep_alive: 5, ping_timeout: 2000, reconnect_min_sec: 0.1, reconnect_max_sec: 0.5 }

const PROTOCOL_ERROR = 'AWS_ERROR_MQTT_PROTOCOL_ERROR'

let broker: HostileBroker | undefined

afterEach(async () => {
  try {
    await cleanupConnections()
  } finally {
    await broker?.close()
    broker = undefined
  }
})

type Recorded = [string, ...unknown[]]

/** Every lifecycle event of `connection`, in order. */
function recordEvents(connection: mqtt.MqttClientConnection): Recorded[] {
  const events: Recorded[] = []
  for (const name of ['connection_success', 'connection_failure', 'interrupt', 'resume', 'disconnect', 'closed']) {
    connection.on(name, (...args: unknown[]) => events.push([name, ...args]))
  }
  return events
}

const named = (events: Recorded[], name: string) => events.filter(([n]) => n === name)

/** The first argument of the first `name` event, once it is there. */
async function firstOf<T>(events: Recorded[], name: string, timeoutMs = 10000): Promise<T> {
  await waitFor(() => named(events, name).length > 0, timeoutMs, `'${name}'`)
  return named(events, name)[0][1] as T
}

/** How a promise ended, without leaving a rejection unhandled. */
function settled<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: CrtError }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: CrtError) => ({ ok: false as const, error }),
  )
}

/** Subscribe, publish QoS 1, get it back: the link works end to end. */
async function roundTrip(connection: mqtt.MqttClientConnection): Promise<void> {
  const topic = `hostile/round-trip/${uniqueId('')}`
  const got: string[] = []
  await within(
    connection.subscribe(topic, QoS.AtLeastOnce, (_topic, payload) => got.push(Buffer.from(payload).toString())),
    5000,
    'the round-trip subscribe',
  )
  await within(connection.publish(topic, 'there and back', QoS.AtLeastOnce), 5000, 'the round-trip publish')
  await waitFor(() => got.length > 0, 5000, 'the round-trip message')
  expect(got).toEqual(['there and back'])
}

/** The client closed connection `index` itself (it did not wait for the broker to). */
async function expectClosedByClient(index: number): Promise<void> {
  const peer = await broker!.peer(index)
  await within(peer.closed, 5000, `connection ${index} to close`)
  expect(peer.closedByClient).toBe(true)
}

function rss(): number {
  return process.memoryUsage().rss
}
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

interface AfterConnack {
  /** The bytes written after CONNACK (or after the client's SUBSCRIBE, with `afterSubscribe`). */
  bytes: (subscribe?: ClientPacket) => Buffer
  /** The client subscribes first; the bytes answer its SUBSCRIBE. */
  afterSubscribe?: boolean
  /** What the error's message must say. */
  message: RegExp
}

/** Cases 1, 3, 4, 5 and 10: a packet after CONNACK that must end the link as a protocol error. */
const violationsAfterConnack: Array<[string, AfterConnack]> = [
  // 1. remaining length
  ['a remaining length in five bytes (0x80 0x80 0x80 0x80 0x01)', {
    bytes: () => Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]),
    message: /remaining length.*more than 4 bytes/,
  }],
  // 3. topic strings
  ['a PUBLISH whose topic is invalid UTF-8 (0xC3 0x28)', {
    bytes: () => publish(Buffer.from([0x61, 0x2f, 0xc3, 0x28]), 'x'),
    message: /UTF-8/,
  }],
  ['a PUBLISH whose topic holds an encoded surrogate (0xED 0xA0 0x80)', {
    bytes: () => publish(Buffer.from([0x61, 0x2f, 0xed, 0xa0, 0x80]), 'x', 1, 7),
    message: /UTF-8/,
  }],
  ['a PUBLISH whose topic contains U+0000', {
    bytes: () => publish(Buffer.from('a/\0/b'), 'x'),
    message: /U\+0000/,
  }],
  // 4. wildcards in a topic name
  ['a PUBLISH on the wildcard topic a/+', {
    bytes: () => publish('a/+', 'x'),
    message: /wildcard/,
  }],
  ['a PUBLISH on the wildcard topic #', {
    bytes: () => publish('#', 'x', 1, 3),
    message: /wildcard/,
  }],
  ['a PUBLISH with an empty topic', {
    bytes: () => publish('', 'x'),
    message: /empty/,
  }],
  // 5. packets invalid in the current state
  ['a second CONNACK', {
    bytes: () => CONNACK_ACCEPTED,
    message: /second CONNACK/,
  }],
  ['a SUBACK with two return codes for a SUBSCRIBE of one filter', {
    afterSubscribe: true,
    bytes: (subscribe) => suback(packetIdOf(subscribe!), 1, 1),
    message: /number of return codes/,
  }],
  ['a SUBACK with no return code at all', {
    afterSubscribe: true,
    bytes: (subscribe) => packet(0x90, u16(packetIdOf(subscribe!))),
    message: /at least one return code/,
  }],
  ['a SUBACK with a return code MQTT does not define (0x03)', {
    afterSubscribe: true,
    bytes: (subscribe) => suback(packetIdOf(subscribe!), 3),
    message: /SUBACK return code/,
  }],
  ['a PUBACK for the packet id of a SUBSCRIBE in flight', {
    afterSubscribe: true,
    bytes: (subscribe) => ack(0x40, packetIdOf(subscribe!)),
    message: /wrong kind/,
  }],
  ['a SUBSCRIBE (a packet only clients send)', {
    bytes: () => packet(0x82, u16(1), str('a/b'), Buffer.from([0])),
    message: /only clients send/,
  }],
  ['a PINGREQ (a packet only clients send)', {
    bytes: () => Buffer.from([0xc0, 0x00]),
    message: /only clients send/,
  }],
  ['an UNSUBSCRIBE (a packet only clients send)', {
    bytes: () => packet(0xa2, u16(1), str('a/b')),
    message: /only clients send/,
  }],
  ['a DISCONNECT (a packet only clients send in MQTT 3.1.1)', {
    bytes: () => Buffer.from([0xe0, 0x00]),
    message: /only clients send/,
  }],
  ['a CONNECT (a packet only clients send)', {
    bytes: () => packet(0x10, str('MQTT'), Buffer.from([4, 2, 0, 60]), str('x')),
    message: /only clients send/,
  }],
  ['a PUBACK with a packet id of 0', {
    bytes: () => Buffer.from([0x40, 0x02, 0x00, 0x00]),
    message: /non-zero/,
  }],
  ['a PUBACK whose remaining length is 3', {
    bytes: () => Buffer.from([0x40, 0x03, 0x00, 0x01, 0x00]),
    message: /remaining length must be 2/,
  }],
  ['a PINGRESP with a body', {
    bytes: () => Buffer.from([0xd0, 0x01, 0x00]),
    message: /no body/,
  }],
  ['a PUBLISH whose topic length runs past the packet', {
    bytes: () => Buffer.from([0x30, 0x03, 0x00, 0x05, 0x61]),
    message: /runs past/,
  }],
  ['reserved packet type 0', {
    bytes: () => Buffer.from([0x00, 0x00]),
    message: /invalid packet type 0/,
  }],
  ['reserved packet type 15', {
    bytes: () => Buffer.from([0xf0, 0x00]),
    message: /invalid packet type 15/,
  }],
  // 10. fixed-header flags
  ['a PUBLISH with QoS 3 (both QoS bits set)', {
    bytes: () => publish('a/b', 'x', 0, 1, 0b0110),
    message: /invalid QoS 3/,
  }],
  ['a PUBLISH with QoS 3, DUP and RETAIN (0x3F)', {
    bytes: () => publish('a/b', 'x', 0, 1, 0b1111),
    message: /invalid QoS 3/,
  }],
  ['a QoS 0 PUBLISH with DUP set', {
    bytes: () => publish('a/b', 'x', 0, undefined, 0b1000),
    message: /flags/,
  }],
  ['a PUBREL with flags 0 (must be 0b0010)', {
    bytes: () => Buffer.from([0x60, 0x02, 0x00, 0x01]),
    message: /flags.*packet type 6/,
  }],
  ['a SUBACK with flags set (0x92)', {
    afterSubscribe: true,
    bytes: (subscribe) => Buffer.from([0x92, 0x03, ...u16(packetIdOf(subscribe!)), 0x01]),
    message: /flags.*packet type 9/,
  }],
  ['a PUBACK with flags set (0x41)', {
    bytes: () => Buffer.from([0x41, 0x02, 0x00, 0x01]),
    message: /flags.*packet type 4/,
  }],
]

/**
 * How the hostile bytes reach the client: in a read of their own, once
 * CONNACK has been taken (connect() resolved); or in the same TCP write as
 * the CONNACK, so that one read holds both. Either way CONNACK accepted the
 * link, so its loss is an `interrupt` and the client reconnects.
 */
const deliveries = [
  ['in a read after the CONNACK', false],
  ['in the same write as the CONNACK', true],
] as const

describe.each(deliveries)('after CONNACK, a protocol violation %s interrupts the link with a protocol error, then the client reconnects', (_how, withConnack) => {
  // A SUBACK answers a SUBSCRIBE, so it cannot share the CONNACK's write.
  const cases = violationsAfterConnack.filter(([, hostile]) => !(withConnack && hostile.afterSubscribe))
  test.each(cases)('%s', async (_name, hostile) => {
    broker = await startHostileBroker([
      async (peer) => {
        // Then nothing more from the script: the client must close the link itself.
        await peer.write(withConnack ? Buffer.concat([CONNACK_ACCEPTED, hostile.bytes()]) : CONNACK_ACCEPTED)
      },
    ])
    const connection = newConnection(broker, QUICK)
    const events = recordEvents(connection)
    await within(connection.connect(), 5000, 'connect')
    let subscribed: ReturnType<typeof settled> | undefined
    if (!withConnack) {
      const peer = await broker.peer(0)
      let subscribe: ClientPacket | undefined
      if (hostile.afterSubscribe) {
        subscribed = settled(connection.subscribe('hostile/one', QoS.AtLeastOnce))
        subscribe = await peer.expect(Type.SUBSCRIBE, 5000)
      }
      await peer.write(hostile.bytes(subscribe))
    }

    // The first of the two, so a wrong one fails the test at once.
    await waitFor(() => events.some(([n]) => n === 'interrupt' || n === 'connection_failure'), 10000, "'interrupt'")
    const [kind, error] = events.find(([n]) => n === 'interrupt' || n === 'connection_failure')! as [string, CrtError]
    expect({ kind, connectionSuccess: named(events, 'connection_success').length }).toEqual({ kind: 'interrupt', connectionSuccess: 1 })
    expect(error).toBeInstanceOf(CrtError)
    expect({ name: error.error_name, code: error.error_code }).toEqual({ name: PROTOCOL_ERROR, code: 5130 })
    expect(error.message).toMatch(hostile.message)
    await expectClosedByClient(0)

    if (subscribed) {
      // In flight on a clean session when the link died: it fails, it does not hang.
      const outcome = await within(subscribed, 5000, 'the subscribe to settle')
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) expect(outcome.error).toBeInstanceOf(CrtError)
    }

    // The next connection behaves: the client is back and works.
    await firstOf(events, 'resume')
    await roundTrip(connection)
    expect(named(events, 'interrupt')).toHaveLength(1)
    expect(named(events, 'connection_failure')).toHaveLength(0)
    expect(broker.scriptErrors).toEqual([])
  })
})

/**
 * Case 5: acknowledgements for packet ids not in flight. MQTT 3.1.1 names no
 * violation there (a late acknowledgement of an operation that timed out
 * looks the same), so they are ignored and the link stays up; a PUBREL must
 * be answered with PUBCOMP whatever its id [MQTT-4.3.3-2] (the receiver may
 * have delivered and forgotten it already).
 */
const toleratedAfterConnack: Array<[string, Buffer, number | undefined]> = [
  ['a PUBACK for a packet id never used', ack(0x40, 0x1234), undefined],
  ['a PUBREC for a packet id never used', ack(0x50, 0x1235), undefined],
  ['a PUBCOMP for a packet id never used', ack(0x70, 0x1236), undefined],
  ['an UNSUBACK for a packet id never used', ack(0xb0, 0x1237), undefined],
  ['a SUBACK for a packet id never used', suback(0x1238, 1), undefined],
  ['a PUBREL for an unknown packet id is answered with PUBCOMP', ack(0x62, 0x1239), Type.PUBCOMP],
]

describe('after CONNACK, acknowledgements for unknown packet ids do not break the link', () => {
  test.each(toleratedAfterConnack)('%s', async (_name, bytes, answer) => {
    broker = await startHostileBroker([
      async (peer) => {
        await peer.write(CONNACK_ACCEPTED)
        await peer.write(bytes)
        await behave(peer, { connack: false })
      },
    ])
    const connection = newConnection(broker, QUICK)
    const events = recordEvents(connection)
    await within(connection.connect(), 5000, 'connect')
    const peer = await broker.peer(0)
    if (answer !== undefined) {
      await waitFor(() => peer.received.some((p) => p.type === answer), 5000, `packet type ${answer} from the client`)
      const answered = peer.received.find((p) => p.type === answer)!
      expect(answered.raw).toEqual(ack(0x70, bytes.readUInt16BE(2)))
    }
    await roundTrip(connection)
    // Same link throughout: no interrupt, no second connection.
    expect(named(events, 'interrupt')).toEqual([])
    expect(broker.peers.length).toBe(1)
    expect(peer.closedByClient).toBe(false)
    expect(broker.scriptErrors).toEqual([])
  })
})

interface BeforeConnack {
  /** What connection 0 does after reading the CONNECT. */
  script: (peer: Peer) => Promise<void>
  errorName: string
  message: RegExp
  returnCode?: number
  options?: Partial<mqtt.MqttConnectionConfig>
}

const connackWith = (bytes: Buffer) => async (peer: Peer) => {
  await peer.write(bytes)
}

/** Cases 8 and 9, and other ways to spoil the CONNACK: the attempt fails; with retry_first_connect the next one succeeds. */
const failuresBeforeConnack: Array<[string, BeforeConnack]> = [
  // 8. no CONNACK at all
  ['silence after CONNECT (no CONNACK)', {
    script: async () => undefined,
    errorName: 'AWS_ERROR_MQTT_TIMEOUT',
    message: /Time limit/,
    options: { keep_alive: 5, ping_timeout: 800 },
  }],
  // 9. reserved return codes and flags
  ...[6, 0x80, 255].map((code): [string, BeforeConnack] => [`a CONNACK with the reserved return code ${code}`, {
    script: connackWith(Buffer.from([0x20, 0x02, 0x00, code])),
    errorName: 'MQTT_NAPI_CONNACK_UNKNOWN_RETURN_CODE',
    message: /return code/,
    returnCode: code,
  }]),
  ['a CONNACK with reserved acknowledge-flag bits set (0x02)', {
    script: connackWith(Buffer.from([0x20, 0x02, 0x02, 0x00])),
    errorName: PROTOCOL_ERROR,
    message: /CONNACK reserved flags/,
  }],
  ['a CONNACK with every acknowledge-flag bit set (0xFF)', {
    script: connackWith(Buffer.from([0x20, 0x02, 0xff, 0x00])),
    errorName: PROTOCOL_ERROR,
    message: /CONNACK reserved flags/,
  }],
  ['a CONNACK with reserved fixed-header flags set (0x21)', {
    script: connackWith(Buffer.from([0x21, 0x02, 0x00, 0x00])),
    errorName: PROTOCOL_ERROR,
    message: /flags.*packet type 2/,
  }],
  ['a CONNACK whose remaining length is 3', {
    script: connackWith(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00])),
    errorName: PROTOCOL_ERROR,
    message: /CONNACK remaining length must be 2/,
  }],
  ['a PUBLISH in place of the CONNACK', {
    script: connackWith(publish('a/b', 'too early')),
    errorName: PROTOCOL_ERROR,
    message: /before CONNACK/,
  }],
  ['a five-byte remaining length in place of the CONNACK', {
    script: connackWith(Buffer.from([0x20, 0x80, 0x80, 0x80, 0x80, 0x01])),
    errorName: PROTOCOL_ERROR,
    message: /more than 4 bytes/,
  }],
]

describe('before CONNACK, a bad answer fails the attempt with a clear error; a retried attempt then succeeds', () => {
  test.each(failuresBeforeConnack)('%s', async (_name, hostile) => {
    broker = await startHostileBroker([hostile.script])
    const connection = newConnection(broker, { ...QUICK, ...hostile.options, retry_first_connect: true })
    const events = recordEvents(connection)
    await within(connection.connect(), 10000, 'connect, after the retry')

    const { error } = await firstOf<mqtt.OnConnectionFailedResult>(events, 'connection_failure')
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe(hostile.errorName)
    expect(error.message).toMatch(hostile.message)
    if (hostile.returnCode !== undefined) expect(error.return_code).toBe(hostile.returnCode)
    await expectClosedByClient(0)

    expect(named(events, 'connection_failure')).toHaveLength(1)
    expect(named(events, 'connection_success')).toHaveLength(1)
    expect(named(events, 'interrupt')).toHaveLength(0)
    await roundTrip(connection)
    expect(broker.scriptErrors).toEqual([])
  })
})

describe('without retry_first_connect, a failed first attempt ends the connection', () => {
  test.each([
    ['silence after CONNECT', async () => undefined, 'AWS_ERROR_MQTT_TIMEOUT'],
    ['a CONNACK with reserved flag bits', connackWith(Buffer.from([0x20, 0x02, 0x04, 0x00])), PROTOCOL_ERROR],
  ])('%s: connect() rejects, no second attempt, disconnect() ends cleanly', async (_name, script, errorName) => {
    broker = await startHostileBroker([script])
    const connection = newConnection(broker, { keep_alive: 5, ping_timeout: 800, reconnect_min_sec: 0.1, reconnect_max_sec: 0.2 })
    const events = recordEvents(connection)
    const started = Date.now()
    const outcome = await within(settled(connection.connect()), 10000, 'connect() to settle')
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(CrtError)
      expect(outcome.error.error_name).toBe(errorName)
    }
    // Not a tight bound: only that the timeout is the configured one, not a default of seconds more.
    expect(Date.now() - started).toBeLessThan(8000)
    await expectClosedByClient(0)
    await sleep(700) // more than the reconnect delays: a retry would have come
    expect(broker.peers.filter(Boolean)).toHaveLength(1)
    await within(connection.disconnect(), 5000, 'disconnect')
    expect(named(events, 'connection_success')).toHaveLength(0)
  })

  test('disconnect() while the CONNACK never comes ends the attempt at once', async () => {
    broker = await startHostileBroker([async () => undefined])
    const connection = newConnection(broker, { keep_alive: 60, ping_timeout: 30000 })
    const events = recordEvents(connection)
    const connecting = settled(connection.connect())
    await broker.peer(0)
    await within(connection.disconnect(), 5000, 'disconnect')
    const outcome = await within(connecting, 5000, 'connect() to settle')
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.error.error_name).toBe('AWS_ERROR_MQTT_CONNECTION_DISCONNECTING')
    expect(named(events, 'disconnect')).toHaveLength(1)
    await expectClosedByClient(0)
  })
})

describe('case 2: a PUBLISH header that announces 268,435,455 bytes, then silence', () => {
  /** The largest remaining length MQTT can encode: the client's limit (MAX_PACKET_SIZE) lets it through. */
  const HUGE_HEADER = Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x03, 0x61, 0x2f, 0x62])

  test('allocates nothing of the sort, and the keepalive declares the link dead; the client reconnects', async () => {
    broker = await startHostileBroker([
      async (peer) => {
        await peer.write(CONNACK_ACCEPTED)
        await peer.write(HUGE_HEADER)
        // Silence: the PINGREQ the client sends is never answered (and a
        // PINGRESP now would only be read as more of the announced body).
      },
    ])
    const connection = newConnection(broker, { keep_alive: 1, ping_timeout: 800, reconnect_min_sec: 0.1, reconnect_max_sec: 0.5 })
    const events = recordEvents(connection)
    const before = rss()
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20)
    try {
      await within(connection.connect(), 5000, 'connect')
      const started = Date.now()
      const error = await firstOf<CrtError>(events, 'interrupt', 15000)
      const took = Date.now() - started
      expect(error.error_name).toBe('AWS_ERROR_MQTT_TIMEOUT')
      // keep_alive 1 s + ping_timeout 0.8 s; generous for a loaded machine.
      expect(took).toBeLessThan(10000)
      const peer = await broker.peer(0)
      expect(peer.received.some((p) => p.type === Type.PINGREQ)).toBe(true)
      await expectClosedByClient(0)
      console.log(`case 2: interrupt after ${took} ms; RSS ${mib(before)} MiB before, peak ${mib(peak)} MiB`)
      expect(peak - before).toBeLessThan(64 * 1024 * 1024)
    } finally {
      clearInterval(sampler)
    }
    await firstOf(events, 'resume')
    await roundTrip(connection)
  })

  test('disconnect() while the announced body is awaited ends cleanly', async () => {
    broker = await startHostileBroker([
      async (peer) => {
        await peer.write(CONNACK_ACCEPTED)
        await peer.write(HUGE_HEADER)
        await peer.write(Buffer.alloc(64 * 1024, 0x78)) // a little of the body, then nothing
      },
    ])
    const connection = newConnection(broker, { keep_alive: 60, ping_timeout: 30000 })
    const events = recordEvents(connection)
    await within(connection.connect(), 5000, 'connect')
    await sleep(200)
    await within(connection.disconnect(), 5000, 'disconnect')
    expect(named(events, 'disconnect')).toHaveLength(1)
    expect(named(events, 'interrupt')).toHaveLength(0)
    await expectClosedByClient(0)
  })
})

describe('case 6: packets written one byte at a time', () => {
  test('CONNACK, SUBACK and a PUBLISH split into one-byte writes work as if whole', async () => {
    // A topic with multi-byte characters, so writes also split them mid-character.
    const topic = 'hostile/bytes/ünï/€'
    const payload = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff))
    let puback: ClientPacket | undefined
    broker = await startHostileBroker([
      async (peer) => {
        await peer.writeSlowly(CONNACK_ACCEPTED, 1, 5)
        const subscribe = await peer.expect(Type.SUBSCRIBE)
        await peer.writeSlowly(suback(packetIdOf(subscribe), 1), 1, 5)
        await peer.writeSlowly(publish(topic, payload, 1, 4242), 1, 1)
        puback = await peer.expect(Type.PUBACK)
        await behave(peer, { connack: false })
      },
    ])
    const connection = newConnection(broker, QUICK)
    const events = recordEvents(connection)
    await within(connection.connect(), 5000, 'connect')
    const got: Array<{ topic: string; payload: Buffer; qos: number }> = []
    await within(
      connection.subscribe('hostile/bytes/#', QoS.AtLeastOnce, (t, p, _dup, qos) => got.push({ topic: t, payload: Buffer.from(p), qos })),
      5000,
      'subscribe',
    )
    await waitFor(() => got.length > 0, 15000, 'the byte-by-byte message')
    expect(got).toHaveLength(1)
    expect(got[0].topic).toBe(topic)
    expect(got[0].qos).toBe(1)
    expect(got[0].payload.equals(payload)).toBe(true)
    await waitFor(() => puback !== undefined, 5000, 'the PUBACK')
    expect(puback!.raw).toEqual(ack(0x40, 4242))
    await roundTrip(connection)
    expect(named(events, 'interrupt')).toEqual([])
    expect(broker.scriptErrors).toEqual([])
  })
})

describe('case 7: a flood of QoS 0 PUBLISH faster than JavaScript consumes', () => {
  test('200,000 messages: no crash, no loss, in order; RSS growth is reported', async () => {
    const count = 200_000
    const topic = 'hostile/flood'
    const flood = await startFloodBroker(count, topic)
    try {
      const gc = (global as { gc?: () => void }).gc
      gc?.()
      const before = rss()
      let peak = before
      const sampler = setInterval(() => (peak = Math.max(peak, rss())), 25)
      const connection = newConnection(flood, { keep_alive: 60, ping_timeout: 10000, reconnect_min_sec: 0.1, reconnect_max_sec: 0.5 })
      const events = recordEvents(connection)
      let received = 0
      let outOfOrder = 0
      let firstBad = -1
      const started = Date.now()
      try {
        await within(connection.connect(), 5000, 'connect')
        await within(
          connection.subscribe(`${topic}`, QoS.AtMostOnce, (_t, payload) => {
            const index = new DataView(payload).getUint32(0)
            if (index !== received) {
              outOfOrder += 1
              if (firstBad < 0) firstBad = received
            }
            received += 1
            // Slow-ish: every 1,000th message blocks the thread for 3 ms.
            if (received % 1000 === 0) {
              const until = Date.now() + 3
              while (Date.now() < until);
            }
            if (received % 2000 === 0) peak = Math.max(peak, rss())
          }),
          5000,
          'subscribe',
        )
        const writtenMs = await within(flood.written, 30000, 'the broker to write the flood')
        await waitFor(() => received >= count, 30000, `all ${count} messages (have ${received})`)
        const took = Date.now() - started
        const after = rss()
        gc?.()
        const afterGc = rss()
        console.log(
          `case 7: ${received} messages in ${took} ms (broker wrote them in ${writtenMs} ms); ` +
            `RSS ${mib(before)} MiB before, peak ${mib(peak)} MiB (+${mib(peak - before)}), ` +
            `${mib(after)} MiB after${gc ? `, ${mib(afterGc)} MiB after gc` : ''}`,
        )
        expect(received).toBe(count)
        expect({ outOfOrder, firstBad }).toEqual({ outOfOrder: 0, firstBad: -1 })
        expect(named(events, 'interrupt')).toEqual([])
      } finally {
        clearInterval(sampler)
      }
    } finally {
      await cleanupConnections()
      await flood.close()
    }
  }, 60000)
})

describe('the MQTT.js dialect', () => {
  test('a protocol violation on a live link: error, close, reconnect, connect; end() finishes', async () => {
    broker = await startHostileBroker([
      async (peer) => {
        await peer.write(CONNACK_ACCEPTED)
        await peer.write(publish('a/+', 'wildcard'))
      },
    ])
    const client = mqttjsConnect(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: uniqueId(),
      reconnectPeriod: 100,
      keepalive: 5,
    })
    const seen: string[] = []
    const errors: Array<Error & { code?: unknown }> = []
    client.on('error', (error: Error) => {
      seen.push('error')
      errors.push(error)
    })
    for (const name of ['connect', 'close', 'reconnect', 'offline']) client.on(name, () => seen.push(name))
    try {
      await waitFor(() => seen.filter((n) => n === 'connect').length >= 2, 10000, 'the second connect')
      expect(errors).toHaveLength(1)
      expect(errors[0].message).toMatch(/wildcard/)
      expect(errors[0].code).toBe(PROTOCOL_ERROR)
      expect(seen.slice(0, 3)).toEqual(['connect', 'error', 'offline'])
      expect(seen).toContain('close')
      expect(seen).toContain('reconnect')
      await expectClosedByClient(0)
    } finally {
      await within(new Promise<void>((resolve) => client.end(false, {}, () => resolve())), 5000, 'end()')
    }
  })
})
