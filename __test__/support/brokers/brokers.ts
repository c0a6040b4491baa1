/**
 * Real brokers for the suites: aedes (always, in a child process because
 * aedes 1.x is ESM only) and mosquitto (when installed). Each listens on a
 * free loopback port and is stopped by `stop()`.
 */
import { ChildProcess, spawn, execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { freePort, waitForListener, waitForPort } from '../ports'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { mosquittoPath } = require('./mosquitto-path') as { mosquittoPath: () => string | undefined }

export type BrokerKind = 'aedes' | 'mosquitto'

export interface BrokerOptions {
  /** Accept only this user name/password pair from clients that send a user name. */
  username?: string
  password?: string
  /** aedes only: listen on this Unix domain socket path instead of a TCP port. */
  socketPath?: string
  /** Answer SUBACK 0x80 to every filter under this prefix, and grant all others. */
  refuseSubscriptionsUnder?: string
  /**
   * mosquitto only: refuse publishes under this prefix (PUBACK / PUBREC 0x87
   * to MQTT 5 clients) through an acl_file that allows every other topic.
   * mosquitto's `deny` also keeps messages there from being delivered.
   */
  denyPublishUnder?: string
  /**
   * mosquitto only: its max_inflight_messages, which MQTT 5 clients see as
   * the CONNACK Receive Maximum. Unset: 0 (unlimited), and no Receive
   * Maximum in the CONNACK.
   */
  maxInflightMessages?: number
}

export interface Broker {
  kind: BrokerKind
  host: '127.0.0.1'
  port: number
  stop(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function stopChild(child: ChildProcess, graceful: () => void): Promise<void> {
  const done = exited(child)
  graceful()
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await done
  clearTimeout(timer)
}

export function availableBrokers(): BrokerKind[] {
  return mosquittoPath() ? ['aedes', 'mosquitto'] : ['aedes']
}

/** An MQTT protocol level: 4 is MQTT 3.1.1, 5 is MQTT 5. */
export type ProtocolVersion = 4 | 5

/** The protocol versions each broker speaks (aedes: 3.1.1 only). */
const VERSIONS_OF: Record<BrokerKind, ProtocolVersion[]> = { aedes: [4], mosquitto: [4, 5] }

const VERSION_NAMES: Record<ProtocolVersion, string> = { 4: 'MQTT 3.1.1', 5: 'MQTT 5' }

/**
 * `suite` once for each available broker and each of `versions` (3.1.1 by
 * default) that broker speaks, in a `describe` named `${title} with
 * ${kind}` (and the version, when more than one is asked for), with a broker
 * started for it (`brokerPerSuite`).
 */
export function forEachBroker(
  title: string,
  suite: (broker: Broker, version: ProtocolVersion) => void,
  { versions = [4], broker: opts = {} }: { versions?: ProtocolVersion[]; broker?: BrokerOptions } = {},
): void {
  const cases = availableBrokers().flatMap((kind) =>
    versions.filter((version) => VERSIONS_OF[kind].includes(version)).map((version) => [kind, version] as const),
  )
  describe.each(cases)(`${title ? `${title} ` : ''}with %s`, (kind, version) => {
    const broker = brokerPerSuite(kind, opts)
    if (versions.length > 1) describe(VERSION_NAMES[version], () => suite(broker, version))
    else suite(broker, version)
  })
}

export async function startAedes(opts: BrokerOptions = {}): Promise<Broker> {
  const port = opts.socketPath ? 0 : await freePort()
  const listenOn = opts.socketPath ?? String(port)
  const args = [path.join(__dirname, 'aedes-broker.mjs'), listenOn]
  if (opts.username !== undefined) args.push(opts.username, opts.password ?? '')
  const env = { ...process.env, REFUSE_SUBSCRIPTIONS_UNDER: opts.refuseSubscriptionsUnder ?? '' }
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`aedes did not start: ${stderr}`))
    }, 15000)
    child.stdout!.on('data', (d) => {
      out += d
      if (out.includes(`listening ${listenOn}`)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`aedes exited with ${code}: ${stderr}`))
    })
  })
  child.removeAllListeners('exit')
  child.stdout!.resume()
  return {
    kind: 'aedes',
    host: '127.0.0.1',
    port,
    stop: () => stopChild(child, () => child.stdin!.end()),
  }
}

