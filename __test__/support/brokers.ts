/**
 * Real brokers for the suites: aedes (always, in a child process because
 * aedes 1.x is ESM only) and mosquitto (when installed). Each listens on a
 * free loopback port and is stopped by `stop()`.
 */
import { ChildProcess, spawn, execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { freePort, waitForPort } from './ports'
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { mosquittoPath } = require('./mosquitto-path') as { mosquittoPath: () => string | undefined }

export type BrokerKind = 'aedes' | 'mosquitto'

export interface BrokerOptions {
  /** Accept only this user name/password pair from clients that send a user name. */
  username?: string
  password?: string
  /** aedes only: listen on this Unix domain socket path instead of a TCP port. */
  socketPath?: string
}

export interface Broker {
  kind: BrokerKind
  host: '127.0.0.1'
  port: number
  stop(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function stopChild(child: ChildProcess, graceful: () => void): Promise<void> {
  const done = exited(child)
  graceful()
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await done
  clearTimeout(timer)
}

export function availableBrokers(): BrokerKind[] {
  return mosquittoPath() ? ['aedes', 'mosquitto'] : ['aedes']
}

export async function startAedes(opts: BrokerOptions = {}): Promise<Broker> {
  const port = opts.socketPath ? 0 : await freePort()
  const listenOn = opts.socketPath ?? String(port)
  const args = [path.join(__dirname, 'aedes-broker.mjs'), listenOn]
  if (opts.username !== undefined) args.push(opts.username, opts.password ?? '')
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`aedes did not start: ${stderr}`))
    }, 15000)
    child.stdout!.on('data', (d) => {
      out += d
      if (out.includes(`listening ${listenOn}`)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`aedes exited with ${code}: ${stderr}`))
    })
  })
  child.removeAllListeners('exit')
  child.stdout!.resume()
  return {
    kind: 'aedes',
    host: '127.0.0.1',
    port,
    stop: () => stopChild(child, () => child.stdin!.end()),
  }
}

export async function startMosquitto(opts: BrokerOptions = {}): Promise<Broker> {
  const bin = mosquittoPath()
  if (!bin) throw new Error('mosquitto is not installed')
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-mosquitto-'))
  const lines: string[] = []
  if (opts.username !== undefined) lines.push('per_listener_settings true')
  lines.push(
    `user ${os.userInfo().username}`,
    'persistence false',
    'max_queued_messages 0',
    'max_inflight_messages 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
  )
  if (opts.username !== undefined) {
    const passwordFile = path.join(dir, 'passwords')
    const mosquittoPasswd = path.join(path.dirname(bin), '..', 'bin', 'mosquitto_passwd')
    const passwd = fs.existsSync(mosquittoPasswd) ? mosquittoPasswd : 'mosquitto_passwd'
    execFileSync(passwd, ['-b', '-c', passwordFile, opts.username, opts.password ?? ''], { stdio: 'ignore' })
    lines.push(`password_file ${passwordFile}`)
  }
  const conf = path.join(dir, 'mosquitto.conf')
  fs.writeFileSync(conf, lines.join('\n') + '\n')
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  try {
    await Promise.race([
      waitForPort(port, 10000),
      exited(child).then(() => {
        throw new Error(`mosquitto exited: ${stderr}`)
      }),
    ])
  } catch (error) {
    child.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    kind: 'mosquitto',
    host: '127.0.0.1',
    port,
    stop: async () => {
      await stopChild(child, () => child.kill('SIGTERM'))
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function startBroker(kind: BrokerKind, opts: BrokerOptions = {}): Promise<Broker> {
  return kind === 'aedes' ? startAedes(opts) : startMosquitto(opts)
}
