/**
 * The `iot` and `auth` declarations (types/iot.d.ts, types/auth.d.ts):
 * TypeScript written against aws-crt's `iot` and `auth` modules, in the
 * shape of aws-iot-device-sdk-v2's samples (mTLS, signed WebSockets, custom
 * authorizers, PKCS#11 and PKCS#12, MQTT 3.1.1 and MQTT 5, SigV4 signing of
 * a request), compiles against mqtt-napi unchanged (strict, declarations
 * checked). The application region is compiled twice: importing mqtt-napi,
 * and with its import pointing at 'aws-crt'. Misuse lines fail against ours;
 * mqtt-napi's extensions compile against ours and not against aws-crt's.
 *
 * Nothing here connects or reads a file: no function of the application
 * region is called.
 */
import { applicationRegion, typeErrors } from '../support/typecheck'

// #region application
import { auth, http, io, iot, mqtt, mqtt5 } from '../../index'

/** pub_sub: mutual TLS from files, a persistent session. */
function mtlsConnection(cert: string, key: string, ca: string, clientId: string, endpoint: string): mqtt.MqttClientConnection {
  const config_builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(cert, key)
    .with_certificate_authority_from_path(undefined, ca)
    .with_clean_session(false)
    .with_client_id(clientId)
    .with_endpoint(endpoint)
  const config: mqtt.MqttConnectionConfig = config_builder.build()
  const client = new mqtt.MqttClient()
  return client.new_connection(config)
}

/** The same from memory, every `with_*` the samples use, and metrics turned off on the result. */
function tunedConnection(certPem: string, keyPem: string, caPem: string, endpoint: string): mqtt.MqttClientConnection {
  const builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(certPem, keyPem)
  builder
    .with_certificate_authority(caPem)
    .with_tls_cipher_preference(io.TlsCipherPreference.TLSv1_2_2025_07)
    .with_endpoint(endpoint)
    .with_port(443)
    .with_client_id(`test-${Math.floor(Math.random() * 100000000)}`)
    .with_clean_session(true)
    .with_keep_alive_seconds(30)
    .with_ping_timeout_ms(3000)
    .with_timeout_ms(3000)
    .with_protocol_operation_timeout_ms(10_000)
    .with_will(new mqtt.MqttWill('status', mqtt.QoS.AtLeastOnce, 'gone'))
    .with_socket_options(new io.SocketOptions(io.SocketType.STREAM, io.SocketDomain.IPV4, 3000))
    .with_http_proxy_options(new http.HttpProxyOptions('proxy.local', 8080))
    .with_username('device')
    .with_password('secret')
    .with_reconnect_min_sec(1)
    .with_reconnect_max_sec(64)
  const config = builder.build()
  config.disable_metrics = true
  return new mqtt.MqttClient(new io.ClientBootstrap()).new_connection(config)
}

/** websocket_connect: SigV4-signed WebSockets, credentials from the default chain or static keys. */
function websocketConnection(endpoint: string, region: string, keys?: { id: string; secret: string; token?: string }): mqtt.MqttClientConnection {
  const provider = keys
    ? auth.AwsCredentialsProvider.newStatic(keys.id, keys.secret, keys.token)
    : auth.AwsCredentialsProvider.newDefault()
  const config_builder = iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({
    region,
    credentials_provider: provider,
    proxy_options: new http.HttpProxyOptions('proxy.local', 8080, http.HttpProxyAuthenticationType.Basic, 'u', 'p'),
    tls_ctx_options: new io.TlsContextOptions(),
    service: 'iotdevicegateway',
  })
  config_builder.with_endpoint(endpoint).with_client_id('ws-sample')
  return new mqtt.MqttClient().new_connection(config_builder.build())
}

/** The older spellings: `new_websocket_builder` and `with_credentials`, and a signing config made per attempt. */
function websocketVariants(endpoint: string, region: string): mqtt.MqttConnectionConfig[] {
  const provider = auth.AwsCredentialsProvider.newStatic('AKIDEXAMPLE', 'secret')
  const custom = iot.AwsIotMqttConnectionConfigBuilder.new_websocket_builder({
    region,
    credentials_provider: provider,
    create_signing_config: () => ({
      algorithm: auth.AwsSigningAlgorithm.SigV4,
      signature_type: auth.AwsSignatureType.HttpRequestViaQueryParams,
      provider,
      region,
      service: 'iotdevicegateway',
      signed_body_value: auth.AwsSignedBodyValue.EmptySha256,
      omit_session_token: true,
    }),
  })
  const withKeys = iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets()
    .with_credentials(region, 'AKIDEXAMPLE', 'secret', 'token')
  return [custom.with_endpoint(endpoint).build(), withKeys.with_endpoint(endpoint).build()]
}

