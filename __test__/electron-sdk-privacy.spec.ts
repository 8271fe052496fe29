/**
 * Privacy defaults, end to end in the fake Electron host (Sentry's SDK data-handling guide: no cookies, no request
 * bodies, no credentials by default):
 * - with `debug: true` and a DSN that carries a secret key, the secret is printed nowhere, sent nowhere and
 *   written nowhere, on the happy paths and the error paths alike;
 * - renderer events reach Sentry without cookies, request bodies or credential headers, whatever the page put in
 *   them, unless main's `sendDefaultPii` allows it;
 * - `minidumpPolicy: 'strip'` sends a dump whose memory is the threads' stacks and nothing else (the heap's bytes
 *   are gone); `'omit'` sends no dump at all and leaves none behind.
 */
import test from 'ava';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseMinidumpSync } from '../ts/index';
import { startReceiver } from '../ts/receiver';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { dumpMemory, within } from './helpers/minidump-memory';
import { exceptionOf, nativeCrashSkipReason, runSdkApp, scratch, writePage } from './helpers/sdk-app';
import { dumpWithHeap, minidumpOf } from './helpers/transport';

const skip = nativeCrashSkipReason();
const crashTest = skip ? test.skip : test;
if (skip) test.skip(`privacy tests with native crashes skipped: ${skip}`, () => {});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Copies `dump` into `<userData>/Crashpad/completed/` under a fresh report id; returns the new path. */
function seed(userData: string, dump: string): string {
  const dir = join(userData, 'Crashpad', 'completed');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${randomUUID()}.dmp`);
  copyFileSync(dump, file);
  return file;
}

/** Every file under `dir`, with its bytes (gzipped files decompressed). */
function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else {
        const raw = readFileSync(p);
        out.push({ path: p, bytes: raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw });
      }
    }
  };
  walk(dir);
  return out;
}

crashTest('debug: true with a DSN secret key: the secret is in no log line, no envelope and no file', async (t) => {
  const secret = `dsnsecret${randomUUID().replace(/-/g, '')}`;
  const receiver = await startReceiver({ lifetimeMs: 120_000, maxEnvelopes: 1000 });
  t.teardown(() => receiver.close());
  const dsn = receiver.dsn.replace('http://public@', `http://public:${secret}@`);
  t.not(dsn, receiver.dsn);
  // The first two requests are cut: the error paths (network failures, the queue, the replay) log too.
  receiver.setBehaviour({ kind: 'reset' }, { times: 2 });
  const dir = scratch(t);
  const userData = scratch(t);
  seed(userData, fixtureDump(fixtureManifest().kinds.null_write!));
  const page = writePage(dir, 'page', `SentryElectronRenderer.init(); setTimeout(() => { throw new Error('renderer error'); }, 1500);`);
  const run = await runSdkApp(
    t,
    { sdk: { dsn, debug: true, transportOptions: { retryBackoffMs: 300 } }, windows: [{ page }] },
    { userData, receiver },
  );
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  run.app.send({ cmd: 'capture-main', message: 'main message' });
  await run.waitForEvent((e) => e.platform === 'native', 40_000);
  await run.waitForEvent((e) => e.message === 'main message', 20_000);
  await run.waitForEvent((e) => exceptionOf(e)?.value === 'renderer error', 20_000);
  t.is((await run.app.quit()).code, 0);

  const log = run.app.stdout() + run.app.stderr();
  t.regex(log, /Sentry Logger/, 'debug logging was on');
  t.regex(log, /not delivered \(network\)/, 'the error paths were taken');
  t.false(log.includes(secret), 'the secret key is in the app output');
  for (const env of receiver.envelopes) t.false(env.raw.includes(secret), 'an envelope carries the secret key');
  t.true(receiver.envelopes.every((e) => e.auth.sentryKey === 'public'));
  for (const f of filesUnder(userData)) t.false(f.bytes.includes(secret), `${f.path} holds the secret key`);
});

