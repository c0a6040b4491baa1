/**
 * A TCP relay 127.0.0.1:<port> -> broker that injects faults:
 * - `cut()` kills every piped pair at once, like a network failure, and keeps
 *   listening so a later connect works;
 * - `blackhole()` keeps the sockets open but silently drops every byte in
 *   both directions, or in one (a dead link that nothing reports), until `restore()`,
 *   which also lets new connections through again;
 * - `delay(ms)` holds every chunk for `ms` in each direction (a long path),
 *   and `throttle(bytesPerSecond)` lets each direction pass at most that rate
 *   (a slow path). Both keep the byte order; `restore()` ends them too.
 */
import net from 'net'
import { freePort } from '../ports'

/** Where each relay port forwards to, so a relay can be started again on it. */
const relayTargets = new Map<number, { host: string; port: number }>()

export interface Relay {
  host: '127.0.0.1'
  port: number
  /** Number of client connections currently piped. */
  readonly active: number
  cut(): void
  blackhole(direction?: Direction): void
  delay(ms: number): void
  throttle(bytesPerSecond: number): void
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
  const shaping: Shaping = { dropping: new Set(), delayMs: 0, bytesPerSecond: 0 }
  const forward = (from: net.Socket, to: net.Socket, direction: Exclude<Direction, 'both'>) => {
    const pipe = new ShapedPipe(from, to, direction, shaping)
    from.on('data', (chunk) => pipe.push(chunk))
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
    forward(inbound, outbound, 'to-broker')
    forward(outbound, inbound, 'to-client')
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
    blackhole: (direction = 'both') => {
      if (direction !== 'to-client') shaping.dropping.add('to-broker')
      if (direction !== 'to-broker') shaping.dropping.add('to-client')
    },
    delay: (ms) => {
      shaping.delayMs = ms
    },
    throttle: (bytesPerSecond) => {
      shaping.bytesPerSecond = bytesPerSecond
    },
    restore: () => {
      Object.assign(shaping, { dropping: new Set(), delayMs: 0, bytesPerSecond: 0 })
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut()
        server.close(() => resolve())
      }),
  }
}

export type Direction = 'both' | 'to-broker' | 'to-client'

interface Shaping {
  dropping: Set<Direction>
  delayMs: number
  bytesPerSecond: number
}

/** Slice of a second in which a throttled pipe passes its share of bytes. */
const THROTTLE_TICK_MS = 20
/** Bytes a pipe holds before it stops reading, so a slow path pushes back on the sender. */
const HELD_BYTES_LIMIT = 64 * 1024

/**
 * One direction of a relayed pair: chunks wait in arrival order until they
 * are due (delay) and pass in rate-sized slices (throttle); the reading side
 * pauses while the pipe holds too much or the writing side is full.
 */
class ShapedPipe {
  private readonly queue: { chunk: Buffer; due: number }[] = []
  private timer: NodeJS.Timeout | undefined
  private held = 0
  private draining = false

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly direction: Direction,
    private readonly shaping: Shaping,
  ) {
    to.on('close', () => clearTimeout(this.timer))
  }

  push(chunk: Buffer): void {
    if (this.shaping.dropping.has(this.direction)) return
    this.queue.push({ chunk, due: Date.now() + this.shaping.delayMs })
    this.held += chunk.length
    this.flowControl()
    if (this.timer === undefined) this.pump()
  }

  private pump(): void {
    this.timer = undefined
    while (this.queue.length > 0 && !this.to.destroyed) {
      const head = this.queue[0]
      const wait = head.due - Date.now()
      if (wait > 0) return this.later(wait)
      let chunk = head.chunk
      const rate = this.shaping.bytesPerSecond
      if (rate > 0) {
        const share = Math.max(1, Math.floor((rate * THROTTLE_TICK_MS) / 1000))
        if (chunk.length > share) {
          head.chunk = chunk.subarray(share)
          chunk = chunk.subarray(0, share)
        } else {
          this.queue.shift()
        }
        this.write(chunk)
        return this.later(THROTTLE_TICK_MS)
      }
      this.queue.shift()
      this.write(chunk)
    }
  }

  private write(chunk: Buffer): void {
    this.held -= chunk.length
    if (!this.to.write(chunk)) {
      this.draining = true
      this.to.once('drain', () => {
        this.draining = false
        this.flowControl()
      })
    }
    this.flowControl()
  }

  private flowControl(): void {
    if (this.draining || this.held > HELD_BYTES_LIMIT) this.from.pause()
    else this.from.resume()
  }

  private later(ms: number): void {
    this.timer = setTimeout(() => this.pump(), ms)
  }
}
