#!/usr/bin/env node
// Envelope benchmark (not a test): an event + a minidump attachment, gzipped, written to a queue file.
//
//   node bench/envelope.mjs [--iterations N] [--level 6] [--sizes 1,10,50] [--out FILE]
//
// ours:    `await writeEnvelope({ header, items: [event, { path: dump, … }], gzip: true, gzipLevel }, dest)`:
//          the dump is streamed from disk and deflated on libuv's pool, the file written atomically.
// node:zlib: the same envelope built in JS the usual way: `fs.promises.readFile(dump)`, header lines +
//          `Buffer.concat`, `zlib.gzip` (async, also on the pool) at the same level, then written as durably
//          as ours: `writeFile` to a temp file, `fsync`, `rename`.
// Dumps: a real corpus dump padded with N MiB of pseudo-random memory (bench/make-big-dump.mjs): random
// bytes barely compress, so this is deflate's worst case, not a typical crash. Then, for information, every
// real dump of the corpus (../shared/corpus/dumps) and of __test__/fixtures/generated: small, compressible.
// Both tools get the same bytes in: before timing, each input's envelope is built by ours without gzip and
// must equal node:zlib's input byte for byte (the bench stops otherwise). Per input and tool: 2 warm-up
// runs, then --iterations runs alternating the tools; medians shown. JS-thread time is the event loop's
// active time (`performance.eventLoopUtilization()`) across the awaited call: argument checks, callbacks,
// copies and everything else the JS thread did for that envelope. Targets (the issue's, for the 1/10/50 MiB
// dumps): ours' throughput >= node:zlib's, at a size <= node:zlib's (ratio <= 1.0000, no tolerance), and
// <= 1 ms of JS-thread time per envelope. Writes its section of bench/RESULTS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { makeBigDump, DEFAULT_BASE } from './make-big-dump.mjs';
import { cliOptions, machineInfo, writeResultsSection } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { opt } = cliOptions();
const ITER = Number(opt('--iterations', 15));
const LEVEL = Number(opt('--level', 6));
const SIZES = opt('--sizes', '1,10,50').split(',').map(Number);
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const gzip = promisify(zlib.gzip);
const { writeEnvelope } = createRequire(import.meta.url)(ROOT);

const base = fs.existsSync(DEFAULT_BASE) ? DEFAULT_BASE : path.join(ROOT, '__test__/fixtures/generated/null_write.dmp');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'envelope-bench-'));
const event = { event_id: 'f'.repeat(32), level: 'fatal', platform: 'native', exception: { values: [{ type: 'SIGSEGV', value: 'x'.repeat(2000) }] } };
const header = { event_id: event.event_id, sent_at: '2025-01-01T00:00:00.000Z', sdk: { name: 'sentry.javascript.electron', version: '7.0.0' } };
const attachment = { type: 'attachment', filename: 'crash.dmp', contentType: 'application/octet-stream', attachmentType: 'event.minidump' };

async function ours(dump, dest) {
  const w = await writeEnvelope({ header, items: [{ type: 'event', json: event }, { ...attachment, path: dump }], gzip: true, gzipLevel: LEVEL }, dest);
  return w.bytes;
}

/** The envelope built in JS the usual way, around the dump's bytes. */
function nodeEnvelope(bytes) {
  const eventText = Buffer.from(JSON.stringify(event));
  const itemHeader = { type: 'attachment', length: bytes.length, filename: 'crash.dmp', content_type: 'application/octet-stream', attachment_type: 'event.minidump' };
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(header)}\n${JSON.stringify({ type: 'event', length: eventText.length })}\n`),
    eventText,
    Buffer.from(`\n${JSON.stringify(itemHeader)}\n`),
    bytes,
    Buffer.from('\n'),
  ]);
}

/** Stops the bench unless ours, without gzip, gives node:zlib's input byte for byte. */
async function assertSameInput(dump, dest) {
  await writeEnvelope({ header, items: [{ type: 'event', json: event }, { ...attachment, path: dump }], gzip: false }, dest);
  const same = fs.readFileSync(dest).equals(nodeEnvelope(fs.readFileSync(dump)));
  fs.rmSync(dest);
  if (!same) throw new Error(`${dump}: our uncompressed envelope differs from node:zlib's input: the comparison would not be fair`);
}

