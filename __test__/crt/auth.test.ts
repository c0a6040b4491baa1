/**
 * The `auth` module (aws-crt's `auth` API, ../shared/reference/aws-iot.md
 * sections 5 and 6): `aws_sign_request` on `http.HttpRequest` gives aws-crt's
 * output (the reference's vectors, and aws-crt itself run on the same
 * inputs), bad input rejects naming the field, and every credential provider
 * gets its credentials from real sources: environment variables, profile
 * files, a `credential_process`, and local stand-ins for ECS, IMDSv2, Cognito
 * Identity and AWS IoT's credentials provider (HTTPS with a client
 * certificate). The default chain runs in child processes with an
 * environment of the test's making, so this machine's own AWS setup never
 * leaks in.
 */
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { auth, http, io, CrtError } from '../../index'
import { makeCerts, removeCerts } from '../support/certs'
import {
  cognitoHandler,
  ecsHandler,
  imdsHandler,
  IMDS_ROLE,
  iotCredentialsHandler,
  issuedCredentials,
  LocalServer,
  startHttpServer,
  startMtlsServer,
} from '../support/credential-servers'
import { describeRun, Run, runNode, startNode } from '../support/node-process'

process.env.AWS_CRT_NODEJS_SUPPRESS_NODE_DEPRECATION_WARNING = '1'
// The AWS SDK's Cognito client warns once per process on Node < 22
// (NodeVersionSupportWarning); kept out of this suite's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const crt = require('aws-crt') as typeof import('aws-crt')

const { AwsCredentialsProvider, AwsSigningAlgorithm, AwsSignatureType, AwsSignedBodyValue, AwsSignedBodyHeaderType } = auth

const ACCESS_KEY = 'AKIDEXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SESSION_TOKEN = 'FQoGZXIvYXdz/token+with=chars'
const DATE = new Date('2024-01-02T03:04:05Z')
const IOT_HOST = 'abc-ats.iot.us-east-1.amazonaws.com'
const CREDENTIAL_QUERY =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240102%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20240102T030405Z'
const SCOPE = 'AKIDEXAMPLE/20240102/us-east-1/iotdevicegateway/aws4_request'
/** The reference's vector B signature without a signed token. */
const UNSIGNED_TOKEN_SIGNATURE = 'd1b973253e8189b023437522d7d69558b8bf51bfb8a63a18845a3e52abd763d1'

type Header = [string, string]
const sha256Hex = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex')

const staticProvider = (token?: string) => AwsCredentialsProvider.newStatic(ACCESS_KEY, SECRET_KEY, token)

function getMqtt(headers: Header[] = [['host', IOT_HOST]], requestPath = '/mqtt', body?: unknown): http.HttpRequest {
  return new http.HttpRequest('GET', requestPath, new http.HttpHeaders(headers), body)
}

/** The section 5 signing config: SigV4 in the query, IoT's service, the fixed clock, an empty body. */
function iotConfig(overrides: Partial<auth.AwsSigningConfig> = {}): auth.AwsSigningConfig {
  return {
    algorithm: AwsSigningAlgorithm.SigV4,
    signature_type: AwsSignatureType.HttpRequestViaQueryParams,
    provider: staticProvider(),
    region: 'us-east-1',
    service: 'iotdevicegateway',
    date: DATE,
    signed_body_value: AwsSignedBodyValue.EmptySha256,
    ...overrides,
  }
}

const headerSigning = (overrides: Partial<auth.AwsSigningConfig> = {}) =>
  iotConfig({ signature_type: AwsSignatureType.HttpRequestViaHeaders, ...overrides })

const linesOf = (request: http.HttpRequest): Header[] => [...request.headers]

/** The signature of a request signed in its query or its Authorization header. */
function signatureOf(request: http.HttpRequest): string {
  const found = /[?&]X-Amz-Signature=([0-9a-f]{64})/.exec(request.path) ?? /Signature=([0-9a-f]{64})$/.exec(request.headers.get('Authorization'))
  if (!found) throw new Error(`no signature in ${request.path} ${JSON.stringify(linesOf(request))}`)
  return found[1]
}

const signedHeadersOf = (request: http.HttpRequest) => /SignedHeaders=([^,]*),/.exec(request.headers.get('Authorization'))?.[1]

