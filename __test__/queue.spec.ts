import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { DurableQueue, endpointFromDsn, makeNativeTransport, type EntryInfo } from '../ts/transport';
import { startReceiver } from '../ts/receiver';
import { crashEnvelope, dropRecorder, eventEnvelope, scratchDir } from './helpers/transport';

test('capped by bytes: the oldest non-crash entries go first; a crash is never dropped for a lesser envelope', async (t) => {
  const dropped: EntryInfo[] = [];
  const dir = scratchDir(t);
  // Room for three crash entries and nothing more: measured, since gzip adds a few bytes to incompressible dumps.
  const first = await new DurableQueue({ dir }).push(crashEnvelope('crash0', 20_000));
  const crashSize = statSync(path.join(dir, 'entries', first.name)).size;
  const queue = new DurableQueue({ dir, maxBytes: 3 * crashSize + 30, onDrop: (e) => void dropped.push(e) });
  await queue.push(eventEnvelope('e1', 0));
  await queue.push(crashEnvelope('crash1', 20_000));
  await queue.push(eventEnvelope('e2', 0));
  t.is((await queue.list()).length, 4);
  await queue.push(crashEnvelope('crash2', 20_000)); // 3 crashes of ~20 kB: both events must go, no crash
  const left = await queue.list();
  t.deepEqual(left.map((e) => e.crash), [true, true, true]);
  t.deepEqual(dropped.map((e) => e.crash), [false, false]);
  await queue.push(eventEnvelope('lesser', 0)); // no room: the newcomer goes, not a crash
  t.deepEqual((await queue.list()).map((e) => e.crash), [true, true, true]);
  t.is(dropped.length, 3);
  t.false(dropped[2]!.crash);
  await queue.push(crashEnvelope('crash3', 20_000)); // a crash for a crash: the oldest crash goes
  const names = (await queue.list()).map((e) => e.name);
  t.false(names.includes(left[0]!.name));
  t.is(names.length, 3);
});

test('capped by age: expired entries are dropped, crash or not', async (t) => {
  let now = Date.now();
  const dropped: string[] = [];
  const queue = new DurableQueue({ dir: scratchDir(t), maxAgeMs: 1000, now: () => now, onDrop: (_e, why) => void dropped.push(why) });
  await queue.push(crashEnvelope('old crash', 100));
  await queue.push(eventEnvelope('old'));
  now += 2000;
  await queue.push(eventEnvelope('new'));
  t.is((await queue.list()).length, 1);
  t.deepEqual(dropped, ['expired', 'expired']);
});

test('queue drops are counted for the client report', async (t) => {
  const { drops, recordDroppedEvent } = dropRecorder();
  const transport = makeNativeTransport({
    url: 'http://127.0.0.1:1/api/1/envelope/?sentry_key=public', // nothing listens on port 1
    recordDroppedEvent, queueDir: scratchDir(t), maxQueueBytes: 200, flushAtStartup: false, retryBackoffMs: 60_000, log: () => undefined,
  });
  t.teardown(() => transport.close());
  await transport.send(eventEnvelope('a', 1000));
  await transport.send(eventEnvelope('b', 1000));
  t.deepEqual(drops, [{ reason: 'queue_overflow', category: 'error', quantity: 1 }]);
  t.is((await transport.queue!.list()).length, 1);
});

test('entries are gzipped files named by time then sequence; a damaged one is deleted, never sent', async (t) => {
  const dir = scratchDir(t);
  const receiver = await startReceiver({ lifetimeMs: 30_000 });
  t.teardown(() => receiver.close());
  const queue = new DurableQueue({ dir });
  const a = await queue.push(eventEnvelope('first'));
  const b = await queue.push(eventEnvelope('second'));
  t.true(a.name < b.name);
  t.regex(a.name, /^\d{13}-\d{6}-\d+-[0-9a-f]+\.n\.error\.env\.gz$/);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(dir, 'entries', a.name), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2])); // truncated gzip
  const { drops, recordDroppedEvent } = dropRecorder();
  const transport = makeNativeTransport({ url: endpointFromDsn(receiver.dsn)!.url, recordDroppedEvent, queueDir: dir, replayGapMs: 0, log: () => undefined });
  t.teardown(() => transport.close());
  await receiver.waitForEnvelopes(1);
  t.is(receiver.requests.length, 1);
  t.deepEqual(drops, [{ reason: 'internal_sdk_error', category: 'default', quantity: 1 }]);
});

test('ENOSPC from an injected writer: logged, counted, no throw into the caller', async (t) => {
  const logs: string[] = [];
  const { drops, recordDroppedEvent } = dropRecorder();
  const transport = makeNativeTransport({
    url: 'http://127.0.0.1:1/api/1/envelope/?sentry_key=public',
    recordDroppedEvent, queueDir: scratchDir(t), flushAtStartup: false, log: (m, e) => void logs.push(`${m}: ${(e as Error)?.message}`),
    queueWriter: async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  });
  t.teardown(() => transport.close());
  await t.notThrowsAsync(() => Promise.resolve(transport.send(eventEnvelope('lost'))));
  t.true(logs.some((l) => l.includes('could not queue') && l.includes('ENOSPC')));
  t.deepEqual(drops, [{ reason: 'network_error', category: 'error', quantity: 1 }]);
  t.deepEqual(await transport.queue!.list(), []);
});

test('ENOSPC on a real 64 kB tmpfs: logged, no crash, earlier entries intact, no temporary file left', async (t) => {
  const dir = scratchDir(t, 'tmpfs-');
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    t.log('cannot mount a tmpfs here (not root?): the injected ENOSPC test covers this');
    t.pass();
    return;
  }
  t.teardown(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const logs: string[] = [];
  const transport = makeNativeTransport({
    url: 'http://127.0.0.1:1/api/1/envelope/?sentry_key=public',
    recordDroppedEvent: () => undefined, queueDir: dir, flushAtStartup: false, retryBackoffMs: 60_000, maxQueueBytes: 1 << 30,
    log: (m, e) => void logs.push(`${m}: ${(e as NodeJS.ErrnoException)?.code} ${(e as Error)?.message}`),
  });
  t.teardown(() => transport.close());
  await transport.send(eventEnvelope('fits', 100));
  await transport.send(crashEnvelope('does not fit', 200_000));
  // ENOSPC from the JS writer, ERR_IO "No space left on device" from the native one.
  t.true(logs.some((l) => l.includes('could not queue') && /ENOSPC|no space left/i.test(l)), logs.join('\n'));
  const entries = await transport.queue!.list();
  t.is(entries.length, 1);
  const { readdirSync } = await import('node:fs');
  t.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
});
