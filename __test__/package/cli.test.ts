/**
 * The `mqtt-napi` command (`npx mqtt-napi ...`): sub, pub, bench and demo run
 * as child processes against real brokers, over every transport, with the
 * flags of mosquitto_sub/mosquitto_pub; mistakes exit 2 naming the flag,
 * broker failures exit 1, a -W timeout exits 27.
 */
import fs from 'fs'
import os from 'os'
import path from 'path'
import { connectAsync, IPublishPacket, mqtt, MqttClient } from '../../index'
import { availableBrokers, Broker, BrokerKind, startBroker, startTransportBroker, TransportBroker } from '../support/brokers/brokers'
import { makeCerts, removeCerts } from '../support/certs'
import { cleanupConnections, connected, uniqueId, uniqueTopic, waitFor } from '../support/helpers'
import { describeRun, Run, startNode, NodeOptions } from '../support/node-process'
import { freePort } from '../support/ports'

const CLI = path.join(__dirname, '..', '..', 'cli', 'mqtt-napi.js')
const LIMIT_MS = 20000

function cli(args: string[], options: NodeOptions = {}) {
  return startNode([CLI, ...args], LIMIT_MS, options)
}
const run = (args: string[], options: NodeOptions = {}) => cli(args, options).result

function expectExit(result: Run, code: number): void {
  expect({ code: result.code, timedOut: result.timedOut, run: describeRun(result) }).toMatchObject({ code, timedOut: false })
}

/** Starts `sub` with -d and resolves once the broker has acknowledged its subscription. */
async function subscribed(args: string[]) {
  const sub = cli(['sub', '-d', ...args])
  await sub.printed('← SUBACK', 'stderr')
  return sub
}

afterEach(cleanupConnections)

/** -D (--property) mistakes: each exits 2 naming the flag and what it expected. */
const V5 = ['-V', 'mqttv5']
const propertyMistakes: Array<[string[], RegExp]> = [
  [['sub', '-t', 'a', '-V', '311', '-D', 'connect', 'receive-maximum', '5'], /-D \(--property\) is MQTT 5 only: leave out -V mqttv311/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'publish', 'content-type'], /-D \(--property\) takes a command, an identifier and a value/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'publish', 'user-property', 'only-a-name'], /-D \(--property\) takes a command, an identifier and a value \(user-property: a name and a value\)/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'subscribe', 'user-property', 'a', 'b'], /-D \(--property\): mqtt-napi pub takes properties for connect, publish or disconnect, not 'subscribe'/],
  [['sub', '-t', 'a', ...V5, '-D', 'bogus', 'user-property', 'a', 'b'], /-D \(--property\): mqtt-napi sub takes properties for connect, subscribe, unsubscribe or disconnect, not 'bogus'/],
  [['sub', '-t', 'a', ...V5, '-D', 'connect', 'colour', 'red'], /-D \(--property\): unknown property 'colour': connect takes session-expiry-interval, .*user-property/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'connect', 'content-type', 'x'], /-D \(--property\): content-type is not allowed in connect \(it goes in publish\)/],
  [['sub', '-t', 'a', ...V5, '-D', 'subscribe', 'content-type', 'x'], /-D \(--property\): content-type is not allowed in subscribe .*; subscribe takes subscription-identifier, user-property/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'connect', 'server-keep-alive', '5'], /server-keep-alive is not allowed in connect \(only a broker sends it\)/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'connect', 'will-delay-interval', '5'], /will-delay-interval is not allowed in connect \(it goes in a will/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'connect', 'receive-maximum', '0'], /-D \(--property\): connect receive-maximum must be an integer from 1 to 65535, got '0'/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'connect', 'session-expiry-interval', 'soon'], /connect session-expiry-interval must be an integer from 0 to 4294967295, got 'soon'/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'publish', 'payload-format-indicator', 'yes'], /publish payload-format-indicator must be 0 or 1, got 'yes'/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'publish', 'response-topic', 'replies/#'], /publish response-topic must be a topic name, without \+ or #, got 'replies\/#'/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'publish', 'topic-alias', '70000'], /publish topic-alias must be an integer from 1 to 65535, got '70000'/],
  [['sub', '-t', 'a', ...V5, '-D', 'subscribe', 'subscription-identifier', '0'], /subscribe subscription-identifier must be an integer from 1 to 268435455, got '0'/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'publish', 'content-type', 'a', '-D', 'publish', 'content-type', 'b'], /-D \(--property\): publish content-type given twice/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'connect', 'authentication-data', 'x'], /connect authentication-data needs connect authentication-method too/],
  [['pub', '-t', 'a', '-m', 'x', ...V5, '-D', 'disconnect', 'session-expiry-interval', '60'], /disconnect session-expiry-interval above 0 needs a session that outlives the connection/],
]

