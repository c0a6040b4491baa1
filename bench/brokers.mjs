// The broker under the benchmark: a private mosquitto (default) or aedes, each
// on a free loopback port, plus a reading of its CPU time.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const MOSQUITTO = '/usr/sbin/mosquitto'
const CLOCK_TICKS_PER_SECOND = 100 // getconf CLK_TCK on Linux

/** A port the kernel just handed out (never 1883/8883/8080: those are below the ephemeral range). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** CPU seconds (user + system) the process has used so far. */
export function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may contain spaces: close paren ends it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

export async function startBroker(kind) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-bench-'))
  let child
  if (kind === 'mosquitto') {
    const config = join(dir, 'mosquitto.conf')
    writeFileSync(
      config,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        // No limits: a limit would drop messages for a slow subscriber and hide it as "fast".
        'max_queued_messages 0',
        'max_inflight_messages 0',
        // As root mosquitto would otherwise switch to the user "mosquitto".
        `user ${userInfo().username}`,
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    )
    child = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  } else if (kind === 'aedes') {
    const script = fileURLToPath(new URL('./aedes-broker.mjs', import.meta.url))
    child = spawn(process.execPath, [script, String(port)], { stdio: ['pipe', 'ignore', 'pipe'] })
  } else {
    throw new Error(`unknown broker "${kind}" (mosquitto or aedes)`)
  }
  let log = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (text) => {
    log = (log + text).slice(-20_000)
  })
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  await waitForPort(port, exited, () => log)
  return {
    kind,
    port,
    pid: child.pid,
    exited,
    log: () => log,
    cpuSeconds: () => processCpuSeconds(child.pid),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function waitForPort(port, exited, log) {
  let dead = false
  exited.then(() => (dead = true))
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (dead) throw new Error(`the broker exited at start:\n${log()}`)
    if (await canConnect(port)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the broker did not listen on port ${port} within 10 s:\n${log()}`)
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