/** custom_authorizer_connect: direct MQTT (port 443, ALPN mqtt) and over WebSockets. */
function customAuthorizerConnections(endpoint: string, username: string, authorizer: string, signature: string, password: string): mqtt.MqttClientConnection[] {
  const direct = iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
  direct.with_custom_authorizer(username, authorizer, signature, password, 'tokenKey', 'tokenValue')
  direct.with_endpoint(endpoint).with_client_id('custom-auth')
  const websocket = iot.AwsIotMqttConnectionConfigBuilder.new_builder_for_websocket()
    .with_custom_authorizer(username, authorizer, '', password)
    .with_endpoint(endpoint)
  const client = new mqtt.MqttClient()
  return [client.new_connection(direct.build()), client.new_connection(websocket.build())]
}

/** pkcs11_connect and pkcs12_connect. */
function hardwareKeyConnections(endpoint: string, libraryPath: string, pin: string, p12: string, p12Password: string): mqtt.MqttConnectionConfig[] {
  const pkcs11_lib = new io.Pkcs11Lib(libraryPath, io.Pkcs11Lib.InitializeFinalizeBehavior.DEFAULT)
  const pkcs11_options: io.TlsContextOptions.Pkcs11Options = {
    pkcs11_lib,
    user_pin: pin,
    token_label: 'my-token',
    private_key_object_label: 'my-key',
    cert_file_path: 'certificate.pem',
  }
  const pkcs11 = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs11_builder(pkcs11_options).with_endpoint(endpoint)
  const pkcs12 = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_pkcs12_builder({ pkcs12_file: p12, pkcs12_password: p12Password })
    .with_endpoint(endpoint)
  const windows = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_windows_cert_store_path_builder('CurrentUser\\MY\\A11F8A9B5DF5B98BA3508FBCA575D09570E0D2C6')
    .with_endpoint(endpoint)
  return [pkcs11.build(), pkcs12.build(), windows.build()]
}

/** mqtt5_pub_sub: mutual TLS from files, every `with*` setting. */
function mqtt5Mtls(endpoint: string, cert: string, key: string, ca?: string): mqtt5.Mqtt5Client {
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath(endpoint, cert, key)
  if (ca) builder.withCertificateAuthorityFromPath(undefined, ca)
  builder
    .withConnectProperties({ keepAliveIntervalSeconds: 1200, clientId: 'mqtt5-sample', sessionExpiryIntervalSeconds: 3600 })
    .withSessionBehavior(mqtt5.ClientSessionBehavior.RejoinPostSuccess)
    .withRetryJitterMode(mqtt5.RetryJitterType.Decorrelated)
    .withMinReconnectDelayMs(1000)
    .withMaxReconnectDelayMs(60_000)
    .withMinConnectedTimeToResetReconnectDelayMs(30_000)
    .withConnackTimeoutMs(20_000)
    .withOfflineQueueBehavior(mqtt5.ClientOperationQueueBehavior.FailAllOnDisconnect)
    .withPingTimeoutMs(30_000)
    .withAckTimeoutSeconds(60)
    .withSocketOptions(new io.SocketOptions())
    .withHttpProxyOptions(new http.HttpProxyOptions('proxy.local', 8080))
    .withExtendedValidationAndFlowControlOptions(mqtt5.ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults)
    .withTopicAliasingOptions({ outboundBehavior: mqtt5.OutboundTopicAliasBehaviorType.LRU, outboundCacheMaxSize: 8 })
    .withTlsCipherPreference(io.TlsCipherPreference.Default)
    .withPort(8883)
  const config: mqtt5.Mqtt5ClientConfig = builder.build()
  return new mqtt5.Mqtt5Client(config)
}

/** The other MQTT 5 factories: memory, PKCS#11, PKCS#12, Windows store. */
function mqtt5OtherKeys(endpoint: string, certPem: string, keyPem: string, caPem: string, pkcs11Options: io.TlsContextOptions.Pkcs11Options): mqtt5.Mqtt5ClientConfig[] {
  const memory = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(endpoint, certPem, keyPem)
    .withCertificateAuthority(caPem)
  const pkcs11 = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPkcs11(endpoint, pkcs11Options)
  const pkcs12 = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPkcs12(endpoint, { pkcs12_file: 'device.p12', pkcs12_password: 'pw' })
  const windows = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromWindowsCertStorePath(endpoint, 'CurrentUser\\MY\\A11F')
  return [memory.build(), pkcs11.build(), pkcs12.build(), windows.build()]
}