/** `promise`'s rejection (failing the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & { error_code?: number; error_name?: string }> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection, but it resolved')
}

/** What `make()` throws (failing the test if it does not). */
function thrownBy(make: () => unknown): Error {
  try {
    make()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw, but it returned')
}

describe('aws_sign_request: the reference vectors (section 5 B)', () => {
  test('the request is changed in place and the same object resolves', async () => {
    const request = getMqtt()
    const signed = await auth.aws_sign_request(request, iotConfig())
    expect(signed).toBe(request)
    expect(request.path).toBe(`/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host&X-Amz-Signature=${UNSIGNED_TOKEN_SIGNATURE}`)
    expect(linesOf(request)).toEqual([['host', IOT_HOST]])
  })

  test('in the query with a session token and omit_session_token: the token is added, unsigned, before X-Amz-Signature', async () => {
    const request = await auth.aws_sign_request(getMqtt(), iotConfig({ provider: staticProvider(SESSION_TOKEN), omit_session_token: true }))
    expect(request.path).toBe(
      `/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdz%2Ftoken%2Bwith%3Dchars` +
        `&X-Amz-Signature=${UNSIGNED_TOKEN_SIGNATURE}`,
    )
  })

  test('in the query with a session token, omit_session_token false: the token is signed, and no X-Amz-Expires is added', async () => {
    const request = await auth.aws_sign_request(getMqtt(), iotConfig({ provider: staticProvider(SESSION_TOKEN), omit_session_token: false }))
    expect(request.path).toBe(
      `/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdz%2Ftoken%2Bwith%3Dchars` +
        '&X-Amz-Signature=b78567d0118859bdf5170038ed460a2f2bde0f261d96d96e3c47eda9405f90bc',
    )
    expect(request.path).not.toContain('X-Amz-Expires')
  })

  test.each([
    [true, 'host;x-amz-date', '8e280725a812ab42f7f50b4f0423fb0616dd4c0e75058de51d7d27d896571f6f'],
    [false, 'host;x-amz-date;x-amz-security-token', '50550a759439b6a8518376be79ba8f2924d3e090adf93319c8fdde4c1de4907e'],
  ])('in headers with a session token, omit_session_token %s: X-Amz-Date, the raw token and Authorization are added', async (omit, signedHeaders, signature) => {
    const request = await auth.aws_sign_request(getMqtt(), headerSigning({ provider: staticProvider(SESSION_TOKEN), omit_session_token: omit }))
    expect(request.path).toBe('/mqtt')
    expect(request.headers.get('host')).toBe(IOT_HOST)
    expect(request.headers.get('X-Amz-Date')).toBe('20240102T030405Z')
    expect(request.headers.get('X-Amz-Security-Token')).toBe(SESSION_TOKEN)
    expect(request.headers.get('Authorization')).toBe(`AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=${signedHeaders}, Signature=${signature}`)
    expect(request.headers.length).toBe(4)
  })

  test('expiration_in_seconds adds X-Amz-Expires to the query, and it is signed', async () => {
    const request = await auth.aws_sign_request(getMqtt(), iotConfig({ expiration_in_seconds: 300 }))
    expect(request.path).toMatch(new RegExp(`^/mqtt\\?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host&X-Amz-Expires=300&X-Amz-Signature=[0-9a-f]{64}$`))
    expect(signatureOf(request)).not.toBe(UNSIGNED_TOKEN_SIGNATURE)
  })
})

describe('aws_sign_request: the body, the body header and the header blacklist', () => {
  const BODY = '{"state":{"desired":{"on":true}}}'

  test.each([
    ['a string', BODY],
    ['a Buffer', Buffer.from(BODY)],
  ])("%s body is hashed with SHA-256 into the signature when signed_body_value is not given", async (_, body) => {
    const hashed = await auth.aws_sign_request(getMqtt(undefined, '/mqtt', body), headerSigning({ signed_body_value: undefined }))
    const empty = await auth.aws_sign_request(getMqtt(), headerSigning())
    const recomputed = await auth.aws_sign_request(getMqtt(), headerSigning({ signed_body_value: sha256Hex(BODY) }))
    expect(signatureOf(hashed)).not.toBe(signatureOf(empty))
    expect(signatureOf(hashed)).toBe(signatureOf(recomputed))
  })

  test('no body and no signed_body_value signs the SHA-256 of the empty body', async () => {
    const request = await auth.aws_sign_request(getMqtt(), iotConfig({ signed_body_value: undefined }))
    expect(signatureOf(request)).toBe(UNSIGNED_TOKEN_SIGNATURE)
  })

  test('signed_body_value wins over the body', async () => {
    const request = await auth.aws_sign_request(getMqtt(undefined, '/mqtt', BODY), iotConfig())
    expect(signatureOf(request)).toBe(UNSIGNED_TOKEN_SIGNATURE)
  })

  test('signed_body_header XAmzContentSha256 adds a signed x-amz-content-sha256 with the body hash', async () => {
    const request = await auth.aws_sign_request(
      getMqtt(undefined, '/mqtt', Buffer.from(BODY)),
      headerSigning({ signed_body_value: undefined, signed_body_header: AwsSignedBodyHeaderType.XAmzContentSha256 }),
    )
    expect(request.headers.get('x-amz-content-sha256')).toBe(sha256Hex(BODY))
    expect(signedHeadersOf(request)).toBe('host;x-amz-content-sha256;x-amz-date')
  })

  test('signed_body_header None (the default) adds no x-amz-content-sha256', async () => {
    const request = await auth.aws_sign_request(getMqtt(), headerSigning({ signed_body_header: AwsSignedBodyHeaderType.None }))
    expect(request.headers.get_values('x-amz-content-sha256')).toEqual([])
  })

  test('header_blacklist keeps a header (any case) out of SignedHeaders, and the request keeps it', async () => {
    const lines: Header[] = [['host', IOT_HOST], ['X-Device-Label', 'kitchen']]
    const plain = await auth.aws_sign_request(getMqtt(lines), headerSigning())
    const blacklisted = await auth.aws_sign_request(getMqtt(lines), headerSigning({ header_blacklist: ['x-device-LABEL'] }))
    expect(signedHeadersOf(plain)).toBe('host;x-amz-date;x-device-label')
    expect(signedHeadersOf(blacklisted)).toBe('host;x-amz-date')
    expect(blacklisted.headers.get('X-Device-Label')).toBe('kitchen')
  })

  test('a body that cannot be hashed rejects, pointing at signed_body_value', async () => {
    const error = await rejectionOf(auth.aws_sign_request(getMqtt(undefined, '/mqtt', { json: true }), iotConfig({ signed_body_value: undefined })))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/request\.body.*signed_body_value/)
  })
})

