/**
 * MQTT 5 hostile-broker cases, through mqtt-napi's MQTT.js API with
 * `protocolVersion: 5`: the scripted MQTT 5 broker writes raw bytes a real
 * broker never sends (a broken property list, a repeated or misplaced
 * property, Topic Alias 0, a CONNACK with Receive Maximum 0, a PUBACK larger
 * than our Maximum Packet Size, an AUTH nobody asked for, a DISCONNECT with
 * a reason code MQTT 5 does not define). For each: the process does not
 * crash; the client emits `error` (`disconnect` for the server DISCONNECT)
 * naming the fault; no `message` comes of the bad packet; the client sends
 * DISCONNECT with the reason code MQTT 5 prescribes and closes the link
 * itself (after a server DISCONNECT it sends nothing); then it reconnects
 * and a QoS 1 round trip through the same broker works.
 */
import { connect, MqttClient } from '../../index'
import {
  frame,
  properties,
  property,
  ScriptedConnection,
  ScriptedV5Broker,
  startScriptedV5Broker,
  str,
  u16,
  u32,
} from '../support/brokers/scripted-v5'
import { sleep, waitFor, within } from '../support/helpers'

let broker: ScriptedV5Broker | undefined
const clients = new Set<MqttClient>()

afterEach(async () => {
  try {
    const ending = [...clients].map((client) =>
      within(new Promise<void>((resolve) => client.end(true, () => resolve())), 5000, 'end(true) in cleanup'),
    )
    clients.clear()
    await Promise.all(ending)
  } finally {
    await broker?.close()
    broker = undefined
  }
})

/** Subscribed to on the first connection: a bad PUBLISH there would match it. */
const FILTER = 'h/#'
const ROUND_TRIP = 'hostile-v5/round-trip'
const payload = Buffer.from('bad payload')

/** A QoS 1 PUBLISH (packet id 5) on `topic` with the given property list bytes. */
const publishWith = (topic: string, props: Buffer) => frame(0x32, str(topic), u16(5), props, payload)

interface HostileCase {
  /** CONNECT properties (besides none). */
  properties?: Record<string, unknown>
  /** Raw bytes answering the first CONNECT instead of a CONNACK success. */
  connack?: Buffer
  /**
   * What happens once the first connection is up (subscribed to FILTER):
   * whatever leads up to it, then `hostile(bytes)` writes the hostile bytes
   * to connection 0 (`conn`).
   */
  provoke?: (hostile: (bytes: Buffer) => Promise<void>, conn: ScriptedConnection, client: MqttClient) => Promise<void>
  /** What the error's message must say (every pattern). */
  message: RegExp[]
  /** The reason code of the DISCONNECT the client sends before it closes. */
  disconnect: number
}

const hostile: Array<[string, HostileCase]> = [
  ['a PUBLISH whose property list runs past the packet', {
    // Declares 40 bytes of properties; 2 of properties and the payload follow.
    provoke: (hostile) => hostile(publishWith('h/malformed', properties([property(0x01, 1)], 40))),
    message: [/property list|malformed/i],
    disconnect: 0x81,
  }],
  ['a PUBLISH with Content Type twice', {
    provoke: (hostile) =>
      hostile(publishWith('h/duplicate', properties([property(0x03, str('text/plain')), property(0x03, str('text/html'))]))),
    message: [/twice|duplicate|more than once/i, /0x03|Content Type/i],
    disconnect: 0x82,
  }],
  ['a PUBLISH carrying Session Expiry Interval (a CONNECT/CONNACK/DISCONNECT property)', {
    provoke: (hostile) => hostile(publishWith('h/misplaced', properties([property(0x11, u32(60))]))),
    message: [/0x11|Session Expiry/i],
    disconnect: 0x82,
  }],
  ['a PUBLISH with Topic Alias 0', {
    properties: { topicAliasMaximum: 5 },
    provoke: (hostile) => hostile(publishWith('h/alias-zero', properties([property(0x23, u16(0))]))),
    message: [/Topic Alias|0x23/i],
    disconnect: 0x94,
  }],
  ['a CONNACK with Receive Maximum 0', {
    connack: frame(0x20, Buffer.from([0x00, 0x00]), properties([property(0x21, u16(0))])),
    message: [/Receive Maximum|0x21/i],
    disconnect: 0x82,
  }],
  ['a PUBACK with a 60 KB reason string, past our Maximum Packet Size of 1024', {
    properties: { maximumPacketSize: 1024 },
    provoke: async (hostile, conn, client) => {
      broker!.script.withholdPubacks = true
      // Outside FILTER, so the broker's echo of it is no message.
      client.publish('p/acked-too-large', 'x', { qos: 1 }, () => undefined)
      await waitFor(() => conn.of('publish').length > 0, 5000, 'the QoS 1 PUBLISH')
      broker!.script.withholdPubacks = false
      const id = conn.of('publish')[0].messageId!
      await hostile(frame(0x40, u16(id), Buffer.from([0x00]), properties([property(0x1f, str('r'.repeat(60 * 1024)))])))
    },
    message: [/maximum ?packet ?size|too large/i],
    disconnect: 0x95,
  }],
  ['an AUTH when no authentication was asked for', {
    provoke: (hostile) => hostile(frame(0xf0, Buffer.from([0x18]), properties([property(0x15, str('SCRAM-TEST'))]))),
    message: [/auth/i],
    disconnect: 0x82,
  }],
]

