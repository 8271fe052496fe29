import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseEnvelope } from '@sentry/core';
import {
  buildEnvelope,
  buildEnvelopeSync,
  MinidumpError,
  parseMinidump,
  stripMinidumpMemory,
  stripMinidumpMemorySync,
  writeEnvelope,
  writeEnvelopeSync,
  type EnvelopeSpec,
} from '@acme/sentry-electron-native';
import { dump, HAS_CORPUS } from './helpers/corpus';
import { FIXTURES } from './helpers/fixtures';

const DUMP = join(FIXTURES, 'null_write.dmp');
const LIVE = join(FIXTURES, 'live_node.dmp');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const tmp = () => mkdtempSync(join(tmpdir(), 'envelope-spec-'));
const EVENT = { event_id: '9ec79c33ec9942ab8353589fcb2e04dc', level: 'fatal', message: 'crash\nwith é and \u2028', tags: { a: 1 } };
const HEADER = { event_id: EVENT.event_id, dsn: 'https://key@o1.ingest.sentry.io/1', sent_at: '2025-01-01T00:00:00.000Z' };

/** A dump with MiB of pseudo-heap appended, made by the bench's generator (deterministic). */
async function heapDump(dir: string, mib: number): Promise<string> {
  const generator = pathToFileURL(join(__dirname, '..', 'bench', 'make-big-dump.mjs')).href;
  const { makeBigDump } = (await import(generator)) as {
    makeBigDump: (o: { base: string; out: string; mib: number; regionMib: number }) => { out: string };
  };
  return makeBigDump({ base: DUMP, out: join(dir, `heap-${mib}.dmp`), mib, regionMib: 1 }).out;
}

function spec(attachment: { path: string } | { bytes: Uint8Array }, extra: Partial<EnvelopeSpec> = {}): EnvelopeSpec {
  return {
    header: HEADER,
    items: [
      { type: 'event', json: EVENT },
      { type: 'attachment', ...attachment, filename: 'crash.dmp', contentType: 'application/octet-stream', attachmentType: 'event.minidump' },
    ],
    ...extra,
  };
}

/** What `@sentry/core` reads back: JSON items decoded (they carry a length, so they come back as bytes). */
function parsed(envelope: Uint8Array) {
  const [header, items] = parseEnvelope(envelope);
  return {
    header,
    items: items.map(([h, p]) => ({
      header: h,
      body: p instanceof Uint8Array && h.type !== 'attachment' ? JSON.parse(Buffer.from(p).toString('utf8')) : p,
    })),
  };
}

function checkEnvelope(t: import('ava').ExecutionContext, envelope: Uint8Array, dumpBytes: Buffer) {
  const { header, items } = parsed(envelope);
  t.deepEqual(header, HEADER);
  t.is(items.length, 2);
  t.deepEqual(items[0]!.body, EVENT);
  t.like(items[1]!.header, { type: 'attachment', length: dumpBytes.length, filename: 'crash.dmp', content_type: 'application/octet-stream', attachment_type: 'event.minidump' });
  t.is(sha256(items[1]!.body as Uint8Array), sha256(dumpBytes), 'attachment bytes identical');
}

test('an event and a real minidump, from a path or from bytes, read back with @sentry/core', async (t) => {
  const bytes = readFileSync(DUMP);
  const fromPath = await buildEnvelope(spec({ path: DUMP }));
  checkEnvelope(t, fromPath, bytes);
  t.deepEqual(await buildEnvelope(spec({ bytes })), fromPath);
  t.deepEqual(await buildEnvelope(spec({ bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) })), fromPath);
  t.deepEqual(buildEnvelopeSync(spec({ bytes })), fromPath);
});

test('gzip: gunzipped it is the plain envelope, at any level', async (t) => {
  const plain = await buildEnvelope(spec({ path: DUMP }));
  for (const gzipLevel of [undefined, 1, 9]) {
    const gz = await buildEnvelope(spec({ path: DUMP }, { gzip: true, gzipLevel }));
    t.deepEqual(gunzipSync(gz), plain);
    t.true(gz.length < plain.length);
  }
});

test('writeEnvelope: the file, its size and sha256; async and sync agree', async (t) => {
  const dir = tmp();
  const w = await writeEnvelope(spec({ path: DUMP }, { gzip: true }), join(dir, 'a.envelope'));
  const file = readFileSync(w.path);
  t.is(w.bytes, file.length);
  t.is(w.sha256, sha256(file));
  checkEnvelope(t, gunzipSync(file), readFileSync(DUMP));
  const s = writeEnvelopeSync(spec({ path: DUMP }, { gzip: true }), join(dir, 'b.envelope'));
  t.is(s.sha256, w.sha256);
  t.deepEqual(readdirSync(dir).sort(), ['a.envelope', 'b.envelope']);
  rmSync(dir, { recursive: true });
});

