/**
 * The MQTT.js dialect's declarations (index.d.ts): TypeScript written against
 * MQTT.js 5 compiles against mqtt-napi unchanged, and wrong usage does not.
 *
 * ts-jest type-checks this file, so compiling it is most of the test:
 * - the "application" region below is MQTT.js-style code written against
 *   mqtt-napi; a test compiles the very same text again with its two imports
 *   pointing at 'mqtt' (MQTT.js), so the shapes it uses are proven to be
 *   MQTT.js's too;
 * - `misuse()` holds `@ts-expect-error` lines: if a declaration were too
 *   loose, the directive would be unused and this file would not compile.
 *
 * Nothing here connects: no function of the application region is called.
 */
import { applicationRegion, typeErrors } from '../support/typecheck'

// #region application
import mqtt from '../../index'
import {
  connect,
  connectAsync,
  MqttClient,
  IClientOptions,
  IClientPublishOptions,
  IClientSubscribeOptions,
  IClientSubscribeProperties,
  IClientUnsubscribeProperties,
  ISubscriptionGrant,
  ISubscriptionMap,
  IConnackPacket,
  IDisconnectPacket,
  IPublishPacket,
  Packet,
  ErrorWithReasonCode,
  ErrorWithSubackPacket,
  OnDisconnectCallback,
  OnMessageCallback,
  ClientSubscribeCallback,
  PacketCallback,
  UniqueMessageIdProvider,
  DefaultMessageIdProvider,
} from '../../index'

function tlsOptions(ca: Buffer, cert: string, key: Buffer): IClientOptions {
  return {
    protocol: 'mqtts',
    host: 'broker.example',
    port: 8883,
    clientId: 'sensor-1',
    clean: false,
    keepalive: 30,
    reconnectPeriod: 2000,
    connectTimeout: 10 * 1000,
    username: 'sensor',
    password: Buffer.from('secret'),
    will: { topic: 'status/sensor-1', payload: 'offline', qos: 1, retain: true },
    ca: [ca],
    cert,
    key,
    rejectUnauthorized: true,
    ALPNProtocols: ['x-amzn-mqtt-ca'],
    servername: 'broker.example',
    resubscribe: true,
    queueQoSZero: false,
    reconnectOnConnackError: true,
    protocolId: 'MQTT',
    protocolVersion: 4,
    manualConnect: true,
    messageIdProvider: new UniqueMessageIdProvider(),
  }
}

function messageIds(): void {
  const defaults = new DefaultMessageIdProvider()
  const first: number | null = defaults.allocate()
  console.log(first, defaults.getLastAllocated(), mqtt.MqttClient.VERSION)
}

/** ws options kept in an interface of the application's own. */
interface SocketSettings {
  headers: { [name: string]: string }
  perMessageDeflate: boolean
}

function websocketOptions(token: () => string, socket: SocketSettings): IClientOptions {
  const inline: IClientOptions = { wsOptions: { headers: { Authorization: `Bearer ${token()}` }, handshakeTimeout: 5000 } }
  return {
    ...inline,
    protocol: 'wss',
    hostname: 'broker.example',
    path: '/mqtt',
    wsOptions: socket,
    transformWsUrl: (url, options, client) => {
      const user = client.options.username ?? options.clientId ?? ''
      return `${url}?signature=${token()}&user=${encodeURIComponent(user)}`
    },
    servers: [
      { host: 'a.broker.example', port: 443 },
      { host: 'b.broker.example', port: 443, protocol: 'wss' },
    ],
    manualConnect: true,
  }
}

