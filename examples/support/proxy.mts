/**
 * An HTTP CONNECT proxy for the proxy example: Node's http server, tunnelling
 * `CONNECT host:port` to that one broker only (403 for any other target).
 * Lines it prints start with `[proxy]`. `MQTT_PROXY=http://host:port` uses
 * a proxy of yours instead.
 */
import http from 'node:http'
import net from 'node:net'

export interface Proxy {
  host: string
  port: number
  /** Stops the embedded proxy (does nothing for yours). */
  close(): Promise<void>
}

export async function connectProxy(broker: { host: string; port: number }): Promise<Proxy> {
  if (process.env.MQTT_PROXY) {
    const url = new URL(process.env.MQTT_PROXY)
    console.log(`[proxy] yours: ${url.host}`)
    return { host: url.hostname, port: Number(url.port || 80), close: async () => {} }
  }

  const allowed = `${broker.host}:${broker.port}`
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = http.createServer((_request, response) => response.writeHead(405).end())
  server.on('connection', track)
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (request.url !== allowed) {
      console.log(`[proxy] CONNECT ${request.url} refused: 403`)
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }
    let open = false
    const upstream = net.connect(broker.port, broker.host, () => {
      open = true
      console.log(`[proxy] CONNECT ${request.url}: tunnel open`)
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    track(upstream)
    upstream.on('error', () => {
      if (!open) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    })
    upstream.on('close', () => {
      if (!open) return
      console.log(`[proxy] tunnel to ${request.url} closed: carried ${upstream.bytesWritten} bytes to the broker, ` +
        `${upstream.bytesRead} back`)
      client.destroy()
    })
    client.on('close', () => upstream.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  console.log(`[proxy] embedded HTTP CONNECT proxy listening on 127.0.0.1:${port}`)
  return {
    host: '127.0.0.1',
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
