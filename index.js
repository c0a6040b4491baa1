'use strict'
const { CrtError } = require('./js/error')

module.exports = {
  mqtt: require('./js/mqtt'),
  io: require('./js/io'),
  http: require('./js/http'),
  CrtError,
}
