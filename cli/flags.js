'use strict'
// The flags every command shares, named as mosquitto_sub/mosquitto_pub and
// MQTT.js's CLI name them, and their translation into MQTT.js connect options.
const fs = require('fs')
const { parseArgs } = require('util')

/** A mistake on the command line: the CLI prints it with a pointer to --help and exits 2. */
class UsageError extends Error {}

/** Exit codes; 27 on a -W timeout is mosquitto_sub's (ETIMEDOUT). */
const EXIT = { ok: 0, failed: 1, usage: 2, timedOut: 27 }

const CONNECTION_FLAGS = {
  host: { type: 'string', short: 'h' },
  port: { type: 'string', short: 'p' },
  url: { type: 'string', short: 'L' },
  id: { type: 'string', short: 'i' },
  username: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'P' },
  keepalive: { type: 'string', short: 'k' },
  'disable-clean-session': { type: 'boolean', short: 'c' },
  'protocol-version': { type: 'string', short: 'V' },
  cafile: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
  tls: { type: 'boolean' },
  ws: { type: 'boolean' },
  'ws-path': { type: 'string' },
  debug: { type: 'boolean', short: 'd' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
}

/** `argv` parsed with the shared flags and the command's own; unknown flags are usage errors. */
function parseFlags(argv, ownFlags) {
  try {
    return parseArgs({ args: argv, options: { ...CONNECTION_FLAGS, ...ownFlags }, strict: true }).values
  } catch (error) {
    if (typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message.split('. To specify')[0])
    }
    throw error
  }
}

function flagName(name, flags) {
  const short = flags[name]?.short
  return short ? `-${short} (--${name})` : `--${name}`
}

/** The integer value of a flag, or `fallback` when it is absent. */
function integerFlag(values, name, { min, max, fallback }, flags = CONNECTION_FLAGS) {
  const text = values[name]
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${flagName(name, flags)} must be an integer from ${min} to ${max}, got '${text}'`)
  }
  return value
}

/** A positive number of seconds (fractions allowed), or undefined when absent. */
function secondsFlag(values, name, flags) {
  const text = values[name]
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 2_147_483) {
    throw new UsageError(`${flagName(name, flags)} must be a number of seconds above 0, got '${text}'`)
  }
  return value
}

function qosFlag(values, flags) {
  return integerFlag(values, 'qos', { min: 0, max: 2, fallback: 0 }, flags)
}

function readFlagFile(values, name) {
  const file = values[name]
  if (file === undefined) return undefined
  try {
    return fs.readFileSync(file)
  } catch (error) {
    throw new UsageError(`--${name}: cannot read '${file}': ${error.message}`)
  }
}

/** The broker URL the flags name: --url, or a scheme from --tls/--ws/TLS files with -h and -p. */
function brokerUrl(values) {
  const tls = values.tls || values.insecure || [values.cafile, values.ca, values.cert, values.key].some((v) => v !== undefined)
  if (values.url !== undefined) {
    for (const name of ['host', 'port', 'ws', 'tls']) {
      if (values[name] !== undefined) {
        throw new UsageError(`give the broker either as -L (--url) or with ${flagName(name, CONNECTION_FLAGS)}, not both`)
      }
    }
    let url
    try {
      url = new URL(values.url)
    } catch {
      throw new UsageError(`-L (--url) must be a URL such as mqtt://host:1883 or wss://host/mqtt, got '${values.url}'`)
    }
    if (!['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:', 'ssl:', 'tls:'].includes(url.protocol)) {
      throw new UsageError(`-L (--url) must use mqtt, mqtts, ws or wss, got '${url.protocol.slice(0, -1)}'`)
    }
    return url.href
  }
  const scheme = (values.ws ? 'ws' : 'mqtt') + (tls ? 's' : '')
  const host = values.host ?? 'localhost'
  const port = integerFlag(values, 'port', { min: 1, max: 65535, fallback: undefined })
  const path = values.ws ? (values['ws-path'] ?? '/mqtt') : ''
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return `${scheme}://${hostPart}${port === undefined ? '' : `:${port}`}${path}`
}

/** `-V`'s MQTT versions (mosquitto's names, and MQTT.js's protocolVersion 4 too) as protocol levels. */
const PROTOCOL_VERSIONS = { mqttv311: 4, 311: 4, 4: 4, mqttv5: 5, 5: 5 }

/** The protocol level -V asks for: 4 (MQTT 3.1.1, the default) or 5 (MQTT 5). */
function protocolVersion(values) {
  const text = values['protocol-version']
  if (text === undefined) return 4
  if (text === 'mqttv31' || text === '31') {
    throw new UsageError(`-V (--protocol-version): mqtt-napi does not speak MQTT 3.1 ('${text}'): use mqttv311 or mqttv5`)
  }
  if (!Object.hasOwn(PROTOCOL_VERSIONS, text)) {
    throw new UsageError(`-V (--protocol-version) must be mqttv5 (5) or mqttv311 (311), got '${text}'`)
  }
  return PROTOCOL_VERSIONS[text]
}

/** MQTT 5 CONNECT properties; with -c and no session-expiry-interval, mosquitto's: the session never expires. */
function sessionKept(values, connect) {
  if (!values['disable-clean-session'] || connect?.sessionExpiryInterval !== undefined) return connect
  return { ...connect, sessionExpiryInterval: 0xffffffff }
}

/**
 * MQTT.js connect options for the flags, with `properties` (from -D, see
 * properties.js) at MQTT 5. The CLI reports the first failed attempt itself,
 * then (for `sub`) reconnects every second like mosquitto_sub.
 */
function connectOptions(values, command, properties = {}) {
  const version = protocolVersion(values)
  if (values['disable-clean-session'] && values.id === undefined) {
    throw new UsageError('-c (--disable-clean-session) needs a client id: give one with -i (--id)')
  }
  if (values.password !== undefined && values.username === undefined && version !== 5) {
    throw new UsageError('-P (--password) needs -u (--username): MQTT 3.1.1 has no password without a user name (MQTT 5, -V mqttv5, has)')
  }
  const options = {
    clientId: values.id ?? `mqtt-napi-${command}-${process.pid}`,
    clean: !values['disable-clean-session'],
    keepalive: integerFlag(values, 'keepalive', { min: 0, max: 65535, fallback: 60 }),
    username: values.username,
    password: values.password,
    ca: readFlagFile(values, values.cafile !== undefined ? 'cafile' : 'ca'),
    cert: readFlagFile(values, 'cert'),
    key: readFlagFile(values, 'key'),
    rejectUnauthorized: !values.insecure,
    reconnectPeriod: 1000,
    connectTimeout: 10 * 1000,
    protocolVersion: version,
    properties: version === 5 ? sessionKept(values, properties.connect) : undefined,
  }
  for (const name of Object.keys(options)) if (options[name] === undefined) delete options[name]
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new UsageError('--cert and --key go together: give both for a client certificate')
  }
  return { url: brokerUrl(values), options }
}

module.exports = { UsageError, EXIT, CONNECTION_FLAGS, parseFlags, integerFlag, secondsFlag, qosFlag, protocolVersion, connectOptions }