/**
 * The config lines every test mosquitto starts with: it runs as this user
 * (else it cannot read files the run made), never drops queued messages, and
 * logs errors and warnings to stderr. `persistIn` turns persistence on there.
 */
function mosquittoHead(opts: { persistIn?: string; maxInflightMessages?: number } = {}): string[] {
  const persistence = opts.persistIn ? ['persistence true', `persistence_location ${opts.persistIn}/`] : ['persistence false']
  return [
    `user ${os.userInfo().username}`,
    ...persistence,
    'max_queued_messages 0',
    `max_inflight_messages ${opts.maxInflightMessages ?? 0}`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ]
}

export async function startMosquitto(opts: BrokerOptions = {}): Promise<Broker> {
  const bin = mosquittoPath()
  if (!bin) throw new Error('mosquitto is not installed')
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-mosquitto-'))
  const lines: string[] = []
  if (opts.username !== undefined) lines.push('per_listener_settings true')
  lines.push(...mosquittoHead({ maxInflightMessages: opts.maxInflightMessages }), `listener ${port} 127.0.0.1`, 'allow_anonymous true')
  if (opts.username !== undefined) {
    const passwordFile = path.join(dir, 'passwords')
    const mosquittoPasswd = path.join(path.dirname(bin), '..', 'bin', 'mosquitto_passwd')
    const passwd = fs.existsSync(mosquittoPasswd) ? mosquittoPasswd : 'mosquitto_passwd'
    execFileSync(passwd, ['-b', '-c', passwordFile, opts.username, opts.password ?? ''], { stdio: 'ignore' })
    lines.push(`password_file ${passwordFile}`)
  }
  if (opts.refuseSubscriptionsUnder !== undefined) lines.push(...refusingSubscriptions(bin, dir, opts.refuseSubscriptionsUnder))
  if (opts.denyPublishUnder !== undefined) {
    // Deny entries are checked first: everything but the prefix stays open.
    // (mosquitto 2.0.11 drops the connection right after its PUBACK 0x87.)
    const aclFile = path.join(dir, 'acl')
    fs.writeFileSync(aclFile, `topic readwrite #\ntopic deny ${opts.denyPublishUnder}/#\n`)
    lines.push(`acl_file ${aclFile}`)
  }
  return runMosquitto(bin, dir, port, lines)
}

/**
 * Config lines that make mosquitto refuse subscriptions under `prefix`: a
 * dynamic-security role for anonymous clients. (An acl_file does not do:
 * mosquitto 2.0 grants any subscription under an acl_file and only filters
 * what it delivers, so the SUBACK never says 0x80.)
 */
function refusingSubscriptions(bin: string, dir: string, prefix: string): string[] {
  const plugin = [
    path.join(path.dirname(bin), '..', 'lib', 'mosquitto_dynamic_security.so'),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/mosquitto_dynamic_security.so`,
    '/usr/lib/mosquitto_dynamic_security.so',
  ].find((file) => fs.existsSync(file))
  if (!plugin) throw new Error('mosquitto_dynamic_security.so not found: mosquitto cannot refuse a subscription')
  const security = {
    defaultACLAccess: { publishClientSend: true, publishClientReceive: true, subscribe: true, unsubscribe: true },
    clients: [],
    groups: [{ groupname: 'anonymous', roles: [{ rolename: 'refuse' }] }],
    roles: [{ rolename: 'refuse', acls: [{ acltype: 'subscribePattern', topic: `${prefix}/#`, priority: 0, allow: false }] }],
    anonymousGroup: 'anonymous',
  }
  const file = path.join(dir, 'dynamic-security.json')
  fs.writeFileSync(file, JSON.stringify(security))
  return [`plugin ${plugin}`, `plugin_opt_config_file ${file}`]
}

/**
 * Starts mosquitto on `conf` and resolves once every listener accepts; a
 * mosquitto that exits first rejects with what it wrote to stderr.
 */
