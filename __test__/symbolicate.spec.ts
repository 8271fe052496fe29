/**
 * `sentry-electron-native symbolicate` on the project's own real crashes (crates/crash-fixture), with the
 * fixture symbols: every format names the crashing function, file and line; exit codes; directories.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, runProcess } from './helpers/cli';
import { fixtureDump, fixtureManifest, FIXTURE_SYMBOLS } from './helpers/fixtures';
import { EXIT_BAD_INPUT, EXIT_CRASH, EXIT_OK, EXIT_USAGE } from '../ts/cli/exit-codes';

const manifest = fixtureManifest();
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `sen-${name}-`));
const CACHE = scratch('cache');
const symbolicate = (...args: string[]) => runCli(['symbolicate', ...args, '--symbols', FIXTURE_SYMBOLS, '--cache', CACHE]);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const kindName of ['null_write', 'thread_null_write']) {
  const kind = manifest.kinds[kindName]!;
  const dump = fixtureDump(kind);
  // `crash-fixture!crash_null_write [crashers.c : 16 + 0x0]`, as Breakpad's minidump_stackwalk writes a frame.
  const frame0 = new RegExp(`crash-fixture!${kind.crashingFunction} \\[[^\\]]*\\b${escapeRe(kind.file!)} : ${kind.line} \\+`);

  test(`${kindName}: text names the crashing function, file and line, and lists modules without symbols`, async (t) => {
    const r = await symbolicate(dump);
    t.is(r.status, EXIT_OK, r.stderr);
    t.regex(r.stdout, new RegExp(`^ 0  ${frame0.source}`, 'm'));
    t.regex(r.stdout, /Crash reason: +SIGSEGV \/ SEGV_MAPERR/);
    t.regex(r.stdout, /^Modules without symbols \(in walked frames\):/m);
    t.is(r.stderr, '', 'quiet on stderr when it is not a terminal');
  });

  test(`${kindName}: json is minidump-stackwalk's schema with the symbolicated frame`, async (t) => {
    const r = await symbolicate('--format', 'json', dump);
    t.is(r.status, EXIT_OK, r.stderr);
    const json = JSON.parse(r.stdout);
    t.is(json.crash_info.type, 'SIGSEGV / SEGV_MAPERR');
    const top = json.crashing_thread.frames[0];
    t.is(top.function, kind.crashingFunction);
    t.true(top.file.endsWith(`/${kind.file}`), top.file);
    t.is(top.line, kind.line);
    t.true(r.stdout.startsWith('{\n'), 'one dump: one pretty-printed object');
  });

  test(`${kindName}: github prints one ::error annotation and appends the summary`, async (t) => {
    const dir = scratch('gh');
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const r = await runCli(['symbolicate', dump, '--format', 'github', '--symbols', FIXTURE_SYMBOLS, '--cache', CACHE], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    t.is(r.status, EXIT_OK, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    t.is(lines.length, 1, 'only the annotation on stdout: the summary went to the file');
    t.regex(lines[0]!, new RegExp(`^::error title=Native crash%3A SIGSEGV / SEGV_MAPERR in ${kind.crashingFunction}::`));
    t.regex(lines[0]!, frame0);
    const md = readFileSync(summary, 'utf8');
    t.true(md.startsWith('earlier step\n## Native crash reports'), 'appended, not overwritten');
    t.regex(md, frame0);
  });

  test(`${kindName}: markdown has the reason, the frames in a code block and the missing symbols`, async (t) => {
    const r = await symbolicate('--format', 'markdown', dump);
    t.is(r.status, EXIT_OK, r.stderr);
    t.regex(r.stdout, new RegExp(`^### \`[^\`]+\`: crash in \`${kind.crashingFunction}\`$`, 'm'));
    t.regex(r.stdout, /^- \*\*Reason:\*\* `SIGSEGV \/ SEGV_MAPERR` at `0x0`/m);
    t.regex(r.stdout, new RegExp(`\`\`\`text\\n 0  ${frame0.source}`));
  });
}

test('a module seen in frames without symbols is listed with its debug file and id, in text and markdown', async (t) => {
  const dump = fixtureDump(manifest.kinds.null_write!);
  const [text, md] = await Promise.all([symbolicate(dump), symbolicate('--format', 'markdown', dump)]);
  // The vDSO is in the walked frames (found by scanning) and no .sym exists for it; libc's and ours do.
  t.regex(text.stdout, /^ {2}linux-vdso\.so\.1 {2}\(linux-vdso\.so\.1 [0-9A-F]{33}\)$/m);
  t.notRegex(text.stdout.slice(text.stdout.indexOf('Modules without symbols')), /libc\.so\.6|crash-fixture/);
  t.regex(md.stdout, /^\| `linux-vdso\.so\.1` \| `linux-vdso\.so\.1` \| `[0-9A-F]{33}` \|$/m);
});

test('exit codes: 0 processed, 3 with --fail-on-crash on a crash, 0 for a dump without a crash', async (t) => {
  const crash = fixtureDump(manifest.kinds.null_write!);
  const noCrash = fixtureDump(manifest.kinds.no_crash!);
  t.is((await symbolicate(crash)).status, EXIT_OK);
  t.is((await symbolicate('--fail-on-crash', crash)).status, EXIT_CRASH);
  t.is((await symbolicate(noCrash, '--fail-on-crash')).status, EXIT_OK);
  t.is((await symbolicate(noCrash, crash, '--fail-on-crash', '--format', 'json')).status, EXIT_CRASH);
  const r = await symbolicate('--format', 'markdown', noCrash);
  t.is(r.status, EXIT_OK);
  t.regex(r.stdout, /no crash \(dumped while running\)/);
});

test('an unreadable dump exits 1, says why on stderr, and the others are still reported', async (t) => {
  const crash = fixtureDump(manifest.kinds.null_write!);
  const r = await symbolicate('/no/such/dump.dmp', crash, __filename);
  t.is(r.status, EXIT_BAD_INPUT);
  t.regex(r.stderr, /^\/no\/such\/dump\.dmp: error ERR_IO: /m);
  t.regex(r.stderr, /symbolicate\.spec\.ts: error ERR_NOT_A_MINIDUMP: /);
  t.regex(r.stdout, /crash-fixture!crash_null_write/);
  // --fail-on-crash's answer wins: a crash was found.
  t.is((await symbolicate('/no/such/dump.dmp', crash, '--fail-on-crash')).status, EXIT_CRASH);
});

test('bad usage exits 2', async (t) => {
  const dump = fixtureDump(manifest.kinds.null_write!);
  const usage = async (...args: string[]) => (await runCli(['symbolicate', ...args])).status;
  t.is(await usage(), EXIT_USAGE);
  t.is(await usage(dump, '--format', 'xml'), EXIT_USAGE);
  t.is(await usage(dump, '--symbol-server', 'ftp://example.com'), EXIT_USAGE);
  t.is(await usage(dump, '--symbol-server', 'not a url'), EXIT_USAGE);
  t.is(await usage(dump, '--bogus'), EXIT_USAGE);
  t.is(await usage(dump, '--symbols'), EXIT_USAGE);
  t.is(await usage(dump, '--cache='), EXIT_USAGE);
  t.is(await usage(dump, '--symbol-server-timeout', '0'), EXIT_USAGE);
  t.is(await usage(dump, '--symbol-server-timeout', '3600001'), EXIT_USAGE);
  const help = await runCli(['--help']);
  t.is(help.status, EXIT_OK);
  t.regex(help.stdout, /symbolicate <dump\|dir>/);
  t.regex(help.stdout, /stackwalk <dump>/);
});

test('flags may come before or after the paths', async (t) => {
  const dump = fixtureDump(manifest.kinds.null_write!);
  const after = await runCli(['symbolicate', dump, '--format', 'markdown', '--symbols', FIXTURE_SYMBOLS, '--cache', CACHE]);
  const before = await runCli(['symbolicate', '--format=markdown', `--symbols=${FIXTURE_SYMBOLS}`, `--cache=${CACHE}`, dump]);
  t.is(before.status, EXIT_OK, before.stderr);
  t.is(before.stdout, after.stdout);
});

test('a directory stands for its *.dmp files (sorted, not recursive); several dumps in json are NDJSON', async (t) => {
  const dir = scratch('dumps');
  const kinds = ['thread_null_write', 'no_crash', 'null_write'];
  for (const k of kinds) copyFileSync(fixtureDump(manifest.kinds[k]!), join(dir, `${k}.dmp`));
  copyFileSync(fixtureDump(manifest.kinds.abort!), join(dir, 'UPPER.DMP'));
  writeFileSync(join(dir, 'notes.txt'), 'not a dump');
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'broken.dmp'), 'never read: subfolders are not searched');

  const r = await symbolicate(dir, '--format', 'json');
  t.is(r.status, EXIT_OK, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  t.deepEqual(
    lines.map((l) => l.dump),
    ['UPPER.DMP', 'no_crash.dmp', 'null_write.dmp', 'thread_null_write.dmp'].map((f) => join(dir, f)),
  );
  t.is(lines[2].crashing_thread.frames[0].function, 'crash_null_write');
  t.is(lines[1].crash_info.type, null);

  const text = await symbolicate(dir);
  t.is((text.stdout.match(/^==> .+ <==$/gm) ?? []).length, 4, 'a header per dump');

  const empty = scratch('empty');
  const none = await symbolicate(empty, '--format', 'github');
  t.is(none.status, EXIT_OK);
  t.regex(none.stderr, /no \*\.dmp files in /);
  t.regex(none.stdout, /0 minidumps: 0 crashed/);
});

test('github: names from dumps cannot inject workflow commands', async (t) => {
  const dir = scratch('inject');
  const evil = join(dir, 'x%0A,y:z\n::error::injected.dmp');
  copyFileSync(fixtureDump(manifest.kinds.null_write!), evil);
  const r = await symbolicate(evil, '--format', 'github');
  t.is(r.status, EXIT_OK, r.stderr);
  const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
  t.is(commands.length, 1);
  t.true(commands[0]!.includes('x%250A,y:z%0A::error::injected.dmp'), commands[0]);
});

/** util-linux `script` runs a command on a pseudo-terminal: the one way to see what a person would see. */
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
(HAS_SCRIPT ? test : test.skip)('progress goes to stderr only when it is a terminal; stdout stays clean', async (t) => {
  const dir = scratch('tty');
  for (const k of ['null_write', 'no_crash', 'abort']) copyFileSync(fixtureDump(manifest.kinds[k]!), join(dir, `${k}.dmp`));
  const out = join(dir, 'out.ndjson');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, 'symbolicate', dir, '--format', 'json', '--symbols', FIXTURE_SYMBOLS, '--cache', CACHE].map(quote).join(' ');
  const tty = await runProcess('script', ['-qec', `${command} > ${quote(out)}`, '/dev/null']);
  t.is(tty.status, 0, tty.stdout);
  t.regex(tty.stdout, /symbolicating: 3\/3/, 'a counter on the terminal');
  t.is(readFileSync(out, 'utf8').trimEnd().split('\n').length, 3, 'stdout: only the NDJSON lines');
});
