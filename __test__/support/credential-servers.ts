/**
 * Local stand-ins for the services AWS credential providers ask, on free
 * loopback ports: an ECS container credentials endpoint, EC2's instance
 * metadata service (IMDSv2), Cognito Identity's GetCredentialsForIdentity
 * and AWS IoT's credentials provider (HTTPS, client certificate required).
 * Each records the requests it saw.
 */
import http from 'http'
import https from 'https'
import { TLSSocket } from 'tls'
import { freePort } from './ports'

/** A request as a server saw it. */
export interface SeenRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
  /** HTTPS: the CN of the client certificate presented, if any. */
  clientCertificateCN?: string
}

export interface Answer {
  status: number
  body: string
  headers?: Record<string, string>
}

export type Handler = (request: SeenRequest) => Answer

export interface LocalServer {
  /** `http(s)://127.0.0.1:<port>`. */
  url: string
  port: number
  /** Every request so far, oldest first. */
  seen: SeenRequest[]
  close(): Promise<void>
}

/** Credentials a stand-in hands out, with an expiry an hour from now. */
export interface IssuedCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

export function issuedCredentials(prefix: string): IssuedCredentials {
  return {
    accessKeyId: `AKID${prefix.toUpperCase()}`,
    secretAccessKey: `${prefix}-secret`,
    sessionToken: `${prefix}-session-token`,
    expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + 60 * 60 * 1000),
  }
}

const json = (status: number, value: unknown, contentType = 'application/json'): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': contentType },
})

function serve(server: http.Server, handler: Handler, scheme: 'http' | 'https'): Promise<LocalServer> {
  const seen: SeenRequest[] = []
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const socket = request.socket
      const certificate = socket instanceof TLSSocket ? socket.getPeerCertificate() : undefined
      const entry: SeenRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCertificateCN: [certificate?.subject?.CN].flat()[0],
      }
      seen.push(entry)
      const answer = handler(entry)
      response.writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...answer.headers })
      response.end(answer.body)
    })
  })
  return listen(server).then((port) => ({
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }))
}

/** Listens on a free port of 127.0.0.1 (another one if it was taken meanwhile). */
async function listen(server: http.Server): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => {
          server.removeListener('error', reject)
          resolve()
        })
      })
      return port
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error
    }
  }
}

export function startHttpServer(handler: Handler): Promise<LocalServer> {
  return serve(http.createServer(), handler, 'http')
}

/** An HTTPS server that requires a client certificate signed by `ca`. */
export function startMtlsServer(tls: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer }, handler: Handler): Promise<LocalServer> {
  return serve(https.createServer({ ...tls, requestCert: true, rejectUnauthorized: true }), handler, 'https')
}

/**
 * ECS's container credentials endpoint at `/creds` (what
 * AWS_CONTAINER_CREDENTIALS_FULL_URI points to): 401 unless the
 * Authorization header is `authorization`.
 */
export function ecsHandler(authorization: string, credentials: IssuedCredentials): Handler {
  return (request) => {
    if (request.method !== 'GET' || request.url !== '/creds') return json(404, { message: 'not found' })
    if (request.headers.authorization !== authorization) return json(401, { message: 'bad authorization token' })
    return json(200, {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString(),
    })
  }
}

export const IMDS_ROLE = 'mqtt-napi-test-role'
const IMDS_CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/'

/**
 * IMDSv2: `PUT /latest/api/token` (with x-aws-ec2-metadata-token-ttl-seconds)
 * gives `token`; the role name and its credentials are answered only to
 * requests that carry it (401 otherwise, as IMDSv2-only instances do).
 */
export function imdsHandler(token: string, credentials: IssuedCredentials): Handler {
  return (request) => {
    if (request.url === '/latest/api/token') {
      if (request.method !== 'PUT' || request.headers['x-aws-ec2-metadata-token-ttl-seconds'] === undefined) {
        return { status: 400, body: 'a PUT with x-aws-ec2-metadata-token-ttl-seconds' }
      }
      return { status: 200, body: token, headers: { 'content-type': 'text/plain' } }
    }
    if (request.headers['x-aws-ec2-metadata-token'] !== token) return { status: 401, body: 'token required' }
    if (request.method === 'GET' && request.url === IMDS_CREDENTIALS_PATH) return { status: 200, body: IMDS_ROLE }
    if (request.method === 'GET' && request.url === IMDS_CREDENTIALS_PATH + IMDS_ROLE) {
      return json(200, {
        Code: 'Success',
        LastUpdated: new Date().toISOString(),
        Type: 'AWS-HMAC',
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: credentials.sessionToken,
        Expiration: credentials.expiration.toISOString(),
      })
    }
    return { status: 404, body: 'not found' }
  }
}

/**
 * Cognito Identity's `GetCredentialsForIdentity` (AWS JSON 1.1): the
 * credentials for any identity, or `failure` (e.g. 400 NotAuthorizedException).
 */
export function cognitoHandler(credentials: IssuedCredentials, failure?: { status: number; type: string; message: string }): Handler {
  const contentType = 'application/x-amz-json-1.1'
  return (request) => {
    if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'AWSCognitoIdentityService.GetCredentialsForIdentity') {
      return json(400, { __type: 'UnknownOperationException' }, contentType)
    }
    if (failure) {
      return { ...json(failure.status, { __type: failure.type, message: failure.message }, contentType), headers: { 'content-type': contentType, 'x-amzn-errortype': failure.type } }
    }
    return json(
      200,
      {
        IdentityId: JSON.parse(request.body).IdentityId,
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          SecretKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: credentials.expiration.getTime() / 1000,
        },
      },
      contentType,
    )
  }
}

/**
 * AWS IoT's credentials provider: `GET /role-aliases/<alias>/credentials`
 * with `x-amzn-iot-thingname` gives the credentials; `failure` answers
 * instead (e.g. 403 and IoT's reason).
 */
export function iotCredentialsHandler(roleAlias: string, credentials: IssuedCredentials, failure?: Answer): Handler {
  return (request) => {
    if (request.method !== 'GET' || request.url !== `/role-aliases/${roleAlias}/credentials`) return json(404, { message: 'no such role alias' })
    if (request.headers['x-amzn-iot-thingname'] === undefined) return json(400, { message: 'x-amzn-iot-thingname missing' })
    if (failure) return failure
    return json(200, {
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
        expiration: credentials.expiration.toISOString(),
      },
    })
  }
}
