/** Runs scripts in child Node processes, for what only a whole process shows. */
import { ChildProcess, spawn } from 'child_process'
import path from 'path'

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..')

export interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Killed because it was still running after the time limit. */
  timedOut: boolean
  /** How long it ran. */
  ms: number
}

export interface NodeOptions {
  /** Node's own flags, before the script. */
  nodeFlags?: string[]
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv
  /** Written to the child's stdin, which is then closed (without it, stdin is empty). */
  input?: string | Buffer
}

export interface RunningNode {
  child: ChildProcess
  /** What it has written so far. */
  output(): { stdout: string; stderr: string }
  /** Resolves once `stream` holds `text` (rejects if the process ends first). */
  printed(text: string, stream?: 'stdout' | 'stderr'): Promise<void>
  /** Resolves when it has exited (or was killed at the time limit). */
  result: Promise<Run>
}

/**
 * Starts `node <nodeFlags> <args>` in the package root; kills it (and says so)
 * if it is still running after `limitMs`.
 */
export function startNode(args: string[], limitMs: number, options: NodeOptions = {}): RunningNode {
  const began = Date.now()
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...args], {
    cwd: PACKAGE_ROOT,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  })
  if (options.input !== undefined) child.stdin!.end(options.input)
  const out = { stdout: '', stderr: '' }
  const waiters: Array<() => void> = []
  const collect = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
    out[stream] += data
    for (const check of [...waiters]) check()
  }
  child.stdout!.on('data', collect('stdout'))
  child.stderr!.on('data', collect('stderr'))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, limitMs)
  let ended: Run | undefined
  const result = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      ended = { code, signal, ...out, timedOut, ms: Date.now() - began }
      resolve(ended)
      for (const check of [...waiters]) check()
    })
  })
  const printed = (text: string, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out[stream].includes(text)) settle(resolve)
        else if (ended) settle(() => reject(new Error(`it ended before printing ${JSON.stringify(text)}: ${describeRun(ended!)}`)))
      }
      const settle = (outcome: () => void) => {
        waiters.splice(waiters.indexOf(check), 1)
        outcome()
      }
      waiters.push(check)
      check()
    })
  return { child, output: () => ({ ...out }), printed, result }
}

/** Runs `node <nodeFlags> <args>` to its end (see startNode), with `env` added to the environment. */
export function runNode(args: string[], limitMs: number, nodeFlags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return startNode(args, limitMs, { nodeFlags, env }).result
}

export function describeRun(run: Run): string {
  return `code=${run.code} signal=${run.signal} timedOut=${run.timedOut}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`
}
