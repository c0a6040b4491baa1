'use strict'
// Child for __test__/crt/auth.test.ts: makes auth.AwsCredentialsProvider.newDefault()
// in the environment it was given, asks it for credentials `count` times
// (argv[3], default 1) and writes what came back, or the error, as JSON to the
// file named by argv[2]. It prints nothing itself, so the test can check that
// the credential chain prints nothing either.
const fs = require('fs')
const { auth } = require('../../..')

const [resultFile, countText = '1'] = process.argv.slice(2)

async function main() {
  const answers = []
  const began = Date.now()
  try {
    const provider = auth.AwsCredentialsProvider.newDefault()
    for (let i = 0; i < Number(countText); i++) answers.push(await provider.getCredentials())
    return { answers, ms: Date.now() - began }
  } catch (error) {
    return {
      answers,
      ms: Date.now() - began,
      error: { name: error.name, message: error.message, error_code: error.error_code, error_name: error.error_name },
    }
  }
}

main().then((result) => fs.writeFileSync(resultFile, JSON.stringify(result)))
