'use strict'
// AWS IoT Core's limits, checked when a client asks for them
// (ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults).

const MAX_TOPIC_BYTES = 256
const MAX_SLASHES = 7
const MAX_SUBSCRIPTIONS = 8
/** Basic Ingest topics: the prefix does not count against the limits. */
const BASIC_INGEST = /^\$aws\/rules\/[^/]+\//

/** Throws a RangeError naming `name` when `topic` breaks IoT Core's topic limits. */
function checkIotCoreTopic(topic, name) {
  const counted = topic.replace(BASIC_INGEST, '')
  if (Buffer.byteLength(counted) > MAX_TOPIC_BYTES) {
    throw new RangeError(`${name} must be at most ${MAX_TOPIC_BYTES} bytes for AWS IoT Core (AwsIotCoreDefaults)`)
  }
  let slashes = 0
  for (const character of counted) if (character === '/') slashes++
  if (slashes > MAX_SLASHES) {
    throw new RangeError(`${name} must have at most ${MAX_SLASHES} '/' for AWS IoT Core (AwsIotCoreDefaults)`)
  }
}

/** Throws a RangeError naming `name` when a SUBSCRIBE breaks IoT Core's limits. */
function checkIotCoreSubscribe(filters, name) {
  if (filters.length > MAX_SUBSCRIPTIONS) {
    throw new RangeError(
      `${name} must hold at most ${MAX_SUBSCRIPTIONS} subscriptions for AWS IoT Core (AwsIotCoreDefaults)`,
    )
  }
  filters.forEach((filter, i) => checkIotCoreTopic(filter, `${name}[${i}].topicFilter`))
}

module.exports = { checkIotCoreTopic, checkIotCoreSubscribe }
