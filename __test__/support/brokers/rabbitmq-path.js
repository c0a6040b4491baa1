'use strict'
// Where Debian's rabbitmq-server puts the script that runs a node in the
// foreground (the one on the PATH switches to the rabbitmq user).
const fs = require('fs')

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server'

/** The RabbitMQ server script, if the package is installed. */
function rabbitmqPath() {
  return fs.existsSync(SERVER) ? SERVER : undefined
}

module.exports = { rabbitmqPath }
