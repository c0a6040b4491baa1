'use strict'
// MQTT.js's two message id providers. mqtt-napi's engine chooses packet ids
// itself and never reuses one still in flight (what UniqueMessageIdProvider
// promises), so a client accepts either and asks it nothing; they exist so
// that code which builds them compiles and runs, and they work if called.

const MAX_ID = 65535

/** Hands out ids in turn from a random start, wrapping after 65535. */
class DefaultMessageIdProvider {
  constructor() {
    this.nextId = Math.max(1, Math.floor(Math.random() * MAX_ID))
    this.lastId = null
  }

  allocate() {
    const id = this.nextId++
    if (this.nextId > MAX_ID) this.nextId = 1
    this.lastId = id
    return id
  }

  getLastAllocated() {
    return this.lastId
  }

  register() {
    return true
  }

  deallocate() {}

  clear() {}
}

/** Hands out the lowest id not in use; null when all 65535 are. */
class UniqueMessageIdProvider {
  constructor() {
    this.inUse = new Set()
    this.lastId = null
  }

  allocate() {
    for (let id = 1; id <= MAX_ID; id++) {
      if (!this.inUse.has(id)) {
        this.inUse.add(id)
        this.lastId = id
        return id
      }
    }
    return null
  }

  getLastAllocated() {
    return this.lastId
  }

  register(id) {
    if (this.inUse.has(id)) return false
    this.inUse.add(id)
    return true
  }

  deallocate(id) {
    this.inUse.delete(id)
  }

  clear() {
    this.inUse.clear()
  }
}

/** Accepts MQTT.js's providers; a provider of the application's own cannot be honoured. */
function checkMessageIdProvider(provider) {
  if (provider === undefined || provider === null) return
  if (provider instanceof DefaultMessageIdProvider || provider instanceof UniqueMessageIdProvider) return
  throw new TypeError(
    'options.messageIdProvider must be a DefaultMessageIdProvider or a UniqueMessageIdProvider from mqtt-napi: ' +
      'the native engine chooses packet ids itself (never reusing one in flight), so a custom provider would not be asked',
  )
}

module.exports = { DefaultMessageIdProvider, UniqueMessageIdProvider, checkMessageIdProvider }
