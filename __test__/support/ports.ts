import fs from 'fs'
import net from 'net'

/**
 * Where the ports are that the kernel hands out to outgoing connections (and
 * to listen(0)); Linux's default when it cannot be read.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
    if (low > 0 && high >= low) return [low, high]
  } catch {
    // not Linux: the default below
  }
  return [32768, 60999]
}

/** The ports freePort draws from: below the ephemeral range, so no outgoing connection takes one meanwhile. */
const [FIRST_PORT, LAST_PORT] = (() => {
  const [low] = ephemeralRange()
  return low > 12000 ? [10000, low - 1] : [0, 0]
})()

/** Resolves `port` if a listener could take it on 127.0.0.1 right now (0: any port), else undefined. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.unref()
    server.on('error', () => resolve(undefined))
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(address !== null && typeof address !== 'string' ? address.port : undefined))
    })
  })
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. It is drawn from below
 * the ephemeral range: a broker started on it then does not find it taken by
 * one of the many outgoing connections a test run makes in the meantime.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; FIRST_PORT > 0 && attempt < 50; attempt++) {
    const port = await tryPort(FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT + 1)))
    if (port !== undefined) return port
  }
  const port = await tryPort(0)
  if (port === undefined) throw new Error('no free port on 127.0.0.1')
  return port
}

/** Resolves once something accepts connections at `target` (a TCP port or a Unix socket). */
export async function waitForListener(target: net.NetConnectOpts, label: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(target)
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => {
        socket.destroy()
        resolve(false)
      })
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listening on ${label} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export function waitForPort(port: number, timeoutMs = 10000): Promise<void> {
  return waitForListener({ host: '127.0.0.1', port }, `127.0.0.1:${port}`, timeoutMs)
}