test('writeEnvelope is atomic: the final name never shows a partial file; errors leave no temp file', async (t) => {
  const dir = tmp();
  const big = await heapDump(dir, 24);
  const dest = join(dir, 'queued.envelope');
  const seen = new Set<number>();
  let polls = 0;
  let done = false;
  const writing = writeEnvelope(spec({ path: big }, { gzip: true, gzipLevel: 1 }), dest).finally(() => (done = true));
  while (!done) {
    polls++;
    if (existsSync(dest)) seen.add(statSync(dest).size);
    await new Promise((r) => setImmediate(r));
  }
  const w = await writing;
  t.true(polls > 1, 'the JS thread kept running while the envelope was written');
  t.true([...seen].every((size) => size === w.bytes), `sizes seen under the final name: ${[...seen]}`);
  t.is(sha256(readFileSync(dest)), w.sha256, 'the file under the final name is whole');
  const e = await t.throwsAsync(writeEnvelope(spec({ path: join(dir, 'absent.dmp') }), join(dir, 'never.envelope')), { instanceOf: MinidumpError });
  t.is(e?.code, 'ERR_IO');
  t.throws(() => writeEnvelopeSync(spec({ path: join(dir, 'absent.dmp') }), join(dir, 'never.envelope')), { instanceOf: MinidumpError });
  t.deepEqual(readdirSync(dir).sort(), ['heap-24.dmp', 'queued.envelope'], 'no temp file, no partial envelope');
  const noDir = await t.throwsAsync(writeEnvelope(spec({ path: DUMP }), join(dir, 'no/such/dir.envelope')));
  t.is((noDir as MinidumpError).code, 'ERR_IO');
  rmSync(dir, { recursive: true });
});

test('bad specs are ERR_INVALID_ARGUMENT before any work', async (t) => {
  const code = async (p: Promise<unknown>) => ((await t.throwsAsync(p, { instanceOf: MinidumpError })) as MinidumpError).code;
  t.is(await code(buildEnvelope({ header: [] as never, items: [] })), 'ERR_INVALID_ARGUMENT');
  t.is(await code(buildEnvelope({ header: {}, items: [{ type: 'x', json: {}, path: DUMP } as never] })), 'ERR_INVALID_ARGUMENT');
  t.is(await code(buildEnvelope(spec({ path: DUMP }, { gzip: true, gzipLevel: 12 }))), 'ERR_INVALID_ARGUMENT');
  t.is(await code(buildEnvelope({ header: {}, items: [{ type: '', json: {} }] })), 'ERR_INVALID_ARGUMENT');
  t.is(await code(writeEnvelope(spec({ path: DUMP }), '')), 'ERR_INVALID_ARGUMENT');
});

test('stripMinidumpMemory drops heap, keeps stacks: same crash, same top frame, much smaller', async (t) => {
  const dir = tmp();
  const src = await heapDump(dir, 8);
  const dst = join(dir, 'stripped.dmp');
  const out = await stripMinidumpMemory(src, dst);
  t.is(out.bytes, statSync(dst).size);
  t.true(out.bytes < statSync(src).size / 100, `${out.bytes} bytes left of ${statSync(src).size}`);
  t.true(out.droppedRegions >= 8);
  const [before, after] = [await parseMinidump(src), await parseMinidump(dst)];
  t.truthy(before.crash);
  t.deepEqual(after.crash, before.crash);
  t.deepEqual(after.crashingThread?.frames[0], before.crashingThread?.frames[0]);
  t.deepEqual(after.crashingThread?.frames, before.crashingThread?.frames);
  rmSync(dir, { recursive: true });
});

test('stripMinidumpMemory on the live Node.js dump: every thread still walks', async (t) => {
  const dir = tmp();
  const out = stripMinidumpMemorySync(LIVE, join(dir, 'live.dmp'));
  t.true(out.bytes <= statSync(LIVE).size + 256);
  const [before, after] = [await parseMinidump(LIVE, { allThreads: true }), await parseMinidump(join(dir, 'live.dmp'), { allThreads: true })];
  t.deepEqual(after.threads, before.threads);
  t.deepEqual(after.crash, before.crash);
  const junk = join(dir, 'junk');
  writeFileSync(junk, 'not a dump');
  t.is((await t.throwsAsync(stripMinidumpMemory(junk, join(dir, 'x.dmp')), { instanceOf: MinidumpError }))?.code, 'ERR_NOT_A_MINIDUMP');
  rmSync(dir, { recursive: true });
});

(HAS_CORPUS ? test : test.skip)('stripMinidumpMemory on a Windows dump with heap regions', async (t) => {
  const dir = tmp();
  const src = dump('breakpad/tiny-exe-fastfail.dmp');
  const out = await stripMinidumpMemory(src, join(dir, 'fastfail.dmp'));
  t.true(out.bytes < statSync(src).size / 2);
  t.deepEqual({ kept: out.keptRegions, dropped: out.droppedRegions }, { kept: 4, dropped: 10 });
  const [before, after] = [await parseMinidump(src), await parseMinidump(join(dir, 'fastfail.dmp'))];
  t.deepEqual(after.crash, before.crash);
  t.deepEqual(after.crashingThread?.frames[0], before.crashingThread?.frames[0]);
  rmSync(dir, { recursive: true });
});
