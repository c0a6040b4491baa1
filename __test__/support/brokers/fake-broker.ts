/**
 * A TCP server that speaks just enough MQTT to put a client in states a real
 * broker will not hold still for:
 * - 'silent': accepts TCP and never answers (a CONNACK that never comes);
 * - 'connack-only': accepts the CONNECT, answers PINGREQ, never acknowledges anything else;
 * - 'no-pingresp': accepts the CONNECT, then answers nothing, not even PINGREQ;
 * - 'stops-reading': accepts the CONNECT, then reads nothing more, so what the
 *   client writes piles up once the socket buffers are full.
 */
import net from 'net'
import { freePort } from '../ports'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { packetReader } = require('./mqtt-wire') as {
  packetReader(): { feed(chunk: Buffer): Array<{ type: number }> }
}

export interface FakeBroker {
  host: '127.0.0.1'
  port: number
  /** Bytes received on each connection, in order of arrival. */
  readonly received: Buffer[]
  readonly connections: number
  /** Destroys every client socket (the server keeps listening). */
  cut(): void
  close(): Promise<void>
}

const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00])
const PINGRESP = Buffer.from([0xd0, 0x00])
const CONNECT = 1
const PINGREQ = 12

export type FakeBrokerMode = 'silent' | 'connack-only' | 'no-pingresp' | 'stops-reading'

export async function startFakeBroker(mode: FakeBrokerMode): Promise<FakeBroker> {
  const port = await freePort()
  const sockets = new Set<net.Socket>()
  const received: Buffer[] = []
  let connections = 0
  const server = net.createServer((socket) => {
    connections += 1
    sockets.add(socket)
    const index = received.push(Buffer.alloc(0)) - 1
    const reader = packetReader()
    socket.on('data', (chunk) => {
      received[index] = Buffer.concat([received[index], chunk])
      if (mode === 'silent') return
      for (const { type } of reader.feed(chunk)) {
        if (type === CONNECT) {
          socket.write(CONNACK_ACCEPTED)
          if (mode === 'stops-reading') return socket.pause()
        } else if (type === PINGREQ && mode === 'connack-only') {
          socket.write(PINGRESP)
        }
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const cut = () => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  }
  return {
    host: '127.0.0.1',
    port,
    received,
    get connections() {
      return connections
    },
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        cut()
        server.close(() => resolve())
      }),
  }
}
