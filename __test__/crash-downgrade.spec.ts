import test from 'ava';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sendCrash, type CrashSenderDeps } from '../ts/transport/crash-send';
import type { Deliverer } from '../ts/transport/deliver';
import { DurableQueue } from '../ts/transport/queue';
import { readEntry } from '../ts/transport/queue-entry';
import { SENTRY_SIZE_LIMITS } from '../ts/transport/size-policy';
import { stripMinidumpMemory, writeEnvelope } from '../ts/envelope/native-envelope';
import { FIXTURES } from './helpers/fixtures';
import { scratchDir } from './helpers/transport';

const DUMP = join(FIXTURES, 'null_write.dmp');

function deps(queue: DurableQueue, over: Partial<CrashSenderDeps['native']> = {}): CrashSenderDeps {
  return {
    native: { writeEnvelope: (spec, p) => writeEnvelope(spec as never, p), stripMinidumpMemory, ...over },
    // Every form is refused as too large: the downgrade is what is tested.
    deliverer: { deliverFile: async () => 'too-large' } as unknown as Deliverer,
    queue,
    canStrip: true,
    sizeLimits: { ...SENTRY_SIZE_LIMITS },
    header: {},
    onRetry: () => undefined,
    onSent: () => undefined,
    isBacklogged: () => false,
    log: () => undefined,
    recordDroppedEvent: () => undefined,
  };
}

const minidumpItems = (env: Awaited<ReturnType<typeof readEntry>>) =>
  (env[1] as Array<[Record<string, unknown>, unknown]>).filter(([h]) => h.attachment_type === 'event.minidump');

test('downgrade: the smaller form is queued before the larger one is removed (death in between loses nothing)', async (t) => {
  const dir = scratchDir(t);
  const queue = new DurableQueue({ dir });
  const event_id = randomUUID().replace(/-/g, '');
  let writes = 0;
  let seenAtSecondWrite: string[] = [];
  const result = sendCrash(
    deps(queue, {
      writeEnvelope: async (spec, p) => {
        writes++;
        if (writes === 2) {
          // The process "dies" here, between the two forms: what is on disk at this moment is what survives.
          seenAtSecondWrite = [...readdirSync(join(dir, 'entries')), ...readdirSync(join(dir, 'sending'))];
          throw new Error('injected: died while writing the stripped form');
        }
        return writeEnvelope(spec as never, p);
      },
    }),
    { event: { event_id, message: 'kept' }, minidumpPath: DUMP },
  );
  await t.throwsAsync(result, { message: /injected/ });
  t.is(seenAtSecondWrite.filter((n) => n.includes('.c.')).length, 1, 'the full form still existed while the smaller one was being written');
  // The failure gave the claim back: the crash waits in the queue in its full form.
  const waiting = await queue.list();
  t.is(waiting.length, 1);
  t.true(waiting[0]!.crash);
  const env = await readEntry(queue.entryPath(waiting[0]!));
  t.is((env[0] as { event_id?: string }).event_id, event_id);
  t.is(minidumpItems(env).length, 1);
  t.deepEqual(readdirSync(join(dir, 'sending')), []);
});

test('downgrade: each step leaves exactly one entry; a crash too large in every form ends with none', async (t) => {
  const dir = scratchDir(t);
  const queue = new DurableQueue({ dir });
  const counts: number[] = [];
  const d = deps(queue);
  const base = d.native.writeEnvelope;
  d.native.writeEnvelope = async (spec, p) => {
    counts.push(readdirSync(join(dir, 'entries')).length + readdirSync(join(dir, 'sending')).length);
    return base(spec, p);
  };
  const result = await sendCrash(d, { event: { message: 'too big' }, minidumpPath: DUMP });
  t.like(result, { outcome: 'dropped', form: 'without-minidump' });
  t.deepEqual(counts, [0, 1, 1], 'the larger form is on disk whenever a smaller one is written');
  t.deepEqual(await queue.list(), []);
  t.false(existsSync(join(dir, 'sending')) && readdirSync(join(dir, 'sending')).length > 0);
});
