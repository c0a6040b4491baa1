'use strict'
const { UsageError, EXIT, integerFlag, secondsFlag, qosFlag } = require('./flags')
const { BrokerError, openConnection } = require('./connect')
const { parseFlagsWithProperties } = require('./properties')
const { SUB_USAGE } = require('./usage')

const FLAGS = {
  topic: { type: 'string', short: 't', multiple: true },
  qos: { type: 'string', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  'no-newline': { type: 'boolean', short: 'N' },
  'no-retained': { type: 'boolean', short: 'R' },
  count: { type: 'string', short: 'C' },
  timeout: { type: 'string', short: 'W' },
  unsubscribe: { type: 'string', short: 'U', multiple: true },
}
/** The packets -D (--property) gives properties to, as mosquitto_sub's. */
const PROPERTY_COMMANDS = ['connect', 'subscribe', 'unsubscribe', 'disconnect']

/** Prints messages on the topics until -C messages have arrived, -W seconds have passed or Ctrl-C. */
async function sub(argv) {
  const { values, properties } = parseFlagsWithProperties(argv, FLAGS, PROPERTY_COMMANDS, 'sub')
  if (values.help) {
    process.stdout.write(SUB_USAGE)
    return EXIT.ok
  }
  const topics = values.topic ?? []
  if (topics.length === 0) throw new UsageError('give a topic filter to subscribe to with -t (--topic)')
  const qos = qosFlag(values, FLAGS)
  const count = integerFlag(values, 'count', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: Infinity }, FLAGS)
  const timeoutSeconds = secondsFlag(values, 'timeout', FLAGS)

  const { client, connected } = openConnection(values, 'sub', properties)
  let settle
  const finished = new Promise((resolve, reject) => (settle = { resolve, reject }))
  let timer
  let done = false
  const finish = (code, error) => {
    if (done) return
    done = true
    clearTimeout(timer)
    process.off('SIGINT', interrupted)
    client.removeListener('message', print)
    client.end(false, { properties: properties.disconnect }, () => (error ? settle.reject(error) : settle.resolve(code)))
  }
  const interrupted = () => finish(EXIT.ok)
  let printed = 0
  // Listening from the start: a kept session (-c) delivers right after the CONNACK.
  const print = (topic, payload, packet) => {
    if (values['no-retained'] && packet.retain) return
    const line = values.verbose ? [Buffer.from(`${topic} `), payload] : [payload]
    if (!values['no-newline']) line.push(Buffer.from('\n'))
    process.stdout.write(Buffer.concat(line))
    if (++printed === count) finish(EXIT.ok)
  }
  client.on('message', print)
  process.on('SIGINT', interrupted)
  try {
    await Promise.race([connected, finished])
  } catch (error) {
    process.off('SIGINT', interrupted)
    throw error
  }
  if (timeoutSeconds !== undefined) timer = setTimeout(() => finish(EXIT.timedOut), timeoutSeconds * 1000)
  // As mosquitto_sub: SUBSCRIBE, then UNSUBSCRIBE from -U's filters (say, a kept session's).
  client.subscribe(topics, { qos, properties: properties.subscribe }, (error, granted) => {
    // 0x80 and up: MQTT 3.1.1's Failure, MQTT 5's reason codes of refusal.
    const refused = granted?.find((grant) => grant.qos >= 0x80)
    if (error || refused) {
      const why = refused ? `the broker refused the subscription to '${refused.topic}'` : `cannot subscribe: ${error.message}`
      finish(EXIT.failed, new BrokerError(why))
    }
  })
  if (values.unsubscribe !== undefined) {
    client.unsubscribe(values.unsubscribe, { properties: properties.unsubscribe }, (error) => {
      if (error) finish(EXIT.failed, new BrokerError(`cannot unsubscribe: ${error.message}`))
    })
  }
  const code = await finished
  if (code === EXIT.timedOut) process.stderr.write('Timed out\n')
  return code
}

module.exports = { sub }
