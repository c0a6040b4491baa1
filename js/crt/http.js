'use strict'

const { numericEnum } = require('./enum')

const HttpProxyAuthenticationType = numericEnum({ None: 0, Basic: 1 })
const HttpProxyConnectionType = numericEnum({ Legacy: 0, Forwarding: 1, Tunneling: 2 })

class HttpProxyOptions {
  constructor(
    host_name,
    port,
    auth_method = HttpProxyAuthenticationType.None,
    auth_username,
    auth_password,
    tls_opts,
    connection_type,
  ) {
    this.host_name = host_name
    this.port = port
    this.auth_method = auth_method
    this.auth_username = auth_username
    this.auth_password = auth_password
    this.tls_opts = tls_opts
    this.connection_type = connection_type
  }
}

const sameName = (a, b) => a.toLowerCase() === b.toLowerCase()

/** An HTTP header name: a token (RFC 9110 section 5.1). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** What a header value may not hold: line breaks and NUL would split or end the request. */
const FORBIDDEN_IN_VALUE = /[\r\n\0]/

function checkName(name) {
  if (typeof name !== 'string') throw new TypeError(`name must be a string (got ${typeof name})`)
  if (!TOKEN.test(name)) throw new TypeError(`name must be an HTTP token (got ${JSON.stringify(name)})`)
}

function checkValue(value) {
  if (typeof value !== 'string') throw new TypeError(`value must be a string (got ${typeof value})`)
  if (FORBIDDEN_IN_VALUE.test(value)) throw new TypeError('value must not contain CR, LF or NUL')
}

/** An ordered list of header lines; names compare case-insensitively. */
class HttpHeaders {
  constructor(headers = []) {
    if (headers === null || typeof headers[Symbol.iterator] !== 'function') {
      throw new TypeError('headers must be an iterable of [name, value] pairs')
    }
    this._lines = []
    for (const pair of headers) {
      if (!Array.isArray(pair)) throw new TypeError('headers must be an iterable of [name, value] pairs')
      this.add(pair[0], pair[1])
    }
  }

  get length() {
    return this._lines.length
  }

  get(name, default_value = '') {
    checkName(name)
    const line = this._lines.find(([n]) => sameName(n, name))
    return line ? line[1] : default_value
  }

  get_values(name) {
    checkName(name)
    return this._lines.filter(([n]) => sameName(n, name)).map(([, v]) => v)
  }

  add(name, value) {
    checkName(name)
    checkValue(value)
    this._lines.push([name, value])
  }

  set(name, value) {
    checkName(name)
    checkValue(value)
    this.remove(name)
    this.add(name, value)
  }

  remove(name) {
    checkName(name)
    this._lines = this._lines.filter(([n]) => !sameName(n, name))
  }

  remove_value(name, value) {
    checkName(name)
    checkValue(value)
    this._lines = this._lines.filter(([n, v]) => !(sameName(n, name) && v === value))
  }

  clear() {
    this._lines = []
  }

  *[Symbol.iterator]() {
    for (const [name, value] of this._lines) yield [name, value]
  }
}

class HttpRequest {
  constructor(method, path, headers = new HttpHeaders(), body) {
    if (typeof method !== 'string') throw new TypeError(`method must be a string (got ${typeof method})`)
    if (typeof path !== 'string') throw new TypeError(`path must be a string (got ${typeof path})`)
    if (!(headers instanceof HttpHeaders)) throw new TypeError('headers must be an http.HttpHeaders')
    this.method = method
    this.path = path
    this.headers = headers
    this.body = body
  }
}

module.exports = {
  HttpProxyAuthenticationType,
  HttpProxyConnectionType,
  HttpProxyOptions,
  HttpHeaders,
  HttpRequest,
}
