/**
 * A scripted MQTT 5 broker on a free loopback port, for what real brokers
 * never send: chosen CONNACK properties and refusals, an AUTH challenge
 * before the CONNACK, SUBACK and PUBACK reason codes, withheld PUBACKs,
 * server DISCONNECTs, topic aliases towards the client, and any raw bytes.
 *
 * It reads what a client sends with mqtt-packet (protocol version 5) and
 * records every packet of every connection, in order, with its wire form.
 * Unless told otherwise it answers like a broker: CONNACK success, PUBACK /
 * PUBREC / PUBCOMP, SUBACK granting the requested QoS, UNSUBACK, PINGRESP;
 * with `echo`, a PUBLISH also comes back (QoS as sent) to the connection's
 * matching subscriptions, so a round trip works.
 *
 * ```ts
 * const broker = await startScriptedV5Broker({ connack: { properties: { receiveMaximum: 2 } }, withholdPubacks: true })
 * // ... connect a client to broker.url with protocolVersion 5, publish ...
 * const conn = await broker.connection(0)
 * await broker.releasePuback()
 * await broker.send({ cmd: 'disconnect', reasonCode: 0x8b })
 * await broker.close()
 * ```
 */
import { topicMatches, varint } from './wire-bytes'
import net from 'net'
import mqttPacket from 'mqtt-packet'
import type {
  IAuthPacket,
  IConnackPacket,
  IConnectPacket,
  IPubackPacket,
  IPublishPacket,
  ISubscribePacket,
  Packet,
  PacketCmd,
  UserProperties,
} from 'mqtt-packet'
import { freePort } from '../ports'

export type { Packet, UserProperties }

/** The CONNACK the broker answers a CONNECT with (mqtt-packet's fields). */
export interface ConnackScript {
  /** Default 0 (success); >= 0x80 refuses, and the broker then closes the connection. */
  reasonCode?: number
  /** Default false. */
  sessionPresent?: boolean
  /** receiveMaximum, maximumPacketSize, topicAliasMaximum, maximumQoS, retainAvailable, serverKeepAlive, assignedClientIdentifier, reasonString, ... */
  properties?: IConnackPacket['properties']
}

/**
 * What answers a CONNECT: a CONNACK script, raw bytes written as they are
 * (a CONNACK mqtt-packet would not encode, or anything else), or `null` for
 * no answer at all.
 */
export type ConnackAnswer = ConnackScript | Buffer | null

/** An enhanced-authentication exchange before the CONNACK. */
export interface AuthScript {
  /** Authentication Method of the challenge (and of the final CONNACK). */
  method: string
  /** Authentication Data of the challenge. */
  data?: Buffer
}

/** The reason code and properties of an acknowledgement the broker sends. */
export interface AckScript {
  /** Default 0. */
  reasonCode?: number
  properties?: { reasonString?: string; userProperties?: UserProperties }
}

/** How the broker behaves; `broker.script` may be changed between (and during) connections. */
export interface ScriptedV5Script {
  /**
   * The answer to each CONNECT (default: success, no properties). A function
   * chooses per connection (`index` 0 for the first accepted).
   */
  connack?: ConnackAnswer | ((index: number, connect: IConnectPacket) => ConnackAnswer)
  /**
   * Before the CONNACK: send AUTH 0x18 (Continue authentication) with this
   * method and data, wait for the client's AUTH 0x18 reply, then CONNACK
   * (carrying the Authentication Method). AUTH packets with another reason
   * code meanwhile (MQTT.js's `authPacket`) are only recorded.
   */
  auth?: AuthScript
  /** Hold QoS 1 PUBACKs back until `releasePuback()` (the message ids wait in `withheld`). */
  withholdPubacks?: boolean
  /** The PUBACK for each QoS 1 PUBLISH (default reason code 0, no properties). */
  puback?: AckScript | ((publish: IPublishPacket) => AckScript)
  /** The SUBACK reason codes for each SUBSCRIBE (default: the requested QoS of each filter). */
  suback?: number[] | ((subscribe: ISubscribePacket) => number[])
  /** Send each PUBLISH back to the connection's matching subscriptions (default false). */
  echo?: boolean
}

