'use strict'
// aws-crt's `iot.AwsIotMqtt5ClientConfigBuilder`: an Mqtt5ClientConfig for
// AWS IoT Core. Files, PEM text, the host and the port are checked at the
// call; the other fields when the Mqtt5Client is made, as for any config.

const io = require('./io')
const { AwsCredentialsProvider } = require('./credentials')
const { ClientExtendedValidationAndFlowControl } = require('./mqtt5-enums')
const { builderMetrics } = require('./metrics')
const shared = require('./iot-shared')

const { DIRECT_PORT, WEBSOCKET_PORT, MTLS_ALPN, IOT_SERVICE } = shared

/** aws-crt's keep-alive for IoT Core, in seconds. */
const DEFAULT_KEEP_ALIVE_SECONDS = 1200

const { describe } = require('../core/fields')

/**
 * Builds an Mqtt5ClientConfig for AWS IoT Core (aws-crt's
 * `iot.AwsIotMqtt5ClientConfigBuilder`). Start from a static factory.
 */
class AwsIotMqtt5ClientConfigBuilder {
  constructor(hostName, port, tlsContextOptions) {
    if (!(tlsContextOptions instanceof io.TlsContextOptions)) {
      throw new TypeError('AwsIotMqtt5ClientConfigBuilder is made by its static factories (newDirectMqttBuilderWithMtlsFromPath, ...)')
    }
    this.tlsContextOptions = tlsContextOptions
    this.config = {
      hostName: shared.nonEmptyString(hostName, 'hostName'),
      port,
      connectProperties: { keepAliveIntervalSeconds: DEFAULT_KEEP_ALIVE_SECONDS },
      extendedValidationAndFlowControlOptions: ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults,
    }
    this.customAuthConfig = undefined
  }

  static _mtls(hostName, tlsContextOptions) {
    tlsContextOptions.alpn_list.unshift(MTLS_ALPN)
    return new AwsIotMqtt5ClientConfigBuilder(hostName, DIRECT_PORT, tlsContextOptions)
  }

  static newDirectMqttBuilderWithMtlsFromPath(hostName, certPath, keyPath) {
    shared.readableFile(certPath, 'certPath')
    shared.readableFile(keyPath, 'keyPath')
    return this._mtls(hostName, io.TlsContextOptions.create_client_with_mtls_from_path(certPath, keyPath))
  }

  static newDirectMqttBuilderWithMtlsFromMemory(hostName, cert, privateKey) {
    const options = io.TlsContextOptions.create_client_with_mtls(shared.pemText(cert, 'cert'), shared.pemText(privateKey, 'privateKey'))
    return this._mtls(hostName, options)
  }

  static newDirectMqttBuilderWithMtlsFromPkcs11(hostName, pkcs11Options) {
    return this._mtls(hostName, io.TlsContextOptions.create_client_with_mtls_pkcs11(pkcs11Options))
  }

  static newDirectMqttBuilderWithMtlsFromPkcs12(hostName, pkcs12Options) {
    if (pkcs12Options === null || typeof pkcs12Options !== 'object') {
      throw new TypeError(`pkcs12Options must be { pkcs12_file, pkcs12_password } (got ${describe(pkcs12Options)})`)
    }
    shared.readableFile(pkcs12Options.pkcs12_file, 'pkcs12Options.pkcs12_file')
    shared.checkOptionalString(pkcs12Options.pkcs12_password, 'pkcs12Options.pkcs12_password')
    const options = io.TlsContextOptions.create_client_with_mtls_pkcs12_from_path(pkcs12Options.pkcs12_file, pkcs12Options.pkcs12_password)
    return this._mtls(hostName, options)
  }

  static newDirectMqttBuilderWithMtlsFromWindowsCertStorePath(hostName, certificateStorePath) {
    return this._mtls(hostName, io.TlsContextOptions.create_client_with_mtls_windows_cert_store_path(certificateStorePath))
  }

  /** MQTT over TLS on port 443 with ALPN `mqtt`, through an IoT custom authorizer. */
  static newDirectMqttBuilderWithCustomAuth(hostName, customAuthConfig) {
    const options = new io.TlsContextOptions()
    options.alpn_list = ['mqtt']
    const builder = new AwsIotMqtt5ClientConfigBuilder(hostName, WEBSOCKET_PORT, options)
    builder.customAuthConfig = shared.customAuthConfig(customAuthConfig, 'customAuthConfig')
    return builder
  }

