/**
 * A scripted hostile broker: a raw TCP server that accepts a connection,
 * reads the client's CONNECT, then runs the script of that connection, which
 * writes exactly the bytes it chooses (what a real broker never sends) and
 * reads what the client answers.
 *
 * Connection n (0-based) runs `scripts[n]`; connections past the end of the
 * list run `behave`, a small well-behaved broker (CONNACK, SUBACK, PUBACK,
 * PUBCOMP, PINGRESP, and each PUBLISH echoed back to the subscriptions it
 * matches), so a client that gave up on a hostile link can prove it recovers.
 */
import { frame as packet, str, topicMatches, u16, varint } from './wire-bytes'
import net from 'net'
import path from 'path'
import { freePort } from '../ports'
import type { Packet } from 'mqtt-packet'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { packetReader } = require('./mqtt-wire') as {
  packetReader(protocolVersion?: number): { feed(chunk: Buffer): ClientPacket[] }
}

/** Packet types, as the first byte's high nibble numbers them. */
export const Type = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const

/** One packet the client sent, as mqtt-packet read it, with its wire form. */
export interface ClientPacket {
  type: number
  flags: number
  /** The bytes after the fixed header. */
  body: Buffer
  /** The whole packet in its wire form. */
  raw: Buffer
  packet: Packet
}

export { frame as packet, str, u16, varint } from './wire-bytes'

export const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00])
export const PINGRESP = Buffer.from([0xd0, 0x00])

/** A PUBLISH: QoS 0 when `packetId` is absent. `flags` overrides the low nibble. */
export function publish(topic: string | Buffer, payload: string | Buffer, qos = 0, packetId?: number, flags?: number): Buffer {
  const nibble = flags ?? qos << 1
  const id = qos > 0 || packetId !== undefined ? u16(packetId ?? 1) : Buffer.alloc(0)
  return packet(0x30 | nibble, str(topic), id, typeof payload === 'string' ? Buffer.from(payload) : payload)
}

/** An acknowledgement carrying only a packet id (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK). */
export function ack(firstByte: number, packetId: number): Buffer {
  return packet(firstByte, u16(packetId))
}

export function suback(packetId: number, ...codes: number[]): Buffer {
  return packet(0x90, u16(packetId), Buffer.from(codes))
}

/** Packet id of a packet that carries one (not QoS 0 PUBLISH). */
export function packetIdOf(p: ClientPacket): number {
  return (p.packet as { messageId?: number }).messageId ?? 0
}

/** Topic and payload of a PUBLISH the client sent. */
export function publishOf(p: ClientPacket): { topic: string; qos: number; packetId: number; payload: Buffer } {
  const { topic, qos, messageId, payload } = p.packet as { topic: string; qos: number; messageId?: number; payload: Buffer | string }
  return { topic, qos, packetId: messageId ?? 0, payload: Buffer.from(payload) }
}

/** Filters and requested QoS of a SUBSCRIBE the client sent. */
export function filtersOf(p: ClientPacket): Array<[string, number]> {
  const { subscriptions } = p.packet as { subscriptions: Array<{ topic: string; qos: number }> }
  return subscriptions.map(({ topic, qos }) => [topic, qos])
}

/** One accepted connection, as its script sees it. */
export interface Peer {
  /** 0 for the first connection the server accepted, 1 for the next... */
  readonly index: number
  readonly socket: net.Socket
  /** The client's CONNECT. */
  readonly connect: ClientPacket
  /** Every packet the client sent on this connection, CONNECT first. */
  readonly received: ClientPacket[]
  /** Resolves when the socket is closed (by either side). */
  readonly closed: Promise<void>
  /** Whether the client closed (or reset) the connection; false while open. */
  readonly closedByClient: boolean
  /** The next packet the client sends (in order; none is skipped). */
  next(timeoutMs?: number): Promise<ClientPacket>
  /** Reads packets until one of `type`; PINGREQ on the way is answered. */
  expect(type: number, timeoutMs?: number): Promise<ClientPacket>
  /** Writes bytes as one chunk; resolves once the socket took them. */
  write(bytes: Buffer): Promise<void>
  /** Writes bytes `size` at a time with `delayMs` between writes. */
  writeSlowly(bytes: Buffer, size?: number, delayMs?: number): Promise<void>
  /** Closes the connection from the broker's side. */
  end(): void
}

export type Script = (peer: Peer) => Promise<void> | void

