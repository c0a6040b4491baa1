'use strict'
// Argument checks both APIs share.

const { describe } = require('./fields')

/** Throws a TypeError naming `name` unless `value` is a string. */
function checkString(value, name) {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string (got ${describe(value)})`)
}

/** `checkString` for a value that may also be undefined or null. */
function checkOptionalString(value, name) {
  if (value !== undefined && value !== null) checkString(value, name)
}

/** `value` if it is a non-empty string; else a TypeError naming `name`. */
function nonEmptyString(value, name) {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string (got ${value === '' ? 'an empty string' : describe(value)})`)
  }
  return value
}

/**
 * Throws a TypeError naming `name` when `value` (a string) holds a lone
 * surrogate: the addon would turn it into U+FFFD and send another string.
 */
function checkWellFormed(value, name) {
  if (typeof value === 'string' && !value.isWellFormed()) {
    throw new TypeError(`${name} must be well-formed Unicode (it holds a lone surrogate): ${JSON.stringify(value)}`)
  }
}

/** An error code: an integer from 0 to 2**32 - 1; `name` is the argument. */
function checkErrorCode(value, name) {
  if (typeof value !== 'number') throw new TypeError(`${name} must be an integer error code (got ${typeof value})`)
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${name} must be an integer from 0 to 4294967295 (got ${value})`)
  }
}

/** TLS's rule for an ALPN protocol name (RFC 7301): 1 to 255 bytes. */
function isAlpnName(name) {
  const bytes = Buffer.byteLength(name)
  return bytes >= 1 && bytes <= 255
}

module.exports = { checkWellFormed, checkErrorCode, isAlpnName, checkString, checkOptionalString, nonEmptyString }
