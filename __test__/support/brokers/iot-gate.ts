// A local stand-in for AWS IoT Core's front door: a TLS listener (MQTT over
// TLS, optionally mutual) and a WSS listener whose upgrade must carry a valid
// SigV4 presigned query, both relaying MQTT bytes to a TCP broker behind it.
// The SigV4 check here is written independently of js/crt/sigv4.js (the
// signer under test), from AWS's description of presigned URLs.
import crypto from 'crypto'
import fs from 'fs'
import https from 'https'
import net from 'net'
import tls from 'tls'
import WebSocket from 'ws'
import mqttPacket from 'mqtt-packet'
import { freePort } from '../ports'

/** One pair of credentials the gate knows: the secret for an access key, and its session token if any. */
export interface GateCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface GateOptions {
  /** The broker the gate relays to. */
  backend: { host: string; port: number }
  /** Server certificate and key files (the test CA's localhost certificate). */
  cert: string
  key: string
  /** Require a client certificate from this CA on the TLS listener (mutual TLS). */
  clientCa?: string
  region: string
  service?: string
  credentials: GateCredentials[]
}

/** What the gate saw of one WebSocket upgrade. */
export interface GateUpgrade {
  url: string
  headers: Record<string, string | string[] | undefined>
  query: Record<string, string>
  /** Why it was refused, or undefined when it was let through. */
  refusal?: string
}

/** What the gate saw of one TLS connection. */
export interface GateTlsConnection {
  alpn: string | false | null
  servername: string | false | null
  clientSubject?: string
}

/** The CONNECT a client sent through the gate. */
export interface GateConnect {
  via: 'tls' | 'wss'
  protocolVersion: number
  clientId: string
  username?: string
  password?: string
}

export interface IotGate {
  host: '127.0.0.1'
  connects: GateConnect[]
  tlsPort: number
  wssPort: number
  upgrades: GateUpgrade[]
  tlsConnections: GateTlsConnection[]
  stop(): Promise<void>
}

const ALGORITHM = 'AWS4-HMAC-SHA256'
const EMPTY_BODY_SHA256 = crypto.createHash('sha256').update('').digest('hex')
/** How far a signature's date may be from the gate's clock (IoT allows 15 minutes). */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

function hmacSha256(key: Buffer | string, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest()
}

function parseQuery(search: string): Array<[string, string]> {
  return [...new URLSearchParams(search)].map(([k, v]) => [k, v])
}

/** `20240102T030405Z` as a time, or NaN. */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN
}

/**
 * Checks the SigV4 presigned query of an upgrade as IoT does; returns why it
 * is refused, or undefined. The session token is not part of what is signed.
 */
export function checkPresignedUpgrade(
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  options: Pick<GateOptions, 'region' | 'service' | 'credentials'>,
): string | undefined {
  const parsed = new URL(url, 'http://gate')
  const pairs = parseQuery(parsed.search)
  const get = (name: string) => pairs.find(([k]) => k === name)?.[1]
  if (get('X-Amz-Algorithm') !== ALGORITHM) return 'X-Amz-Algorithm is missing or not AWS4-HMAC-SHA256'
  const [accessKeyId, day, region, service, terminator] = (get('X-Amz-Credential') ?? '').split('/')
  const known = options.credentials.find((c) => c.accessKeyId === accessKeyId)
  if (!known) return `unknown access key ${JSON.stringify(accessKeyId)}`
  if (region !== options.region) return `credential scope region ${region} is not ${options.region}`
  if (service !== (options.service ?? 'iotdevicegateway')) return `credential scope service ${service} is wrong`
  if (terminator !== 'aws4_request') return 'credential scope does not end in aws4_request'
  const amzDate = get('X-Amz-Date') ?? ''
  const signedAt = parseAmzDate(amzDate)
  if (Number.isNaN(signedAt) || amzDate.slice(0, 8) !== day) return 'X-Amz-Date is missing or does not match the scope'
  if (Math.abs(Date.now() - signedAt) > MAX_CLOCK_SKEW_MS) return 'Signature expired'
  if (known.sessionToken !== undefined && get('X-Amz-Security-Token') !== known.sessionToken) {
    return 'X-Amz-Security-Token is missing or wrong'
  }
  const signedNames = (get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean)
  if (!signedNames.includes('host')) return 'host is not among X-Amz-SignedHeaders'
  const headerLines = signedNames.map((name) => {
    const value = headers[name]
    const text = Array.isArray(value) ? value.join(',') : (value ?? '')
    return `${name}:${text.trim().replace(/\s+/g, ' ')}`
  })
  const query = pairs
    .filter(([k]) => k !== 'X-Amz-Signature' && k !== 'X-Amz-Security-Token')
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&')
  const canonicalPath = parsed.pathname.split('/').map((s) => rfc3986(decodeURIComponent(s))).join('/')
  const canonicalRequest = [method, canonicalPath, query, ...headerLines, '', signedNames.join(';'), EMPTY_BODY_SHA256].join('\n')
  const scope = `${day}/${region}/${service}/aws4_request`
  const stringToSign = [ALGORITHM, amzDate, scope, crypto.createHash('sha256').update(canonicalRequest).digest('hex')].join('\n')
  const signingKey = [day, region, service, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmacSha256(key, part),
    'AWS4' + known.secretAccessKey,
  )
  const expected = hmacSha256(signingKey, stringToSign).toString('hex')
  const given = get('X-Amz-Signature') ?? ''
  const same = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  return same ? undefined : 'The request signature we calculated does not match the signature you provided.'
}

