#!/usr/bin/env node
// Makes a large but VALID minidump, deterministically, from a real corpus dump.
//
//   node bench/make-big-dump.mjs [--out FILE] [--base DUMP] [--mib N] [--region-mib N] [--verify]
//   (default --out: $TMPDIR/sentry-electron-native-big.dmp)
//
// Layout of the output (all offsets little-endian, per minidump-common 0.27's format.rs):
//
//   [ the base dump, byte for byte, except one MINIDUMP_DIRECTORY entry ]
//   [ padding to 16 bytes ]
//   [ region 0 bytes | region 1 bytes | ... ]            <- N MiB of pseudo-random "process memory"
//   [ new MINIDUMP_MEMORY_LIST: u32 count, then count x MINIDUMP_MEMORY_DESCRIPTOR (16 bytes each):
//       the base dump's descriptors unchanged, then one per appended region ]
//
// The directory entry of the MemoryListStream (type 5) is rewritten in place to point at the new list
// (location.data_size = 4 + 16 * count, location.rva = its offset); the old list stays behind as unreferenced
// bytes, which is allowed. When the base has no MemoryListStream the directory is copied to the end of the file
// with one more entry and the header's stream_count / stream_directory_rva are updated.
//
// The appended regions are many 8 MiB ranges rather than one huge one, because that is what real full-memory
// dumps look like and because Breakpad refuses to read a single region larger than 64 MiB. Their addresses are
// placed at 0x7e0000000000 + i * 16 MiB (not overlapping anything in the base dump). The bytes come from a
// seeded xorshift32, so the file is identical on every run and every machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
export const DEFAULT_BASE = path.resolve(ROOT, '../shared/corpus/dumps/rust-minidump/linux-mini.dmp');
export const BREAKPAD_BIN = path.join(ROOT, 'node_modules/minidump/bin/linux-x64');

const MDMP = 0x504d444d; // 'MDMP'
const MEMORY_LIST_STREAM = 5;
const MEMORY64_LIST_STREAM = 9;
const DIR_ENTRY = 12; // MINIDUMP_DIRECTORY: u32 stream_type, u32 data_size, u32 rva
const MEM_DESC = 16; // MINIDUMP_MEMORY_DESCRIPTOR: u64 start, u32 data_size, u32 rva
const MiB = 1024 * 1024;

function readDirectory(buf) {
  if (buf.length < 32 || buf.readUInt32LE(0) !== MDMP) throw new Error('not a minidump (bad signature)');
  const streamCount = buf.readUInt32LE(8);
  const dirRva = buf.readUInt32LE(12);
  if (dirRva + streamCount * DIR_ENTRY > buf.length) throw new Error('directory out of bounds');
  const entries = [];
  for (let i = 0; i < streamCount; i++) {
    const o = dirRva + i * DIR_ENTRY;
    entries.push({ index: i, offset: o, type: buf.readUInt32LE(o), size: buf.readUInt32LE(o + 4), rva: buf.readUInt32LE(o + 8) });
  }
  return { streamCount, dirRva, entries };
}

function readMemoryList(buf, entry) {
  const count = buf.readUInt32LE(entry.rva);
  const list = [];
  for (let i = 0; i < count; i++) {
    const o = entry.rva + 4 + i * MEM_DESC;
    list.push({ start: buf.readBigUInt64LE(o), size: buf.readUInt32LE(o + 8), rva: buf.readUInt32LE(o + 12) });
  }
  return list;
}

/** Deterministic xorshift32 fill of `u32` (state carried across calls). */
function fillRandom(u32, state) {
  let x = state >>> 0 || 0x9e3779b9;
  for (let i = 0; i < u32.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    u32[i] = x;
  }
  return x;
}

/**
 * Writes the big dump. Returns { out, bytes, regions, memoryBytes }.
 * @param {{ base?: string, out: string, mib?: number, regionMib?: number }} opts
 */