function subscriber(client: MqttClient): void {
  client.on('connect', (connack) => {
    if (!connack.sessionPresent) {
      client.subscribe('presence', (err) => {
        if (!err) client.publish('presence', 'Hello mqtt')
      })
    }
  })
  client.on('message', (topic, payload, packet) => {
    const text: string = payload.toString()
    const flags: [number, boolean, boolean] = [packet.qos, packet.retain, packet.dup]
    const id: number | undefined = packet.messageId
    console.log(topic.toUpperCase(), text, flags, id, packet.topic === topic, packet.cmd)
  })
  client.on('error', (error) => {
    const code = error instanceof ErrorWithReasonCode ? error.code : undefined
    console.log(error.message, code)
  })
  client.on('reconnect', () => console.log('reconnecting', client.reconnecting))
  client.on('offline', () => console.log('offline', client.connected))
  client.on('close', () => console.log('closed'))
  client.on('packetsend', (packet) => console.log('sent', packet.cmd, packet.messageId))
  client.on('packetreceive', (packet) => console.log('received', packet.cmd))
  client.handleMessage = (packet, callback) => {
    console.log(packet.topic, packet.payload.length)
    callback(packet.qos === 2 ? new Error('not now') : undefined)
  }
  client.on('end', () => console.log('ended', client.disconnecting, client.disconnected))
  client.once('connect', (connack: IConnackPacket) => console.log(connack.returnCode))

  const onMessage: OnMessageCallback = (topic, payload) => console.log(topic, payload.length)
  client.on('message', onMessage)
  client.off('message', onMessage)
  client.removeListener('message', onMessage)
}

function subscriptions(client: MqttClient): void {
  const granted: ClientSubscribeCallback = (err, grants) => {
    if (err) return console.error(err.message)
    const first: number | undefined = grants?.[0].qos
    console.log(first, grants?.map((grant) => grant.topic))
  }
  client.subscribe('sensors/+/temperature')
  client.subscribe('sensors/#', granted)
  client.subscribe(['a', 'b/+'], { qos: 1 })
  client.subscribe(['a', 'b/+'], { qos: 2 }, (err, grants) => console.log(err, grants?.[0].qos))
  const map: ISubscriptionMap = { 'test1': { qos: 0 }, 'test2': { qos: 1 } }
  client.subscribe(map, (err, grants) => grants?.forEach((g) => g.qos === 128 && console.log('refused', g.topic)))
  const options: IClientSubscribeOptions = { qos: 1 }
  client.subscribe({ 'x/y': options })
  client.unsubscribe('a')
  client.unsubscribe(['a', 'b/+'], (err) => console.log(err?.message))
}

function publisher(client: MqttClient): void {
  const done: PacketCallback = (err, packet) => console.log(err?.message, packet?.cmd)
  const options: IClientPublishOptions = { qos: 1, retain: true }
  client.publish('t', 'text')
  client.publish('t', Buffer.from([1, 2, 3]), done)
  client.publish('t', 'text', options)
  client.publish('t', 'text', { qos: 2, dup: false }, (err, packet) => {
    if (err) return console.error(err)
    if (packet?.cmd === 'publish') console.log(packet.messageId, packet.topic)
  })
  const last = client.getLastMessageId()
  if (last !== undefined) console.log(last + 1)
}

async function lifecycle(): Promise<void> {
  const client: mqtt.MqttClient = mqtt.connect('mqtt://test.mosquitto.org')
  subscriber(client)
  subscriptions(client)
  publisher(client)
  client.end(true, () => console.log('closed at once'))
  client.end(() => console.log('closed'))
  client.end()
  client.reconnect()

  const other = connect({ host: 'localhost', port: 1883, protocol: 'mqtt', clientId: 'c', manualConnect: true })
  other.connect()
  connect('mqtts://broker.example', tlsOptions(Buffer.from(''), '', Buffer.from('')))
  connect(websocketOptions(() => 'token', { headers: {}, perMessageDeflate: false }))

  const asyncClient: MqttClient = await connectAsync('mqtt://localhost:1883', { clean: true })
  await mqtt.connectAsync('mqtt://localhost')
  await connectAsync({ host: 'localhost', protocol: 'mqtt' })
  await connectAsync('mqtt://localhost', { keepalive: 10 }, false)
  const grants: ISubscriptionGrant[] = await asyncClient.subscribeAsync(['a', 'b'], { qos: 1 })
  const grantedQos: number = grants[0].qos
  const acked: Packet | undefined = await asyncClient.publishAsync('a', 'payload', { qos: 1 })
  const unsubscribed: Packet | undefined = await asyncClient.unsubscribeAsync('a')
  console.log(grantedQos, acked?.messageId, unsubscribed?.cmd)
  await asyncClient.endAsync()
  await asyncClient.endAsync(true)
}

