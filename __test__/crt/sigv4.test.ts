/**
 * The SigV4 signer the `auth` and `iot` modules will sign with
 * (js/crt/sigv4.js): aws-crt's output byte for byte on the reference's
 * vectors (../shared/reference/aws-iot.md section 5, each checked against
 * botocore), and the signatures of AWS's published SigV4 test suite
 * (aws-sig-v4-test-suite: get-vanilla, get-vanilla-query-order-key-case,
 * normalize-path/get-relative-relative, normalize-path/get-slash-dot-slash,
 * get-unreserved).
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { signRequest, EMPTY_SHA256 } = require('../../js/crt/sigv4')

type Header = [string, string]
interface Signed {
  path: string
  headers: Header[]
}

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const WITH_TOKEN = { ...CREDENTIALS, sessionToken: 'FQoGZXIvYXdz/token+with=chars' }
const IOT = { region: 'us-east-1', service: 'iotdevicegateway', date: new Date('2024-01-02T03:04:05Z') }
const IOT_HOST: Header[] = [['host', 'abc-ats.iot.us-east-1.amazonaws.com']]
const CREDENTIAL_QUERY =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240102%2Fus-east-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20240102T030405Z'

const sign = (path: string, headers: Header[], credentials: object, options: object): Signed =>
  signRequest({ method: 'GET', path, headers }, credentials, options)
const authorizationOf = (signed: Signed) => signed.headers.find(([name]) => name === 'Authorization')?.[1]

describe('aws-crt vectors (reference section 5)', () => {
  test("A: the WebSocket builder's upgrade request, signed in the query (Connection is signed, as aws-c-auth 1.33 does)", () => {
    const upgrade: Header[] = [
      ['Host', 'localhost'],
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Protocol', 'mqtt'],
    ]
    const signed = sign('/mqtt', upgrade, CREDENTIALS, { ...IOT, inQuery: true, omitSessionToken: true })
    expect(signed.path).toBe(
      `/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=connection%3Bhost` +
        '&X-Amz-Signature=3ace530c849669faee80be94205e531aa8225bf513d502094182e9f1fcb938ed',
    )
    expect(signed.headers).toEqual(upgrade)
  })

  test('B: in the query, no session token', () => {
    expect(sign('/mqtt', IOT_HOST, CREDENTIALS, { ...IOT, inQuery: true, omitSessionToken: true }).path).toBe(
      `/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host` +
        '&X-Amz-Signature=d1b973253e8189b023437522d7d69558b8bf51bfb8a63a18845a3e52abd763d1',
    )
  })

  test('B: in the query, the session token left out of the signature and added before it', () => {
    expect(sign('/mqtt', IOT_HOST, WITH_TOKEN, { ...IOT, inQuery: true, omitSessionToken: true }).path).toBe(
      `/mqtt?${CREDENTIAL_QUERY}&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdz%2Ftoken%2Bwith%3Dchars` +
        '&X-Amz-Signature=d1b973253e8189b023437522d7d69558b8bf51bfb8a63a18845a3e52abd763d1',
    )
  })

  test('B: in the query, the session token signed', () => {
    const { path } = sign('/mqtt', IOT_HOST, WITH_TOKEN, { ...IOT, inQuery: true, omitSessionToken: false })
    expect(path).toContain('&X-Amz-Security-Token=FQoGZXIvYXdz%2Ftoken%2Bwith%3Dchars&')
    expect(path.endsWith('&X-Amz-Signature=b78567d0118859bdf5170038ed460a2f2bde0f261d96d96e3c47eda9405f90bc')).toBe(true)
    // No X-Amz-Expires unless asked for.
    expect(path).not.toContain('X-Amz-Expires')
  })

  test.each([
    [true, 'host;x-amz-date', '8e280725a812ab42f7f50b4f0423fb0616dd4c0e75058de51d7d27d896571f6f'],
    [false, 'host;x-amz-date;x-amz-security-token', '50550a759439b6a8518376be79ba8f2924d3e090adf93319c8fdde4c1de4907e'],
  ])('B: in headers with a session token, omitSessionToken %s', (omitSessionToken, signedHeaders, signature) => {
    const signed = sign('/mqtt', IOT_HOST, WITH_TOKEN, { ...IOT, inQuery: false, omitSessionToken })
    expect(signed.path).toBe('/mqtt')
    expect(signed.headers).toEqual([
      ...IOT_HOST,
      ['X-Amz-Date', '20240102T030405Z'],
      ['X-Amz-Security-Token', 'FQoGZXIvYXdz/token+with=chars'],
      [
        'Authorization',
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/iotdevicegateway/aws4_request, ' +
          `SignedHeaders=${signedHeaders}, Signature=${signature}`,
      ],
    ])
  })

  test('X-Amz-Expires is added, and signed, when asked for', () => {
    const { path } = sign('/mqtt', IOT_HOST, CREDENTIALS, { ...IOT, inQuery: true, expiresInSeconds: 300 })
    expect(path).toContain('&X-Amz-SignedHeaders=host&X-Amz-Expires=300&X-Amz-Signature=')
    const without = sign('/mqtt', IOT_HOST, CREDENTIALS, { ...IOT, inQuery: true })
    expect(path.split('Signature=')[1]).not.toBe(without.path.split('Signature=')[1])
  })
})

describe("AWS's SigV4 test suite", () => {
  const SUITE = { region: 'us-east-1', service: 'service', date: new Date('2015-08-30T12:36:00Z'), bodyHash: EMPTY_SHA256 }
  const HOST: Header[] = [['Host', 'example.amazonaws.com']]

  test.each([
    ['get-vanilla', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['get-vanilla-query-order-key-case', '/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
    ['normalize-path/get-relative-relative', '/example1/example2/../..', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['normalize-path/get-slash-dot-slash', '/./', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    [
      'get-unreserved',
      '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    ],
  ])('%s', (_, path, signature) => {
    expect(authorizationOf(sign(path, HOST, CREDENTIALS, SUITE))).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        `SignedHeaders=host;x-amz-date, Signature=${signature}`,
    )
  })
})
