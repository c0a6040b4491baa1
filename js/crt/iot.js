'use strict'
// aws-crt's `iot` module: builders that assemble an MqttConnectionConfig
// (MQTT 3.1.1) or an Mqtt5ClientConfig for AWS IoT Core. Input is checked at
// the call that takes it; build() makes a fresh config each time.

const io = require('./io')
const { AwsCredentialsProvider } = require('./credentials')
const { AwsIotMqtt5ClientConfigBuilder } = require('./iot-mqtt5')
const { builderMetrics } = require('./metrics')
const shared = require('./iot-shared')

const { DIRECT_PORT, WEBSOCKET_PORT, MTLS_ALPN, IOT_SERVICE } = shared

const DEFAULT_RECONNECT_MIN_SEC = 1
const DEFAULT_RECONNECT_MAX_SEC = 128

const { describe } = require('../core/fields')

/** An optional non-negative integer, named. */
function optionalCount(value, name) {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new TypeError(`${name} must be a non-negative integer (got ${describe(value)})`)
  }
  return value
}

function checkBoolean(value, name) {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean (got ${describe(value)})`)
  return value
}

/** WebsocketConfig checked now: signing needs a provider and a region (or the user's own signing config). */
function websocketConfig(options) {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be a WebsocketConfig object (got ${describe(options)})`)
  if (options.create_signing_config !== undefined) {
    if (typeof options.create_signing_config !== 'function') throw new TypeError('options.create_signing_config must be a function returning an AwsSigningConfig')
    return options
  }
  if (!(options.credentials_provider instanceof AwsCredentialsProvider)) {
    throw new TypeError('options.credentials_provider must be an auth.AwsCredentialsProvider')
  }
  shared.nonEmptyString(options.region, 'options.region')
  shared.checkOptionalString(options.service, 'options.service')
  return options
}

/** The upgrade signer for a WebsocketConfig. */
function signingTransformFor(options) {
  const service = options.service ?? IOT_SERVICE
  return shared.signingTransform(() =>
    options.create_signing_config
      ? options.create_signing_config()
      : shared.upgradeSigningConfig(options.credentials_provider, options.region, service),
  )
}

/**
 * Builds an MqttConnectionConfig for AWS IoT Core (aws-crt's
 * `iot.AwsIotMqttConnectionConfigBuilder`). Start from a static factory.
 */
class AwsIotMqttConnectionConfigBuilder {
  constructor(tls_ctx_options) {
    if (!(tls_ctx_options instanceof io.TlsContextOptions)) {
      throw new TypeError('AwsIotMqttConnectionConfigBuilder is made by its static factories (new_mtls_builder_from_path, new_with_websockets, ...)')
    }
    this.tls_ctx_options = tls_ctx_options
    this.params = {
      client_id: '',
      host_name: '',
      socket_options: new io.SocketOptions(),
      port: DIRECT_PORT,
      use_websocket: false,
      clean_session: false,
      keep_alive: undefined,
      will: undefined,
      username: '',
      password: undefined,
      tls_ctx: undefined,
      reconnect_min_sec: DEFAULT_RECONNECT_MIN_SEC,
      reconnect_max_sec: DEFAULT_RECONNECT_MAX_SEC,
    }
    this._port_chosen = false
  }

  /** A builder for a client certificate: IoT's direct port and its mTLS ALPN name. */
  static _mtls(tls_ctx_options) {
    const builder = new AwsIotMqttConnectionConfigBuilder(tls_ctx_options)
    builder.tls_ctx_options.alpn_list.unshift(MTLS_ALPN)
    return builder
  }

  static new_mtls_builder_from_path(cert_path, key_path) {
    shared.readableFile(cert_path, 'cert_path')
    shared.readableFile(key_path, 'key_path')
    return this._mtls(io.TlsContextOptions.create_client_with_mtls_from_path(cert_path, key_path))
  }

  static new_mtls_builder(cert, private_key) {
    return this._mtls(io.TlsContextOptions.create_client_with_mtls(shared.pemText(cert, 'cert'), shared.pemText(private_key, 'private_key')))
  }

  static new_mtls_pkcs11_builder(pkcs11_options) {
    return this._mtls(io.TlsContextOptions.create_client_with_mtls_pkcs11(pkcs11_options))
  }

  static new_mtls_pkcs12_builder(pkcs12_options) {
    if (pkcs12_options === null || typeof pkcs12_options !== 'object') {
      throw new TypeError(`pkcs12_options must be { pkcs12_file, pkcs12_password } (got ${describe(pkcs12_options)})`)
    }
    shared.readableFile(pkcs12_options.pkcs12_file, 'pkcs12_options.pkcs12_file')
    shared.checkOptionalString(pkcs12_options.pkcs12_password, 'pkcs12_options.pkcs12_password')
    return this._mtls(
      io.TlsContextOptions.create_client_with_mtls_pkcs12_from_path(pkcs12_options.pkcs12_file, pkcs12_options.pkcs12_password),
    )
  }

  static new_mtls_windows_cert_store_path_builder(certificate_path) {
    return this._mtls(io.TlsContextOptions.create_client_with_mtls_windows_cert_store_path(certificate_path))
  }

  static new_default_builder() {
    return new AwsIotMqttConnectionConfigBuilder(new io.TlsContextOptions())
  }

  static new_websocket_builder(...args) {
    return this.new_with_websockets(...args)
  }