describe('aws_sign_request: bad input rejects (never throws) with an error naming the field', () => {
  const CRT = 'CrtError'
  const withHeader = (name: string) => () => getMqtt([['host', IOT_HOST], [name, 'x']])
  const cases: Array<[string, Partial<auth.AwsSigningConfig> | null, (() => http.HttpRequest) | null, string, RegExp, string | undefined]> = [
    ['no region', { region: undefined as unknown as string }, null, 'TypeError', /config\.region/, undefined],
    ['an empty region', { region: '' }, null, 'TypeError', /config\.region/, undefined],
    ['no service', { service: undefined }, null, 'TypeError', /config\.service/, undefined],
    ['a provider that is not an AwsCredentialsProvider', { provider: { getCredentials: async () => ({}) } as unknown as auth.AwsCredentialsProvider }, null, 'TypeError', /config\.provider/, undefined],
    ['an unknown algorithm', { algorithm: 7 as auth.AwsSigningAlgorithm }, null, 'TypeError', /config\.algorithm/, undefined],
    ['SigV4Asymmetric', { algorithm: AwsSigningAlgorithm.SigV4Asymmetric }, null, CRT, /config\.algorithm/, 'AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM'],
    ['an unknown signature type', { signature_type: 9 as auth.AwsSignatureType }, null, 'TypeError', /config\.signature_type/, undefined],
    ['HttpRequestChunk', { signature_type: AwsSignatureType.HttpRequestChunk }, null, CRT, /config\.signature_type/, 'AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE'],
    ['HttpRequestEvent', { signature_type: AwsSignatureType.HttpRequestEvent }, null, CRT, /config\.signature_type/, 'AWS_AUTH_SIGNING_UNSUPPORTED_SIGNATURE_TYPE'],
    ['an invalid date', { date: new Date('not a date') }, null, 'TypeError', /config\.date/, undefined],
    ['a header_blacklist that is not an array', { header_blacklist: 'host' as unknown as string[] }, null, 'TypeError', /config\.header_blacklist/, undefined],
    ['a negative expiration_in_seconds', { expiration_in_seconds: -1 }, null, 'TypeError', /config\.expiration_in_seconds/, undefined],
    ['a non-boolean omit_session_token', { omit_session_token: 'yes' as unknown as boolean }, null, 'TypeError', /config\.omit_session_token/, undefined],
    ['an unknown signed_body_header', { signed_body_header: 5 as auth.AwsSignedBodyHeaderType }, null, 'TypeError', /config\.signed_body_header/, undefined],
    ['a pre-set X-Amz-Date header', null, withHeader('X-Amz-Date'), CRT, /X-Amz-Date/, 'AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER'],
    ['a pre-set Authorization header', null, withHeader('Authorization'), CRT, /Authorization/, 'AWS_AUTH_SIGNING_ILLEGAL_REQUEST_HEADER'],
    ['a pre-set X-Amz-Signature query parameter', null, () => getMqtt(undefined, '/mqtt?a=1&X-Amz-Signature=abc'), CRT, /X-Amz-Signature/, 'AWS_AUTH_SIGNING_ILLEGAL_REQUEST_QUERY_PARAM'],
  ]

  test.each(cases)('%s', async (_, overrides, makeRequest, name, message, errorName) => {
    const request = makeRequest ? makeRequest() : getMqtt()
    const before = { path: request.path, headers: linesOf(request) }
    const pending = auth.aws_sign_request(request, iotConfig(overrides ?? {}))
    expect(pending).toBeInstanceOf(Promise)
    const error = await rejectionOf(pending)
    expect(error.name).toBe(name)
    expect(error.message).toMatch(message)
    if (errorName) {
      expect(error).toBeInstanceOf(CrtError)
      expect(error.error_name).toBe(errorName)
    }
    expect({ path: request.path, headers: linesOf(request) }).toEqual(before)
  })

  test('a request that is not an http.HttpRequest rejects with a TypeError naming request', async () => {
    const error = await rejectionOf(auth.aws_sign_request({ method: 'GET', path: '/', headers: [] } as unknown as http.HttpRequest, iotConfig()))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^request /)
  })

  test('a config that is not an object rejects with a TypeError naming config', async () => {
    const error = await rejectionOf(auth.aws_sign_request(getMqtt(), null as unknown as auth.AwsSigningConfig))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^config /)
  })

  test('aws_verify_sigv4a_signing throws AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM', () => {
    const error = thrownBy(() => auth.aws_verify_sigv4a_signing(getMqtt(), iotConfig(), '', '', '', '')) as CrtError
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_AUTH_SIGNING_UNSUPPORTED_ALGORITHM')
  })
})