function received(packet: IPublishPacket): string {
  return typeof packet.payload === 'string' ? packet.payload : packet.payload.toString('utf8')
}

/** MQTT 5: CONNECT and will properties, topic aliases, enhanced authentication. */
function mqtt5Options(): IClientOptions {
  return {
    protocolVersion: 5,
    clientId: 'sensor-5',
    clean: false,
    properties: {
      sessionExpiryInterval: 3600,
      receiveMaximum: 100,
      maximumPacketSize: 1024 * 1024,
      topicAliasMaximum: 10,
      requestResponseInformation: true,
      requestProblemInformation: false,
      userProperties: { site: 'north', tags: ['a', 'b'] },
      authenticationMethod: 'SCRAM-SHA-256',
      authenticationData: Buffer.from('client-first'),
    },
    will: {
      topic: 'status/sensor-5',
      payload: 'gone',
      qos: 1,
      retain: false,
      properties: {
        willDelayInterval: 30,
        payloadFormatIndicator: true,
        messageExpiryInterval: 600,
        contentType: 'text/plain',
        responseTopic: 'status/replies',
        correlationData: Buffer.from('will-1'),
        userProperties: { reason: 'lost' },
      },
    },
    authPacket: { reasonCode: 0, properties: { authenticationMethod: 'SCRAM-SHA-256', authenticationData: Buffer.from('x') } },
    autoUseTopicAlias: true,
    autoAssignTopicAlias: false,
    manualConnect: true,
  }
}

/** MQTT 5 events: CONNACK and PUBLISH properties, serverProperties, disconnect, handleAuth. */
function mqtt5Events(client: MqttClient): void {
  client.on('connect', (connack) => {
    const code: number | undefined = connack.reasonCode
    const aliases: number | undefined = connack.properties?.topicAliasMaximum
    const assigned: string | undefined = client.serverProperties?.assignedClientIdentifier
    const retain: boolean | undefined = client.serverProperties?.retainAvailable
    console.log(code, aliases, assigned, retain, connack.properties?.userProperties?.['region'], connack.properties?.maximumQoS)
  })
  client.on('message', (topic, payload, packet) => {
    const properties = packet.properties
    const replyTo: string | undefined = properties?.responseTopic
    const ids = properties?.subscriptionIdentifier
    const firstId: number | undefined = Array.isArray(ids) ? ids[0] : ids
    const correlation: Buffer | undefined = properties?.correlationData
    const trace: string | string[] | undefined = properties?.userProperties?.['trace']
    console.log(topic, payload.length, firstId, trace, properties?.contentType, properties?.payloadFormatIndicator)
    console.log(properties?.messageExpiryInterval, properties?.topicAlias)
    if (replyTo !== undefined) client.publish(replyTo, 'ack', { qos: 1, properties: { correlationData: correlation } })
  })
  const onDisconnect: OnDisconnectCallback = (packet) => console.log('the broker said', packet.reasonCode)
  client.on('disconnect', onDisconnect)
  client.on('disconnect', (packet: IDisconnectPacket) => {
    console.log(packet.properties?.reasonString, packet.properties?.serverReference, packet.properties?.userProperties)
  })
  client.handleAuth = (packet, callback) => {
    const challenge = packet.properties?.authenticationData
    if (challenge === undefined) {
      callback(new Error('no challenge'))
    } else {
      callback(undefined, {
        cmd: 'auth',
        reasonCode: 0x18,
        properties: { authenticationMethod: packet.properties?.authenticationMethod, authenticationData: Buffer.concat([challenge, Buffer.from('!')]) },
      })
    }
  }
}

