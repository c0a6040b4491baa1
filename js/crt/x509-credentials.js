'use strict'
// AWS IoT's credentials provider (aws-crt's `newX509`): the device's own
// certificate buys temporary AWS credentials for a role alias with one HTTPS
// GET. Node's https does the call; the TLS material is the io.ClientTlsContext's.

const fs = require('fs')
const https = require('https')
const net = require('net')
const path = require('path')
const { nonEmptyString } = require('../core/checks')

/** How long the IoT credentials endpoint may take to answer. */
const REQUEST_TIMEOUT_MS = 10_000
/** The most of an answer read. */
const MAX_ANSWER_BYTES = 64 * 1024

const readIf = (file) => (file === undefined ? undefined : fs.readFileSync(file))

/** The PEM certificate files of a CA directory (c_rehash links included), as the MQTT connection reads it. */
function caDirectory(dir) {
  const pems = []
  for (const name of fs.readdirSync(dir)) {
    let text
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8')
    } catch {
      continue // a subdirectory or an unreadable entry
    }
    if (text.includes('-----BEGIN CERTIFICATE-----')) pems.push(text)
  }
  return pems
}

/**
 * Every CA the options name (PEM text, a file, a directory), all trusted as
 * the MQTT connection trusts them; none named: Node's own roots.
 */
function trustedCas(options) {
  const cas = []
  if (options.certificate_authority !== undefined) cas.push(options.certificate_authority)
  if (options.ca_filepath !== undefined) cas.push(fs.readFileSync(options.ca_filepath))
  if (options.ca_dirpath !== undefined) cas.push(...caDirectory(options.ca_dirpath))
  return cas.length === 0 ? undefined : cas
}

/** Node TLS options for the material an io.TlsContextOptions names (files are read now). */
function nodeTlsOptions(options, name) {
  if (options.pkcs11_options !== undefined || options.windows_cert_store_path !== undefined) {
    throw new TypeError(`${name}: newX509 takes a certificate and key from files, PEM text or PKCS#12, not a PKCS#11 token or the Windows store`)
  }
  const ca = trustedCas(options)
  if (options.pkcs12_filepath !== undefined) {
    return { ca, pfx: fs.readFileSync(options.pkcs12_filepath), passphrase: options.pkcs12_password }
  }
  const cert = options.certificate ?? readIf(options.certificate_filepath)
  const key = options.private_key ?? readIf(options.private_key_filepath)
  if (cert === undefined || key === undefined) {
    throw new TypeError(`${name} must hold a client certificate and key (mutual TLS): the IoT credentials provider knows the device by them`)
  }
  return { ca, cert, key }
}

/** `host` or `host:port` as the request's host and port. */
function splitEndpoint(endpoint) {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(endpoint)
  if (!match) throw new TypeError(`config.endpoint must be a host name such as <prefix>.credentials.iot.<region>.amazonaws.com (got ${JSON.stringify(endpoint)})`)
  return { host: match[1].replace(/^\[|\]$/g, ''), port: match[2] === undefined ? 443 : Number(match[2]) }
}

/** The provider's answer as credentials, or why not. */
function parseAnswer(status, body) {
  if (status !== 200) throw new Error(`the endpoint answered HTTP ${status}: ${body.slice(0, 512).trim()}`)
  let document
  try {
    document = JSON.parse(body)
  } catch {
    throw new Error('the endpoint answered with a body that is not JSON')
  }
  const credentials = document?.credentials ?? {}
  const expiration = credentials.expiration === undefined ? undefined : new Date(credentials.expiration)
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration,
  }
}

function get(request) {
  return new Promise((resolve, reject) => {
    const call = https.get(request, (response) => {
      const chunks = []
      let length = 0
      response.on('data', (chunk) => {
        length += chunk.length
        if (length > MAX_ANSWER_BYTES) call.destroy(new Error(`the endpoint's answer is longer than ${MAX_ANSWER_BYTES} bytes`))
        else chunks.push(chunk)
      })
      response.on('end', () => {
        try {
          resolve(parseAnswer(response.statusCode, Buffer.concat(chunks).toString('utf8')))
        } catch (error) {
          reject(error)
        }
      })
      response.on('error', reject)
    })
    call.setTimeout(REQUEST_TIMEOUT_MS, () => call.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)))
    call.on('error', reject)
  })
}

/**
 * Checks `config` (aws-crt's X509CredentialsConfig) now and returns the
 * fetch of one set of credentials.
 */
function x509Credentials(config) {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`config must be an X509CredentialsConfig object (got ${config === null ? 'null' : typeof config})`)
  }
  nonEmptyString(config.endpoint, 'config.endpoint')
  nonEmptyString(config.thingName, 'config.thingName')
  nonEmptyString(config.roleAlias, 'config.roleAlias')
  if (config.httpProxyOptions !== undefined && config.httpProxyOptions !== null) {
    throw new TypeError('config.httpProxyOptions is not supported by newX509 in mqtt-napi')
  }
  const tlsOptions = config.tlsContext?.options
  if (tlsOptions === undefined) throw new TypeError('config.tlsContext must be an io.ClientTlsContext made with a client certificate')
  const tls = nodeTlsOptions(tlsOptions, 'config.tlsContext')
  const { host, port } = splitEndpoint(config.endpoint)
  const request = {
    host,
    port,
    // SNI carries host names only (Node warns on stderr when given an IP);
    // the certificate is checked against `host` either way.
    ...(net.isIP(host) ? {} : { servername: host }),
    path: `/role-aliases/${encodeURIComponent(config.roleAlias)}/credentials`,
    headers: { 'x-amzn-iot-thingname': config.thingName },
    agent: false,
    rejectUnauthorized: tlsOptions.verify_peer !== false,
    ...tls,
  }
  return () => get(request)
}

module.exports = { x509Credentials }
