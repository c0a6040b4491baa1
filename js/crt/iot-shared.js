'use strict'
// What both AWS IoT builders share: custom-authorizer usernames, the SigV4
// signing of the WebSocket upgrade, the region in an endpoint name, and the
// early checks of builder input (aws-crt only fails at build() or at DNS).

const fs = require('fs')
const auth = require('./auth')
const { checkOptionalString, nonEmptyString } = require('../core/checks')
const { describe } = require('../core/fields')

/** IoT Core's port for MQTT over TLS with a client certificate. */
const DIRECT_PORT = 8883
/** IoT Core's port for WebSockets and custom authorizers. */
const WEBSOCKET_PORT = 443
/** IoT Core's ALPN name for MQTT with a client certificate (it also lets mTLS use port 443). */
const MTLS_ALPN = 'x-amzn-mqtt-ca'
/** The service name IoT's WebSocket upgrade is signed for. */
const IOT_SERVICE = 'iotdevicegateway'

/** aws-crt's words for a signing token given in part. */
const INCOMPLETE_TOKEN = 'Signing-based custom authentication requires all token-related properties to be set'

const isFilled = (value) => typeof value === 'string' && value !== ''

/** A port number: an integer from 1 to 65535. */
function portNumber(value, name) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new TypeError(`${name} must be an integer port from 1 to 65535 (got ${describe(value)})`)
  }
  return value
}

/** A file the builder will read: it must exist and be readable now. */
function readableFile(path, name) {
  nonEmptyString(path, name)
  try {
    fs.accessSync(path, fs.constants.R_OK)
  } catch (error) {
    throw new Error(`${name}: cannot read ${JSON.stringify(path)} (${error.code ?? error.message})`)
  }
  return path
}

/** PEM text: at least one `-----BEGIN ...-----` block. */
function pemText(value, name) {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value
  if (typeof text !== 'string' || !/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
    throw new TypeError(`${name} must be PEM text (a -----BEGIN ...----- block)`)
  }
  return text
}

/** Trusts a CA directory and/or file (each checked now, named) instead of the system's roots. */
function trustCaFiles(tlsOptions, [dirName, dirPath], [fileName, filePath]) {
  if (dirPath !== undefined) readableFile(dirPath, dirName)
  if (filePath !== undefined) readableFile(filePath, fileName)
  tlsOptions.override_default_trust_store_from_path(dirPath, filePath)
}

const appendParameter = (username, parameter) => `${username}${username.includes('?') ? '&' : '?'}${parameter}`

/** A token signature as IoT wants it: URI-encoded unless it already is. */
const encodedSignature = (signature) => (signature.includes('%') ? signature : encodeURIComponent(signature))

/**
 * The MQTT 3.1.1 builder's custom-authorizer username (aws-crt's order:
 * name, signature, token).
 */
function mqtt3CustomAuthUsername(current, { username, authorizerName, signature, tokenKeyName, tokenValue }) {
  let result = isFilled(username) ? username : current
  if (isFilled(authorizerName)) result = appendParameter(result, `x-amz-customauthorizer-name=${authorizerName}`)
  const parts = [signature, tokenKeyName, tokenValue]
  if (parts.some(isFilled)) {
    if (!parts.every(isFilled)) throw new Error(INCOMPLETE_TOKEN)
    result = appendParameter(result, `x-amz-customauthorizer-signature=${encodedSignature(signature)}`)
    result = appendParameter(result, `${tokenKeyName}=${tokenValue}`)
  }
  return result
}

/** MqttConnectCustomAuthConfig checked now, naming the field. */
function customAuthConfig(config, name) {
  if (config === null || typeof config !== 'object') throw new TypeError(`${name} must be an MqttConnectCustomAuthConfig object (got ${describe(config)})`)
  for (const field of ['authorizerName', 'username', 'tokenKeyName', 'tokenValue', 'tokenSignature']) {
    checkOptionalString(config[field], `${name}.${field}`)
  }
  const parts = [config.tokenSignature, config.tokenKeyName, config.tokenValue]
  if (parts.some(isFilled) && !parts.every(isFilled)) throw new Error(`${name}: ${INCOMPLETE_TOKEN}`)
  if ((config.username ?? '').split('?').length > 2) throw new TypeError(`${name}.username may hold at most one '?'`)
  return { ...config }
}

/**
 * The MQTT 5 builder's custom-authorizer username (aws-crt's order: the
 * username's own query, name, token, signature).
 */
function mqtt5CustomAuthUsername(config) {
  const [path, query] = (config.username ?? '').split('?')
  const pairs = query ? query.split('&') : []
  if (isFilled(config.authorizerName)) pairs.push(`x-amz-customauthorizer-name=${config.authorizerName}`)
  if (isFilled(config.tokenSignature)) {
    pairs.push(`${config.tokenKeyName}=${config.tokenValue}`)
    pairs.push(`x-amz-customauthorizer-signature=${encodedSignature(config.tokenSignature)}`)
  }
  return `${path}?${pairs.join('&')}`
}

/** The region in an IoT endpoint name (`x-ats.iot.us-east-1.amazonaws.com`), as aws-crt finds it. */
function regionOfEndpoint(host) {
  const match = /^[\w-]+\.[\w-]+\.([\w+-]+)\./.exec(host)
  return match ? match[1] : undefined
}

/** aws-crt's signing of the upgrade: a presigned URL, token added unsigned, the empty body's hash. */
function upgradeSigningConfig(provider, region, service) {
  return {
    algorithm: auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaQueryParams,
    provider,
    region,
    service,
    signed_body_value: auth.AwsSignedBodyValue.EmptySha256,
    omit_session_token: true,
  }
}

/**
 * A websocket_handshake_transform that signs the upgrade with SigV4; a
 * failure fails the attempt with its own error (code and words kept).
 * `signingConfig()` gives the AwsSigningConfig for each attempt.
 */
function signingTransform(signingConfig) {
  return (request, done) => {
    Promise.resolve()
      .then(() => auth.aws_sign_request(request, signingConfig()))
      .then(
        () => done(),
        (error) => done(error instanceof Error ? error : new Error(String(error))),
      )
  }
}

module.exports = {
  DIRECT_PORT,
  WEBSOCKET_PORT,
  MTLS_ALPN,
  IOT_SERVICE,
  nonEmptyString,
  checkOptionalString,
  portNumber,
  readableFile,
  pemText,
  trustCaFiles,
  mqtt3CustomAuthUsername,
  customAuthConfig,
  mqtt5CustomAuthUsername,
  regionOfEndpoint,
  upgradeSigningConfig,
  signingTransform,
}
