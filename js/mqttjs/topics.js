'use strict'

/**
 * MQTT.js's check of a topic filter: '#' last and alone, '+' alone in its
 * level; and well-formed Unicode, which the engine could not send as given.
 */
function isValidFilter(topic) {
  if (!topic.isWellFormed()) return false
  const levels = topic.split('/')
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]
    if (level === '+') continue
    if (level === '#') return i === levels.length - 1
    if (level.includes('+') || level.includes('#')) return false
  }
  return true
}

/**
 * The first invalid filter of `topics`, as MQTT.js names it in
 * `Invalid topic X` ('empty_topic_list' for none); undefined when all pass.
 */
function invalidTopicIn(topics) {
  if (topics.length === 0) return 'empty_topic_list'
  return topics.find((topic) => !isValidFilter(topic))
}

module.exports = { invalidTopicIn }
