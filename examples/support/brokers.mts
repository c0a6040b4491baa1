/**
 * The broker side of the examples: an aedes broker in this process, behind
 * one listener on a free loopback port (TCP, TLS requiring a client
 * certificate, or WebSocket with a check of the upgrade request), or, for
 * MQTT 5 (which aedes does not speak), a mosquitto child process. Lines it
 * prints start with `[broker]`.
 *
 * Each function first looks at `MQTT_BROKER`: when it names a broker (e.g.
 * `mqtt://broker.example:1883`), that one is used and nothing is started.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type http from 'node:http'
import type net from 'node:net'
import tls from 'node:tls'
import { Aedes } from 'aedes'
import { createServer } from 'aedes-server-factory'
import { makeCerts } from './certs.mjs'

// An example that is still running after 30 s is stuck (a message that never
// came, say): say so and fail rather than hang. unref(): it keeps nothing alive.
setTimeout(() => {
  console.error('example still running after 30 s: giving up')
  process.exit(1)
}, 30_000).unref()

export interface Broker {
  host: string
  port: number
  /** e.g. `mqtt://127.0.0.1:41234` */
  url: string
  /** Stops the embedded broker (does nothing for yours). */
  close(): Promise<void>
}

export interface MtlsBroker extends Broker {
  /** The CA to trust for the broker's certificate (undefined: the system's roots). */
  ca?: string
  /** The client certificate and its private key (PEM files). */
  cert: string
  key: string
}

export interface WsBroker extends Broker {
  /** wss: rather than ws: */
  secure: boolean
}

/** A plain MQTT broker: `MQTT_BROKER=mqtt://host:port`, or an embedded one. */
export async function tcpBroker(): Promise<Broker> {
  return yourBroker(['mqtt', 'tcp'], 1883) ?? embedded('mqtt', (aedes) => createServer(aedes) as net.Server)
}

/**
 * An MQTT 5 broker: `MQTT_BROKER=mqtt://host:port`, or mosquitto (from the
 * PATH or /usr/sbin) on a free loopback port.
 */
export async function mqtt5Broker(): Promise<Broker> {
  const yours = yourBroker(['mqtt', 'tcp'], 1883)
  if (yours) return yours
  const executable = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(path.delimiter)]
    .map((dir) => path.join(dir, 'mosquitto'))
    .find((file) => fs.existsSync(file))
  if (!executable) throw new Error('MQTT 5 needs a broker: install mosquitto (apt install mosquitto), or set MQTT_BROKER')
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-example-'))
  const config = path.join(dir, 'mosquitto.conf')
  fs.writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\n`)
  const child = spawn(executable, ['-c', config], { stdio: 'ignore' })
  await waitUntilListening(port)
  const url = `mqtt://127.0.0.1:${port}`
  console.log(`[broker] mosquitto listening on ${url}`)
  return {
    host: '127.0.0.1',
    port,
    url,
    close: async () => {
      child.kill()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function freePort(): Promise<number> {
  const server = (await import('node:net')).createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Resolves once something accepts connections on `port` of 127.0.0.1. */
async function waitUntilListening(port: number): Promise<void> {
  const { connect } = await import('node:net')
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (up) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`mosquitto did not listen on port ${port}`)
}

/**
 * A broker that requires a client certificate. Yours:
 * `MQTT_BROKER=mqtts://host:8883 MQTT_CERT=client.pem MQTT_KEY=client.key`
 * (and `MQTT_CA=ca.pem` unless its certificate chains to a public root).
 * Embedded: a TLS listener with certificates made by openssl in a temp dir.
 */
export async function mtlsBroker(): Promise<MtlsBroker> {
  const yours = yourBroker(['mqtts', 'ssl', 'tls'], 8883)
  if (yours) {
    const { MQTT_CA, MQTT_CERT, MQTT_KEY } = process.env
    if (!MQTT_CERT || !MQTT_KEY) throw new Error('with MQTT_BROKER, set MQTT_CERT and MQTT_KEY (PEM files) too')
    return { ...yours, ca: MQTT_CA, cert: MQTT_CERT, key: MQTT_KEY }
  }
  const certs = makeCerts()
  const options: tls.TlsOptions = {
    cert: fs.readFileSync(certs.serverCert),
    key: fs.readFileSync(certs.serverKey),
    ca: fs.readFileSync(certs.ca),
    requestCert: true,
    rejectUnauthorized: true, // no certificate signed by the CA, no handshake
  }
  const broker = await embedded('mqtts', (aedes) => {
    const server = tls.createServer(options, (socket) => {
      const { subject, issuer } = socket.getPeerCertificate()
      console.log(`[broker] TLS client certificate verified: CN=${subject.CN} (issued by ${issuer.CN})`)
      aedes.handle(socket)
    })
    server.on('tlsClientError', (error) => console.log(`[broker] TLS handshake refused: ${error.message}`))
    return server
  }, certs.remove)
  return { ...broker, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }
}

/**
 * A broker over WebSockets. Yours: `MQTT_BROKER=ws://host:port` or `wss://`
 * (path /mqtt). Embedded: a ws listener that passes each upgrade request to
 * `verify` and answers 401 when it returns false.
 */
export async function wsBroker(verify: (request: http.IncomingMessage) => boolean): Promise<WsBroker> {
  const yours = yourBroker(['ws', 'wss'], 80)
  if (yours) return { ...yours, secure: yours.url.startsWith('wss:') }
  const broker = await embedded('ws', (aedes) => {
    const server = createServer(aedes, { ws: true }) as http.Server
    // The factory's WebSocket server listens for 'upgrade': put the check in front of it.
    const accept = server.listeners('upgrade') as ((...args: unknown[]) => void)[]
    server.removeAllListeners('upgrade')
    server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      if (verify(request)) {
        for (const listener of accept) listener.call(server, request, socket, head)
      } else {
        console.log(`[broker] upgrade ${request.method} ${request.url} refused: 401`)
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      }
    })
    return server
  })
  return { ...broker, secure: false }
}