export interface HostileBroker {
  host: '127.0.0.1'
  port: number
  /** The connections accepted so far, in order. */
  readonly peers: Peer[]
  /** Errors the scripts threw (a script that failed, e.g. waited in vain). */
  readonly scriptErrors: Error[]
  /** Resolves with connection `index` once it is accepted and its CONNECT read. */
  peer(index: number, timeoutMs?: number): Promise<Peer>
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The well-behaved broker: CONNACK (unless `connack: false`), then answers
 * until the connection closes.
 */
export async function behave(peer: Peer, options: { connack?: boolean } = {}): Promise<void> {
  if (options.connack !== false) await peer.write(CONNACK_ACCEPTED)
  const subscriptions = new Set<string>()
  let nextId = 1
  for (;;) {
    let p: ClientPacket
    try {
      p = await peer.next(0)
    } catch {
      return // closed
    }
    switch (p.type) {
      case Type.SUBSCRIBE: {
        const filters = filtersOf(p)
        for (const [filter] of filters) subscriptions.add(filter)
        await peer.write(suback(packetIdOf(p), ...filters.map(([, qos]) => qos)))
        break
      }
      case Type.UNSUBSCRIBE:
        await peer.write(ack(0xb0, packetIdOf(p)))
        break
      case Type.PUBLISH: {
        const message = publishOf(p)
        if (message.qos === 1) await peer.write(ack(0x40, message.packetId))
        if (message.qos === 2) await peer.write(ack(0x50, message.packetId))
        if ([...subscriptions].some((filter) => topicMatches(filter, message.topic))) {
          // Echoed at QoS 1, so the client's PUBACK shows it took it.
          await peer.write(publish(message.topic, message.payload, 1, nextId))
          nextId = (nextId % 65535) + 1
        }
        break
      }
      case Type.PUBREL:
        await peer.write(ack(0x70, packetIdOf(p)))
        break
      case Type.PINGREQ:
        await peer.write(PINGRESP)
        break
      case Type.DISCONNECT:
        peer.end()
        return
      default:
        break // PUBACK, PUBREC, PUBCOMP of echoed messages: nothing to do
    }
  }
}

/** A script that only ever accepts: `behave`. */
export const wellBehaved: Script = (peer) => behave(peer)

export async function startHostileBroker(scripts: Script[]): Promise<HostileBroker> {
  const port = await freePort()
  const peers: Peer[] = []
  const scriptErrors: Error[] = []
  const sockets = new Set<net.Socket>()
  const waiting: Array<() => void> = []
  let accepted = 0

  const server = net.createServer((socket) => {
    const index = accepted++
    sockets.add(socket)
    socket.setNoDelay(true)
    const packets: ClientPacket[] = []
    const received: ClientPacket[] = []
    let wake: (() => void) | undefined
    const reader = packetReader()
    let isClosed = false
    let closedByClient = false
    let endedByUs = false
    const closed = new Promise<void>((resolve) => {
      socket.on('close', () => {
        isClosed = true
        if (!endedByUs) closedByClient = true
        sockets.delete(socket)
        wake?.()
        resolve()
      })
    })
    socket.on('error', () => undefined)
    socket.on('data', (chunk) => {
      const taken = reader.feed(chunk)
      for (const p of taken) {
        received.push(p)
        packets.push(p)
      }
      if (taken.length > 0) wake?.()
    })

    const next = async (timeoutMs = 10000): Promise<ClientPacket> => {
      const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity
      while (packets.length === 0) {
        if (isClosed) throw new Error(`connection ${index} closed while the script waited for a packet`)
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`connection ${index}: no packet from the client within ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          const timer = Number.isFinite(left) ? setTimeout(resolve, left) : undefined
          wake = () => {
            if (timer) clearTimeout(timer)
            wake = undefined
            resolve()
          }
        })
      }
      return packets.shift()!
    }

    const write = (bytes: Buffer) =>
      new Promise<void>((resolve) => {
        if (isClosed || socket.destroyed) return resolve()
        socket.write(bytes, () => resolve())
      })

    const peer: Peer = {
      index,
      socket,
      connect: undefined as unknown as ClientPacket,
      received,
      closed,
      get closedByClient() {
        return closedByClient
      },
      next,
      async expect(type, timeoutMs = 10000) {
        const deadline = Date.now() + timeoutMs
        for (;;) {
          const p = await next(Math.max(1, deadline - Date.now()))
          if (p.type === type) return p
          if (p.type === Type.PINGREQ) await write(PINGRESP)
        }
      },
      write,
      async writeSlowly(bytes, size = 1, delayMs = 1) {
        for (let at = 0; at < bytes.length; at += size) {
          await write(bytes.subarray(at, at + size))
          await sleep(delayMs)
        }
      },
      end() {
        endedByUs = true
        socket.destroy()
      },
    }

    void (async () => {
      try {
        const first = await next(10000)
        if (first.type !== Type.CONNECT) throw new Error(`connection ${index}: first packet is type ${first.type}, not CONNECT`)
        ;(peer as { connect: ClientPacket }).connect = first
        peers[index] = peer
        for (const resolve of waiting.splice(0)) resolve()
        await (scripts[index] ?? wellBehaved)(peer)
      } catch (error) {
        if (!isClosed) scriptErrors.push(error as Error)
      }
    })()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })

  return {
    host: '127.0.0.1',
    port,
    peers,
    scriptErrors,
    async peer(index, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs
      while (peers[index] === undefined) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`connection ${index} was not made within ${timeoutMs} ms (${peers.filter(Boolean).length} so far)`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 100))
          waiting.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return peers[index]
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        sockets.clear()
        server.close(() => resolve())
      }),
  }
}

/**
 * The flooding broker runs in a worker thread, so it writes while the test's
 * JavaScript is busy consuming: it accepts the CONNECT, answers the first
 * SUBSCRIBE, then writes `count` QoS 0 PUBLISH on `topic` (payload:
 * `payloadSize` bytes, at least 4, that start with the message's index, 4
 * bytes big-endian) as fast as the socket takes them.
 */
const FLOOD_WORKER = `
const { parentPort, workerData } = require('worker_threads')
const net = require('net')
const { count, topic, payloadSize, wireModule } = workerData
const { packetReader } = require(wireModule)
const topicBytes = Buffer.from(topic)
const remaining = 2 + topicBytes.length + payloadSize
const lengthBytes = []
for (let left = remaining; ; ) {
  const byte = left % 128
  left = Math.floor(left / 128)
  lengthBytes.push(left > 0 ? byte | 0x80 : byte)
  if (left === 0) break
}
const size = 1 + lengthBytes.length + remaining
const perChunk = Math.max(1, Math.floor(256 * 1024 / size))
const sockets = new Set()
function flood(socket) {
  const started = Date.now()
  let i = 0
  const more = () => {
    while (i < count) {
      const n = Math.min(perChunk, count - i)
      const chunk = Buffer.alloc(n * size)
      for (let k = 0; k < n; k++) {
        let at = k * size
        chunk[at++] = 0x30
        for (const byte of lengthBytes) chunk[at++] = byte
        chunk.writeUInt16BE(topicBytes.length, at)
        topicBytes.copy(chunk, at + 2)
        chunk.writeUInt32BE(i + k, at + 2 + topicBytes.length)
      }
      i += n
      if (!socket.write(chunk)) return socket.once('drain', more)
    }
    parentPort.postMessage({ written: count, ms: Date.now() - started })
  }
  more()
}
const server = net.createServer((socket) => {
  sockets.add(socket)
  socket.setNoDelay(true)
  const reader = packetReader()
  let flooded = false
  socket.on('error', () => {})
  socket.on('close', () => sockets.delete(socket))
  socket.on('data', (data) => {
    for (const { type, body } of reader.feed(data)) {
      if (type === 1) socket.write(Buffer.from([0x20, 2, 0, 0]))
      else if (type === 8) {
        socket.write(Buffer.from([0x90, 3, body[0], body[1], body[body.length - 1]]))
        if (!flooded) { flooded = true; flood(socket) }
      } else if (type === 12) socket.write(Buffer.from([0xd0, 0]))
      else if (type === 14) socket.end()
    }
  })
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }))
parentPort.on('message', () => {
  for (const socket of sockets) socket.destroy()
  server.close(() => parentPort.close())
})
`

export interface FloodBroker {
  host: '127.0.0.1'
  port: number
  /** Resolves once every message has been handed to the socket, with how long that took. */
  written: Promise<number>
  close(): Promise<void>
}

export async function startFloodBroker(count: number, topic: string, payloadSize = 4): Promise<FloodBroker> {
  if (payloadSize < 4) throw new RangeError('the payload carries a 4-byte index')
  // Imported here so the rest of the harness does not load worker_threads.
  const { Worker } = await import('worker_threads')
  const wireModule = path.join(__dirname, 'mqtt-wire.js')
  const worker = new Worker(FLOOD_WORKER, { eval: true, workerData: { count, topic, payloadSize, wireModule } })
  let resolveWritten: (ms: number) => void = () => undefined
  const written = new Promise<number>((resolve) => (resolveWritten = resolve))
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject)
    worker.on('message', (message: { port?: number; written?: number; ms?: number }) => {
      if (message.port !== undefined) resolve(message.port)
      if (message.written !== undefined) resolveWritten(message.ms ?? 0)
    })
  })
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    host: '127.0.0.1',
    port,
    written,
    async close() {
      worker.postMessage('close')
      const timer = setTimeout(() => void worker.terminate(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
