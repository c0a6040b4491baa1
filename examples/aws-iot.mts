// AWS IoT Core over WebSockets signed with SigV4, in the shape of
// aws-iot-device-sdk-v2's pub/sub sample: the same `iot` builder calls, with
// mqtt-napi in place of aws-crt. Here the endpoint is a local stand-in that
// checks each upgrade's presigned query as IoT does (refusing a bad one with
// 403 and its reason); point it at your own endpoint and credentials instead.
import type { IncomingMessage } from 'node:http'
import { auth, http, iot, mqtt } from 'mqtt-napi'
import { wssBroker } from './support/brokers.mjs'

const REGION = 'us-east-1'
// The sample uses auth.AwsCredentialsProvider.newDefault() (environment,
// profiles, SSO, ECS, IMDS; it needs the optional @aws-sdk/credential-providers).
// The local endpoint knows one key pair, so this example brings its own.
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example/secret+key' }
const credentials = auth.AwsCredentialsProvider.newStatic(KEYS.accessKeyId, KEYS.secretAccessKey)

// The endpoint's side: sign the request it received again, with the key the
// access key id names and the date and headers the query names, and compare.
async function verify(request: IncomingMessage): Promise<string | undefined> {
  const query = new URL(request.url ?? '', 'https://endpoint').searchParams
  const [keyId, , region, service] = (query.get('X-Amz-Credential') ?? '').split('/')
  if (keyId !== KEYS.accessKeyId) return `unknown access key ${keyId}`
  const signedAt = (query.get('X-Amz-Date') ?? '').replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')
  const headers = new http.HttpHeaders()
  for (const name of (query.get('X-Amz-SignedHeaders') ?? '').split(';')) headers.add(name, String(request.headers[name] ?? ''))
  const again = new http.HttpRequest('GET', '/mqtt', headers)
  await auth.aws_sign_request(again, {
    algorithm: auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaQueryParams,
    provider: credentials,
    region,
    service,
    date: new Date(signedAt),
    signed_body_value: auth.AwsSignedBodyValue.EmptySha256,
    omit_session_token: true,
  })
  const expected = new URL(again.path, 'https://endpoint').searchParams.get('X-Amz-Signature')
  if (expected !== query.get('X-Amz-Signature')) return 'The request signature we calculated does not match the signature you provided.'
  console.log(`[endpoint] upgrade signed by ${keyId} for ${region}/${service}: signature verified`)
  return undefined
}

const endpoint = await wssBroker(verify)

// From here on, the sample's own code.
const config_builder = iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({
  region: REGION,
  credentials_provider: credentials,
})
config_builder.with_certificate_authority_from_path(undefined, endpoint.ca)
config_builder.with_clean_session(false)
config_builder.with_client_id(`examples-aws-iot-${process.pid}`)
config_builder.with_endpoint(endpoint.host)
config_builder.with_port(endpoint.port) // IoT listens on 443, the builder's default
const config = config_builder.build()
// The username names this library (IoT's SDK metrics); `config.disable_metrics = true` sends none.

const client = new mqtt.MqttClient()
const connection = client.new_connection(config)
connection.on('connection_failure', ({ error }) => console.log(`connection failed: ${error.message}`))

await connection.connect()
console.log(`connected to ${endpoint.url} over WebSockets signed with SigV4`)

const topic = `examples/aws-iot/${process.pid}`
const count = 3
let received = 0
let allArrived: () => void
const arrived = new Promise<void>((resolve) => (allArrived = resolve))
await connection.subscribe(topic, mqtt.QoS.AtLeastOnce, (topic, payload) => {
  console.log(`Publish received. topic:"${topic}" message:${Buffer.from(payload).toString('utf8')}`)
  if (++received === count) allArrived()
})
for (let sequence = 1; sequence <= count; sequence++) {
  await connection.publish(topic, JSON.stringify({ message: 'Hello world!', sequence }), mqtt.QoS.AtLeastOnce)
}
await arrived

await connection.disconnect()
console.log('disconnected')
await endpoint.close()
