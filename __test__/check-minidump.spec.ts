import test from 'ava';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkMinidump,
  checkMinidumpSync,
  MinidumpError,
  parseMinidump,
  type MinidumpCheck,
} from '@acme/sentry-electron-native';
import { dump, HAS_CORPUS, SKIP_REASON, validCorpusDumps } from './helpers/corpus';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';

const corpusTest = HAS_CORPUS ? test : test.skip;
if (!HAS_CORPUS) test.skip(`corpus completeness checks: ${SKIP_REASON}`, () => {});

const kinds = Object.entries(fixtureManifest().kinds);
const scratch = mkdtempSync(join(tmpdir(), 'check-minidump-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

const incomplete = (c: MinidumpCheck) => (c.complete ? null : c.code);

test('every generated fixture is complete, from a path, a Buffer and a Uint8Array, async and sync', async (t) => {
  for (const [name, kind] of kinds) {
    const path = fixtureDump(kind);
    const bytes = readFileSync(path);
    const whole = { complete: true, size: bytes.length };
    t.deepEqual(await checkMinidump(path), whole, name);
    t.deepEqual(checkMinidumpSync(path), whole, name);
    t.deepEqual(await checkMinidump(bytes), whole, name);
    t.deepEqual(checkMinidumpSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), whole, name);
  }
});

test('a fixture cut anywhere is truncated, and says what lies past its end', async (t) => {
  const bytes = readFileSync(fixtureDump(fixtureManifest().kinds.null_write!));
  const cuts = [0, 3, 31, 32, 100, 1024, 4096, bytes.length >> 1, bytes.length - 100, bytes.length - 1];
  for (const cut of cuts) {
    const c = await checkMinidump(bytes.subarray(0, cut));
    t.is(incomplete(c), 'ERR_TRUNCATED', `cut at ${cut}`);
    if (!c.complete) {
      t.is(c.size, cut);
      t.regex(c.reason, /past the end|shorter than the 32-byte header/, `cut at ${cut}: ${c.reason}`);
    }
  }
});

test('a dump being written is truncated until its last byte lands, then complete', async (t) => {
  const bytes = readFileSync(fixtureDump(fixtureManifest().kinds.thread_null_write!));
  const path = join(scratch, 'being-written.dmp');
  writeFileSync(path, '');
  const seen = new Set<string | null>();
  for (let at = 0; at < bytes.length; at += 4096) {
    appendFileSync(path, bytes.subarray(at, Math.min(at + 4096, bytes.length)));
    const c = await checkMinidump(path);
    seen.add(incomplete(c));
    if (at + 4096 < bytes.length) t.is(incomplete(c), 'ERR_TRUNCATED', `after ${at + 4096} bytes`);
  }
  t.deepEqual(await checkMinidump(path), { complete: true, size: bytes.length });
  t.deepEqual([...seen].sort(), ['ERR_TRUNCATED', null].sort());
});

test('not a minidump, an inconsistent one, and one without the streams a crash needs', async (t) => {
  t.like(await checkMinidump(Buffer.from('{"not":"a dump"}')), { complete: false, code: 'ERR_NOT_A_MINIDUMP' });
  const bytes = Buffer.from(readFileSync(fixtureDump(fixtureManifest().kinds.abort!)));
  const badVersion = Buffer.from(bytes);
  badVersion.writeUInt16LE(0x1234, 4);
  const v = await checkMinidump(badVersion);
  t.like(v, { complete: false, code: 'ERR_INVALID_MINIDUMP' });
  t.regex((v as { reason: string }).reason, /format version/);
  // Every directory entry of the thread list retyped to a stream nobody reads.
  const noThreads = Buffer.from(bytes);
  const [count, dir] = [noThreads.readUInt32LE(8), noThreads.readUInt32LE(12)];
  for (let i = 0; i < count; i++) {
    if (noThreads.readUInt32LE(dir + 12 * i) === 3) noThreads.writeUInt32LE(0x4747_0000, dir + 12 * i);
  }
  const n = checkMinidumpSync(noThreads);
  t.like(n, { complete: false, code: 'ERR_INVALID_MINIDUMP' });
  t.regex((n as { reason: string }).reason, /no thread list stream/);
});

test('a file that cannot be read rejects with ERR_IO; a bad argument with ERR_INVALID_ARGUMENT', async (t) => {
  for (const path of [join(scratch, 'missing.dmp'), scratch]) {
    const e = await t.throwsAsync(checkMinidump(path), { instanceOf: MinidumpError });
    t.is(e?.code, 'ERR_IO');
    t.is(t.throws(() => checkMinidumpSync(path), { instanceOf: MinidumpError })?.code, 'ERR_IO');
  }
  for (const bad of ['', 42, null]) {
    const e = await t.throwsAsync(checkMinidump(bad as never), { instanceOf: MinidumpError });
    t.is(e?.code, 'ERR_INVALID_ARGUMENT');
  }
});

corpusTest('every corpus dump is complete and parses; the fuzzer-made ones are not complete', async (t) => {
  for (const rel of validCorpusDumps()) {
    const c = await checkMinidump(dump(rel));
    t.true(c.complete, `${rel}: ${JSON.stringify(c)}`);
    await t.notThrowsAsync(parseMinidump(dump(rel)), rel);
  }
  for (const rel of ['rust-minidump/invalid-range.dmp', 'rust-minidump/invalid-record-count.dmp']) {
    t.false((await checkMinidump(dump(rel))).complete, rel);
  }
});