export function makeBigDump({ base = DEFAULT_BASE, out, mib = 208, regionMib = 8 } = {}) {
  if (!out) throw new Error('makeBigDump: out is required');
  const orig = fs.readFileSync(base);
  const dir = readDirectory(orig);
  if (dir.entries.some((e) => e.type === MEMORY64_LIST_STREAM)) {
    // Supporting both lists at once is legal but unusual; keep the generator simple and honest.
    throw new Error('base dump already has a Memory64ListStream; pick another base');
  }
  const memEntry = dir.entries.find((e) => e.type === MEMORY_LIST_STREAM);
  const oldList = memEntry ? readMemoryList(orig, memEntry) : [];

  const regionBytes = regionMib * MiB;
  const nRegions = Math.ceil(mib / regionMib);
  const stride = 16n * BigInt(MiB);
  let baseAddr = 0x7e0000000000n;
  // Make sure the new ranges overlap none of the base dump's ranges.
  const overlaps = (a) => oldList.some((d) => d.start < a + stride * BigInt(nRegions) && a < d.start + BigInt(d.size));
  while (overlaps(baseAddr)) baseAddr += 0x10000000000n;

  const regionsRva = Math.ceil(orig.length / 16) * 16;
  const listRva = regionsRva + nRegions * regionBytes;
  const newCount = oldList.length + nRegions;
  const listSize = 4 + newCount * MEM_DESC;
  const end = listRva + listSize;
  if (end > 0xffffffff) throw new Error('dump would exceed the 4 GiB an RVA can address');

  // Header + directory (patched) + the rest of the base dump.
  const head = Buffer.from(orig);
  let tail = Buffer.alloc(0);
  if (memEntry) {
    head.writeUInt32LE(listSize, memEntry.offset + 4);
    head.writeUInt32LE(listRva, memEntry.offset + 8);
  } else {
    // Relocate the directory after the new list, with one more entry.
    const newDirRva = Math.ceil(end / 16) * 16;
    tail = Buffer.alloc(newDirRva - end + (dir.streamCount + 1) * DIR_ENTRY);
    orig.copy(tail, newDirRva - end, dir.dirRva, dir.dirRva + dir.streamCount * DIR_ENTRY);
    const o = newDirRva - end + dir.streamCount * DIR_ENTRY;
    tail.writeUInt32LE(MEMORY_LIST_STREAM, o);
    tail.writeUInt32LE(listSize, o + 4);
    tail.writeUInt32LE(listRva, o + 8);
    head.writeUInt32LE(dir.streamCount + 1, 8);
    head.writeUInt32LE(newDirRva, 12);
  }

  const list = Buffer.alloc(listSize);
  list.writeUInt32LE(newCount, 0);
  oldList.forEach((d, i) => {
    const o = 4 + i * MEM_DESC;
    list.writeBigUInt64LE(d.start, o);
    list.writeUInt32LE(d.size, o + 8);
    list.writeUInt32LE(d.rva, o + 12);
  });
  for (let r = 0; r < nRegions; r++) {
    const o = 4 + (oldList.length + r) * MEM_DESC;
    list.writeBigUInt64LE(baseAddr + BigInt(r) * stride, o);
    list.writeUInt32LE(regionBytes, o + 8);
    list.writeUInt32LE(regionsRva + r * regionBytes, o + 12);
  }

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, head);
    fs.writeSync(fd, Buffer.alloc(regionsRva - orig.length));
    const chunk = new Uint32Array(MiB / 4);
    const chunkBuf = Buffer.from(chunk.buffer);
    for (let r = 0; r < nRegions; r++) {
      let state = 0x12345678 ^ Math.imul(r + 1, 0x9e3779b1);
      for (let c = 0; c < regionMib; c++) {
        state = fillRandom(chunk, state);
        fs.writeSync(fd, chunkBuf);
      }
    }
    fs.writeSync(fd, list);
    if (tail.length) fs.writeSync(fd, tail);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, out);
  const bytes = fs.statSync(out).size;
  return { out, base, bytes, regions: nRegions, regionBytes, memoryBytes: nRegions * regionBytes, listRva, descriptors: newCount };
}