/** MQTT 5 publishes: properties, topic aliases, a refusal's acknowledgement. */
function mqtt5Publisher(client: MqttClient): void {
  const options: IClientPublishOptions = {
    qos: 1,
    properties: {
      payloadFormatIndicator: true,
      messageExpiryInterval: 60,
      topicAlias: 1,
      responseTopic: 'replies/sensor-5',
      correlationData: Buffer.from('request-1'),
      userProperties: { trace: 'abc', hops: ['a', 'b'] },
      contentType: 'application/json',
    },
  }
  client.publish('sensors/5', JSON.stringify({ t: 21.5 }), options, (err, packet) => {
    if (err instanceof ErrorWithReasonCode && packet?.cmd === 'puback') {
      console.log(err.code, packet.reasonCode, packet.properties?.reasonString, packet.properties?.userProperties)
    }
  })
  client.publish('', 'the same topic by its alias', { qos: 0, properties: { topicAlias: 1 } })
}

/** MQTT 5 subscriptions: nl, rap, rh and SUBSCRIBE / UNSUBSCRIBE properties. */
function mqtt5Subscriptions(client: MqttClient): void {
  const options: IClientSubscribeOptions = {
    qos: 1,
    nl: true,
    rap: true,
    rh: 1,
    properties: { subscriptionIdentifier: 7, userProperties: { app: 'dashboard' } },
  }
  client.subscribe('sensors/+', options, (err, granted, suback) => {
    if (err instanceof ErrorWithSubackPacket) console.log(err.packet.granted, err.packet.properties?.reasonString)
    console.log(granted?.map((grant) => [grant.topic, grant.qos, grant.nl, grant.rap, grant.rh]))
    console.log(suback?.granted, suback?.properties?.userProperties)
  })
  client.subscribe({ 'a/#': { qos: 0, rh: 2 }, 'b/+': { qos: 2, nl: true } }, { properties: { userProperties: { batch: '1' } } })
  const propertiesOnly: IClientSubscribeProperties = { properties: { subscriptionIdentifier: 8 } }
  client.subscribe(['c', 'd'], propertiesOnly)
  client.unsubscribe('sensors/+', { properties: { userProperties: { why: 'done' } } }, (err, packet) => {
    if (packet?.cmd === 'unsuback') console.log(err?.message, packet.granted?.[0], packet.properties?.reasonString)
  })
  const unsubscribeOptions: IClientUnsubscribeProperties = { properties: { userProperties: { k: ['v', 'w'] } } }
  client.unsubscribe(['c', 'd'], unsubscribeOptions)
}

async function mqtt5Lifecycle(): Promise<void> {
  const client = connect('mqtt://broker.example', mqtt5Options())
  mqtt5Events(client)
  mqtt5Publisher(client)
  mqtt5Subscriptions(client)
  client.connect()
  const grants: ISubscriptionGrant[] = await client.subscribeAsync('x/#', { qos: 2, rh: 0, properties: { subscriptionIdentifier: 9 } })
  const unsuback: Packet | undefined = await client.unsubscribeAsync('x/#', { properties: { userProperties: { a: 'b' } } })
  console.log(grants[0].rh, unsuback?.cmd)
  client.end(false, { reasonCode: 4, properties: { sessionExpiryInterval: 0, reasonString: 'leaving', userProperties: { a: '1' } } }, () => {
    console.log('ended with the will')
  })
  await client.endAsync({ reasonCode: 0 })
  await client.endAsync(false, { reasonCode: 0x04 })
}
// #endregion application

