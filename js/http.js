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

/** An ordered list of header lines; names compare case-insensitively. */
class HttpHeaders {
  constructor(headers = []) {
    this._lines = []
    for (const [name, value] of headers) this.add(name, value)
  }

  get length() {
    return this._lines.length
  }

  get(name, default_value = '') {
    const line = this._lines.find(([n]) => sameName(n, name))
    return line ? line[1] : default_value
  }

  get_values(name) {
    return this._lines.filter(([n]) => sameName(n, name)).map(([, v]) => v)
  }

  add(name, value) {
    if (typeof name !== 'string' || typeof value !== 'string') {
      throw new TypeError('header name and value must be strings')
    }
    this._lines.push([name, value])
  }

  set(name, value) {
    this.remove(name)
    this.add(name, value)
  }

  remove(name) {
    this._lines = this._lines.filter(([n]) => !sameName(n, name))
  }

  remove_value(name, value) {
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