async function launchMosquitto(
  bin: string,
  conf: string,
  ports: number[],
  opts: { env?: NodeJS.ProcessEnv; unixSocket?: string } = {},
): Promise<ChildProcess> {
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...opts.env } })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  try {
    await Promise.race([
      Promise.all([...ports.map((p) => waitForPort(p, 10000)), ...(opts.unixSocket ? [waitForUnixSocket(opts.unixSocket)] : [])]),
      exited(child).then(() => {
        throw new Error(`mosquitto (${path.basename(conf)}) exited: ${stderr}`)
      }),
    ])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return child
}

/** A broker that can be killed and come back with what it stored. */
export interface RestartableBroker extends Broker {
  /**
   * Kills the broker (SIGTERM, so it saves what it holds: mosquitto sends a
   * PUBACK before it writes the message to disk, so a SIGKILL can lose the
   * last message it acknowledged).
   */
  kill(): Promise<void>
  /** Starts it again on the same port and storage. */
  start(): Promise<void>
}

/** mosquitto with persistence: sessions, subscriptions and queued messages survive a restart. */
export async function startPersistentMosquitto(): Promise<RestartableBroker> {
  const bin = mosquittoPath()
  if (!bin) throw new Error('mosquitto is not installed')
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-mosquitto-'))
  const lines = [
    ...mosquittoHead({ persistIn: dir }),
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
  ]
  return runMosquitto(bin, dir, port, lines)
}