/** mqtt5 websocket_connect: SigV4 with the default chain, or a provider and region given. */
function mqtt5Websocket(endpoint: string, region?: string): mqtt5.Mqtt5Client[] {
  const defaults = iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth(endpoint)
  const options: iot.WebsocketSigv4Config = { region, credentialsProvider: auth.AwsCredentialsProvider.newDefault() }
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth(endpoint, options)
  return [new mqtt5.Mqtt5Client(defaults.build()), new mqtt5.Mqtt5Client(builder.build())]
}

/** mqtt5 custom_authorizer_connect: direct and over WebSockets. */
function mqtt5CustomAuth(endpoint: string, authorizerName: string, username: string, password: string): mqtt5.Mqtt5Client[] {
  const customAuthConfig: iot.MqttConnectCustomAuthConfig = {
    authorizerName,
    username,
    password: Buffer.from(password),
    tokenKeyName: 'tokenKey',
    tokenValue: 'tokenValue',
    tokenSignature: 'c2lnbmF0dXJl',
  }
  const direct = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithCustomAuth(endpoint, customAuthConfig)
  const websocket = iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithCustomAuth(endpoint, { authorizerName, username })
  return [new mqtt5.Mqtt5Client(direct.build()), new mqtt5.Mqtt5Client(websocket.build())]
}

/** Credentials from Cognito and from IoT's credentials provider. */
function otherProviders(cert: string, key: string): auth.AwsCredentialsProvider[] {
  const logins: auth.CognitoLoginTokenPair[] = [{ identityProviderName: 'cognito-idp.example', identityProviderToken: 'token' }]
  const cognitoConfig: auth.CognitoCredentialsProviderConfig = {
    endpoint: 'cognito-identity.us-east-1.amazonaws.com',
    identity: 'us-east-1:00000000-0000-0000-0000-000000000000',
    logins,
  }
  const x509Config: auth.X509CredentialsConfig = {
    endpoint: 'prefix.credentials.iot.us-east-1.amazonaws.com',
    thingName: 'thing',
    roleAlias: 'role-alias',
    tlsContext: new io.ClientTlsContext(io.TlsContextOptions.create_client_with_mtls_from_path(cert, key)),
  }
  return [auth.AwsCredentialsProvider.newCognito(cognitoConfig), auth.AwsCredentialsProvider.newX509(x509Config)]
}

/** Signs a WebSocket upgrade as the IoT builders do, by hand. */
async function signUpgrade(provider: auth.AwsCredentialsProvider, region: string, host: string): Promise<string> {
  const request = new http.HttpRequest('GET', '/mqtt', new http.HttpHeaders([['host', host]]))
  const signed: http.HttpRequest = await auth.aws_sign_request(request, {
    algorithm: auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaQueryParams,
    provider,
    region,
    service: 'iotdevicegateway',
    signed_body_value: auth.AwsSignedBodyValue.EmptySha256,
    omit_session_token: true,
  })
  const headers: auth.AwsSigningConfig = {
    algorithm: auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaHeaders,
    provider,
    region,
    service: 'iotdevicegateway',
    date: new Date(),
    header_blacklist: ['x-custom'],
    use_double_uri_encode: true,
    should_normalize_uri_path: true,
    signed_body_header: auth.AwsSignedBodyHeaderType.XAmzContentSha256,
    expiration_in_seconds: 300,
  }
  const base: auth.AwsSigningConfigBase = headers
  await auth.aws_sign_request(new http.HttpRequest('GET', '/'), headers)
  return signed.path + base.region
}
// #endregion application

const APPLICATION = [
  mtlsConnection,
  tunedConnection,
  websocketConnection,
  websocketVariants,
  customAuthorizerConnections,
  hardwareKeyConnections,
  mqtt5Mtls,
  mqtt5OtherKeys,
  mqtt5Websocket,
  mqtt5CustomAuth,
  otherProviders,
  signUpgrade,
]

const applicationSource = (library: string) => applicationRegion(__filename, library, 1)

