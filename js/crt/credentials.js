'use strict'
// aws-crt's `auth.AwsCredentialsProvider`: where the keys that sign a request
// come from. Static keys and a user's own async function need nothing; the
// default chain and Cognito come from the AWS SDK's own providers (an
// optional package), so every source they know (environment, profiles, SSO,
// web identity, ECS, IMDSv2, credential_process) works as in the SDK.

const { CrtError } = require('./error')
const { checkString, checkOptionalString } = require('../core/checks')
const { x509Credentials } = require('./x509-credentials')

/** How long a default-chain answer without an expiry is kept (aws-c-auth's 15 minutes). */
const DEFAULT_CHAIN_CACHE_MS = 15 * 60 * 1000
/** Credentials that expire are fetched again this long before they do. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000

const ERROR_CODES = {
  noCredentials: 6146,
  delegateFailure: 6167,
  cognitoFailure: 6166,
  x509Failure: 6158,
}

const OPTIONAL_PACKAGE = '@aws-sdk/credential-providers'

/** The AWS SDK's credential providers, or a clear error naming the package and who needs it. */
function sdkProviders(caller) {
  try {
    return require(OPTIONAL_PACKAGE)
  } catch (error) {
    // Only the package itself: a dependency of it that is missing names the
    // package in its "Require stack" lines, and must surface as it is.
    const missing = String(error?.message).split('\n')[0]
    if (error?.code === 'MODULE_NOT_FOUND' && missing.includes(`'${OPTIONAL_PACKAGE}'`)) {
      throw new Error(
        `${caller} needs the optional package ${OPTIONAL_PACKAGE}: npm install ${OPTIONAL_PACKAGE} ` +
          '(or use AwsCredentialsProvider.newStatic / newDelegate, which need nothing)',
      )
    }
    throw error
  }
}

/** The SDK's providers log through this: nothing reaches stdout or stderr. */
const QUIET_LOGGER = { debug() {}, info() {}, warn() {}, error() {}, trace() {} }

/**
 * What a source answered, as `{ accessKeyId, secretAccessKey, sessionToken?,
 * expiration? }`; a wrong shape throws naming the field.
 */
function checkedCredentials(answer) {
  if (answer === null || typeof answer !== 'object') {
    throw new TypeError(`the answer must be { accessKeyId, secretAccessKey, sessionToken?, expiration? } (got ${answer === null ? 'null' : typeof answer})`)
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = answer
  if (typeof accessKeyId !== 'string' || accessKeyId === '') {
    throw new TypeError('accessKeyId must be a non-empty string')
  }
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') {
    throw new TypeError('secretAccessKey must be a non-empty string')
  }
  checkOptionalString(sessionToken, 'sessionToken')
  if (expiration !== undefined && !(expiration instanceof Date && !Number.isNaN(expiration.getTime()))) {
    throw new TypeError('expiration must be a valid Date when given')
  }
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined, expiration }
}

/**
 * One fetch at a time from `fetch`, its answer kept until shortly before it
 * expires (or for `keepWithoutExpiryMs` when it does not say).
 */
function cached(fetch, keepWithoutExpiryMs) {
  let kept
  let keptUntil = 0
  let inFlight
  return () => {
    if (kept !== undefined && Date.now() < keptUntil) return Promise.resolve(kept)
    if (inFlight === undefined) {
      inFlight = fetch()
        .then((credentials) => {
          kept = credentials
          keptUntil = credentials.expiration
            ? credentials.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS
            : Date.now() + keepWithoutExpiryMs
          return credentials
        })
        .finally(() => {
          inFlight = undefined
        })
    }
    return inFlight
  }
}

/** `fetch` whose failures are CrtErrors with `code`, the cause's words kept. */
function failingAs(code, what, fetch) {
  return async () => {
    try {
      return await fetch()
    } catch (error) {
      if (error instanceof CrtError) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new CrtError(code, { detail: `${what}: ${reason}` })
    }
  }
}

/**
 * A source of AWS credentials for SigV4 signing (aws-crt's
 * `auth.AwsCredentialsProvider`). Make one with a static factory.
 */
class AwsCredentialsProvider {
  /** @param {() => Promise<object>} fetch the credentials, checked and cached by the factory */
  constructor(fetch) {
    if (typeof fetch !== 'function') {
      throw new TypeError('AwsCredentialsProvider is made by its static factories (newStatic, newDefault, newDelegate, ...)')
    }
    this._fetch = fetch
  }

  /** The current credentials (mqtt-napi extension; aws-crt keeps this internal). */
  getCredentials() {
    return this._fetch()
  }

