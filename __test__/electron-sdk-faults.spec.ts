/**
 * The SDK in a running app (the fake Electron host, Electron's `net` played over Node) with a native crash in flight
 * — a real dump in the Crashpad database — while the network misbehaves: a connection cut mid-body, a receiver that
 * trickles its answer, TLS that cannot be trusted (a self-signed certificate; HTTPS to plain HTTP), a DSN host that
 * does not resolve. The app keeps running and answering, the attempts stay within the back-off (counted at the
 * server and in the debug log), the dump leaves the database only for the queue, and once the fault is gone (the
 * receiver back to normal, or the DSN fixed at the next start) the crash arrives exactly once.
 */
import test, { type ExecutionContext } from 'ava';
import type { Event } from '@sentry/core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../ts/receiver';
import { backoffAttempts, refusedServer, startPlainHttp, startUntrustedTls, UNRESOLVABLE_DSN } from './helpers/fault-servers';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { nativeCrashSkipReason, runSdkApp, scratch, type RunningSdkApp } from './helpers/sdk-app';

const skip = nativeCrashSkipReason();
const faultTest = skip ? test.skip : test.serial;
if (skip) test.skip(`transport fault end-to-end tests skipped: ${skip}`, () => {});

const BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 2_000;
/** Envelopes that may each make one attempt of their own before the first failure puts the queue in backlog. */
const BEFORE_BACKLOG = 3;
const FAILED = /not delivered \(network\)/g;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real dump of the fixture crash in `<userData>/Crashpad/completed/`: what Crashpad leaves after a crash. */
function seedDump(userData: string): string {
  const dir = join(userData, 'Crashpad', 'completed');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${randomUUID()}.dmp`);
  copyFileSync(fixtureDump(fixtureManifest().kinds.null_write!), file);
  return file;
}

const isCrash = (e: Event) => e.platform === 'native';

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function alive(t: ExecutionContext, run: RunningSdkApp): Promise<void> {
  run.app.send({ cmd: 'ping' });
  t.truthy(await run.app.waitForMessage((m) => m.type === 'pong', 10_000), 'main answers');
}

interface Fault {
  dsn: string;
  /** Attempts the faulty end saw. */
  serverAttempts: () => number;
  /** Ends the fault: `'same-run'` (the receiver is back) or the DSN of the next start. */
  clear: () => 'same-run' | string;
  check?: (t: ExecutionContext) => void;
}

const FAULTS: Record<string, (t: ExecutionContext, good: Receiver) => Promise<Fault>> = {
  'a connection reset in the middle of the body': async (_t, good) => {
    good.setBehaviour({ kind: 'reset' });
    return {
      dsn: good.dsn,
      serverAttempts: () => good.requests.filter((r) => r.status === 'reset').length,
      clear: () => (good.setBehaviour({ kind: 'accept' }), 'same-run'),
    };
  },
  'a receiver that trickles its answer': async (_t, good) => {
    good.setBehaviour({ kind: 'trickle', intervalMs: 100 });
    return {
      dsn: good.dsn,
      serverAttempts: () => good.requests.filter((r) => r.status === 'trickle').length,
      clear: () => (good.setBehaviour({ kind: 'accept' }), 'same-run'),
    };
  },
  'an https DSN to a server with a self-signed certificate': async (t, good) => {
    const mitm = await startUntrustedTls(t);
    return { dsn: mitm.dsn, clear: () => good.dsn, ...refusedServer(mitm, 'no envelope was handed to the untrusted server') };
  },
  'an https DSN to a plain HTTP server': async (t, good) => {
    const plain = await startPlainHttp(t);
    return { dsn: plain.dsn, clear: () => good.dsn, ...refusedServer(plain, 'nothing was sent in the clear') };
  },
  'a DSN host that does not resolve': async (_t, good) => ({ dsn: UNRESOLVABLE_DSN, serverAttempts: () => 0, clear: () => good.dsn }),
};

for (const [name, make] of Object.entries(FAULTS)) {
  faultTest(`${name}: the app runs on, retries back off, and the crash arrives exactly once after the fault`, async (t) => {
    t.timeout(110_000);
    const good = await startReceiver({ lifetimeMs: 120_000, maxEnvelopes: 1000 });
    t.teardown(() => good.close());
    const fault = await make(t, good);
    const userData = scratch(t);
    const dump = seedDump(userData);
    const transportOptions = { retryBackoffMs: BACKOFF_MS, maxRetryBackoffMs: MAX_BACKOFF_MS, timeoutMs: 2_000 };

    const launched = Date.now();
    const run = await runSdkApp(t, { sdk: { dsn: fault.dsn, debug: true, transportOptions } }, { userData, receiver: good });
    await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
    // The crash is handled: its envelope is in the queue, and only then is the dump deleted.
    await until(() => !existsSync(dump), 30_000, 'the dump left the Crashpad database');
    await sleep(6_000); // the fault lasts
    await alive(t, run);
    const lifetime = Date.now() - launched;
    const bound = backoffAttempts(lifetime, BACKOFF_MS, MAX_BACKOFF_MS) + BEFORE_BACKLOG;
    const log = run.app.stdout() + run.app.stderr();
    const clientAttempts = (log.match(FAILED) ?? []).length;
    const serverAttempts = fault.serverAttempts();
    t.log(`${clientAttempts} failed attempts in the debug log, ${serverAttempts} seen by the faulty end, over ${(lifetime / 1000).toFixed(1)} s; back-off allows ${bound}`);
    t.true(clientAttempts >= 2, 'the queue did retry');
    t.true(clientAttempts <= bound, `${clientAttempts} attempts > ${bound}`);
    t.true(serverAttempts <= bound, `${serverAttempts} attempts at the server > ${bound}`);
    fault.check?.(t);
    t.is(run.events().filter(isCrash).length, 0, 'nothing arrived while the fault lasted');

    const next = fault.clear();
    let receivedBy = run;
    if (next !== 'same-run') {
      t.is((await run.app.quit()).code, 0, 'the app quits normally with the crash still queued');
      receivedBy = await runSdkApp(t, { sdk: { dsn: next, transportOptions } }, { userData, receiver: good });
    }
    const { event } = await receivedBy.waitForEvent(isCrash, 30_000);
    t.is(event.exception?.values?.[0]?.type, 'SIGSEGV');
    await sleep(3_000); // a second delivery would come within the back-off
    t.is(good.envelopes.filter((e) => e.items.some((i) => i.type === 'event' && (i.payload as Event).platform === 'native')).length, 1, 'exactly once');
    await alive(t, receivedBy);
  });
}
