'use strict'
// A turn's small publishes, gathered so they cross into the engine in one
// native call (NativeConnection.publishBatch): a call costs more than
// queueing a small publish, so a burst pays for one. MQTT 5 user properties
// ride along (the common case of properties); the other properties go on
// their own.

const { PUBLISH_BATCH_RETAIN, PUBLISH_BATCH_TOPIC_SEPARATOR } = require('./native')

/** Larger payloads go on their own: copying them twice would cost more than a call. */
const MAX_STAGED_PAYLOAD_BYTES = 1024
/** Staged payload bytes (and user property characters) past which the batch is handed over at once (bounded memory). */
const MAX_STAGED_BYTES = 64 * 1024
const MAX_STAGED_PUBLISHES = 1024
/** What a connection that publishes starts with; it doubles up to the maxima. */
const FIRST_CAPACITY = { publishes: 64, bytes: 4096 }

class PublishStaging {
  constructor() {
    this.count = 0
    this._bytes = 0
    this._topics = []
    // User properties, made with the first publish that has some: each
    // publish's name, value, ... (joined by U+0000) and its count of pairs.
    this._userProperties = undefined
    this._pairs = undefined
    this._userPropertyChars = 0
    this._grow(FIRST_CAPACITY.publishes, FIRST_CAPACITY.bytes)
  }

  /** Whether a publish may be staged: a small payload, and a topic the batch can carry. */
  static takes(topic, bytes) {
    return bytes.byteLength <= MAX_STAGED_PAYLOAD_BYTES && !topic.includes(PUBLISH_BATCH_TOPIC_SEPARATOR)
  }

  /** Whether one more publish (its payload `bytes` and joined `userProperties`, or undefined) fits before a hand-over. */
  hasRoomFor(bytes, userProperties) {
    const size = bytes.byteLength + (userProperties?.length ?? 0)
    return this.count < MAX_STAGED_PUBLISHES && this._bytes + this._userPropertyChars + size <= MAX_STAGED_BYTES
  }

  /** Stages a publish; `userProperties` as `NativeConnection.publish` takes them, or undefined. */
  add(id, topic, bytes, qos, retain, userProperties) {
    const index = this.count
    const end = this._bytes + bytes.byteLength
    if (index === this._ids.length || end > this._payloads.length) this._grow(this._ids.length * 2, this._payloads.length * 2)
    this._ids[index] = id
    this._flags[index] = retain ? qos | PUBLISH_BATCH_RETAIN : qos
    this._payloads.set(bytes, this._bytes)
    this._ends[index] = end
    this._topics.push(topic)
    this._bytes = end
    if (userProperties) this._addUserProperties(index, userProperties)
    this.count = index + 1
  }

  _addUserProperties(index, joined) {
    if (this._pairs === undefined) {
      this._pairs = new Uint32Array(this._ids.length)
      this._userProperties = []
    }
    this._pairs[index] = pairsIn(joined)
    this._userProperties.push(joined)
    // Counted with the payloads: the stage's memory stays bounded.
    this._userPropertyChars += joined.length
  }

  /**
   * Hands every staged publish to `native` in order and empties the stage;
   * returns the [id, reason] of each one the engine refused.
   */
  handOver(native) {
    const count = this.count
    const pairs = this._pairs?.subarray(0, count)
    const refusals = native.publishBatch(
      this._ids.subarray(0, count),
      this._topics.join(PUBLISH_BATCH_TOPIC_SEPARATOR),
      this._flags.subarray(0, count),
      this._payloads.subarray(0, this._bytes),
      this._ends.subarray(0, count),
      this._userProperties?.join(PUBLISH_BATCH_TOPIC_SEPARATOR),
      pairs,
    )
    const refused = refusals.map(({ index, message }) => [this._ids[index], message])
    this.count = 0
    this._bytes = 0
    this._topics = []
    if (pairs !== undefined) {
      pairs.fill(0)
      this._userProperties = []
      this._userPropertyChars = 0
    }
    return refused
  }

  /** Room for `publishes` and `bytes` (within the maxima), keeping what is staged. */
  _grow(publishes, bytes) {
    const ids = new Uint32Array(Math.min(publishes, MAX_STAGED_PUBLISHES))
    const flags = new Uint8Array(ids.length)
    const ends = new Uint32Array(ids.length)
    const payloads = Buffer.allocUnsafe(Math.min(bytes, MAX_STAGED_BYTES))
    if (this._ids !== undefined) {
      ids.set(this._ids.subarray(0, this.count))
      flags.set(this._flags.subarray(0, this.count))
      ends.set(this._ends.subarray(0, this.count))
      this._payloads.copy(payloads, 0, 0, this._bytes)
    }
    if (this._pairs !== undefined) {
      const pairs = new Uint32Array(ids.length)
      pairs.set(this._pairs.subarray(0, this.count))
      this._pairs = pairs
    }
    this._ids = ids
    this._flags = flags
    this._ends = ends
    this._payloads = payloads
  }
}

/** How many name, value pairs `joined` (name, value, ... joined by U+0000) holds. */
function pairsIn(joined) {
  let separators = 0
  for (let at = joined.indexOf('\0'); at !== -1; at = joined.indexOf('\0', at + 1)) separators++
  return (separators + 1) / 2
}

module.exports = { PublishStaging }
