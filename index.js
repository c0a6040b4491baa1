'use strict'
const { CrtError } = require('./js/error')
const compat = require('./js/compat')

// Both dialects from one root: aws-crt's namespaces, and MQTT.js's connect().
module.exports = {
  mqtt: require('./js/mqtt'),
  io: require('./js/io'),
  http: require('./js/http'),
  CrtError,
  ...compat,
}
// `import mqtt from 'mqtt-napi'` then `mqtt.connect()`, with or without esModuleInterop.
module.exports.default = module.exports
