import test from 'ava';
import { readFileSync } from 'node:fs';
import {
  MinidumpError,
  parseMinidump,
  parseMinidumpSync,
  parseQueueStats,
  setMaxConcurrentParses,
} from '@acme/sentry-electron-native';
import { dump, HAS_CORPUS, SKIP_REASON, SYMBOLS } from './helpers/corpus';

const corpusTest = HAS_CORPUS ? test : test.skip;
// The concurrency bound is process-wide: tests that change it run alone, before the concurrent ones.
const serialCorpusTest = HAS_CORPUS ? test.serial : test.skip;
if (!HAS_CORPUS) test.skip(`corpus API tests: ${SKIP_REASON}`, () => {});

corpusTest('async and sync parses give the same report, from a path and from bytes', async (t) => {
  const path = dump('rust-minidump/linux-mini.dmp');
  const bytes = readFileSync(path);
  const fromPath = await parseMinidump(path);
  t.deepEqual(parseMinidumpSync(path), fromPath);
  t.deepEqual(await parseMinidump(bytes), fromPath);
  t.deepEqual(await parseMinidump(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), fromPath);
});

corpusTest('addresses are 0x-prefixed lowercase hex strings', async (t) => {
  const r = await parseMinidump(dump('rust-minidump/pipeline-inlines-macos-segv.dmp'));
  t.is(r.crash?.address, '0xffffffff80000042');
  const hex = /^0x[0-9a-f]+$/;
  for (const m of r.modules) t.regex(m.baseAddress, hex);
  for (const f of r.crashingThread!.frames) t.regex(f.instruction, hex);
  for (const v of Object.values(r.crashingThread!.registers)) t.regex(v, hex);
});

