'use strict'
// Child for __test__/crt/auth.test.ts: auth.AwsCredentialsProvider.newX509
// with the device certificate, key and CA files and the endpoint, thing name
// and role alias given as one JSON argument (argv[2]); prints (JSON) the
// access key it got or the error, and nothing else.
const { auth, io } = require('../../..')

const { endpoint, thingName, roleAlias, cert, key, ca } = JSON.parse(process.argv[2])

async function main() {
  const options = io.TlsContextOptions.create_client_with_mtls_from_path(cert, key)
  options.override_default_trust_store_from_path(undefined, ca)
  const provider = auth.AwsCredentialsProvider.newX509({ endpoint, thingName, roleAlias, tlsContext: new io.ClientTlsContext(options) })
  try {
    return { accessKeyId: (await provider.getCredentials()).accessKeyId }
  } catch (error) {
    return { error: { name: error.name, message: error.message, error_name: error.error_name } }
  }
}

main().then((result) => process.stdout.write(JSON.stringify(result)))
