'use strict'
const native = require('../core/native')

/**
 * The error of every rejected promise and failure event. Built from an error
 * code (a number), a message, or another Error.
 */
class CrtError extends Error {
  constructor(error, details = {}) {
    const code = typeof error === 'number' ? error : undefined
    let message
    if (code !== undefined) message = native.errorCodeToString(code)
    else if (error instanceof Error) message = error.message
    else message = String(error)
    if (details.detail && details.detail !== message) message = details.detail
    super(message)
    this.name = 'CrtError'
    this.error = error
    if (code !== undefined) {
      this.error_code = code
      this.error_name = native.errorCodeToName(code)
    }
    if (details.return_code !== undefined) this.return_code = details.return_code
    if (details.http_status !== undefined) this.http_status = details.http_status
  }
}

module.exports = { CrtError }