export interface WssBroker extends Broker {
  /** The CA to trust for the broker's certificate. */
  ca: string
}

/**
 * A broker over WebSockets over TLS (an AWS IoT endpoint's shape), embedded:
 * each upgrade request goes to `verify`, which resolves why it is refused
 * (answered with 403 and that reason, as IoT does) or undefined to let it in.
 */
export async function wssBroker(verify: (request: http.IncomingMessage) => Promise<string | undefined>): Promise<WssBroker> {
  const certs = makeCerts()
  const https = { cert: fs.readFileSync(certs.serverCert), key: fs.readFileSync(certs.serverKey) }
  const broker = await embedded('wss', (aedes) => {
    const server = createServer(aedes, { ws: true, https }) as http.Server
    const accept = server.listeners('upgrade') as ((...args: unknown[]) => void)[]
    server.removeAllListeners('upgrade')
    server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      void verify(request).then((refusal) => {
        if (refusal === undefined) {
          for (const listener of accept) listener.call(server, request, socket, head)
          return
        }
        console.log(`[broker] upgrade refused: 403 ${refusal}`)
        const body = JSON.stringify({ message: refusal })
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
      })
    })
    return server
  }, certs.remove)
  return { ...broker, ca: certs.ca }
}

/** `MQTT_BROKER` when set: it must use one of `schemes`. */
function yourBroker(schemes: string[], defaultPort: number): Broker | undefined {
  const text = process.env.MQTT_BROKER
  if (!text) return undefined
  const url = new URL(text)
  const scheme = url.protocol.replace(/:$/, '')
  if (!schemes.includes(scheme)) {
    throw new Error(`this example needs MQTT_BROKER=${schemes.map((s) => `${s}://host:port`).join(' or ')} (got ${text})`)
  }
  console.log(`[broker] yours: ${text}`)
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || defaultPort),
    url: text,
    close: async () => {},
  }
}

/** Starts aedes behind the server `listen` makes, on a free port of 127.0.0.1. */
async function embedded(scheme: string, listen: (aedes: Aedes) => net.Server, cleanup?: () => void): Promise<Broker> {
  const aedes = await Aedes.createBroker()
  const server = listen(aedes)
  const sockets = new Set<net.Socket>()
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  const url = `${scheme}://127.0.0.1:${port}`
  console.log(`[broker] embedded aedes listening on ${url}`)
  return {
    host: '127.0.0.1',
    port,
    url,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
      await new Promise<void>((resolve) => aedes.close(resolve))
      cleanup?.()
    },
  }
}
