'use strict'
const native = require('../core/native')

/** Distinct topics remembered before the cache starts over. */
const CACHE_LIMIT = 10000

/**
 * Per-filter message callbacks. Which callbacks a topic reaches is worked out
 * once per distinct topic (by the native matcher) and cached until the
 * subscriptions change.
 */
/** What a topic no filter matches gets (shared, never changed). */
const NO_CALLBACKS = Object.freeze([])

class Subscriptions {
  constructor() {
    // Made with the first callback: a connection that only publishes never needs them.
    this._callbacks = undefined
    this._cache = undefined
  }

  set(filter, callback) {
    this._callbacks ??= new Map()
    this._cache ??= new Map()
    this._callbacks.set(filter, callback)
    this._cache.clear()
  }

  /** Removes `filter`, or only its `callback` when one is given. */
  delete(filter, callback) {
    if (this._callbacks === undefined) return
    if (callback !== undefined && this._callbacks.get(filter) !== callback) return
    if (this._callbacks.delete(filter)) this._cache.clear()
  }

  callbacksFor(topic) {
    if (this._callbacks === undefined) return NO_CALLBACKS
    let callbacks = this._cache.get(topic)
    if (callbacks === undefined) {
      callbacks = []
      for (const [filter, callback] of this._callbacks) {
        if (native.topicMatchesFilter(filter, topic)) callbacks.push(callback)
      }
      if (this._cache.size >= CACHE_LIMIT) this._cache.clear()
      this._cache.set(topic, callbacks)
    }
    return callbacks
  }
}

module.exports = { Subscriptions }