test('renderer events carry no cookies, request bodies or credentials unless main sends personal data', async (t) => {
  const COOKIE = `cookie${randomUUID().slice(0, 8)}`;
  const BODY = `body${randomUUID().slice(0, 8)}`;
  const TOKEN = `token${randomUUID().slice(0, 8)}`;
  // The page logs in: a POST with a body (a fetch breadcrumb must not carry the body).
  const posted: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posted.push(body);
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `session=${COOKIE}` }).end('{"ok":true}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.teardown(() => void server.close());
  const port = (server.address() as AddressInfo).port;
  const dir = scratch(t);
  const page = writePage(
    dir,
    'login',
    `SentryElectronRenderer.init();
document.cookie = 'session=${COOKIE}';
fetch('http://127.0.0.1:${port}/login', { method: 'POST', body: 'password=${BODY}', headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then(() => {
  // What an integration (or a compromised page) may attach: main is the gate.
  SentryElectronRenderer.captureEvent({
    message: 'explicit request',
    request: { url: 'https://app.example/login', cookies: { session: '${COOKIE}' }, data: 'password=${BODY}',
      headers: { Cookie: 'session=${COOKIE}', Authorization: 'Bearer ${TOKEN}', 'X-Request-Id': 'kept' } },
  });
  setTimeout(() => { throw new Error('after login'); }, 100);
});`,
  );

  for (const sendDefaultPii of [false, true]) {
    const run = await runSdkApp(t, { sdk: { sendDefaultPii }, windows: [{ page }] });
    const { event: explicit, envelope } = await run.waitForEvent((e) => e.message === 'explicit request', 30_000);
    const { event: error, envelope: errorEnvelope } = await run.waitForEvent((e) => exceptionOf(e)?.value === 'after login', 30_000);
    const raw = Buffer.concat([envelope.raw, errorEnvelope.raw]).toString('utf8');
    const request = explicit.request as Record<string, unknown> & { headers?: Record<string, string> };
    t.is(request.headers?.['X-Request-Id'], 'kept', 'other headers are kept');
    // (The Node page realm's fetch is not a native function, which the browser SDK leaves uninstrumented; in
    // Chromium the login is a breadcrumb, with method and status only.)
    const breadcrumb = error.breadcrumbs?.find((b) => b.category === 'fetch');
    if (breadcrumb) t.like(breadcrumb.data, { method: 'POST' });
    // What the renderer SDK captures by itself never holds the page's cookies or request bodies.
    const errorRaw = errorEnvelope.raw.toString('utf8');
    for (const secret of [COOKIE, BODY, TOKEN]) t.false(errorRaw.includes(secret), `${secret} in the error event`);
    if (!sendDefaultPii) {
      t.is(request.cookies, undefined);
      t.is(request.data, undefined);
      t.deepEqual(Object.keys(request.headers ?? {}).filter((h) => /cookie|authorization/i.test(h)), []);
      for (const secret of [COOKIE, BODY, TOKEN]) t.false(raw.includes(secret), `${secret} reached Sentry`);
    } else {
      // The app allowed personal data: main leaves the event as the page made it.
      t.deepEqual(request.cookies, { session: COOKIE });
      t.is(request.data, `password=${BODY}`);
      t.is(request.headers?.Authorization, `Bearer ${TOKEN}`);
    }
    await run.app.quit();
  }
  t.is(posted.length, 2, 'the page really posted its body');
});

crashTest("minidumpPolicy 'strip': the dump sent holds the threads' stacks and no other memory; the heap's bytes are gone", async (t) => {
  const dir = scratch(t);
  const heap = await dumpWithHeap(dir, 2, 1); // the fixture crash with 2 MiB of "heap" in two regions
  const original = readFileSync(heap.path);
  const before = dumpMemory(original);
  const heapRanges = before.memory.filter((m) => !within(m, before.stacks));
  t.true(heapRanges.length >= 2, 'the original dump holds memory beyond the stacks');

  const userData = scratch(t);
  const seeded = seed(userData, heap.path);
  const run = await runSdkApp(t, { sdk: { minidumpPolicy: 'strip' } }, { userData });
  const { event, envelope } = await run.waitForEvent((e) => e.platform === 'native', 40_000);
  t.is(exceptionOf(event)?.mechanism?.type, 'minidump');
  const sent = minidumpOf(envelope)?.payload;
  t.truthy(sent, 'a dump was attached');
  const stripped = Buffer.from(sent!);
  const after = dumpMemory(stripped);

  t.deepEqual(
    after.stacks.map((s) => [s.start, s.size]),
    before.stacks.map((s) => [s.start, s.size]),
    'every thread keeps its whole stack',
  );
  for (const m of after.memory) t.true(within(m, after.stacks), `memory at 0x${m.start.toString(16)} (${m.size} bytes) is not a thread's stack`);
  t.true(stripped.length < original.length - 1024 * 1024, `${stripped.length} bytes sent of ${original.length}`);
  // The heap's bytes are nowhere in the file (three 64-byte samples of each region).
  for (const r of heapRanges) {
    for (const at of [0, Math.floor(r.size / 2), r.size - 64]) {
      const sample = original.subarray(r.rva + at, r.rva + at + 64);
      t.is(stripped.indexOf(sample), -1, `heap bytes of 0x${r.start.toString(16)} survived`);
    }
  }
  // Still the same crash, still walkable.
  const report = parseMinidumpSync(stripped);
  const reference = parseMinidumpSync(original);
  t.deepEqual(report.crash, reference.crash);
  t.is(report.crashingThread?.frames[0]?.instruction, reference.crashingThread?.frames[0]?.instruction);
  await waitGone(seeded);
  t.deepEqual(readdirSync(join(userData, 'sentry', 'tmp')), [], 'no stripped copy left behind');
});

crashTest("minidumpPolicy 'omit': the event alone, no attachment; the dump is deleted and no copy is left", async (t) => {
  const userData = scratch(t);
  const source = fixtureDump(fixtureManifest().kinds.null_write!);
  const dumpSha = createHash('sha256').update(readFileSync(source)).digest('hex');
  const seeded = seed(userData, source);
  const run = await runSdkApp(t, { sdk: { minidumpPolicy: 'omit' } }, { userData });
  const { event, envelope } = await run.waitForEvent((e) => e.platform === 'native', 40_000);
  t.is(exceptionOf(event)?.type, 'SIGSEGV', 'the crash facts were read on the client');
  t.is(exceptionOf(event)?.mechanism?.type, 'native');
  t.deepEqual(envelope.items.map((i) => i.type), ['event'], 'no attachment of any kind');
  await waitGone(seeded);
  await run.app.quit();
  for (const f of filesUnder(userData)) {
    t.not(createHash('sha256').update(f.bytes).digest('hex'), dumpSha, `${f.path} is a copy of the dump`);
    t.is(f.bytes.indexOf(readFileSync(source).subarray(0, 4096)), -1, `${f.path} holds the dump's bytes`);
  }
  t.is(run.events().filter((e) => e.platform === 'native').length, 1);
});

async function waitGone(file: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (existsSync(file) && Date.now() < end) await sleep(100);
  if (existsSync(file)) throw new Error(`${file} is still there`);
}

