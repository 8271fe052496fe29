/**
 * A crash loop as main sees it: 200 finished dumps appear at once in the Crashpad database of a running app whose
 * Sentry is unreachable. The per-session cap holds (10 crashes go through the pipeline, the other 190 are counted
 * and deleted unread), the offline queue stays within its byte budget, every dump is handled and deleted, and the
 * app quits cleanly afterwards.
 *
 * How much of main's JS thread this takes (at most 5 ms in any 100 ms window) is a measurement, not an assertion:
 * bench/crash-loop.mjs runs this same scenario with the app's main-thread meter and records it in bench/RESULTS.md.
 * CPU time per window depends on how busy the host is as much as on the code, and a test must not.
 */
import test from 'ava';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startReceiver } from '../ts/receiver';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { nativeCrashSkipReason, runSdkApp, scratch } from './helpers/sdk-app';

const skip = nativeCrashSkipReason();
const loopTest = skip ? test.skip : test;
if (skip) test.skip(`crash loop test skipped: ${skip}`, () => {});

const DUMPS = 200;
const CAP = 10; // the default maxNativeCrashesPerSession
/** Room for about three crash entries of the fixture dump (~7 KiB gzipped each): most of the 10 must be evicted. */
const MAX_QUEUE_BYTES = 24 * 1024;

/** Bytes of every file under `dir` (0 when it does not exist), and the largest file. */
function folderBytes(dir: string): { total: number; largest: number } {
  let total = 0;
  let largest = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      try {
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else (total += s.size), (largest = Math.max(largest, s.size));
      } catch {
        // gone between readdir and stat
      }
    }
  };
  walk(dir);
  return { total, largest };
}

loopTest('200 dumps at once: the cap holds, the queue keeps its budget, every dump is handled and deleted, the app quits cleanly', async (t) => {
  t.timeout(115_000);
  const userData = scratch(t);
  // Sentry is down: a port that was just closed refuses every connection.
  const gone = await startReceiver({ lifetimeMs: 10_000 });
  const dsn = gone.dsn;
  await gone.close();

  // The queue's retries (every 5 s, doubling, while Sentry is down) are the transport's business, bounded and
  // counted in __test__/transport-faults.spec.ts: the first one is set after this test's end, so that what this
  // test sees is the handling of the dumps.
  const sdk = { dsn, maxQueueBytes: MAX_QUEUE_BYTES, transportOptions: { retryBackoffMs: 90_000 } };
  const run = await runSdkApp(t, { sdk, quietBeforeSend: true }, { userData });
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  // The same sequence as bench/crash-loop.mjs: a main-process event first, then the dumps.
  run.app.send({ cmd: 'capture-main', message: 'first event of the session' });
  await run.app.waitForMessage((m) => m.type === 'captured', 10_000);

  const completed = join(userData, 'Crashpad', 'completed');
  const queueDir = join(userData, 'sentry', 'queue');
  const ids = Array.from({ length: DUMPS }, () => randomUUID());
  let peak = { total: 0, largest: 0 };
  mkdirSync(completed, { recursive: true });
  const source = fixtureDump(fixtureManifest().kinds.null_write!);
  const started = Date.now();
  for (const id of ids) copyFileSync(source, join(completed, `${id}.dmp`));
  // Every dump is handled (reported or discarded, then deleted); the queue folder is watched meanwhile.
  const deadline = started + 90_000;
  while (ids.some((id) => existsSync(join(completed, `${id}.dmp`)))) {
    if (Date.now() > deadline) throw new Error(`dumps left after 90 s: ${ids.filter((id) => existsSync(join(completed, `${id}.dmp`))).length}`);
    const now = folderBytes(join(queueDir, 'entries'));
    if (now.total > peak.total) peak = now;
    await sleep(25);
  }
  t.log(`${DUMPS} dumps handled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sleep(1_000); // the last dump's bookkeeping

  const reported = run.app.messages.filter((m) => (m as { type: string }).type === 'before-send').length;
  const entries = folderBytes(join(queueDir, 'entries'));
  const whole = folderBytes(queueDir);
  t.log(`native crashes through the pipeline: ${reported} of ${DUMPS}`);
  t.log(
    `queue: ${entries.total} bytes of entries at the end (budget ${MAX_QUEUE_BYTES}; peak seen ${peak.total}, largest entry ${peak.largest}), ` +
      `${whole.total} bytes in the whole queue folder`,
  );

  t.is(reported, CAP, 'the per-session cap holds');
  t.true(entries.total <= MAX_QUEUE_BYTES, `queue entries: ${entries.total} bytes`);
  // An entry is published, then the caps are enforced: for that moment the queue holds one entry more.
  t.true(peak.total <= MAX_QUEUE_BYTES + peak.largest, `queue peak: ${peak.total} bytes`);
  t.true(whole.total <= MAX_QUEUE_BYTES + 4096, `queue folder: ${whole.total} bytes`);
  t.is((await run.app.quit()).code, 0);
});
