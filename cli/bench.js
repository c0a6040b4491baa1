'use strict'
const { EXIT, parseFlags, integerFlag, qosFlag } = require('./flags')
const { BrokerError, openConnection } = require('./connect')
const { BENCH_USAGE } = require('./usage')

const FLAGS = {
  topic: { type: 'string', short: 't' },
  qos: { type: 'string', short: 'q' },
  count: { type: 'string', short: 'C' },
  size: { type: 'string', short: 'S' },
}
/** Publishes kept unsettled at once, as `npm run bench` does. */
const WINDOW = 1000
/** The run ends when no message has arrived for this long. */
const STALL_MS = 5000

const rate = (count, ms) => Math.round((count * 1000) / Math.max(ms, 1)).toLocaleString('en-US')

/** Shows progress on stderr: one rewritten line on a terminal, else a line a second. */
function progressReporter(total) {
  const tty = process.stderr.isTTY
  const began = Date.now()
  let last = 0
  return {
    show(sent, received, final = false) {
      const now = Date.now()
      if (!final && now - last < (tty ? 100 : 1000)) return
      last = now
      const line = `sent ${sent}/${total}, received ${received}/${total}, ${rate(received, now - began)} msg/s`
      process.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`)
    },
  }
}

/** A throughput run: one connection publishes -C messages of -S bytes, another receives them. */
async function bench(argv) {
  const values = parseFlags(argv, FLAGS)
  if (values.help) {
    process.stdout.write(BENCH_USAGE)
    return EXIT.ok
  }
  const qos = qosFlag(values, FLAGS)
  const total = integerFlag(values, 'count', { min: 1, max: 100_000_000, fallback: 100_000 }, FLAGS)
  const size = integerFlag(values, 'size', { min: 0, max: 268_435_000, fallback: 64 }, FLAGS)
  const topic = values.topic ?? `mqtt-napi/bench/${process.pid}`

  const id = values.id ?? `mqtt-napi-bench-${process.pid}`
  const subscriber = await openConnection({ ...values, id: `${id}-sub` }, 'bench').connected
  const publisher = await openConnection({ ...values, id: `${id}-pub` }, 'bench').connected
  try {
    const granted = await subscriber.subscribeAsync(topic, { qos })
    if (granted[0]?.qos === 128) throw new BrokerError(`the broker refused the subscription to '${topic}'`)
    process.stdout.write(`mqtt-napi bench: ${total} messages of ${size} bytes at QoS ${qos} on '${topic}'\n`)
    const payload = Buffer.alloc(size, 'x')
    const progress = progressReporter(total)
    const publishAll = () =>
      new Promise((resolve, reject) => {
        let settled = 0
        const publishMore = () => {
          while (sent < total && sent - settled < WINDOW) {
            sent++
            publisher.publish(topic, payload, { qos }, (error) => {
              if (error) return reject(new BrokerError(`cannot publish: ${error.message}`))
              if (++settled === total) resolve()
              else publishMore()
            })
          }
        }
        publishMore()
      })
    const began = Date.now()
    let sent = 0
    let received = 0
    let lastArrival = began
    let publishedMs
    let allArrived
    const allReceived = new Promise((resolve) => (allArrived = resolve))
    subscriber.on('message', () => {
      received++
      lastArrival = Date.now()
      if (received === total) allArrived()
    })
    const ticker = setInterval(() => {
      progress.show(sent, received)
      if (publishedMs !== undefined && Date.now() - Math.max(lastArrival, began + publishedMs) > STALL_MS) allArrived()
    }, 100)
    try {
      await publishAll()
      publishedMs = Date.now() - began
      await allReceived
    } finally {
      clearInterval(ticker)
    }
    const receivedMs = lastArrival - began
    progress.show(sent, received, true)
    process.stdout.write(`published ${sent} in ${(publishedMs / 1000).toFixed(2)} s: ${rate(sent, publishedMs)} msg/s\n`)
    process.stdout.write(`received ${received} in ${(receivedMs / 1000).toFixed(2)} s: ${rate(received, receivedMs)} msg/s end to end\n`)
    if (received < total) {
      const lost = `${total - received} of ${total} messages did not arrive within ${STALL_MS / 1000} s of the last`
      if (qos > 0) {
        throw new BrokerError(
          `${lost}, though the broker acknowledged all ${total}: it drops what overflows a subscriber's queue ` +
            `(mosquitto: max_queued_messages, default 1000)`,
        )
      }
      process.stdout.write(`${lost} (QoS 0: the broker may drop them)\n`)
    }
    return EXIT.ok
  } finally {
    await Promise.all([publisher.endAsync(), subscriber.endAsync()])
  }
}

module.exports = { bench }