/** One accepted connection: what the client sent, and the means to talk to it. */
export interface ScriptedConnection {
  /** 0 for the first connection accepted, 1 for the next... */
  readonly index: number
  /** Every packet the client sent, as mqtt-packet read it, in order. */
  readonly packets: Packet[]
  /** The wire form of each packet in `packets` (same index). */
  readonly raw: Buffer[]
  /** Every byte received, as received. */
  readonly bytes: Buffer
  /** Frames mqtt-packet refused, with their bytes (not in `packets` unless it also emitted one). */
  readonly errors: Array<{ error: Error; raw: Buffer }>
  /** Message ids of QoS 1 PUBLISHes whose PUBACK is withheld, oldest first. */
  readonly withheld: number[]
  /** The most PUBACKs ever withheld at once (unacknowledged QoS 1 PUBLISHes). */
  readonly peakWithheld: number
  /** Resolves when the socket is closed, by either side. */
  readonly closed: Promise<void>
  readonly isClosed: boolean
  /** Whether the client closed (or reset) the connection; false while open or when the broker closed it. */
  readonly closedByClient: boolean
  /** The packets of one kind, in order. */
  of<C extends PacketCmd>(cmd: C): Array<Extract<Packet, { cmd: C }>>
  /** Writes an mqtt-packet object (encoded as MQTT 5) or raw bytes; resolves once the socket took them. */
  send(packet: Packet | Buffer): Promise<void>
  /** Sends the oldest withheld PUBACK (with the `puback` script); resolves its message id, undefined if none. */
  releasePuback(): Promise<number | undefined>
  /** Closes the connection gracefully from the broker's side (what was written still arrives). */
  end(): void
  /** Destroys the socket at once. */
  cut(): void
}

/** [topic, Topic Alias] of every PUBLISH `conn` received. */
export const aliasesOf = (conn: ScriptedConnection) => conn.of('publish').map((p) => [p.topic, p.properties?.topicAlias])

/** The payloads (as text) of every PUBLISH `conn` received. */
export const payloadsOf = (conn: ScriptedConnection) => conn.of('publish').map((p) => p.payload.toString())

/** Topics published in turn (each with itself as payload) to check LRU topic aliases. */
export const LRU_TOPICS = ['a', 'b', 'a', 'c', 'a', 'b']

/**
 * What `LRU_TOPICS` must look like on the wire ([topic, alias]) from a client
 * that assigns aliases, least recently used first, when the broker takes 2.
 */
export const LRU_WIRE = [
  ['a', 1],
  ['b', 2],
  ['', 1],
  ['c', 2],
  ['', 1],
  ['b', 2],
]

export interface ScriptedV5Broker {
  host: '127.0.0.1'
  port: number
  /** `mqtt://127.0.0.1:<port>` */
  url: string
  /** The behaviour, live: changes apply to the next packet handled. */
  script: ScriptedV5Script
  /** How many connections were accepted so far. */
  readonly connections: number
  /** Every connection accepted, in order. */
  readonly all: ScriptedConnection[]
  /** The connection accepted last (the current one), if any. */
  readonly current: ScriptedConnection | undefined
  /** Resolves with connection `index` once it is accepted; rejects after `timeoutMs`. */
  connection(index: number, timeoutMs?: number): Promise<ScriptedConnection>
  /** `send` on the current connection (throws if there is none). */
  send(packet: Packet | Buffer): Promise<void>
  /** `releasePuback` on the current connection. */
  releasePuback(): Promise<number | undefined>
  /** Destroys every open connection (the server keeps listening). */
  cut(): void
  /** Stops listening and destroys every connection. */
  close(): Promise<void>
}

/** Encodes an mqtt-packet object as MQTT 5. */
export function encodeV5(packet: Packet): Buffer {
  return mqttPacket.generate(packet, { protocolVersion: 5 })
}

export { frame, str, u16, u32, varint } from './wire-bytes'

/** One property: its identifier, then its value bytes as given (`str`, `u16`, `u32`, `varint`, a byte...). */
export function property(id: number, ...value: Array<Buffer | number>): Buffer {
  return Buffer.concat([Buffer.from([id]), ...value.map((v) => (typeof v === 'number' ? Buffer.from([v]) : v))])
}

/** A property list: its length (`length` overrides the true one, for malformed lists), then the properties. */
export function properties(list: Buffer[], length?: number): Buffer {
  const joined = Buffer.concat(list)
  return Buffer.concat([varint(length ?? joined.length), joined])
}

/** Splits a byte stream into whole packets by their fixed headers. */
function framer() {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk: Buffer): Buffer[] | Error => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    const frames: Buffer[] = []
    for (;;) {
      if (pending.length < 2) return frames
      let length = 0
      let multiplier = 1
      let at = 1
      for (;;) {
        if (at >= pending.length) return frames
        if (at > 4) return new Error('remaining length in more than 4 bytes')
        const byte = pending[at++]
        length += (byte & 0x7f) * multiplier
        multiplier *= 128
        if ((byte & 0x80) === 0) break
      }
      if (pending.length < at + length) return frames
      frames.push(pending.subarray(0, at + length))
      pending = pending.subarray(at + length)
    }
  }
}