describe("aws_sign_request side by side with aws-crt's", () => {
  test("the enums are aws-crt's", () => {
    expect({ ...AwsSigningAlgorithm }).toEqual({ ...crt.auth.AwsSigningAlgorithm })
    expect({ ...AwsSignatureType }).toEqual({ ...crt.auth.AwsSignatureType })
    expect({ ...AwsSignedBodyValue }).toEqual({ ...crt.auth.AwsSignedBodyValue })
    expect({ ...AwsSignedBodyHeaderType }).toEqual({ ...crt.auth.AwsSignedBodyHeaderType })
  })

  interface Case {
    method?: string
    path?: string
    headers?: Header[]
    token?: string
    config?: Partial<auth.AwsSigningConfig>
  }

  /** Signs the same request with the same settings with mqtt-napi and with aws-crt. */
  async function signBoth(c: Case) {
    const headers = c.headers ?? [['host', IOT_HOST]]
    const settings = { ...iotConfig(), ...c.config }
    const ours = await auth.aws_sign_request(
      new http.HttpRequest(c.method ?? 'GET', c.path ?? '/mqtt', new http.HttpHeaders(headers)),
      { ...settings, provider: AwsCredentialsProvider.newStatic(ACCESS_KEY, SECRET_KEY, c.token) },
    )
    const theirs = await crt.auth.aws_sign_request(
      new crt.http.HttpRequest(c.method ?? 'GET', c.path ?? '/mqtt', new crt.http.HttpHeaders(headers)),
      { ...settings, provider: crt.auth.AwsCredentialsProvider.newStatic(ACCESS_KEY, SECRET_KEY, c.token) } as unknown as import('aws-crt').auth.AwsSigningConfig,
    )
    // The order of the added header lines differs (aws-crt adds the token
    // before X-Amz-Date); their names and values must not.
    const sorted = (lines: Iterable<[string, string]>) => [...lines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      ours: { path: ours.path, headers: sorted(ours.headers) },
      theirs: { path: theirs.path, headers: sorted(theirs.headers as unknown as Iterable<[string, string]>) },
    }
  }

  const HEADERS = { signature_type: AwsSignatureType.HttpRequestViaHeaders }
  const UPGRADE: Header[] = [
    ['Host', 'localhost'],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
    ['Sec-WebSocket-Protocol', 'mqtt'],
    ['User-Agent', 'test'],
  ]
  test.each<[string, Case]>([
    ['query, no token', {}],
    ['query, token, omit_session_token', { token: SESSION_TOKEN, config: { omit_session_token: true } }],
    ['query, token signed', { token: SESSION_TOKEN }],
    ['query, an empty token is no token', { token: '' }],
    ['query, expiration_in_seconds 3600', { token: SESSION_TOKEN, config: { omit_session_token: true, expiration_in_seconds: 3600 } }],
    ['query, the WebSocket upgrade request (hop-by-hop and sec-websocket-* headers)', { headers: UPGRADE }],
    ['query, a path that has a query already', { path: '/mqtt?b=2&a=%2F&a=1&sp=x%20y', token: SESSION_TOKEN, config: { omit_session_token: true } }],
    ['headers, no token', { config: HEADERS }],
    ['headers, token, omit_session_token', { token: SESSION_TOKEN, config: { ...HEADERS, omit_session_token: true } }],
    ['headers, token signed', { token: SESSION_TOKEN, config: HEADERS }],
    ['headers, repeated and spaced header values', { headers: [['host', IOT_HOST], ['X-Custom', 'a   b'], ['x-custom', 'c']], config: HEADERS }],
    ['headers, header_blacklist', { headers: [['host', IOT_HOST], ['X-Custom', 'v']], config: { ...HEADERS, header_blacklist: ['X-CUSTOM'] } }],
    ['headers, POST, UNSIGNED-PAYLOAD and x-amz-content-sha256', { method: 'POST', config: { ...HEADERS, signed_body_value: AwsSignedBodyValue.UnsignedPayload, signed_body_header: AwsSignedBodyHeaderType.XAmzContentSha256 } }],
    ['headers, X-Amz-* headers of the caller (X-Amz-Target, x-amz-meta-*, X-Amz-User-Agent) are signed', {
      method: 'POST',
      headers: [['host', 'cognito-identity.us-east-1.amazonaws.com'], ['X-Amz-Target', 'AWSCognitoIdentityService.GetId'], ['x-amz-meta-color', 'blue'], ['X-Amz-User-Agent', 'sdk/1']],
      config: HEADERS,
    }],
    ['query, an x-amz-* query parameter of the caller is kept and signed', { path: '/mqtt?x-amz-customauthorizer-name=auth1', config: { omit_session_token: true }, token: SESSION_TOKEN }],
    ['headers, dot segments normalized', { path: '/a/./b/../c', config: HEADERS }],
    ['headers, dot segments kept (should_normalize_uri_path false)', { path: '/a/./b/../c', config: { ...HEADERS, should_normalize_uri_path: false } }],
    ['headers, an encoded path, double-encoded', { path: '/a/c%20d/%2F', config: HEADERS }],
    ['headers, an encoded path, not double-encoded (S3)', { path: '/a/c%20d/%2F', config: { ...HEADERS, use_double_uri_encode: false } }],
  ])('%s', async (_, c) => {
    const { ours, theirs } = await signBoth(c)
    expect(ours).toEqual(theirs)
  })

  // aws-c-auth takes request.path as already percent-encoded: it encodes it
  // once more (double encoding) or keeps it as it is, and normalizing drops
  // empty segments.
  test.each<[string, Case]>([
    ['an encoded unreserved character (%7E) is encoded again, not decoded', { path: '/a/c%7Ed', config: HEADERS }],
    ['lower-case percent-encoding (%2f) keeps its case', { path: '/a/c%2fd', config: HEADERS }],
    ['an empty path segment is dropped when normalizing', { path: '/a//b/', config: HEADERS }],
    ['a raw space is encoded once', { path: '/a/c d', config: HEADERS }],
  ])('headers, path as aws-c-auth reads it: %s', async (_, c) => {
    const { ours, theirs } = await signBoth(c)
    expect(ours).toEqual(theirs)
  })

  const ADDED_HEADERS = ['X-Amz-Date', 'authorization', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256', 'X-Amz-Region-Set']
  const ADDED_QUERY = ['X-Amz-Signature', 'x-amz-date', 'X-Amz-Credential', 'X-Amz-Algorithm', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Expires', 'X-Amz-Region-Set']
  test.each<[string, Header[], string]>([
    ...ADDED_HEADERS.map((name): [string, Header[], string] => [`a pre-set ${name} header`, [['host', 'h'], [name, 'x']], '/']),
    ...ADDED_QUERY.map((name): [string, Header[], string] => [`a pre-set ${name} query parameter`, [['host', 'h']], `/?a=1&${name}=1`]),
  ])('%s is refused with the same error', async (_, headers, requestPath) => {
    const ours = await rejectionOf(auth.aws_sign_request(new http.HttpRequest('GET', requestPath, new http.HttpHeaders(headers)), iotConfig()))
    const theirs = await rejectionOf(
      crt.auth.aws_sign_request(
        new crt.http.HttpRequest('GET', requestPath, new crt.http.HttpHeaders(headers)),
        { ...iotConfig(), provider: crt.auth.AwsCredentialsProvider.newStatic(ACCESS_KEY, SECRET_KEY) } as unknown as import('aws-crt').auth.AwsSigningConfig,
      ),
    )
    expect(ours.error_name).toMatch(/^AWS_AUTH_SIGNING_ILLEGAL_REQUEST_(HEADER|QUERY_PARAM)$/)
    expect(ours.error_name).toBe(theirs.error_name)
    expect(ours.error_code).toBe(theirs.error_code)
  })
})

describe('AwsCredentialsProvider.newStatic', () => {
  test('getCredentials resolves the keys and token given', async () => {
    await expect(staticProvider(SESSION_TOKEN).getCredentials()).resolves.toEqual({
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
      sessionToken: SESSION_TOKEN,
    })
  })

  test("empty strings are accepted (as aws-crt does); an empty token is no token", async () => {
    const credentials = await AwsCredentialsProvider.newStatic('', '', '').getCredentials()
    expect(credentials).toMatchObject({ accessKeyId: '', secretAccessKey: '' })
    expect(credentials.sessionToken).toBeUndefined()
  })

  test.each([
    ['access_key', () => AwsCredentialsProvider.newStatic(1 as unknown as string, SECRET_KEY)],
    ['secret_key', () => AwsCredentialsProvider.newStatic(ACCESS_KEY, null as unknown as string)],
    ['session_token', () => AwsCredentialsProvider.newStatic(ACCESS_KEY, SECRET_KEY, Buffer.from('t') as unknown as string)],
  ])('a non-string %s throws a TypeError naming it', (field, make) => {
    const error = thrownBy(make)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(new RegExp(`^${field} must be a string`))
  })

  test('the constructor is not for users: a TypeError pointing at the factories', () => {
    const Provider = AwsCredentialsProvider as unknown as new (fetch?: unknown) => unknown
    expect(thrownBy(() => new Provider()).message).toMatch(/static factories/)
  })
})

describe('AwsCredentialsProvider.newDelegate', () => {
  const inAnHour = () => new Date(Date.now() + 60 * 60 * 1000)

  /** A delegate that counts its calls and answers `answer()`. */
  function counting(answer: () => unknown) {
    const delegate = jest.fn(async () => answer())
    return { delegate, provider: AwsCredentialsProvider.newDelegate(delegate as unknown as () => Promise<auth.AwsCredentials>) }
  }

  test("the delegate's credentials reach the signature", async () => {
    const { provider } = counting(() => ({ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN }))
    const request = await auth.aws_sign_request(getMqtt(), iotConfig({ provider, omit_session_token: true }))
    expect(request.path).toBe(
      `/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdz%2Ftoken%2Bwith%3Dchars` +
        `&X-Amz-Signature=${UNSIGNED_TOKEN_SIGNATURE}`,
    )
  })

  test('a synchronous delegate works too', async () => {
    const provider = AwsCredentialsProvider.newDelegate(() => ({ accessKeyId: 'AKIDSYNC', secretAccessKey: 's' }))
    await expect(provider.getCredentials()).resolves.toMatchObject({ accessKeyId: 'AKIDSYNC', secretAccessKey: 's' })
  })

  test.each<[string, () => unknown, RegExp]>([
    ['rejects', () => Promise.reject(new Error('vault is sealed')), /vault is sealed/],
    ['throws', () => { throw new Error('no network') }, /no network/],
    ['answers null', () => null, /accessKeyId, secretAccessKey/],
    ['answers without a secret', () => ({ accessKeyId: 'AKID' }), /secretAccessKey must be a non-empty string/],
    ['answers an empty access key', () => ({ accessKeyId: '', secretAccessKey: 's' }), /accessKeyId must be a non-empty string/],
    ['answers a string expiration', () => ({ accessKeyId: 'A', secretAccessKey: 's', expiration: '2030-01-01' }), /expiration must be a valid Date/],
  ])('a delegate that %s fails signing with AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE, the cause kept', async (_, answer, cause) => {
    const provider = AwsCredentialsProvider.newDelegate(answer as () => Promise<auth.AwsCredentials>)
    const error = await rejectionOf(auth.aws_sign_request(getMqtt(), iotConfig({ provider })))
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE')
    expect(error.message).toMatch(cause)
  })

  test('a failure is not kept: the next signing asks the delegate again', async () => {
    let calls = 0
    const provider = AwsCredentialsProvider.newDelegate(async () => {
      if (++calls === 1) throw new Error('not yet')
      return { accessKeyId: 'AKIDLATER', secretAccessKey: 's' }
    })
    await expect(provider.getCredentials()).rejects.toThrow(/not yet/)
    await expect(provider.getCredentials()).resolves.toMatchObject({ accessKeyId: 'AKIDLATER' })
  })

  test('a delegate that is not a function throws a TypeError naming delegate', () => {
    const error = thrownBy(() => AwsCredentialsProvider.newDelegate('creds' as unknown as () => Promise<auth.AwsCredentials>))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^delegate must be a function/)
  })

  test('credentials that expire in an hour are kept: two signings call the delegate once', async () => {
    const { delegate, provider } = counting(() => ({ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, expiration: inAnHour() }))
    await auth.aws_sign_request(getMqtt(), iotConfig({ provider }))
    await auth.aws_sign_request(getMqtt(), iotConfig({ provider }))
    expect(delegate).toHaveBeenCalledTimes(1)
  })

  test('credentials without an expiration are not kept: each signing calls the delegate', async () => {
    const { delegate, provider } = counting(() => ({ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }))
    await auth.aws_sign_request(getMqtt(), iotConfig({ provider }))
    await auth.aws_sign_request(getMqtt(), iotConfig({ provider }))
    expect(delegate).toHaveBeenCalledTimes(2)
  })

  test('credentials that expire within 5 minutes are fetched again', async () => {
    let n = 0
    const { delegate, provider } = counting(() => ({
      accessKeyId: `AKID${++n}`,
      secretAccessKey: SECRET_KEY,
      expiration: new Date(Date.now() + 4 * 60 * 1000),
    }))
    expect((await provider.getCredentials()).accessKeyId).toBe('AKID1')
    expect((await provider.getCredentials()).accessKeyId).toBe('AKID2')
    expect(delegate).toHaveBeenCalledTimes(2)
  })

  test('concurrent requests share one call of the delegate', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const delegate = jest.fn(async () => {
      await gate
      return { accessKeyId: 'AKIDSHARED', secretAccessKey: SECRET_KEY }
    })
    const provider = AwsCredentialsProvider.newDelegate(delegate)
    const signings = [1, 2, 3].map(() => auth.aws_sign_request(getMqtt(), iotConfig({ provider })))
    const direct = provider.getCredentials()
    release()
    const signed = await Promise.all(signings)
    expect(delegate).toHaveBeenCalledTimes(1)
    expect((await direct).accessKeyId).toBe('AKIDSHARED')
    for (const request of signed) expect(request.path).toContain('X-Amz-Credential=AKIDSHARED%2F')
  })
})

