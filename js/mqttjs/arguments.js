'use strict'
// The checks of the MQTT.js API's arguments: a wrong type throws a TypeError,
// a number out of range a RangeError, each naming the argument.

/** How a wrong argument reads: numbers show themselves. */
function describe(value) {
  return typeof value === 'number' ? String(value) : typeof value
}

function checkQos(qos, name) {
  if (qos === 0 || qos === 1 || qos === 2) return
  if (typeof qos !== 'number') throw new TypeError(`${name} must be 0, 1 or 2 (got ${describe(qos)})`)
  throw new RangeError(`${name} must be 0, 1 or 2 (got ${describe(qos)})`)
}

function checkCallback(callback) {
  if (callback !== undefined && callback !== null && typeof callback !== 'function') {
    throw new TypeError(`callback must be a function (got ${describe(callback)})`)
  }
}

function checkOptions(opts) {
  if (opts !== undefined && opts !== null && (typeof opts !== 'object' || Array.isArray(opts))) {
    throw new TypeError(`options must be an object (got ${describe(opts)})`)
  }
}

/** `opts` and `callback` once a callback in `opts`'s place has moved over. */
function checkOptionsAndCallback(opts, callback) {
  checkOptions(opts)
  checkCallback(callback)
}

function checkTopicString(topic, name) {
  if (typeof topic !== 'string') throw new TypeError(`${name} must be a string (got ${describe(topic)})`)
}

/**
 * MQTT.js's `(topic | topic[] | { [topic]: { qos, nl, rap, rh } }, { qos, nl,
 * rap, rh })` as its subscriptions: `{ topic, qos }`, and in MQTT 5 (`v5`)
 * `nl`, `rap`, `rh` and `properties` as MQTT.js fills them in (false / 0 for
 * the options form, as given for the map form).
 */
function filtersOf(topicObject, opts, v5 = false) {
  const qos = opts?.qos ?? 0
  checkQos(qos, 'options.qos')
  const mqtt5 = (options, fill) =>
    v5
      ? {
          nl: options?.nl ?? (fill ? false : undefined),
          rap: options?.rap ?? (fill ? false : undefined),
          rh: options?.rh ?? (fill ? 0 : undefined),
          properties: opts?.properties,
        }
      : {}
  let filters
  if (typeof topicObject === 'string') filters = [{ topic: topicObject, qos, ...mqtt5(opts, true) }]
  else if (Array.isArray(topicObject)) filters = topicObject.map((topic) => ({ topic, qos, ...mqtt5(opts, true) }))
  else if (topicObject !== null && typeof topicObject === 'object') {
    filters = Object.keys(topicObject)
      .filter((topic) => topic !== 'resubscribe')
      .map((topic) => {
        const options = topicObject[topic]
        if (options === null || typeof options !== 'object') {
          throw new TypeError(`topic[${JSON.stringify(topic)}] must be { qos } (got ${describe(options)})`)
        }
        return { topic, qos: options.qos ?? qos, ...mqtt5(options, false) }
      })
  } else {
    throw new TypeError(`topic must be a string, an array of strings or { [topic]: { qos } } (got ${describe(topicObject)})`)
  }
  filters.forEach(({ topic, qos, nl, rap, rh }, i) => {
    checkTopicString(topic, `topic[${i}]`)
    checkQos(qos, `the qos of ${topic}`)
    if (nl !== undefined && typeof nl !== 'boolean') throw new TypeError(`the nl of ${topic} must be a boolean (got ${describe(nl)})`)
    if (rap !== undefined && typeof rap !== 'boolean') throw new TypeError(`the rap of ${topic} must be a boolean (got ${describe(rap)})`)
    if (rh !== undefined && rh !== 0 && rh !== 1 && rh !== 2) throw new RangeError(`the rh of ${topic} must be 0, 1 or 2 (got ${describe(rh)})`)
  })
  return filters
}

/** A subscription's options byte (QoS, No Local, Retain As Published, Retain Handling). */
function optionsByte({ qos, nl, rap, rh }) {
  return qos | (nl ? 4 : 0) | (rap ? 8 : 0) | ((rh ?? 0) << 4)
}

module.exports = { describe, checkQos, checkOptionsAndCallback, checkTopicString, filtersOf, optionsByte }
