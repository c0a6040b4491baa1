'use strict'
// AWS IoT SDK metrics in the CONNECT username, as aws-c-mqtt merges them
// (`aws_mqtt_append_sdk_metrics_to_username`). Only configs that carry
// `metrics` (the `iot` builders set it) get them, and never with
// `disable_metrics`; plain configs go out as written.

const { version } = require('../../package.json')

/** The longest username MQTT can carry; a longer merge sends the plain one. */
const MAX_USERNAME_BYTES = 65535

/** What the `iot` builders announce: this library, not aws-iot-device-sdk. */
function builderMetrics() {
  return { libraryName: 'mqtt-napi', metadata: [['Version', version]] }
}

const PLATFORMS = { linux: 'Linux', darwin: 'macOS', win32: 'Windows', freebsd: 'FreeBSD', openbsd: 'OpenBSD', sunos: 'SunOS', aix: 'AIX' }

const platformName = () => PLATFORMS[process.platform] ?? process.platform

const splitPair = (text, separator) => {
  const at = text.indexOf(separator)
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)]
}

/** `Metadata=(k=v;...)` with `extra` entries added where their key is absent. */
function mergedMetadata(existing, extra) {
  const inner = existing.startsWith('(') && existing.endsWith(')') ? existing.slice(1, -1) : existing
  const entries = inner ? inner.split(';').map((entry) => splitPair(entry, '=')) : []
  for (const [key, value] of extra) {
    if (!entries.some(([k]) => k === key)) entries.push([key, value])
  }
  return `(${entries.map(([k, v]) => `${k}=${v}`).join(';')})`
}

/**
 * `username` with `metrics` ({ libraryName, metadata: [[key, value]] })
 * merged into the query after its last `?`: SDK and Platform only if absent,
 * Metadata key by key (existing keys win).
 */
function usernameWithMetrics(username, metrics) {
  const at = username.lastIndexOf('?')
  const base = at < 0 ? username : username.slice(0, at)
  const query = at < 0 ? '' : username.slice(at + 1)
  const pairs = query ? query.split('&').map((pair) => splitPair(pair, '=')) : []
  const has = (name) => pairs.some(([key]) => key === name)
  if (!has('SDK')) pairs.push(['SDK', metrics.libraryName])
  if (!has('Platform')) pairs.push(['Platform', platformName()])
  const metadata = pairs.find(([key]) => key === 'Metadata')
  if (metadata) metadata[1] = mergedMetadata(metadata[1], metrics.metadata ?? [])
  else pairs.push(['Metadata', mergedMetadata('', metrics.metadata ?? [])])
  const merged = `${base}?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`
  return Buffer.byteLength(merged) > MAX_USERNAME_BYTES ? username : merged
}

/**
 * The username a config sends: with metrics when it carries `metrics`
 * (checked as `{ libraryName: string, metadata?: [key, value][] }`) and
 * `disable` is not true.
 */
function connectUsername(username, metrics, disable, metricsName) {
  if (metrics === undefined || disable === true) return username
  if (metrics === null || typeof metrics !== 'object' || typeof metrics.libraryName !== 'string') {
    throw new TypeError(`${metricsName} must be { libraryName: string, metadata?: [key, value][] }`)
  }
  const metadata = metrics.metadata ?? []
  const pairsOk = Array.isArray(metadata) && metadata.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'))
  if (!pairsOk) throw new TypeError(`${metricsName}.metadata must be an array of [key, value] string pairs`)
  return usernameWithMetrics(username ?? '', metrics)
}

module.exports = { builderMetrics, connectUsername }
