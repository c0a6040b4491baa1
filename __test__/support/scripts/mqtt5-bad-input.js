'use strict'
// Runs every row of ../mqtt5-bad-input-rows.js against mqtt-napi's mqtt5
// module and prints one JSON line per row: `{"start": i}` before it runs (so
// an abort names its row), then `{"row": i, "outcome": ...}`.
const path = require('path')
const { types } = require('util')
const { mqtt5 } = require(path.resolve(__dirname, '..', '..', '..'))
const rows = require('../mqtt5-bad-input-rows')

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`)

/** What an error shows of itself. */
function describe(error) {
  if (!types.isNativeError(error)) return { kind: typeof error, text: String(error) }
  return { kind: 'Error', name: error.name, message: error.message, error_code: error.error_code, error_name: error.error_name }
}

/** Settles within `ms`, or says it did not. */
function settled(promise, ms) {
  return Promise.race([
    promise.then(
      (value) => ({ outcome: 'resolved', value: String(value) }),
      (error) => ({ outcome: 'rejected', error: describe(error) }),
    ),
    new Promise((resolve) => setTimeout(resolve, ms, { outcome: 'unsettled' })),
  ])
}

async function main() {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    print({ start: i })
    const client = new mqtt5.Mqtt5Client({ hostName: '127.0.0.1', port: 1, ...row.client })
    if (row.closed) client.close()
    let result
    try {
      const value = row.call(mqtt5, client)
      result = value instanceof Promise ? await settled(value, 1000) : { outcome: 'returned' }
    } catch (error) {
      result = { outcome: 'threw', error: describe(error) }
    }
    client.close()
    print({ row: i, ...result })
  }
}

main().then(
  () => print({ done: true }),
  (error) => print({ crashed: String(error?.stack ?? error) }),
)
