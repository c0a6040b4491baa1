'use strict'
// aws-crt's `auth` module: credential providers, the signing enums and
// `aws_sign_request`, which signs an http.HttpRequest in place with SigV4.

const crypto = require('crypto')
const { numericEnum } = require('./enum')
const { CrtError } = require('./error')
const { HttpRequest } = require('./http')
const { AwsCredentialsProvider } = require('./credentials')
const { signRequest, EMPTY_SHA256 } = require('./sigv4')
const { describe } = require('../core/fields')
const { nonEmptyString } = require('../core/checks')

const AwsSigningAlgorithm = numericEnum({ SigV4: 0, SigV4Asymmetric: 1 })
const AwsSignatureType = numericEnum({
  HttpRequestViaHeaders: 0,
  HttpRequestViaQueryParams: 1,
  HttpRequestChunk: 2,
  HttpRequestEvent: 3,
})
const AwsSignedBodyValue = Object.freeze({
  EmptySha256: EMPTY_SHA256,
  UnsignedPayload: 'UNSIGNED-PAYLOAD',
  StreamingAws4HmacSha256Payload: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  StreamingAws4HmacSha256Events: 'STREAMING-AWS4-HMAC-SHA256-EVENTS',
})
const AwsSignedBodyHeaderType = numericEnum({ None: 0, XAmzContentSha256: 1 })

const ERROR = {
  unsupportedAlgorithm: 6144,
  illegalQueryParam: 6147,
  illegalHeader: 6148,
  unsupportedSignatureType: 6161,
}


