'use strict'
// Reads an options object field by field, so that every wrong value is an
// error naming the field as the user wrote it and the form it should have.

const MAX_FIELD_BYTES = 65535

/** A value, described for an error message: numbers show themselves. */
function describe(value) {
  if (typeof value === 'number') return String(value)
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'undefined') return 'undefined'
  return `a ${typeof value}`
}

class Fields {
  /** `object`'s fields, named `${path}.${field}` in errors. */
  constructor(object, path) {
    this.object = object
    this.path = path
  }

  name(field) {
    return `${this.path}.${field}`
  }

  /** The value of `field`; `undefined` and `null` count as absent. */
  get(field) {
    const value = this.object[field]
    return value === null ? undefined : value
  }

  _typed(field, type, expected) {
    const value = this.get(field)
    if (value === undefined || typeof value === type) return value
    throw new TypeError(`${this.name(field)} must be ${expected} (got ${describe(value)})`)
  }

  optionalString(field) {
    return this._typed(field, 'string', 'a string')
  }

  string(field) {
    const value = this.optionalString(field)
    if (value === undefined) throw new TypeError(`${this.name(field)} is required (a string)`)
    return value
  }

  /** A string MQTT carries: at most 65,535 UTF-8 bytes, without U+0000. */
  optionalMqttString(field) {
    const text = this.optionalString(field)
    if (text === undefined) return undefined
    if (text.includes('\0')) throw new RangeError(`${this.name(field)} must not contain U+0000`)
    this.checkLength(field, Buffer.byteLength(text))
    return text
  }

  /** A length-prefixed MQTT field holds at most 65,535 bytes. */
  checkLength(field, bytes) {
    if (bytes > MAX_FIELD_BYTES) {
      throw new RangeError(`${this.name(field)} must be at most 65,535 bytes in UTF-8 (got ${bytes})`)
    }
  }

  optionalBool(field) {
    return this._typed(field, 'boolean', 'a boolean')
  }

  optionalFunction(field, expected) {
    return this._typed(field, 'function', expected)
  }

  /** A whole number within `min..=max`. */
  optionalInteger(field, min, max) {
    const expected = `an integer from ${min} to ${max}`
    const value = this._typed(field, 'number', expected)
    if (value === undefined) return undefined
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${this.name(field)} must be ${expected} (got ${value})`)
    }
    return value
  }

  integer(field, min, max) {
    const value = this.optionalInteger(field, min, max)
    if (value === undefined) throw new TypeError(`${this.name(field)} is required (an integer from ${min} to ${max})`)
    return value
  }

  /** A finite number from 0 to `max`. */
  optionalNonNegative(field, max) {
    const expected = `a number from 0 to ${max}`
    const value = this._typed(field, 'number', expected)
    if (value === undefined) return undefined
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new RangeError(`${this.name(field)} must be ${expected} (got ${value})`)
    }
    return value
  }

  optionalObject(field) {
    return this._typed(field, 'object', 'an object')
  }

  /** The fields of the object in `field`, or undefined. */
  optionalFields(field) {
    const object = this.optionalObject(field)
    return object === undefined ? undefined : new Fields(object, this.name(field))
  }

  /** An array of strings; empty when absent. */
  stringList(field) {
    const value = this.get(field)
    if (value === undefined) return []
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw new TypeError(`${this.name(field)} must be an array of strings`)
    }
    return value
  }
}

module.exports = { Fields, describe }
