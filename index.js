'use strict'
const { CrtError } = require('./js/crt/error')
const mqttjs = require('./js/mqttjs')

// Both dialects from one root: aws-crt's namespaces, and MQTT.js's connect().
module.exports = {
  mqtt: require('./js/crt/mqtt'),
  mqtt5: require('./js/crt/mqtt5'),
  io: require('./js/crt/io'),
  http: require('./js/crt/http'),
  auth: require('./js/crt/auth'),
  iot: require('./js/crt/iot'),
  CrtError,
  ...mqttjs,
}
// `import mqtt from 'mqtt-napi'` then `mqtt.connect()`, with or without esModuleInterop.
module.exports.default = module.exports
