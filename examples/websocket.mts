// MQTT over WebSockets with the aws-crt API, signing the upgrade request:
// `websocket_handshake_transform` adds a timestamp and an HMAC of the method,
// path and timestamp, and the broker checks them before it accepts the
// upgrade (as a gateway checks a presigned request).
import crypto from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { mqtt, io } from 'mqtt-napi'
import { wsBroker } from './support/brokers.mjs'

// Known to the client and to whoever checks the signature.
const SECRET = process.env.SIGNING_SECRET ?? 'example-secret'

function sign(method: string, path: string, timestamp: string): string {
  return crypto.createHmac('sha256', SECRET).update(`${method}\n${path}\n${timestamp}`).digest('hex')
}

// The broker's side: a signature over this very request, at most 60 s old.
function verify(request: IncomingMessage): boolean {
  const timestamp = request.headers['x-timestamp']
  const signature = request.headers['x-signature']
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 60) return false
  const expected = Buffer.from(sign(request.method ?? '', request.url ?? '', timestamp), 'hex')
  const given = Buffer.from(signature, 'hex')
  const ok = given.length === expected.length && crypto.timingSafeEqual(given, expected)
  if (ok) console.log(`[broker] upgrade ${request.method} ${request.url}: x-signature verified (signed at ${timestamp})`)
  return ok
}

const broker = await wsBroker(verify)

const connection = new mqtt.MqttClient().new_connection({
  client_id: `examples-websocket-${process.pid}`,
  host_name: broker.host,
  port: broker.port,
  clean_session: true,
  use_websocket: true,
  tls_ctx: broker.secure ? new io.ClientTlsContext() : undefined,
  // Runs before every attempt, reconnects included, so each one is signed
  // afresh. What it changes in `request` (an http.HttpRequest: method, path,
  // headers) is what goes on the wire. `done()` may also come later (after
  // fetching credentials, say); `done(error_code)` fails the attempt.
  websocket_handshake_transform: (request, done) => {
    const timestamp = Math.floor(Date.now() / 1000).toString()
    request.headers.add('x-timestamp', timestamp)
    request.headers.add('x-signature', sign(request.method, request.path, timestamp))
    done()
  },
})

await connection.connect()
console.log(`connected to ${broker.url} over WebSockets`)

const topic = `examples/websocket/${process.pid}`
let messageArrived: () => void
const arrived = new Promise<void>((resolve) => (messageArrived = resolve))
await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (topic, payload) => {
  console.log(`received on ${topic}: ${Buffer.from(payload).toString('utf8')}`)
  messageArrived()
})
await connection.publish(topic, 'hello over WebSockets', mqtt.QoS.AtLeastOnce)

await arrived
await connection.disconnect()
console.log('disconnected')
await broker.close()
