/**
 * `symbolicate --symbol-server` against a real HTTP server on 127.0.0.1 serving the fixture symbol tree:
 * found files (200), missing ones (404, remembered in the cache), a server too slow to wait for, and a server
 * that is gone once the cache holds what it served.
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { filesBelow } from './helpers/file-tree';
import { fixtureDump, fixtureManifest, FIXTURE_SYMBOLS } from './helpers/fixtures';
import { startSymbolServer } from './helpers/symbol-server';
import { EXIT_OK } from '../ts/cli/exit-codes';

const manifest = fixtureManifest();
const NULL_WRITE = fixtureDump(manifest.kinds.null_write!);
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `sen-${name}-`));
/** The crashing frame with the fixture's symbols: `crash_null_write [crashers.c : 16 + …]` (Breakpad: the file's name). */
const FRAME0 = new RegExp(`^ 0  crash-fixture!crash_null_write \\[crashers\\.c : ${manifest.kinds.null_write!.line} \\+`, 'm');
/** libc's frames are named only when libc.so.6.sym was had. */
const LIBC_NAMED = /^\d+ {2}libc\.so\.6!__libc_start_main/m;
const missingSection = (stdout: string) => stdout.slice(stdout.indexOf('Modules without symbols'));

/** Symbolicates the null-write crash from `server` only (no local roots) with `cache`. */
const fromServer = (url: string, cache: string, ...more: string[]) =>
  runCli(['symbolicate', NULL_WRITE, '--symbol-server', url, '--cache', cache, ...more], { timeoutMs: 60_000 });

test('200s symbolicate, 404s are listed as missing and remembered: the second run asks the server nothing', async (t) => {
  const server = await startSymbolServer({ root: FIXTURE_SYMBOLS });
  t.teardown(() => server.close());
  const cache = scratch('server-cache');

  const first = await fromServer(server.url, cache);
  t.is(first.status, EXIT_OK, first.stderr);
  t.regex(first.stdout, FRAME0);
  t.regex(first.stdout, LIBC_NAMED);
  // The vDSO has no .sym on the server: a 404, and the module is reported without symbols.
  t.true(server.requestsFor('linux-vdso.so.1').length > 0, 'the vDSO was asked for');
  t.regex(missingSection(first.stdout), /^ {2}linux-vdso\.so\.1 /m);
  t.true(server.requestsFor('crash-fixture/').length > 0 && server.requestsFor('libc.so.6/').length > 0);
  t.true(filesBelow(cache).some((f) => f.startsWith(join('crash-fixture', manifest.module.debugId))), 'fetched .sym cached in the store layout');

  const asked = server.requests.length;
  const second = await fromServer(server.url, cache);
  t.is(second.status, EXIT_OK, second.stderr);
  t.is(second.stdout, first.stdout, 'the same report from the cache');
  t.deepEqual(server.requests.slice(asked), [], 'no request at all: found files and 404s both come from the cache');
});

test('a server that answers too slowly: the run still finishes, that module is reported without symbols', async (t) => {
  // libc's .sym is held back far beyond the client's patience while `slow`; crash-fixture's answers at once.
  let slow = true;
  const server = await startSymbolServer({ root: FIXTURE_SYMBOLS, delayMs: (rel) => (slow && rel.startsWith('libc.so.6/') ? 30_000 : 0) });
  t.teardown(() => server.close());
  const cache = scratch('slow-cache');
  const started = Date.now();
  // 500 ms a request, and a timeout is tried three times in all: about 2 s for libc, then it is given up.
  const r = await fromServer(server.url, cache, '--symbol-server-timeout', '500');
  const took = Date.now() - started;
  t.is(r.status, EXIT_OK, r.stderr);
  t.true(took < 20_000, `took ${took} ms`);
  t.regex(r.stdout, FRAME0);
  t.notRegex(r.stdout, LIBC_NAMED);
  t.regex(missingSection(r.stdout), /^ {2}libc\.so\.6 /m);

  // A timeout says nothing about the file, so it is not remembered as missing: the next run asks again.
  slow = false;
  const asked = server.requestsFor('libc.so.6/').length;
  const again = await fromServer(server.url, cache);
  t.is(again.status, EXIT_OK, again.stderr);
  t.true(server.requestsFor('libc.so.6/').length > asked, 'libc asked for again');
  t.regex(again.stdout, LIBC_NAMED);
});

test('a server gone after the cache was filled: the next run symbolicates offline from the cache', async (t) => {
  const server = await startSymbolServer({ root: FIXTURE_SYMBOLS });
  const cache = scratch('offline-cache');
  const online = await fromServer(server.url, cache);
  t.is(online.status, EXIT_OK, online.stderr);
  t.regex(online.stdout, FRAME0);
  await server.close();

  const offline = await fromServer(server.url, cache);
  t.is(offline.status, EXIT_OK, offline.stderr);
  t.is(offline.stdout, online.stdout);

  // And with an empty cache, an unreachable server only costs the symbols, not the report.
  const cold = await fromServer(server.url, scratch('cold-cache'));
  t.is(cold.status, EXIT_OK, cold.stderr);
  t.regex(cold.stdout, /^ 0  crash-fixture \+ 0x[0-9a-f]+$/m);
  t.regex(missingSection(cold.stdout), /^ {2}crash-fixture /m);
});

test('local roots come first: a module found locally is never fetched', async (t) => {
  const server = await startSymbolServer({ root: FIXTURE_SYMBOLS });
  t.teardown(() => server.close());
  const r = await fromServer(server.url, scratch('local-first-cache'), '--symbols', FIXTURE_SYMBOLS);
  t.is(r.status, EXIT_OK, r.stderr);
  t.regex(r.stdout, FRAME0);
  t.deepEqual(server.requestsFor('crash-fixture/'), []);
  t.deepEqual(server.requestsFor('libc.so.6/'), []);
});