describe('the command line itself', () => {
  test.each([
    [[], /give a command: sub, pub, bench or demo/],
    [['nope'], /unknown command 'nope'/],
    [['sub'], /give a topic filter to subscribe to with -t \(--topic\)/],
    [['sub', '-t', 'a', '--bogus'], /Unknown option '--bogus'/],
    [['sub', '-t', 'a', '-q', '3'], /-q \(--qos\) must be an integer from 0 to 2, got '3'/],
    [['sub', '-t', 'a', '-C', '0'], /-C \(--count\) must be an integer from 1/],
    [['sub', '-t', 'a', '-W', 'soon'], /-W \(--timeout\) must be a number of seconds above 0, got 'soon'/],
    [['sub', '-t', 'a', '-c'], /-c \(--disable-clean-session\) needs a client id/],
    [['sub', '-t', 'a', '-p', '70000'], /-p \(--port\) must be an integer from 1 to 65535, got '70000'/],
    [['sub', '-t', 'a', '-k', '65536'], /-k \(--keepalive\) must be an integer from 0 to 65535, got '65536'/],
    [['sub', '-t', 'a', '-P', 'secret'], /-P \(--password\) needs -u \(--username\)/],
    [['sub', '-t', 'a', '-L', 'mqtt://127.0.0.1', '-p', '1234'], /either as -L \(--url\) or with -p \(--port\)/],
    [['sub', '-t', 'a', '-L', 'http://127.0.0.1'], /-L \(--url\) must use mqtt, mqtts, ws or wss, got 'http'/],
    [['sub', '-t', 'a', '-L', 'not a url'], /-L \(--url\) must be a URL/],
    [['sub', '-t', 'a', '-V', 'mqttv31'], /-V \(--protocol-version\): mqtt-napi does not speak MQTT 3.1 \('mqttv31'\)/],
    [['pub', '-t', 'a', '-m', 'x', '-V', '31'], /-V \(--protocol-version\): mqtt-napi does not speak MQTT 3.1 \('31'\)/],
    [['sub', '-t', 'a', '-V', '6'], /-V \(--protocol-version\) must be mqttv5 \(5\) or mqttv311 \(311\), got '6'/],
    ...propertyMistakes,
    [['sub', '-t', 'a', '--cafile', '/nonexistent/ca.pem'], /--cafile: cannot read '\/nonexistent\/ca.pem'/],
    [['sub', '-t', 'a', '--cert', __filename], /--cert and --key go together/],
    [['pub', '-m', 'x'], /give the topic to publish to with -t \(--topic\)/],
    [['pub', '-t', 'a'], /exactly one of -m, -f, -s, -l or -n \(got 0\)/],
    [['pub', '-t', 'a', '-m', 'x', '-n'], /exactly one of -m, -f, -s, -l or -n \(got 2\)/],
    [['pub', '-t', 'a', '-f', '/nonexistent/payload'], /-f \(--file\): cannot read '\/nonexistent\/payload'/],
    [['pub', '-t', 'a', '-m', 'x', '--repeat', '1.5'], /--repeat must be an integer from 1/],
    [['bench', '-S', '1k'], /-S \(--size\) must be an integer from 0/],
    [['bench', '-C', '-5'], /Option '-C' argument is ambiguous/],
    [['demo', 'extra'], /Unexpected argument 'extra'/],
  ])('%j exits 2 and says what is wrong', async (args, message) => {
    const result = await run(args as string[])
    expectExit(result, 2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/Run 'mqtt-napi( \w+)? --help' for usage/)
    expect(result.stdout).toBe('')
  })

  const CONNECTION_FLAGS = ['-h', '-p', '-L, --url', '-i', '-u', '-P', '--cafile', '--cert', '--key', '--insecure', '--ws']
  test.each([
    ['sub', ['-t', '-q', '-v', '-C', '-W', '-U', '-D, --property', 'subscription-identifier', '-V, --protocol-version mqttv5', ...CONNECTION_FLAGS]],
    ['pub', ['-t', '-m', '-f', '-s', '-l', '-n', '-q', '-r', '-D, --property', 'content-type', '-V, --protocol-version mqttv5', ...CONNECTION_FLAGS]],
    ['bench', ['-t', '-q', '-C', '-S', ...CONNECTION_FLAGS]],
    ['demo', ['-L', 'npx -p mqtt-napi -p aedes mqtt-napi demo']],
  ])('%s --help lists its flags and exits 0', async (command, flags) => {
    const result = await run([command, '--help'])
    expectExit(result, 0)
    expect(result.stdout).toMatch(new RegExp(`^Usage: mqtt-napi ${command}`))
    for (const flag of flags) expect(result.stdout).toContain(flag)
    expect(result.stdout).toMatch(/Exit codes: 0 done, 1 .*, 2 /)
  })

  test('--help and --version', async () => {
    const help = await run(['--help'])
    expectExit(help, 0)
    for (const command of ['sub', 'pub', 'bench', 'demo']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    const version = await run(['--version'])
    expectExit(version, 0)
    expect(version.stdout).toBe(`${require('../../package.json').version}\n`)
  })

  test('the package declares the command as its bin', () => {
    const pkg = require('../../package.json')
    expect(pkg.bin).toEqual({ 'mqtt-napi': 'cli/mqtt-napi.js' })
    expect(fs.readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(fs.statSync(CLI).mode & 0o111).not.toBe(0)
  })
})

describe.each(availableBrokers())('against %s', (kind: BrokerKind) => {
  let broker: Broker
  let guarded: Broker
  let at: string[]
  beforeAll(async () => {
    broker = await startBroker(kind)
    guarded = await startBroker(kind, { username: 'cli-user', password: 'cli-pass', refuseSubscriptionsUnder: 'refused' })
    at = ['-h', broker.host, '-p', String(broker.port)]
  })
  afterAll(async () => {
    await broker?.stop()
    await guarded?.stop()
  })

  test('pub -r, then sub -v -C 2 prints the retained message and a live one, and exits 0', async () => {
    const topic = uniqueTopic('cli')
    expectExit(await run(['pub', ...at, '-t', `${topic}/kept`, '-m', 'retained hello', '-r', '-q', '1']), 0)
    const sub = await subscribed([...at, '-t', `${topic}/#`, '-v', '-C', '2'])
    expectExit(await run(['pub', ...at, '-t', `${topic}/live`, '-m', 'live hello ✓']), 0)
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stdout).toBe(`${topic}/kept retained hello\n${topic}/live live hello ✓\n`)
  })

  test('sub -R skips retained messages; -N prints no newlines', async () => {
    const topic = uniqueTopic('cli')
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'stale', '-r']), 0)
    const sub = await subscribed([...at, '-t', topic, '-R', '-N', '-C', '2', '-q', '1'])
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'one', '-q', '1']), 0)
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'two', '-q', '1']), 0)
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stdout).toBe('onetwo')
  })

  test('pub -l publishes each line of stdin in order, at QoS 2', async () => {
    const topic = uniqueTopic('cli')
    const sub = await subscribed([...at, '-t', topic, '-q', '2', '-C', '3'])
    expectExit(await run(['pub', ...at, '-t', topic, '-l', '-q', '2'], { input: 'first\nsecond line\nthird\n' }), 0)
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stdout).toBe('first\nsecond line\nthird\n')
  })

  test('pub -f and -s send bytes unchanged, -n an empty payload, at the QoS asked, --repeat times', async () => {
    const topic = uniqueTopic('cli')
    const receiver = await connected(broker)
    const received: Array<[string, number]> = []
    await receiver.subscribe(topic, mqtt.QoS.ExactlyOnce, (_t, payload, _dup, qos) => {
      received.push([Buffer.from(payload).toString('hex'), qos])
    })
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x0a, 0x0d, 0x80])
    const file = path.join(os.tmpdir(), `mqtt-napi-cli-${process.pid}.bin`)
    fs.writeFileSync(file, bytes)
    try {
      expectExit(await run(['pub', ...at, '-t', topic, '-f', file, '-q', '1']), 0)
      expectExit(await run(['pub', ...at, '-t', topic, '-s', '-q', '2'], { input: bytes }), 0)
      expectExit(await run(['pub', ...at, '-t', topic, '-n']), 0)
      expectExit(await run(['pub', ...at, '-t', topic, '-m', 'again', '--repeat', '3', '--repeat-delay', '0.01']), 0)
    } finally {
      fs.rmSync(file, { force: true })
    }
    await waitFor(() => received.length >= 6, 10000, 'six messages')
    expect(received).toEqual([
      [bytes.toString('hex'), 1],
      [bytes.toString('hex'), 2],
      ['', 0],
      [Buffer.from('again').toString('hex'), 0],
      [Buffer.from('again').toString('hex'), 0],
      [Buffer.from('again').toString('hex'), 0],
    ])
  })

  test('-c -i keeps the session: a message published while sub was away arrives on its return', async () => {
    const topic = uniqueTopic('cli')
    const id = uniqueId('cli-persistent')
    const first = await subscribed([...at, '-c', '-i', id, '-t', topic, '-q', '1', '-W', '0.2'])
    expectExit(await first.result, 27)
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'while you were away', '-q', '1']), 0)
    const back = await run(['sub', ...at, '-c', '-i', id, '-t', topic, '-q', '1', '-C', '1'])
    expectExit(back, 0)
    expect(back.stdout).toBe('while you were away\n')
  })

  test('sub -W exits 27 with "Timed out" when the time runs out', async () => {
    const result = await run(['sub', ...at, '-t', uniqueTopic('quiet'), '-W', '0.3'])
    expectExit(result, 27)
    expect(result.stderr).toBe('Timed out\n')
    expect(result.stdout).toBe('')
  })

  test('Ctrl-C (SIGINT) ends sub with a DISCONNECT and exit code 0', async () => {
    const sub = await subscribed([...at, '-t', uniqueTopic('cli')])
    sub.child.kill('SIGINT')
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stderr).toContain('→ DISCONNECT')
  })

  test('a reader that goes away (| head -1) ends sub quietly with exit code 0', async () => {
    const topic = uniqueTopic('cli')
    const sub = await subscribed([...at, '-t', topic])
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'first']), 0)
    await sub.printed('first\n')
    sub.child.stdout!.destroy()
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'second', '--repeat', '3']), 0)
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stderr).not.toMatch(/EPIPE|Error/)
  })

  test('a refused connection, wrong credentials, a refused subscription and an invalid topic exit 1', async () => {
    const nobody = String(await freePort())
    const refused = await run(['pub', '-h', '127.0.0.1', '-p', nobody, '-t', 'a', '-m', 'x'])
    expectExit(refused, 1)
    expect(refused.stderr).toMatch(new RegExp(`^mqtt-napi pub: cannot connect to mqtt://127.0.0.1:${nobody}/?: .*refused`, 'i'))

    const guardedAt = ['-h', guarded.host, '-p', String(guarded.port)]
    const wrong = await run(['sub', ...guardedAt, '-u', 'cli-user', '-P', 'wrong', '-t', 'a'])
    expectExit(wrong, 1)
    expect(wrong.stderr).toMatch(/cannot connect to .*: .*(bad user ?name or password|not authori[sz]ed)/i)

    const right = ['-u', 'cli-user', '-P', 'cli-pass']
    const refusedFilter = await run(['sub', ...guardedAt, ...right, '-t', 'refused/x'])
    expectExit(refusedFilter, 1)
    expect(refusedFilter.stderr).toBe("mqtt-napi sub: the broker refused the subscription to 'refused/x'\n")

    const wildcard = await run(['pub', ...guardedAt, ...right, '-t', 'a/#', '-m', 'x'])
    expectExit(wildcard, 1)
    expect(wildcard.stderr).toMatch(/^mqtt-napi pub: cannot publish to 'a\/#': .*wildcard/)
  })

  test('bench shows progress on stderr and the rates on stdout', async () => {
    const result = await run(['bench', ...at, '-C', '5000', '-q', '1', '-S', '100'])
    expectExit(result, 0)
    expect(result.stdout).toMatch(/^mqtt-napi bench: 5000 messages of 100 bytes at QoS 1 on 'mqtt-napi\/bench\/\d+'\n/)
    expect(result.stdout).toMatch(/^published 5000 in \d+\.\d\d s: [\d,]+ msg\/s$/m)
    expect(result.stdout).toMatch(/^received 5000 in \d+\.\d\d s: [\d,]+ msg\/s end to end$/m)
    expect(result.stderr).toMatch(/^sent 5000\/5000, received 5000\/5000, [\d,]+ msg\/s$/m)
  })

  test('demo -L runs the round trip through the given broker', async () => {
    const result = await run(['demo', '-L', `mqtt://${broker.host}:${broker.port}`])
    expectExit(result, 0)
    expect(result.stdout).toContain(`broker: ${broker.host}:${broker.port}\n`)
    expect(result.stdout).toContain('received on demo/')
    expect(result.stdout).toMatch(/round trip complete: 3 published, 3 received\n$/)
  })
})

