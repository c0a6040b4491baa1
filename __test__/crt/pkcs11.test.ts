/**
 * Mutual TLS with a private key that stays in a PKCS#11 token, as aws-crt
 * has it (`io.Pkcs11Lib`, `TlsContextOptions.create_client_with_mtls_pkcs11`),
 * and the rest of aws-crt's TLS names in `io`: `CertificateSource`, the
 * Windows certificate store factory, `TlsCipherPreference`, `setLogLevel`.
 *
 * The tokens are SoftHSM2's, made in a temp dir for this suite; the keys are
 * the test client keys of support/certs (EC P-256 and RSA) and an EC P-384
 * one made here, each with a certificate from the test CA. Connections go to
 * the mTLS listeners of aedes (Node's TLS) and mosquitto (OpenSSL) when
 * installed. Without SoftHSM2 the suite fails: it never skips.
 */
import { CrtError, io, iot, mqtt, mqtt5 } from '../../index'
import crypto from 'crypto'
import fs from 'fs'
import path from 'path'
import tls from 'tls'
import { Certs, makeCerts, removeCerts } from '../support/certs'
import { availableBrokers, BrokerKind, startTransportBroker, TransportBroker } from '../support/brokers/brokers'
import { freePort } from '../support/ports'
import { bytesOf, cleanupConnections, connected, newConnection, uniqueId, uniqueTopic, within } from '../support/helpers'
import { startNode } from '../support/node-process'
import { ecClient, pkcs8Of, SOFTHSM_LIBRARY, SoftHsm, Token, useSoftHsm } from '../support/softhsm'
import { applicationRegion, typeErrors } from '../support/typecheck'

const certs: Certs = makeCerts()
const kinds = availableBrokers()
const brokers = {} as Record<BrokerKind, TransportBroker>

let hsm: SoftHsm
/** Four keys: `ec-p256`, `rsa`, `ec-p384`, `secp256k1` (a curve mqtt-napi does not sign on). */
let main: Token
/** One key, `client` (the EC P-256 client key), and nothing else. */
let single: Token
/** The same one key; only ever logged into with a wrong PIN. */
let pinGuarded: Token
let library: io.Pkcs11Lib
let p384: { cert: string; key: string }

beforeAll(async () => {
  hsm = await useSoftHsm()
  p384 = ecClient(certs, 'P-384', 'client-p384')
  const secp256k1 = ecClient(certs, 'secp256k1', 'client-secp256k1')
  const ecP256Key = pkcs8Of(certs.ecClientKey)

  main = hsm.initToken('mqtt-napi-main', '1234')
  hsm.importKey(main, ecP256Key, 'ec-p256', '01')
  hsm.importKey(main, certs.clientKeyPkcs8, 'rsa', '02')
  hsm.importKey(main, p384.key, 'ec-p384', '03')
  hsm.importKey(main, secp256k1.key, 'secp256k1', '04')
  single = hsm.initToken('mqtt-napi-single', '5678')
  hsm.importKey(single, ecP256Key, 'client', '01')
  pinGuarded = hsm.initToken('mqtt-napi-pin', '2468')
  hsm.importKey(pinGuarded, ecP256Key, 'client', '01')

  library = new io.Pkcs11Lib(SOFTHSM_LIBRARY)
  await Promise.all(kinds.map(async (kind) => (brokers[kind] = await startTransportBroker(kind, certs))))
}, 60000)

afterAll(async () => {
  await Promise.all(Object.values(brokers).map((b) => b.stop()))
  library?.close()
  hsm?.remove()
  removeCerts()
})

afterEach(cleanupConnections)

// --------------------------------------------------------------------------
// helpers

/** PKCS#11 options for `main`'s EC P-256 key and its certificate, with `overrides`. */
function pkcs11Options(overrides: Partial<io.TlsContextOptions.Pkcs11Options> = {}): io.TlsContextOptions.Pkcs11Options {
  return {
    pkcs11_lib: library,
    user_pin: main.pin,
    token_label: main.label,
    private_key_object_label: 'ec-p256',
    cert_file_path: certs.ecClientCert,
    ...overrides,
  }
}

