'use strict'
const native = require('../core/native')
const { numericEnum } = require('./enum')
const { checkErrorCode } = require('../core/checks')
const { TlsVersion, nativeTlsContext } = require('./tls')

const SocketType = numericEnum({ STREAM: 0, DGRAM: 1 })
const SocketDomain = numericEnum({ IPV4: 0, IPV6: 1, LOCAL: 2 })
const LogLevel = numericEnum({ NONE: 0, FATAL: 1, ERROR: 2, WARN: 3, INFO: 4, DEBUG: 5, TRACE: 6 })

/** Socket options; the connection validates them and names a bad field. */
class SocketOptions {
  constructor(
    type = SocketType.STREAM,
    domain = SocketDomain.IPV6,
    connect_timeout_ms = 5000,
    keepalive = false,
    keep_alive_interval_sec = 0,
    keep_alive_timeout_sec = 0,
    keep_alive_max_failed_probes = 0,
  ) {
    this.type = type
    this.domain = domain
    this.connect_timeout_ms = connect_timeout_ms
    this.keepalive = keepalive
    this.keep_alive_interval_sec = keep_alive_interval_sec
    this.keep_alive_timeout_sec = keep_alive_timeout_sec
    this.keep_alive_max_failed_probes = keep_alive_max_failed_probes
  }
}

/** aws-crt's event-loop holder; mqtt-napi needs none. */
class ClientBootstrap {}

/** What a TLS client context trusts and presents, as aws-crt's fields. */
class TlsContextOptions {
  constructor() {
    this.min_tls_version = TlsVersion.Default
    this.ca_filepath = undefined
    this.ca_dirpath = undefined
    this.certificate_authority = undefined
    this.alpn_list = []
    this.certificate_filepath = undefined
    this.certificate = undefined
    this.private_key_filepath = undefined
    this.private_key = undefined
    this.pkcs12_filepath = undefined
    this.pkcs12_password = undefined
    this.verify_peer = true
  }

  override_default_trust_store_from_path(ca_dirpath, ca_filepath) {
    this.ca_dirpath = ca_dirpath
    this.ca_filepath = ca_filepath
  }

  override_default_trust_store(certificate_authority) {
    this.certificate_authority = certificate_authority
  }

  static create_client_with_mtls_from_path(certificate_filepath, private_key_filepath) {
    const options = new TlsContextOptions()
    options.certificate_filepath = certificate_filepath
    options.private_key_filepath = private_key_filepath
    return options
  }

  static create_client_with_mtls(certificate, private_key) {
    const options = new TlsContextOptions()
    options.certificate = certificate
    options.private_key = private_key
    return options
  }

  static create_client_with_mtls_pkcs12_from_path(pkcs12_filepath, pkcs12_password) {
    const options = new TlsContextOptions()
    options.pkcs12_filepath = pkcs12_filepath
    options.pkcs12_password = pkcs12_password
    return options
  }
}

/** A TLS client context; problems with the options throw here. */
class ClientTlsContext {
  constructor(options = new TlsContextOptions()) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('options must be an io.TlsContextOptions')
    }
    this.native = nativeTlsContext(options)
  }
}

/** A context plus the server name and ALPN list for one connection. */
class TlsConnectionOptions {
  constructor(tls_ctx, server_name, alpn_list = []) {
    if (!(tls_ctx instanceof ClientTlsContext)) {
      throw new TypeError('tls_ctx must be an io.ClientTlsContext')
    }
    this.tls_ctx = tls_ctx
    this.server_name = server_name
    this.alpn_list = alpn_list
  }
}

function error_code_to_string(error_code) {
  checkErrorCode(error_code, 'error_code')
  return native.errorCodeToString(error_code)
}

function error_code_to_name(error_code) {
  checkErrorCode(error_code, 'error_code')
  return native.errorCodeToName(error_code)
}

function enable_logging(level) {
  if (typeof level !== 'number') throw new TypeError(`level must be a LogLevel number (got ${typeof level})`)
  if (!Number.isInteger(level) || level < LogLevel.NONE || level > LogLevel.TRACE) {
    throw new RangeError(`level must be a LogLevel from 0 (NONE) to 6 (TRACE) (got ${level})`)
  }
  native.setLogLevel(level)
}

/** ALPN works on every platform: TLS is rustls, not the system's library. */
function is_alpn_available() {
  return true
}

module.exports = {
  is_alpn_available,
  SocketType,
  SocketDomain,
  SocketOptions,
  ClientBootstrap,
  LogLevel,
  enable_logging,
  error_code_to_string,
  error_code_to_name,
  TlsVersion,
  TlsContextOptions,
  ClientTlsContext,
  TlsConnectionOptions,
}
