/**
 * A native crash meets a hostile network, through the transport alone (Node's http/https): a connection cut in the
 * middle of the body, a server that trickles its answer a byte at a time, TLS that cannot be trusted (a
 * self-signed certificate; HTTPS to a plain HTTP server), a host that does not resolve. For each: `sendCrash`
 * resolves (`queued`) and nothing throws, the attempts stay within the exponential back-off (counted at the
 * server and in the transport's log), nothing reaches a server the client must not trust, and once the fault is
 * gone (the server back to normal; the DSN fixed at the next start) the crash arrives exactly once, dump intact.
 *
 * What transport.spec.ts and send-crash.spec.ts already prove is not repeated: ordinary envelopes through 5xx,
 * resets, a refused port and an idle timeout; a crash through one 500.
 */
import test, { type ExecutionContext } from 'ava';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../ts/receiver';
import { endpointFromDsn, makeNativeTransport, type NativeTransport } from '../ts/transport';
import { backoffAttempts, refusedServer, startPlainHttp, startUntrustedTls, UNRESOLVABLE_DSN } from './helpers/fault-servers';
import { FIXTURES } from './helpers/fixtures';
import { dropRecorder, minidumpOf, scratchDir, sleep, until } from './helpers/transport';

const DUMP = join(FIXTURES, 'null_write.dmp');
const DUMP_SHA = createHash('sha256').update(readFileSync(DUMP)).digest('hex');
const BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 800;
/** How long the fault is watched after the crash was queued. */
const WINDOW_MS = 4_000;
const TIMEOUT_MS = 1_000;

/** A failed attempt, as the transport logs it (a streamed crash entry, or an envelope through @sentry/core). */
const FAILED = /not delivered \(network\)/;

interface Fault {
  /** The URL the transport is given while the fault lasts. */
  url: string;
  /** Attempts the server saw (connections or requests), when it can see them. */
  serverAttempts?: () => number;
  /** Checks made while the fault lasts (e.g. nothing reached an untrusted server). */
  check?: (t: ExecutionContext) => void;
  /** Ends the fault. `'same-run'`: the server is back and the running transport delivers; a URL: the next start's DSN. */
  clear: () => 'same-run' | string;
}

async function receiver(t: ExecutionContext): Promise<Receiver> {
  const r = await startReceiver({ lifetimeMs: 60_000 });
  t.teardown(() => r.close());
  return r;
}

const url = (dsn: string) => endpointFromDsn(dsn)!.url;

/** Entries waiting in the queue folder plus those claimed by an attempt in flight. */
const inQueue = (queueDir: string): number =>
  ['entries', 'sending'].reduce((n, d) => n + readdirSync(join(queueDir, d)).filter((f) => f.includes('.env.gz')).length, 0);

const FAULTS: Record<string, (t: ExecutionContext, good: Receiver) => Promise<Fault>> = {
  'connection reset in the middle of the body': async (_t, good) => {
    good.setBehaviour({ kind: 'reset' });
    return {
      url: url(good.dsn),
      serverAttempts: () => good.requests.filter((r) => r.status === 'reset').length,
      clear: () => (good.setBehaviour({ kind: 'accept' }), 'same-run'),
    };
  },
  'a server that trickles its answer a byte at a time': async (_t, good) => {
    good.setBehaviour({ kind: 'trickle', intervalMs: 50 });
    return {
      url: url(good.dsn),
      serverAttempts: () => good.requests.filter((r) => r.status === 'trickle').length,
      clear: () => (good.setBehaviour({ kind: 'accept' }), 'same-run'),
    };
  },
  'TLS: a self-signed certificate (a man in the middle)': async (t, good) => {
    const mitm = await startUntrustedTls(t);
    return { url: url(mitm.dsn), clear: () => url(good.dsn), ...refusedServer(mitm, 'no envelope was handed to the untrusted server') };
  },
  'TLS: an https DSN pointing at a plain HTTP server': async (t, good) => {
    const plain = await startPlainHttp(t);
    return { url: url(plain.dsn), clear: () => url(good.dsn), ...refusedServer(plain, 'nothing was sent in the clear') };
  },
  'DNS: a DSN host that does not resolve': async (_t, good) => ({ url: url(UNRESOLVABLE_DSN), clear: () => url(good.dsn) }),
};

function transport(t: ExecutionContext, target: string, queueDir: string, logs: string[], startup: boolean): NativeTransport {
  const { recordDroppedEvent } = dropRecorder();
  const tr = makeNativeTransport({
    url: target,
    recordDroppedEvent,
    queueDir,
    log: (m) => void logs.push(m),
    replayGapMs: 0,
    retryBackoffMs: BACKOFF_MS,
    maxRetryBackoffMs: MAX_BACKOFF_MS,
    timeoutMs: TIMEOUT_MS,
    flushAtStartup: startup,
  });
  t.teardown(() => tr.close());
  return tr;
}

for (const [name, make] of Object.entries(FAULTS)) {
  test(`${name}: the crash is queued, retries back off, then it arrives exactly once`, async (t) => {
    t.timeout(60_000);
    const good = await receiver(t);
    const fault = await make(t, good);
    const queueDir = scratchDir(t);
    const logs: string[] = [];
    const first = transport(t, fault.url, queueDir, logs, false);

    const event = { event_id: randomUUID().replace(/-/g, ''), level: 'fatal' as const, message: `crash through: ${name}` };
    const started = Date.now();
    const result = await Promise.race([
      first.sendCrash({ event, minidumpPath: DUMP }),
      sleep(20_000).then(() => 'sendCrash did not resolve within 20 s' as const),
    ]);
    const tookMs = Date.now() - started;
    t.like(result, { outcome: 'queued', form: 'full' });
    t.true(tookMs < 10_000, `the first attempt failed after ${tookMs} ms`);
    const queued = await first.queue!.list();
    t.is(queued.length, 1);
    t.true(queued[0]!.crash, 'kept as a crash entry');

    // The fault lasts: attempts back off.
    await sleep(WINDOW_MS);
    const bound = backoffAttempts(WINDOW_MS + tookMs, BACKOFF_MS, MAX_BACKOFF_MS);
    const clientAttempts = logs.filter((l) => FAILED.test(l)).length;
    const serverAttempts = fault.serverAttempts?.();
    t.log(`first failure after ${tookMs} ms; ${clientAttempts} failed attempts in the log${serverAttempts === undefined ? '' : `, ${serverAttempts} seen by the server`}; back-off allows ${bound}`);
    t.true(clientAttempts >= 2, 'the queue did retry');
    t.true(clientAttempts <= bound, `${clientAttempts} attempts > ${bound}`);
    if (serverAttempts !== undefined) t.true(serverAttempts <= bound, `${serverAttempts} attempts at the server > ${bound}`);
    fault.check?.(t);
    t.is(inQueue(queueDir), 1, 'still queued (waiting, or claimed by an attempt in flight)');
    t.is(good.envelopes.length, 0);

    // The fault clears.
    const next = fault.clear();
    if (next !== 'same-run') {
      first.close(); // the app quits; the next start has the right DSN
      transport(t, next, queueDir, logs, true);
    }
    await good.waitForEnvelopes(1, 15_000);
    await sleep(1_500); // a second delivery would come within the back-off
    const arrived = good.envelopes.filter((e) => e.headers.event_id === event.event_id);
    t.is(arrived.length, 1, 'delivered exactly once');
    t.is(good.envelopes.length, 1);
    t.is(minidumpOf(arrived[0]!)?.sha256, DUMP_SHA, 'with the whole dump');
    await until(() => inQueue(queueDir) === 0, 5_000);
  });
}