/** Connects with MQTT 5 (quick reconnects), recording errors, messages and server DISCONNECTs. */
function open(options: Record<string, unknown> = {}) {
  const client = connect(broker!.url, { protocolVersion: 5, reconnectPeriod: 100, keepalive: 10, ...options })
  clients.add(client)
  const errors: Error[] = []
  const messages: Array<{ topic: string; payload: Buffer }> = []
  const disconnects: Array<{ reasonCode?: number; properties?: Record<string, unknown> }> = []
  let connects = 0
  client.on('error', (error: Error) => errors.push(error))
  client.on('message', (topic: string, body: Buffer) => messages.push({ topic, payload: body }))
  client.on('disconnect', (packet: { reasonCode?: number; properties?: Record<string, unknown> }) => disconnects.push(packet))
  client.on('connect', () => (connects += 1))
  return { client, errors, messages, disconnects, connects: () => connects }
}

/** Subscribe, publish QoS 1, get it back through the broker's echo: the link works end to end. */
async function roundTrip(client: MqttClient, messages: Array<{ topic: string; payload: Buffer }>): Promise<void> {
  await within(client.subscribeAsync(ROUND_TRIP, { qos: 1 }), 5000, 'the round-trip subscribe')
  await within(client.publishAsync(ROUND_TRIP, 'there and back', { qos: 1 }), 5000, 'the round-trip publish')
  await waitFor(() => messages.some((m) => m.topic === ROUND_TRIP), 5000, 'the round-trip message')
  expect(messages.filter((m) => m.topic === ROUND_TRIP).map((m) => m.payload.toString())).toEqual(['there and back'])
}

describe('MQTT 5: a hostile packet ends the link with the right DISCONNECT, then the client reconnects', () => {
  test.each(hostile)('%s', async (_name, bad) => {
    broker = await startScriptedV5Broker({
      connack: (index) => (index === 0 && bad.connack ? bad.connack : {}),
      echo: true,
    })
    const { client, errors, messages, disconnects, connects } = open(bad.properties ? { properties: bad.properties } : {})
    const first = await broker.connection(0)
    let sentBefore = 1 // the CONNECT
    if (bad.provoke) {
      await waitFor(() => connects() === 1, 5000, "the first 'connect'")
      await within(client.subscribeAsync(FILTER, { qos: 1 }), 5000, 'subscribe')
      const write = async (bytes: Buffer) => {
        sentBefore = first.packets.length
        await first.send(bytes)
      }
      await bad.provoke(write, first, client)
    }

    await waitFor(() => errors.length > 0, 5000, "'error'")
    expect(errors[0]).toBeInstanceOf(Error)
    for (const pattern of bad.message) expect(errors[0].message).toMatch(pattern)
    await within(first.closed, 5000, 'the hostile link to close')
    expect(first.closedByClient).toBe(true)
    // The DISCONNECT and nothing else (no PUBACK for a bad PUBLISH).
    expect(first.packets.slice(sentBefore)).toEqual([expect.objectContaining({ cmd: 'disconnect', reasonCode: bad.disconnect })])
    expect(first.errors).toEqual([])
    expect(messages).toEqual([])
    expect(disconnects).toEqual([])

    await broker.connection(1)
    await waitFor(() => connects() === (bad.provoke ? 2 : 1), 5000, "'connect' on the next connection")
    await roundTrip(client, messages)
    expect(messages.filter((m) => m.topic !== ROUND_TRIP)).toEqual([])
  })

  test('a server DISCONNECT with the undefined reason code 0x7E: disconnect event, nothing sent back, then a reconnect', async () => {
    broker = await startScriptedV5Broker({ echo: true })
    const { client, errors, messages, disconnects, connects } = open()
    const first = await broker.connection(0)
    await waitFor(() => connects() === 1, 5000, "the first 'connect'")
    const sentBefore = first.packets.length
    await first.send(frame(0xe0, Buffer.from([0x7e]), properties([property(0x1f, str('no such reason'))])))
    first.end() // a server closes the connection after its DISCONNECT

    await waitFor(() => disconnects.length > 0, 5000, "'disconnect'")
    expect(disconnects[0]).toMatchObject({ reasonCode: 0x7e })
    await within(first.closed, 5000, 'the link to close')
    await sleep(100)
    expect(first.packets.slice(sentBefore)).toEqual([])
    expect(errors).toEqual([])

    await broker.connection(1)
    await waitFor(() => connects() === 2, 5000, "'connect' on the next connection")
    await roundTrip(client, messages)
    expect(disconnects).toHaveLength(1)
  })
})