/** Errors of `lines` appended to the application region compiled against `library`; each must be on a line of its own. */
function errorsOfAppended(library: string, lines: string): { errors: string[]; first: number; last: number } {
  const source = applicationSource(library)
  const first = source.split('\n').length + 1
  const errors = typeErrors(`${source}\n${lines}\n`)
  return { errors, first, last: first + lines.split('\n').length - 1 }
}

/** Lines that must fail against mqtt-napi's declarations. */
const MISUSE = [
  "iot.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_port('8883')",
  'auth.AwsCredentialsProvider.newStatic(1, 2)',
  "iot.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_endpoint('h').build().nope",
  "iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath('h', 'c', 'k').build().nope",
  'new iot.AwsIotMqttConnectionConfigBuilder()',
  "iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath('h', 'c')",
  "iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth('h', { region: 1 })",
  "iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithCustomAuth('h', { authorizer: 'a' })",
  "iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({ region: 'r' })",
  "iot.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_clean_session('yes')",
  "auth.aws_sign_request(new http.HttpRequest('GET', '/'), { algorithm: auth.AwsSigningAlgorithm.SigV4, region: 'r' })",
  "const fake: auth.AwsCredentialsProvider = { getCredentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) }",
  "const bare: mqtt.MqttConnectionConfig = { client_id: '', host_name: 'h', port: 1, metrics: { metadata: [] } }",
  "const bare5: mqtt5.Mqtt5ClientConfig = { hostName: 'h', port: 1, metrics: { libraryName: 7 } }",
  // Differs on purpose: aws-crt's type takes a base config, whose connect then fails with AWS_ERROR_UNKNOWN.
  "iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({ region: 'r', credentials_provider: auth.AwsCredentialsProvider.newDefault(), create_signing_config: () => ({ region: 'r' }) })",
]

/** mqtt-napi's extensions: they compile against ours and fail against aws-crt's. */
const EXTENSIONS = `
const delegate = auth.AwsCredentialsProvider.newDelegate(async () => ({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 't', expiration: new Date() }))
const synchronous = auth.AwsCredentialsProvider.newDelegate(() => ({ accessKeyId: 'a', secretAccessKey: 'b' }))
const credentialsOf = async (provider: auth.AwsCredentialsProvider): Promise<string> => { const c: auth.AwsCredentials = await provider.getCredentials(); return c.accessKeyId + (c.sessionToken ?? '') + String(c.expiration?.getTime()) }
const ports: number[] = [iot.AwsIotMqtt5ClientConfigBuilder.DEFAULT_DIRECT_MQTT_PORT, iot.AwsIotMqtt5ClientConfigBuilder.DEFAULT_WEBSOCKET_MQTT_PORT]
const announced: iot.AWSIoTMetrics = { libraryName: 'my-app', metadata: [['Version', '1.0']] }
const p12: iot.Pkcs12Options = { pkcs12_file: 'device.p12', pkcs12_password: 'pw' }
console.log(delegate, synchronous, credentialsOf, ports, announced, p12)`

describe('iot and auth types', () => {
  test("aws-iot-device-sdk-v2's sample code compiles, strict and with the declarations checked, against mqtt-napi and against aws-crt", () => {
    expect(typeErrors(applicationSource('../../index'))).toEqual([])
    expect(typeErrors(applicationSource('aws-crt'))).toEqual([])
  })

  test.each(MISUSE)('misuse fails to compile against mqtt-napi: %s', (line) => {
    const { errors, first } = errorsOfAppended('../../index', line)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((error) => error.startsWith(`line ${first}: `))).toBe(true)
  })

  test("mqtt-napi's extensions compile against mqtt-napi (newDelegate, getCredentials, AwsCredentials, the port constants, AWSIoTMetrics, Pkcs12Options)", () => {
    expect(errorsOfAppended('../../index', EXTENSIONS).errors).toEqual([])
  })

  test("the extensions are extensions: each of those lines fails against aws-crt's declarations", () => {
    const { errors, first, last } = errorsOfAppended('aws-crt', EXTENSIONS)
    const failing = new Set(errors.map((error) => Number(/^line (\d+): /.exec(error)?.[1])))
    // The last line only logs; every line before it uses an extension.
    const expected = Array.from({ length: last - first - 1 }, (_, i) => first + 1 + i)
    expect([...failing].sort((a, b) => a - b)).toEqual(expected)
  })

  test('the functions that hold the checks exist (none is called)', () => {
    expect(APPLICATION.every((fn) => typeof fn === 'function')).toBe(true)
  })
})
