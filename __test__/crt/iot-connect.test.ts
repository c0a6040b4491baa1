/**
 * The `iot` builders and `auth` providers connecting for real: the mTLS
 * builders to mosquitto's mutual-TLS listener, and every builder through a
 * local stand-in for AWS IoT Core's front door (support/brokers/iot-gate: TLS
 * with ALPN and SNI recorded, WSS whose upgrade must carry a SigV4 presigned
 * query checked independently of our signer, refused with 403 and a reason
 * otherwise), relaying to mosquitto. What reaches the broker (the CONNECT's
 * username and password) is recorded by the gate.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { auth, CrtError, http, iot, mqtt, mqtt5 } from '../../index'
import { makeCerts, removeCerts } from '../support/certs'
import { startMosquittoTransports, TransportBroker } from '../support/brokers/brokers'
import { IotGate, startIotGate } from '../support/brokers/iot-gate'
import { cleanupConnections, connected, newConnection, uniqueId, uniqueTopic, waitFor, within, bytesOf } from '../support/helpers'
import { endAllClients, nextConnection, newClient, mqttNapi } from '../support/mqtt5'

type CrtErrorWithStatus = CrtError & { http_status?: number }

const certs = makeCerts()
const REGION = 'us-east-1'
const KEYS = { accessKeyId: 'AKIDGATE', secretAccessKey: 'gate/secret+key' }
const TOKEN_KEYS = { accessKeyId: 'AKIDTOKEN', secretAccessKey: 'token-secret', sessionToken: 'FQoG/token+with=chars' }
const { version } = require('../../package.json') as { version: string }
const PLATFORM = ({ linux: 'Linux', darwin: 'macOS', win32: 'Windows' } as Record<string, string>)[process.platform] ?? process.platform
const METRICS = `SDK=mqtt-napi&Platform=${PLATFORM}&Metadata=(Version=${version})`

let broker: TransportBroker
/** Relays to mosquitto; its TLS listener wants no client certificate. */
let gate: IotGate
/** Relays to mosquitto; its TLS listener wants a client certificate from the test CA. */
let mtlsGate: IotGate

beforeAll(async () => {
  broker = await startMosquittoTransports(certs)
  const backend = broker.listeners.tcp!
  const common = { backend, cert: certs.serverCert, key: certs.serverKey, region: REGION, credentials: [KEYS, TOKEN_KEYS] }
  gate = await startIotGate(common)
  mtlsGate = await startIotGate({ ...common, clientCa: certs.caPath })
}, 60000)

afterAll(async () => {
  await Promise.all([gate?.stop(), mtlsGate?.stop(), broker?.stop()])
  removeCerts()
})

afterEach(async () => {
  await cleanupConnections()
  await endAllClients()
})

/** The error a promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>, timeoutMs = 15000): Promise<CrtErrorWithStatus> {
  const outcome = await within(
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    timeoutMs,
    'the promise to settle',
  )
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`)
  return outcome.error as CrtErrorWithStatus
}

/** Connects `config` (from a builder), does a QoS 1 round trip and disconnects. */
async function roundTrip(config: mqtt.MqttConnectionConfig): Promise<void> {
  const connection = await connected({ host: config.host_name, port: config.port }, config)
  const topic = uniqueTopic('iot')
  const payload = Buffer.from(`hello ${topic}`)
  let received: (p: ArrayBuffer) => void = () => undefined
  const message = new Promise<ArrayBuffer>((resolve) => (received = resolve))
  await within(connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (_t, p) => received(p)), 10000, 'subscribe')
  await within(connection.publish(topic, payload, mqtt.QoS.AtLeastOnce), 10000, 'publish')
  expect(bytesOf(await within(message, 10000, 'the message')).equals(payload)).toBe(true)
  await within(connection.disconnect(), 5000, 'disconnect')
}

/** The gate's records made during `action`. */
async function seenDuring<T>(target: IotGate, action: () => Promise<T>) {
  const from = { connects: target.connects.length, upgrades: target.upgrades.length, tls: target.tlsConnections.length }
  await action()
  return {
    connects: target.connects.slice(from.connects),
    upgrades: target.upgrades.slice(from.upgrades),
    tls: target.tlsConnections.slice(from.tls),
  }
}

const mtlsListener = () => broker.listeners.mtls!

