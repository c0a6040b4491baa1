/**
 * A packet tap: a TCP relay in front of a broker that records both directions
 * packet by packet (MQTT 5), and may drop or rewrite what the broker sends (a
 * PINGRESP withheld, a PUBREC refused) where the broker itself cannot be told
 * to.
 *
 * ```ts
 * const tap = await startPacketTap(broker, (packet) => (packet.cmd === 'pingresp' ? null : undefined))
 * // connect a client to tap.host:tap.port ... then read tap.transcript
 * await tap.close()
 * ```
 */
import net from 'net'
import mqttPacket, { Packet } from 'mqtt-packet'
import { freePort } from '../ports'
import { varint } from './wire-bytes'

/** One packet through the tap: who sent it, as mqtt-packet read it (MQTT 5), and its bytes. */
export interface TappedPacket {
  from: 'client' | 'broker'
  packet: Packet
  raw: Buffer
}

/**
 * What to do with a packet the broker sends: undefined passes it on, null
 * drops it, a packet (encoded as MQTT 5) or bytes replace it.
 */
export type Rewrite = (packet: Packet, raw: Buffer) => Packet | Buffer | null | undefined

export interface PacketTap {
  host: '127.0.0.1'
  port: number
  /** Both directions of every connection, in the order the tap saw them. */
  readonly transcript: TappedPacket[]
  /** Changes what the broker sends (live: applies to the next packet). */
  rewrite: Rewrite | undefined
  close(): Promise<void>
}

/**
 * A reader of one direction's bytes: mqtt-packet (MQTT 5) splits the stream,
 * and each packet comes to `onPacket` with its bytes as they were sent (its
 * fixed header, then its remaining length). Once mqtt-packet cannot read the
 * stream, the rest goes to `onUnread` as it comes.
 */
function packetReader(onPacket: (packet: Packet, raw: Buffer) => void, onUnread: (bytes: Buffer) => void): (chunk: Buffer) => void {
  const parser = mqttPacket.parser({ protocolVersion: 5 })
  let pending: Buffer = Buffer.alloc(0)
  let failed = false
  parser.on('packet', (packet: Packet) => {
    const length = packet.length ?? 0
    const size = 1 + varint(length).length + length
    const raw = pending.subarray(0, size)
    pending = pending.subarray(size)
    onPacket(packet, raw)
  })
  parser.on('error', () => {
    failed = true
  })
  return (chunk) => {
    if (failed) return onUnread(chunk)
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    parser.parse(chunk)
    if (failed) {
      onUnread(pending)
      pending = Buffer.alloc(0)
    }
  }
}

/** A relay 127.0.0.1:<port> → `target` that records every packet both ways and applies `rewrite` to the broker's. */
export async function startPacketTap(target: { host: string; port: number }, rewrite?: Rewrite): Promise<PacketTap> {
  const port = await freePort()
  const transcript: TappedPacket[] = []
  const sockets = new Set<net.Socket>()
  const tap: PacketTap = {
    host: '127.0.0.1',
    port,
    transcript,
    rewrite,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        sockets.clear()
        server.close(() => resolve())
      }),
  }
  /** What the broker sends instead of `packet` (`raw`): null for nothing. */
  const rewritten = (packet: Packet, raw: Buffer): Buffer | null => {
    const changed = tap.rewrite?.(packet, raw)
    if (changed === undefined) return raw
    if (changed === null || Buffer.isBuffer(changed)) return changed
    return mqttPacket.generate(changed, { protocolVersion: 5 })
  }
  const server = net.createServer((client) => {
    const broker = net.connect({ host: target.host, port: target.port })
    for (const socket of [client, broker]) {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('error', () => undefined)
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        broker.destroy()
      })
    }
    const fromClient = packetReader(
      (packet, raw) => {
        transcript.push({ from: 'client', packet, raw })
        broker.write(raw)
      },
      (bytes) => broker.write(bytes),
    )
    const fromBroker = packetReader(
      (packet, raw) => {
        const out = rewritten(packet, raw)
        if (out === null) return
        const sent = out === raw ? packet : parsedV5(out)
        if (sent) transcript.push({ from: 'broker', packet: sent, raw: out })
        client.write(out)
      },
      (bytes) => client.write(bytes),
    )
    client.on('data', fromClient)
    broker.on('data', fromBroker)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return tap
}

/** The first packet of `bytes` (MQTT 5), or undefined when mqtt-packet cannot read one. */
function parsedV5(bytes: Buffer): Packet | undefined {
  const parser = mqttPacket.parser({ protocolVersion: 5 })
  let packet: Packet | undefined
  parser.on('packet', (p: Packet) => (packet ??= p))
  parser.on('error', () => undefined)
  parser.parse(bytes)
  return packet
}
