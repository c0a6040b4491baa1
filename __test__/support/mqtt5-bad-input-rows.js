'use strict'
// Bad input for the `mqtt5` module, one row per call: what is called, and
// what it must do. Run by scripts/mqtt5-bad-input.js in a child process
// (an abort there fails its own row) and checked by
// process/mqtt5-bad-input.test.ts.
//
// `expect`:
//   - 'TypeError' / 'RangeError': the call throws that class synchronously;
//   - an aws-crt error name: the call returns a promise that rejects with a
//     CrtError (an Error with `error_code` and that `error_name`);
// `names`: what the message must name (the field as the user wrote it).

const HOST = { hostName: '127.0.0.1', port: 1 }
const connect = (fields) => ({ ...HOST, connectProperties: { keepAliveIntervalSeconds: 30, ...fields } })
const LONG = 'a'.repeat(65_536)

const constructor = (name, config, expect, names) => ({
  name: `new Mqtt5Client(${name})`,
  expect,
  names,
  call: (mqtt5) => new mqtt5.Mqtt5Client(config),
})

const PUBLISH = 'AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION'
const SUBSCRIBE = 'AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION'
const UNSUBSCRIBE = 'AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION'

const publish = (name, packet, names) => ({
  name: `publish(${name})`,
  expect: PUBLISH,
  names,
  call: (_, client) => client.publish(packet),
})
const subscribe = (name, packet, names) => ({
  name: `subscribe(${name})`,
  expect: SUBSCRIBE,
  names,
  call: (_, client) => client.subscribe(packet),
})
const unsubscribe = (name, packet, names) => ({
  name: `unsubscribe(${name})`,
  expect: UNSUBSCRIBE,
  names,
  call: (_, client) => client.unsubscribe(packet),
})
const stop = (name, packet, expect, names) => ({
  name: `stop(${name})`,
  expect,
  names,
  call: (_, client) => client.stop(packet),
})
const topic = 'bad/input'
const one = (fields) => ({ subscriptions: [{ topicFilter: topic, qos: 1, ...fields }] })