describe('MQTT 5 (-V mqttv5, -D) against mosquitto', () => {
  // startBroker throws when mosquitto is not installed: these tests then fail, never skip.
  let broker: Broker
  let at: string[]
  let receiver: MqttClient | undefined
  beforeAll(async () => {
    broker = await startBroker('mosquitto')
    at = ['-h', broker.host, '-p', String(broker.port), '-V', 'mqttv5']
  })
  afterAll(async () => {
    await broker?.stop()
  })
  afterEach(async () => {
    await receiver?.endAsync()
    receiver = undefined
  })

  test('pub -D publish properties reach an MQTT 5 subscriber, and sub -V mqttv5 -v prints the message', async () => {
    const topic = uniqueTopic('cli-v5')
    receiver = await connectAsync(`mqtt://${broker.host}:${broker.port}`, { protocolVersion: 5, reconnectPeriod: 0 })
    const packets: IPublishPacket[] = []
    receiver.on('message', (_topic, _payload, packet) => packets.push(packet))
    await receiver.subscribeAsync(topic, { qos: 1 })
    const sub = await subscribed([...at, '-t', topic, '-v', '-C', '1', '-D', 'subscribe', 'subscription-identifier', '7'])
    // No -V here: as with mosquitto_pub, a property makes the client an MQTT 5 one.
    const pubAt = at.filter((flag) => flag !== '-V' && flag !== 'mqttv5')
    const properties = [
      ['-D', 'publish', 'user-property', 'a', 'b'],
      ['-D', 'publish', 'content-type', 'text/plain'],
      ['--property', 'publish', 'user-property', 'a', 'again'],
      ['-D', 'PUBLISH', 'Correlation-Data', 'request 17'],
      ['-D', 'publish', 'response-topic', `${topic}/replies`],
      ['-D', 'publish', 'payload-format-indicator', '1'],
      ['-D', 'publish', 'message-expiry-interval', '300'],
      ['-D', 'connect', 'user-property', 'client', 'cli'],
      ['-D', 'disconnect', 'reason-string', 'done'],
    ].flat()
    expectExit(await run(['pub', ...pubAt, '-t', topic, '-m', 'with properties', '-q', '1', ...properties]), 0)
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stdout).toBe(`${topic} with properties\n`)
    await waitFor(() => packets.length === 1, 10000, 'the message at the MQTT 5 receiver')
    const received = packets[0].properties!
    expect(received).toMatchObject({
      userProperties: { a: ['b', 'again'] },
      contentType: 'text/plain',
      responseTopic: `${topic}/replies`,
      payloadFormatIndicator: true,
    })
    expect(Buffer.from(received.correlationData!).toString()).toBe('request 17')
    expect(received.messageExpiryInterval).toBeGreaterThan(290)
  })

  test('-D connect maximum-packet-size: mosquitto does not send sub a larger message', async () => {
    const topic = uniqueTopic('cli-v5')
    const sub = await subscribed([...at, '-t', topic, '-C', '1', '-D', 'connect', 'maximum-packet-size', '200'])
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'x'.repeat(500)]), 0)
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'small']), 0)
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stdout).toBe('small\n')
  })

  test('pub --repeat with -D publish topic-alias sends the topic once, then only the alias (as mosquitto_pub)', async () => {
    const topic = uniqueTopic('cli-v5')
    const sub = await subscribed([...at, '-t', topic, '-v', '-C', '3'])
    const pub = await run(['pub', ...at, '-d', '-t', topic, '-m', 'aliased', '--repeat', '3', '-D', 'publish', 'topic-alias', '1'])
    expectExit(pub, 0)
    expect(pub.stderr.match(/→ PUBLISH topic="[^"]*"/g)).toEqual([`→ PUBLISH topic="${topic}"`, '→ PUBLISH topic=""', '→ PUBLISH topic=""'])
    const result = await sub.result
    expectExit(result, 0)
    expect(result.stdout).toBe(`${topic} aliased\n`.repeat(3))
  })

  test('-D connect session-expiry-interval 60 with -c -i keeps the session across runs; -D disconnect session-expiry-interval 0 ends it', async () => {
    const topic = uniqueTopic('cli-v5')
    const session = [...at, '-c', '-i', uniqueId('cli-v5-session'), '-D', 'connect', 'session-expiry-interval', '60', '-t', topic, '-q', '1']
    const first = await subscribed([...session, '-W', '0.2'])
    expectExit(await first.result, 27)
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'while you were away', '-q', '1']), 0)
    const back = await run(['sub', ...session, '-d', '-C', '1', '-D', 'disconnect', 'session-expiry-interval', '0'])
    expectExit(back, 0)
    expect(back.stdout).toBe('while you were away\n')
    expect(back.stderr).toContain('session_present=true')
    // That DISCONNECT ended the session: nothing waits for the next run.
    expectExit(await run(['pub', ...at, '-t', topic, '-m', 'kept for nobody', '-q', '1']), 0)
    const gone = await run(['sub', ...session, '-d', '-W', '0.5'])
    expectExit(gone, 27)
    expect(gone.stdout).toBe('')
    expect(gone.stderr).toContain('session_present=false')
  })

  test('-c alone keeps an MQTT 5 session (no expiry, as mosquitto_sub); -U with -D unsubscribe drops a filter from it', async () => {
    const [kept, dropped] = [uniqueTopic('cli-v5-kept'), uniqueTopic('cli-v5-dropped')]
    const session = [...at, '-c', '-i', uniqueId('cli-v5-kept'), '-q', '1']
    expectExit(await (await subscribed([...session, '-t', kept, '-t', dropped, '-W', '0.2'])).result, 27)
    const unsubscribing = await subscribed([...session, '-t', kept, '-U', dropped, '-D', 'unsubscribe', 'user-property', 'why', 'test', '-W', '0.5'])
    await unsubscribing.printed('← UNSUBACK', 'stderr')
    expectExit(await unsubscribing.result, 27)
    // Published to the dropped filter first: were it still in the session, sub -C 1 would print it.
    for (const topic of [dropped, kept]) expectExit(await run(['pub', ...at, '-t', topic, '-m', 'queued', '-q', '1']), 0)
    const back = await run(['sub', ...session, '-t', kept, '-v', '-C', '1', '-D', 'disconnect', 'session-expiry-interval', '0'])
    expectExit(back, 0)
    expect(back.stdout).toBe(`${kept} queued\n`)
  })
})