corpusTest('the report is plain JSON data: no buffers, so it lives inside Electronʼs V8 memory cage', async (t) => {
  const r = await parseMinidump(dump('breakpad/minidump_crashpad_annotation.dmp'));
  const kinds = new Set<string>();
  const visit = (v: unknown): void => {
    if (v === null) return void kinds.add('null');
    if (typeof v !== 'object') return void kinds.add(typeof v);
    t.false(ArrayBuffer.isView(v) || v instanceof ArrayBuffer, 'no binary values');
    t.true(Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype, 'only plain objects and arrays');
    Object.values(v).forEach(visit);
  };
  visit(r);
  t.deepEqual([...kinds].sort(), ['boolean', 'null', 'number', 'string']);
  t.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

corpusTest('symbols give function, file and line; without them the frame still has module and offset', async (t) => {
  const path = dump('symbolicator/windows.dmp');
  const bare = await parseMinidump(path);
  t.is(bare.crashingThread!.frames[0]!.function, null);
  t.is(bare.crashingThread!.frames[0]!.module, 'crash.exe');
  const sym = await parseMinidump(path, { symbols: [SYMBOLS] });
  const f0 = sym.crashingThread!.frames[0]!;
  t.is(f0.function, 'main');
  t.true(f0.file!.endsWith('main.cpp'));
  t.is(f0.line, 35);
  t.true(sym.modules.find((m) => m.codeFile.endsWith('crash.exe'))!.symbolsLoaded);
});

corpusTest('only the crashing thread is walked unless allThreads or threadIds ask for more', async (t) => {
  const path = dump('breakpad/tiny-exe-fastfail.dmp');
  const r = await parseMinidump(path);
  t.is(r.threads.length, 4);
  t.true(r.threads.every((th) => th.frames === null));
  const all = await parseMinidump(path, { allThreads: true });
  t.true(all.threads.every((th) => Array.isArray(th.frames) && th.frames.length > 0));
  const other = r.threads.find((th) => th.id !== r.crash!.threadId)!;
  const some = await parseMinidump(path, { threadIds: [other.id] });
  t.deepEqual(
    some.threads.filter((th) => th.frames !== null).map((th) => th.id),
    [other.id],
  );
  t.deepEqual(some.threads.find((th) => th.id === other.id)!.frames, all.threads.find((th) => th.id === other.id)!.frames);
});

corpusTest('maxFrames cuts the walk and says so', async (t) => {
  const r = await parseMinidump(dump('symbolic/crash_linux.dmp'), { maxFrames: 3 });
  t.is(r.crashingThread!.frames.length, 3);
  t.true(r.crashingThread!.framesTruncated);
});

test('bad input rejects with a typed error, never anything else', async (t) => {
  const cases: Array<[unknown, MinidumpError['code']]> = [
    ['/definitely/not/here.dmp', 'ERR_IO'],
    [Buffer.from('this is not a minidump at all'), 'ERR_NOT_A_MINIDUMP'],
    [Buffer.alloc(0), 'ERR_INVALID_MINIDUMP'],
    [Buffer.from('MDM'), 'ERR_INVALID_MINIDUMP'],
    [Buffer.concat([Buffer.from('MDMP'), Buffer.alloc(60, 0xff)]), 'ERR_INVALID_MINIDUMP'],
    [42, 'ERR_INVALID_ARGUMENT'],
    ['', 'ERR_INVALID_ARGUMENT'],
  ];
  for (const [input, code] of cases) {
    const err = await t.throwsAsync(parseMinidump(input as string), { instanceOf: MinidumpError });
    t.is(err?.code, code, String(input));
    const syncErr = t.throws(() => parseMinidumpSync(input as string), { instanceOf: MinidumpError });
    t.is(syncErr?.code, code, `sync ${String(input)}`);
  }
});

corpusTest('the invalid corpus dumps give ERR_INVALID_MINIDUMP', async (t) => {
  for (const name of ['rust-minidump/invalid-range.dmp', 'rust-minidump/invalid-record-count.dmp']) {
    const err = await t.throwsAsync(parseMinidump(dump(name)), { instanceOf: MinidumpError });
    t.is(err?.code, 'ERR_INVALID_MINIDUMP');
  }
});

corpusTest('maxInputBytes refuses large inputs before reading them', async (t) => {
  const err = await t.throwsAsync(parseMinidump(dump('rust-minidump/test.dmp'), { maxInputBytes: 1024 }), { instanceOf: MinidumpError });
  t.is(err?.code, 'ERR_TOO_LARGE');
  const fromBytes = await t.throwsAsync(parseMinidump(Buffer.alloc(2048), { maxInputBytes: 1024 }), { instanceOf: MinidumpError });
  t.is(fromBytes?.code, 'ERR_TOO_LARGE');
});

test('an aborted signal rejects with ERR_ABORTED', async (t) => {
  const controller = new AbortController();
  controller.abort();
  const err = await t.throwsAsync(parseMinidump('/any.dmp', { signal: controller.signal }), { instanceOf: MinidumpError });
  t.is(err?.code, 'ERR_ABORTED');
});

serialCorpusTest('abort while queued behind the concurrency bound rejects without running', async (t) => {
  setMaxConcurrentParses(1);
  try {
    const path = dump('breakpad/minidump_crashpad_annotation.dmp');
    const controller = new AbortController();
    const first = parseMinidump(path);
    const queued = parseMinidump(path, { signal: controller.signal });
    controller.abort();
    const err = await t.throwsAsync(queued, { instanceOf: MinidumpError });
    t.is(err?.code, 'ERR_ABORTED');
    t.is((await first).modules.length, 354);
  } finally {
    setMaxConcurrentParses(2);
  }
});

serialCorpusTest('concurrent parses never exceed the configured bound', async (t) => {
  setMaxConcurrentParses(1);
  try {
    const all = Array.from({ length: 6 }, () => parseMinidump(dump('rust-minidump/test.dmp')));
    t.deepEqual(parseQueueStats(), { active: 1, queued: 5, limit: 1 });
    let maxActive = 0;
    const poll = setInterval(() => (maxActive = Math.max(maxActive, parseQueueStats().active)), 0);
    const reports = await Promise.all(all);
    clearInterval(poll);
    t.is(maxActive, 1);
    for (const r of reports) t.deepEqual(r, reports[0]);
    t.deepEqual(parseQueueStats(), { active: 0, queued: 0, limit: 1 });
  } finally {
    setMaxConcurrentParses(2);
  }
  t.throws(() => setMaxConcurrentParses(0), { instanceOf: MinidumpError });
});