/** Wrong usage the declarations must reject. Never called. */
function misuse(client: MqttClient): void {
  // @ts-expect-error a payload is a string or a Buffer
  client.publish('t', 42)
  // @ts-expect-error qos is 0, 1 or 2
  client.publish('t', 'x', { qos: 3 })
  // @ts-expect-error a topic is a string, a string[] or a map
  client.subscribe(42)
  // @ts-expect-error qos is 0, 1 or 2
  client.subscribe('t', { qos: 3 })
  // @ts-expect-error a map's values are { qos }
  client.subscribe({ t: 1 })
  // @ts-expect-error the topic of a message is a string
  client.on('message', (topic: number) => console.log(topic))
  // @ts-expect-error a CONNACK has no such field
  client.on('connect', (connack) => connack.reasonString)
  // @ts-expect-error `message` carries a topic, a payload and a packet
  client.emit('message', 'topic')
  // @ts-expect-error end's first argument is force, options or a callback
  client.end('now')
  // @ts-expect-error undefined before the first acknowledged operation
  const id: number = client.getLastMessageId()
  console.log(id)
  // @ts-expect-error made by connect(), not by new
  new MqttClient()

  // @ts-expect-error a URL or an options object
  connect(1883)
  // @ts-expect-error allowRetries is a boolean
  void connectAsync('mqtt://localhost', {}, 'yes')
  // @ts-expect-error the port is a number
  connect({ port: '1883' })
  // @ts-expect-error a misspelt option is caught: no index signature
  connect({ hots: 'localhost' })
  // @ts-expect-error the mini-program schemes are not supported
  connect({ protocol: 'wxs' })
  // @ts-expect-error +unix works with mqtt and tcp only
  connect({ protocol: 'ws+unix' })
  // @ts-expect-error ALPN protocols are an array
  connect({ ALPNProtocols: Buffer.from('\x08x-amzn-mqtt-ca') })
  // @ts-expect-error MQTT 3.1.1 (4) and 5 only
  connect({ protocolVersion: 6 })
  // @ts-expect-error mqtt-napi does not speak MQTT 3.1 (MQTT.js does)
  connect({ protocolVersion: 3 })
  // @ts-expect-error a will needs a payload
  connect({ will: { topic: 'status' } })
  // @ts-expect-error header values are strings
  connect({ wsOptions: { headers: { 'x-count': 1 } } })
  // @ts-expect-error milliseconds, a number
  connect({ reconnectPeriodMax: '30s' })

  // @ts-expect-error a grant's qos is 0, 1, 2 or 128
  const grant: ISubscriptionGrant = { topic: 't', qos: 3 }
  console.log(grant)

  // MQTT 5.
  // @ts-expect-error Retain Handling is a number
  client.subscribe('t', { qos: 1, rh: 'x' })
  // @ts-expect-error No Local is a boolean
  client.subscribe('t', { qos: 1, nl: 1 })
  // @ts-expect-error a topic alias is a number
  client.publish('t', 'x', { properties: { topicAlias: 'a' } })
  // @ts-expect-error user property values are strings (or arrays of them)
  client.publish('t', 'x', { properties: { userProperties: { count: 1 } } })
  // @ts-expect-error a SUBSCRIBE carries no Reason String (MQTT.js declares one; the broker would refuse it)
  client.subscribe('t', { qos: 1, properties: { reasonString: 'why' } })
  // @ts-expect-error an UNSUBSCRIBE carries user properties only
  client.unsubscribe('t', { properties: { reasonString: 'why' } })
  // @ts-expect-error a reason code is a number
  client.end(false, { reasonCode: 'normal' })
  // @ts-expect-error Maximum QoS is the broker's, in CONNACK, not in CONNECT
  connect({ protocolVersion: 5, properties: { maximumQoS: 1 } })
  // @ts-expect-error seconds, a number
  connect({ protocolVersion: 5, properties: { sessionExpiryInterval: '1h' } })
  // @ts-expect-error a misspelt will property is caught
  connect({ will: { topic: 't', payload: 'x', properties: { willDelay: 5 } } })
  // @ts-expect-error authentication data is a Buffer
  connect({ authPacket: { properties: { authenticationData: 42 } } })
  // @ts-expect-error a DISCONNECT has a reason code, not a return code
  client.on('disconnect', (packet) => packet.returnCode)
  // @ts-expect-error several subscriptions may have matched: number | number[], or none
  client.on('message', (topic, payload, packet) => { const id: number = packet.properties?.subscriptionIdentifier ?? 0; console.log(id) })
  // @ts-expect-error a reply to an AUTH challenge is an AUTH packet (MQTT.js sends nothing without cmd: 'auth')
  client.handleAuth = (packet, callback) => callback(undefined, { reasonCode: 0x18 })
  // @ts-expect-error the broker's keep alive is a number of seconds
  const keepAlive: string = client.serverProperties?.serverKeepAlive
  console.log(keepAlive)
}

