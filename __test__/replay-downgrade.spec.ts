import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DurableQueue } from '../ts/transport/queue';
import { downgradeEnvelopeFile, writeEnvelope } from '../ts/envelope/native-envelope';
import { parseMinidump } from '../ts/native/parse';
import { FIXTURES } from './helpers/fixtures';
import { dumpWithHeap, minidumpOf, receiverWithTransport, scratchDir } from './helpers/transport';

const DUMP = join(FIXTURES, 'null_write.dmp');

/** A crash entry as an earlier process's `sendCrash` left it: written natively into the queue, marked `.c.`. */
async function queuedCrash(queueDir: string, dump: string, message: string): Promise<string> {
  const event_id = randomUUID().replace(/-/g, '');
  const spec = {
    header: { event_id },
    items: [
      { type: 'event', json: { event_id, level: 'fatal', message } },
      { type: 'attachment', bytes: Buffer.from('log line\n'), filename: 'app.log' },
      { type: 'attachment', path: dump, filename: 'crash.dmp', attachmentType: 'event.minidump' },
    ],
    gzip: true,
  };
  await new DurableQueue({ dir: queueDir }).pushFile(true, ['error', 'attachment'], (tmp) => writeEnvelope(spec, tmp));
  return event_id;
}

/** Records every `fs.promises.readFile` of a queue entry under `dir` (the lock file is small, and allowed). */
function watchReads(t: ExecutionContext, dir: string): string[] {
  const reads: string[] = [];
  const original = nodeFs.promises.readFile;
  nodeFs.promises.readFile = ((file: unknown, ...rest: unknown[]) => {
    if (typeof file === 'string' && file.startsWith(dir) && file.includes('.env.gz')) reads.push(file);
    return (original as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof original;
  t.teardown(() => {
    nodeFs.promises.readFile = original;
  });
  return reads;
}

async function replay(t: ExecutionContext, queueDir: string, rejections: number) {
  const { receiver, transport, drops } = await receiverWithTransport(t, { queueDir });
  receiver.setBehaviour({ kind: '413' }, { times: rejections });
  await transport.drain();
  const [got] = await receiver.waitForEnvelopes(1);
  return { receiver, transport, drops, got: got! };
}

test.serial('a replayed crash entry refused with 413 is re-sent with its minidump stripped, file to file', async (t) => {
  const queueDir = scratchDir(t);
  const dump = (await dumpWithHeap(scratchDir(t, 'heap-'), 2)).path;
  const eventId = await queuedCrash(queueDir, dump, 'replayed');
  const reads = watchReads(t, queueDir);
  const { receiver, transport, got } = await replay(t, queueDir, 1);
  t.deepEqual(receiver.requests.map((r) => r.status), [413, 200]);
  t.is(got.headers.event_id, eventId);
  const minidump = minidumpOf(got)!;
  t.truthy(minidump, 'the minidump is still there');
  t.true(minidump.payload.length < statSync(dump).size - 1024 * 1024, 'its appended heap is gone');
  t.is(minidump.headers.length, minidump.payload.length);
  const report = await parseMinidump(minidump.payload);
  t.truthy(report.crash, 'the stripped dump still parses, with its crash');
  t.true(got.items.some((i) => i.headers.filename === 'app.log'), 'other attachments stay');
  t.deepEqual(reads, [], 'the entry was never read into the JS heap');
  t.deepEqual(await transport.queue!.list(), []);
  t.deepEqual(readdirSync(join(queueDir, 'tmp')), [], 'no scratch file left behind');
  t.deepEqual(readdirSync(join(queueDir, 'sending')), []);
});

test.serial('413 twice on a replayed crash entry: it arrives without its minidump (counted)', async (t) => {
  const queueDir = scratchDir(t);
  const eventId = await queuedCrash(queueDir, DUMP, 'bare');
  const reads = watchReads(t, queueDir);
  const { receiver, transport, drops, got } = await replay(t, queueDir, 2);
  t.deepEqual(receiver.requests.map((r) => r.status), [413, 413, 200]);
  t.is(got.headers.event_id, eventId);
  t.is(minidumpOf(got), undefined);
  t.true(got.items.some((i) => i.headers.filename === 'app.log'));
  t.true(drops.some((d) => d.category === 'attachment'));
  t.deepEqual(reads, []);
  t.deepEqual(await transport.queue!.list(), []);
  t.deepEqual(readdirSync(join(queueDir, 'tmp')), []);
});

test('downgradeEnvelopeFile rejects an unknown mode and a missing source', async (t) => {
  const dir = scratchDir(t);
  await t.throwsAsync(downgradeEnvelopeFile(join(dir, 'a'), join(dir, 'b'), 'nope' as never), { code: 'ERR_INVALID_ARGUMENT' } as never);
  await t.throwsAsync(downgradeEnvelopeFile(join(dir, 'missing.env.gz'), join(dir, 'b'), 'drop-minidump'), { code: 'ERR_IO' } as never);
});
