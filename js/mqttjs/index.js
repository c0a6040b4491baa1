'use strict'
const { MqttClient } = require('./client')
const { ErrorWithReasonCode, ErrorWithSubackPacket } = require('./errors')
const { resolveOptions } = require('./options')
const { DefaultMessageIdProvider, UniqueMessageIdProvider } = require('./message-ids')

/**
 * MQTT.js's `connect(brokerUrl?, options?)`: a client that connects at once
 * (unless `manualConnect`), with a no-op 'error' listener as MQTT.js installs.
 */
function connect(brokerUrl, opts) {
  const client = new MqttClient(resolveOptions(brokerUrl, opts))
  client.on('error', ignore)
  return client
}

/** The no-op 'error' listener of every client (one function for all). */
function ignore() {}

/**
 * Resolves with the client on its first 'connect' (or 'end'); on its first
 * 'error' ends it and rejects. With `allowRetries` false, the first 'close'
 * rejects too.
 */
function connectAsync(brokerUrl, opts, allowRetries = true) {
  return new Promise((resolve, reject) => {
    if (typeof allowRetries !== 'boolean') {
      throw new TypeError(`allowRetries must be a boolean (got ${typeof allowRetries})`)
    }
    const client = connect(brokerUrl, opts)
    const listeners = {
      connect: () => settle(() => resolve(client)),
      end: () => settle(() => resolve(client)),
      error: (error) =>
        settle(() => {
          client.end()
          reject(error)
        }),
    }
    if (allowRetries === false) listeners.close = () => listeners.error(new Error("Couldn't connect to server"))
    function settle(outcome) {
      // Newest first: V8 keeps the listener table fast when the property
      // deleted is the one added last.
      for (const [event, listener] of Object.entries(listeners).reverse()) client.off(event, listener)
      outcome()
    }
    for (const [event, listener] of Object.entries(listeners)) client.on(event, listener)
  })
}

module.exports = {
  connect,
  connectAsync,
  MqttClient,
  Client: MqttClient,
  ErrorWithReasonCode,
  ErrorWithSubackPacket,
  DefaultMessageIdProvider,
  UniqueMessageIdProvider,
}
