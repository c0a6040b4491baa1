'use strict'
// node worker-roundtrip.js <host> <port> [workers]
// Starts that many worker_threads (default 1); each requires the package,
// connects, subscribes, publishes, receives its own message, disconnects and
// posts the result. The main thread prints one JSON line with every result.
const path = require('path')
const { Worker, isMainThread, parentPort, workerData, threadId } = require('worker_threads')

if (isMainThread) {
  const [host, port, count = '1'] = process.argv.slice(2)
  const runs = Array.from({ length: Number(count) }, (_, i) =>
    new Promise((resolve) => {
      const worker = new Worker(__filename, { workerData: { host, port: Number(port), index: i } })
      let result
      worker.on('message', (m) => (result = m))
      worker.on('error', (e) => (result = { ok: false, error: String(e && e.stack) }))
      worker.on('exit', (code) => resolve({ ...(result || { ok: false, error: 'no result' }), exitCode: code }))
    }),
  )
  Promise.all(runs).then((results) => {
    process.stdout.write(JSON.stringify(results) + '\n')
  })
} else {
  const { mqtt } = require(path.resolve(__dirname, '..', '..', '..'))
  const { host, port, index } = workerData
  const topic = `mqtt-napi/worker/${process.pid}/${threadId}`
  const payload = `hello from worker ${index}`
  const connection = new mqtt.MqttClient().new_connection({
    client_id: `w${process.pid}-${threadId}`,
    host_name: host,
    port,
    clean_session: true,
  })
  const run = async () => {
    await connection.connect()
    let deliver
    const received = new Promise((resolve) => (deliver = resolve))
    await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (t, p) => deliver({ topic: t, text: Buffer.from(p).toString() }))
    await connection.publish(topic, payload, mqtt.QoS.AtLeastOnce)
    let timer
    const message = await Promise.race([
      received,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000))),
    ]).finally(() => clearTimeout(timer))
    await connection.disconnect()
    return { ok: message.topic === topic && message.text === payload, index, message }
  }
  run().then(
    (r) => parentPort.postMessage(r),
    (e) => {
      parentPort.postMessage({ ok: false, index, error: String(e && e.stack) })
      connection.disconnect().catch(() => {})
    },
  )
}
