/**
 * The README's "CI symbolication" recipe, run as written: its "Symbolicate crashes" step's script, taken from
 * README.md, run by bash the way GitHub Actions runs a `shell: bash` step, in a
 * project folder where `npx sentry-electron-native` is this package. Only the symbol server's URL is replaced,
 * by a local server that plays symbols.electronjs.org (it serves libc's symbols; the app's own are local).
 */
import test from 'ava';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runProcess } from './helpers/cli';
import { fixtureDump, fixtureManifest, FIXTURE_SYMBOLS } from './helpers/fixtures';
import { startSymbolServer } from './helpers/symbol-server';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const ELECTRON_SYMBOLS = 'https://symbols.electronjs.org';

/** The `run: |` script of the step named `name` in the README's CI recipe, dedented. */
function stepScript(name: string): string {
  const section = README.slice(README.indexOf('## CI symbolication'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const step = yaml.split(/\n(?= *- name: )/).find((s) => s.trim().startsWith(`- name: ${name}`));
  const lines = (step ?? '').split('\n');
  const start = lines.findIndex((l) => /^\s*run: \|\s*$/.test(l));
  if (start < 0) throw new Error(`README: no "run: |" script in the step "${name}"`);
  const body = lines.slice(start + 1).filter((l) => l.trim() !== '');
  const indent = Math.min(...body.map((l) => l.match(/^ */)![0].length));
  return body.map((l) => l.slice(indent)).join('\n') + '\n';
}

test('the README recipe works as written (with a local symbol server)', async (t) => {
  const manifest = fixtureManifest();
  const project = mkdtempSync(join(tmpdir(), 'sen-recipe-'));
  // `npx sentry-electron-native` resolves to node_modules/.bin first: there, this package's CLI.
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  const bin = join(project, 'node_modules', '.bin', 'sentry-electron-native');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(bin, 0o755);
  writeFileSync(join(project, 'package.json'), '{ "name": "my-app", "private": true }\n');
  // What the e2e run left: Crashpad's database under the app's crashDumps folder, reports in its subfolders.
  const database = join(project, 'home', '.config', 'MyApp', 'Crashpad');
  for (const [state, name, kind] of [['completed', 'a1b2', 'null_write'], ['pending', 'c3d4', 'no_crash'], ['new', 'e5f6', 'null_write']] as const) {
    mkdirSync(join(database, state), { recursive: true });
    copyFileSync(fixtureDump(manifest.kinds[kind]!), join(database, state, `${name}.dmp`));
  }
  // The app's own symbols (out/symbols); libc's come from the "Electron" server.
  cpSync(join(FIXTURE_SYMBOLS, 'crash-fixture'), join(project, 'out', 'symbols', 'crash-fixture'), { recursive: true });
  const server = await startSymbolServer({ root: FIXTURE_SYMBOLS });
  t.teardown(() => server.close());

  const symbolicate = stepScript('Symbolicate crashes');
  t.true(symbolicate.includes(ELECTRON_SYMBOLS), 'the recipe names Electron’s symbol server');
  writeFileSync(join(project, 'symbolicate.sh'), symbolicate.split(ELECTRON_SYMBOLS).join(server.url));

  const summary = join(project, 'step-summary.md');
  // GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`.
  const env = { HOME: join(project, 'home'), GITHUB_STEP_SUMMARY: summary, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  const bash = (script: string) => runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: project, env, timeoutMs: 60_000 });

  const r = await bash('symbolicate.sh');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /1 report\(s\) in new\/ are still being written: skipped/);
  const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
  t.is(annotations.length, 1, 'one ::error for the one crash');
  t.regex(annotations[0]!, /^::error title=Native crash%3A SIGSEGV \/ SEGV_MAPERR in crash_null_write::.*\/MyApp\/Crashpad\/completed\/a1b2\.dmp/);
  t.true(existsSync(join(project, 'crash-dumps', 'a1b2.dmp')) && existsSync(join(project, 'crash-dumps', 'c3d4.dmp')), 'the finished reports kept as artefacts');
  t.false(existsSync(join(project, 'crash-dumps', 'e5f6.dmp')), 'not the one Crashpad was still writing');
  const crashFrame = new RegExp(`crash_null_write \\[crashers\\.c : ${manifest.kinds.null_write!.line} `);
  for (const md of [readFileSync(summary, 'utf8'), readFileSync(join(project, 'crash-dumps', 'report.md'), 'utf8')]) {
    t.regex(md, /^2 minidumps: 1 crashed, 1 without a crash, 0 unreadable\.$/m);
    t.regex(md, crashFrame);
    t.regex(md, /libc\.so\.6!__libc_start_main/, 'Electron-server symbols used');
  }
  t.true(server.requestsFor('libc.so.6/').length > 0, 'the server in the recipe was asked');
});