function optionalBool(value, name) {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean (got ${describe(value)})`)
  return value
}

function oneOf(value, values, name, enumName) {
  if (!Object.values(values).includes(value)) {
    throw new TypeError(`${name} must be an auth.${enumName} (got ${JSON.stringify(value)})`)
  }
  return value
}

/** The hex SHA-256 of a request body aws_sign_request may meet. */
function bodyHash(body) {
  if (body === undefined || body === null) return EMPTY_SHA256
  if (typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer) {
    const bytes = body instanceof ArrayBuffer ? Buffer.from(body) : body
    return crypto.createHash('sha256').update(bytes).digest('hex')
  }
  throw new TypeError('request.body must be a string, Buffer, TypedArray or ArrayBuffer to be hashed; give config.signed_body_value otherwise')
}

/** `config` (an AwsSigningConfig) checked, in the signer's terms; a problem throws naming the field. */
function signingOptions(config) {
  if (config === null || typeof config !== 'object') throw new TypeError(`config must be an AwsSigningConfig object (got ${describe(config)})`)
  const algorithm = oneOf(config.algorithm, AwsSigningAlgorithm, 'config.algorithm', 'AwsSigningAlgorithm')
  if (algorithm !== AwsSigningAlgorithm.SigV4) {
    throw new CrtError(ERROR.unsupportedAlgorithm, { detail: 'config.algorithm: mqtt-napi signs with SigV4 only (SigV4Asymmetric is not supported)' })
  }
  const type = oneOf(config.signature_type, AwsSignatureType, 'config.signature_type', 'AwsSignatureType')
  if (type !== AwsSignatureType.HttpRequestViaHeaders && type !== AwsSignatureType.HttpRequestViaQueryParams) {
    throw new CrtError(ERROR.unsupportedSignatureType, { detail: 'config.signature_type: only HttpRequestViaHeaders and HttpRequestViaQueryParams are supported' })
  }
  if (!(config.provider instanceof AwsCredentialsProvider)) throw new TypeError('config.provider must be an auth.AwsCredentialsProvider')
  const date = config.date ?? new Date()
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('config.date must be a valid Date when given')
  const blacklist = config.header_blacklist ?? []
  if (!Array.isArray(blacklist) || blacklist.some((name) => typeof name !== 'string')) {
    throw new TypeError('config.header_blacklist must be an array of header names')
  }
  const expires = config.expiration_in_seconds
  if (expires !== undefined && (!Number.isInteger(expires) || expires <= 0)) {
    throw new TypeError(`config.expiration_in_seconds must be a positive integer when given (got ${expires})`)
  }
  const signedBody = config.signed_body_value
  if (signedBody !== undefined && typeof signedBody !== 'string') throw new TypeError('config.signed_body_value must be a string (an auth.AwsSignedBodyValue or a hex SHA-256)')
  const bodyHeader = oneOf(config.signed_body_header ?? AwsSignedBodyHeaderType.None, AwsSignedBodyHeaderType, 'config.signed_body_header', 'AwsSignedBodyHeaderType')
  return {
    provider: config.provider,
    inQuery: type === AwsSignatureType.HttpRequestViaQueryParams,
    region: nonEmptyString(config.region, 'config.region'),
    service: nonEmptyString(config.service, 'config.service'),
    date,
    omitSessionToken: optionalBool(config.omit_session_token, 'config.omit_session_token') ?? false,
    signedBody,
    bodyHashHeader: bodyHeader === AwsSignedBodyHeaderType.XAmzContentSha256,
    expiresInSeconds: type === AwsSignatureType.HttpRequestViaQueryParams ? expires : undefined,
    excludedHeaders: blacklist.map((name) => name.toLowerCase()),
    normalizePath: optionalBool(config.should_normalize_uri_path, 'config.should_normalize_uri_path') ?? true,
    doubleEncodePath: optionalBool(config.use_double_uri_encode, 'config.use_double_uri_encode') ?? true,
  }
}

/** Headers signing may add (aws-c-auth's list; other X-Amz-* headers, e.g. X-Amz-Target, are the caller's). */
const ADDED_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'x-amz-region-set'])
/** Query parameters signing may add (aws-c-auth's list, any case). */
const ADDED_QUERY_PARAMS = new Set([
  'x-amz-signature',
  'x-amz-date',
  'x-amz-credential',
  'x-amz-algorithm',
  'x-amz-signedheaders',
  'x-amz-security-token',
  'x-amz-expires',
  'x-amz-region-set',
])

/** What signing adds must not be there already (aws-c-auth refuses it too). */
function checkNotSigned(request) {
  for (const [name] of request.headers) {
    if (ADDED_HEADERS.has(name.toLowerCase())) {
      throw new CrtError(ERROR.illegalHeader, { detail: `request.headers: ${name} is added by signing; remove it first` })
    }
  }
  const query = request.path.includes('?') ? request.path.slice(request.path.indexOf('?') + 1) : ''
  const added = query.split('&').map((part) => part.split('=')[0]).find((name) => ADDED_QUERY_PARAMS.has(name.toLowerCase()))
  if (added !== undefined) {
    throw new CrtError(ERROR.illegalQueryParam, { detail: `request.path: ${added} is added by signing; remove it first` })
  }
}

/**
 * Signs `request` (an http.HttpRequest) in place with SigV4 as `config` (an
 * AwsSigningConfig) says, and resolves with it. Rejects with a TypeError
 * naming a bad field, or a CrtError when signing cannot be done.
 */
async function aws_sign_request(request, config) {
  if (!(request instanceof HttpRequest)) throw new TypeError('request must be an http.HttpRequest')
  const options = signingOptions(config)
  checkNotSigned(request)
  const credentials = await options.provider.getCredentials()
  const signed = signRequest(
    { method: request.method, path: request.path, headers: [...request.headers] },
    credentials,
    { ...options, bodyHash: options.signedBody ?? bodyHash(request.body) },
  )
  request.path = signed.path
  request.headers.clear()
  for (const [name, value] of signed.headers) request.headers.add(name, value)
  return request
}

/** aws-crt's SigV4a test helper; mqtt-napi does not sign with SigV4a. */
function aws_verify_sigv4a_signing() {
  throw new CrtError(ERROR.unsupportedAlgorithm, { detail: 'aws_verify_sigv4a_signing: mqtt-napi does not support SigV4a (SigV4Asymmetric)' })
}

module.exports = {
  AwsCredentialsProvider,
  AwsSigningAlgorithm,
  AwsSignatureType,
  AwsSignedBodyValue,
  AwsSignedBodyHeaderType,
  aws_sign_request,
  aws_verify_sigv4a_signing,
}
