/**
 * The `mqtt5` declarations (types/mqtt5.d.ts): TypeScript written against
 * aws-crt's `mqtt5` module, in the shape of aws-iot-device-sdk-v2's MQTT 5
 * samples, compiles against mqtt-napi unchanged (strict, declarations
 * checked). The application region is compiled twice: importing mqtt-napi,
 * and with its import pointing at 'aws-crt'. Misuse lines fail against ours.
 *
 * Nothing here connects: no function of the application region is called.
 */
import { applicationRegion, typeErrors } from '../support/typecheck'

// #region application
import { mqtt5, io } from '../../index'

function config(clientId: string): mqtt5.Mqtt5ClientConfig {
  return {
    hostName: 'broker.example',
    port: 8883,
    tlsCtx: new io.ClientTlsContext(io.TlsContextOptions.create_client_with_mtls('cert', 'key')),
    sessionBehavior: mqtt5.ClientSessionBehavior.RejoinPostSuccess,
    retryJitterMode: mqtt5.RetryJitterType.Decorrelated,
    minReconnectDelayMs: 500,
    maxReconnectDelayMs: 60_000,
    offlineQueueBehavior: mqtt5.ClientOperationQueueBehavior.FailAllOnDisconnect,
    topicAliasingOptions: {
      outboundBehavior: mqtt5.OutboundTopicAliasBehaviorType.LRU,
      outboundCacheMaxSize: 10,
      inboundBehavior: mqtt5.InboundTopicAliasBehaviorType.Enabled,
    },
    connectProperties: {
      keepAliveIntervalSeconds: 1200,
      clientId,
      sessionExpiryIntervalSeconds: 3600,
      will: { topicName: 'status', qos: mqtt5.QoS.AtLeastOnce, payload: 'gone', userProperties: [{ name: 'a', value: 'b' }] },
    },
    extendedValidationAndFlowControlOptions: mqtt5.ClientExtendedValidationAndFlowControl.AwsIotCoreDefaults,
  }
}

async function sample(client: mqtt5.Mqtt5Client): Promise<void> {
  client.on('error', (error) => console.log(error.error_name))
  client.on('attemptingConnect', () => console.log('attempting'))
  client.on('connectionSuccess', (event: mqtt5.ConnectionSuccessEvent) => {
    console.log(event.connack.sessionPresent, event.settings.clientId, event.settings.rejoinedSession)
  })
  client.on('connectionFailure', (event) => console.log(event.error.error_name, event.connack?.reasonCode))
  client.on('disconnection', (event) => console.log(event.error.error_name, event.disconnect?.reasonString))
  client.on('stopped', () => console.log('stopped'))
  client.on(mqtt5.Mqtt5Client.MESSAGE_RECEIVED, (event: mqtt5.MessageReceivedEvent) => {
    const handle = event.acknowledgementControl?.acquireHandle()
    if (event.message.payload) console.log(Buffer.from(event.message.payload as ArrayBuffer).toString())
    handle?.invokeAcknowledgement()
  })
  client.start()
  const suback: mqtt5.SubackPacket = await client.subscribe({
    subscriptions: [{ topicFilter: 'a/#', qos: mqtt5.QoS.AtLeastOnce, noLocal: true, retainHandlingType: mqtt5.RetainHandlingType.DontSend }],
    subscriptionIdentifier: 7,
  })
  const result: mqtt5.PublishCompletionResult = await client.publish({
    topicName: 'a/b',
    payload: JSON.stringify({ value: 1 }),
    qos: mqtt5.QoS.AtLeastOnce,
    contentType: 'application/json',
    userProperties: [{ name: 'k', value: 'v' }],
  })
  const unsuback = await client.unsubscribe({ topicFilters: ['a/#'] })
  const statistics: mqtt5.ClientStatistics = client.getOperationalStatistics()
  console.log(
    suback.reasonCodes.map(mqtt5.isSuccessfulSubackReasonCode),
    result?.reasonCode === mqtt5.PubackReasonCode.Success,
    unsuback.reasonCodes,
    statistics.incompleteOperationCount,
  )
  client.stop({ reasonCode: mqtt5.DisconnectReasonCode.NormalDisconnection })
  client.close()
}
// #endregion application

const applicationSource = (library: string) => applicationRegion(__filename, library, 1)

/** Lines that must fail against mqtt-napi's declarations. */
const MISUSE = [
  "const a: mqtt5.Mqtt5ClientConfig = { hostName: 'h' }",
  "const b: mqtt5.Mqtt5ClientConfig = { hostName: 'h', port: '1883' }",
  "const c: mqtt5.PublishPacket = { topicName: 't', qos: 3 }",
  "const d: mqtt5.SubscribePacket = { subscriptions: [{ topicFilter: 't' }] }",
  "const e: mqtt5.Mqtt5ClientConfig = { hostName: 'h', port: 1, connectProperties: { clientId: 'x' } }",
  "const f: mqtt5.UnsubscribePacket = { topicFilters: 'a' }",
  "new mqtt5.Mqtt5Client({ hostName: 'h', port: 1 }).on('connectionSuccess', (event) => event.settings.nope)",
]

describe('mqtt5 types', () => {
  test('the aws-iot-device-sdk-v2 style code compiles, strict and with the declarations checked, against mqtt-napi and against aws-crt', () => {
    expect(typeErrors(applicationSource('../../index'))).toEqual([])
    expect(typeErrors(applicationSource('aws-crt'))).toEqual([])
  })

  test.each(MISUSE)('misuse fails to compile against mqtt-napi: %s', (line) => {
    const source = applicationSource('../../index')
    const badLine = source.split('\n').length + 1
    const errors = typeErrors(`${source}\n${line}\n`)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((error) => error.startsWith(`line ${badLine}: `))).toBe(true)
  })

  test("mqtt-napi's extensions type-check: enhanced authentication and resubscribe", () => {
    const source = applicationSource('../../index')
    const extension = `
const withAuth: mqtt5.Mqtt5ClientConfig = {
  hostName: 'h',
  port: 1,
  resubscribe: false,
  enhancedAuthentication: {
    method: 'SCRAM-SHA-1',
    data: Buffer.from('client-first'),
    onChallenge: async (challenge: mqtt5.AuthPacket) => ({ authenticationData: Buffer.from(String(challenge.reasonCode)) }),
  },
}
console.log(withAuth, mqtt5.AuthReasonCode.ContinueAuthentication)
`
    expect(typeErrors(source + extension)).toEqual([])
  })

  test('the functions that hold the checks exist (none is called)', () => {
    expect([config, sample].every((fn) => typeof fn === 'function')).toBe(true)
  })
})