/** Structural self-check: every descriptor of every memory list lies inside the file. */
export function checkStructure(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(32);
    fs.readSync(fd, head, 0, 32, 0);
    const streamCount = head.readUInt32LE(8);
    const dirRva = head.readUInt32LE(12);
    const dirBuf = Buffer.alloc(streamCount * DIR_ENTRY);
    fs.readSync(fd, dirBuf, 0, dirBuf.length, dirRva);
    const buf = { readUInt32LE: (o) => { const b = Buffer.alloc(4); fs.readSync(fd, b, 0, 4, o); return b.readUInt32LE(0); } };
    let regions = 0;
    for (let i = 0; i < streamCount; i++) {
      const type = dirBuf.readUInt32LE(i * DIR_ENTRY);
      const dsize = dirBuf.readUInt32LE(i * DIR_ENTRY + 4);
      const rva = dirBuf.readUInt32LE(i * DIR_ENTRY + 8);
      if (rva + dsize > size) throw new Error(`stream ${i} (type ${type}) out of bounds`);
      if (type === MEMORY_LIST_STREAM) {
        const count = buf.readUInt32LE(rva);
        if (4 + count * MEM_DESC !== dsize) throw new Error('memory list size mismatch');
        const descs = Buffer.alloc(count * MEM_DESC);
        fs.readSync(fd, descs, 0, descs.length, rva + 4);
        for (let j = 0; j < count; j++) {
          const s = descs.readUInt32LE(j * MEM_DESC + 8);
          const r = descs.readUInt32LE(j * MEM_DESC + 12);
          if (r + s > size) throw new Error(`memory descriptor ${j} out of bounds`);
        }
        regions = count;
      }
    }
    return { size, streamCount, regions };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Runs Breakpad's minidump_dump (streamed: it prints every memory byte as hex, ~20 s for 200 MB) and
 * minidump_stackwalk -m on the big file and on its base. minidump_dump exits 1 on many real dumps (it reports
 * optional streams that are absent as errors), so "valid" means: same exit code as on the base, every appended
 * region listed (region_count), and a stack walk identical to the base's.
 */
export async function verifyWithBreakpad(file, expectedRegions, base = DEFAULT_BASE) {
  const run = (bin, args, onLine) =>
    new Promise((resolve, reject) => {
      const p = spawn(path.join(BREAKPAD_BIN, bin), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let rest = '';
      let err = '';
      p.stdout.setEncoding('latin1');
      p.stdout.on('data', (d) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop();
        // Hex dumps of memory come as one enormous line: don't keep it.
        if (rest.length > 4096) rest = rest.slice(-64);
        for (const l of lines) onLine(l);
      });
      p.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
      p.on('error', reject);
      p.on('close', (code) => { if (rest) onLine(rest); resolve({ code, err }); });
    });
  const regionCount = async (f) => {
    const counts = [];
    const r = await run('minidump_dump', [f], (l) => {
      const m = /^\s*region_count = (\d+)/.exec(l);
      if (m) counts.push(Number(m[1]));
    });
    return { code: r.code, counts, err: r.err };
  };
  const walk = async (f) => {
    const lines = [];
    const r = await run('minidump_stackwalk', ['-m', f], (l) => lines.push(l));
    return { code: r.code, text: lines.join('\n'), err: r.err };
  };
  const [dumpBig, dumpBase, walkBig, walkBase] = [await regionCount(file), await regionCount(base), await walk(file), await walk(base)];
  const crash = walkBig.text.split('\n').find((l) => l.startsWith('Crash|')) ?? null;
  const frames = walkBig.text.split('\n').filter((l) => /^\d+\|\d+\|/.test(l)).length;
  const ok =
    dumpBig.code === dumpBase.code &&
    dumpBig.counts.includes(expectedRegions) &&
    walkBig.code === 0 &&
    walkBig.text === walkBase.text &&
    crash !== null;
  return {
    ok,
    minidumpDumpExit: { big: dumpBig.code, base: dumpBase.code },
    regionCounts: { big: dumpBig.counts, base: dumpBase.counts },
    stackwalkExit: walkBig.code,
    stackwalkSameAsBase: walkBig.text === walkBase.text,
    crash,
    frames,
    stderr: ok ? '' : dumpBig.err + walkBig.err,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
  };
  // Default outside the work tree: a 218 MB file must never end up in a commit.
  const out = path.resolve(opt('--out', path.join(os.tmpdir(), 'sentry-electron-native-big.dmp')));
  const base = path.resolve(opt('--base', DEFAULT_BASE));
  const mib = Number(opt('--mib', 208));
  const regionMib = Number(opt('--region-mib', 8));
  const t0 = performance.now();
  const info = makeBigDump({ base, out, mib, regionMib });
  console.log(`wrote ${info.out}: ${info.bytes} bytes (${(info.bytes / 1e6).toFixed(1)} MB), ` +
    `${info.regions} appended regions of ${info.regionBytes / MiB} MiB, ${info.descriptors} descriptors, ` +
    `in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log('structure:', JSON.stringify(checkStructure(out)));
  if (args.includes('--verify')) {
    const v = await verifyWithBreakpad(out, info.descriptors, base);
    console.log('breakpad:', JSON.stringify(v));
    if (!v.ok) process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
