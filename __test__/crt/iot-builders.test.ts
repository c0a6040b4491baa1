/**
 * The `iot` builders' configs side by side with aws-crt's (same calls, same
 * fields), and where we do better on purpose: input checked at the call with
 * the argument named, a fresh config from every build(), nothing printed.
 */
import fs from 'fs'
import { auth, iot, mqtt5 } from '../../index'
import { makeCerts, removeCerts } from '../support/certs'
import { runNode } from '../support/node-process'

process.env.AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING = '1'
const crt = require('aws-crt') as typeof import('aws-crt')

const certs = makeCerts()
afterAll(removeCerts)

const FIELDS_3 = ['port', 'use_websocket', 'clean_session', 'keep_alive', 'username', 'password', 'reconnect_min_sec', 'reconnect_max_sec', 'host_name', 'client_id'] as const

type Builder3 = { build(): ReturnType<iot.AwsIotMqttConnectionConfigBuilder['build']> }
const pick = (config: object, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, (config as Record<string, unknown>)[k]]))

/** Builds the same chain with both libraries and compares the fields users read. */
function sameAsAwsCrt(make: (lib: typeof iot) => Builder3) {
  const ours = make(iot).build()
  const theirs = make(crt.iot as unknown as typeof iot).build()
  expect(pick(ours, FIELDS_3)).toEqual(pick(theirs, FIELDS_3))
  return ours
}

describe('MQTT 3.1.1 builder configs equal aws-crt\'s', () => {
  test('mTLS from paths: port 8883, persistent session, keep alive unset (1200 s), reconnect 1/128 s, ALPN x-amzn-mqtt-ca', () => {
    const config = sameAsAwsCrt((lib) => lib.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(certs.clientCert, certs.clientKeyPkcs8).with_endpoint('h'))
    expect(config).toMatchObject({ port: 8883, clean_session: false, reconnect_min_sec: 1, reconnect_max_sec: 128 })
  })

  test('default builder, and the websocket builders on port 443', () => {
    sameAsAwsCrt((lib) => lib.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_endpoint('h'))
    sameAsAwsCrt((lib) => lib.AwsIotMqttConnectionConfigBuilder.new_builder_for_websocket().with_endpoint('h'))
    const provider = (lib: typeof iot) => (lib === iot ? auth.AwsCredentialsProvider.newStatic('a', 'b') : crt.auth.AwsCredentialsProvider.newStatic('a', 'b'))
    const config = sameAsAwsCrt((lib) =>
      lib.AwsIotMqttConnectionConfigBuilder.new_with_websockets({ region: 'us-east-1', credentials_provider: provider(lib) as auth.AwsCredentialsProvider }).with_endpoint('h'),
    )
    expect(typeof config.websocket_handshake_transform).toBe('function')
  })

  test.each([
    [['dev', 'MyAuth', 'sig+/=', 'pw', 'tokenKey', 'tokenValue']],
    [['', 'MyAuth', '', 'pw']],
    [['u?x=1', 'A', 'ab%2Bc', 'pw', 'k', 'v']],
  ])('custom authorizer %j: same username, password and port 443', (args) => {
    const config = sameAsAwsCrt((lib) =>
      (lib.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_endpoint('h').with_port(9000) as iot.AwsIotMqttConnectionConfigBuilder).with_custom_authorizer(
        ...(args as [string, string, string, string, string?, string?]),
      ),
    )
    expect(config.port).toBe(443)
  })

  test('a username set before a custom authorizer without one is kept', () => {
    const config = sameAsAwsCrt((lib) => lib.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_endpoint('h').with_username('bob').with_custom_authorizer('', 'A', '', undefined as unknown as string))
    expect(config.username).toBe('bob?x-amz-customauthorizer-name=A')
  })
})

describe('MQTT 5 builder configs equal aws-crt\'s', () => {
  const FIELDS_5 = ['hostName', 'port', 'extendedValidationAndFlowControlOptions'] as const

  test('mTLS from paths: port 8883, keep alive 1200 s, AwsIotCoreDefaults', () => {
    const make = (lib: typeof iot) => lib.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath('h', certs.clientCert, certs.clientKeyPkcs8).build()
    const ours = make(iot)
    const theirs = make(crt.iot as unknown as typeof iot)
    expect(pick(ours, FIELDS_5)).toEqual(pick(theirs, FIELDS_5))
    expect(ours.connectProperties?.keepAliveIntervalSeconds).toBe(theirs.connectProperties?.keepAliveIntervalSeconds)
    expect(ours).toMatchObject({ port: 8883, extendedValidationAndFlowControlOptions: mqtt5.ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults })
    expect(iot.AwsIotMqtt5ClientConfigBuilder.DEFAULT_DIRECT_MQTT_PORT).toBe(8883)
    expect(iot.AwsIotMqtt5ClientConfigBuilder.DEFAULT_WEBSOCKET_MQTT_PORT).toBe(443)
  })

  test('custom authorizer: same username (token before signature) and password, port 443', () => {
    const customAuth = { authorizerName: 'A', username: 'u?x=1', password: Buffer.from('pw'), tokenKeyName: 'k', tokenValue: 'v', tokenSignature: 's+/' }
    const make = (lib: typeof iot) => lib.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithCustomAuth('h', { ...customAuth }).build()
    const ours = make(iot)
    const theirs = make(crt.iot as unknown as typeof iot)
    expect(ours.connectProperties?.username).toBe(theirs.connectProperties?.username)
    expect(ours.connectProperties?.username).toBe('u?x=1&x-amz-customauthorizer-name=A&k=v&x-amz-customauthorizer-signature=s%2B%2F')
    expect(Buffer.from(ours.connectProperties?.password as Buffer).toString()).toBe('pw')
    expect(ours.port).toBe(theirs.port)
  })
})

