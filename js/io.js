'use strict'
const native = require('./native')

const SocketType = Object.freeze({ STREAM: 0, DGRAM: 1, 0: 'STREAM', 1: 'DGRAM' })
const SocketDomain = Object.freeze({ IPV4: 0, IPV6: 1, LOCAL: 2, 0: 'IPV4', 1: 'IPV6', 2: 'LOCAL' })
const LogLevel = Object.freeze({
  NONE: 0, FATAL: 1, ERROR: 2, WARN: 3, INFO: 4, DEBUG: 5, TRACE: 6,
  0: 'NONE', 1: 'FATAL', 2: 'ERROR', 3: 'WARN', 4: 'INFO', 5: 'DEBUG', 6: 'TRACE',
})
const TlsVersion = Object.freeze({
  SSLv3: 0, TLSv1: 1, TLSv1_1: 2, TLSv1_2: 3, TLSv1_3: 4, Default: 128,
  0: 'SSLv3', 1: 'TLSv1', 2: 'TLSv1_1', 3: 'TLSv1_2', 4: 'TLSv1_3', 128: 'Default',
})

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

/**
 * A TLS context. TLS arrives in a later release: a connection given one fails
 * at new_connection with an error naming config.tls_ctx.
 */
class ClientTlsContext {
  constructor(options) {
    this.options = options
  }
}

function checkCode(error_code) {
  if (!Number.isInteger(error_code) || error_code < 0 || error_code > 0xffffffff) {
    throw new TypeError(`error_code must be a non-negative integer (got ${String(error_code)})`)
  }
}

function error_code_to_string(error_code) {
  checkCode(error_code)
  return native.errorCodeToString(error_code)
}

function error_code_to_name(error_code) {
  checkCode(error_code)
  return native.errorCodeToName(error_code)
}

function enable_logging(level) {
  if (!Number.isInteger(level) || level < LogLevel.NONE || level > LogLevel.TRACE) {
    throw new RangeError(`level must be a LogLevel from 0 (NONE) to 6 (TRACE) (got ${String(level)})`)
  }
}

module.exports = {
  SocketType,
  SocketDomain,
  SocketOptions,
  ClientBootstrap,
  LogLevel,
  enable_logging,
  error_code_to_string,
  error_code_to_name,
  TlsVersion,
  ClientTlsContext,
}
