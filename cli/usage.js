'use strict'
// What `--help` prints for each command.

const CONNECTION = `Broker (default mqtt://localhost:1883):
  -h, --host HOST          broker host (default localhost)
  -p, --port PORT          broker port (default 1883; 8883 with TLS; 80/443 with --ws)
  -L, --url URL            broker as a URL: mqtt://, mqtts://, ws:// or wss://,
                           e.g. wss://broker.example/mqtt (not with -h, -p, --ws, --tls)
      --ws                 MQTT over WebSockets (ws://, or wss:// with TLS)
      --ws-path PATH       WebSocket path (default /mqtt)
  -i, --id ID              client id (default mqtt-napi-<command>-<pid>)
  -u, --username NAME      user name
  -P, --password SECRET    password (needs -u with MQTT 3.1.1)
  -k, --keepalive SECONDS  keep alive, 0 to 65535 (default 60)
  -c, --disable-clean-session
                           keep the session on the broker (needs -i)
  -V, --protocol-version mqttv5|mqttv311
                           MQTT 5 (or 5), or MQTT 3.1.1 (or 311, the default);
                           with mqttv5, -c keeps the session with no expiry
                           unless -D connect session-expiry-interval sets one
TLS (any of these turns TLS on):
      --tls                TLS, verified against the system's roots
      --cafile, --ca FILE  PEM file of the CA(s) to trust instead
      --cert FILE          client certificate (PEM), with --key
      --key FILE           client private key (PEM)
      --insecure           do not verify the broker's certificate
Output:
  -d, --debug              log connection steps and packets to stderr
                           (never payloads or passwords; same as MQTT_NAPI_LOG=debug)
      --quiet              do not report lost connections
      --help               this text
`

/** What -D takes in each packet, for the `packets` a command sends. */
const PROPERTIES = {
  connect: `session-expiry-interval, receive-maximum,
                           topic-alias-maximum, maximum-packet-size,
                           request-problem-information (0|1),
                           request-response-information (0|1),
                           authentication-method, authentication-data, user-property`,
  publish: `payload-format-indicator (0|1), message-expiry-interval,
                           content-type, response-topic, correlation-data,
                           topic-alias, user-property`,
  subscribe: 'subscription-identifier, user-property',
  unsubscribe: 'user-property',
  disconnect: 'session-expiry-interval, reason-string, user-property',
}
const properties = (packets) => `MQTT 5 properties (a property makes the client an MQTT 5 one), as mosquitto's:
  -D, --property PACKET IDENTIFIER VALUE
                           a property of a packet (repeatable); user-property takes
                           a name and a value: -D PACKET user-property NAME VALUE
${packets.map((packet) => `    ${packet.padEnd(23)}${PROPERTIES[packet]}\n`).join('')}`

const EXIT_CODES = `Exit codes: 0 done, 1 the broker could not be reached or refused, 2 a
mistake on the command line`

const SUB_USAGE = `Usage: mqtt-napi sub -t FILTER [-t FILTER ...] [options]

Subscribes and prints each message's payload on its own line, until -C
messages have arrived, -W seconds have passed, or Ctrl-C.

  -t, --topic FILTER       topic filter to subscribe to (repeatable)
  -q, --qos 0|1|2          subscription QoS (default 0)
  -v, --verbose            print "topic payload"
  -N, --no-newline         no newline after each message
  -R, --no-retained        do not print retained (stale) messages
  -C, --count N            exit after N messages
  -W, --timeout SECONDS    exit after this long (code 27), counted from the connection
  -U, --unsubscribe FILTER unsubscribe from it (say, a kept session's) after subscribing
${properties(['connect', 'subscribe', 'unsubscribe', 'disconnect'])}${CONNECTION}
${EXIT_CODES}, 27 the -W time ran out.
`

const PUB_USAGE = `Usage: mqtt-napi pub -t TOPIC (-m TEXT | -f FILE | -s | -l | -n) [options]

Publishes, waits for the broker's acknowledgement (QoS 1 and 2), and
disconnects.

  -t, --topic TOPIC        topic to publish to
  -m, --message TEXT       the payload
  -f, --file FILE          a file's contents as the payload
  -s, --stdin              all of stdin as one payload
  -l, --lines              each line of stdin as a payload, until stdin ends
  -n, --null-message       an empty payload (with -r: clears the retained message)
  -q, --qos 0|1|2          QoS (default 0)
  -r, --retain             the broker keeps it for future subscribers
      --repeat N           publish the payload N times
      --repeat-delay SECONDS
                           wait between repeats
${properties(['connect', 'publish', 'disconnect'])}${CONNECTION}
${EXIT_CODES}.
`

const BENCH_USAGE = `Usage: mqtt-napi bench [options]

A quick throughput run against a broker: one connection publishes -C
messages of -S bytes (1,000 unacknowledged at a time), another receives them.
Progress goes to stderr; the result (messages per second published and
received end to end) to stdout. For comparisons with MQTT.js and aws-crt, use
the repository's \`npm run bench\`.

  -t, --topic TOPIC        topic to use (default mqtt-napi/bench/<pid>)
  -q, --qos 0|1|2          QoS of the publishes and the subscription (default 0)
  -C, --count N            messages (default 100000)
  -S, --size BYTES         payload bytes (default 64)
${CONNECTION}
${EXIT_CODES}, or messages at QoS 1 or 2 were lost.
`

const DEMO_USAGE = `Usage: mqtt-napi demo [-L mqtt://host:port | -h HOST -p PORT]

A round trip at QoS 0, 1 and 2, printing each step. Without a broker it starts
an embedded one (aedes, on a free loopback port), which needs aedes installed:
  npx -p mqtt-napi -p aedes mqtt-napi demo

${EXIT_CODES}.
`

const USAGE = `Usage: mqtt-napi <command> [options]

Commands:
  sub     subscribe and print messages (as mosquitto_sub)
  pub     publish a message (as mosquitto_pub)
  bench   a quick throughput run against a broker
  demo    a publish/subscribe round trip against an embedded broker

Run 'mqtt-napi <command> --help' for a command's options;
'mqtt-napi --version' for the version.
`

module.exports = { USAGE, SUB_USAGE, PUB_USAGE, BENCH_USAGE, DEMO_USAGE }
