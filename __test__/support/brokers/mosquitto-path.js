'use strict'
// Where mosquitto is: on the PATH, or Debian's /usr/sbin (not on a user's PATH).
const fs = require('fs')
const path = require('path')

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function mosquittoPath() {
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean)
  for (const dir of [...dirs, '/usr/sbin', '/usr/local/sbin']) {
    const candidate = path.join(dir, 'mosquitto')
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

module.exports = { mosquittoPath }
