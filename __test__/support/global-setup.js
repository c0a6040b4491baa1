'use strict'
// Runs once per jest run: names the brokers every pub/sub suite will use.
const { mosquittoPath } = require('./mosquitto-path')

module.exports = async function globalSetup() {
  const brokers = ['aedes']
  if (mosquittoPath()) brokers.push('mosquitto')
  process.stdout.write(`\nbrokers: ${brokers.join(', ')}\n`)
}
