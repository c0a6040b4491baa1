/**
 * The limits README's "Limits" section states, and that a user changes: the
 * largest packet accepted from the broker, the offline queue's bounds, the
 * receive buffer (its effect is in backpressure.test.ts). Both APIs, aedes.
 */
import { mqtt } from '../../index'
import { Broker, startBroker } from '../support/brokers/brokers'
// mqtt-napi's own options are not in MQTT.js's IClientOptions, which the dialect helpers use.
import { connected as connectedClient, dialects, endAllClients, IClientOptions, inbox, urlOf } from '../support/dialect'
import { cleanupConnections, connected, newConnection, once, uniqueTopic, waitFor, within } from '../support/helpers'

let broker: Broker
beforeAll(async () => {
  broker = await startBroker('aedes')
})
afterAll(async () => {
  await broker?.stop()
})
afterEach(cleanupConnections)
afterEach(endAllClients)

const mqttNapi = dialects.find((dialect) => dialect.name === 'mqtt-napi')!

test('aws-crt API: a packet over max_incoming_packet_bytes drops the link as a protocol error; smaller ones pass after the reconnect', async () => {
  const topic = uniqueTopic('limit')
  const subscriber = await connected(broker, { max_incoming_packet_bytes: 1024, reconnect_min_sec: 0.1, reconnect_max_sec: 0.2 })
  const payloads: string[] = []
  await subscriber.subscribe(topic, mqtt.QoS.AtLeastOnce, (_topic, payload) => payloads.push(Buffer.from(payload).toString()))
  const publisher = await connected(broker)
  const interrupted = once<[Error & { error_name?: string }]>(subscriber, 'interrupt')
  await publisher.publish(topic, 'x'.repeat(2048), mqtt.QoS.AtMostOnce)
  const [error] = await interrupted
  expect(error.error_name).toBe('AWS_ERROR_MQTT_PROTOCOL_ERROR')
  expect(error.message).toMatch(/1024/)
  await once(subscriber, 'resume')
  await publisher.publish(topic, 'small', mqtt.QoS.AtLeastOnce)
  await waitFor(() => payloads.includes('small'), 5000, 'the small message')
  expect(payloads).toEqual(['small'])
})

test.each([
  ['max_incoming_packet_bytes', 1, 'RangeError'],
  ['max_incoming_packet_bytes', 268_435_461, 'RangeError'],
  ['receive_buffer_bytes', 0, 'RangeError'],
  ['receive_buffer_bytes', '4MB', 'TypeError'],
  ['offline_queue_max_operations', 0, 'RangeError'],
])('aws-crt API: config.%s = %p is a %s naming it', (field, value, errorName) => {
  const config = { client_id: 'limits', host_name: '127.0.0.1', port: broker.port, [field]: value }
  let thrown: unknown
  try {
    new mqtt.MqttClient().new_connection(config as unknown as mqtt.MqttConnectionConfig)
  } catch (error) {
    thrown = error
  }
  expect(thrown).toMatchObject({ name: errorName, message: expect.stringContaining(`config.${field}`) })
})

test('MQTT.js API: a packet over maxIncomingPacketBytes is an error, then offline, close, reconnect, connect', async () => {
  const topic = uniqueTopic('limit')
  const { client } = await connectedClient(mqttNapi, urlOf(broker), { maxIncomingPacketBytes: 1024, reconnectPeriod: 100 } as IClientOptions)
  await within(client.subscribeAsync(topic, { qos: 1 }), 5000, 'subscribe')
  const received = inbox(client)
  const events: string[] = []
  for (const event of ['error', 'offline', 'close', 'reconnect', 'connect']) client.on(event as 'connect', () => events.push(event))
  const errors: Error[] = []
  client.on('error', (error) => errors.push(error))
  const publisher = newConnection(broker)
  await publisher.connect()
  await publisher.publish(topic, 'x'.repeat(2048), mqtt.QoS.AtMostOnce)
  await once(client, 'connect')
  expect(events).toEqual(['error', 'offline', 'close', 'reconnect', 'connect'])
  expect((errors[0] as Error & { code?: string }).code).toBe('AWS_ERROR_MQTT_PROTOCOL_ERROR')
  await publisher.publish(topic, 'small', mqtt.QoS.AtLeastOnce)
  await waitFor(() => received.length === 1, 5000, 'the small message')
  expect(received[0].payload.toString()).toBe('small')
})

test('MQTT.js API: offlineQueueMaxOperations bounds what waits offline; the next publish fails with QUEUE_FULL', async () => {
  const client = mqttNapi.connect(urlOf(broker), { manualConnect: true, offlineQueueMaxOperations: 2 } as IClientOptions)
  const outcomes: string[] = []
  for (let i = 0; i < 3; i++) {
    client.publish(uniqueTopic('queued'), `m${i}`, { qos: 1 }, (error) => outcomes.push(error ? (error as Error & { code?: string }).code! : 'sent'))
  }
  await waitFor(() => outcomes.length === 1, 5000, 'the third publish to fail')
  expect(outcomes).toEqual(['AWS_ERROR_MQTT_QUEUE_FULL'])
  client.connect()
  await waitFor(() => outcomes.length === 3, 5000, 'the queued publishes')
  expect(outcomes).toEqual(['AWS_ERROR_MQTT_QUEUE_FULL', 'sent', 'sent'])
})