/** Reads one whole frame with a fresh MQTT 5 parser. */
function parseFrame(bytes: Buffer): { packet?: Packet; error?: Error } {
  const parser = mqttPacket.parser({ protocolVersion: 5 })
  const result: { packet?: Packet; error?: Error } = {}
  parser.on('packet', (packet: Packet) => (result.packet ??= packet))
  parser.on('error', (error: Error) => (result.error ??= error))
  parser.parse(bytes)
  return result
}

/** Starts the broker with `script` (default: a plain, well-behaved MQTT 5 broker). */
export async function startScriptedV5Broker(script: ScriptedV5Script = {}): Promise<ScriptedV5Broker> {
  const port = await freePort()
  const all: ScriptedConnection[] = []
  const sockets = new Set<net.Socket>()
  let waiters: Array<() => void> = []

  const broker: ScriptedV5Broker = {
    host: '127.0.0.1',
    port,
    url: `mqtt://127.0.0.1:${port}`,
    script,
    get connections() {
      return all.length
    },
    all,
    get current() {
      return all[all.length - 1]
    },
    async connection(index, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (all[index] === undefined) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`connection ${index} was not made within ${timeoutMs} ms (${all.length} so far)`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 100))
          waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return all[index]
    },
    send(packet) {
      const current = broker.current
      if (!current) throw new Error('no connection to send to')
      return current.send(packet)
    },
    releasePuback() {
      const current = broker.current
      if (!current) throw new Error('no connection to release a PUBACK on')
      return current.releasePuback()
    },
    cut() {
      for (const socket of sockets) socket.destroy()
      sockets.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        broker.cut()
        server.close(() => resolve())
      }),
  }

  const server = net.createServer((socket) => {
    const index = all.length
    sockets.add(socket)
    socket.setNoDelay(true)
    const packets: Packet[] = []
    const raw: Buffer[] = []
    const chunks: Buffer[] = []
    const errors: Array<{ error: Error; raw: Buffer }> = []
    const withheld: number[] = []
    const subscriptions = new Set<string>()
    /** The client's topic aliases on this connection, for `echo`. */
    const aliases = new Map<number, string>()
    let peakWithheld = 0
    let isClosed = false
    let closedByUs = false
    let closedByClient = false
    let authenticating = false
    let nextId = 1
    const split = framer()

    const closed = new Promise<void>((resolve) =>
      socket.on('close', () => {
        isClosed = true
        if (!closedByUs) closedByClient = true
        sockets.delete(socket)
        resolve()
      }),
    )
    socket.on('error', () => undefined)

    const send = (packet: Packet | Buffer) =>
      new Promise<void>((resolve) => {
        if (isClosed || socket.destroyed || socket.writableEnded) return resolve()
        socket.write(Buffer.isBuffer(packet) ? packet : encodeV5(packet), () => resolve())
      })

    const pubackFor = (messageId: number, publish?: IPublishPacket): IPubackPacket => {
      const chosen = broker.script.puback
      const ack = (typeof chosen === 'function' ? (publish ? chosen(publish) : {}) : chosen) ?? {}
      return { cmd: 'puback', messageId, reasonCode: ack.reasonCode ?? 0, ...(ack.properties ? { properties: ack.properties } : {}) }
    }
    const publishes = new Map<number, IPublishPacket>()

    const connack = async (connect: IConnectPacket) => {
      const chosen = broker.script.connack
      const answer = typeof chosen === 'function' ? chosen(index, connect) : chosen === undefined ? {} : chosen
      if (answer === null) return
      if (Buffer.isBuffer(answer)) return send(answer)
      const props = { ...answer.properties }
      if (broker.script.auth) props.authenticationMethod ??= broker.script.auth.method
      const packet: IConnackPacket = {
        cmd: 'connack',
        reasonCode: answer.reasonCode ?? 0,
        sessionPresent: answer.sessionPresent ?? false,
        ...(Object.keys(props).length > 0 ? { properties: props } : {}),
      }
      await send(packet)
      if ((answer.reasonCode ?? 0) >= 0x80) connection.end()
    }

    const handle = async (packet: Packet) => {
      switch (packet.cmd) {
        case 'connect': {
          const auth = broker.script.auth
          if (auth) {
            authenticating = true
            const challenge: IAuthPacket = {
              cmd: 'auth',
              reasonCode: 0x18,
              properties: { authenticationMethod: auth.method, ...(auth.data ? { authenticationData: auth.data } : {}) },
            }
            await send(challenge)
          } else {
            await connack(packet)
          }
          break
        }
        case 'auth':
          if (authenticating && packet.reasonCode === 0x18) {
            authenticating = false
            const connect = packets.find((p): p is IConnectPacket => p.cmd === 'connect')!
            await connack(connect)
          }
          break
        case 'publish': {
          const id = packet.messageId ?? 0
          if (packet.qos === 1) {
            if (broker.script.withholdPubacks) {
              publishes.set(id, packet)
              withheld.push(id)
              peakWithheld = Math.max(peakWithheld, withheld.length)
            } else {
              await send(pubackFor(id, packet))
            }
          } else if (packet.qos === 2) {
            await send({ cmd: 'pubrec', messageId: id })
          }
          const alias = packet.properties?.topicAlias
          if (alias !== undefined && packet.topic) aliases.set(alias, packet.topic)
          const topic = packet.topic || (alias !== undefined ? aliases.get(alias) : undefined)
          if (broker.script.echo && topic && [...subscriptions].some((filter) => topicMatches(filter, topic))) {
            await send({
              cmd: 'publish',
              topic,
              payload: packet.payload,
              qos: packet.qos,
              retain: false,
              dup: false,
              ...(packet.qos > 0 ? { messageId: nextId } : {}),
            })
            if (packet.qos > 0) nextId = (nextId % 65535) + 1
          }
          break
        }
        case 'pubrel':
          await send({ cmd: 'pubcomp', messageId: packet.messageId })
          break
        case 'pubrec':
          // A PUBREC of 0x80 or more refused the message: its flow ends there.
          if ((packet.reasonCode ?? 0) < 0x80) await send({ cmd: 'pubrel', messageId: packet.messageId })
          break
        case 'subscribe': {
          for (const { topic } of packet.subscriptions) subscriptions.add(topic)
          const chosen = broker.script.suback
          const granted = typeof chosen === 'function' ? chosen(packet) : chosen ?? packet.subscriptions.map((s) => s.qos)
          await send({ cmd: 'suback', messageId: packet.messageId, granted })
          break
        }
        case 'unsubscribe':
          for (const topic of packet.unsubscriptions) subscriptions.delete(topic)
          await send({ cmd: 'unsuback', messageId: packet.messageId, granted: packet.unsubscriptions.map(() => 0) })
          break
        case 'pingreq':
          await send({ cmd: 'pingresp' })
          break
        default:
          // DISCONNECT: the client closes the connection itself (recorded as closedByClient).
          // PUBACK, PUBCOMP of messages sent to the client, AUTH after the handshake: nothing to do.
          break
      }
    }

    // Packets are handled one at a time, in order, even when answers wait on the socket.
    let queue = Promise.resolve()
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      const frames = split(chunk)
      if (frames instanceof Error) {
        errors.push({ error: frames, raw: Buffer.concat(chunks) })
        connection.cut()
        return
      }
      for (const bytes of frames) {
        const { packet, error } = parseFrame(bytes)
        if (error) errors.push({ error, raw: bytes })
        if (!packet) continue
        packets.push(packet)
        raw.push(bytes)
        queue = queue.then(() => handle(packet)).catch(() => undefined)
      }
    })

    const connection: ScriptedConnection = {
      index,
      packets,
      raw,
      get bytes() {
        return Buffer.concat(chunks)
      },
      errors,
      withheld,
      get peakWithheld() {
        return peakWithheld
      },
      closed,
      get isClosed() {
        return isClosed
      },
      get closedByClient() {
        return closedByClient
      },
      of<C extends PacketCmd>(cmd: C) {
        return packets.filter((p): p is Extract<Packet, { cmd: C }> => p.cmd === cmd)
      },
      send,
      async releasePuback() {
        const id = withheld.shift()
        if (id === undefined) return undefined
        const publish = publishes.get(id)
        publishes.delete(id)
        await send(pubackFor(id, publish))
        return id
      },
      end() {
        if (isClosed) return
        closedByUs = true
        socket.end()
      },
      cut() {
        if (isClosed) return
        closedByUs = true
        socket.destroy()
      },
    }
    all.push(connection)
    const woken = waiters
    waiters = []
    for (const wake of woken) wake()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return broker
}
