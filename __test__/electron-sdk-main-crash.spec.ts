/**
 * Main's native crash reported at once by the crash sender (crates/crash-sender), in the fake host with Crashpad's
 * real crashpad_handler: main crashes, and its event arrives with main's scope without the app being started
 * again; a receiver that is down, or a sender killed while it delivers, leave it to the next launch, which sends
 * it once; a normal quit leaves no sender behind; two instances on one userData each have their crash reported once.
 */
import test, { type ExecutionContext } from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Event } from '@sentry/core';
import { startReceiver } from '../ts/receiver';
import { SENDER_MISSING, senderBinary } from './helpers/sender';
import { exceptionOf, nativeCrashSkipReason, runSdkApp, scratch, type RunningSdkApp } from './helpers/sdk-app';

const sender = senderBinary();
const skip = nativeCrashSkipReason() ?? (sender ? undefined : SENDER_MISSING);
const crashTest = skip ? test.skip : test.serial;
if (skip) test.skip(`main-crash sender tests skipped: ${skip}`, () => {});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = { SENTRY_ELECTRON_SENDER: sender ?? '' };
const isMainCrash = (e: Event): boolean => e.platform === 'native' && e.tags?.['event.process'] === 'browser';

/** Pids of crash senders started for `userData` (their config names it), from /proc. */
function sendersOf(userData: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(join('/proc', name, 'cmdline'), 'utf8');
      if (cmd.includes('sentry-electron-sender') && cmd.includes(userData)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** Kills whatever sender a failed test left (they exit by themselves once main is gone, but not at once). */
function reapSenders(t: ExecutionContext, userData: string): void {
  t.teardown(() => {
    for (const pid of sendersOf(userData)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  });
}

/** Starts the app, gives main a scope, waits for the spool, then crashes main natively. */
async function crashMain(t: ExecutionContext, options: { userData: string; dsn?: string; receiver?: Awaited<ReturnType<typeof startReceiver>>; tag?: string }): Promise<RunningSdkApp> {
  const run = await runSdkApp(t, { sdk: { release: 'SdkApp@9.9.9', ...(options.dsn ? { dsn: options.dsn } : {}) } }, { userData: options.userData, env, ...(options.receiver ? { receiver: options.receiver } : {}) });
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  await waitUntil('the sender runs', () => sendersOf(options.userData).length > 0);
  run.app.send({ cmd: 'main-scope', tags: { 'main.tag': options.tag ?? 'set-in-main' }, user: { id: 'user-19' }, message: 'just before the crash' });
  await run.app.waitForMessage((m) => m.type === 'main-scope-set');
  const spool = join(options.userData, 'sentry', 'run-scope.json');
  await waitUntil('main\'s scope is spooled', () => readFileSync(spool, { encoding: 'utf8', flag: 'a+' }).includes('just before the crash'));
  run.app.send({ cmd: 'crash-main' });
  const exit = await run.app.exited;
  t.is(exit.signal, 'SIGSEGV');
  return run;
}

crashTest("main crashes natively: its event arrives from the sender, without a restart, with main's tags, user, breadcrumbs and release", async (t) => {
  const userData = scratch(t);
  reapSenders(t, userData);
  const run = await crashMain(t, { userData });
  const { event, envelope } = await run.waitForEvent(isMainCrash, 30_000);
  t.is(event.tags?.['main.tag'], 'set-in-main');
  t.is(event.user?.id, 'user-19');
  t.true((event.breadcrumbs ?? []).some((b) => b.message === 'just before the crash'), JSON.stringify(event.breadcrumbs));
  t.is(event.release, 'SdkApp@9.9.9');
  t.is(exceptionOf(event)?.type, 'SIGSEGV');
  const reportId = String((event.contexts?.electron as { crashpad_report_id?: string } | undefined)?.crashpad_report_id);
  t.is(event.event_id, reportId.replace(/-/g, '').toLowerCase(), "the event id is Crashpad's report id: a second send of it is the same event");
  t.truthy(envelope.items.find((i) => i.type === 'attachment'), 'with the minidump Crashpad wrote');
  await waitUntil('the sender exits', () => sendersOf(userData).length === 0);
  t.deepEqual(readdirSync(join(userData, 'sentry', 'queue', 'entries')), [], 'delivered: nothing left in the queue');

  // The next launch does not report it again, and marks that run's session crashed.
  const second = await runSdkApp(t, { sdk: {} }, { userData, env, receiver: run.receiver });
  await second.app.waitForMessage((m) => m.type === 'ready', 30_000);
  await sleep(2500);
  t.is(run.events().filter(isMainCrash).length, 1);
  await second.app.quit();
});

crashTest('the receiver is down when main crashes: the next launch delivers the event once', async (t) => {
  const userData = scratch(t);
  reapSenders(t, userData);
  const receiver = await startReceiver({ lifetimeMs: 120_000 });
  t.teardown(() => receiver.close());
  const closed = await closedPortDsn();
  await crashMain(t, { userData, dsn: closed, receiver });
  await waitUntil('the sender gives up and exits', () => sendersOf(userData).length === 0, 40_000);
  t.is(readdirSync(join(userData, 'sentry', 'queue', 'entries')).filter((f) => f.includes('.c.')).length, 1, 'the crash is queued');
  const second = await runSdkApp(t, { sdk: {} }, { userData, env, receiver });
  const { event } = await second.waitForEvent(isMainCrash, 30_000);
  t.is(event.tags?.['main.tag'], 'set-in-main');
  await sleep(2000);
  t.is(second.events().filter(isMainCrash).length, 1);
});

crashTest('the sender is killed while it delivers: the event still arrives once (the next launch sends it)', async (t) => {
  const userData = scratch(t);
  reapSenders(t, userData);
  const hanging = await hangingServer();
  t.teardown(() => {
    hanging.server.closeAllConnections();
    hanging.server.close();
  });
  const receiver = await startReceiver({ lifetimeMs: 120_000 });
  t.teardown(() => receiver.close());
  await crashMain(t, { userData, dsn: hanging.dsn, receiver });
  await waitUntil('the sender is delivering', () => hanging.requests() > 0, 30_000);
  for (const pid of sendersOf(userData)) process.kill(pid, 'SIGKILL');
  await waitUntil('the sender is gone', () => sendersOf(userData).length === 0);
  const second = await runSdkApp(t, { sdk: {} }, { userData, env, receiver });
  await second.waitForEvent(isMainCrash, 40_000);
  await sleep(2000);
  const ids = new Set(second.events().filter(isMainCrash).map((e) => e.event_id));
  t.is(ids.size, 1);
  t.is(second.events().filter(isMainCrash).length, 1);
});

crashTest('a normal quit leaves no sender behind', async (t) => {
  const userData = scratch(t);
  reapSenders(t, userData);
  const run = await runSdkApp(t, { sdk: {} }, { userData, env });
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  await waitUntil('the sender runs', () => sendersOf(userData).length > 0);
  const started = Date.now();
  await run.app.quit();
  await waitUntil('the sender exits', () => sendersOf(userData).length === 0, 5000);
  t.true(Date.now() - started < 5000);
  t.false(readFileSync(join(userData, 'sentry', 'sender.log'), { encoding: 'utf8', flag: 'a+' }).includes('looking for its report'), 'it knew the quit was normal');
});

crashTest('two instances on one userData: each main crash is reported once', async (t) => {
  const userData = scratch(t);
  reapSenders(t, userData);
  const receiver = await startReceiver({ lifetimeMs: 120_000 });
  t.teardown(() => receiver.close());
  const a = await runSdkApp(t, { sdk: {} }, { userData, env, receiver });
  const b = await runSdkApp(t, { sdk: {} }, { userData, env, receiver });
  await Promise.all([a, b].map((r) => r.app.waitForMessage((m) => m.type === 'ready', 30_000)));
  await waitUntil('both senders run', () => sendersOf(userData).length >= 2);
  a.app.send({ cmd: 'crash-main' });
  await a.app.exited;
  await a.waitForEvent(isMainCrash, 30_000);
  b.app.send({ cmd: 'crash-main' });
  await b.app.exited;
  await waitUntil('two main crashes arrived', () => a.events().filter(isMainCrash).length >= 2, 30_000);
  await sleep(2000);
  const crashes = a.events().filter(isMainCrash);
  t.is(crashes.length, 2);
  t.not(crashes[0]!.contexts?.electron?.crashed_process_id, crashes[1]!.contexts?.electron?.crashed_process_id);
});

/** A DSN whose port nothing listens on. */
async function closedPortDsn(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://public@127.0.0.1:${port}/1`;
}

/** A server that takes requests and never answers (a delivery in progress, for as long as the test wants). */
async function hangingServer(): Promise<{ server: Server; dsn: string; requests: () => number }> {
  let count = 0;
  // Only the sender's requests count (ureq's user agent): main's own transport reports its session here too.
  const server = createServer((req) => {
    if (/^ureq/.test(req.headers['user-agent'] ?? '')) count++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, dsn: `http://public@127.0.0.1:${port}/1`, requests: () => count };
}

crashTest('a sender that cannot start: one debug message, and main\'s crash is reported at the next launch as before', async (t) => {
  const userData = scratch(t);
  const missing = { SENTRY_ELECTRON_SENDER: join(userData, 'no-such-sender') };
  const first = await runSdkApp(t, { sdk: { debug: true } }, { userData, env: missing });
  await first.app.waitForMessage((m) => m.type === 'ready', 30_000);
  await sleep(1500); // the run's scope is spooled
  first.app.send({ cmd: 'crash-main' });
  await first.app.exited;
  const said = first.app.stderr() + first.app.stdout();
  t.is(said.match(/the crash sender \([^)]*no-such-sender\) could not start/g)?.length, 1, said.slice(-2000));
  const second = await runSdkApp(t, { sdk: {} }, { userData, env: missing, receiver: first.receiver });
  const { event } = await second.waitForEvent(isMainCrash, 30_000);
  t.is(exceptionOf(event)?.type, 'SIGSEGV');
});