/** TlsContextOptions with a token key (`pkcs11Options(overrides)`), trusting the test CA. */
function tokenOptions(overrides: Partial<io.TlsContextOptions.Pkcs11Options> = {}): io.TlsContextOptions {
  const options = io.TlsContextOptions.create_client_with_mtls_pkcs11(pkcs11Options(overrides))
  options.override_default_trust_store_from_path(undefined, certs.caPath)
  return options
}

function tokenContext(overrides: Partial<io.TlsContextOptions.Pkcs11Options> = {}): io.ClientTlsContext {
  return new io.ClientTlsContext(tokenOptions(overrides))
}

/** What `make` threw; fails the test if it did not throw. */
function thrownBy(make: () => unknown): Error {
  try {
    make()
  } catch (error) {
    // Errors made in the package's modules may come from another realm than jest's.
    expect(Object.prototype.toString.call(error)).toBe('[object Error]')
    return error as Error
  }
  throw new Error('expected it to throw')
}

function contextError(options: io.TlsContextOptions): Error {
  return thrownBy(() => new io.ClientTlsContext(options))
}

function mtlsListener(kind: BrokerKind) {
  const listener = brokers[kind].listeners.mtls
  if (!listener) throw new Error(`${kind} has no mtls listener`)
  return listener
}

/** Connects with `tls_ctx` to `kind`'s mTLS listener, subscribes, publishes and checks the bytes that come back. */
async function roundTrip(kind: BrokerKind, tls_ctx: io.ClientTlsContext): Promise<void> {
  const connection = await connected(mtlsListener(kind), { tls_ctx })
  const topic = uniqueTopic('pkcs11')
  const payload = Buffer.from(`signed by the token ${topic}`)
  let deliver: (payload: ArrayBuffer) => void = () => undefined
  const message = new Promise<ArrayBuffer>((resolve) => (deliver = resolve))
  await within(connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_topic, p) => deliver(p)), 10000, 'subscribe')
  await within(connection.publish(topic, payload, mqtt.QoS.AtLeastOnce), 10000, 'publish')
  expect(bytesOf(await within(message, 10000, 'the message')).equals(payload)).toBe(true)
  await within(connection.disconnect(), 5000, 'disconnect')
}

const CONNACK_ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00])

interface TlsGate {
  host: '127.0.0.1'
  port: number
  /** The SHA-256 fingerprint of each client certificate the server verified. */
  verifiedClients: string[]
  close(): Promise<void>
}

/**
 * A Node TLS server (OpenSSL) with the test server certificate, requiring
 * and verifying a client certificate from the test CA, with `options` on
 * top; it answers the CONNECT with a CONNACK and nothing more.
 */
async function startTlsGate(options: tls.TlsOptions): Promise<TlsGate> {
  const verifiedClients: string[] = []
  const sockets = new Set<tls.TLSSocket>()
  const server = tls.createServer(
    {
      cert: fs.readFileSync(certs.serverCert),
      key: fs.readFileSync(certs.serverKey),
      ca: fs.readFileSync(certs.caPath),
      requestCert: true,
      rejectUnauthorized: true,
      ...options,
    },
    (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => socket.destroy())
      if (socket.authorized) verifiedClients.push(socket.getPeerCertificate().fingerprint256)
      socket.once('data', () => socket.write(CONNACK_ACCEPTED))
    },
  )
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    host: '127.0.0.1',
    port,
    verifiedClients,
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

function fingerprintOf(certificateFile: string): string {
  return new crypto.X509Certificate(fs.readFileSync(certificateFile)).fingerprint256
}

// --------------------------------------------------------------------------
// io.Pkcs11Lib

