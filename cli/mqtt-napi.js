#!/usr/bin/env node
'use strict'
// `npx mqtt-napi <command>`: sub, pub, bench and demo.
const { UsageError, EXIT } = require('./flags')
const { USAGE } = require('./usage')

const COMMANDS = {
  sub: () => require('./sub').sub,
  pub: () => require('./pub').pub,
  bench: () => require('./bench').bench,
  demo: () => require('./demo').demo,
}

async function main([command, ...argv]) {
  if (command === '--help' || command === 'help') {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  if (command === '--version') {
    process.stdout.write(`${require('../package.json').version}\n`)
    return EXIT.ok
  }
  if (command === undefined) throw new UsageError('give a command: sub, pub, bench or demo')
  if (!Object.hasOwn(COMMANDS, command)) {
    throw new UsageError(`unknown command '${command}': expected sub, pub, bench or demo`)
  }
  return COMMANDS[command]()(argv)
}

// A reader that went away (`mqtt-napi sub ... | head -1`) ends the output, not with an error.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(EXIT.ok)
})

const [command] = process.argv.slice(2)
const name = Object.hasOwn(COMMANDS, command ?? '') ? `mqtt-napi ${command}` : 'mqtt-napi'
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\nRun '${name} --help' for usage.\n`)
      process.exitCode = EXIT.usage
    } else {
      process.stderr.write(`${name}: ${error.message}\n`)
      process.exitCode = EXIT.failed
    }
  },
)