  /**
   * WebSockets on port 443, each upgrade signed with SigV4: credentials from
   * `options.credentialsProvider` (else the default chain), region from
   * `options.region` (else the endpoint's name).
   */
  static newWebsocketMqttBuilderWithSigv4Auth(hostName, options = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`options must be a WebsocketSigv4Config object (got ${describe(options)})`)
    const region = options.region ?? shared.regionOfEndpoint(String(hostName))
    if (region === undefined) {
      throw new TypeError(`options.region is required: no region can be read from the endpoint ${JSON.stringify(hostName)}`)
    }
    shared.nonEmptyString(region, 'options.region')
    if (options.credentialsProvider !== undefined && !(options.credentialsProvider instanceof AwsCredentialsProvider)) {
      throw new TypeError('options.credentialsProvider must be an auth.AwsCredentialsProvider')
    }
    const provider = options.credentialsProvider ?? AwsCredentialsProvider.newDefault()
    const builder = new AwsIotMqtt5ClientConfigBuilder(hostName, WEBSOCKET_PORT, new io.TlsContextOptions())
    builder.config.websocketHandshakeTransform = shared.signingTransform(() => shared.upgradeSigningConfig(provider, region, IOT_SERVICE))
    return builder
  }

  /** WebSockets on port 443 through an IoT custom authorizer (the upgrade is not signed). */
  static newWebsocketMqttBuilderWithCustomAuth(hostName, customAuthConfig) {
    const builder = new AwsIotMqtt5ClientConfigBuilder(hostName, WEBSOCKET_PORT, new io.TlsContextOptions())
    builder.customAuthConfig = shared.customAuthConfig(customAuthConfig, 'customAuthConfig')
    builder.config.websocketHandshakeTransform = (request, done) => done()
    return builder
  }

  withCertificateAuthorityFromPath(caDirpath, caFilepath) {
    shared.trustCaFiles(this.tlsContextOptions, ['caDirpath', caDirpath], ['caFilepath', caFilepath])
    return this
  }

  withCertificateAuthority(ca) {
    this.tlsContextOptions.override_default_trust_store(shared.pemText(ca, 'ca'))
    return this
  }

  withTlsCipherPreference(tlsCipherPreference) {
    this.tlsContextOptions.tls_cipher_preference = tlsCipherPreference
    return this
  }

  withPort(port) {
    this.config.port = shared.portNumber(port, 'port')
    return this
  }

  /**
   * A new Mqtt5ClientConfig (and TLS context) from what the builder holds
   * now: the custom authorizer's username and password when there is one,
   * and `metrics` so the CONNECT username names this library (set
   * `disableMetrics: true` on the result to send it as is).
   */
  build() {
    const connectProperties = { ...this.config.connectProperties }
    if (this.customAuthConfig !== undefined) {
      connectProperties.username = shared.mqtt5CustomAuthUsername(this.customAuthConfig)
      if (this.customAuthConfig.password) connectProperties.password = this.customAuthConfig.password
    }
    return {
      ...this.config,
      connectProperties,
      tlsCtx: new io.ClientTlsContext(this.tlsContextOptions),
      metrics: builderMetrics(),
    }
  }
}

/** The `with*` methods that set one config field as given (the client checks them). */
const PLAIN_SETTERS = {
  withConnectProperties: 'connectProperties',
  withSessionBehavior: 'sessionBehavior',
  withRetryJitterMode: 'retryJitterMode',
  withMinReconnectDelayMs: 'minReconnectDelayMs',
  withMaxReconnectDelayMs: 'maxReconnectDelayMs',
  withMinConnectedTimeToResetReconnectDelayMs: 'minConnectedTimeToResetReconnectDelayMs',
  withConnackTimeoutMs: 'connackTimeoutMs',
  withOfflineQueueBehavior: 'offlineQueueBehavior',
  withPingTimeoutMs: 'pingTimeoutMs',
  withAckTimeoutSeconds: 'ackTimeoutSeconds',
  withSocketOptions: 'socketOptions',
  withHttpProxyOptions: 'httpProxyOptions',
  withExtendedValidationAndFlowControlOptions: 'extendedValidationAndFlowControlOptions',
  withTopicAliasingOptions: 'topicAliasingOptions',
}
for (const [method, field] of Object.entries(PLAIN_SETTERS)) {
  Object.defineProperty(AwsIotMqtt5ClientConfigBuilder.prototype, method, {
    value: function (value) {
      this.config[field] = value
      return this
    },
    writable: true,
    configurable: true,
  })
}

AwsIotMqtt5ClientConfigBuilder.DEFAULT_DIRECT_MQTT_PORT = DIRECT_PORT
AwsIotMqtt5ClientConfigBuilder.DEFAULT_WEBSOCKET_MQTT_PORT = WEBSOCKET_PORT

module.exports = { AwsIotMqtt5ClientConfigBuilder }
