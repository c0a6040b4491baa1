'use strict'
const native = require('../core/native')
const { numericEnum } = require('./enum')
const { checkErrorCode } = require('../core/checks')
const { describe } = require('../core/fields')
const {
  TlsVersion,
  CertificateSource,
  TlsCipherPreference,
  tlsCipherPreferenceIsSupported,
  windowsCertStoreUnavailable,
  nativeTlsContext,
} = require('./tls')

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
    this.pkcs11_options = undefined
    this.windows_cert_store_path = undefined
    this.tls_cipher_preference = undefined
    this.certificate_source = undefined
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
    options.certificate_source = CertificateSource.CERTIFICATE_FILES
    return options
  }

  static create_client_with_mtls(certificate, private_key) {
    const options = new TlsContextOptions()
    options.certificate = certificate
    options.private_key = private_key
    options.certificate_source = CertificateSource.CERTIFICATE_FILES
    return options
  }

  static create_client_with_mtls_pkcs12_from_path(pkcs12_filepath, pkcs12_password) {
    const options = new TlsContextOptions()
    options.pkcs12_filepath = pkcs12_filepath
    options.pkcs12_password = pkcs12_password
    options.certificate_source = CertificateSource.PKCS12_FILE
    return options
  }

  static create_client_with_mtls_pkcs11(pkcs11_options) {
    const options = new TlsContextOptions()
    options.pkcs11_options = pkcs11_options
    options.certificate_source = CertificateSource.PKCS11
    return options
  }

  /** Off Windows this throws at once, as there is no store to name. */
  static create_client_with_mtls_windows_cert_store_path(certificate_path) {
    if (process.platform !== 'win32') {
      const call = 'io.TlsContextOptions.create_client_with_mtls_windows_cert_store_path'
      throw new Error(`${call}: certificate_path: ${windowsCertStoreUnavailable()}`)
    }
    const options = new TlsContextOptions()
    options.windows_cert_store_path = certificate_path
    options.certificate_source = CertificateSource.WINDOWS_CERT_STORE
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
    // A snapshot of what it was made from: auth's newX509 makes its HTTPS call with the same material.
    this.options = Object.freeze({ ...options, alpn_list: [...(options.alpn_list ?? [])] })
    // How the context was made, kept as aws-crt keeps it (for its metrics).
    this.certificate_source = options.certificate_source
    this.tls_cipher_preference = options.tls_cipher_preference
    this.min_tls_version = options.min_tls_version
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

const InitializeFinalizeBehavior = numericEnum({ DEFAULT: 0, OMIT: 1, STRICT: 2 })

/** The engine's initialization for each behavior. */
const INITIALIZATIONS = {
  [InitializeFinalizeBehavior.DEFAULT]: 'shared',
  [InitializeFinalizeBehavior.OMIT]: 'external',
  [InitializeFinalizeBehavior.STRICT]: 'owned',
}

/** A loaded PKCS#11 module; a module that cannot be loaded or initialized throws here. */
class Pkcs11Lib {
  constructor(path, behavior = InitializeFinalizeBehavior.DEFAULT) {
    if (typeof path !== 'string') {
      throw new TypeError(`path must be a string: the PKCS#11 module's file (got ${describe(path)})`)
    }
    if (path === '') throw new RangeError("path must not be empty: it names the PKCS#11 module's file")
    checkBehavior(behavior)
    const opened = native.openPkcs11Library(path, INITIALIZATIONS[behavior])
    if (!(opened instanceof native.NativePkcs11Library)) {
      const field =
        opened.option === 'path' ? `path ${JSON.stringify(path)}` : `behavior ${InitializeFinalizeBehavior[behavior]}`
      throw new Error(`io.Pkcs11Lib: ${field}: ${opened.reason}`)
    }
    this.native = opened
  }

  /** Lets go of the module now; TLS contexts made with it keep it until they go. */
  close() {
    this.native.close()
  }
}
Pkcs11Lib.InitializeFinalizeBehavior = InitializeFinalizeBehavior

function checkBehavior(behavior) {
  if (typeof behavior !== 'number') {
    throw new TypeError(`behavior must be a Pkcs11Lib.InitializeFinalizeBehavior number (got ${describe(behavior)})`)
  }
  if (!Object.hasOwn(INITIALIZATIONS, behavior)) {
    throw new RangeError(
      `behavior must be a Pkcs11Lib.InitializeFinalizeBehavior: DEFAULT (0), OMIT (1) or STRICT (2) (got ${behavior})`,
    )
  }
}

function tls_cipher_preference_is_supported(tls_cipher_preference) {
  return tlsCipherPreferenceIsSupported(tls_cipher_preference)
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

/** aws-crt's other name for setting the log level. */
const setLogLevel = enable_logging

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
  setLogLevel,
  error_code_to_string,
  error_code_to_name,
  TlsVersion,
  CertificateSource,
  TlsCipherPreference,
  tls_cipher_preference_is_supported,
  TlsContextOptions,
  ClientTlsContext,
  TlsConnectionOptions,
  Pkcs11Lib,
}