describe('where we do better than aws-crt', () => {
  const B = iot.AwsIotMqttConnectionConfigBuilder
  const B5 = iot.AwsIotMqtt5ClientConfigBuilder

  test('a missing file throws at the call, naming the argument', () => {
    expect(() => B.new_mtls_builder_from_path('/nonexistent/cert.pem', certs.clientKeyPkcs8)).toThrow(/^cert_path: cannot read "\/nonexistent\/cert.pem" \(ENOENT\)/)
    expect(() => B.new_mtls_builder_from_path(certs.clientCert, '/nonexistent/key.pem')).toThrow(/^key_path: /)
    expect(() => B5.newDirectMqttBuilderWithMtlsFromPath('h', certs.clientCert, '/nope')).toThrow(/^keyPath: /)
    expect(() => B.new_mtls_pkcs12_builder({ pkcs12_file: '/nope.p12', pkcs12_password: 'x' })).toThrow(/^pkcs12_options\.pkcs12_file: /)
    expect(() => B.new_default_builder().with_certificate_authority_from_path(undefined, '/nope-ca.pem')).toThrow(/^ca_filepath: /)
  })

  test('text that is not PEM throws at the call, naming the argument', () => {
    const key = fs.readFileSync(certs.clientKeyPkcs8, 'utf8')
    expect(() => B.new_mtls_builder('not a certificate', key)).toThrow(new TypeError('cert must be PEM text (a -----BEGIN ...----- block)'))
    expect(() => B5.newDirectMqttBuilderWithMtlsFromMemory('h', fs.readFileSync(certs.clientCert, 'utf8'), 'junk')).toThrow(/^privateKey must be PEM text/)
    expect(() => B.new_default_builder().with_certificate_authority('junk')).toThrow(/^ca must be PEM text/)
  })

  test('a port that is not a port number throws at the call', () => {
    expect(() => B.new_default_builder().with_port('8883' as unknown as number)).toThrow(new TypeError('port must be an integer port from 1 to 65535 (got a string)'))
    expect(() => B.new_default_builder().with_port(70000)).toThrow(/port must be an integer port from 1 to 65535 \(got 70000\)/)
    expect(() => B5.newDirectMqttBuilderWithCustomAuth('h', {}).withPort(0)).toThrow(/port must be an integer port/)
  })

  test('no endpoint: build() says so (aws-crt builds and fails later at DNS)', () => {
    expect(() => B.new_default_builder().build()).toThrow('endpoint is required: call with_endpoint(host) before build()')
    expect(() => B.new_default_builder().with_endpoint('')).toThrow(/^endpoint must be a non-empty string/)
    expect(() => B5.newDirectMqttBuilderWithCustomAuth('', {})).toThrow(/^hostName must be a non-empty string/)
  })

  test('build() returns a fresh config each time (aws-crt returns one shared object)', () => {
    const builder = B.new_default_builder().with_endpoint('h')
    const first = builder.build()
    first.client_id = 'changed'
    const second = builder.with_client_id('next').build()
    expect(second).not.toBe(first)
    expect(second.client_id).toBe('next')
    expect(first.client_id).toBe('changed')
    const builder5 = B5.newDirectMqttBuilderWithCustomAuth('h', {})
    expect(builder5.build()).not.toBe(builder5.build())
    expect(builder5.build().connectProperties).not.toBe(builder5.build().connectProperties)
  })

  test('the MQTT 5 websocket builder needs a region it can find, at the call', () => {
    const provider = auth.AwsCredentialsProvider.newStatic('a', 'b')
    expect(() => B5.newWebsocketMqttBuilderWithSigv4Auth('localhost', { credentialsProvider: provider })).toThrow(
      'options.region is required: no region can be read from the endpoint "localhost"',
    )
    expect(() => B5.newWebsocketMqttBuilderWithSigv4Auth('h', { region: 'r', credentialsProvider: {} as auth.AwsCredentialsProvider })).toThrow(
      'options.credentialsProvider must be an auth.AwsCredentialsProvider',
    )
  })

  test('nothing is printed: a custom authorizer on a port other than 443 builds and connects silently', async () => {
    const script = `
      const { iot, mqtt } = require(${JSON.stringify(require.resolve('../../index'))})
      const config = iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
        .with_endpoint('127.0.0.1').with_custom_authorizer('dev', 'A', '', 'pw').with_port(1).build()
      new mqtt.MqttClient().new_connection(config).connect().catch((e) => process.exitCode = e.error_code ? 0 : 1)
    `
    const result = await runNode(['-e', script], 20000)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  })
})
