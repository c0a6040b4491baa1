'use strict'
// A turn's small publishes, gathered so they cross into the engine in one
// native call (NativeConnection.publishBatch): a call costs more than
// queueing a small publish, so a burst pays for one.

const { PUBLISH_BATCH_RETAIN, PUBLISH_BATCH_TOPIC_SEPARATOR } = require('./native')

/** Larger payloads go on their own: copying them twice would cost more than a call. */
const MAX_STAGED_PAYLOAD_BYTES = 1024
/** Staged payload bytes past which the batch is handed over at once (bounded memory). */
const MAX_STAGED_BYTES = 64 * 1024
const MAX_STAGED_PUBLISHES = 1024
/** What a connection that publishes starts with; it doubles up to the maxima. */
const FIRST_CAPACITY = { publishes: 64, bytes: 4096 }

class PublishStaging {
  constructor() {
    this.count = 0
    this._bytes = 0
    this._topics = []
    this._grow(FIRST_CAPACITY.publishes, FIRST_CAPACITY.bytes)
  }

  /** Whether a publish may be staged: a small payload, and a topic the batch can carry. */
  static takes(topic, bytes) {
    return bytes.byteLength <= MAX_STAGED_PAYLOAD_BYTES && !topic.includes(PUBLISH_BATCH_TOPIC_SEPARATOR)
  }

  /** Whether one more publish of `size` payload bytes fits before a hand-over. */
  hasRoomFor(size) {
    return this.count < MAX_STAGED_PUBLISHES && this._bytes + size <= MAX_STAGED_BYTES
  }

  add(id, topic, bytes, qos, retain) {
    const index = this.count
    const end = this._bytes + bytes.byteLength
    if (index === this._ids.length || end > this._payloads.length) this._grow(this._ids.length * 2, this._payloads.length * 2)
    this._ids[index] = id
    this._flags[index] = retain ? qos | PUBLISH_BATCH_RETAIN : qos
    this._payloads.set(bytes, this._bytes)
    this._ends[index] = end
    this._topics.push(topic)
    this._bytes = end
    this.count = index + 1
  }

  /**
   * Hands every staged publish to `native` in order and empties the stage;
   * returns the [id, reason] of each one the engine refused.
   */
  handOver(native) {
    const count = this.count
    const refusals = native.publishBatch(
      this._ids.subarray(0, count),
      this._topics.join(PUBLISH_BATCH_TOPIC_SEPARATOR),
      this._flags.subarray(0, count),
      this._payloads.subarray(0, this._bytes),
      this._ends.subarray(0, count),
    )
    const refused = refusals.map(({ index, message }) => [this._ids[index], message])
    this.count = 0
    this._bytes = 0
    this._topics = []
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
    this._ids = ids
    this._flags = flags
    this._ends = ends
    this._payloads = payloads
  }
}

module.exports = { PublishStaging }
