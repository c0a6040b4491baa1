'use strict'
// Runs once per jest run: names the brokers every pub/sub suite will use. In
// CI (CI set), a broker that is missing fails the run instead of shrinking it.
const { mosquittoPath } = require('./brokers/mosquitto-path')
const { rabbitmqPath } = require('./brokers/rabbitmq-path')

module.exports = async function globalSetup() {
  const brokers = ['aedes']
  if (mosquittoPath()) brokers.push('mosquitto')
  if (rabbitmqPath()) brokers.push('rabbitmq (for its QoS 2 downgrade)')
  process.stdout.write(`\nbrokers: ${brokers.join(', ')}\n`)
  if (process.env.CI && !mosquittoPath()) throw new Error('mosquitto is missing, and CI tests every suite against it')
}
