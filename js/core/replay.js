'use strict'
// The batch layout is declared once, in the addon (EventBatch in binding.d.ts).
const {
  MESSAGE_SAME_TOPIC,
  MESSAGE_ACK_DEFERRED,
  MESSAGE_HAS_PROPERTIES,
  MESSAGE_HAS_USER_PROPERTIES,
  COMPLETION_ID,
  COMPLETION_ERROR_CODE,
  COMPLETION_PACKET_ID,
  COMPLETION_PROPERTIES,
  COMPLETION_DETAIL,
  COMPLETION_CODE_COUNT,
  COMPLETION_HEADER_LENGTH,
} = require('./native')

/**
 * Replays one native EventBatch (see binding.d.ts) on `target` in the order
 * things happened:
 * - `target._onMessage(failures, topic, payload, start, end, flags, ticket,
 *   properties, userProperties)` per message, `payload` being what
 *   `target._payloadOf(batch)` made of the batch's bytes, `ticket` the
 *   message's acknowledgement ticket when its acknowledgement waits
 *   (MESSAGE_ACK_DEFERRED), `properties` its MQTT 5 properties but user
 *   properties (NativePublishProperties) and `userProperties` those as
 *   [name, value, name, value, ...], each undefined when there are none;
 * - `target._onCompletion(failures, id, errorCode, packetId, records, codesAt,
 *   codeCount, properties, detail)` per completion, its reason codes being
 *   `records[codesAt ...]`, `properties` the acknowledgement's and `detail`
 *   what a failure's code does not say (each undefined when there is none);
 * - `target._onConnectionEvent(event)` per connection event.
 * Handlers push what listeners throw onto `failures`; that, and what the
 * handlers themselves throw, is collected and rethrown on a later tick: it becomes
 * an ordinary uncaught exception and never unwinds into the native caller.
 */
function replay(target, batch) {
  const failures = []
  const state = {
    message: 0,
    record: 0,
    completion: 0,
    ack: 0,
    properties: 0,
    userCounts: 0,
    userAt: 0,
    userParts: undefined,
    topics: undefined,
    topicAt: 0,
    topic: '',
    payload: undefined,
  }
  try {
    for (const event of batch.connectionEvents) {
      replayUntil(target, batch, state, failures, event.messagesBefore, event.completionsBefore)
      try {
        target._onConnectionEvent(event)
      } catch (error) {
        failures.push(error)
      }
    }
    replayUntil(target, batch, state, failures, batch.payloadEnds.length, Infinity)
  } catch (error) {
    failures.push(error)
  }
  for (const error of failures) {
    process.nextTick(() => {
      throw error
    })
  }
}

function replayUntil(target, batch, state, failures, messageCount, completionCount) {
  if (state.message < messageCount && state.topics === undefined) {
    state.topics = batch.topics.split('\0')
    state.payload = target._payloadOf(batch)
  }
  for (; state.message < messageCount; state.message++) {
    const i = state.message
    const start = i === 0 ? 0 : batch.payloadEnds[i - 1]
    const flags = batch.flags[i]
    // The same-topic bit: the topic of the message before (see EventBatch).
    if ((flags & MESSAGE_SAME_TOPIC) === 0) state.topic = state.topics[state.topicAt++]
    const ticket = (flags & MESSAGE_ACK_DEFERRED) === 0 ? undefined : batch.ackTickets[state.ack++]
    const properties = (flags & MESSAGE_HAS_PROPERTIES) === 0 ? undefined : batch.messageProperties[state.properties++]
    const userProperties = (flags & MESSAGE_HAS_USER_PROPERTIES) === 0 ? undefined : nextUserProperties(batch, state)
    target._onMessage(failures, state.topic, state.payload, start, batch.payloadEnds[i], flags, ticket, properties, userProperties)
  }
  const records = batch.completions
  while (state.completion < completionCount && state.record < records.length) {
    const at = state.record
    const codeCount = records[at + COMPLETION_CODE_COUNT]
    state.record = at + COMPLETION_HEADER_LENGTH + codeCount
    state.completion++
    const properties = records[at + COMPLETION_PROPERTIES]
    const detail = records[at + COMPLETION_DETAIL]
    target._onCompletion(
      failures,
      records[at + COMPLETION_ID],
      records[at + COMPLETION_ERROR_CODE],
      records[at + COMPLETION_PACKET_ID],
      records,
      at + COMPLETION_HEADER_LENGTH,
      codeCount,
      properties === 0 ? undefined : batch.completionProperties[properties - 1],
      detail === 0 ? undefined : batch.completionDetails[detail - 1],
    )
  }
}

/** The next flagged message's user properties: [name, value, ...] out of the batch's column. */
function nextUserProperties(batch, state) {
  state.userParts ??= batch.userProperties.split('\0')
  const end = state.userAt + 2 * batch.userPropertyCounts[state.userCounts++]
  const pairs = state.userParts.slice(state.userAt, end)
  state.userAt = end
  return pairs
}

module.exports = { replay }