/** What the default-chain child wrote. */
interface ChainResult {
  answers: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: string }>
  ms: number
  error?: { name: string; message: string; error_code?: number; error_name?: string }
}

const DEFAULT_CHILD = path.join(__dirname, '..', 'support', 'scripts', 'default-credentials.js')
const PROCESS_SCRIPT = path.join(__dirname, '..', 'support', 'scripts', 'credential-process.js')

/**
 * Runs newDefault() in a child whose environment is only PATH, a temp HOME,
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE in it (holding `files`),
 * AWS_EC2_METADATA_DISABLED=true and `env` (a value undefined removes it).
 * The child asks for credentials `count` times.
 */
async function defaultChain(env: NodeJS.ProcessEnv, files: { config?: string; credentials?: string } = {}, count = 1): Promise<{ run: Run; result: ChainResult }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-auth-home-'))
  try {
    const configFile = path.join(home, 'aws-config')
    const credentialsFile = path.join(home, 'aws-credentials')
    if (files.config !== undefined) fs.writeFileSync(configFile, files.config)
    if (files.credentials !== undefined) fs.writeFileSync(credentialsFile, files.credentials)
    const resultFile = path.join(home, 'result.json')
    const inherited = Object.fromEntries(Object.keys(process.env).map((name) => [name, undefined]))
    const run = await startNode([DEFAULT_CHILD, resultFile, String(count)], 20000, {
      env: {
        ...inherited,
        PATH: process.env.PATH,
        HOME: home,
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
    }).result
    if (run.code !== 0 || !fs.existsSync(resultFile)) throw new Error(`the child failed: ${describeRun(run)}`)
    return { run, result: JSON.parse(fs.readFileSync(resultFile, 'utf8')) }
  } finally {
    fs.rmSync(home, { recursive: true, force: true })
  }
}

