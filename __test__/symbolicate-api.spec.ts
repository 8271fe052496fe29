/**
 * `symbolicate()` / `symbolicateSync()` and `defaultSymbolCacheDir()` from the package root, plus the
 * escaping rules the CLI's GitHub and Markdown output rest on.
 */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultSymbolCacheDir,
  MinidumpError,
  parseMinidump,
  symbolicate,
  symbolicateSync,
} from '@acme/sentry-electron-native';
import { escapeData, escapeProperty, workflowCommand } from '../ts/cli/github';
import { code } from '../ts/cli/markdown';
import { runCli } from './helpers/cli';
import { filesBelow } from './helpers/file-tree';
import { fixtureDump, fixtureManifest, FIXTURE_SYMBOLS } from './helpers/fixtures';

const manifest = fixtureManifest();
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `sen-${name}-`));

for (const kindName of ['null_write', 'thread_null_write']) {
  const kind = manifest.kinds[kindName]!;

  test(`${kindName}: symbolicate() and symbolicateSync() give the crashing function, file and line`, async (t) => {
    const cache = scratch('api-cache');
    const path = fixtureDump(kind);
    const bytes = readFileSync(path);
    const report = await symbolicate(path, { symbols: [FIXTURE_SYMBOLS], cache });
    const top = report.crashingThread!.frames[0]!;
    t.is(top.function, kind.crashingFunction);
    t.true(top.file!.endsWith(`/${kind.file}`), top.file!);
    t.is(top.line, kind.line);
    t.true(report.modules.find((m) => m.codeFile.endsWith('/crash-fixture'))!.symbolsLoaded);
    // Same report from bytes, on the calling thread, and without a cache.
    t.deepEqual(symbolicateSync(bytes, { symbols: [FIXTURE_SYMBOLS], cache }), report);
    t.deepEqual(await symbolicate(new Uint8Array(bytes), { symbols: [FIXTURE_SYMBOLS], cache: false }), report);
  });
}

test('a report parsed without symbols gains names, files and lines, at the addresses it already had', async (t) => {
  const kind = manifest.kinds.null_write!;
  const bare = await parseMinidump(fixtureDump(kind));
  t.is(bare.crashingThread!.frames[0]!.function, null);
  for (const named of [
    await symbolicate(bare, { symbols: [FIXTURE_SYMBOLS], cache: false }),
    symbolicateSync(bare, { symbols: [FIXTURE_SYMBOLS], cache: false }),
  ]) {
    const f0 = named.crashingThread!.frames[0]!;
    t.is(f0.function, kind.crashingFunction);
    t.is(f0.file?.split('/').pop(), kind.file!);
    t.is(f0.line, kind.line);
    t.deepEqual(
      named.crashingThread!.frames.map((f) => f.instruction),
      bare.crashingThread!.frames.map((f) => f.instruction),
      'no re-walk: the same frames',
    );
    t.true(named.modules.some((m) => m.symbolsLoaded));
  }
  t.is(bare.crashingThread!.frames[0]!.function, null, 'the caller\'s report is not changed');
  const err = await t.throwsAsync(symbolicate({ modules: 'nope' } as never, { cache: false }), { instanceOf: MinidumpError });
  t.is(err?.code, 'ERR_INVALID_ARGUMENT');
});

test('symbolicate() rejects a bad cache option with ERR_INVALID_ARGUMENT; symbolicateSync() throws it', async (t) => {
  const dump = fixtureDump(manifest.kinds.null_write!);
  for (const cache of ['', 42, null, true]) {
    const e = await t.throwsAsync(symbolicate(dump, { cache: cache as never }), { instanceOf: MinidumpError });
    t.is(e?.code, 'ERR_INVALID_ARGUMENT', String(cache));
    t.throws(() => symbolicateSync(dump, { cache: cache as never }), { instanceOf: MinidumpError });
  }
});

(process.platform === 'linux' ? test : test.skip)('without a cache option, symbols are kept in defaultSymbolCacheDir() (API and CLI)', async (t) => {
  const kind = manifest.kinds.null_write!;
  const home = scratch('xdg-api');
  const previous = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = home;
  t.teardown(() => (previous === undefined ? delete process.env.XDG_CACHE_HOME : (process.env.XDG_CACHE_HOME = previous)));
  const stored = (root: string) => filesBelow(join(root, 'sentry-electron-native', 'symbols')).filter((f) => f.startsWith('crash-fixture'));

  const report = await symbolicate(fixtureDump(kind), { symbols: [FIXTURE_SYMBOLS] });
  t.is(report.crashingThread!.frames[0]!.function, kind.crashingFunction);
  t.not(stored(home).length, 0, `kept under ${defaultSymbolCacheDir()}`);

  const cliHome = scratch('xdg-cli');
  const r = await runCli(['symbolicate', fixtureDump(kind), '--symbols', FIXTURE_SYMBOLS], { env: { XDG_CACHE_HOME: cliHome } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(stored(cliHome), stored(home));
});

test('defaultSymbolCacheDir() is the user cache folder of each OS + sentry-electron-native/symbols', (t) => {
  t.is(defaultSymbolCacheDir({}, 'linux', '/home/ada'), '/home/ada/.cache/sentry-electron-native/symbols');
  t.is(defaultSymbolCacheDir({ XDG_CACHE_HOME: '/var/cache/ada' }, 'linux', '/home/ada'), '/var/cache/ada/sentry-electron-native/symbols');
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored.
  t.is(defaultSymbolCacheDir({ XDG_CACHE_HOME: 'rel' }, 'linux', '/home/ada'), '/home/ada/.cache/sentry-electron-native/symbols');
  t.is(defaultSymbolCacheDir({ XDG_CACHE_HOME: '/x' }, 'darwin', '/Users/ada'), '/Users/ada/Library/Caches/sentry-electron-native/symbols');
  t.is(
    defaultSymbolCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada'),
    'C:\\Users\\ada\\AppData\\Local\\sentry-electron-native\\symbols',
  );
  t.is(defaultSymbolCacheDir({}, 'win32', 'C:\\Users\\ada'), 'C:\\Users\\ada\\AppData\\Local\\sentry-electron-native\\symbols');
  t.true(defaultSymbolCacheDir().endsWith(join('sentry-electron-native', 'symbols')));
});

test('workflow commands escape %, CR and LF in data, and also : and , in properties', (t) => {
  t.is(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
  t.is(escapeProperty('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext%3A a%2C b');
  t.is(workflowCommand('error', { title: 'ns::fn, again' }, 'line 1\nline 2 100%'), '::error title=ns%3A%3Afn%2C again::line 1%0Aline 2 100%25');
  t.is(workflowCommand('warning', {}, 'plain'), '::warning::plain');
});

test('Markdown code spans hold any text: backticks, pipes and newlines from dumps', (t) => {
  t.is(code('main'), '`main`');
  t.is(code("`anonymous namespace'::CrashFunction"), "`` `anonymous namespace'::CrashFunction ``");
  t.is(code('operator|'), '`operator\\|`');
  t.is(code('a``b'), '```a``b```');
  t.is(code('two\nlines'), '`two lines`');
});