describe('MQTT 3.1.1 builders over mutual TLS (mosquitto)', () => {
  const finish = (builder: iot.AwsIotMqttConnectionConfigBuilder, port = mtlsListener().port) =>
    builder.with_certificate_authority_from_path(undefined, certs.caPath).with_endpoint('localhost').with_port(port).with_client_id(uniqueId('iot')).build()

  test('new_mtls_builder_from_path connects and does a round trip', async () => {
    await roundTrip(finish(iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(certs.clientCert, certs.clientKeyPkcs8)))
  })

  test('new_mtls_builder (PEM in memory) connects and does a round trip', async () => {
    const cert = fs.readFileSync(certs.clientCert, 'utf8')
    const key = fs.readFileSync(certs.clientKeyPkcs8, 'utf8')
    await roundTrip(finish(iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(cert, key)))
  })

  test('new_mtls_pkcs12_builder works on Linux too (aws-crt: macOS only)', async () => {
    const builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs12_builder({ pkcs12_file: certs.clientP12, pkcs12_password: certs.p12Password })
    await roundTrip(finish(builder))
  })

  test('offers ALPN x-amzn-mqtt-ca with SNI = endpoint, and names this library in the username (metrics)', async () => {
    const config = finish(iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(certs.clientCert, certs.clientKeyPkcs8), mtlsGate.tlsPort)
    const seen = await seenDuring(mtlsGate, () => roundTrip(config))
    expect(seen.tls[0]).toMatchObject({ alpn: 'x-amzn-mqtt-ca', servername: 'localhost' })
    expect(seen.tls[0].clientSubject).toBeTruthy()
    expect(seen.connects[0].username).toBe(`?${METRICS}`)
  })

  test('disable_metrics on the built config sends no username at all', async () => {
    const config = finish(iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(certs.clientCert, certs.clientKeyPkcs8), mtlsGate.tlsPort)
    config.disable_metrics = true
    const seen = await seenDuring(mtlsGate, () => roundTrip(config))
    expect(seen.connects[0].username).toBeUndefined()
  })

  test('metrics merge into a username that has its own query (existing keys win)', async () => {
    const config = finish(
      iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(certs.clientCert, certs.clientKeyPkcs8).with_username('alice?SDK=Mine&Metadata=(Version=9;A=1)'),
      mtlsGate.tlsPort,
    )
    const seen = await seenDuring(mtlsGate, () => roundTrip(config))
    expect(seen.connects[0].username).toBe(`alice?SDK=Mine&Metadata=(Version=9;A=1)&Platform=${PLATFORM}`)
  })
})

describe('MQTT 3.1.1 custom authorizers', () => {
  test('the username carries name, signature (encoded) and token; ALPN mqtt; password as given', async () => {
    const config = iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
      .with_certificate_authority_from_path(undefined, certs.caPath)
      .with_endpoint('localhost')
      .with_client_id(uniqueId('auth'))
      .with_custom_authorizer('dev', 'MyAuth', 'sig+/=', 'pw', 'tokenKey', 'tokenValue')
      .with_port(gate.tlsPort)
      .build()
    const seen = await seenDuring(gate, () => roundTrip(config))
    expect(seen.tls[0]).toMatchObject({ alpn: 'mqtt', servername: 'localhost' })
    expect(seen.connects[0]).toMatchObject({
      username: `dev?x-amz-customauthorizer-name=MyAuth&x-amz-customauthorizer-signature=sig%2B%2F%3D&tokenKey=tokenValue&${METRICS}`,
      password: 'pw',
    })
  })

  test('an incomplete signing token throws at the call, in aws-crt words', () => {
    const builder = iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
    expect(() => builder.with_custom_authorizer('dev', 'A', 'sig', 'pw', 'key')).toThrow(
      'Signing-based custom authentication requires all token-related properties to be set',
    )
  })
})

