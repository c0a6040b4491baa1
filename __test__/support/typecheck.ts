/**
 * Type-checks application code as a user's strict project would: `strict`
 * on and `skipLibCheck` off, so the package's declarations are checked too.
 */
import * as fs from 'fs'
import * as path from 'path'
import * as ts from 'typescript'

/** How a suite in a folder of __test__ imports the package. */
const PACKAGE = "'../../index'"

/**
 * The `// #region application` ... `// #endregion application` text of
 * `file`, its imports of the package (exactly `imports` of them) pointing at
 * `library`; blank lines stand for what precedes it, so line numbers are the
 * file's.
 */
export function applicationRegion(file: string, library: string, imports = 2): string {
  const source = fs.readFileSync(file, 'utf8')
  const match = /(^[\s\S]*\/\/ #region application\n)([\s\S]*?)\/\/ #endregion application/.exec(source)
  if (!match) throw new Error(`the application region of ${file} is missing`)
  const parts = match[2].split(PACKAGE)
  if (parts.length !== imports + 1) throw new Error(`the application region must import from ${PACKAGE} ${imports} times`)
  return '\n'.repeat(match[1].split('\n').length - 1) + parts.join(JSON.stringify(library))
}

const root = path.resolve(__dirname, '..', '..')
// Beside the suites (one folder down in __test__), so their imports resolve alike.
const appFile = path.join(root, '__test__', 'package', '__application__.ts')
const sourceFiles = new Map<string, ts.SourceFile | undefined>()

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile)
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  return { ...parsed.options, types: ['node'], noEmit: true, strict: true, skipLibCheck: false }
}

/**
 * Type errors of `text` compiled as a file of __test__, as `line N: message`
 * strings. Errors inside node_modules (the incumbents' declarations and
 * their dependencies', some of which need the DOM library) are theirs, not
 * the application's, and are left out; mqtt-napi's own declarations are
 * outside node_modules and always checked.
 */
export function typeErrors(text: string): string[] {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options, true)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === appFile) return ts.createSourceFile(fileName, text, languageVersion, true)
    if (!sourceFiles.has(fileName)) sourceFiles.set(fileName, getSourceFile(fileName, languageVersion, onError, shouldCreate))
    return sourceFiles.get(fileName)
  }
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (fileName) => fileName === appFile || fileExists(fileName)
  const readFile = host.readFile.bind(host)
  host.readFile = (fileName) => (fileName === appFile ? text : readFile(fileName))

  const program = ts.createProgram({ rootNames: [appFile], options, host })
  const theirs = (diagnostic: ts.Diagnostic) => diagnostic.file?.fileName.includes('/node_modules/') === true
  return ts.getPreEmitDiagnostics(program).filter((diagnostic) => !theirs(diagnostic)).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    if (!diagnostic.file || diagnostic.start === undefined) return message
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    const where = diagnostic.file.fileName === appFile ? `line ${line + 1}` : `${diagnostic.file.fileName}:${line + 1}`
    return `${where}: ${message}`
  })
}
