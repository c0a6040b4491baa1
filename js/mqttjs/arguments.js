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

/** MQTT.js's `(topic | topic[] | { [topic]: { qos } }, { qos })` as filters. */
function filtersOf(topicObject, opts) {
  const qos = opts?.qos ?? 0
  checkQos(qos, 'options.qos')
  let filters
  if (typeof topicObject === 'string') filters = [{ topic: topicObject, qos }]
  else if (Array.isArray(topicObject)) filters = topicObject.map((topic) => ({ topic, qos }))
  else if (topicObject !== null && typeof topicObject === 'object') {
    filters = Object.keys(topicObject)
      .filter((topic) => topic !== 'resubscribe')
      .map((topic) => {
        const options = topicObject[topic]
        if (options === null || typeof options !== 'object') {
          throw new TypeError(`topic[${JSON.stringify(topic)}] must be { qos } (got ${describe(options)})`)
        }
        return { topic, qos: options.qos ?? qos }
      })
  } else {
    throw new TypeError(`topic must be a string, an array of strings or { [topic]: { qos } } (got ${describe(topicObject)})`)
  }
  filters.forEach(({ topic, qos }, i) => {
    checkTopicString(topic, `topic[${i}]`)
    checkQos(qos, `the qos of ${topic}`)
  })
  return filters
}

module.exports = { describe, checkQos, checkOptionsAndCallback, checkTopicString, filtersOf }
