/**
 * How far TLS trust reaches, against real mosquitto listeners on free
 * loopback ports, with aws-crt's API, the MQTT.js API and MQTT.js itself:
 *
 * - a self-signed server certificate that is its own CA (CA:TRUE), given as
 *   the CA, is accepted (as Node's OpenSSL accepts it), and is still checked
 *   for the host name and its dates;
 * - an X.509 v1 client certificate (as older openssl made by default) is
 *   taken and sent as it is, and a broker that requires a client certificate
 *   accepts it.
 *
 * mosquitto is required: without it the suite fails.
 */
import { ChildProcess, spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { CrtError, io } from '../../index'
import { Certs, makeCerts, makeTrustCerts, removeCerts, TrustCerts } from '../support/certs'
import { DialectClient, dialects, endAllClients, firstConnect, IClientOptions } from '../support/dialect'
import { cleanupConnections, connected, Endpoint, newConnection, within } from '../support/helpers'
import { freePort, waitForPort } from '../support/ports'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { mosquittoPath } = require('../support/brokers/mosquitto-path') as { mosquittoPath: () => string | undefined }

type ListenerName = 'selfSigned' | 'localhostOnly' | 'expired' | 'mtls'

let certs: Certs
let trust: TrustCerts
let broker: { ports: Record<ListenerName, number>; stop(): Promise<void> }

beforeAll(async () => {
  certs = makeCerts()
  trust = makeTrustCerts(certs)
  broker = await startMosquitto()
}, 60000)

afterAll(async () => {
  await broker?.stop()
  removeCerts()
})

afterEach(async () => {
  await endAllClients()
  await cleanupConnections()
})

/**
 * One mosquitto with a TLS listener per case: each self-signed certificate
 * (no client certificate asked), and mutual TLS with the test CA.
 */
async function startMosquitto(): Promise<typeof broker> {
  const bin = mosquittoPath()
  if (!bin) throw new Error('mosquitto is not installed (apt-get install mosquitto): this suite needs it')
  const tls = (cert: string, key: string) => [`cafile ${certs.caPath}`, `certfile ${cert}`, `keyfile ${key}`]
  const listeners: Record<ListenerName, string[]> = {
    selfSigned: tls(trust.selfSignedCert, trust.selfSignedKey),
    localhostOnly: tls(trust.localhostOnlyCert, trust.selfSignedKey),
    expired: tls(trust.expiredSelfSignedCert, trust.selfSignedKey),
    mtls: [...tls(certs.serverCert, certs.serverKey), 'require_certificate true'],
  }
  // Run as root, mosquitto would become the `mosquitto` user and not read the certificates.
  const lines = [`user ${os.userInfo().username}`, 'persistence false', 'log_dest stderr', 'log_type error',
    'log_type warning', 'allow_anonymous true']
  const ports = {} as Record<ListenerName, number>
  for (const [name, settings] of Object.entries(listeners) as Array<[ListenerName, string[]]>) {
    ports[name] = await freePort()
    lines.push(`listener ${ports[name]} 127.0.0.1`, ...settings)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-tls-trust-'))
  const conf = path.join(dir, 'mosquitto.conf')
  fs.writeFileSync(conf, lines.join('\n') + '\n')
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await Promise.race([
      Promise.all(Object.values(ports).map((port) => waitForPort(port))),
      exited.then(() => {
        throw new Error(`mosquitto exited: ${stderr}`)
      }),
    ])
  } catch (error) {
    child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return { ports, stop: () => stop(child, exited, dir) }
}

async function stop(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
  fs.rmSync(dir, { recursive: true, force: true })
}

function endpoint(name: ListenerName): Endpoint {
  return { host: '127.0.0.1', port: broker.ports[name] }
}

function mqttsUrl(name: ListenerName): string {
  return `mqtts://127.0.0.1:${broker.ports[name]}`
}

/** aws-crt's API: 'connect', or the name of the error connect() rejected with. */
async function crtOutcome(name: ListenerName, options: io.TlsContextOptions): Promise<string> {
  const connection = newConnection(endpoint(name), { tls_ctx: new io.ClientTlsContext(options) })
  try {
    await within(connection.connect(), 15000, 'connect')
    return 'connect'
  } catch (error) {
    return error instanceof CrtError ? String(error.error_name) : String(error)
  }
}

/** An MQTT.js-API client: 'connect', or the code of its first error. */
async function dialectOutcome(dialect: DialectClient, name: ListenerName, options: IClientOptions): Promise<string> {
  const client = dialect.connect(mqttsUrl(name), { reconnectPeriod: 0, ...options })
  try {
    await firstConnect(client)
    return 'connect'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error)
  }
}

/** The outcome for each client of the MQTT.js API (MQTT.js itself and mqtt-napi's), by name. */
async function dialectOutcomes(name: ListenerName, options: IClientOptions): Promise<Record<string, string>> {
  const outcomes: Record<string, string> = {}
  for (const dialect of dialects) outcomes[dialect.name] = await dialectOutcome(dialect, name, options)
  return outcomes
}

function trusting(pem: string): io.TlsContextOptions {
  const options = new io.TlsContextOptions()
  options.override_default_trust_store(pem)
  return options
}

describe('a self-signed CA:TRUE broker certificate given as the CA', () => {
  test('aws-crt API: override_default_trust_store(pem) and a CA file connect', async () => {
    await connected(endpoint('selfSigned'), { tls_ctx: new io.ClientTlsContext(trusting(trust.selfSignedPem)) })
    const fromFile = new io.TlsContextOptions()
    fromFile.override_default_trust_store_from_path(undefined, trust.selfSignedCert)
    await connected(endpoint('selfSigned'), { tls_ctx: new io.ClientTlsContext(fromFile) })
  })

  test("MQTT.js API: connect('mqtts://127.0.0.1:PORT', { ca }) connects, as MQTT.js itself does", async () => {
    expect(await dialectOutcomes('selfSigned', { ca: trust.selfSignedPem })).toEqual({
      'MQTT.js': 'connect',
      'mqtt-napi': 'connect',
    })
  })

  test('a host name it does not carry still fails (DNS:localhost only, reached as 127.0.0.1)', async () => {
    expect(await crtOutcome('localhostOnly', trusting(trust.localhostOnlyPem))).toBe('AWS_IO_TLS_HOST_NAME_MISMATCH')
    expect(await dialectOutcomes('localhostOnly', { ca: trust.localhostOnlyPem })).toEqual({
      'MQTT.js': 'ERR_TLS_CERT_ALTNAME_INVALID',
      'mqtt-napi': 'AWS_IO_TLS_HOST_NAME_MISMATCH',
    })
  })

  test('an expired one still fails', async () => {
    expect(await crtOutcome('expired', trusting(trust.expiredSelfSignedPem))).toBe('AWS_IO_TLS_CERTIFICATE_EXPIRED')
    expect(await dialectOutcomes('expired', { ca: trust.expiredSelfSignedPem })).toEqual({
      'MQTT.js': 'CERT_HAS_EXPIRED',
      'mqtt-napi': 'AWS_IO_TLS_CERTIFICATE_EXPIRED',
    })
  })

  test('it is trusted only for itself: not by the test CA, and it trusts no other certificate', async () => {
    // webpki calls a CA presented as the server's certificate a negotiation failure, not an unknown root.
    expect(await crtOutcome('selfSigned', trusting(certs.caPem))).toMatch(/^AWS_IO_TLS_/)
    expect(await crtOutcome('selfSigned', trusting(trust.localhostOnlyPem))).toMatch(/^AWS_IO_TLS_/)
  })
})

describe('an X.509 v1 client certificate signed by the trusted CA', () => {
  const withCa = (options: io.TlsContextOptions) => {
    options.override_default_trust_store_from_path(undefined, certs.caPath)
    return options
  }

  test('is version 1 (openssl x509 -text)', () => {
    expect(trust.v1ClientText).toMatch(/Version: 1 \(0x0\)/)
  })

  test.each([
    ['PEM files', () => io.TlsContextOptions.create_client_with_mtls_from_path(trust.v1ClientCert, trust.v1ClientKey)],
    [
      'PEM text',
      () =>
        io.TlsContextOptions.create_client_with_mtls(
          fs.readFileSync(trust.v1ClientCert, 'utf8'),
          fs.readFileSync(trust.v1ClientKey, 'utf8'),
        ),
    ],
    ['PKCS#12', () => io.TlsContextOptions.create_client_with_mtls_pkcs12_from_path(trust.v1ClientP12, certs.p12Password)],
  ])('aws-crt API, %s: the context is built and the broker (require_certificate true) accepts it', async (_, make) => {
    const tls_ctx = new io.ClientTlsContext(withCa(make()))
    await connected(endpoint('mtls'), { tls_ctx })
  })

  test('aws-crt API: a key that is not the v1 certificate’s is still refused, naming the key', () => {
    const options = io.TlsContextOptions.create_client_with_mtls_from_path(trust.v1ClientCert, certs.otherKey)
    expect(() => new io.ClientTlsContext(withCa(options))).toThrow(/private_key.*does not match the certificate/)
  })

  test('without it the same broker refuses the client (so it was sent)', async () => {
    expect(await crtOutcome('mtls', withCa(new io.TlsContextOptions()))).not.toBe('connect')
  })

  test('MQTT.js API: { ca, cert, key } connects, as MQTT.js itself does', async () => {
    const options = {
      ca: certs.caPem,
      cert: fs.readFileSync(trust.v1ClientCert, 'utf8'),
      key: fs.readFileSync(trust.v1ClientKey, 'utf8'),
    }
    expect(await dialectOutcomes('mtls', options)).toEqual({ 'MQTT.js': 'connect', 'mqtt-napi': 'connect' })
  })
})