/** Runs mosquitto with `lines` as its config; `dir` is its own and goes when it stops. */
async function runMosquitto(bin: string, dir: string, port: number, lines: string[]): Promise<RestartableBroker> {
  const conf = path.join(dir, 'mosquitto.conf')
  fs.writeFileSync(conf, lines.join('\n') + '\n')
  let child: ChildProcess | undefined
  const start = async () => {
    child = await launchMosquitto(bin, conf, [port])
  }
  const kill = async () => {
    if (child) await stopChild(child, () => child!.kill('SIGTERM'))
    child = undefined
  }
  try {
    await start()
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    kind: 'mosquitto',
    host: '127.0.0.1',
    port,
    kill,
    start,
    stop: async () => {
      await kill()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A `kind` broker for the tests of the calling `describe`: started before
 * them, stopped after. What it returns reads the running broker's address
 * when a test uses it, so it can be passed wherever a `Broker` goes.
 */
export function brokerPerSuite(kind: BrokerKind, opts: BrokerOptions = {}): Broker {
  let broker: Broker | undefined
  beforeAll(async () => {
    broker = await startBroker(kind, opts)
  }, 30000)
  afterAll(async () => {
    await broker?.stop()
  })
  const running = () => {
    if (!broker) throw new Error(`the ${kind} broker did not start`)
    return broker
  }
  return {
    kind,
    host: '127.0.0.1',
    get port() {
      return running().port
    },
    stop: () => running().stop(),
  }
}

export function startBroker(kind: BrokerKind, opts: BrokerOptions = {}): Promise<Broker> {
  return kind === 'aedes' ? startAedes(opts) : startMosquitto(opts)
}

// ---------------------------------------------------------------------------
// Transports: TLS, mutual TLS, TLS 1.2 only, WebSockets, WSS, Unix sockets,
// and deliberately bad TLS servers (expired, wrong name, untrusted CA).

/** Where one listener of a transport broker is: host and port, or a Unix socket path. */
export interface Listener {
  host: '127.0.0.1'
  port: number
  /** The Unix socket path (for the `unix` listener only). */
  path?: string
}

/** The listener names a transport broker may have. */
export type ListenerName =
  | 'tcp'
  | 'tls' // server cert for localhost/127.0.0.1 signed by the test CA (aedes: ALPN 'mqtt', 'x-amzn-mqtt-ca')
  | 'mtls' // as tls, and a client certificate from the test CA is required
  | 'tls12' // as tls, TLS 1.2 at most
  | 'ws' // MQTT over WebSockets
  | 'wss' // MQTT over WebSockets over TLS (the tls certificate)
  | 'unix' // mosquitto only: a Unix domain socket
  | 'expired' // TLS with an expired server certificate
  | 'wrongName' // TLS with a certificate for DNS:wrong.example only
  | 'untrusted' // TLS with a certificate from a CA nobody trusts

/** What the aedes transport broker saw (one object per event line of aedes-transports.mjs). */
export interface TransportEvent {
  listener: string
  type: 'alpn' | 'upgrade' | 'tlsClientError'
  protocol?: string | false
  servername?: string | null
  url?: string
  headers?: Record<string, string | string[]>
  rawHeaders?: string[]
  message?: string
}

export interface TransportBroker {
  kind: BrokerKind
  listeners: Partial<Record<ListenerName, Listener>>
  /** aedes only: ALPN and WebSocket upgrade records, in arrival order. */
  events: TransportEvent[]
  stop(): Promise<void>
}

/** The certificate files a transport broker needs (a subset of support/certs' Certs). */
export interface ServerCerts {
  caPath: string
  serverCert: string
  serverKey: string
  expiredCert: string
  wrongNameCert: string
  untrustedServerCert: string
}

export function startTransportBroker(kind: BrokerKind, certs: ServerCerts): Promise<TransportBroker> {
  return kind === 'aedes' ? startAedesTransports(certs) : startMosquittoTransports(certs)
}

export async function startAedesTransports(certs: ServerCerts): Promise<TransportBroker> {
  const tls = { cert: certs.serverCert, key: certs.serverKey }
  const names: Array<[ListenerName, string, Record<string, unknown> | undefined]> = [
    ['tcp', 'tcp', undefined],
    ['tls', 'tls', { ...tls, ALPNProtocols: ['mqtt', 'x-amzn-mqtt-ca'] }],
    ['mtls', 'tls', { ...tls, ca: certs.caPath, requestCert: true }],
    ['tls12', 'tls', { ...tls, maxVersion: 'TLSv1.2' }],
    ['ws', 'ws', undefined],
    ['wss', 'wss', tls],
    ['expired', 'tls', { cert: certs.expiredCert, key: certs.serverKey }],
    ['wrongName', 'tls', { cert: certs.wrongNameCert, key: certs.serverKey }],
    ['untrusted', 'tls', { cert: certs.untrustedServerCert, key: certs.serverKey }],
  ]
  const spec = { listeners: [] as Array<Record<string, unknown>> }
  const listeners: Partial<Record<ListenerName, Listener>> = {}
  for (const [name, type, tlsOptions] of names) {
    const port = await freePort()
    spec.listeners.push({ name, type, port, tls: tlsOptions })
    listeners[name] = { host: '127.0.0.1', port }
  }
  const child = spawn(process.execPath, [path.join(__dirname, 'aedes-transports.mjs'), JSON.stringify(spec)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const events: TransportEvent[] = []
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  let buffered = ''
  let ready: () => void = () => undefined
  const readyPromise = new Promise<void>((resolve) => (ready = resolve))
  child.stdout!.on('data', (d) => {
    buffered += d
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      if (line === 'listening') ready()
      else if (line.startsWith('event ')) events.push(JSON.parse(line.slice(6)))
    }
  })
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      readyPromise,
      exited(child).then(() => {
        throw new Error(`aedes transports exited: ${stderr}`)
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`aedes transports did not start: ${stderr}`)), 15000)
      }),
    ])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  } finally {
    clearTimeout(timer)
  }
  return {
    kind: 'aedes',
    listeners,
    events,
    stop: () => stopChild(child, () => child.stdin!.end()),
  }
}

function waitForUnixSocket(file: string, timeoutMs = 10000): Promise<void> {
  return waitForListener({ path: file }, file, timeoutMs)
}

/**
 * mosquitto with every transport listener. mosquitto's `tls_version tlsv1.2`
 * is a minimum (TLS 1.3 is still offered), so the `tls12` listener runs in a
 * second mosquitto whose OpenSSL config says `MaxProtocol = TLSv1.2`.
 */
