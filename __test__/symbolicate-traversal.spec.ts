/**
 * Module names are untrusted bytes from the dump. A crafted debug file (or code file) name must not make
 * `symbolicate` read a `.sym` outside the symbol roots, fetch one from outside the server's base path, or
 * write anywhere but inside the cache.
 *
 * The dumps are the corpus' symbolicator/windows.dmp with crash.exe's CodeView PDB name (and, in one case,
 * its code file name) rewritten in place. Breakpad's store layout takes the *last* path component of the
 * name, so a traversal needs that component to be `..`: `C:\x\..` would look up `../<ID>/...sym`, one level
 * above each root and above the cache. A `.sym` naming `main` differently is planted at exactly that place.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { symbolicate } from '@acme/sentry-electron-native';
import { runCli } from './helpers/cli';
import { dump, HAS_CORPUS, SKIP_REASON, SYMBOLS } from './helpers/corpus';
import { snapshotTree } from './helpers/file-tree';
import { patchModuleNames } from './helpers/patch-dump';
import { SERVER_PREFIX, startSymbolServer } from './helpers/symbol-server';

const WINDOWS = dump('symbolicator/windows.dmp');
const PDB = 'C:\\projects\\breakpad-tools\\windows\\Release\\crash.pdb';
const EXE = 'C:\\projects\\breakpad-tools\\windows\\Release\\crash.exe';
const DEBUG_ID = '3249D99D0C4049318610F4E4FB0B69361';
const PLANTED = 'planted_outside_the_root';

/** crash.exe's real symbols with `main` renamed: whichever copy names frame 0 is the one that was read. */
const plantedSym = (): string =>
  readFileSync(join(SYMBOLS, 'crash.pdb', DEBUG_ID, 'crash.sym'), 'utf8').replace(/^(FUNC (?:m )?\S+ \S+ \S+) main$/m, `$1 ${PLANTED}`);

interface Sandbox {
  base: string;
  root: string;
  cache: string;
}

/** base/{root,cache} with the planted `.sym` at the traversal target `base/<ID>/...sym`, beside both. */
function sandbox(): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'sen-traversal-'));
  const sb = { base, root: join(base, 'root'), cache: join(base, 'cache') };
  mkdirSync(sb.root);
  mkdirSync(join(base, DEBUG_ID));
  writeFileSync(join(base, DEBUG_ID, '...sym'), plantedSym());
  return sb;
}

const corpusTest = HAS_CORPUS ? test : test.skip;
if (!HAS_CORPUS) test.skip(`path traversal tests: ${SKIP_REASON}`, () => {});

corpusTest('control: the patched name is what lookups use (a .sym planted under it inside the root is read)', async (t) => {
  const sb = sandbox();
  mkdirSync(join(sb.root, 'planted.pdb', DEBUG_ID), { recursive: true });
  writeFileSync(join(sb.root, 'planted.pdb', DEBUG_ID, 'planted.sym'), plantedSym());
  const bytes = patchModuleNames(WINDOWS, { debugFile: [PDB, 'C:\\x\\planted.pdb'] });
  const report = await symbolicate(bytes, { symbols: [sb.root], cache: sb.cache });
  t.is(report.crashingThread!.frames[0]!.function, PLANTED);
  const unpatched = await symbolicate(WINDOWS, { symbols: [SYMBOLS], cache: false });
  t.is(unpatched.crashingThread!.frames[0]!.function, 'main');
});

const CRAFTED: Array<[label: string, patch: Parameters<typeof patchModuleNames>[1]]> = [
  ['debug file C:\\x\\..', { debugFile: [PDB, 'C:\\x\\..'] }],
  ['debug file C:/x/..', { debugFile: [PDB, 'C:/x/..'] }],
  ['debug file ..', { debugFile: [PDB, '..'] }],
  ['debug file C:\\x\\..\\', { debugFile: [PDB, 'C:\\x\\..\\'] }],
  ['debug file %2e%2e (percent-encoded dots)', { debugFile: [PDB, '%2e%2e'] }],
  ['debug file a?#.pdb (URL query and fragment)', { debugFile: [PDB, 'C:\\a?#.pdb'] }],
  // An empty debug file makes Breakpad's layout fall back to the code file.
  ['empty debug file, code file C:\\x\\..', { debugFile: [PDB, ''], codeFile: [EXE, 'C:\\x\\..'] }],
];

for (const [label, patch] of CRAFTED) {
  corpusTest(`${label}: nothing is read from outside the roots or the server's path, nothing written outside the cache`, async (t) => {
    const sb = sandbox();
    // Serves nothing under /symbols/, and the planted .sym to any request that escaped the base path.
    const server = await startSymbolServer({ root: null, outside: plantedSym() });
    t.teardown(() => server.close());
    const crafted = join(sb.base, 'crafted.dmp');
    writeFileSync(crafted, patchModuleNames(WINDOWS, patch));
    const before = snapshotTree(sb.base, [sb.cache]);

    const report = await symbolicate(crafted, { symbols: [sb.root, SYMBOLS], symbolServers: [server.url], cache: sb.cache });
    const cli = await runCli(['symbolicate', crafted, '--format', 'json', '--symbols', sb.root, '--symbol-server', server.url, '--cache', sb.cache]);

    t.is(cli.status, 0, cli.stderr);
    const json = JSON.parse(cli.stdout);
    for (const fn of [report.crashingThread!.frames[0]!.function, json.crashing_thread.frames[0].function]) {
      t.not(fn, PLANTED, 'the planted .sym outside the roots was used');
    }
    const crash = report.modules.find((m) => m.codeId === '5ab380779000')!;
    t.is(crash.debugFile, patch.debugFile![1], 'the crafted name is in the dump');
    if (patch.codeFile) t.is(crash.codeFile, patch.codeFile[1]);
    t.false(crash.symbolsLoaded, 'no symbols under a crafted name');
    t.deepEqual(snapshotTree(sb.base, [sb.cache]), before, 'nothing created or changed outside the cache');
    for (const url of server.requests) {
      t.true(url.startsWith(SERVER_PREFIX), `request outside the base path: ${url}`);
      const parts = url.slice(SERVER_PREFIX.length).split('/').map(decodeURIComponent);
      t.is(parts.length, 3, `store layout: ${url}`);
      for (const p of parts) t.false(p === '.' || p === '..' || /[/\\]/.test(p), `unsafe component ${JSON.stringify(p)} in ${url}`);
    }
  });
}
