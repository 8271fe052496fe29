/**
 * A typical @sentry/electron 7 main process (__test__/v7-app/main.ts, written against @sentry/electron/main) must
 * type-check against ours with only its import specifiers changed: its options (NodeOptions and the Electron ones),
 * its integrations with their options, the span, scope, logs and metrics API, and the types it names. Uses the
 * declarations in build/ (`npm run build:ts` first), as an app would get them from the package.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript5';

const ROOT = join(__dirname, '..');
const V7_MAIN = join(__dirname, 'v7-app', 'main.ts');

/** The diagnostics of one file checked with the repository's strict options, its text given in memory. */
function diagnosticsOf(file: string, text: string): string[] {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? `${d.file.fileName.slice(ROOT.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const v7 = readFileSync(V7_MAIN, 'utf8');

test('the held-out v7 main process type-checks against @sentry/electron/main (it is a real v7 app)', (t) => {
  t.deepEqual(diagnosticsOf(V7_MAIN, v7), []);
});

test('… and against ours with only its import specifiers changed', (t) => {
  const ours = v7.replaceAll("'@sentry/electron/main'", "'@acme/sentry-electron-native/main'");
  t.not(ours, v7);
  t.deepEqual(diagnosticsOf(join(__dirname, 'v7-app', 'main-on-ours.ts'), ours), []);
});

test('the check fails on a name we do not export, so a pass means something', (t) => {
  const broken = `${v7.replaceAll("'@sentry/electron/main'", "'@acme/sentry-electron-native/main'")}\nSentry.noSuchExport();\n`;
  const errors = diagnosticsOf(join(__dirname, 'v7-app', 'main-broken.ts'), broken);
  t.is(errors.length, 1);
  t.regex(errors[0]!, /noSuchExport/);
});