  static newStatic(access_key, secret_key, session_token) {
    checkString(access_key, 'access_key')
    checkString(secret_key, 'secret_key')
    checkOptionalString(session_token, 'session_token')
    const credentials = Object.freeze({
      accessKeyId: access_key,
      secretAccessKey: secret_key,
      sessionToken: session_token || undefined,
    })
    return new AwsCredentialsProvider(() => Promise.resolve(credentials))
  }

  /** aws-crt's `bootstrap` argument is accepted and not needed. */
  static newDefault() {
    const provider = sdkProviders('auth.AwsCredentialsProvider.newDefault').fromNodeProviderChain({ logger: QUIET_LOGGER })
    const fetch = failingAs(ERROR_CODES.noCredentials, 'the default credentials chain found no credentials', async () =>
      checkedCredentials(await provider()),
    )
    return new AwsCredentialsProvider(cached(fetch, DEFAULT_CHAIN_CACHE_MS))
  }

  static newDelegate(delegate) {
    if (typeof delegate !== 'function') {
      throw new TypeError(`delegate must be a function returning (a promise of) credentials (got ${typeof delegate})`)
    }
    const fetch = failingAs(ERROR_CODES.delegateFailure, 'the credentials delegate failed', async () =>
      checkedCredentials(await delegate()),
    )
    return new AwsCredentialsProvider(cached(fetch, 0))
  }

  static newCognito(config) {
    const { endpoint, identity, logins, customRoleArn } = cognitoConfig(config)
    const { fromCognitoIdentity } = sdkProviders('auth.AwsCredentialsProvider.newCognito')
    const provider = fromCognitoIdentity({
      identityId: identity,
      customRoleArn,
      logins: Object.fromEntries(logins.map((pair) => [pair.identityProviderName, pair.identityProviderToken])),
      logger: QUIET_LOGGER,
      clientConfig: { endpoint: endpoint.url, region: endpoint.region, logger: QUIET_LOGGER },
    })
    const fetch = failingAs(ERROR_CODES.cognitoFailure, 'Cognito gave no credentials', async () =>
      checkedCredentials(await provider()),
    )
    return new AwsCredentialsProvider(cached(fetch, 0))
  }

  static newX509(config) {
    const fetch = x509Credentials(config)
    const checked = failingAs(ERROR_CODES.x509Failure, 'the AWS IoT credentials provider gave no credentials', async () =>
      checkedCredentials(await fetch()),
    )
    return new AwsCredentialsProvider(cached(checked, 0))
  }
}

/** `cognito-identity.<region>.amazonaws.com` (or a whole URL, for a local endpoint) as the SDK's endpoint and region. */
function cognitoEndpoint(endpoint) {
  const url = endpoint.includes('://') ? endpoint : `https://${endpoint}`
  let host
  try {
    host = new URL(url).hostname
  } catch {
    throw new TypeError(`config.endpoint must be a host name such as cognito-identity.us-east-1.amazonaws.com (got ${JSON.stringify(endpoint)})`)
  }
  const region = /^cognito-identity(?:-fips)?\.([a-z0-9-]+)\./.exec(host)?.[1] ?? 'us-east-1'
  return { url, region }
}

function cognitoConfig(config) {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`config must be a CognitoCredentialsProviderConfig object (got ${config === null ? 'null' : typeof config})`)
  }
  checkString(config.endpoint, 'config.endpoint')
  checkString(config.identity, 'config.identity')
  if (config.identity === '') throw new TypeError('config.identity must be a Cognito identity id (got an empty string)')
  checkOptionalString(config.customRoleArn, 'config.customRoleArn')
  if (config.httpProxyOptions !== undefined && config.httpProxyOptions !== null) {
    throw new TypeError('config.httpProxyOptions is not supported by newCognito in mqtt-napi')
  }
  const logins = config.logins ?? []
  if (!Array.isArray(logins)) throw new TypeError('config.logins must be an array of { identityProviderName, identityProviderToken }')
  logins.forEach((pair, i) => {
    checkString(pair?.identityProviderName, `config.logins[${i}].identityProviderName`)
    checkString(pair?.identityProviderToken, `config.logins[${i}].identityProviderToken`)
  })
  return { endpoint: cognitoEndpoint(config.endpoint), identity: config.identity, logins, customRoleArn: config.customRoleArn ?? undefined }
}

module.exports = { AwsCredentialsProvider, ERROR_CODES: Object.freeze({ ...ERROR_CODES }) }