async function nodeZlib(dump, dest) {
  const envelope = nodeEnvelope(await fs.promises.readFile(dump));
  const gz = await gzip(envelope, { level: LEVEL });
  // The same durability as ours (a queue file must survive a power cut): write, fsync, rename.
  const tmp = `${dest}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(gz);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, dest);
  return gz.length;
}

// Collect garbage before each timed call, so that one tool's 50 MB of dead buffers are not collected
// inside the other tool's JS-thread window.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

async function timed(fn, dump, dest) {
  gc();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const size = await fn(dump, dest);
  const wall = performance.now() - t0;
  const js = performance.eventLoopUtilization(elu0).active;
  fs.rmSync(dest);
  return { wall, js, size };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tools = { ours, 'node:zlib': nodeZlib };

/** Both tools on one dump: rows of medians, one per tool. */
async function measure(dump, extra) {
  await assertSameInput(dump, path.join(work, 'plain.envelope'));
  const dumpBytes = fs.statSync(dump).size;
  const runs = { ours: [], 'node:zlib': [] };
  for (let i = 0; i < ITER + 2; i++) {
    const order = i % 2 ? ['node:zlib', 'ours'] : ['ours', 'node:zlib'];
    for (const name of order) {
      const r = await timed(tools[name], dump, path.join(work, `${name.replace(':', '-')}.envelope`));
      if (i >= 2) runs[name].push(r);
    }
  }
  return Object.entries(runs).map(([name, rs]) => {
    if (rs.some((r) => r.size !== rs[0].size)) throw new Error(`${name}: sizes differ between runs on ${dump}`);
    const wall = median(rs.map((r) => r.wall));
    return { ...extra, dumpBytes, name, wall, mbps: dumpBytes / 1e6 / (wall / 1000), size: rs[0].size, js: median(rs.map((r) => r.js)), jsMax: Math.max(...rs.map((r) => r.js)) };
  });
}

const rows = [];
for (const mib of SIZES) {
  const dump = makeBigDump({ base, out: path.join(work, `dump-${mib}.dmp`), mib, regionMib: [8, 2, 1].find((r) => mib % r === 0) }).out;
  rows.push(...(await measure(dump, { mib })));
  fs.rmSync(dump);
  console.error(`bench: ${mib} MiB done`);
}

// Real dumps, for information: what a crash usually sends.
const listDumps = (dir) =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.dmp')).sort().map((f) => path.join(dir, f)) : [];
const realDumps = [...listDumps(path.join(ROOT, '../shared/corpus/dumps')), ...listDumps(path.join(ROOT, '__test__/fixtures/generated'))];
const realRows = [];
for (const dump of realDumps) realRows.push(...(await measure(dump, { dump: path.relative(ROOT, dump) })));
console.error(`bench: ${realDumps.length} real dumps done`);
fs.rmSync(work, { recursive: true });

const m = machineInfo();
const L = ['## Envelope: event + minidump, gzip, written to a queue file', ''];
L.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.kernel}; Node ${m.node}; load ${m.loadavg}`);
L.push(`- Command: \`node bench/envelope.mjs --iterations ${ITER} --level ${LEVEL} --sizes ${SIZES.join(',')}\`; base dump \`${path.relative(ROOT, base)}\` + N MiB of pseudo-random memory; medians of ${ITER} runs`);
L.push(`- Ours: zlib-rs's deflate, runs of incompressible 4 KiB cells written as stored blocks (crates/envelope/src/gzip.rs); node:zlib: Node's bundled zlib ${process.versions.zlib} (Chromium's fork)`);
L.push('', '| dump | tool | wall ms | MB/s (dump) | envelope bytes | JS-thread ms (median / max) |', '|---|---|---|---|---|---|');
for (const r of rows) {
  L.push(`| ${(r.dumpBytes / 1e6).toFixed(1)} MB | ${r.name} | ${r.wall.toFixed(1)} | ${r.mbps.toFixed(0)} | ${r.size} | ${r.js.toFixed(2)} / ${r.jsMax.toFixed(2)} |`);
}
const sign = (n) => (n > 0 ? '+' : n < 0 ? '−' : '±');
const signed = (n) => `${sign(n)}${Math.abs(n)}`;
const signedPercent = (p) => `${sign(Number(p.toFixed(2)))}${Math.abs(p).toFixed(2)} %`;
L.push('', '**Targets**');
for (const mib of SIZES) {
  const [o, z] = ['ours', 'node:zlib'].map((n) => rows.find((r) => r.mib === mib && r.name === n));
  // As the issue says: equal or smaller, byte for byte; no tolerance.
  const ok = o.mbps >= z.mbps && o.size <= z.size && o.js <= 1;
  L.push(`- ${mib} MiB: throughput ${(o.mbps / z.mbps).toFixed(2)}x node:zlib (>= 1), size ${signed(o.size - z.size)} bytes = ${(o.size / z.size).toFixed(6)}x (<= 1.0000), JS-thread ${o.js.toFixed(2)} ms (<= 1): ${ok ? 'met' : 'MISSED'}`);
}
L.push('', 'Same input: for every dump here, ours built without gzip equals node:zlib\'s input byte for byte (checked before timing). Both gzip headers are 10 bytes (mtime 0, no name; OS byte 255 "unknown" for ours, 3 "Unix" for node:zlib).');

L.push('', `### Real dumps (for information): gzip level ${LEVEL}, medians of ${ITER} runs`, '');
L.push('| dump | dump bytes | ours bytes | node:zlib bytes | ours − node:zlib | ours ms | node:zlib ms | ours JS-thread ms |', '|---|---:|---:|---:|---:|---:|---:|---:|');
let [smaller, equal, larger, oursTotal, nodeTotal] = [0, 0, 0, 0, 0];
for (const dump of realDumps.map((d) => path.relative(ROOT, d))) {
  const [o, z] = ['ours', 'node:zlib'].map((n) => realRows.find((r) => r.dump === dump && r.name === n));
  const diff = o.size - z.size;
  [smaller, equal, larger] = [smaller + (diff < 0), equal + (diff === 0), larger + (diff > 0)];
  [oursTotal, nodeTotal] = [oursTotal + o.size, nodeTotal + z.size];
  L.push(`| \`${dump}\` | ${o.dumpBytes} | ${o.size} | ${z.size} | ${signed(diff)} (${signedPercent((diff / z.size) * 100)}) | ${o.wall.toFixed(1)} | ${z.wall.toFixed(1)} | ${o.js.toFixed(2)} |`);
}
L.push('', `Ours smaller on ${smaller}, equal on ${equal}, larger on ${larger} of ${realDumps.length} real dumps; in all ${oursTotal} against ${nodeTotal} bytes (${signed(oursTotal - nodeTotal)}). On compressible dumps like these, ours is zlib-rs's deflate at level ${LEVEL} (zlib-ng's algorithm) against Chromium's zlib: two LZ77 parsers, each ahead on some inputs.`);
writeResultsSection(OUT, 'envelope', L.join('\n'));
console.log(L.join('\n'));