describe('MQTT 3.1.1 over WebSockets signed with SigV4 (through the gate)', () => {
  const websocketConfig = (provider: auth.AwsCredentialsProvider, region = REGION) =>
    iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({ region, credentials_provider: provider })
      .with_certificate_authority_from_path(undefined, certs.caPath)
      .with_endpoint('localhost')
      .with_port(gate.wssPort)
      .with_client_id(uniqueId('ws'))
      .build()

  test('static credentials: the gate verifies the presigned upgrade and the round trip works', async () => {
    const seen = await seenDuring(gate, () => roundTrip(websocketConfig(auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, KEYS.secretAccessKey))))
    expect(seen.upgrades).toHaveLength(1)
    expect(seen.upgrades[0].refusal).toBeUndefined()
    expect(seen.upgrades[0].query['X-Amz-Credential']).toMatch(new RegExp(`^AKIDGATE/\\d{8}/${REGION}/iotdevicegateway/aws4_request$`))
    expect(seen.upgrades[0].query['X-Amz-Expires']).toBeUndefined()
    expect(seen.upgrades[0].headers.host).toBe('localhost')
    expect(seen.connects[0]).toMatchObject({ via: 'wss', username: `?${METRICS}` })
  })

  test('delegated credentials with a session token: the token rides unsigned in the query', async () => {
    let calls = 0
    const provider = auth.AwsCredentialsProvider.newDelegate(async () => {
      calls += 1
      return { ...TOKEN_KEYS, expiration: new Date(Date.now() + 3600_000) }
    })
    const seen = await seenDuring(gate, async () => {
      await roundTrip(websocketConfig(provider))
      await roundTrip(websocketConfig(provider))
    })
    expect(seen.upgrades.map((u) => u.refusal)).toEqual([undefined, undefined])
    expect(seen.upgrades[0].query['X-Amz-Security-Token']).toBe(TOKEN_KEYS.sessionToken)
    expect(calls).toBe(1)
  })

  test('environment credentials through newDefault()', async () => {
    const saved = { ...process.env }
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-aws-'))
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      AWS_CONFIG_FILE: path.join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    delete process.env.AWS_PROFILE
    delete process.env.AWS_SESSION_TOKEN
    try {
      const seen = await seenDuring(gate, () => roundTrip(websocketConfig(auth.AwsCredentialsProvider.newDefault())))
      expect(seen.upgrades[0].refusal).toBeUndefined()
    } finally {
      process.env = saved
      fs.rmSync(home, { recursive: true, force: true })
    }
  })

  test('a profile file through newDefault() (AWS_PROFILE selects the section)', async () => {
    const saved = { ...process.env }
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-aws-'))
    const credentialsFile = path.join(home, 'credentials')
    fs.writeFileSync(
      credentialsFile,
      `[default]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n\n[gate]\naws_access_key_id = ${TOKEN_KEYS.accessKeyId}\n` +
        `aws_secret_access_key = ${TOKEN_KEYS.secretAccessKey}\naws_session_token = ${TOKEN_KEYS.sessionToken}\n`,
    )
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[name]
    Object.assign(process.env, {
      AWS_PROFILE: 'gate',
      AWS_CONFIG_FILE: path.join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    try {
      const seen = await seenDuring(gate, () => roundTrip(websocketConfig(auth.AwsCredentialsProvider.newDefault())))
      expect(seen.upgrades[0].refusal).toBeUndefined()
      expect(seen.upgrades[0].query['X-Amz-Credential']).toMatch(/^AKIDTOKEN\//)
    } finally {
      process.env = saved
      fs.rmSync(home, { recursive: true, force: true })
    }
  })

  test('with_credentials on a default builder switches it to signed WebSockets', async () => {
    const config = iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
      .with_credentials(REGION, KEYS.accessKeyId, KEYS.secretAccessKey)
      .with_certificate_authority_from_path(undefined, certs.caPath)
      .with_endpoint('localhost')
      .with_port(gate.wssPort)
      .with_client_id(uniqueId('cred'))
      .build()
    expect(config.use_websocket).toBe(true)
    const seen = await seenDuring(gate, () => roundTrip(config))
    expect(seen.upgrades[0].refusal).toBeUndefined()
  })

  test('a wrong secret is refused with 403: the error carries the status and the reason', async () => {
    const config = websocketConfig(auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, 'not-the-secret'))
    const connection = newConnection({ host: config.host_name, port: config.port }, config)
    const failures: mqtt.OnConnectionFailedResult[] = []
    connection.on('connection_failure', (result) => failures.push(result))
    const error = await rejection(connection.connect())
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE')
    expect(error.http_status).toBe(403)
    expect(error.message).toContain('The request signature we calculated does not match')
    await waitFor(() => failures.length > 0, 5000, 'connection_failure')
  })

  test('a region the gate does not serve is refused the same way', async () => {
    const config = websocketConfig(auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, KEYS.secretAccessKey), 'eu-west-1')
    const error = await rejection(newConnection({ host: config.host_name, port: config.port }, config).connect())
    expect(error.http_status).toBe(403)
    expect(error.message).toContain('region eu-west-1')
  })

  test('a credentials source that fails stops the attempt before any byte is sent, with its reason', async () => {
    const provider = auth.AwsCredentialsProvider.newDelegate(async () => {
      throw new Error('vault is sealed')
    })
    const config = websocketConfig(provider)
    const seen = await seenDuring(gate, async () => {
      const error = await rejection(newConnection({ host: config.host_name, port: config.port }, config).connect())
      expect(error.error_name).toBe('AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE')
      expect(error.message).toContain('vault is sealed')
    })
    expect(seen.upgrades).toHaveLength(0)
  })

  test('a missing region is an error at the builder call, not at connect', () => {
    const provider = auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, KEYS.secretAccessKey)
    expect(() => iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({ credentials_provider: provider } as iot.WebsocketConfig)).toThrow(
      /options\.region must be a non-empty string/,
    )
  })
})