describe('io.Pkcs11Lib', () => {
  test('InitializeFinalizeBehavior has aws-crt numbers, both ways', () => {
    const behavior = io.Pkcs11Lib.InitializeFinalizeBehavior
    expect([behavior.DEFAULT, behavior.OMIT, behavior.STRICT]).toEqual([0, 1, 2])
    expect(behavior[2]).toBe('STRICT')
  })

  test('a path that is no file throws at the constructor, naming path and why', () => {
    const missing = path.join(certs.dir, 'no-such-pkcs11.so')
    const error = thrownBy(() => new io.Pkcs11Lib(missing))
    expect(error.message).toContain(`io.Pkcs11Lib: path ${JSON.stringify(missing)}`)
    expect(error.message).toContain('No such file or directory')
  })

  test('a file that is not a shared library, or a library that is not a PKCS#11 module, throws naming path', () => {
    const text = thrownBy(() => new io.Pkcs11Lib(certs.caPath))
    expect(text.message).toMatch(/^io\.Pkcs11Lib: path ".*ca\.pem": cannot be loaded: /)
    const addon = fs.readdirSync(path.resolve(__dirname, '..', '..')).find((f) => f.endsWith('.node'))!
    const notPkcs11 = thrownBy(() => new io.Pkcs11Lib(path.resolve(__dirname, '..', '..', addon)))
    expect(notPkcs11.message).toMatch(/path ".*\.node": is not a PKCS#11 module: it has no C_GetFunctionList/)
  })

  test('a path or behavior of the wrong kind is a TypeError or RangeError naming it', () => {
    expect(() => new io.Pkcs11Lib(undefined as unknown as string)).toThrow(TypeError)
    expect(() => new io.Pkcs11Lib(undefined as unknown as string)).toThrow(/^path must be a string/)
    expect(() => new io.Pkcs11Lib('')).toThrow(RangeError)
    expect(() => new io.Pkcs11Lib(SOFTHSM_LIBRARY, 3 as io.Pkcs11Lib.InitializeFinalizeBehavior)).toThrow(
      /^behavior must be a Pkcs11Lib\.InitializeFinalizeBehavior: DEFAULT \(0\), OMIT \(1\) or STRICT \(2\) \(got 3\)/,
    )
    expect(() => new io.Pkcs11Lib(SOFTHSM_LIBRARY, 'STRICT' as unknown as number)).toThrow(TypeError)
  })

  test('STRICT refuses a module already initialized in this process, naming behavior', () => {
    const error = thrownBy(() => new io.Pkcs11Lib(SOFTHSM_LIBRARY, io.Pkcs11Lib.InitializeFinalizeBehavior.STRICT))
    expect(error.message).toMatch(/^io\.Pkcs11Lib: behavior STRICT: C_Initialize answered CKR_CRYPTOKI_ALREADY_INITIALIZED/)
  })

  test('DEFAULT and OMIT share a module initialized already', () => {
    for (const behavior of [io.Pkcs11Lib.InitializeFinalizeBehavior.DEFAULT, io.Pkcs11Lib.InitializeFinalizeBehavior.OMIT]) {
      const another = new io.Pkcs11Lib(SOFTHSM_LIBRARY, behavior)
      expect(tokenContext({ pkcs11_lib: another })).toBeInstanceOf(io.ClientTlsContext)
      another.close()
    }
  })

  test('in a fresh process: OMIT leaves the module uninitialized; STRICT finalizes once closed and no context holds it', async () => {
    const script = `
      const { io } = require('./index.js')
      const [path, cert, label, pin] = process.argv.slice(1)
      const { STRICT, OMIT } = io.Pkcs11Lib.InitializeFinalizeBehavior
      const contextWith = (lib) => new io.ClientTlsContext(io.TlsContextOptions.create_client_with_mtls_pkcs11({
        pkcs11_lib: lib, user_pin: pin, token_label: label, private_key_object_label: 'ec-p256', cert_file_path: cert,
      }))
      const messageOf = (make) => { try { make(); return 'no error' } catch (error) { return error.message } }
      const uninitialized = messageOf(() => contextWith(new io.Pkcs11Lib(path, OMIT)))
      new io.Pkcs11Lib(path, STRICT).close()
      const second = new io.Pkcs11Lib(path, STRICT)
      const held = contextWith(second)
      second.close()
      const whileHeld = messageOf(() => new io.Pkcs11Lib(path, STRICT))
      console.log(JSON.stringify({ uninitialized, whileHeld, held: held instanceof io.ClientTlsContext }))
    `
    const run = await startNode(['-e', script, SOFTHSM_LIBRARY, certs.ecClientCert, main.label, main.pin], 20000, {
      env: { SOFTHSM2_CONF: hsm.config },
    }).result
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const outcome = JSON.parse(run.stdout)
    expect(outcome.uninitialized).toMatch(
      /^io\.ClientTlsContext: options\.pkcs11_options\.pkcs11_lib: cannot list its tokens: the library is not initialized/,
    )
    // The first STRICT library was finalized on close(), or the second could not have initialized it.
    expect(outcome.held).toBe(true)
    // The second was closed too, but its context still holds the module, initialized.
    expect(outcome.whileHeld).toMatch(/^io\.Pkcs11Lib: behavior STRICT: C_Initialize answered CKR_CRYPTOKI_ALREADY_INITIALIZED/)
  })

  test('a context keeps the module after close(); new options naming the closed library throw', async () => {
    const own = new io.Pkcs11Lib(SOFTHSM_LIBRARY)
    const context = tokenContext({ pkcs11_lib: own })
    own.close()
    await roundTrip(kinds[0], context)
    const error = contextError(tokenOptions({ pkcs11_lib: own }))
    expect(error.message).toBe('io.ClientTlsContext: options.pkcs11_options.pkcs11_lib: has been closed')
  })
})

// --------------------------------------------------------------------------
// connections signed by the token

describe.each(kinds)('mutual TLS to %s with a key in the token', (kind) => {
  test('an EC P-256 key, chosen by token label and key label: a publish/subscribe round trip', async () => {
    await roundTrip(kind, tokenContext())
  })

  test('an EC P-384 key', async () => {
    await roundTrip(kind, tokenContext({ private_key_object_label: 'ec-p384', cert_file_path: p384.cert }))
  })

  test('an RSA key (RSA-PSS signatures)', async () => {
    await roundTrip(kind, tokenContext({ private_key_object_label: 'rsa', cert_file_path: certs.clientCert }))
  })

  test("a token's only key, chosen by slot_id alone, with the certificate as PEM text", async () => {
    const context = tokenContext({
      slot_id: single.slotId,
      user_pin: single.pin,
      token_label: undefined,
      private_key_object_label: undefined,
      cert_file_path: undefined,
      cert_file_contents: fs.readFileSync(certs.ecClientCert, 'utf8'),
    })
    await roundTrip(kind, context)
  })

  test('a key chosen by slot_id and key label, and one context for several connections', async () => {
    const context = tokenContext({ slot_id: main.slotId, token_label: undefined })
    await Promise.all([roundTrip(kind, context), roundTrip(kind, context)])
  })
})

describe("the iot builders' PKCS#11 factories, to mosquitto's mTLS listener", () => {
  const mosquitto = () => {
    if (!brokers.mosquitto) throw new Error('mosquitto is not installed: the iot builders are tested against it')
    return mtlsListener('mosquitto')
  }

  test('new_mtls_pkcs11_builder: a round trip with the key in the token', async () => {
    const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs11_builder(pkcs11Options())
      .with_certificate_authority_from_path(undefined, certs.caPath)
      .with_endpoint('localhost')
      .with_port(mosquitto().port)
      .with_client_id(uniqueId('pkcs11-iot'))
      .build()
    expect(config.tls_ctx?.certificate_source).toBe(io.CertificateSource.PKCS11)
    const connection = await connected({ host: 'localhost', port: config.port }, config)
    const topic = uniqueTopic('pkcs11-iot')
    let deliver: (payload: ArrayBuffer) => void = () => undefined
    const message = new Promise<ArrayBuffer>((resolve) => (deliver = resolve))
    await within(connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_topic, p) => deliver(p)), 10000, 'subscribe')
    await within(connection.publish(topic, 'from the token', mqtt.QoS.AtLeastOnce), 10000, 'publish')
    expect(bytesOf(await within(message, 10000, 'the message')).toString()).toBe('from the token')
    await within(connection.disconnect(), 5000, 'disconnect')
  })

  test('newDirectMqttBuilderWithMtlsFromPkcs11: an Mqtt5Client connects and stops', async () => {
    const config = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPkcs11('localhost', pkcs11Options())
      .withCertificateAuthorityFromPath(undefined, certs.caPath)
      .withPort(mosquitto().port)
      .withConnectProperties({ keepAliveIntervalSeconds: 1200, clientId: uniqueId('pkcs11-m5') })
      .build()
    const client = new mqtt5.Mqtt5Client(config)
    const success = new Promise<mqtt5.ConnectionSuccessEvent>((resolve) => client.once('connectionSuccess', resolve))
    const stopped = new Promise((resolve) => client.once('stopped', resolve))
    client.start()
    const event = await within(success, 10000, 'connectionSuccess')
    expect(event.connack.reasonCode).toBe(mqtt5.ConnectReasonCode.Success)
    client.stop()
    await within(stopped, 5000, 'stopped')
    client.close()
  })
})

