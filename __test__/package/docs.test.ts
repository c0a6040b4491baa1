/**
 * The API documentation: `npm run docs` (TypeDoc, configured by typedoc.json)
 * builds from index.d.ts with no warning, which typedoc.json turns into a
 * failure for every public name without documentation and every broken link.
 *
 * - The real build goes to a temporary directory (not docs/) and must exit 0,
 *   print no warning or error, and produce pages for the key names.
 * - A probe proves the configuration still fails a build: the same
 *   index.d.ts with an undocumented member and a broken link appended,
 *   built with the same typedoc.json, must exit non-zero naming both.
 */
import { spawnSync } from 'child_process'
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'

const ROOT = path.resolve(__dirname, '..', '..')
const TYPEDOC = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc')

// TypeDoc reads every file of tsconfig.json and renders every page: seconds.
jest.setTimeout(180_000)

interface Run {
  status: number | null
  output: string
}

/** Runs TypeDoc in the repository with `args`; its output without colours. */
function typedoc(args: string[]): Run {
  const run = spawnSync(process.execPath, [TYPEDOC, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 170_000,
  })
  if (run.error) throw run.error
  const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '')
  return { status: run.status, output }
}

let tmp: string

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-napi-docs-'))
})

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

test('typedoc.json requires documentation and valid links, and fails on warnings', () => {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'typedoc.json'), 'utf8'))
  expect(config.entryPoints).toEqual(['index.d.ts'])
  expect(config.out).toBe('docs')
  expect(config.validation).toMatchObject({ notExported: true, invalidLink: true, notDocumented: true })
  expect(config.treatWarningsAsErrors).toBe(true)
  for (const kind of ['Namespace', 'Class', 'Interface', 'Property', 'Method', 'Function', 'Parameter', 'Enum', 'EnumMember', 'TypeAlias', 'Variable', 'Constructor']) {
    expect(config.requiredToBeDocumented).toContain(kind)
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  expect(pkg.scripts.docs).toBe('typedoc')
})

test('the docs build from index.d.ts with no warning, with a page per key name', () => {
  const out = path.join(tmp, 'docs')
  const run = typedoc(['--out', out])
  // The whole output on failure: it names each undocumented name or bad link.
  expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.any(String) })
  expect(run.output).not.toMatch(/\[(warning|error)\]/)

  const pages = {
    'index.html': 'mqtt-napi',
    'classes/mqtt.MqttClientConnection.html': 'One MQTT connection',
    'interfaces/mqtt.MqttConnectionConfig.html': 'The configuration of one connection',
    'classes/mqtt.MqttClient.html': 'Creates connections',
    'functions/connect.html': 'Makes a client and starts connecting',
    'functions/connectAsync.html': 'as a Promise',
    'classes/MqttClient.html': 'MQTT.js',
    'interfaces/IClientOptions.html': 'The options of',
    'classes/CrtError.html': 'The error type of every rejected promise',
    'enums/io.LogLevel.html': 'Connection steps',
  }
  for (const [page, text] of Object.entries(pages)) {
    const file = path.join(out, page)
    expect(fs.existsSync(file) ? page : `${page} missing`).toBe(page)
    expect(fs.readFileSync(file, 'utf8')).toContain(text)
  }
})

test('an undocumented member or a broken link fails the build', () => {
  // A copy of index.d.ts and types/ (its `export * as default from './index'`
  // then names the copy) with a probe appended, compiled on its own.
  const probe = path.join(tmp, 'probe')
  fs.mkdirSync(probe)
  const declarations = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
  fs.cpSync(path.join(ROOT, 'types'), path.join(probe, 'types'), { recursive: true })
  fs.writeFileSync(
    path.join(probe, 'index.d.ts'),
    `${declarations}

/** A documented interface with an undocumented member. */
export interface DocsProbe {
  undocumentedProbeMember: number;
  /** See {@link NoSuchDocsProbeTarget}. */
  linkedProbeMember: number;
}
`,
  )
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'))
  fs.writeFileSync(
    path.join(probe, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...tsconfig.compilerOptions,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files: ['index.d.ts'],
    }),
  )
  const run = typedoc([
    '--options', path.join(ROOT, 'typedoc.json'),
    '--tsconfig', path.join(probe, 'tsconfig.json'),
    '--entryPoints', path.join(probe, 'index.d.ts'),
    '--readme', 'none',
    '--out', path.join(probe, 'docs'),
  ])
  expect(run.status).not.toBe(0)
  expect(run.output).toMatch(/DocsProbe\.undocumentedProbeMember.*does not have any documentation/)
  expect(run.output).toMatch(/NoSuchDocsProbeTarget/)
  // Nothing else is wrong with the copy.
  expect(run.output).not.toMatch(/error TS\d+/)
})
