import net from 'net'

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        server.close()
        reject(new Error('no port'))
        return
      }
      const { port } = address
      server.close(() => resolve(port))
    })
  })
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
