/**
 * Drop-in fidelity of the aws-crt API: what aws-crt programs write that must
 * work unchanged. Where aws-crt itself can run the same check, it does.
 */
import mqttPacket from 'mqtt-packet'
import { mqtt as crtMqtt, io as crtIo } from 'aws-crt'
import { io } from '../../index'
import { HostileBroker, startHostileBroker, wellBehaved } from '../support/brokers/hostile-broker'
import { cleanupConnections, newConnection, uniqueId, within } from '../support/helpers'

afterEach(cleanupConnections)

/** The user name of a CONNECT as the broker read it. */
function usernameOf(raw: Buffer): string | undefined {
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  let username: string | undefined
  parser.on('packet', (packet) => (username = (packet as mqttPacket.IConnectPacket).username))
  parser.parse(raw)
  return username
}

describe('disable_metrics and metrics: a plain mqtt connection sends the user name as given unless it carries metrics', () => {
  let broker: HostileBroker
  beforeEach(async () => {
    broker = await startHostileBroker([wellBehaved, wellBehaved])
  })
  afterEach(async () => {
    await broker.close()
  })

  const metrics = { libraryName: 'my-app', metadata: [['k', 'v']] as [string, string][] }
  test.each([
    ['disable_metrics: true', { disable_metrics: true }],
    ['disable_metrics: false', { disable_metrics: false }],
    ['metrics and disable_metrics: true', { metrics, disable_metrics: true }],
  ])('mqtt-napi with %s', async (_, fields) => {
    const connection = newConnection(broker, { username: 'device-7', password: 'secret', ...fields })
    await within(connection.connect(), 5000, 'connect')
    expect(usernameOf((await broker.peer(0)).connect.raw)).toBe('device-7')
  })

  test('mqtt-napi with metrics given (as the iot builders set them): merged into the user name', async () => {
    const connection = newConnection(broker, { username: 'device-7', password: 'secret', metrics })
    await within(connection.connect(), 5000, 'connect')
    const platform = ({ linux: 'Linux', darwin: 'macOS', win32: 'Windows' } as Record<string, string>)[process.platform] ?? process.platform
    expect(usernameOf((await broker.peer(0)).connect.raw)).toBe(`device-7?SDK=my-app&Platform=${platform}&Metadata=(k=v)`)
  })

  test('aws-crt with disable_metrics: true sends it as given too (without it, aws-crt appends its SDK metrics)', async () => {
    const connection = new crtMqtt.MqttClient().new_connection({
      client_id: uniqueId(),
      host_name: broker.host,
      port: broker.port,
      clean_session: true,
      keep_alive: 30,
      username: 'device-7',
      password: 'secret',
      disable_metrics: true,
      socket_options: new crtIo.SocketOptions(),
    })
    try {
      await within(connection.connect(), 5000, 'aws-crt connect')
      expect(usernameOf((await broker.peer(0)).connect.raw)).toBe('device-7')
    } finally {
      await connection.disconnect()
    }
  })
})

test('io.is_alpn_available() is true, as aws-crt says on Linux', () => {
  expect(io.is_alpn_available()).toBe(crtIo.is_alpn_available())
  expect(io.is_alpn_available()).toBe(true)
})