  /** WebSockets on port 443; with `options`, each upgrade is signed with SigV4. */
  static new_with_websockets(options) {
    const checked = options === undefined ? undefined : websocketConfig(options)
    const tls_ctx_options = checked?.tls_ctx_options ?? new io.TlsContextOptions()
    if (!(tls_ctx_options instanceof io.TlsContextOptions)) throw new TypeError('options.tls_ctx_options must be an io.TlsContextOptions')
    const builder = new AwsIotMqttConnectionConfigBuilder(tls_ctx_options)
    builder.params.use_websocket = true
    builder.params.port = WEBSOCKET_PORT
    builder.params.proxy_options = checked?.proxy_options
    if (checked) builder.params.websocket_handshake_transform = signingTransformFor(checked)
    return builder
  }

  /** WebSockets on port 443 without signing (for custom authorizers over WebSockets). */
  static new_builder_for_websocket() {
    return this.new_with_websockets()
  }

  with_certificate_authority_from_path(ca_dirpath, ca_filepath) {
    shared.trustCaFiles(this.tls_ctx_options, ['ca_dirpath', ca_dirpath], ['ca_filepath', ca_filepath])
    return this
  }

  with_certificate_authority(ca) {
    this.tls_ctx_options.override_default_trust_store(shared.pemText(ca, 'ca'))
    return this
  }

  with_tls_cipher_preference(tls_cipher_preference) {
    this.tls_ctx_options.tls_cipher_preference = tls_cipher_preference
    return this
  }

  with_endpoint(endpoint) {
    this.params.host_name = shared.nonEmptyString(endpoint, 'endpoint')
    return this
  }

  with_port(port) {
    this.params.port = shared.portNumber(port, 'port')
    this._port_chosen = true
    return this
  }

  with_client_id(client_id) {
    if (typeof client_id !== 'string') throw new TypeError(`client_id must be a string (got ${describe(client_id)})`)
    this.params.client_id = client_id
    return this
  }

  with_clean_session(clean_session) {
    this.params.clean_session = checkBoolean(clean_session, 'clean_session')
    return this
  }

  with_keep_alive_seconds(keep_alive) {
    this.params.keep_alive = optionalCount(keep_alive, 'keep_alive')
    return this
  }

  /** @deprecated aws-crt's old name of with_ping_timeout_ms. */
  with_timeout_ms(timeout_ms) {
    return this.with_ping_timeout_ms(timeout_ms)
  }

  with_ping_timeout_ms(ping_timeout) {
    this.params.ping_timeout = optionalCount(ping_timeout, 'ping_timeout')
    return this
  }

  with_protocol_operation_timeout_ms(protocol_operation_timeout) {
    this.params.protocol_operation_timeout = optionalCount(protocol_operation_timeout, 'protocol_operation_timeout')
    return this
  }

  with_will(will) {
    this.params.will = will
    return this
  }

  with_socket_options(socket_options) {
    if (!(socket_options instanceof io.SocketOptions)) throw new TypeError('socket_options must be an io.SocketOptions')
    this.params.socket_options = socket_options
    return this
  }

  /**
   * Signs each WebSocket upgrade with these static credentials. Unlike
   * aws-crt, it also switches the builder to WebSockets (port 443 unless
   * with_port chose one), where the signature means something.
   */
  with_credentials(aws_region, aws_access_id, aws_secret_key, aws_sts_token) {
    const options = websocketConfig({
      credentials_provider: AwsCredentialsProvider.newStatic(aws_access_id, aws_secret_key, aws_sts_token),
      region: aws_region,
    })
    this.params.use_websocket = true
    if (!this._port_chosen) this.params.port = WEBSOCKET_PORT
    this.params.websocket_handshake_transform = signingTransformFor(options)
    return this
  }

  with_http_proxy_options(proxy_options) {
    this.params.proxy_options = proxy_options
    return this
  }

  /**
   * Connects through an IoT custom authorizer: the username carries the
   * authorizer's name and, for a signed one, the token and its signature.
   * Sets port 443 and (without WebSockets) ALPN `mqtt`.
   */
  with_custom_authorizer(username, authorizer_name, authorizer_signature, password, token_key_name, token_value) {
    const names = ['username', 'authorizer_name', 'authorizer_signature', 'password', 'token_key_name', 'token_value']
    const values = [username, authorizer_name, authorizer_signature, password, token_key_name, token_value]
    values.forEach((value, i) => shared.checkOptionalString(value, names[i]))
    this.params.username = shared.mqtt3CustomAuthUsername(this.params.username ?? '', {
      username,
      authorizerName: authorizer_name,
      signature: authorizer_signature,
      tokenKeyName: token_key_name,
      tokenValue: token_value,
    })
    this.params.password = password
    if (!this.params.use_websocket) this.tls_ctx_options.alpn_list = ['mqtt']
    this.params.port = WEBSOCKET_PORT
    return this
  }

  with_username(username) {
    shared.checkOptionalString(username, 'username')
    this.params.username = username
    return this
  }

  with_password(password) {
    shared.checkOptionalString(password, 'password')
    this.params.password = password
    return this
  }

  with_reconnect_max_sec(max_sec) {
    this.params.reconnect_max_sec = optionalCount(max_sec, 'max_sec')
    return this
  }

  with_reconnect_min_sec(min_sec) {
    this.params.reconnect_min_sec = optionalCount(min_sec, 'min_sec')
    return this
  }

  /**
   * A new MqttConnectionConfig (and TLS context) from what the builder holds
   * now, with `metrics` set so the CONNECT username names this library
   * (set `disable_metrics: true` on the result to send the username as is).
   */
  build() {
    if (this.params.host_name === '') throw new TypeError('endpoint is required: call with_endpoint(host) before build()')
    return {
      ...this.params,
      tls_ctx: new io.ClientTlsContext(this.tls_ctx_options),
      metrics: builderMetrics(),
    }
  }
}

module.exports = { AwsIotMqttConnectionConfigBuilder, AwsIotMqtt5ClientConfigBuilder }
