#!/usr/bin/env bash
# Proves the package as npm would ship it: `npm pack`, install the tarball
# into an empty project (offline: it has no runtime dependencies), and run a
# QoS 1 round trip with both APIs and the CLI there against an embedded aedes broker
# (the repository's, found by absolute path: the app itself installs only
# the tarball). Also fails if the tarball holds anything but what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "== packed $tarball"
unexpected=$(tar -tzf "$work/$tarball" | sed 's|^package/||' |
  grep -vE '^(README\.md|package\.json|index\.(js|mjs|d\.ts)|binding\.(js|d\.ts)|(js|cli)/.*\.js|mqtt-napi\..*\.node)$' || true)
if [ -n "$unexpected" ]; then
  echo "the tarball holds files that do not run:" >&2
  echo "$unexpected" >&2
  exit 1
fi

mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --offline --no-audit --no-fund "$work/$tarball" >/dev/null
cat > roundtrip.mjs <<'JS'
import net from 'node:net'
import { promisify } from 'node:util'
import { execFile } from 'node:child_process'
import mqttNapi, { mqtt, connectAsync } from 'mqtt-napi'

const { Aedes } = await import(process.env.AEDES)
const broker = await Aedes.createBroker()
const server = net.createServer(broker.handle)
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address()

// aws-crt's API
const connection = new mqtt.MqttClient().new_connection({ client_id: 'pack-crt', host_name: '127.0.0.1', port, clean_session: true })
await connection.connect()
const crtMessage = new Promise((resolve) => connection.subscribe('pack/crt', mqtt.QoS.AtLeastOnce, (_t, payload) => resolve(Buffer.from(payload).toString())))
await connection.publish('pack/crt', 'crt round trip', mqtt.QoS.AtLeastOnce)
console.log(await crtMessage)
await connection.disconnect()

// MQTT.js's API, through the default export as MQTT.js users import it
const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 })
if (mqttNapi.connectAsync !== connectAsync) throw new Error('the default export lacks connectAsync')
await client.subscribeAsync('pack/mqttjs', { qos: 1 })
const mqttjsMessage = new Promise((resolve) => client.once('message', (_t, payload) => resolve(payload.toString())))
await client.publishAsync('pack/mqttjs', 'MQTT.js round trip', { qos: 1 })
console.log(await mqttjsMessage)
await client.endAsync()

// The command line, as `npx mqtt-napi` runs it
const bin = (...args) => promisify(execFile)('node_modules/.bin/mqtt-napi', [...args, '-h', '127.0.0.1', '-p', String(port)])
await bin('pub', '-t', 'pack/cli', '-m', 'CLI round trip', '-r', '-q', '1')
process.stdout.write((await bin('sub', '-t', 'pack/cli', '-C', '1')).stdout)

server.close()
broker.close()
JS
AEDES="$repo/node_modules/aedes/aedes.js" node roundtrip.mjs
echo "== the installed package works"
