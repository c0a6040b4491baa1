'use strict'
// Child for __test__/crt/auth.test.ts: one module (argv[2], default the
// optional package @aws-sdk/credential-providers) made unresolvable, as if it
// were not installed: requiring it throws what Node throws then. Prints (JSON)
// what newDefault and newCognito threw, and which access key newStatic and
// newDelegate still sign a request with.
const Module = require('module')

const hidden = process.argv[2] ?? '@aws-sdk/credential-providers'
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === hidden) {
    const stack = []
    for (let at = parent; at; at = at.parent) if (at.filename) stack.push(at.filename)
    const error = new Error(`Cannot find module '${request}'\nRequire stack:\n- ${stack.join('\n- ')}`)
    error.code = 'MODULE_NOT_FOUND'
    error.requireStack = stack
    throw error
  }
  return resolve.call(this, request, parent, ...rest)
}

const { auth, http } = require('../../..')

function thrown(make) {
  try {
    make()
    return null
  } catch (error) {
    return { name: error.name, message: error.message }
  }
}

async function signedWith(provider) {
  const request = new http.HttpRequest('GET', '/mqtt', new http.HttpHeaders([['host', 'example.com']]))
  await auth.aws_sign_request(request, {
    algorithm: auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaQueryParams,
    provider,
    region: 'us-east-1',
    service: 'iotdevicegateway',
  })
  return /X-Amz-Credential=([^%&]+)/.exec(request.path)?.[1] ?? null
}

async function main() {
  const result = {
    newDefault: thrown(() => auth.AwsCredentialsProvider.newDefault()),
    newCognito: thrown(() =>
      auth.AwsCredentialsProvider.newCognito({ endpoint: 'cognito-identity.us-east-1.amazonaws.com', identity: 'us-east-1:abc' }),
    ),
    staticKey: await signedWith(auth.AwsCredentialsProvider.newStatic('AKIDSTATIC', 'static-secret')),
    delegateKey: await signedWith(
      auth.AwsCredentialsProvider.newDelegate(async () => ({ accessKeyId: 'AKIDDELEGATE', secretAccessKey: 'delegate-secret' })),
    ),
  }
  process.stdout.write(JSON.stringify(result))
}

main()