module.exports = [
  constructor('undefined', undefined, 'TypeError', 'config'),
  constructor('null', null, 'TypeError', 'config'),
  constructor('{}', {}, 'TypeError', 'config.hostName'),
  constructor('hostName 5', { hostName: 5, port: 1 }, 'TypeError', 'config.hostName'),
  constructor("hostName ''", { hostName: '', port: 1 }, 'RangeError', 'config.hostName'),
  constructor("port 'abc'", { hostName: 'h', port: 'abc' }, 'TypeError', 'config.port'),
  constructor('port 70000', { hostName: 'h', port: 70000 }, 'RangeError', 'config.port'),
  constructor('port -1', { hostName: 'h', port: -1 }, 'RangeError', 'config.port'),
  constructor('port 1.5', { hostName: 'h', port: 1.5 }, 'RangeError', 'config.port'),
  constructor('port NaN', { hostName: 'h', port: NaN }, 'RangeError', 'config.port'),
  constructor('sessionBehavior 9', { ...HOST, sessionBehavior: 9 }, 'RangeError', 'config.sessionBehavior'),
  constructor("retryJitterMode 'x'", { ...HOST, retryJitterMode: 'x' }, 'RangeError', 'config.retryJitterMode'),
  constructor('minReconnectDelayMs -1', { ...HOST, minReconnectDelayMs: -1 }, 'RangeError', 'config.minReconnectDelayMs'),
  constructor(
    'minReconnectDelayMs above maxReconnectDelayMs',
    { ...HOST, minReconnectDelayMs: 5000, maxReconnectDelayMs: 100 },
    'RangeError',
    'config.minReconnectDelayMs',
  ),
  constructor('connackTimeoutMs Infinity', { ...HOST, connackTimeoutMs: Infinity }, 'RangeError', 'config.connackTimeoutMs'),
  constructor('ackTimeoutSeconds 1e12', { ...HOST, ackTimeoutSeconds: 1e12 }, 'RangeError', 'config.ackTimeoutSeconds'),
  constructor("offlineQueueBehavior 'x'", { ...HOST, offlineQueueBehavior: 'x' }, 'RangeError', 'config.offlineQueueBehavior'),
  constructor(
    'extendedValidationAndFlowControlOptions 5',
    { ...HOST, extendedValidationAndFlowControlOptions: 5 },
    'RangeError',
    'config.extendedValidationAndFlowControlOptions',
  ),
  constructor("connectProperties 'x'", { ...HOST, connectProperties: 'x' }, 'TypeError', 'config.connectProperties'),
  constructor(
    'connectProperties without keepAliveIntervalSeconds',
    { ...HOST, connectProperties: {} },
    'TypeError',
    'config.connectProperties.keepAliveIntervalSeconds',
  ),
  constructor(
    'keepAliveIntervalSeconds 70000',
    connect({ keepAliveIntervalSeconds: 70000 }),
    'RangeError',
    'config.connectProperties.keepAliveIntervalSeconds',
  ),
  constructor('clientId 5', connect({ clientId: 5 }), 'TypeError', 'config.connectProperties.clientId'),
  constructor('clientId with U+0000', connect({ clientId: 'a\0b' }), 'RangeError', 'config.connectProperties.clientId'),
  constructor('clientId with a lone surrogate', connect({ clientId: 'a\ud800' }), 'TypeError', 'config.connectProperties.clientId'),
  constructor('clientId over 65,535 bytes', connect({ clientId: LONG }), 'RangeError', 'config.connectProperties.clientId'),
  constructor(
    'clientId over 128 bytes with AwsIotCoreDefaults',
    { ...connect({ clientId: 'c'.repeat(129) }), extendedValidationAndFlowControlOptions: 1 },
    'RangeError',
    'config.connectProperties.clientId',
  ),
  constructor("password 'text'", connect({ password: 'text' }), 'TypeError', 'config.connectProperties.password'),
  constructor('receiveMaximum 0', connect({ receiveMaximum: 0 }), 'RangeError', 'config.connectProperties.receiveMaximum'),
  constructor(
    'maximumPacketSizeBytes 0',
    connect({ maximumPacketSizeBytes: 0 }),
    'RangeError',
    'config.connectProperties.maximumPacketSizeBytes',
  ),
  constructor(
    'sessionExpiryIntervalSeconds 2**32',
    connect({ sessionExpiryIntervalSeconds: 2 ** 32 }),
    'RangeError',
    'config.connectProperties.sessionExpiryIntervalSeconds',
  ),
  constructor('will without topicName', connect({ will: { qos: 1 } }), 'TypeError', 'config.connectProperties.will.topicName'),
  constructor('will qos 3', connect({ will: { topicName: 'w', qos: 3 } }), 'RangeError', 'config.connectProperties.will.qos'),
  constructor(
    "will topicName 'a/#'",
    connect({ will: { topicName: 'a/#', qos: 0 } }),
    'TypeError',
    'config.connectProperties.will.topicName',
  ),
  constructor(
    'will payload a Symbol',
    connect({ will: { topicName: 'w', qos: 0, payload: Symbol('x') } }),
    'TypeError',
    'config.connectProperties.will.payload',
  ),
  constructor("userProperties 'x'", connect({ userProperties: 'x' }), 'TypeError', 'config.connectProperties.userProperties'),
  constructor(
    'userProperties [{ name: 5 }]',
    connect({ userProperties: [{ name: 5, value: 'v' }] }),
    'TypeError',
    'config.connectProperties.userProperties[0].name',
  ),
  constructor(
    'topicAliasingOptions.outboundBehavior 7',
    { ...HOST, topicAliasingOptions: { outboundBehavior: 7 } },
    'RangeError',
    'config.topicAliasingOptions.outboundBehavior',
  ),
  constructor(
    'topicAliasingOptions.inboundCacheMaxSize 0',
    { ...HOST, topicAliasingOptions: { inboundBehavior: 1, inboundCacheMaxSize: 0 } },
    'RangeError',
    'config.topicAliasingOptions.inboundCacheMaxSize',
  ),
  constructor('tlsCtx {}', { ...HOST, tlsCtx: {} }, 'TypeError', 'config.tlsCtx'),
  constructor('socketOptions a datagram socket', { ...HOST, socketOptions: { type: 1 } }, 'RangeError', 'config.socketOptions.type'),
  constructor('clientBootstrap {}', { ...HOST, clientBootstrap: {} }, 'TypeError', 'config.clientBootstrap'),
  constructor(
    'websocketHandshakeTransform 5',
    { ...HOST, websocketHandshakeTransform: 5 },
    'TypeError',
    'config.websocketHandshakeTransform',
  ),
  constructor('httpProxyOptions {}', { ...HOST, httpProxyOptions: {} }, 'TypeError', 'config.httpProxyOptions.host_name'),
  constructor(
    'enhancedAuthentication without method',
    { ...HOST, enhancedAuthentication: { onChallenge: () => ({}) } },
    'TypeError',
    'config.enhancedAuthentication.method',
  ),
  constructor(
    'enhancedAuthentication without onChallenge',
    { ...HOST, enhancedAuthentication: { method: 'm' } },
    'TypeError',
    'config.enhancedAuthentication.onChallenge',
  ),

  publish('undefined', undefined, 'packet'),
  publish('null', null, 'packet'),
  publish('{}', {}, 'packet.topicName'),
  publish('topicName 5', { topicName: 5, qos: 0 }, 'packet.topicName'),
  publish("topicName 'a/#'", { topicName: 'a/#', qos: 0 }, 'packet.topicName'),
  publish("topicName '' without topicAlias", { topicName: '', qos: 0 }, 'packet.topicName'),
  publish('topicName over 65,535 bytes', { topicName: LONG, qos: 0 }, 'packet.topicName'),
  publish('topicName with U+0000', { topicName: 'a\0b', qos: 0 }, 'packet.topicName'),
  publish('without qos', { topicName: topic }, 'packet.qos'),
  publish('qos 3', { topicName: topic, qos: 3 }, 'packet.qos'),
  publish('qos -1', { topicName: topic, qos: -1 }, 'packet.qos'),
  publish("qos 'x'", { topicName: topic, qos: 'x' }, 'packet.qos'),
  publish("retain 'yes'", { topicName: topic, qos: 0, retain: 'yes' }, 'packet.retain'),
  publish('payload a Symbol', { topicName: topic, qos: 0, payload: Symbol('x') }, 'packet.payload'),
  publish('payloadFormat 2', { topicName: topic, qos: 0, payloadFormat: 2 }, 'packet.payloadFormat'),
  publish(
    'messageExpiryIntervalSeconds -1',
    { topicName: topic, qos: 0, messageExpiryIntervalSeconds: -1 },
    'packet.messageExpiryIntervalSeconds',
  ),
  publish('topicAlias 0', { topicName: topic, qos: 0, topicAlias: 0 }, 'packet.topicAlias'),
  publish('topicAlias 70000', { topicName: topic, qos: 0, topicAlias: 70000 }, 'packet.topicAlias'),
  publish('responseTopic 5', { topicName: topic, qos: 0, responseTopic: 5 }, 'packet.responseTopic'),
  publish("correlationData 'text'", { topicName: topic, qos: 0, correlationData: 'text' }, 'packet.correlationData'),
  publish('contentType 5', { topicName: topic, qos: 0, contentType: 5 }, 'packet.contentType'),
  publish("userProperties 'x'", { topicName: topic, qos: 0, userProperties: 'x' }, 'packet.userProperties'),
  publish(
    'userProperties [{ name }] without value',
    { topicName: topic, qos: 0, userProperties: [{ name: 'a' }] },
    'packet.userProperties[0].value',
  ),
  publish(
    'subscriptionIdentifiers [1]',
    { topicName: topic, qos: 0, subscriptionIdentifiers: [1] },
    'packet.subscriptionIdentifiers',
  ),
  {
    name: 'publish(topicName over 7 slashes with AwsIotCoreDefaults)',
    expect: PUBLISH,
    names: 'packet.topicName',
    client: { extendedValidationAndFlowControlOptions: 1 },
    call: (_, client) => client.publish({ topicName: 'a/b/c/d/e/f/g/h/i', qos: 0 }),
  },

  subscribe('undefined', undefined, 'packet'),
  subscribe('{}', {}, 'packet.subscriptions'),
  subscribe('subscriptions []', { subscriptions: [] }, 'packet.subscriptions'),
  subscribe("subscriptions 'x'", { subscriptions: 'x' }, 'packet.subscriptions'),
  subscribe('topicFilter 5', { subscriptions: [{ topicFilter: 5, qos: 1 }] }, 'packet.subscriptions[0].topicFilter'),
  subscribe("topicFilter 'a/#/b'", { subscriptions: [{ topicFilter: 'a/#/b', qos: 1 }] }, 'packet.subscriptions[0].topicFilter'),
  subscribe("topicFilter ''", { subscriptions: [{ topicFilter: '', qos: 1 }] }, 'packet.subscriptions[0].topicFilter'),
  subscribe('qos 3', { subscriptions: [{ topicFilter: topic, qos: 3 }] }, 'packet.subscriptions[0].qos'),
  subscribe('without qos', { subscriptions: [{ topicFilter: topic }] }, 'packet.subscriptions[0].qos'),
  subscribe('retainHandlingType 3', one({ retainHandlingType: 3 }), 'packet.subscriptions[0].retainHandlingType'),
  subscribe("noLocal 'x'", one({ noLocal: 'x' }), 'packet.subscriptions[0].noLocal'),
  subscribe('subscriptionIdentifier 0', { ...one({}), subscriptionIdentifier: 0 }, 'packet.subscriptionIdentifier'),
  subscribe(
    'subscriptionIdentifier 268435456',
    { ...one({}), subscriptionIdentifier: 268435456 },
    'packet.subscriptionIdentifier',
  ),
  subscribe("userProperties [{ value: 'v' }]", { ...one({}), userProperties: [{ value: 'v' }] }, 'packet.userProperties[0].name'),
  subscribe(
    'noLocal on a shared subscription',
    { subscriptions: [{ topicFilter: '$share/g/a', qos: 1, noLocal: true }] },
    'No Local',
  ),
  {
    name: 'subscribe(9 subscriptions with AwsIotCoreDefaults)',
    expect: SUBSCRIBE,
    names: 'packet.subscriptions',
    client: { extendedValidationAndFlowControlOptions: 1 },
    call: (_, client) =>
      client.subscribe({ subscriptions: Array.from({ length: 9 }, (_, i) => ({ topicFilter: `t/${i}`, qos: 1 })) }),
  },

  unsubscribe('undefined', undefined, 'packet'),
  unsubscribe('{}', {}, 'packet.topicFilters'),
  unsubscribe('topicFilters []', { topicFilters: [] }, 'packet.topicFilters'),
  unsubscribe('topicFilters [5]', { topicFilters: [5] }, 'packet.topicFilters[0]'),
  unsubscribe("topicFilters ['a', 'a/#/b']", { topicFilters: ['a', 'a/#/b'] }, 'packet.topicFilters[1]'),

  stop("'x'", 'x', 'TypeError', 'disconnectPacket'),
  stop('reasonCode 3', { reasonCode: 3 }, 'RangeError', 'disconnectPacket.reasonCode'),
  stop('reasonCode 142 (a server\'s)', { reasonCode: 142 }, 'RangeError', 'disconnectPacket.reasonCode'),
  stop("reasonCode 'x'", { reasonCode: 'x' }, 'TypeError', 'disconnectPacket.reasonCode'),
  stop("serverReference 'x'", { reasonCode: 0, serverReference: 'x' }, 'TypeError', 'disconnectPacket.serverReference'),
  stop(
    'sessionExpiryIntervalSeconds -1',
    { reasonCode: 0, sessionExpiryIntervalSeconds: -1 },
    'RangeError',
    'disconnectPacket.sessionExpiryIntervalSeconds',
  ),
  stop(
    'sessionExpiryIntervalSeconds when CONNECT set none',
    { reasonCode: 0, sessionExpiryIntervalSeconds: 5 },
    'RangeError',
    'disconnectPacket',
  ),
  stop("reasonString 5", { reasonCode: 0, reasonString: 5 }, 'TypeError', 'disconnectPacket.reasonString'),

  {
    name: 'publish() after close()',
    expect: 'AWS_ERROR_MQTT5_CLIENT_TERMINATED',
    names: 'closed',
    closed: true,
    call: (_, client) => client.publish({ topicName: topic, qos: 1 }),
  },
  {
    name: 'subscribe() after close()',
    expect: 'AWS_ERROR_MQTT5_CLIENT_TERMINATED',
    names: 'closed',
    closed: true,
    call: (_, client) => client.subscribe(one({})),
  },
  {
    name: 'unsubscribe() after close()',
    expect: 'AWS_ERROR_MQTT5_CLIENT_TERMINATED',
    names: 'closed',
    closed: true,
    call: (_, client) => client.unsubscribe({ topicFilters: [topic] }),
  },
]
