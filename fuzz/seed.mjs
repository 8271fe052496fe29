// Seeds for the fuzz targets, written into fuzz/corpus/<target>/ (see seed.sh, which runs this):
// - every real dump at hand (../shared/corpus, __test__/fixtures/generated) for the dump-reading targets;
// - a minimal dump made here, with and without a Crashpad info stream, so the targets have a small seed
//   even without the corpus;
// - for crashpad_info, each Crashpad info stream "stream first": a copy of its dump whose first 52 bytes are
//   the stream's header, the layout the target reads directly (RVAs still point into the same bytes);
// - for sym_parse, pieces of every .sym at hand (the MODULE line and a window of records of each kind), small
//   enough to mutate quickly;
// - for envelope_build, specs in the target's input layout (see fuzz_targets/envelope_build.rs).
// Nothing here is committed: the corpus stays beside the repository.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fuzz = dirname(fileURLToPath(import.meta.url));
const root = join(fuzz, '..');
const out = process.argv[2] ?? join(fuzz, 'corpus');
const TARGETS = ['parse_bytes', 'check_complete', 'crashpad_info', 'sym_parse', 'envelope_build'];
const counts = Object.fromEntries(TARGETS.map((t) => [t, 0]));

function seed(target, bytes) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  // Named by content, as libFuzzer names what it adds: re-seeding adds nothing twice.
  writeFileSync(join(dir, createHash('sha1').update(bytes).digest('hex')), bytes);
  counts[target]++;
}

/** Every file under `dir` whose name ends with `suffix`; nothing when `dir` is absent. */
function files(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p, suffix);
    return e.name.endsWith(suffix) && statSync(p).isFile() ? [p] : [];
  });
}

// A little-endian writer for the minimal dump.
class Writer {
  bytes = [];
  get at() {
    return this.bytes.length;
  }
  u8(...v) {
    this.bytes.push(...v);
    return this;
  }
  u16(v) {
    return this.u8(v & 0xff, (v >>> 8) & 0xff);
  }
  u32(v) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.u8(...b);
  }
  u64(v) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return this.u8(...b);
  }
  zeros(n) {
    return this.u8(...new Array(n).fill(0));
  }
  utf8(s) {
    const b = Buffer.from(s, 'utf8');
    const at = this.at;
    this.u32(b.length + 1).u8(...b, 0);
    return at;
  }
  set32(at, v) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.bytes.splice(at, 4, ...b);
  }
  buffer() {
    return Buffer.from(this.bytes);
  }
}

const STREAM = { threadList: 3, moduleList: 4, memoryList: 5, exception: 6, systemInfo: 7, crashpad: 0x43500001 };
const AMD64_CONTEXT_SIZE = 1232;

/** An amd64 Linux dump of one crashed thread in one module; with `crashpad`, a Crashpad info stream too. */
function minimalDump(crashpad) {
  const w = new Writer();
  const streams = crashpad ? 6 : 5;
  w.u32(0x504d444d).u32(0xa793).u32(streams).u32(32).zeros(16);
  const directory = w.at;
  w.zeros(12 * streams);
  let n = 0;
  const entry = (type, rva, size) => {
    w.set32(directory + 12 * n, type);
    w.set32(directory + 12 * n + 4, size);
    w.set32(directory + 12 * n + 8, rva);
    n++;
  };
  // System info: amd64 (9), 2 CPUs, Linux (0x8201).
  const system = w.at;
  w.u16(9).u16(6).u16(0).u8(2, 1).u32(5).u32(10).u32(0).u32(0x8201).u32(0).u16(0).u16(0).zeros(24);
  entry(STREAM.systemInfo, system, 56);
  // Stack: 64 bytes of words pointing back into the module.
  const stack = w.at;
  for (let i = 0; i < 8; i++) w.u64(0x400000 + 0x100 * i);
  // CPU context: flags say amd64 control + integer; rip in the module, rsp at the stack.
  const context = w.at;
  w.zeros(48).u32(0x100003).zeros(AMD64_CONTEXT_SIZE - 52);
  const regs = Buffer.from(w.bytes.slice(context));
  regs.writeBigUInt64LE(0x7ffd0000n, 0x98); // rsp
  regs.writeBigUInt64LE(0x7ffd0010n, 0xa0); // rbp
  regs.writeBigUInt64LE(0x400123n, 0xf8); // rip
  w.bytes.splice(context, AMD64_CONTEXT_SIZE, ...regs);
  const threads = w.at;
  w.u32(1).u32(4242).zeros(20).u64(0x7ffd0000).u32(64).u32(stack).u32(AMD64_CONTEXT_SIZE).u32(context);
  entry(STREAM.threadList, threads, 4 + 48);
  // One module, "app", with a CodeView (RSDS) record carrying a debug id and its debug file.
  const name = w.at;
  w.u32(6).u8(...Buffer.from('app', 'utf16le'));
  const cv = w.at;
  w.u32(0x53445352).zeros(15).u8(1).u32(1).u8(...Buffer.from('app.pdb\0'));
  const cvSize = w.at - cv;
  const modules = w.at;
  w.u32(1).u64(0x400000).u32(0x10000).zeros(8).u32(name).zeros(52).u32(cvSize).u32(cv).zeros(24);
  entry(STREAM.moduleList, modules, 4 + 108);
  // SIGSEGV at 0x45 on that thread.
  const exception = w.at;
  w.u32(4242).u32(0).u32(11).u32(0).u64(0).u64(0x45).u32(0).u32(0).zeros(120).u32(AMD64_CONTEXT_SIZE).u32(context);
  entry(STREAM.exception, exception, 168);
  const memory = w.at;
  w.u32(1).u64(0x7ffd0000).u32(64).u32(stack);
  entry(STREAM.memoryList, memory, 4 + 16);
  if (crashpad) {
    const key = w.utf8('ptype');
    const value = w.utf8('renderer');
    const dict = w.at;
    w.u32(1).u32(key).u32(value);
    const listItem = w.utf8('abort() called');
    const list = w.at;
    w.u32(1).u32(listItem);
    const objName = w.utf8('counter');
    const objValue = w.at;
    w.u32(4).u32(7);
    const objects = w.at;
    w.u32(1).u32(objName).u16(0x8000).u16(0).u32(objValue);
    const record = w.at;
    w.u32(1).u32(8).u32(list).u32(0).u32(0).u32(16).u32(objects);
    const links = w.at;
    w.u32(1).u32(0).u32(28).u32(record);
    const info = w.at;
    w.u32(1).zeros(16).zeros(16).u32(12).u32(dict).u32(16).u32(links);
    entry(STREAM.crashpad, info, 52);
  }
  return w.buffer();
}