export async function startMosquittoTransports(certs: ServerCerts): Promise<TransportBroker> {
  const bin = mosquittoPath()
  if (!bin) throw new Error('mosquitto is not installed')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-mosquitto-'))
  const head = [...mosquittoHead(), 'allow_anonymous true']
  const listeners: Partial<Record<ListenerName, Listener>> = {}
  const tlsLines = (cert = certs.serverCert) => [`cafile ${certs.caPath}`, `certfile ${cert}`, `keyfile ${certs.serverKey}`]
  const main = [...head]
  const tcpPorts: number[] = []
  const add = async (name: ListenerName, extra: string[]) => {
    const port = await freePort()
    listeners[name] = { host: '127.0.0.1', port }
    tcpPorts.push(port)
    main.push(`listener ${port} 127.0.0.1`, ...extra)
  }
  await add('tcp', [])
  await add('tls', tlsLines())
  await add('mtls', [...tlsLines(), 'require_certificate true'])
  await add('ws', ['protocol websockets'])
  await add('wss', ['protocol websockets', ...tlsLines()])
  await add('expired', tlsLines(certs.expiredCert))
  await add('wrongName', tlsLines(certs.wrongNameCert))
  await add('untrusted', tlsLines(certs.untrustedServerCert))
  const socketPath = path.join(dir, 'mosquitto.sock')
  main.push(`listener 0 ${socketPath}`)
  listeners.unix = { host: '127.0.0.1', port: 0, path: socketPath }

  const tls12Port = await freePort()
  listeners.tls12 = { host: '127.0.0.1', port: tls12Port }
  const tls12 = [...head, `listener ${tls12Port} 127.0.0.1`, ...tlsLines(), 'tls_version tlsv1.2']
  const opensslConf = path.join(dir, 'openssl-tls12.cnf')
  fs.writeFileSync(
    opensslConf,
    [
      'openssl_conf = openssl_init',
      '[openssl_init]',
      'ssl_conf = ssl_sect',
      '[ssl_sect]',
      'system_default = system_default_sect',
      '[system_default_sect]',
      'MinProtocol = TLSv1.2',
      'MaxProtocol = TLSv1.2',
      '',
    ].join('\n'),
  )

  const children: ChildProcess[] = []
  const launch = async (confName: string, lines: string[], ports: number[], env?: NodeJS.ProcessEnv, unixSocket?: string) => {
    const conf = path.join(dir, confName)
    fs.writeFileSync(conf, lines.join('\n') + '\n')
    children.push(await launchMosquitto(bin, conf, ports, { env, unixSocket }))
  }
  try {
    await launch('mosquitto.conf', main, tcpPorts, undefined, socketPath)
    await launch('mosquitto-tls12.conf', tls12, [tls12Port], { OPENSSL_CONF: opensslConf })
  } catch (error) {
    for (const child of children) child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    kind: 'mosquitto',
    listeners,
    events: [],
    stop: async () => {
      await Promise.all(children.map((child) => stopChild(child, () => child.kill('SIGTERM'))))
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * An HTTP (or HTTPS) server that refuses every WebSocket upgrade with
 * `status` and records the upgrade requests.
 */
export async function startRefusingUpgradeServer(
  status = 401,
  tlsFiles?: { cert: string; key: string },
): Promise<{ host: '127.0.0.1'; port: number; requests: Array<{ url: string; headers: Record<string, unknown> }>; stop(): Promise<void> }> {
  const http = await import('http')
  const https = await import('https')
  const requests: Array<{ url: string; headers: Record<string, unknown> }> = []
  const server = tlsFiles
    ? https.createServer({ cert: fs.readFileSync(tlsFiles.cert), key: fs.readFileSync(tlsFiles.key) })
    : http.createServer()
  const sockets = new Set<import('net').Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('request', (_req, res) => {
    res.writeHead(status, { 'content-length': '0' })
    res.end()
  })
  server.on('upgrade', (req, socket) => {
    requests.push({ url: req.url ?? '', headers: req.headers })
    const reason = http.STATUS_CODES[status] ?? 'Refused'
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  return {
    host: '127.0.0.1',
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
