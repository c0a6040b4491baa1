/** Runs scripts in child Node processes, for what only a whole process shows. */
import { spawn } from 'child_process'
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

/**
 * Runs `node <nodeFlags> <args>` in the package root, with `env` added to
 * this process's environment; kills it (and says so) if it is still running
 * after `limitMs`.
 */
export function runNode(args: string[], limitMs: number, nodeFlags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const began = Date.now()
    const child = spawn(process.execPath, [...nodeFlags, ...args], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, limitMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - began })
    })
  })
}

export function describeRun(run: Run): string {
  return `code=${run.code} signal=${run.signal} timedOut=${run.timedOut}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`
}
