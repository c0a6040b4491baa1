/**
 * A broker that downgrades QoS 2 to 1 (RabbitMQ 3.10's MQTT plugin) answers
 * a QoS 2 PUBLISH with PUBACK. aws-crt and MQTT.js complete the publish; so
 * does mqtt-napi, in both APIs, as delivered at QoS 1 (with a line in the
 * log), and the link stays up. Shown on a scripted broker always, and on a
 * real RabbitMQ when it is installed (CI installs it; there, its absence
 * fails the suite).
 */
import mqtt from 'mqtt'
import { connect as napiConnect, mqtt as crt } from '../../index'
import { ack, CONNACK_ACCEPTED, HostileBroker, packetIdOf, Peer, PINGRESP, publishOf, startHostileBroker, suback, Type } from '../support/brokers/hostile-broker'
import { rabbitmqPath, RabbitMq, startRabbitMq } from '../support/brokers/rabbitmq'
import { cleanupConnections, connected, Endpoint, uniqueTopic, within } from '../support/helpers'
import { runNode } from '../support/node-process'

afterEach(cleanupConnections)

/** A broker that answers every QoS 1 and QoS 2 PUBLISH with PUBACK, as RabbitMQ does. */
async function downgrading(peer: Peer): Promise<void> {
  await peer.write(CONNACK_ACCEPTED)
  for (;;) {
    const p = await peer.next(0).catch(() => undefined)
    if (!p) return
    if (p.type === Type.PUBLISH && publishOf(p).qos > 0) await peer.write(ack(0x40, packetIdOf(p)))
    else if (p.type === Type.SUBSCRIBE) await peer.write(suback(packetIdOf(p), 1))
    else if (p.type === Type.PINGREQ) await peer.write(PINGRESP)
  }
}

/** Each API's QoS 2 publish, resolving with what it completed with. */
const publishers: Array<[string, (broker: Endpoint, topic: string) => Promise<unknown>]> = [
  [
    'aws-crt API',
    async (broker, topic) => {
      const connection = await connected(broker)
      const interrupts: unknown[] = []
      connection.on('interrupt', (error) => interrupts.push(error))
      const result = await within(connection.publish(topic, 'two', crt.QoS.ExactlyOnce), 5000, 'publish')
      // The link is still up: a second publish goes through on it.
      await within(connection.publish(topic, 'again', crt.QoS.AtLeastOnce), 5000, 'publish at QoS 1')
      expect(interrupts).toEqual([])
      return result
    },
  ],
  ...(
    [
      ['MQTT.js API', napiConnect],
      ['MQTT.js itself', mqtt.connect],
    ] as const
  ).map(([name, connect]): [string, (broker: Endpoint, topic: string) => Promise<unknown>] => [
    name,
    async (broker, topic) => {
      const client = (connect as typeof mqtt.connect)(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 })
      try {
        const closes: unknown[] = []
        client.on('close', () => closes.push('close'))
        const result = await within(client.publishAsync(topic, 'two', { qos: 2 }), 5000, 'publish')
        await within(client.publishAsync(topic, 'again', { qos: 1 }), 5000, 'publish at QoS 1')
        expect(closes).toEqual([])
        return result
      } finally {
        await within(client.endAsync(), 5000, 'end')
      }
    },
  ]),
]

describe('a QoS 2 publish answered with PUBACK (scripted broker)', () => {
  let broker: HostileBroker
  beforeEach(async () => {
    broker = await startHostileBroker([downgrading])
  })
  afterEach(async () => {
    await broker.close()
  })

  test.each(publishers)('%s: the publish completes and the link stays up', async (_, publishAtQos2) => {
    const result = (await publishAtQos2(broker, uniqueTopic('downgrade'))) as { packet_id?: number; messageId?: number }
    expect(result.packet_id ?? result.messageId).toEqual(expect.any(Number))
    expect(broker.peers).toHaveLength(1)
  })

  test('the engine notes the downgrade in its log', async () => {
    const script = `
      const { connect } = require(${JSON.stringify(require.resolve('../../index'))})
      const client = connect('mqtt://127.0.0.1:${broker.port}', { reconnectPeriod: 0 })
      client.publishAsync('t', 'two', { qos: 2 }).then(() => client.endAsync())
    `
    const run = await runNode(['-e', script], 10000, [], { MQTT_NAPI_LOG: 'info' })
    expect(run.stderr).toMatch(/answered the QoS 2 publish \d+ with PUBACK: delivered at QoS 1/)
    expect(run.code).toBe(0)
  })
})

const rabbitmqInstalled = rabbitmqPath() !== undefined
if (!rabbitmqInstalled) {
  const message = 'RabbitMQ is not installed (Debian: apt-get install rabbitmq-server): its QoS 2 downgrade is not tested here'
  if (process.env.CI) throw new Error(`${message}, and CI must test it`)
  console.warn(`\n*** ${message} ***\n`)
}

;(rabbitmqInstalled ? describe : describe.skip)('RabbitMQ 3.10 (downgrades QoS 2 to 1)', () => {
  let rabbit: RabbitMq
  beforeAll(async () => {
    rabbit = await startRabbitMq()
  }, 90000)
  afterAll(async () => {
    await rabbit?.stop()
  }, 30000)

  test.each(publishers)('%s: a QoS 2 publish completes, and a subscriber at QoS 2 receives it', async (_, publishAtQos2) => {
    const topic = uniqueTopic('rabbit')
    const subscriber = await connected(rabbit)
    const received: string[] = []
    const granted = await subscriber.subscribe(topic, crt.QoS.ExactlyOnce, (_t, payload) => received.push(Buffer.from(payload).toString()))
    expect(granted.qos).toBe(1)
    await publishAtQos2(rabbit, topic)
    await within(
      (async () => {
        while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 20))
      })(),
      5000,
      'both messages',
    )
    expect(received).toEqual(['two', 'again'])
  })
})
