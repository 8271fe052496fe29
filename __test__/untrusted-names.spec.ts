/**
 * Module names and debug ids are untrusted: the dump's bytes, or a report handed back to `symbolicate`. Names with
 * NUL bytes, absolute paths, `..` and absurd lengths must not make a lookup read a `.sym` outside the symbol roots,
 * fetch anything but a plain store-layout path from a symbol server, or write outside the cache — through
 * `symbolicate` (dump or report, roots + server + cache), through `parseMinidump` with symbol roots (what the
 * SDK's NativeCrashes does with `symbolPaths`), and through the SDK itself in a running app.
 *
 * symbolicate-traversal.spec.ts covers `..` in Windows PDB names of a corpus dump (in place, names no longer than
 * the original); this file covers what needs names of any length and content: NUL bytes, absolute paths, absurd
 * lengths, hostile debug ids, on the fixture's Linux dump and on reports.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@sentry/core';
import { parseMinidump, parseMinidumpSync, symbolicate, type MinidumpReport } from '../ts/index';
import { snapshotTree } from './helpers/file-tree';
import { FIXTURE_SYMBOLS, fixtureDump, fixtureManifest } from './helpers/fixtures';
import { relocateModuleName } from './helpers/patch-dump';
import { nativeCrashSkipReason, runSdkApp, scratch } from './helpers/sdk-app';
import { SERVER_PREFIX, startSymbolServer, type SymbolServer } from './helpers/symbol-server';

const { module: MODULE, kinds } = fixtureManifest();
const DUMP = fixtureDump(kinds.null_write!);
const ID = MODULE.debugId;
const PLANTED = 'planted_outside_the_root';
/** The crash module's name in the dump (its code file, which on Linux is also its debug file). */
const CODE_FILE = parseMinidumpSync(DUMP).modules.find((m) => m.debugId === ID)!.codeFile;

/** crash-fixture's real symbols with the crashing function renamed: whichever copy names frame 0 was read. */
const plantedSym = (): string =>
  readFileSync(join(FIXTURE_SYMBOLS, MODULE.debugFile, ID, `${MODULE.debugFile}.sym`), 'utf8').replace(
    /^(FUNC (?:m )?\S+ \S+ \S+) crash_null_write$/m,
    `$1 ${PLANTED}`,
  );

interface Sandbox {
  base: string;
  root: string;
  cache: string;
}

/**
 * base/{root,cache}, with the planted `.sym` where an escape would find it: one level above the root for a name
 * whose last component is `..`, and at the absolute path `base/abs/crash-fixture` names.
 */
function sandbox(t: ExecutionContext): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'untrusted-names-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const sb = { base, root: join(base, 'root'), cache: join(base, 'cache') };
  mkdirSync(sb.root);
  for (const [dir, file] of [
    [join(base, ID), '...sym'],
    [join(base, 'abs', MODULE.debugFile, ID), `${MODULE.debugFile}.sym`],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), plantedSym());
  }
  return sb;
}

/** Hostile names for the crash module, as a dump or a report may carry them. */
const NAMES = (sb: Sandbox): Array<[label: string, name: string]> => [
  ['last component ..', '/opt/app/..'],
  ['absolute path to a planted store', join(sb.base, 'abs', MODULE.debugFile)],
  ['absolute path to a system file', '/etc/passwd'],
  ['NUL after ..', '..\0'],
  ['NUL inside the name', `${MODULE.debugFile}\0/../../evil`],
  ['a lone NUL', '\0'],
  ['256 bytes', 'a'.repeat(256)],
  ['4000 bytes', 'b'.repeat(4000)],
  ['100000 bytes', 'c'.repeat(100_000)],
];

/** Hostile debug ids for a report's crash module (the dump's own are binary, always well formed). */
const IDS: Array<[label: string, id: string]> = [
  ['debug id ../../..', '../../..'],
  ['debug id with a NUL', `${ID}\0`],
  ['debug id with a path', `${ID}/../../x`],
  ['debug id of 100000 characters', 'F'.repeat(100_000)],
];

function checkServer(t: ExecutionContext, server: SymbolServer): void {
  for (const url of server.requests) {
    t.true(url.startsWith(SERVER_PREFIX), `request outside the base path: ${url.slice(0, 200)}`);
    const parts = url.slice(SERVER_PREFIX.length).split('/').map(decodeURIComponent);
    t.is(parts.length, 3, `store layout: ${url.slice(0, 200)}`);
    for (const p of parts) {
      t.false(p === '.' || p === '..' || /[/\\\0]/.test(p), `unsafe component ${JSON.stringify(p.slice(0, 80))}`);
      t.true(Buffer.byteLength(p) <= 255, `a component of ${Buffer.byteLength(p)} bytes was requested`);
    }
  }
}

/** A sandbox, a symbol server that serves only a planted .sym outside its root, and the sandbox's tree before. */
async function hostileWorld(t: ExecutionContext): Promise<{ sb: Sandbox; server: SymbolServer; before: Map<string, string> }> {
  const sb = sandbox(t);
  const server = await startSymbolServer({ root: null, outside: plantedSym() });
  t.teardown(() => server.close());
  return { sb, server, before: snapshotTree(sb.base, [sb.cache]) };
}

