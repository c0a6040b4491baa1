/**
 * HTTP CONNECT proxies for the transport suite, on free loopback ports:
 *
 * - `startConnectProxy()`: Node's http server (or https, with `tls`), piping
 *   each `CONNECT host:port` tunnel to a loopback target. Records every
 *   CONNECT request line and its headers. Optional Basic auth (407 with
 *   `Proxy-Authenticate: Basic` when missing or wrong) and a `refuse` mode
 *   answering every CONNECT with 403 or 502.
 * - `startTinyproxy()`: tinyproxy, when installed, with a generated config.
 */
import { ChildProcess, spawn } from 'child_process'
import fs from 'fs'
import http from 'http'
import https from 'https'
import net from 'net'
import os from 'os'
import path from 'path'
import { freePort, waitForPort } from '../ports'

export interface ProxyRequest {
  /** The request line, e.g. `CONNECT 127.0.0.1:1234 HTTP/1.1`. */
  line: string
  method: string
  url: string
  httpVersion: string
  /** Header names in lower case. */
  headers: http.IncomingHttpHeaders
  rawHeaders: string[]
}

export interface Proxy {
  kind: 'node' | 'tinyproxy'
  host: '127.0.0.1'
  port: number
  /** Whether the proxy itself speaks TLS. */
  tls: boolean
  /** CONNECT requests seen (node proxy: all of them; tinyproxy: parsed from its log, request lines only). */
  readonly requests: ProxyRequest[]
  /** Tunnels established and not yet closed (node proxy only). */
  readonly activeTunnels: number
  /** Node proxy: destroys every open tunnel (like a network failure) and keeps listening. */
  cut(): void
  stop(): Promise<void>
}

export interface ConnectProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:pass)`. */
  auth?: { user: string; pass: string }
  /** Answer every CONNECT with this status instead of tunnelling. */
  refuse?: 403 | 502
  /** Serve the proxy over TLS with this certificate and key (PEM files). */
  tls?: { cert: string; key: string }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]'
}

function splitHostPort(target: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target)
  if (!m) return undefined
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) }
}

function answer(socket: net.Socket, status: number, extra: string[] = []): void {
  const reason = http.STATUS_CODES[status] ?? 'Error'
  socket.end([`HTTP/1.1 ${status} ${reason}`, ...extra, 'Content-Length: 0', 'Connection: close', '', ''].join('\r\n'))
}

/** Runs `use` with a fresh CONNECT proxy, and stops the proxy however `use` ends. */
export async function withConnectProxy<T>(options: ConnectProxyOptions, use: (proxy: Proxy) => Promise<T>): Promise<T> {
  const proxy = await startConnectProxy(options)
  try {
    return await use(proxy)
  } finally {
    await proxy.stop()
  }
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<Proxy> {
  const requests: ProxyRequest[] = []
  const sockets = new Set<net.Socket>()
  const tunnels = new Set<[net.Socket, net.Socket]>()
  let active = 0
  const server = options.tls
    ? https.createServer({ cert: fs.readFileSync(options.tls.cert), key: fs.readFileSync(options.tls.key) })
    : http.createServer()
  const keep = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  server.on('connection', keep)
  server.on('request', (_req, res) => {
    res.writeHead(405, { 'content-length': '0' })
    res.end()
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push({
      line: `${req.method} ${req.url} HTTP/${req.httpVersion}`,
      method: req.method ?? '',
      url: req.url ?? '',
      httpVersion: req.httpVersion,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    })
    client.on('error', () => client.destroy())
    if (options.auth) {
      const expected = 'Basic ' + Buffer.from(`${options.auth.user}:${options.auth.pass}`).toString('base64')
      if (req.headers['proxy-authorization'] !== expected) {
        answer(client, 407, ['Proxy-Authenticate: Basic realm="mqtt-napi test proxy"'])
        return
      }
    }
    if (options.refuse) {
      answer(client, options.refuse)
      return
    }
    const target = splitHostPort(req.url ?? '')
    if (!target || !isLoopback(target.host)) {
      answer(client, 403) // nothing beyond loopback
      return
    }
    const upstream = net.connect({ host: target.host, port: target.port })
    keep(upstream)
    let open = false
    const pair: [net.Socket, net.Socket] = [client, upstream]
    upstream.once('connect', () => {
      open = true
      active += 1
      tunnels.add(pair)
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    const drop = () => {
      if (open) {
        open = false
        active -= 1
      }
      tunnels.delete(pair)
      upstream.destroy()
      client.destroy()
    }
    upstream.on('error', () => {
      if (!open) answer(client, 502)
      else drop()
    })
    upstream.on('close', drop)
    client.on('close', drop)
  })
  const port = await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    kind: 'node',
    host: '127.0.0.1',
    port,
    tls: Boolean(options.tls),
    requests,
    get activeTunnels() {
      return active
    },
    cut: () => {
      for (const [a, b] of [...tunnels]) {
        a.destroy()
        b.destroy()
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** tinyproxy's path, if installed. */
export function tinyproxyPath(): string | undefined {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean)
  for (const dir of [...dirs, '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    const candidate = path.join(dir, 'tinyproxy')
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      if (fs.statSync(candidate).isFile()) return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

export interface TinyproxyOptions {
  auth?: { user: string; pass: string }
  /** Ports a tunnel may reach (tinyproxy refuses others with 403). */
  connectPorts: number[]
}

export async function startTinyproxy(options: TinyproxyOptions): Promise<Proxy> {
  const bin = tinyproxyPath()
  if (!bin) throw new Error('tinyproxy is not installed')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-tinyproxy-'))
  const port = await freePort()
  const logFile = path.join(dir, 'tinyproxy.log')
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 60',
    'MaxClients 100',
    `LogFile "${logFile}"`,
    'LogLevel Connect',
    'Allow 127.0.0.1',
    ...options.connectPorts.map((p) => `ConnectPort ${p}`),
  ]
  if (process.getuid && process.getuid() === 0) {
    const user = os.userInfo().username
    lines.push(`User ${user}`, `Group ${user}`)
  }
  if (options.auth) lines.push(`BasicAuth ${options.auth.user} ${options.auth.pass}`)
  const conf = path.join(dir, 'tinyproxy.conf')
  fs.writeFileSync(conf, lines.join('\n') + '\n')
  const child: ChildProcess = spawn(bin, ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  try {
    await Promise.race([
      waitForPort(port, 10000),
      exited.then(() => {
        throw new Error(`tinyproxy exited: ${stderr}`)
      }),
    ])
  } catch (error) {
    child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const requests = (): ProxyRequest[] => {
    let log = ''
    try {
      log = fs.readFileSync(logFile, 'utf8')
    } catch {
      return []
    }
    const out: ProxyRequest[] = []
    for (const m of log.matchAll(/Request \(file descriptor \d+\): (CONNECT (\S+) HTTP\/(\d\.\d))/g)) {
      out.push({ line: m[1], method: 'CONNECT', url: m[2], httpVersion: m[3], headers: {}, rawHeaders: [] })
    }
    return out
  }
  return {
    kind: 'tinyproxy',
    host: '127.0.0.1',
    port,
    tls: false,
    get requests() {
      return requests()
    },
    get activeTunnels() {
      return 0
    },
    cut: () => {
      throw new Error('tinyproxy cannot cut its tunnels')
    },
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.kill('SIGTERM')
      await exited
      clearTimeout(timer)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
