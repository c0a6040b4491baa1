'use strict'
const { EventEmitter } = require('events')
const { NativeConnection } = require('./native')
const { replay } = require('./replay')
const { checkPayloadFits } = require('./payload')
const { PublishStaging } = require('./publish-staging')

/** Period of the timer that holds a wanted connection (it never needs to fire). */
const KEEP_ALIVE_MS = 2 ** 30

/** Bits of `_keptOffline`: what waits for a link while there is none. */
const KEEPS_QOS0 = 1
const KEEPS_ACKNOWLEDGED = 2
const KEEPS_SUBSCRIPTIONS = 4

/**
 * Clients whose connection is wanted: one timer, for all of them, keeps
 * Node running and keeps them reachable (a timer each would cost every
 * idle connection a Timeout and a closure).
 */
const wanted = new Set()
let wantedHold

function holdProcessFor(client) {
  wanted.add(client)
  wantedHold ??= setInterval(() => wanted, KEEP_ALIVE_MS)
}

function releaseProcessFrom(client) {
  if (!wanted.delete(client) || wanted.size > 0) return
  clearInterval(wantedHold)
  wantedHold = undefined
}

/** A native connection's callback, bound to a WeakRef of its client (no closure and context each). */
function drainIfAlive(batch) {
  this.deref()?._drain(batch)
}

/**
 * What both dialects' clients share: the native connection, the table of
 * pending operations, the once-per-turn flush and the hold on the process.
 * A subclass handles the batches' events (see replay.js).
 */
class NativeClient extends EventEmitter {
  constructor(nativeConfig) {
    super()
    // EventEmitter's listener table is a dictionary-mode object (~280 bytes
    // a client); a fast one without a prototype behaves alike and shares its
    // hidden class with every client's.
    this._events = Object.setPrototypeOf({}, null)
    // The native side holds this callback for good; a weak link lets an idle,
    // unreferenced client be collected (which closes its native half).
    this._native = new NativeConnection(nativeConfig, drainIfAlive.bind(new WeakRef(this)))
    // Pending operations by id; ids of finished ones are reused, so the
    // table stays a small dense array (both made with the first operation).
    this._operations = undefined
    this._freeIds = undefined
    // Small publishes of this turn, not yet handed over (made on the first).
    this._staging = undefined
    this._awaited = 0
    this._settlementHold = undefined
    this._flushScheduled = false
    // What waits for a link while there is none (the rest fails at once).
    this._keptOffline =
      (nativeConfig.queueQos0Offline ? KEEPS_QOS0 : 0) |
      ((nativeConfig.queueAcknowledgedPublishesOffline ?? true) ? KEEPS_ACKNOWLEDGED : 0) |
      ((nativeConfig.queueSubscriptionsOffline ?? true) ? KEEPS_SUBSCRIPTIONS : 0)
  }

  /** An operation id no pending operation holds. */
  _takeId() {
    return this._freeIds?.pop() ?? this._operations?.length ?? 0
  }

  /** Gives back an id `_takeId` returned that no operation took. */
  _returnId(id) {
    if (id < (this._operations?.length ?? 0)) this._freeIds.push(id)
  }

  /**
   * Hands an operation to the engine through `send(id)`; returns its id.
   * What `send` throws is rethrown, and the id is left free.
   */
  _send(send) {
    const id = this._takeId()
    try {
      send(id)
    } catch (error) {
      this._returnId(id)
      throw error
    }
    return id
  }

  /**
   * `_send` for a publish, without a closure on the hot path; the payload is
   * checked to fit one packet first (`payloadName` names it in the error).
   * MQTT 5: `properties` and `userProperties` as `NativeConnection.publish`
   * takes them, or undefined.
   */
  _sendPublish(topic, bytes, qos, retain, payloadName, properties, userProperties) {
    checkPayloadFits(topic, qos, bytes, payloadName)
    if (properties === undefined && PublishStaging.takes(topic, bytes)) {
      const staging = (this._staging ??= new PublishStaging())
      if (!staging.hasRoomFor(bytes, userProperties)) this._handOverStaged()
      const id = this._takeId()
      staging.add(id, topic, bytes, qos, retain, userProperties)
      return id
    }
    const native = this._nativeNow()
    const id = this._takeId()
    try {
      native.publish(id, topic, bytes, qos, retain, properties, userProperties)
    } catch (error) {
      this._returnId(id)
      throw error
    }
    return id
  }

  /**
   * The native connection, once every publish staged so far is handed to
   * it: every other call goes through here, so operations keep their order.
   */
  _nativeNow() {
    if (this._staging !== undefined && this._staging.count > 0) this._handOverStaged()
    return this._native
  }

  /** Hands the staged publishes over; one the engine refuses fails with its reason. */
  _handOverStaged() {
    for (const [id, reason] of this._staging.handOver(this._native)) {
      const operation = this._settle(id)
      if (operation !== undefined) this._refused(operation, new TypeError(reason))
    }
  }

  /**
   * Whether the outcome of a publish just handed over must be heard before
   * Node may exit: while `connected` is false, one the offline queue does
   * not keep (QoS 0, unless asked) fails at once in the engine. If so the
   * process is held until the operation settles (its record carries
   * `awaited: true`).
   */
  _failsAtOnce(qos, connected) {
    const kept = this._keptOffline & (qos === 0 ? KEEPS_QOS0 : KEEPS_ACKNOWLEDGED)
    return this._heldIfFailing(connected || kept !== 0)
  }

  /** `_failsAtOnce` for a subscribe or unsubscribe. */
  _subscriptionFailsAtOnce(connected) {
    return this._heldIfFailing(connected || (this._keptOffline & KEEPS_SUBSCRIPTIONS) !== 0)
  }

  _heldIfFailing(goesThrough) {
    if (goesThrough) return false
    this._awaitSettlement()
    return true
  }

  /** Records operation `id`, just handed to the native side. */
  _pending(id, operation) {
    this._operations ??= []
    this._operations[id] = operation
    this._flushSoon()
  }

  /** Removes and returns the operation `id` (undefined if none is pending). */
  _settle(id) {
    const operation = this._operations?.[id]
    if (operation === undefined) return undefined
    this._operations[id] = undefined
    this._freeIds ??= []
    this._freeIds.push(id)
    if (operation.awaited) this._settled()
    return operation
  }

  /**
   * Wakes the I/O thread once for every operation issued in this turn: a
   * wake costs more than a small publish, so a burst pays for one.
   */
  _flushSoon() {
    if (this._flushScheduled) return
    this._flushScheduled = true
    queueMicrotask(() => {
      this._flushScheduled = false
      this._nativeNow().flush()
    })
  }

  /**
   * While a connection is wanted, a timer keeps Node running and keeps this
   * object reachable even if the application dropped its reference.
   */
  _holdProcess(hold) {
    if (hold) holdProcessFor(this)
    else releaseProcessFrom(this)
  }

  /**
   * An outcome the native side will report with no connection wanted (a
   * disconnect, a publish it fails at once) must reach JS before Node exits:
   * a timer holds the process until `_settled()` is called as often.
   */
  _awaitSettlement() {
    this._awaited++
    this._settlementHold ??= setInterval(() => this, KEEP_ALIVE_MS)
  }

  _settled() {
    if (--this._awaited > 0) return
    clearInterval(this._settlementHold)
    this._settlementHold = undefined
  }

  _drain(batch) {
    replay(this, batch)
  }
}

module.exports = { NativeClient }