/** The RVA of a dump's Crashpad info stream, or null. */
function crashpadStream(dump) {
  if (dump.length < 32 || dump.readUInt32LE(0) !== 0x504d444d) return null;
  const [count, dir] = [dump.readUInt32LE(8), dump.readUInt32LE(12)];
  for (let i = 0; i < count && dir + 12 * i + 12 <= dump.length; i++) {
    const at = dir + 12 * i;
    if (dump.readUInt32LE(at) === STREAM.crashpad && dump.readUInt32LE(at + 4) >= 52) return dump.readUInt32LE(at + 8);
  }
  return null;
}

const realDumps = [
  ...files(join(root, '..', 'shared', 'corpus', 'dumps'), '.dmp'),
  ...files(join(root, '__test__', 'fixtures', 'generated'), '.dmp'),
].map((p) => readFileSync(p));
const dumps = [minimalDump(false), minimalDump(true), ...realDumps];
for (const d of dumps) {
  seed('parse_bytes', d);
  seed('check_complete', d);
  const rva = crashpadStream(d);
  if (rva !== null && rva + 52 <= d.length) {
    seed('crashpad_info', d);
    const first = Buffer.from(d);
    d.copy(first, 0, rva, rva + 52);
    seed('crashpad_info', first);
  }
}

// .sym pieces: the MODULE line, then a window of records from where each kind of record first appears.
const syms = [
  ...files(join(root, '..', 'shared', 'corpus'), '.sym'),
  ...files(join(root, '__test__', 'fixtures', 'generated', 'symbols'), '.sym'),
];
const WINDOW = 120;
for (const path of syms) {
  const lines = readFileSync(path, 'latin1').split('\n');
  const module = lines[0]?.startsWith('MODULE ') ? [lines[0]] : [];
  const starts = new Set([0]);
  for (const kind of ['FILE ', 'INLINE_ORIGIN ', 'FUNC ', 'INLINE ', 'PUBLIC ', 'STACK CFI INIT ', 'STACK WIN ']) {
    const i = lines.findIndex((l) => l.startsWith(kind));
    if (i >= 0) starts.add(i);
  }
  for (const start of starts) {
    const piece = [...(start === 0 ? [] : module), ...lines.slice(start, start + WINDOW)].join('\n');
    seed('sym_parse', Buffer.from(piece, 'latin1'));
  }
}

// Envelope specs, in envelope_build's layout.
const str16 = (s) => {
  const b = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeUInt16LE(b.length);
  return Buffer.concat([len, b]);
};
const bytes32 = (b) => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
};
const FLAGS = { json: 1, filename: 2, contentType: 4, attachmentType: 8 };
function spec(gzip, header, items, dump) {
  const parts = [Buffer.from([gzip, items.length]), str16(header)];
  for (const item of items) {
    const flags = (item.json ? FLAGS.json : 0) | (item.filename ? FLAGS.filename : 0) |
      (item.contentType ? FLAGS.contentType : 0) | (item.attachmentType ? FLAGS.attachmentType : 0);
    parts.push(Buffer.from([flags]));
    for (const k of ['filename', 'contentType', 'attachmentType']) if (item[k]) parts.push(str16(item[k]));
    parts.push(str16(item.type), bytes32(Buffer.from(item.payload)));
  }
  return Buffer.concat([...parts, dump]);
}
const header = '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"https://key@o0.ingest.sentry.io/1","sent_at":"2025-01-01T00:00:00Z"}';
const event = { type: 'event', json: true, payload: '{"level":"fatal","platform":"native","tags":{"x":"y"}}' };
const attachment = (payload) => ({
  type: 'attachment',
  payload,
  filename: 'upload_file_minidump',
  contentType: 'application/octet-stream',
  attachmentType: 'event.minidump',
});
const small = minimalDump(true);
seed('envelope_build', spec(255, '{}', [], Buffer.alloc(0)));
seed('envelope_build', spec(255, header, [event], small));
seed('envelope_build', spec(6, header, [event, attachment(small)], small));
seed('envelope_build', spec(1, header, [{ type: 'session', json: true, payload: '{"sid":"a","status":"crashed"}' }, attachment('\n\n')], Buffer.alloc(0)));
for (const d of realDumps.filter((d) => d.length < 64 * 1024)) seed('envelope_build', spec(255, header, [event], d));

for (const t of TARGETS) console.log(`${t}: ${counts[t]} seeds`);
