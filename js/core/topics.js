'use strict'
// The engine's topic rules (MQTT section 4.7), for checks made in JS.
const native = require('./native')

/** Throws `ErrorClass` naming `name` when `topic` (a string) cannot be published to. */
function checkTopicName(topic, name, ErrorClass) {
  const problem = native.topicNameProblem(topic)
  if (problem !== null) throw new ErrorClass(`${name} is not a valid topic: ${problem}`)
}

/** Throws `ErrorClass` naming `name` when `filter` (a string) cannot be subscribed to. */
function checkTopicFilter(filter, name, ErrorClass) {
  const problem = native.topicFilterProblem(filter)
  if (problem !== null) throw new ErrorClass(`${name} is not a valid topic filter: ${problem}`)
}

/** Whether `filter` (a string) can be subscribed to. */
function isValidFilter(filter) {
  return native.topicFilterProblem(filter) === null
}

module.exports = { checkTopicName, checkTopicFilter, isValidFilter }
