/**
 * RabbitMQ with its MQTT plugin (Debian's `rabbitmq-server`), when installed:
 * a private node (own data and log directories, config, enabled-plugins
 * file, Erlang cookie home, node name, and free loopback ports for AMQP,
 * MQTT, distribution and epmd), stopped by `stop()`. It takes about 10 s to
 * listen. Anonymous MQTT clients log in as `guest` over loopback.
 */
import { ChildProcess, spawn, execFile } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { freePort, waitForPort } from '../ports'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { rabbitmqPath } = require('./rabbitmq-path') as { rabbitmqPath: () => string | undefined }

export { rabbitmqPath }

export interface RabbitMq {
  kind: 'rabbitmq'
  host: '127.0.0.1'
  port: number
  stop(): Promise<void>
}

export async function startRabbitMq(): Promise<RabbitMq> {
  const server = rabbitmqPath()
  if (!server) throw new Error('RabbitMQ is not installed (Debian: apt-get install rabbitmq-server)')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-rabbitmq-'))
  const [port, amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort(), await freePort()]
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n')
  fs.writeFileSync(
    path.join(dir, 'rabbitmq.conf'),
    [`listeners.tcp.default = 127.0.0.1:${amqpPort}`, `mqtt.listeners.tcp.default = 127.0.0.1:${port}`, 'mqtt.allow_anonymous = true', ''].join('\n'),
  )
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: path.join(dir, 'pid'),
    RABBITMQ_NODENAME: `mqttnapi${port}@localhost`,
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
  }
  // Its own process group, so that stop() ends the Erlang VM the script starts.
  const child = spawn(server, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  try {
    await waitForPort(port, 60000)
  } catch (error) {
    await stopNode(child, epmdPort, env)
    throw new Error(`RabbitMQ did not listen on ${port}: ${(error as Error).message}\n${output}`)
  }
  return {
    kind: 'rabbitmq',
    host: '127.0.0.1',
    port,
    stop: async () => {
      await stopNode(child, epmdPort, env)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function stopNode(child: ChildProcess, epmdPort: number, env: NodeJS.ProcessEnv): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name)
    } catch {
      // already gone
    }
  }
  signal('SIGTERM')
  const timer = setTimeout(() => signal('SIGKILL'), 10000)
  await exited
  clearTimeout(timer)
  // epmd, which the VM started as a daemon on the private port, ends too.
  await new Promise<void>((resolve) => execFile('epmd', ['-kill'], { env: { ...env, ERL_EPMD_PORT: String(epmdPort) } }, () => resolve()))
}
