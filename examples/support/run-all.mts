/**
 * `npm run examples [-- name ...]`: runs every compiled example (or the ones
 * named) in its own Node process, one after the other, each against its
 * embedded broker, and exits 1 if any fails or takes over 60 s.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const all = fs.readdirSync(dir).filter((file) => file.endsWith('.mjs')).map((file) => file.slice(0, -'.mjs'.length))
const wanted = process.argv.slice(2)
for (const name of wanted) {
  if (!all.includes(name)) throw new Error(`no example '${name}' (there are: ${all.join(', ')})`)
}

// A broker or proxy of yours is for running one example at a time (see README).
const env = { ...process.env }
for (const name of ['MQTT_BROKER', 'MQTT_CA', 'MQTT_CERT', 'MQTT_KEY', 'MQTT_PROXY']) delete env[name]

const failed: string[] = []
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n=== ${name} ===`)
  const child = spawn(process.execPath, [path.join(dir, `${name}.mjs`)], { stdio: 'inherit', env })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (code, signal) => resolve([code, signal])))
  clearTimeout(timer)
  if (code !== 0) {
    console.log(`=== ${name} failed: ${signal ? `killed (${signal})` : `exit code ${code}`}`)
    failed.push(name)
  }
}
console.log(failed.length > 0 ? `\nfailed: ${failed.join(', ')}` : '\nall examples ran')
process.exitCode = failed.length > 0 ? 1 : 0