test('demo without a broker starts an embedded aedes', async () => {
  const result = await run(['demo'])
  expectExit(result, 0)
  expect(result.stdout).toMatch(/^broker: embedded aedes on 127\.0\.0\.1:\d+\n/)
  for (const qos of [0, 1, 2]) expect(result.stdout).toContain(`at QoS ${qos}: hello at QoS ${qos}`)
  expect(result.stdout).toMatch(/round trip complete: 3 published, 3 received\n$/)
})

describe.each(availableBrokers())('transports, against %s', (kind: BrokerKind) => {
  let broker: TransportBroker
  let certs: ReturnType<typeof makeCerts>
  beforeAll(async () => {
    certs = makeCerts()
    broker = await startTransportBroker(kind, certs)
  })
  afterAll(async () => {
    await broker?.stop()
    removeCerts()
  })

  const portOf = (name: 'tls' | 'mtls' | 'ws' | 'wss') => String(broker.listeners[name]!.port)

  /** pub -r then sub -C 1 over the same flags: the retained message proves both commands crossed the transport. */
  async function roundTrip(flags: string[]) {
    const topic = uniqueTopic('cli-transport')
    expectExit(await run(['pub', ...flags, '-t', topic, '-m', 'across', '-r', '-q', '1']), 0)
    const sub = await run(['sub', ...flags, '-t', topic, '-C', '1', '-v'])
    expectExit(sub, 0)
    expect(sub.stdout).toBe(`${topic} across\n`)
  }

  test('mutual TLS with --cafile, --cert and --key', async () => {
    await roundTrip(['-h', '127.0.0.1', '-p', portOf('mtls'), '--cafile', certs.caPath, '--cert', certs.clientCert, '--key', certs.clientKeyPkcs8])
  })

  test('--insecure accepts a certificate no root vouches for; without it the connection fails', async () => {
    await roundTrip(['-h', '127.0.0.1', '-p', portOf('tls'), '--insecure'])
    const unverified = await run(['sub', '-h', '127.0.0.1', '-p', portOf('tls'), '--tls', '-t', 'a'])
    expectExit(unverified, 1)
    expect(unverified.stderr).toMatch(/^mqtt-napi sub: cannot connect to mqtts:\/\/127\.0\.0\.1:\d+\/?: .*certificate/i)
  })

  test('--ws, and --url wss://... with --cafile', async () => {
    await roundTrip(['-h', '127.0.0.1', '-p', portOf('ws'), '--ws'])
    await roundTrip(['--url', `wss://localhost:${portOf('wss')}/mqtt`, '--cafile', certs.caPath])
  })
})
