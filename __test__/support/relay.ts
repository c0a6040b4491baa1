/**
 * A TCP relay 127.0.0.1:<port> -> broker. `cut()` kills every piped pair at
 * once, like a network failure, and keeps listening so a later connect works.
 */
import net from 'net'
import { freePort } from './ports'

export interface Relay {
  host: '127.0.0.1'
  port: number
  /** Number of client connections currently piped. */
  readonly active: number
  cut(): void
  close(): Promise<void>
}

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const port = await freePort()
  const pairs = new Set<[net.Socket, net.Socket]>()
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: target.host, port: target.port })
    const pair: [net.Socket, net.Socket] = [inbound, outbound]
    pairs.add(pair)
    const drop = () => {
      inbound.destroy()
      outbound.destroy()
      pairs.delete(pair)
    }
    inbound.on('error', drop)
    outbound.on('error', drop)
    inbound.on('close', drop)
    outbound.on('close', drop)
    inbound.pipe(outbound)
    outbound.pipe(inbound)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const cut = () => {
    for (const [a, b] of [...pairs]) {
      a.destroy()
      b.destroy()
    }
    pairs.clear()
  }
  return {
    host: '127.0.0.1',
    port,
    get active() {
      return pairs.size
    },
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        cut()
        server.close(() => resolve())
      }),
  }
}
