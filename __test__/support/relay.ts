/**
 * A TCP relay 127.0.0.1:<port> -> broker that injects faults:
 * - `cut()` kills every piped pair at once, like a network failure, and keeps
 *   listening so a later connect works;
 * - `blackhole()` keeps the sockets open but silently drops every byte in
 *   both directions (a dead link that nothing reports), until `restore()`,
 *   which also lets new connections through again.
 */
import net from 'net'
import { freePort } from './ports'

/** Where each relay port forwards to, so a relay can be started again on it. */
const relayTargets = new Map<number, { host: string; port: number }>()

export interface Relay {
  host: '127.0.0.1'
  port: number
  /** Number of client connections currently piped. */
  readonly active: number
  cut(): void
  blackhole(): void
  restore(): void
  close(): Promise<void>
}

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  return startRelayOn(await freePort(), target)
}

/** A relay on a given port (e.g. one a closed relay used, to bring a link back). */
export async function startRelayOn(port: number, target?: { host: string; port: number }): Promise<Relay> {
  target ??= relayTargets.get(port)
  if (!target) throw new Error(`no target known for relay port ${port}`)
  relayTargets.set(port, target)
  const pairs = new Set<[net.Socket, net.Socket]>()
  let dropping = false
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (dropping) return
      if (!to.write(chunk)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    })
  }
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: target!.host, port: target!.port })
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
    forward(inbound, outbound)
    forward(outbound, inbound)
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
    blackhole: () => {
      dropping = true
    },
    restore: () => {
      dropping = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut()
        server.close(() => resolve())
      }),
  }
}
