/**
 * The published shape: every napi target has its platform package in npm/,
 * named, versioned and constrained (os, cpu, libc) so that npm installs only
 * the host's; at release the root package lists each as an optionalDependency
 * (`napi pre-publish`), and the generated loader asks for each by that
 * name. `scripts/pack-check.sh` (run by CI) installs the host's pair and
 * proves the loader finds the addon there.
 */
import { execFileSync } from 'child_process'
import fs from 'fs'
import path from 'path'

const ROOT = path.join(__dirname, '..', '..')
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))

interface Platform {
  platformArchABI: string
  platform: string
  arch: string
  abi: string | null
}

/** napi-rs's own reading of target triples (its CLI loads ESM, which jest's require cannot). */
function parseTriples(triples: string[]): Platform[] {
  const script = `const { parseTriple } = require('@napi-rs/cli'); console.log(JSON.stringify(${JSON.stringify(triples)}.map(parseTriple)))`
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }))
}

const REQUIRED_TARGETS = [
  'x86_64-unknown-linux-gnu',
  'x86_64-unknown-linux-musl',
  'aarch64-unknown-linux-gnu',
  'aarch64-apple-darwin',
  'x86_64-apple-darwin',
  'x86_64-pc-windows-msvc',
]
const targets: string[] = pkg.napi.targets
const platforms = parseTriples(targets)
const platformPackage = (dir: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'npm', dir, 'package.json'), 'utf8'))

test('napi builds for every platform users run on', () => {
  expect(targets).toEqual(expect.arrayContaining(REQUIRED_TARGETS))
  expect(pkg.napi.binaryName).toBe('mqtt-napi')
})

test('npm/ has one package per target and nothing else', () => {
  expect(fs.readdirSync(path.join(ROOT, 'npm')).sort()).toEqual(platforms.map((p) => p.platformArchABI).sort())
})

test.each(platforms.map((p) => [p.platformArchABI, p] as const))('npm/%s ships the addon for its platform only', (dir, platform) => {
  const addon = `mqtt-napi.${dir}.node`
  const platformPkg = platformPackage(dir)
  expect(platformPkg).toMatchObject({
    name: `mqtt-napi-${dir}`,
    version: pkg.version,
    main: addon,
    files: [addon],
    os: [platform.platform],
    cpu: [platform.arch],
    license: pkg.license,
    engines: pkg.engines,
  })
  if (platform.platform === 'linux') expect(platformPkg.libc).toEqual([platform.abi === 'musl' ? 'musl' : 'glibc'])
  else expect(platformPkg.libc).toBeUndefined()
})

test('the platform packages become optionalDependencies at release, not before', () => {
  // `napi pre-publish` declares each as `<name>-<platformArchABI>` at the
  // root's version (scripts/pack-check.sh does the same for its release
  // layout); declared here already, `npm ci` fails on the unpublished names.
  expect(pkg.optionalDependencies).toBeUndefined()
  expect(pkg.dependencies).toBeUndefined()
  for (const { platformArchABI } of platforms) {
    expect(platformPackage(platformArchABI).name).toBe(`${pkg.name}-${platformArchABI}`)
  }
})

test('the loader asks for each platform package by name', () => {
  const loader = fs.readFileSync(path.join(ROOT, 'binding.js'), 'utf8')
  for (const { platformArchABI } of platforms) {
    expect(loader).toContain(`require('./mqtt-napi.${platformArchABI}.node')`)
    expect(loader).toContain(`require('mqtt-napi-${platformArchABI}')`)
  }
})

test('the package ships what runs, and the command', () => {
  expect(pkg.files.sort()).toEqual(['*.node', 'binding.d.ts', 'binding.js', 'cli/', 'index.d.ts', 'index.js', 'index.mjs', 'js/', 'types/'])
  expect(pkg.bin).toEqual({ 'mqtt-napi': 'cli/mqtt-napi.js' })
  expect(pkg.peerDependenciesMeta?.aedes?.optional).toBe(true)
})
