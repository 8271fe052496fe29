import test, { type ExecutionContext } from 'ava';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makeNativeTransport, type NativeTransportOptions } from '../ts/transport';
import { FIXTURES } from './helpers/fixtures';
import { dropRecorder, dumpWithHeap, minidumpOf, receiverWithTransport, scratchDir, sleep } from './helpers/transport';

const DUMP = join(FIXTURES, 'null_write.dmp');

const sha256File = async (file: string, range: { start?: number; end?: number } = {}) => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, range)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};
const event = (message: string) => ({ event_id: randomUUID().replace(/-/g, ''), level: 'fatal' as const, message });

const setup = (t: ExecutionContext, extra: Partial<NativeTransportOptions> = {}) =>
  receiverWithTransport(t, { retryBackoffMs: 100, ...extra });

for (const queued of [true, false]) {
  test(`a real dump sent by sendCrash arrives intact and gzipped (${queued ? 'queue folder' : 'no queue: temp folder'})`, async (t) => {
    const queueDir = queued ? scratchDir(t) : undefined;
    const { receiver, transport } = await setup(t, queueDir ? { queueDir } : {});
    const ev = event('real crash');
    const result = await transport.sendCrash({ event: ev, minidumpPath: DUMP });
    t.deepEqual(result, { eventId: ev.event_id, outcome: 'sent', form: 'full' });
    const [got] = await receiver.waitForEnvelopes(1);
    t.is(got!.contentEncoding, 'gzip');
    t.is(got!.headers.event_id, ev.event_id);
    t.like(got!.items.find((i) => i.type === 'event')!.payload as object, { message: 'real crash' });
    t.is(minidumpOf(got!)!.sha256, await sha256File(DUMP));
    if (queueDir) t.deepEqual(await transport.queue!.list(), [], 'the entry is deleted after the 2xx');
  });
}

test('receiver 500 then OK: the crash entry stays queued (marked as a crash) and is delivered once', async (t) => {
  const queueDir = scratchDir(t);
  const { receiver, transport } = await setup(t, { queueDir });
  receiver.setBehaviour({ kind: '500' }, { times: 1 });
  const result = await transport.sendCrash({ event: event('retried'), minidumpPath: DUMP });
  t.is(result.outcome, 'queued');
  const waiting = await transport.queue!.list();
  t.is(waiting.length, 1);
  t.true(waiting[0]!.crash);
  t.regex(waiting[0]!.name, /\.c\.error\+attachment\.env\.gz$/);
  await receiver.waitForEnvelopes(1);
  await sleep(400); // a second delivery would come within the back-off
  t.deepEqual(receiver.requests.map((r) => r.status), [500, 200]);
  t.is(receiver.envelopes.length, 1);
  t.is(minidumpOf(receiver.envelopes[0]!)!.sha256, await sha256File(DUMP));
  t.deepEqual(await transport.queue!.list(), []);
});

test('413: written again natively with the stripped minidump, then without it', async (t) => {
  const queueDir = scratchDir(t);
  const { receiver, transport, drops } = await setup(t, { queueDir });
  const heapDump = (await dumpWithHeap(scratchDir(t, 'heap-dump-'), 2, 1)).path;
  receiver.setBehaviour({ kind: '413' }, { times: 1 });
  const first = await transport.sendCrash({ event: event('stripped'), minidumpPath: heapDump });
  t.like(first, { outcome: 'sent', form: 'stripped' });
  const [got] = await receiver.waitForEnvelopes(1);
  const dump = minidumpOf(got!)!;
  t.is(dump.payload.subarray(0, 4).toString('latin1'), 'MDMP');
  t.true(dump.payload.length < statSync(heapDump).size - 1024 * 1024, 'the appended heap is gone');

  receiver.setBehaviour({ kind: '413' }, { times: 2 });
  const second = await transport.sendCrash({ event: event('bare'), minidumpPath: DUMP });
  t.like(second, { outcome: 'sent', form: 'without-minidump' });
  const all = await receiver.waitForEnvelopes(2);
  t.is(minidumpOf(all[1]!), undefined);
  t.true(drops.some((d) => d.category === 'attachment'));
  t.deepEqual(await transport.queue!.list(), []);
  t.deepEqual(readdirSync(join(queueDir, 'tmp')), [], 'no temporary file left behind');
});

test('a ~50 MB dump is streamed: the JS heap never holds a copy of it', async (t) => {
  const dir = scratchDir(t, 'big-dump-');
  const { path: big, size } = await dumpWithHeap(dir, 50, 8);
  t.true(size > 50 * 1024 * 1024);

  // A server that streams the body to disk (decompressed), so that it adds no copy of its own to the heap.
  const received = join(dir, 'received.envelope');
  const server = createServer((req, res) => {
    const encoding = req.headers['content-encoding'];
    const length = req.headers['content-length'];
    pipeline(req, createGunzip(), createWriteStream(received)).then(
      () => res.writeHead(200, { 'x-encoding': String(encoding), 'x-length': String(length) }).end('{}'),
      (e: Error) => res.writeHead(400).end(e.message),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.teardown(() => void server.close());
  const port = (server.address() as AddressInfo).port;
  const seen: string[] = [];
  server.on('request', (req) => seen.push(`${req.headers['content-encoding']} ${req.headers['content-length']}`));

  const { recordDroppedEvent } = dropRecorder();
  const transport = makeNativeTransport({
    url: `http://127.0.0.1:${port}/api/1/envelope/?sentry_key=public`,
    recordDroppedEvent,
    queueDir: join(dir, 'queue'),
    flushAtStartup: false,
    sizeLimits: { maxCompressedBytes: 1 << 30, maxAttachmentsBytes: 1 << 30, maxEnvelopeBytes: 1 << 30 },
  });
  t.teardown(() => transport.close());

  // What is measured is memory still live at each sample: garbage chunks of the stream (64 KiB each, freed at the
  // next collection) are not a copy; a 50 MB Buffer of the dump, or a body buffered ahead of the socket, would be.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakBuffers = before.arrayBuffers;
  const sampler = setInterval(() => {
    gc();
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  }, 100);
  const result = await transport.sendCrash({ event: event('big'), minidumpPath: big });
  clearInterval(sampler);
  t.like(result, { outcome: 'sent', form: 'full' });

  const MiB = 1024 * 1024;
  t.log(`heap +${((peakHeap - before.heapUsed) / MiB).toFixed(1)} MiB, arrayBuffers +${((peakBuffers - before.arrayBuffers) / MiB).toFixed(1)} MiB`);
  t.true(peakHeap - before.heapUsed < 16 * MiB, 'heapUsed grew by far less than the dump');
  // The receiver runs in this process too and holds the request's chunks while it reads them (up to ~20 MiB seen
  // on a loaded machine): the bound still fails for any copy of the 50 MB dump, which is what it is for.
  t.true(peakBuffers - before.arrayBuffers < 32 * MiB, 'arrayBuffers grew by far less than the dump');

  t.regex(seen[0]!, /^gzip \d+$/, 'gzip, with a Content-Length');
  // The minidump is the envelope's last item: its bytes end the received envelope (then a newline, or not).
  const got = statSync(received).size;
  const tail = (end: number) => sha256File(received, { start: end - size, end: end - 1 });
  t.true([await tail(got), await tail(got - 1)].includes(await sha256File(big)), 'the dump arrived byte for byte');
});