/** The child printed nothing (the SDK's providers log nowhere) and found credentials. */
function expectQuietAnswers(run: Run, result: ChainResult) {
  expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: '', stderr: '' })
  expect(result.error).toBeUndefined()
}

describe('AwsCredentialsProvider.newDefault (child processes, a controlled environment)', () => {
  const servers: LocalServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  test('environment variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN', async () => {
    const { run, result } = await defaultChain({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' })
    expectQuietAnswers(run, result)
    expect(result.answers).toEqual([{ accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret', sessionToken: 'env-token' }])
  })

  const CREDENTIALS_FILE =
    '[default]\naws_access_key_id = AKIDDEFAULTPROFILE\naws_secret_access_key = default-profile-secret\n\n' +
    '[other]\naws_access_key_id = AKIDOTHERPROFILE\naws_secret_access_key = other-profile-secret\naws_session_token = other-profile-token\n'
  const CONFIG_FILE = '[profile configured]\naws_access_key_id = AKIDCONFIGPROFILE\naws_secret_access_key = config-profile-secret\n'

  test.each([
    ['the [default] profile of AWS_SHARED_CREDENTIALS_FILE', {}, { accessKeyId: 'AKIDDEFAULTPROFILE', secretAccessKey: 'default-profile-secret' }],
    ['AWS_PROFILE=other picks [other] of AWS_SHARED_CREDENTIALS_FILE', { AWS_PROFILE: 'other' }, { accessKeyId: 'AKIDOTHERPROFILE', secretAccessKey: 'other-profile-secret', sessionToken: 'other-profile-token' }],
    ['AWS_PROFILE=configured picks [profile configured] of AWS_CONFIG_FILE', { AWS_PROFILE: 'configured' }, { accessKeyId: 'AKIDCONFIGPROFILE', secretAccessKey: 'config-profile-secret' }],
  ])('%s', async (_, env, expected) => {
    const { run, result } = await defaultChain(env, { credentials: CREDENTIALS_FILE, config: CONFIG_FILE })
    expectQuietAnswers(run, result)
    expect(result.answers).toEqual([expected])
  })

  test("a profile's credential_process (Version 1 JSON on its stdout)", async () => {
    const command = `"${process.execPath}" "${PROCESS_SCRIPT}" AKIDPROCESS process-secret`
    const { run, result } = await defaultChain({}, { config: `[default]\ncredential_process = ${command}\n` })
    expectQuietAnswers(run, result)
    expect(result.answers).toHaveLength(1)
    const [answer] = result.answers
    expect(answer).toMatchObject({ accessKeyId: 'AKIDPROCESS', secretAccessKey: 'process-secret', sessionToken: 'process-session-token' })
    expect(Date.parse(answer.expiration!)).toBeGreaterThan(Date.now())
  })

  test('ECS: AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN, the answer kept for a second request', async () => {
    const issued = issuedCredentials('ecs')
    const server = await startHttpServer(ecsHandler('ecs-auth-token', issued))
    servers.push(server)
    const { run, result } = await defaultChain(
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ecs-auth-token' },
      {},
      2,
    )
    expectQuietAnswers(run, result)
    const expected = { ...issued, expiration: issued.expiration.toISOString() }
    expect(result.answers).toEqual([expected, expected])
    expect(server.seen).toHaveLength(1)
    expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/creds', headers: expect.objectContaining({ authorization: 'ecs-auth-token' }) })
  })

  test('IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT: a token is fetched first and sent with every metadata request', async () => {
    const issued = issuedCredentials('imds')
    const server = await startHttpServer(imdsHandler('imds-session-token-123', issued))
    servers.push(server)
    const { run, result } = await defaultChain({ AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url })
    expectQuietAnswers(run, result)
    expect(result.answers).toEqual([{ ...issued, expiration: issued.expiration.toISOString() }])
    const [tokenRequest, ...metadataRequests] = server.seen
    expect(tokenRequest).toMatchObject({ method: 'PUT', url: '/latest/api/token' })
    expect(tokenRequest.headers['x-aws-ec2-metadata-token-ttl-seconds']).toMatch(/^\d+$/)
    expect(metadataRequests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /latest/meta-data/iam/security-credentials/',
      `GET /latest/meta-data/iam/security-credentials/${IMDS_ROLE}`,
    ])
    for (const request of metadataRequests) expect(request.headers['x-aws-ec2-metadata-token']).toBe('imds-session-token-123')
  })

  test('nothing found (IMDS disabled): CrtError AWS_AUTH_SIGNING_NO_CREDENTIALS, quickly and quietly', async () => {
    const { run, result } = await defaultChain({})
    expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: '', stderr: '' })
    expect(result.answers).toEqual([])
    expect(result.error).toMatchObject({ name: 'CrtError', error_code: 6146, error_name: 'AWS_AUTH_SIGNING_NO_CREDENTIALS' })
    expect(result.ms).toBeLessThan(3000)
  })
})

describe('without the optional package @aws-sdk/credential-providers', () => {
  const CHILD = path.join(__dirname, '..', 'support', 'scripts', 'credentials-without-sdk.js')

  test('newDefault and newCognito throw an Error naming the package; newStatic and newDelegate still sign', async () => {
    const run = await runNode([CHILD], 20000)
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    for (const factory of ['newDefault', 'newCognito']) {
      expect(result[factory].name).toBe('Error')
      expect(result[factory].message).toContain(`AwsCredentialsProvider.${factory} needs the optional package @aws-sdk/credential-providers`)
      expect(result[factory].message).toContain('npm install @aws-sdk/credential-providers')
    }
    expect({ staticKey: result.staticKey, delegateKey: result.delegateKey }).toEqual({ staticKey: 'AKIDSTATIC', delegateKey: 'AKIDDELEGATE' })
  })

  test('a missing dependency of the installed package is reported as itself, not as the package missing', async () => {
    const run = await runNode([CHILD, '@smithy/core/config'], 20000)
    expect(run.code).toBe(0)
    const { newDefault } = JSON.parse(run.stdout)
    expect(newDefault.message).toMatch(/^Cannot find module '@smithy\/core\/config'/)
    expect(newDefault.message).not.toContain('needs the optional package')
  })
})

describe('AwsCredentialsProvider.newCognito (a local GetCredentialsForIdentity endpoint)', () => {
  const IDENTITY = 'us-east-1:abc'
  const LOGINS = [{ identityProviderName: 'accounts.example.com', identityProviderToken: 'login-token-1' }]
  let server: LocalServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  test("the identity and logins are sent; the identity's credentials come back and are kept until they near expiry", async () => {
    const issued = issuedCredentials('cognito')
    server = await startHttpServer(cognitoHandler(issued))
    const provider = AwsCredentialsProvider.newCognito({ endpoint: server.url, identity: IDENTITY, logins: LOGINS })
    await expect(provider.getCredentials()).resolves.toEqual(issued)
    await expect(provider.getCredentials()).resolves.toEqual(issued)
    expect(server.seen).toHaveLength(1)
    const [request] = server.seen
    expect(request.method).toBe('POST')
    expect(request.headers['x-amz-target']).toBe('AWSCognitoIdentityService.GetCredentialsForIdentity')
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1')
    expect(JSON.parse(request.body)).toEqual({ IdentityId: IDENTITY, Logins: { 'accounts.example.com': 'login-token-1' } })
  })

  test('the credentials reach the signature', async () => {
    server = await startHttpServer(cognitoHandler(issuedCredentials('cognito')))
    const provider = AwsCredentialsProvider.newCognito({ endpoint: server.url, identity: IDENTITY })
    const request = await auth.aws_sign_request(getMqtt(), iotConfig({ provider, omit_session_token: true }))
    expect(request.path).toContain('X-Amz-Credential=AKIDCOGNITO%2F20240102%2F')
    expect(request.path).toContain('&X-Amz-Security-Token=cognito-session-token&')
  })

  test('a 400 answer fails with AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE, the reason kept', async () => {
    server = await startHttpServer(cognitoHandler(issuedCredentials('cognito'), { status: 400, type: 'NotAuthorizedException', message: 'Invalid login token.' }))
    const provider = AwsCredentialsProvider.newCognito({ endpoint: server.url, identity: IDENTITY, logins: LOGINS })
    const error = await rejectionOf(provider.getCredentials())
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_AUTH_CREDENTIALS_PROVIDER_COGNITO_SOURCE_FAILURE')
    expect(error.message).toContain('Invalid login token.')
  })

  const GOOD = { endpoint: 'cognito-identity.us-east-1.amazonaws.com', identity: IDENTITY }
  test.each<[string, unknown, RegExp]>([
    ['null', null, /^config must be a CognitoCredentialsProviderConfig/],
    ['no endpoint', { identity: IDENTITY }, /^config\.endpoint must be a string/],
    ['no identity', { endpoint: GOOD.endpoint }, /^config\.identity must be a string/],
    ['an empty identity', { ...GOOD, identity: '' }, /^config\.identity must be a Cognito identity id/],
    ['logins that are not an array', { ...GOOD, logins: { a: 'b' } }, /^config\.logins must be an array/],
    ['a login without a provider name', { ...GOOD, logins: [{ identityProviderToken: 't' }] }, /^config\.logins\[0\]\.identityProviderName must be a string/],
    ['a login without a token', { ...GOOD, logins: [LOGINS[0], { identityProviderName: 'n' }] }, /^config\.logins\[1\]\.identityProviderToken must be a string/],
    ['a non-string customRoleArn', { ...GOOD, customRoleArn: 5 }, /^config\.customRoleArn must be a string/],
    ['an httpProxyOptions (not supported)', { ...GOOD, httpProxyOptions: new http.HttpProxyOptions('127.0.0.1', 3128) }, /^config\.httpProxyOptions is not supported/],
  ])('a config with %s throws a TypeError naming the field', (_, config, message) => {
    const error = thrownBy(() => AwsCredentialsProvider.newCognito(config as auth.CognitoCredentialsProviderConfig))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(message)
  })
})

describe('AwsCredentialsProvider.newX509 (a local AWS IoT credentials provider, mutual TLS)', () => {
  const certs = makeCerts()
  afterAll(removeCerts)
  const ROLE_ALIAS = 'mqtt-napi-role-alias'
  const THING = 'mqtt-napi-thing'
  let server: LocalServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  const startIot = (failure?: { status: number; body: string }) =>
    startMtlsServer(
      { cert: fs.readFileSync(certs.serverCert), key: fs.readFileSync(certs.serverKey), ca: fs.readFileSync(certs.caPath) },
      iotCredentialsHandler(ROLE_ALIAS, issuedCredentials('iot'), failure),
    )

  /** The device's TLS context: its certificate and key, the test CA trusted. */
  function deviceContext(cert = certs.clientCert, key = certs.clientKeyPkcs8): io.ClientTlsContext {
    const options = io.TlsContextOptions.create_client_with_mtls_from_path(cert, key)
    options.override_default_trust_store_from_path(undefined, certs.caPath)
    return new io.ClientTlsContext(options)
  }

  const x509 = (port: number, tlsContext = deviceContext()) =>
    AwsCredentialsProvider.newX509({ endpoint: `localhost:${port}`, thingName: THING, roleAlias: ROLE_ALIAS, tlsContext })

  test("the device's certificate and thing name buy the role alias's credentials", async () => {
    server = await startIot()
    const credentials = await x509(server.port).getCredentials()
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDIOT', secretAccessKey: 'iot-secret', sessionToken: 'iot-session-token' })
    expect(credentials.expiration).toBeInstanceOf(Date)
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000)
    expect(server.seen).toHaveLength(1)
    expect(server.seen[0]).toMatchObject({
      method: 'GET',
      url: `/role-aliases/${ROLE_ALIAS}/credentials`,
      clientCertificateCN: 'mqtt-napi-client',
      headers: expect.objectContaining({ 'x-amzn-iot-thingname': THING }),
    })
  })

  test.each<[string, () => io.TlsContextOptions]>([
    ['PEM text, the CA as text', () => {
      const options = io.TlsContextOptions.create_client_with_mtls(fs.readFileSync(certs.clientCert, 'utf8'), fs.readFileSync(certs.clientKeyPkcs8, 'utf8'))
      options.override_default_trust_store(certs.caPem)
      return options
    }],
    ['a PKCS#12 bundle, the CA from a CA directory', () => {
      const options = io.TlsContextOptions.create_client_with_mtls_pkcs12_from_path(certs.clientP12, certs.p12Password)
      options.override_default_trust_store_from_path(certs.caDir, undefined)
      return options
    }],
  ])('the TLS material may also be %s', async (_, makeOptions) => {
    server = await startIot()
    const credentials = await x509(server.port, new io.ClientTlsContext(makeOptions())).getCredentials()
    expect(credentials.accessKeyId).toBe('AKIDIOT')
    expect(server.seen[0].clientCertificateCN).toBe('mqtt-napi-client')
  })

  test('an endpoint given as an IP address: the certificate is checked against the IP, and nothing is printed (child process)', async () => {
    server = await startIot()
    const child = path.join(__dirname, '..', 'support', 'scripts', 'x509-credentials.js')
    const config = { endpoint: `127.0.0.1:${server.port}`, thingName: THING, roleAlias: ROLE_ALIAS, cert: certs.clientCert, key: certs.clientKeyPkcs8, ca: certs.caPath }
    const run = await startNode([child, JSON.stringify(config)], 20000).result
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: JSON.stringify({ accessKeyId: 'AKIDIOT' }), stderr: '' })
  })

  test('the credentials reach the signature, and are kept for the next signing', async () => {
    server = await startIot()
    const provider = x509(server.port)
    const first = await auth.aws_sign_request(getMqtt(), iotConfig({ provider, omit_session_token: true }))
    await auth.aws_sign_request(getMqtt(), iotConfig({ provider }))
    expect(first.path).toContain('X-Amz-Credential=AKIDIOT%2F20240102%2F')
    expect(first.path).toContain('&X-Amz-Security-Token=iot-session-token&')
    expect(server.seen).toHaveLength(1)
  })

  test('a 403 with a reason fails with AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE carrying the status and the body', async () => {
    server = await startIot({ status: 403, body: '{"message":"Access Denied: thing is not attached"}' })
    const error = await rejectionOf(x509(server.port).getCredentials())
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE')
    expect(error.message).toContain('403')
    expect(error.message).toContain('Access Denied: thing is not attached')
  })

  test('a certificate the endpoint does not trust fails with AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE', async () => {
    server = await startIot()
    const error = await rejectionOf(x509(server.port, deviceContext(certs.untrustedClientCert, certs.untrustedClientKey)).getCredentials())
    expect(error).toBeInstanceOf(CrtError)
    expect(error.error_name).toBe('AWS_AUTH_CREDENTIALS_PROVIDER_X509_SOURCE_FAILURE')
    expect(server.seen).toHaveLength(0)
  })

  test('a TLS context without a client certificate is a TypeError at newX509', () => {
    const options = new io.TlsContextOptions()
    options.override_default_trust_store_from_path(undefined, certs.caPath)
    const error = thrownBy(() => x509(1, new io.ClientTlsContext(options)))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^config\.tlsContext must hold a client certificate and key/)
  })

  test.each<[string, (context: io.ClientTlsContext) => unknown, RegExp]>([
    ['null', () => null, /^config must be an X509CredentialsConfig/],
    ['no endpoint', (tlsContext) => ({ thingName: THING, roleAlias: ROLE_ALIAS, tlsContext }), /^config\.endpoint must be a non-empty string/],
    ['an empty thingName', (tlsContext) => ({ endpoint: 'localhost', thingName: '', roleAlias: ROLE_ALIAS, tlsContext }), /^config\.thingName must be a non-empty string/],
    ['no roleAlias', (tlsContext) => ({ endpoint: 'localhost', thingName: THING, tlsContext }), /^config\.roleAlias must be a non-empty string/],
    ['no tlsContext', () => ({ endpoint: 'localhost', thingName: THING, roleAlias: ROLE_ALIAS }), /^config\.tlsContext must be an io\.ClientTlsContext/],
    ['an endpoint with a bad port', (tlsContext) => ({ endpoint: 'localhost:http', thingName: THING, roleAlias: ROLE_ALIAS, tlsContext }), /^config\.endpoint must be a host name/],
  ])('a config with %s throws a TypeError naming the field', (_, make, message) => {
    const error = thrownBy(() => AwsCredentialsProvider.newX509(make(deviceContext()) as auth.X509CredentialsConfig))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(message)
  })
})
