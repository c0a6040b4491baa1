'use strict'
// mosquitto's -D (--property) for sub and pub: `-D command identifier value`,
// or `-D command user-property name value`, as MQTT.js's MQTT 5 properties
// of each packet the command sends.
const { UsageError, parseFlags, protocolVersion, CONNECTION_FLAGS } = require('./flags')

const FLAG = { expected: '0 or 1', parse: (text) => (text === '0' || text === '1' ? text === '1' : undefined) }
const TEXT = { expected: 'a string', parse: (text) => text }
const BINARY = { expected: 'a string (sent as its bytes)', parse: (text) => Buffer.from(text) }
const TOPIC = { expected: 'a topic name, without + or #', parse: (text) => (/^[^+#]+$/.test(text) ? text : undefined) }
const integer = (min, max) => ({
  expected: `an integer from ${min} to ${max}`,
  parse: (text) => (/^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : undefined),
})
const UINT32 = integer(0, 0xffffffff)

/** mosquitto's identifiers: MQTT.js's name, the value, and the packets (`in`) the property may go in. */
const IDENTIFIERS = {
  'payload-format-indicator': { name: 'payloadFormatIndicator', value: FLAG, in: ['publish'] },
  'message-expiry-interval': { name: 'messageExpiryInterval', value: UINT32, in: ['publish'] },
  'content-type': { name: 'contentType', value: TEXT, in: ['publish'] },
  'response-topic': { name: 'responseTopic', value: TOPIC, in: ['publish'] },
  'correlation-data': { name: 'correlationData', value: BINARY, in: ['publish'] },
  'topic-alias': { name: 'topicAlias', value: integer(1, 0xffff), in: ['publish'] },
  'subscription-identifier': { name: 'subscriptionIdentifier', value: integer(1, 268435455), in: ['subscribe'] },
  'session-expiry-interval': { name: 'sessionExpiryInterval', value: UINT32, in: ['connect', 'disconnect'] },
  'receive-maximum': { name: 'receiveMaximum', value: integer(1, 0xffff), in: ['connect'] },
  'topic-alias-maximum': { name: 'topicAliasMaximum', value: integer(0, 0xffff), in: ['connect'] },
  'maximum-packet-size': { name: 'maximumPacketSize', value: integer(1, 0xffffffff), in: ['connect'] },
  'request-problem-information': { name: 'requestProblemInformation', value: FLAG, in: ['connect'] },
  'request-response-information': { name: 'requestResponseInformation', value: FLAG, in: ['connect'] },
  'authentication-method': { name: 'authenticationMethod', value: TEXT, in: ['connect'] },
  'authentication-data': { name: 'authenticationData', value: BINARY, in: ['connect'] },
  'reason-string': { name: 'reasonString', value: TEXT, in: ['disconnect'] },
  'will-delay-interval': { in: [], where: 'it goes in a will, which mqtt-napi does not send' },
  'user-property': { name: 'userProperties', in: ['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect'] },
}
// What only a broker sends (mosquitto knows these names too).
for (const id of ['assigned-client-identifier', 'server-keep-alive', 'response-information', 'server-reference', 'maximum-qos',
  'retain-available', 'wildcard-subscription-available', 'subscription-identifier-available', 'shared-subscription-available']) {
  IDENTIFIERS[id] = { in: [], where: 'only a broker sends it' }
}

const FLAG_NAME = '-D (--property)'

/** Whether `arg` (a flag of `flags`) takes the next argument as its value, as parseArgs reads it. */
function takesNext(arg, flags) {
  if (arg.startsWith('--')) return !arg.includes('=') && flags[arg.slice(2)]?.type === 'string'
  if (!arg.startsWith('-') || arg.length < 2) return false
  for (let i = 1; i < arg.length; i++) {
    const flag = Object.values(flags).find((f) => f.short === arg[i])
    if (flag?.type === 'string') return i === arg.length - 1
  }
  return false
}

/** Takes each -D's words out of `argv` (parseArgs gives a flag one value); the rest is for parseArgs. */
function takeProperties(argv, ownFlags) {
  const flags = { ...CONNECTION_FLAGS, ...ownFlags }
  const rest = []
  const given = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (arg === '-D' || arg === '--property') {
      const count = argv[i + 2]?.toLowerCase() === 'user-property' ? 4 : 3
      const words = argv.slice(i + 1, i + 1 + count)
      if (words.length < count) {
        throw new UsageError(`${FLAG_NAME} takes a command, an identifier and a value (user-property: a name and a value), got '${words.join(' ')}'`)
      }
      given.push(words)
      i += count
    } else {
      rest.push(arg)
      if (takesNext(arg, flags) && i + 1 < argv.length) rest.push(argv[++i])
    }
  }
  return { rest, given }
}

/** One -D's words added to `properties`, checked against the packets (`commands`) this CLI command sends. */
function addProperty(properties, [commandWord, identifier, ...values], commands, commandName) {
  const command = commandWord.toLowerCase()
  if (!commands.includes(command)) {
    const expected = `${commands.slice(0, -1).join(', ')} or ${commands.at(-1)}`
    throw new UsageError(`${FLAG_NAME}: mqtt-napi ${commandName} takes properties for ${expected}, not '${commandWord}'`)
  }
  const id = identifier.toLowerCase()
  const entry = IDENTIFIERS[id]
  const allowed = () => Object.keys(IDENTIFIERS).filter((name) => IDENTIFIERS[name].in.includes(command)).join(', ')
  if (entry === undefined) {
    throw new UsageError(`${FLAG_NAME}: unknown property '${identifier}': ${command} takes ${allowed()}`)
  }
  if (!entry.in.includes(command)) {
    const where = entry.where ?? `it goes in ${entry.in.join(' or ')}`
    throw new UsageError(`${FLAG_NAME}: ${id} is not allowed in ${command} (${where}); ${command} takes ${allowed()}`)
  }
  const packet = (properties[command] ??= {})
  if (id === 'user-property') {
    const [name, value] = values
    const held = (packet.userProperties ??= Object.create(null))
    held[name] = Object.hasOwn(held, name) ? [held[name], value].flat() : value
    return
  }
  if (packet[entry.name] !== undefined) {
    throw new UsageError(`${FLAG_NAME}: ${command} ${id} given twice (only user-property may repeat)`)
  }
  const value = entry.value.parse(values[0])
  if (value === undefined) {
    throw new UsageError(`${FLAG_NAME}: ${command} ${id} must be ${entry.value.expected}, got '${values[0]}'`)
  }
  packet[entry.name] = value
}

/** The -D properties, in MQTT.js's shapes, of each packet: { connect, publish, ... } (a packet without any: absent). */
function packetProperties(given, values, commands, commandName) {
  const properties = {}
  if (given.length === 0) return properties
  if (protocolVersion(values) !== 5) {
    throw new UsageError(`${FLAG_NAME} is MQTT 5 only: leave out -V mqttv311 (got -D ${given[0].join(' ')})`)
  }
  for (const words of given) addProperty(properties, words, commands, commandName)
  const { connect, disconnect } = properties
  if (connect?.authenticationData !== undefined && connect.authenticationMethod === undefined) {
    throw new UsageError(`${FLAG_NAME}: connect authentication-data needs connect authentication-method too`)
  }
  // MQTT 5 (3.14.2.2.2): a session that ends with the connection cannot be given an expiry at DISCONNECT.
  const kept = values['disable-clean-session'] || connect?.sessionExpiryInterval > 0
  if (disconnect?.sessionExpiryInterval > 0 && !kept) {
    throw new UsageError(
      `${FLAG_NAME}: disconnect session-expiry-interval above 0 needs a session that outlives the connection: -c, or -D connect session-expiry-interval above 0`,
    )
  }
  return properties
}

/** parseFlags for a command with -D: its values, and its properties per packet (`commands` names those it sends). */
function parseFlagsWithProperties(argv, ownFlags, commands, commandName) {
  const { rest, given } = takeProperties(argv, ownFlags)
  const values = parseFlags(rest, ownFlags)
  // As mosquitto's clients: a property makes the client an MQTT 5 one.
  if (given.length > 0) values['protocol-version'] ??= 'mqttv5'
  return { values, properties: values.help ? {} : packetProperties(given, values, commands, commandName) }
}

module.exports = { parseFlagsWithProperties }
