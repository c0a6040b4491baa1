'use strict'
const { isValidFilter } = require('../core/topics')

/**
 * The first invalid filter of `topics`, as MQTT.js names it in
 * `Invalid topic X` ('empty_topic_list' for none); undefined when all pass.
 * Lone surrogates fail too: the engine could not send such a filter as given.
 */
function invalidTopicIn(topics) {
  if (topics.length === 0) return 'empty_topic_list'
  return topics.find((topic) => !topic.isWellFormed() || !isValidFilter(topic))
}

module.exports = { invalidTopicIn }