describe('TLS 1.2 servers that ask for PKCS#1 v1.5 or ECDSA with SHA-256 only (OpenSSL, client certificate verified)', () => {
  let gate: TlsGate
  beforeAll(async () => {
    gate = await startTlsGate({ maxVersion: 'TLSv1.2', sigalgs: 'RSA+SHA256:ECDSA+SHA256' })
  })
  afterAll(() => gate.close())

  test('the RSA key signs with CKM_SHA256_RSA_PKCS', async () => {
    const context = tokenContext({ private_key_object_label: 'rsa', cert_file_path: certs.clientCert })
    await connected(gate, { tls_ctx: context })
    expect(gate.verifiedClients).toContain(fingerprintOf(certs.clientCert))
  })

  test('the EC P-256 key signs with CKM_ECDSA', async () => {
    await connected(gate, { tls_ctx: tokenContext() })
    expect(gate.verifiedClients).toContain(fingerprintOf(certs.ecClientCert))
  })
})

// --------------------------------------------------------------------------
// every problem throws at new io.ClientTlsContext, naming the field

describe('PKCS#11 problems throw at new io.ClientTlsContext(), naming the aws-crt field', () => {
  const problem = (overrides: Partial<io.TlsContextOptions.Pkcs11Options>) => contextError(tokenOptions(overrides)).message

  test('no token with that label: names token_label and lists the tokens', () => {
    expect(problem({ token_label: 'no-such-token' })).toMatch(
      /^io\.ClientTlsContext: options\.pkcs11_options\.token_label: no token is labelled "no-such-token"; the library's tokens: .*"mqtt-napi-main" in slot \d+/,
    )
  })

  test('no token in that slot: names slot_id', () => {
    expect(problem({ token_label: undefined, slot_id: 4242 })).toMatch(
      /^io\.ClientTlsContext: options\.pkcs11_options\.slot_id: no initialized token is in slot 4242; /,
    )
  })

  test('a slot whose token has another label: names token_label', () => {
    expect(problem({ slot_id: single.slotId })).toContain(
      `options.pkcs11_options.token_label: no token labelled "mqtt-napi-main" is in slot ${single.slotId}`,
    )
  })

  test('several tokens and neither slot_id nor token_label: names token_label', () => {
    expect(problem({ token_label: undefined })).toMatch(
      /options\.pkcs11_options\.token_label: \(or the slot id\) is needed to choose among 3 tokens: /,
    )
  })

  test('a wrong PIN: names user_pin', () => {
    expect(problem({ token_label: pinGuarded.label, user_pin: '0000', private_key_object_label: 'client' })).toBe(
      "io.ClientTlsContext: options.pkcs11_options.user_pin: is not the token's user PIN (C_Login answered CKR_PIN_INCORRECT)",
    )
  })

  test('a null PIN where the token has no protected authentication path: names user_pin', () => {
    expect(problem({ token_label: pinGuarded.label, user_pin: null, private_key_object_label: 'client' })).toMatch(
      /options\.pkcs11_options\.user_pin: is absent, so the token's protected authentication path was asked, and the login failed: C_Login failed with /,
    )
  })

  test('no private key with that label: names private_key_object_label', () => {
    expect(problem({ private_key_object_label: 'no-such-key' })).toBe(
      'io.ClientTlsContext: options.pkcs11_options.private_key_object_label: no private key labelled "no-such-key" is on the token "mqtt-napi-main"',
    )
  })

  test('several private keys and no label: names private_key_object_label and lists the labels', () => {
    const message = problem({ private_key_object_label: undefined })
    expect(message).toMatch(/options\.pkcs11_options\.private_key_object_label: is needed: the token "mqtt-napi-main" holds 4 private keys \(/)
    for (const label of ['ec-p256', 'rsa', 'ec-p384', 'secp256k1']) expect(message).toContain(`"${label}"`)
  })

  test('a key of a kind mqtt-napi cannot sign with (EC on secp256k1): names private_key_object_label', () => {
    expect(problem({ private_key_object_label: 'secp256k1' })).toBe(
      'io.ClientTlsContext: options.pkcs11_options.private_key_object_label: names an EC key on another curve; ' +
        'mqtt-napi signs with EC keys on P-256 or P-384 and RSA keys',
    )
  })

  test("a key that is not the certificate's: names private_key_object_label", () => {
    expect(problem({ private_key_object_label: 'rsa' })).toBe(
      "io.ClientTlsContext: options.pkcs11_options.private_key_object_label: names an RSA key, which does not match the certificate's public key",
    )
  })

  test('no certificate: names cert_file_path; an unreadable one names the field it came from', () => {
    expect(problem({ cert_file_path: undefined })).toBe(
      'io.ClientTlsContext: options.pkcs11_options.cert_file_path: is missing: the PKCS#11 private key needs its certificate',
    )
    expect(problem({ cert_file_path: path.join(certs.dir, 'no-such.pem') })).toMatch(
      /^io\.ClientTlsContext: options\.pkcs11_options\.cert_file_path: cannot read ".*no-such\.pem"/,
    )
    expect(problem({ cert_file_contents: 'not PEM' })).toMatch(
      /^io\.ClientTlsContext: options\.pkcs11_options\.cert_file_contents: holds no PEM certificate/,
    )
  })

  test('pkcs11_lib that is not an io.Pkcs11Lib, or a negative slot_id: TypeError or RangeError naming it', () => {
    const notLibrary = () => new io.ClientTlsContext(tokenOptions({ pkcs11_lib: {} as io.Pkcs11Lib }))
    expect(notLibrary).toThrow(TypeError)
    expect(notLibrary).toThrow('options.pkcs11_options.pkcs11_lib must be an io.Pkcs11Lib (got an object)')
    const negative = () => new io.ClientTlsContext(tokenOptions({ slot_id: -1 }))
    expect(negative).toThrow(RangeError)
    expect(negative).toThrow(/^options\.pkcs11_options\.slot_id must be an integer from 0 to /)
  })

  test('a certificate or key given outside pkcs11_options as well: names that field', () => {
    const withCertificate = tokenOptions()
    withCertificate.certificate_filepath = certs.ecClientCert
    expect(contextError(withCertificate).message).toBe(
      'io.ClientTlsContext: options.certificate_filepath: cannot be given with pkcs11_options: the certificate goes in ' +
        'pkcs11_options.cert_file_path or pkcs11_options.cert_file_contents',
    )
    const withKey = tokenOptions()
    withKey.private_key_filepath = certs.ecClientKey
    expect(contextError(withKey).message).toBe(
      'io.ClientTlsContext: options.private_key_filepath: cannot be given with a PKCS#11 key: the client has one private key',
    )
  })
})

// --------------------------------------------------------------------------
// certificate_source, the Windows certificate store

describe('io.CertificateSource, set by each factory as aws-crt sets it', () => {
  test('the enum has aws-crt numbers', () => {
    expect(io.CertificateSource).toMatchObject({ CERTIFICATE_FILES: 0, PKCS11: 1, WINDOWS_CERT_STORE: 2, PKCS12_FILE: 4 })
  })

  test('each factory records how the options were made, and the context keeps it', () => {
    const pem = fs.readFileSync(certs.clientCert, 'utf8')
    const key = fs.readFileSync(certs.clientKeyPkcs8, 'utf8')
    const made: Array<[io.TlsContextOptions, io.CertificateSource | undefined]> = [
      [new io.TlsContextOptions(), undefined],
      [io.TlsContextOptions.create_client_with_mtls_from_path(certs.clientCert, certs.clientKeyPkcs8), io.CertificateSource.CERTIFICATE_FILES],
      [io.TlsContextOptions.create_client_with_mtls(pem, key), io.CertificateSource.CERTIFICATE_FILES],
      [io.TlsContextOptions.create_client_with_mtls_pkcs12_from_path(certs.clientP12, certs.p12Password), io.CertificateSource.PKCS12_FILE],
      [tokenOptions(), io.CertificateSource.PKCS11],
    ]
    for (const [options, source] of made) {
      expect(options.certificate_source).toBe(source)
      expect(new io.ClientTlsContext(options).certificate_source).toBe(source)
    }
  })
})

describe('the Windows certificate store', () => {
  test('create_client_with_mtls_windows_cert_store_path throws off Windows, naming certificate_path', () => {
    expect(process.platform).not.toBe('win32')
    const error = thrownBy(() =>
      io.TlsContextOptions.create_client_with_mtls_windows_cert_store_path('CurrentUser\\MY\\A11F8A9B5DF5B98BA3508FBCA575D09570E0D2C6'),
    )
    expect(error.message).toBe(
      'io.TlsContextOptions.create_client_with_mtls_windows_cert_store_path: certificate_path: ' +
        `the Windows certificate store exists only on Windows (this is ${process.platform})`,
    )
  })

  test('windows_cert_store_path set by hand makes the context throw, naming it (never ignored)', () => {
    const options = new io.TlsContextOptions()
    options.windows_cert_store_path = 'CurrentUser\\MY\\A11F8A9B5DF5B98BA3508FBCA575D09570E0D2C6'
    expect(contextError(options).message).toMatch(
      /^io\.ClientTlsContext: options\.windows_cert_store_path: the Windows certificate store exists only on Windows/,
    )
  })
})

// --------------------------------------------------------------------------
// cipher preferences, setLogLevel

describe('io.TlsCipherPreference', () => {
  const { Default, PQ_TLSv1_0_2021_05, PQ_Default, TLSv1_2_2025_07 } = io.TlsCipherPreference

  test("has aws-crt's numbers, both ways", () => {
    expect([Default, PQ_TLSv1_0_2021_05, PQ_Default, TLSv1_2_2025_07]).toEqual([0, 6, 8, 9])
    expect(io.TlsCipherPreference[9]).toBe('TLSv1_2_2025_07')
  })

  test('tls_cipher_preference_is_supported: Default and TLSv1_2_2025_07, not the post-quantum ones', () => {
    expect([Default, PQ_TLSv1_0_2021_05, PQ_Default, TLSv1_2_2025_07].map(io.tls_cipher_preference_is_supported)).toEqual([
      true,
      false,
      false,
      true,
    ])
    expect(() => io.tls_cipher_preference_is_supported(5 as io.TlsCipherPreference)).toThrow(RangeError)
    expect(() => io.tls_cipher_preference_is_supported('Default' as unknown as number)).toThrow(TypeError)
  })

  test('a context with a post-quantum preference throws, naming tls_cipher_preference; one not in the enum is a RangeError', () => {
    const options = new io.TlsContextOptions()
    options.tls_cipher_preference = PQ_Default
    expect(contextError(options).message).toMatch(
      /^io\.ClientTlsContext: options\.tls_cipher_preference: PQ_Default \(8\) needs post-quantum key exchange/,
    )
    options.tls_cipher_preference = 7 as io.TlsCipherPreference
    expect(() => new io.ClientTlsContext(options)).toThrow(RangeError)
    expect(() => new io.ClientTlsContext(options)).toThrow(/^options\.tls_cipher_preference must be an io\.TlsCipherPreference/)
  })

  test.each(kinds)('TLSv1_2_2025_07 connects to %s (AES-GCM on P-256 or P-384), and the context keeps the preference', async (kind) => {
    const options = tokenOptions()
    options.tls_cipher_preference = TLSv1_2_2025_07
    const context = new io.ClientTlsContext(options)
    expect(context.tls_cipher_preference).toBe(TLSv1_2_2025_07)
    await roundTrip(kind, context)
  })

  test('TLSv1_2_2025_07 offers no ChaCha20: a server with nothing else refuses it, and accepts Default', async () => {
    const gate = await startTlsGate({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' })
    try {
      await connected(gate, { tls_ctx: tokenContext() })
      const options = tokenOptions()
      options.tls_cipher_preference = TLSv1_2_2025_07
      const connection = newConnection(gate, { tls_ctx: new io.ClientTlsContext(options) })
      const error = await connection.connect().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(CrtError)
      expect((error as CrtError).error_name).toMatch(/^AWS_IO_TLS_/)
    } finally {
      await gate.close()
    }
  })
})

test('io.setLogLevel is enable_logging, as in aws-crt', () => {
  expect(io.setLogLevel).toBe(io.enable_logging)
  expect(() => io.setLogLevel(io.LogLevel.NONE)).not.toThrow()
})

// --------------------------------------------------------------------------
// the declarations

// #region application
import { io as appIo } from '../../index'

function tokenTls(pin: string | null, certificate: string): appIo.ClientTlsContext {
  const library = new appIo.Pkcs11Lib('/usr/lib/softhsm/libsofthsm2.so', appIo.Pkcs11Lib.InitializeFinalizeBehavior.DEFAULT)
  const pkcs11: appIo.TlsContextOptions.Pkcs11Options = {
    pkcs11_lib: library,
    user_pin: pin,
    slot_id: 1,
    token_label: 'my-token',
    private_key_object_label: 'my-key',
    cert_file_contents: certificate,
  }
  const options = appIo.TlsContextOptions.create_client_with_mtls_pkcs11(pkcs11)
  if (appIo.tls_cipher_preference_is_supported(appIo.TlsCipherPreference.TLSv1_2_2025_07)) {
    options.tls_cipher_preference = appIo.TlsCipherPreference.TLSv1_2_2025_07
  }
  appIo.setLogLevel(appIo.LogLevel.INFO)
  library.close()
  return new appIo.ClientTlsContext(options)
}

function windowsStore(): appIo.TlsContextOptions {
  return appIo.TlsContextOptions.create_client_with_mtls_windows_cert_store_path('CurrentUser\\MY\\A11F')
}
// #endregion application

test('code written against aws-crt for PKCS#11, cipher preferences and the Windows store compiles against mqtt-napi and aws-crt', () => {
  const source = (library: string) => applicationRegion(__filename, library, 1)
  expect(typeErrors(source('../../index'))).toEqual([])
  expect(typeErrors(source('aws-crt'))).toEqual([])
  expect([tokenTls, windowsStore].length).toBe(2)
})
