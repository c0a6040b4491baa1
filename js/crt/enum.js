'use strict'

/**
 * A frozen enum as TypeScript compiles one, which aws-crt's enums are: each
 * name maps to its value and each value back to its name.
 */
function numericEnum(values) {
  const both = { ...values }
  for (const [name, value] of Object.entries(values)) both[value] = name
  return Object.freeze(both)
}

module.exports = { numericEnum }
