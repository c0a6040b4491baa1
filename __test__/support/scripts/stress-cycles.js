'use strict'
// node --expose-gc stress-cycles.js '<json>'
// Repeats one workload and measures the process around it. The JSON names:
//   host, port     the broker
//   work           'crt'          create/connect/disconnect (aws-crt API)
//                  'mqttjs'       connect(url, { reconnectPeriod: 0 }), end()
//                  'pairs-crt'    subscribe/unsubscribe pairs on one connection
//                  'pairs-mqttjs' the same with the MQTT.js API
//   warmup, count  cycles (or pairs) before the first measurement, and between
//                  the two measurements
//   lanes          pairs only: how many run at once (default 16)
//   gcEvery        collect garbage after every so many cycles or pairs
//                  (default 100; 0: never, only V8's own collections)
// Prints one JSON line { work, warmup, count, ms, start, afterWarmup, after }
// where each measurement is stress-workloads' sample() after gc(). The
// process then has nothing left to do and must exit by itself.
const { cycles, measure, pairClient, runPairs } = require('./stress-workloads')

async function main() {
  const spec = JSON.parse(process.argv[2])
  const endpoint = { host: spec.host, port: spec.port }
  if (!global.gc) throw new Error('run with --expose-gc')
  const start = await measure()
  // The native half of a connection (~10 KB) is memory V8 does not see, so
  // V8 alone may let thousands of dead connections pile up before it
  // collects: a collection every `gcEvery` cycles keeps that pile out of the
  // numbers, which are about what is never freed.
  const gcEvery = spec.gcEvery ?? 100
  let done = 0
  const collect = () => {
    done++
    if (gcEvery > 0 && done % gcEvery === 0) global.gc()
  }
  let run
  let close = async () => {}
  if (spec.work.startsWith('pairs-')) {
    const client = await pairClient(spec.work.slice('pairs-'.length), endpoint)
    const prefix = `mqtt-napi/stress/${process.pid}`
    run = (n) => runPairs(client, n, spec.lanes ?? 16, prefix, collect)
    close = () => client.close()
  } else {
    const cycle = cycles[spec.work]
    if (!cycle) throw new Error(`unknown work ${spec.work}`)
    run = async (n) => {
      for (let i = 0; i < n; i++) {
        await cycle(endpoint)
        collect()
      }
    }
  }
  await run(spec.warmup)
  const afterWarmup = await measure()
  const began = Date.now()
  await run(spec.count)
  const ms = Date.now() - began
  const after = await measure()
  await close()
  const closed = await measure()
  process.stdout.write(JSON.stringify({ work: spec.work, warmup: spec.warmup, count: spec.count, ms, start, afterWarmup, after, closed }) + '\n')
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String((error && error.stack) || error) }) + '\n')
  process.exitCode = 1
})
