'use strict'
// AWS Signature Version 4 of an HTTP request, as aws-c-auth (aws-crt's
// `auth.aws_sign_request`) computes it: in the query (a presigned URL, what
// AWS IoT's WebSocket upgrade uses) or in headers. Written here on
// node:crypto because no well-kept package gives aws-crt's exact output (the
// AWS SDKs' signers always sign and add X-Amz-Expires to a presigned URL).

const crypto = require('crypto')

const ALGORITHM = 'AWS4-HMAC-SHA256'
/** The SHA-256 of an empty body. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
/** Headers aws-c-auth never signs (hop-by-hop, or changed on the way). */
const NEVER_SIGNED = new Set([
  'x-amzn-trace-id',
  'user-agent',
  'expect',
  'transfer-encoding',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-protocol',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'authorization',
])

const sha256Hex = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex')
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text, 'utf8').digest()

/** RFC 3986 percent-encoding of everything but the unreserved characters. */
function uriEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** `2024-01-02T03:04:05Z` as `20240102T030405Z`. */
function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

/**
 * The path's segments with empty and dot segments resolved away (RFC 3986
 * section 5.2.4), a trailing slash kept, as aws-c-auth normalises.
 */
function normalizedSegments(segments) {
  const out = []
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') out.pop()
    else out.push(segment)
  }
  if (segments.length > 0 && segments[segments.length - 1] === '' && out.length > 0) out.push('')
  return out
}

/**
 * The canonical path: the request's path is taken as already encoded (as
 * aws-c-auth takes it) and encoded once more for every service but S3
 * (`doubleEncode`).
 */
function canonicalUri(path, { normalize, doubleEncode }) {
  const segments = path.split('/').slice(1)
  const kept = normalize ? normalizedSegments(segments) : segments
  return `/${kept.map(doubleEncode ? uriEncode : (segment) => segment).join('/')}`
}

function decodeURIComponentSafe(text) {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** `name=value` pairs of a query string, decoded. */
function queryPairs(query) {
  if (!query) return []
  return query.split('&').filter(Boolean).map((part) => {
    const at = part.indexOf('=')
    const [name, value] = at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)]
    return [decodeURIComponentSafe(name), decodeURIComponentSafe(value)]
  })
}

/** Pairs encoded and sorted by name, then value, joined as SigV4's canonical query. */
function canonicalQuery(pairs) {
  return pairs
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

/** The headers to sign: lower-case names, values trimmed and spaces collapsed, repeated names joined by commas. */
function signedHeaders(lines, excluded) {
  const byName = new Map()
  for (const [name, value] of lines) {
    const lower = name.toLowerCase()
    if (NEVER_SIGNED.has(lower) || excluded.has(lower)) continue
    const clean = String(value).trim().replace(/\s+/g, ' ')
    byName.set(lower, byName.has(lower) ? `${byName.get(lower)},${clean}` : clean)
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Signs `request` ({ method, path, headers: [[name, value], ...] }) with
 * `credentials` ({ accessKeyId, secretAccessKey, sessionToken? }) and
 * `options`:
 * - `inQuery`: a presigned URL (X-Amz-* query parameters) instead of an
 *   Authorization header;
 * - `region`, `service`, `date` (a Date);
 * - `omitSessionToken`: the token is added after signing, unsigned;
 * - `bodyHash`: the hex SHA-256 of the body, or a special value
 *   (UNSIGNED-PAYLOAD, ...); `bodyHashHeader`: also sent as x-amz-content-sha256;
 * - `expiresInSeconds`: X-Amz-Expires of a presigned URL;
 * - `excludedHeaders` (lower case), `normalizePath`, `doubleEncodePath`.
 * Returns the request's new path and headers.
 */
function signRequest(request, credentials, options) {
  const date = amzDate(options.date)
  const day = date.slice(0, 8)
  const scope = `${day}/${options.region}/${options.service}/aws4_request`
  const [pathOnly, query] = splitPath(request.path)
  const headers = request.headers.slice()
  const token = credentials.sessionToken || undefined
  const signToken = token !== undefined && !options.omitSessionToken
  if (!options.inQuery) {
    headers.push(['X-Amz-Date', date])
    if (token !== undefined) headers.push(['X-Amz-Security-Token', token])
    if (options.bodyHashHeader) headers.push(['x-amz-content-sha256', options.bodyHash])
  }
  const excluded = new Set(options.excludedHeaders ?? [])
  if (!options.inQuery && !signToken) excluded.add('x-amz-security-token')
  const signed = signedHeaders(headers, excluded)
  const signedNames = signed.map(([name]) => name).join(';')
  const added = []
  if (options.inQuery) {
    added.push(['X-Amz-Algorithm', ALGORITHM], ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`])
    added.push(['X-Amz-Date', date], ['X-Amz-SignedHeaders', signedNames])
    if (options.expiresInSeconds !== undefined) added.push(['X-Amz-Expires', String(options.expiresInSeconds)])
    if (signToken) added.push(['X-Amz-Security-Token', token])
  }
  const canonical = [
    request.method,
    canonicalUri(pathOnly, { normalize: options.normalizePath ?? true, doubleEncode: options.doubleEncodePath ?? true }),
    canonicalQuery([...queryPairs(query), ...added]),
    ...signed.map(([name, value]) => `${name}:${value}`),
    '',
    signedNames,
    options.bodyHash ?? EMPTY_SHA256,
  ].join('\n')
  const stringToSign = [ALGORITHM, date, scope, sha256Hex(canonical)].join('\n')
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day)
  for (const part of [options.region, options.service, 'aws4_request']) key = hmac(key, part)
  const signature = crypto.createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')

  if (options.inQuery) {
    if (token !== undefined && !signToken) added.push(['X-Amz-Security-Token', token])
    added.push(['X-Amz-Signature', signature])
    const appended = added.map(([name, value]) => `${name}=${uriEncode(value)}`).join('&')
    return { path: `${pathOnly}?${query ? `${query}&` : ''}${appended}`, headers }
  }
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedNames}, Signature=${signature}`
  return { path: request.path, headers: [...headers, ['Authorization', authorization]] }
}

function splitPath(path) {
  const at = path.indexOf('?')
  return at < 0 ? [path, ''] : [path.slice(0, at), path.slice(at + 1)]
}

module.exports = { signRequest, EMPTY_SHA256 }