/** What only mqtt-napi declares, next to the aws-crt namespaces. */
function extensions(): void {
  connect('mqtt://localhost', { reconnectPeriod: 500, reconnectPeriodMax: 500 })
  connect({ protocol: 'mqtt+unix', path: '/run/mosquitto.sock', manualConnect: true })
  connect({ unixSocket: true, path: '/run/mosquitto.sock', auth: 'user:password', query: { clientId: 'c' } })
  const cls: typeof MqttClient = mqtt.Client
  const crtQos: number = mqtt.mqtt.QoS.AtLeastOnce
  const options: IClientOptions = { properties: { sessionExpiryInterval: 60 }, log: console.log, reschedulePings: true }
  console.log(cls, crtQos, options)
}

const applicationSource = (library: string) => applicationRegion(__filename, library)

describe('MQTT.js dialect types', () => {
  test('the application code compiles against mqtt-napi and, unchanged, against MQTT.js', () => {
    expect(typeErrors(applicationSource('../../index'))).toEqual([])
    expect(typeErrors(applicationSource('mqtt'))).toEqual([])
  })

  test('the check is real: a wrong call appended to the same code fails against either library', () => {
    for (const library of ['../../index', 'mqtt']) {
      const source = applicationSource(library)
      const badLine = source.split('\n').length + 1
      const errors = typeErrors(`${source}\nconnect('mqtt://localhost').publish('t', 42)\n`)
      expect(errors.length).toBeGreaterThan(0)
      expect(errors.every((error) => error.startsWith(`line ${badLine}: `))).toBe(true)
    }
  })

  test('what the declarations promise exists at runtime (nothing connects)', () => {
    expect(typeof connect).toBe('function')
    expect(typeof connectAsync).toBe('function')
    expect(mqtt.connect).toBe(connect)
    expect(mqtt.Client).toBe(MqttClient)
    expect(mqtt.default).toBe(mqtt)
    const refused = new ErrorWithReasonCode('Connection refused: Not authorized', 5)
    expect(refused).toBeInstanceOf(Error)
    expect(refused.code).toBe(5)
    const subackError = new ErrorWithSubackPacket('Subscribe error: Not authorized', { cmd: 'suback', granted: [135] })
    expect(subackError).toBeInstanceOf(Error)
    expect(subackError.name).toBe('ErrorWithSubackPacket')
    expect(subackError.packet.granted).toEqual([135])
    expect(mqtt.ErrorWithSubackPacket).toBe(ErrorWithSubackPacket)
    const methods: Array<keyof MqttClient> = [
      'connect', 'publish', 'publishAsync', 'subscribe', 'subscribeAsync', 'unsubscribe', 'unsubscribeAsync',
      'end', 'endAsync', 'reconnect', 'getLastMessageId', 'removeOutgoingMessage', 'handleAuth', 'on', 'once', 'off', 'emit',
    ]
    expect(methods.filter((name) => typeof MqttClient.prototype[name] !== 'function')).toEqual([])
  })

  test('the functions that hold the checks exist (none is called)', () => {
    const checked = [
      tlsOptions, messageIds, websocketOptions, subscriber, subscriptions, publisher, lifecycle, received,
      mqtt5Options, mqtt5Events, mqtt5Publisher, mqtt5Subscriptions, mqtt5Lifecycle, misuse, extensions,
    ]
    expect(checked.every((fn) => typeof fn === 'function')).toBe(true)
  })
})
