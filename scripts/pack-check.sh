#!/usr/bin/env bash
# Proves the package as npm would ship it, twice:
# 1. `npm pack` of this checkout (the addon inside): installs offline into an
#    empty project and works there;
# 2. the release layout: the root package without the addon but with the
#    optionalDependencies `napi pre-publish` adds, plus the host's platform
#    package from npm/ carrying the addon, as the registry would serve them:
#    the loader finds the addon there.
# "Works" is a QoS 1 round trip with both APIs and the CLI against an embedded
# aedes broker (the repository's, by absolute path: the app installs only the
# tarballs). Also fails if a tarball holds anything but what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fails, listing them, if tarball $1 holds files outside the pattern $2.
only_runtime_files() {
  local unexpected
  unexpected=$(tar -tzf "$1" | sed 's|^package/||' | grep -vE "$2" || true)
  if [ -n "$unexpected" ]; then
    echo "$(basename "$1") holds files that do not run:" >&2
    echo "$unexpected" >&2
    exit 1
  fi
}

# Installs the tarballs offline into the new empty project $1 and runs the round trip there.
install_and_run() {
  local app=$1
  shift
  mkdir "$app"
  (
    cd "$app"
    npm init -y >/dev/null
    npm install --offline --no-audit --no-fund "$@" >/dev/null
    cp "$work/roundtrip.mjs" .
    AEDES="$repo/node_modules/aedes/aedes.js" node roundtrip.mjs
  )
}

cat > "$work/roundtrip.mjs" <<'JS'
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

tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "== packed $tarball"
only_runtime_files "$work/$tarball" '^(README\.md|package\.json|index\.(js|mjs|d\.ts)|binding\.(js|d\.ts)|types/.*\.d\.ts|(js|cli)/.*\.js|mqtt-napi\..*\.node)$'
install_and_run "$work/app" "$work/$tarball"
echo "== the installed package works"

addon=$(ls mqtt-napi.*.node)
platform=${addon#mqtt-napi.}
platform=${platform%.node}
mkdir "$work/root" "$work/release"
tar -xzf "$work/$tarball" -C "$work/root"
rm "$work/root/package/$addon"
# What `napi pre-publish` writes into the root package.json at release time.
(cd "$work/root/package" && node -e '
  const { parseTriple } = require(process.argv[1])
  const pkg = require("./package.json")
  pkg.optionalDependencies = Object.fromEntries(
    pkg.napi.targets.map((t) => [`${pkg.name}-${parseTriple(t).platformArchABI}`, pkg.version]))
  require("fs").writeFileSync("package.json", JSON.stringify(pkg, null, 2))
' "$repo/node_modules/@napi-rs/cli")
root_tarball=$(cd "$work/root/package" && npm pack --ignore-scripts --silent --pack-destination "$work/release" | tail -n 1)
cp -r "npm/$platform" "$work/platform"
cp "$addon" "$work/platform/"
platform_tarball=$(cd "$work/platform" && npm pack --silent --pack-destination "$work/release" | tail -n 1)
only_runtime_files "$work/release/$platform_tarball" "^(README\.md|package\.json|${addon//./\\.})$"
echo "== release layout: $root_tarball without the addon, $platform_tarball with it"
install_and_run "$work/app-release" "$work/release/$root_tarball" "$work/release/$platform_tarball"
if ! grep -q "\"mqtt-napi-$platform\"" "$work/app-release/node_modules/mqtt-napi/package.json"; then
  echo "the release root package does not list mqtt-napi-$platform in optionalDependencies" >&2
  exit 1
fi
if ls "$work/app-release/node_modules/mqtt-napi/"*.node >/dev/null 2>&1; then
  echo "the release root package holds an addon" >&2
  exit 1
fi
echo "== the release packages work: the addon loads from mqtt-napi-$platform"
