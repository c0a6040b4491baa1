'use strict'
const fs = require('fs')
const readline = require('readline')
const { UsageError, EXIT, integerFlag, secondsFlag, qosFlag } = require('./flags')
const { BrokerError, openConnection } = require('./connect')
const { parseFlagsWithProperties } = require('./properties')
const { PUB_USAGE } = require('./usage')

const FLAGS = {
  topic: { type: 'string', short: 't' },
  message: { type: 'string', short: 'm' },
  file: { type: 'string', short: 'f' },
  stdin: { type: 'boolean', short: 's' },
  lines: { type: 'boolean', short: 'l' },
  'null-message': { type: 'boolean', short: 'n' },
  qos: { type: 'string', short: 'q' },
  retain: { type: 'boolean', short: 'r' },
  repeat: { type: 'string' },
  'repeat-delay': { type: 'string' },
}
const SOURCES = ['message', 'file', 'stdin', 'lines', 'null-message']
/** The packets -D (--property) gives properties to, as mosquitto_pub's. */
const PROPERTY_COMMANDS = ['connect', 'publish', 'disconnect']

/** The one message that -m, -f, -s or -n gives (read before connecting, so a bad file costs no connection). */
function readMessage(values) {
  if (values.message !== undefined) return Buffer.from(values.message)
  if (values['null-message']) return Buffer.alloc(0)
  if (values.stdin) return fs.readFileSync(0)
  try {
    return fs.readFileSync(values.file)
  } catch (error) {
    throw new UsageError(`-f (--file): cannot read '${values.file}': ${error.message}`)
  }
}

/** Publishes one message (-m, -f, -s, -n, repeated with --repeat) or each line of stdin (-l), then disconnects. */
async function pub(argv) {
  const { values, properties } = parseFlagsWithProperties(argv, FLAGS, PROPERTY_COMMANDS, 'pub')
  if (values.help) {
    process.stdout.write(PUB_USAGE)
    return EXIT.ok
  }
  if (values.topic === undefined) throw new UsageError('give the topic to publish to with -t (--topic)')
  const sources = SOURCES.filter((name) => values[name] !== undefined)
  if (sources.length !== 1) {
    throw new UsageError(`give the message with exactly one of -m, -f, -s, -l or -n (got ${sources.length})`)
  }
  const options = { qos: qosFlag(values, FLAGS), retain: Boolean(values.retain), properties: properties.publish }
  const repeat = integerFlag(values, 'repeat', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 1 }, FLAGS)
  const delayMs = (secondsFlag(values, 'repeat-delay', FLAGS) ?? 0) * 1000
  const message = values.lines ? undefined : readMessage(values)

  const client = await openConnection(values, 'pub', properties).connected
  const publish = async (payload) => {
    try {
      await client.publishAsync(values.topic, payload, options)
    } catch (error) {
      throw new BrokerError(`cannot publish to '${values.topic}': ${error.message}`)
    }
  }
  try {
    if (values.lines) {
      for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        await publish(line)
      }
    } else {
      for (let sent = 0; sent < repeat; sent++) {
        if (sent > 0 && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
        await publish(message)
      }
    }
  } finally {
    await client.endAsync(false, { properties: properties.disconnect })
  }
  return EXIT.ok
}

module.exports = { pub }
