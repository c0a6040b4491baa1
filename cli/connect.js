'use strict'
// Connecting for a command: the first attempt's failure ends the command;
// after that, lost links are reported on stderr and retried every second.
const { connect, io } = require('..')
const { connectOptions } = require('./flags')

/** A failure talking to the broker: the CLI prints it and exits 1. */
class BrokerError extends Error {}

/**
 * A client connecting to the broker the flags name, and a promise of its
 * first connection. The client exists at once so that a command can listen
 * for messages that a kept session delivers right after the CONNACK.
 * `properties` are -D's, per packet (properties.js); CONNECT's go out here.
 */
function openConnection(values, command, properties) {
  const { url, options } = connectOptions(values, command, properties)
  if (values.debug) io.enable_logging(io.LogLevel.DEBUG)
  const client = connect(url, options)
  const connected = new Promise((resolve, reject) => {
    const settle = (outcome) => {
      client.off('connect', succeeded)
      client.off('error', failed)
      outcome()
    }
    const succeeded = () => settle(() => resolve(client))
    const failed = (error) =>
      settle(() => {
        client.end(true)
        reject(new BrokerError(`cannot connect to ${url}: ${error.message}`))
      })
    client.on('connect', succeeded)
    client.on('error', failed)
  })
  if (!values.quiet) {
    void connected.then(() => {
      client.on('offline', () => process.stderr.write(`mqtt-napi ${command}: connection lost, reconnecting\n`))
      client.on('error', (error) => process.stderr.write(`mqtt-napi ${command}: ${error.message}\n`))
    }, () => {})
  }
  return { client, connected }
}

module.exports = { BrokerError, openConnection }