describe('MQTT 5 builder (mqtt5.Mqtt5Client)', () => {
  /** Starts a client on `config`, waits for its connection, does a QoS 1 round trip, stops it. */
  async function roundTrip5(config: mqtt5.Mqtt5ClientConfig): Promise<void> {
    const client = newClient(mqttNapi, config)
    const connection = nextConnection(client)
    client.start()
    await connection
    const topic = uniqueTopic('iot5')
    const message = new Promise<Buffer>((resolve) => client.on('messageReceived', (e) => resolve(Buffer.from(e.message.payload as ArrayBuffer))))
    await within(client.subscribe({ subscriptions: [{ topicFilter: topic, qos: mqtt5.QoS.AtLeastOnce }] }), 10000, 'subscribe')
    await within(client.publish({ topicName: topic, qos: mqtt5.QoS.AtLeastOnce, payload: Buffer.from('five') }), 10000, 'publish')
    expect((await within(message, 10000, 'the message')).toString()).toBe('five')
    const stopped = new Promise((resolve) => client.once('stopped', resolve))
    client.stop()
    await stopped
  }

  test('newDirectMqttBuilderWithMtlsFromPath connects to mosquitto over mutual TLS', async () => {
    const config = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath('localhost', certs.clientCert, certs.clientKeyPkcs8)
      .withCertificateAuthorityFromPath(undefined, certs.caPath)
      .withPort(mtlsListener().port)
      .withConnectProperties({ keepAliveIntervalSeconds: 1200, clientId: uniqueId('m5') })
      .build()
    await roundTrip5(config)
  })

  test('newWebsocketMqttBuilderWithSigv4Auth: a signed upgrade the gate accepts, metrics in the username', async () => {
    const config = iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth('localhost', {
      region: REGION,
      credentialsProvider: auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, KEYS.secretAccessKey),
    })
      .withCertificateAuthorityFromPath(undefined, certs.caPath)
      .withPort(gate.wssPort)
      .build()
    const seen = await seenDuring(gate, () => roundTrip5(config))
    expect(seen.upgrades[0].refusal).toBeUndefined()
    expect(seen.connects[0]).toMatchObject({ via: 'wss', protocolVersion: 5, username: `?${METRICS}` })
  })

  test('newDirectMqttBuilderWithCustomAuth: ALPN mqtt; username with the token before the signature; password', async () => {
    const config = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithCustomAuth('localhost', {
      authorizerName: 'MyAuth',
      username: 'dev?x=1',
      password: Buffer.from('pw'),
      tokenKeyName: 'tokenKey',
      tokenValue: 'tokenValue',
      tokenSignature: 'sig+/=',
    })
      .withCertificateAuthorityFromPath(undefined, certs.caPath)
      .withPort(gate.tlsPort)
      .build()
    const seen = await seenDuring(gate, () => roundTrip5(config))
    expect(seen.tls[0]).toMatchObject({ alpn: 'mqtt', servername: 'localhost' })
    expect(seen.connects[0]).toMatchObject({
      username: `dev?x=1&x-amz-customauthorizer-name=MyAuth&tokenKey=tokenValue&x-amz-customauthorizer-signature=sig%2B%2F%3D&${METRICS}`,
      password: 'pw',
    })
  })

  test('a refused upgrade is a connectionFailure carrying status 403 and the reason', async () => {
    const config = iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth('localhost', {
      region: REGION,
      credentialsProvider: auth.AwsCredentialsProvider.newStatic('AKIDUNKNOWN', 'x'),
    })
      .withCertificateAuthorityFromPath(undefined, certs.caPath)
      .withPort(gate.wssPort)
      .build()
    const client = newClient(mqttNapi, config)
    const failure = new Promise<mqtt5.ConnectionFailureEvent>((resolve) => client.once('connectionFailure', resolve))
    client.start()
    const event = await within(failure, 10000, 'connectionFailure')
    const error = event.error as CrtErrorWithStatus
    expect(error.error_name).toBe('AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE')
    expect(error.http_status).toBe(403)
    expect(error.message).toContain('unknown access key')
    client.stop()
  })

  test('the region comes from an IoT endpoint name when not given', async () => {
    const config = iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth('abc-ats.iot.eu-central-1.amazonaws.com', {
      credentialsProvider: auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, KEYS.secretAccessKey),
    }).build()
    const request = new http.HttpRequest('GET', '/mqtt', new http.HttpHeaders([['Host', 'abc-ats.iot.eu-central-1.amazonaws.com']]))
    await new Promise<void>((resolve, reject) => config.websocketHandshakeTransform!(request, (code?: number) => (code ? reject(new Error(`done(${code})`)) : resolve())))
    expect(decodeURIComponent(request.path)).toMatch(/X-Amz-Credential=AKIDGATE\/\d{8}\/eu-central-1\/iotdevicegateway\/aws4_request/)
  })
})