/** Records the first packet `client` sends if it is a CONNECT. */
function recordConnect(client: NodeJS.ReadableStream, via: GateConnect['via'], connects: GateConnect[]) {
  const parser = mqttPacket.parser({ protocolVersion: 5 })
  let first = true
  parser.on('packet', (packet) => {
    if (first && packet.cmd === 'connect') {
      connects.push({
        via,
        protocolVersion: packet.protocolVersion ?? 4,
        clientId: packet.clientId,
        username: packet.username,
        password: packet.password === undefined ? undefined : Buffer.from(packet.password).toString(),
      })
    }
    first = false
  })
  parser.on('error', () => undefined)
  const onData = (chunk: Buffer) => {
    parser.parse(chunk)
    if (!first) client.removeListener('data', onData)
  }
  client.on('data', onData)
}

/** Relays bytes both ways between `client` and a new connection to the backend. */
function relay(client: NodeJS.ReadWriteStream & { destroy(): void }, backend: GateOptions['backend']) {
  const upstream = net.connect(backend.port, backend.host)
  client.pipe(upstream).pipe(client)
  const end = () => {
    upstream.destroy()
    client.destroy()
  }
  upstream.on('error', end)
  upstream.on('close', end)
  client.on('error', end)
  client.on('close', end)
}

export async function startIotGate(options: GateOptions): Promise<IotGate> {
  const serverTls = { cert: fs.readFileSync(options.cert), key: fs.readFileSync(options.key) }
  const upgrades: GateUpgrade[] = []
  const connects: GateConnect[] = []
  const tlsConnections: GateTlsConnection[] = []
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }

  const mutual = options.clientCa ? { ca: fs.readFileSync(options.clientCa), requestCert: true, rejectUnauthorized: true } : {}
  const tlsServer = tls.createServer({ ...serverTls, ...mutual, ALPNProtocols: ['mqtt', 'x-amzn-mqtt-ca'] }, (socket) => {
    const peer = socket.getPeerCertificate()
    tlsConnections.push({
      alpn: socket.alpnProtocol,
      servername: (socket as tls.TLSSocket & { servername?: string | false }).servername ?? null,
      clientSubject: peer && peer.subject ? String(peer.subject.CN) : undefined,
    })
    recordConnect(socket, 'tls', connects)
    relay(socket, options.backend)
  })

  const webSockets = new WebSocket.Server({ noServer: true })
  const wssServer = https.createServer(serverTls)
  wssServer.on('upgrade', (req, socket: net.Socket, head) => {
    const url = req.url ?? ''
    const refusal = checkPresignedUpgrade(req.method ?? 'GET', url, req.headers, options)
    upgrades.push({ url, headers: req.headers, query: Object.fromEntries(parseQuery(new URL(url, 'http://gate').search)), refusal })
    if (refusal !== undefined) {
      const body = JSON.stringify({ message: refusal })
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
      return
    }
    webSockets.handleUpgrade(req, socket, head, (ws) => {
      const stream = WebSocket.createWebSocketStream(ws)
      recordConnect(stream, 'wss', connects)
      relay(stream, options.backend)
    })
  })

  for (const server of [tlsServer, wssServer]) {
    server.on('connection', track)
    server.on('secureConnection', track)
    server.on('tlsClientError', () => undefined)
  }
  const tlsPort = await freePort()
  const wssPort = await freePort()
  await new Promise<void>((resolve) => tlsServer.listen(tlsPort, '127.0.0.1', resolve))
  await new Promise<void>((resolve) => wssServer.listen(wssPort, '127.0.0.1', resolve))
  return {
    host: '127.0.0.1',
    connects,
    tlsPort,
    wssPort,
    upgrades,
    tlsConnections,
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      webSockets.close()
      await Promise.all([tlsServer, wssServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    },
  }
}
