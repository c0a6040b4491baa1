'use strict'
const http = require('./http')
const { checkErrorCode } = require('../core/checks')
const { ERROR_CODE_HTTP_WEBSOCKET_UPGRADE_FAILURE } = require('../core/native')

/** aws-crt's code for a transform failure that names none. */
const ERROR_CODE_UNKNOWN = 3

/**
 * Runs aws-crt's `websocket_handshake_transform` (`transform(request,
 * done)`) on the upgrade request of one attempt (a `websocket_handshake`
 * event) and hands back to `native` what it made of it, or why it failed.
 */
function transformHandshake(native, transform, event) {
  const headers = new http.HttpHeaders()
  const flat = event.requestHeaders
  for (let i = 0; i + 1 < flat.length; i += 2) headers.add(flat[i], flat[i + 1])
  const request = new http.HttpRequest(event.requestMethod, event.requestPath, headers)
  let answered = false
  const answer = (code, message) => {
    if (answered) return
    answered = true
    const lines = []
    for (const [name, value] of request.headers) lines.push(String(name), String(value))
    native.websocketTransformed(event.attempt, code, message, String(request.method), String(request.path), lines)
  }
  // `done(error_code)` as aws-crt; `done(error)` (mqtt-napi) keeps the Error's words and code.
  const done = (error_code) => {
    if (error_code instanceof Error) {
      answer(error_code.error_code ?? ERROR_CODE_UNKNOWN, `websocket_handshake_transform failed: ${error_code.message}`)
      return
    }
    if (error_code !== undefined) checkErrorCode(error_code, 'error_code')
    if (!error_code) answer(0, null)
    else answer(error_code, `websocket_handshake_transform failed the attempt with error code ${error_code}`)
  }
  try {
    transform(request, done)
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    answer(ERROR_CODE_HTTP_WEBSOCKET_UPGRADE_FAILURE, `websocket_handshake_transform threw: ${text}`)
  }
}

module.exports = { transformHandshake }
