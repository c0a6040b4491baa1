'use strict'
// A `credential_process` for __test__/crt/auth.test.ts: prints what the AWS CLI
// expects from one (Version 1 JSON), with the keys from argv[2] and argv[3].
const [accessKeyId, secretAccessKey] = process.argv.slice(2)
process.stdout.write(
  JSON.stringify({
    Version: 1,
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: 'process-session-token',
    Expiration: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
  }),
)