function checkTrees(t: ExecutionContext, sb: Sandbox, before: Map<string, string>): void {
  t.deepEqual(snapshotTree(sb.base, [sb.cache]), before, 'nothing created or changed outside the cache');
  for (const [rel] of existsSync(sb.cache) ? snapshotTree(sb.cache) : []) {
    for (const p of rel.split('/')) t.false(p === '..' || Buffer.byteLength(p) > 255, `cache path ${rel.slice(0, 200)}`);
  }
}

const frame0 = (r: MinidumpReport) => r.crashingThread!.frames[0]!.function;

test('control: a renamed crash module is looked up under its new name (a .sym planted there inside the root is read)', async (t) => {
  const sb = sandbox(t);
  mkdirSync(join(sb.root, 'renamed', ID), { recursive: true });
  writeFileSync(join(sb.root, 'renamed', ID, 'renamed.sym'), plantedSym());
  const dump = relocateModuleName(DUMP, CODE_FILE, '/opt/app/renamed');
  t.is(frame0(await parseMinidump(dump, { symbols: [sb.root] })), PLANTED);
  const report = parseMinidumpSync(DUMP);
  report.modules = report.modules.map((m) => (m.debugId === ID ? { ...m, debugFile: '/opt/app/renamed', codeFile: '/opt/app/renamed' } : m));
  t.is(frame0(await symbolicate(report, { symbols: [sb.root], cache: false })), PLANTED);
  t.is(frame0(await symbolicate(DUMP, { symbols: [FIXTURE_SYMBOLS], cache: false })), 'crash_null_write');
});

test('hostile module names in a dump: roots, symbol server and cache stay closed (symbolicate and the symbolPaths parse)', async (t) => {
  t.timeout(90_000);
  const { sb, server, before } = await hostileWorld(t);
  for (const [label, name] of NAMES(sb)) {
    const dump = relocateModuleName(DUMP, CODE_FILE, name);
    // What NativeCrashes does with `symbolPaths`: a parse with local roots only.
    const local = await parseMinidump(dump, { symbols: [sb.root] });
    const full = await symbolicate(dump, { symbols: [sb.root], symbolServers: [server.url], cache: sb.cache });
    for (const r of [local, full]) {
      t.is(r.modules.find((m) => m.debugId === ID)?.codeFile, name, `${label}: the hostile name is in the dump`);
      t.not(frame0(r), PLANTED, `${label}: a .sym outside the root was read`);
      t.false(r.modules.find((m) => m.debugId === ID)!.symbolsLoaded, `${label}: symbols under a hostile name`);
    }
  }
  checkServer(t, server);
  checkTrees(t, sb, before);
});

test('hostile names and debug ids in a report handed to symbolicate: roots, symbol server and cache stay closed', async (t) => {
  t.timeout(90_000);
  const { sb, server, before } = await hostileWorld(t);
  const clean = parseMinidumpSync(DUMP);
  const cases: Array<[string, Partial<MinidumpReport['modules'][number]>]> = [
    ...NAMES(sb).map(([label, name]): [string, Partial<MinidumpReport['modules'][number]>] => [label, { debugFile: name, codeFile: name }]),
    ...IDS.map(([label, debugId]): [string, Partial<MinidumpReport['modules'][number]>] => [label, { debugId }]),
  ];
  for (const [label, patch] of cases) {
    const report = structuredClone(clean);
    report.modules = report.modules.map((m) => (m.debugId === ID ? { ...m, ...patch } : m));
    const out = await symbolicate(report, { symbols: [sb.root], symbolServers: [server.url], cache: sb.cache });
    t.not(frame0(out), PLANTED, `${label}: a .sym outside the root was read`);
    t.is(frame0(out), null, `${label}: no symbols at all`);
  }
  checkServer(t, server);
  checkTrees(t, sb, before);
});

const skip = nativeCrashSkipReason();
(skip ? test.skip : test)('the SDK with symbolPaths: dumps with hostile module names are reported, and nothing outside the root is read', async (t) => {
  const sb = sandbox(t);
  const before = snapshotTree(sb.base, [sb.cache]);
  const userData = scratch(t);
  const completed = join(userData, 'Crashpad', 'completed');
  mkdirSync(completed, { recursive: true });
  const names = NAMES(sb).filter(([label]) => /\.\.|NUL inside|absolute path to a planted|100000/.test(label));
  names.forEach(([, name], i) => writeFileSync(join(completed, `0000000${i}-0000-4000-8000-000000000000.dmp`), relocateModuleName(DUMP, CODE_FILE, name)));
  const run = await runSdkApp(t, { sdk: { symbolPaths: [sb.root] } }, { userData });
  const deadline = Date.now() + 40_000;
  while (run.events().filter((e) => e.platform === 'native').length < names.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const crashes = run.events().filter((e: Event) => e.platform === 'native');
  t.is(crashes.length, names.length, 'every dump was reported');
  for (const e of crashes) {
    const frames = e.exception?.values?.[0]?.stacktrace?.frames ?? [];
    t.is(e.exception?.values?.[0]?.type, 'SIGSEGV');
    t.false(frames.some((f) => f.function === PLANTED), 'a .sym outside the symbol root named a frame');
  }
  checkTrees(t, sb, before);
  run.app.send({ cmd: 'ping' });
  t.truthy(await run.app.waitForMessage((m) => m.type === 'pong', 10_000), 'main is fine');
});
