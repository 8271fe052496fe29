#!/usr/bin/env node
// Parse benchmark: our parseMinidump vs @sentry/electron 7's JS parser, rust-minidump's minidump-stackwalk and
// Breakpad's minidump_stackwalk. NOT a test: it measures, writes its section of bench/RESULTS.md (see
// lib.mjs) and always exits 0 unless it could not run at all (pass --strict to exit 1 when a target is
// missed).
//
//   node bench/parse.mjs [--iterations N] [--warmup N] [--elu-parses N] [--big-mib N] [--rss-runs N]
//                        [--no-big] [--with-symbols] [--only SUBSTR] [--out FILE] [--strict]
//
// Environment overrides: BENCH_ITERATIONS, BENCH_WARMUP, BENCH_ELU_PARSES, BENCH_BIG_MIB.
// See bench/README.md for what is measured and why the peers are fair.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { makeBigDump, DEFAULT_BASE as BIG_BASE } from './make-big-dump.mjs';
import {
  breakpadPackageVersion,
  cliOptions,
  findRustStackwalk,
  fmtMB,
  fmtMs,
  fmtX,
  log,
  machineInfo,
  mark,
  median,
  seededRandom,
  shuffled,
  writeResultsSection,
  ROOT,
  CORPUS,
  DUMPS_DIR,
  SYMBOLS_DIR,
} from './lib.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const HERE = path.dirname(THIS_FILE);
const require = createRequire(import.meta.url);

const SENTRY_PARSER = path.join(ROOT, 'node_modules/@sentry/electron/main/integrations/sentry-minidump/minidump-parser.js');
const BREAKPAD_STACKWALK = path.join(ROOT, 'node_modules/minidump/bin/linux-x64/minidump_stackwalk');
const RUST_STACKWALK_VERSION = '0.27.0';

const TARGET_VS_SENTRY = 2; // ours / sentry <= 2
const TARGET_VS_NATIVE = 10; // peer / ours >= 10
const TARGET_ELU_MS = 1; // JS-thread ms per parse <= 1
const TARGET_RSS_MB = 32; // peak RSS growth on the big dump <= 32 MB

// ---------------------------------------------------------------------------------------------------------------
// RSS child mode: `node bench/parse.mjs --rss-child <tool> <dump> [warmDump]` runs one parse in a fresh process
// and prints JSON { baselineKb, hwmKb, growthKb, ms, hwmReset }.
if (process.argv[2] === '--rss-child') {
  await rssChild(process.argv[3], process.argv[4], process.argv[5]);
  process.exit(0);
}

function procStatusKb(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function rssChild(tool, dump, warmDump) {
  let run;
  if (tool === 'ours' || tool === 'ours-sync') {
    const lib = require(ROOT);
    if (tool === 'ours') run = (p) => lib.parseMinidump(p);
    else run = (p) => lib.parseMinidumpSync(p);
  } else if (tool === 'sentry') {
    const { parseMinidump } = require(SENTRY_PARSER);
    run = async (p) => parseMinidump(await fs.promises.readFile(p));
  } else {
    throw new Error(`unknown rss tool ${tool}`);
  }
  // Warm up on a small dump so that loading the addon, its thread pool and the JIT are in the baseline.
  if (warmDump) for (let i = 0; i < 3; i++) await run(warmDump);
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 20));
  // Reset the peak-RSS counter to the current RSS (Linux >= 4.0), so VmHWM afterwards is the peak of the parse.
  let hwmReset = true;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    hwmReset = false;
  }
  const baselineKb = procStatusKb('VmRSS');
  const hwmBeforeKb = procStatusKb('VmHWM');
  // Also sample RSS while the parse runs (catches nothing VmHWM would miss, but shows the shape when reset failed).
  let sampledMaxKb = baselineKb;
  const timer = setInterval(() => {
    sampledMaxKb = Math.max(sampledMaxKb, Math.round(process.memoryUsage().rss / 1024));
  }, 1);
  const t0 = performance.now();
  let ok = true;
  let error = null;
  try {
    await run(dump);
  } catch (e) {
    ok = false;
    error = String(e?.code ?? e?.message ?? e);
  }
  const ms = performance.now() - t0;
  clearInterval(timer);
  const hwmKb = procStatusKb('VmHWM');
  const peakKb = hwmReset ? hwmKb : Math.max(sampledMaxKb, hwmKb > hwmBeforeKb ? hwmKb : 0);
  process.stdout.write(JSON.stringify({ ok, error, baselineKb, hwmKb, peakKb, growthKb: peakKb - baselineKb, sampledMaxKb, ms, hwmReset }) + '\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Options.
const { argv, opt, flag } = cliOptions();
const ITER = Math.max(1, Number(opt('--iterations', 101, 'BENCH_ITERATIONS')));
const WARMUP = Math.max(0, Number(opt('--warmup', 5, 'BENCH_WARMUP')));
const COLD_ITER = Math.max(0, Number(opt('--cold-iterations', 25)));
const ELU_PARSES = Math.max(1, Number(opt('--elu-parses', 50, 'BENCH_ELU_PARSES')));
const BIG_MIB = Math.max(1, Number(opt('--big-mib', 208, 'BENCH_BIG_MIB')));
const RSS_RUNS = Math.max(1, Number(opt('--rss-runs', 3)));
const WITH_SYMBOLS = flag('--with-symbols');
const NO_BIG = flag('--no-big');
const ONLY = opt('--only', null);
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const STRICT = flag('--strict');

// ---------------------------------------------------------------------------------------------------------------
// Helpers.
const geomean = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x) && x > 0);
  return s.length ? Math.exp(s.reduce((a, x) => a + Math.log(x), 0) / s.length) : NaN;
};
// Seeded, so a run's call order is reproducible.
const rand = seededRandom(0x5eed);
const shuffle = (xs) => shuffled(xs, rand);

function listDumps(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.dmp')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

// Fresh copies: every timed call gets the dump's bytes written to a new, never-seen path (written outside the
// timed region and deleted after), so no path- or inode-keyed cache anywhere can flatter anyone.
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-parse-bench-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
let copySeq = 0;
function freshCopy(bytes, name) {
  const p = path.join(TMP, `${copySeq++}-${process.pid}-${name}`);
  fs.writeFileSync(p, bytes);
  return p;
}
const rm = (p) => fs.rmSync(p, { force: true });

// ---------------------------------------------------------------------------------------------------------------
// Setup.
const started = performance.now();
const machine = machineInfo();
const allDumps = listDumps(DUMPS_DIR);
if (!allDumps.length) {
  console.error(`no dumps under ${DUMPS_DIR}`);
  process.exit(2);
}
// The two fuzzer-made dumps with a malformed directory (MANIFEST.md) are not timed. invalid-parameter.dmp is a
// real Windows dump (its name is about STATUS_INVALID_PARAMETER) and is timed like the others.
const NOT_TIMED = new Set(['invalid-range.dmp', 'invalid-record-count.dmp']);
const skipped = allDumps.filter((p) => NOT_TIMED.has(path.basename(p)));
let dumps = allDumps.filter((p) => !skipped.includes(p));
if (ONLY) dumps = dumps.filter((p) => p.includes(ONLY));
const rel = (p) => path.relative(DUMPS_DIR, p);

// Our package.
let ours = null;
let oursError = null;
try {
  ours = require(ROOT);
  if (typeof ours.parseMinidump !== 'function') throw new Error('build/index.js exports no parseMinidump');
} catch (e) {
  oursError = e?.message?.split('\n')[0] ?? String(e);
  ours = null;
}
// Probe: a package that loads but cannot parse (no native binary for this platform, say) is reported, not run.
if (ours) {
  const probe = path.join(TMP, 'probe.dmp');
  fs.copyFileSync(dumps[0] ?? allDumps[0], probe);
  try {
    await ours.parseMinidump(probe);
  } catch (e) {
    oursError = `parseMinidump failed on ${path.basename(dumps[0] ?? allDumps[0])}: ${(e?.message ?? String(e)).split('\n')[0]}`;
    ours = null;
  }
  rm(probe);
}
const hasSync = !!ours && typeof ours.parseMinidumpSync === 'function';
const oursVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

// Peers.
const sentryVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@sentry/electron/package.json'), 'utf8')).version;
const { parseMinidump: sentryParse } = require(SENTRY_PARSER); // plain CJS, requires nothing (no electron)
const rust = findRustStackwalk(RUST_STACKWALK_VERSION);
const breakpadOk = fs.existsSync(BREAKPAD_STACKWALK);
const breakpadVersion = breakpadPackageVersion(ROOT);

const symArgs = {
  ours: WITH_SYMBOLS ? { symbols: [SYMBOLS_DIR] } : undefined,
  rust: WITH_SYMBOLS ? ['--symbols-path', SYMBOLS_DIR] : [],
  breakpad: WITH_SYMBOLS ? [SYMBOLS_DIR] : [],
};

// Tools: each `run(path)` is the timed region (resolves with { ok, info }).
const tools = [];
if (ours) {
  tools.push({
    id: 'ours',
    label: 'ours parseMinidump (async)',
    cold: true,
    async run(p) {
      const r = await ours.parseMinidump(p, symArgs.ours);
      return { ok: true, info: `${r.crash?.reason ?? 'no crash'}, ${r.crashingThread?.frames?.length ?? 0} frames` };
    },
  });
  tools.push({
    id: 'oursAll',
    label: 'ours parseMinidump({allThreads:true})',
    info: true,
    async run(p) {
      await ours.parseMinidump(p, { ...symArgs.ours, allThreads: true });
      return { ok: true };
    },
  });
  if (hasSync)
    tools.push({
      id: 'oursSync',
      label: 'ours parseMinidumpSync',
      info: true,
      async run(p) {
        ours.parseMinidumpSync(p, symArgs.ours);
        return { ok: true };
      },
    });
}
tools.push({
  id: 'sentry',
  label: `@sentry/electron ${sentryVersion} readFile+parseMinidump`,
  cold: true,
  async run(p) {
    const r = sentryParse(await fs.promises.readFile(p));
    return { ok: true, info: r.crashpadAnnotations ? `${Object.keys(r.crashpadAnnotations).length} annotations` : 'header only' };
  },
});
if (rust)
  tools.push({
    id: 'rust',
    label: `minidump-stackwalk --json (${rust.version})`,
    cli: true,
    async run(p) {
      const r = spawnSync(rust.bin, ['--json', p, ...symArgs.rust], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
      return { ok: r.status === 0, info: r.status === 0 ? '' : `exit ${r.status}` };
    },
  });
if (breakpadOk)
  tools.push({
    id: 'breakpad',
    label: `Breakpad minidump_stackwalk -m (npm minidump@${breakpadVersion})`,
    cli: true,
    async run(p) {
      const r = spawnSync(BREAKPAD_STACKWALK, ['-m', p, ...symArgs.breakpad], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
      return { ok: r.status === 0, info: r.status === 0 ? '' : `exit ${r.status}` };
    },
  });

log(`bench: ${dumps.length} dumps, ${WARMUP} warm-up + ${ITER} iterations, tools: ${tools.map((t) => t.id).join(', ')}`);
if (!ours) log(`bench: our package did not load (${oursError}); measuring the peers only`);
if (!rust) log('bench: minidump-stackwalk not found: run scripts/install-peers.sh');
else if (!rust.ok) log(`bench: minidump-stackwalk reports "${rust.version}", want ${RUST_STACKWALK_VERSION}: run scripts/install-peers.sh`);

// ---------------------------------------------------------------------------------------------------------------
// Timing: per dump, warm-up then ITER rounds; each round runs every tool once, in a rotating order.
// First a short global warm-up (JIT of the JS peer and of our binding, the addon's threads, the CLIs' pages).
{
  const bytes = fs.readFileSync(dumps[0]);
  for (let i = 0; i < 5; i++)
    for (const t of tools) {
      const p = freshCopy(bytes, 'warm.dmp');
      try {
        await t.run(p);
      } catch {
        /* reported in the timed loop */
      }
      rm(p);
    }
}
const loadStart = machine.loadavg;
const perDump = [];
for (const dump of dumps) {
  const bytes = fs.readFileSync(dump);
  const name = path.basename(dump);
  const times = Object.fromEntries(tools.map((t) => [t.id, []]));
  const status = Object.fromEntries(tools.map((t) => [t.id, { ok: true, info: '' }]));
  const cold = {};
  const once = async (t, record) => {
    const p = freshCopy(bytes, name);
    let res;
    const t0 = performance.now();
    try {
      res = await t.run(p);
    } catch (e) {
      res = { ok: false, info: String(e?.code ?? e?.message ?? e).slice(0, 80) };
    }
    const dt = performance.now() - t0;
    rm(p);
    if (!res.ok) status[t.id] = { ok: false, info: res.info };
    else if (res.info && !status[t.id].info) status[t.id].info = res.info;
    if (record) times[t.id].push(res.ok ? dt : NaN);
  };
  // Two phases, so that the in-process calls are not measured right after a child process exited (which
  // leaves the CPU caches cold and the thread pool asleep, and adds ~0.2 ms to any in-process call): first the
  // in-process tools among themselves, then the CLIs among themselves. Within a phase, every round runs each
  // tool once in a freshly shuffled (seeded) order, so no tool always follows the same neighbour.
  for (const phase of [tools.filter((t) => !t.cli), tools.filter((t) => t.cli)]) {
    for (let w = 0; w < WARMUP; w++) for (const t of phase) await once(t, false);
    for (let i = 0; i < ITER; i++) for (const t of shuffle(phase)) await once(t, true);
  }
  // Cold: each call after 5 ms of an idle event loop (the first parse at an app's start is like that).
  for (const t of tools.filter((t) => t.cold)) cold[t.id] = [];
  for (let i = 0; i < COLD_ITER; i++)
    for (const t of shuffle(tools.filter((t) => t.cold))) {
      const p = freshCopy(bytes, name);
      await new Promise((r) => setTimeout(r, 5));
      const t0 = performance.now();
      try {
        await t.run(p);
        cold[t.id].push(performance.now() - t0);
      } catch {
        cold[t.id].push(NaN);
      }
      rm(p);
    }
  const med = Object.fromEntries(tools.map((t) => [t.id, status[t.id].ok ? median(times[t.id]) : NaN]));
  const row = {
    dump: rel(dump),
    size: bytes.length,
    med,
    status,
    vsSentry: med.ours / med.sentry,
    rustVsOurs: med.rust / med.ours,
    breakpadVsOurs: med.breakpad / med.ours,
    cold: Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, median(v)])),
  };
  row.coldVsSentry = row.cold.ours / row.cold.sentry;
  perDump.push(row);
  log(
    `  ${row.dump.padEnd(48)} ` +
      tools.map((t) => `${t.id}=${fmtMs(med[t.id])}`).join(' ') +
      (ours ? `  ours/sentry=${fmtX(row.vsSentry)} rust/ours=${fmtX(row.rustVsOurs)} breakpad/ours=${fmtX(row.breakpadVsOurs)}` : ''),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// (e) JS-thread time per async parse: event-loop active time over ELU_PARSES sequential awaited parses.
const elu = [];
if (ours) {
  for (const dump of dumps) {
    const bytes = fs.readFileSync(dump);
    const name = path.basename(dump);
    const report = await ours.parseMinidump(freshCopy(bytes, name), symArgs.ours); // warm
    // How much of the JS-thread time is decoding the report: JSON.parse of text of the same size.
    const text = JSON.stringify(report);
    const parseMs = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      JSON.parse(text);
      parseMs.push(performance.now() - t0);
    }
    const paths = Array.from({ length: ELU_PARSES }, () => freshCopy(bytes, name));
    // Let pending I/O from the writes settle so it is not counted.
    await new Promise((r) => setTimeout(r, 5));
    const callMs = [];
    const e0 = performance.eventLoopUtilization();
    const w0 = performance.now();
    for (const p of paths) {
      const c0 = performance.now();
      const pr = ours.parseMinidump(p, symArgs.ours);
      callMs.push(performance.now() - c0); // synchronous part of the call, before the promise is returned
      await pr;
    }
    const wall = performance.now() - w0;
    const u = performance.eventLoopUtilization(e0);
    for (const p of paths) rm(p);
    elu.push({
      dump: rel(dump),
      activeMsPerParse: u.active / ELU_PARSES,
      callMsMedian: median(callMs),
      utilization: u.utilization,
      wallMsPerParse: wall / ELU_PARSES,
      jsonKb: Buffer.byteLength(text) / 1024,
      jsonParseMs: median(parseMs),
      modules: report.modules?.length ?? 0,
    });
  }
  for (const e of elu) log(`  elu ${e.dump.padEnd(48)} active/parse=${fmtMs(e.activeMsPerParse)} ms (sync call part ${fmtMs(e.callMsMedian)} ms)`);
}

// ---------------------------------------------------------------------------------------------------------------
// (f) Peak RSS growth on a generated >= 200 MB dump, each tool in a fresh process.
let big = null;
const rssRows = [];
if (!NO_BIG) {
  const bigPath = path.join(TMP, 'big-source.dmp');
  big = makeBigDump({ out: bigPath, mib: BIG_MIB });
  log(`bench: big dump ${big.bytes} bytes (${big.regions} x ${big.regionBytes >> 20} MiB regions appended to ${path.basename(big.base)})`);
  const warm = path.join(TMP, 'warm.dmp');
  fs.copyFileSync(BIG_BASE, warm);
  const bigCopy = () => {
    const p = path.join(TMP, `${copySeq++}-big.dmp`);
    fs.copyFileSync(bigPath, p);
    return p;
  };
  const nodeChild = (tool) => {
    const runs = [];
    for (let i = 0; i < RSS_RUNS; i++) {
      const p = bigCopy();
      const r = spawnSync(process.execPath, ['--expose-gc', THIS_FILE, '--rss-child', tool, p, warm], { encoding: 'utf8', maxBuffer: 1 << 26 });
      rm(p);
      const line = (r.stdout || '').trim().split('\n').pop();
      try {
        runs.push(JSON.parse(line));
      } catch {
        runs.push({ ok: false, error: `child exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` });
      }
    }
    const good = runs.filter((r) => r.ok);
    return {
      ok: good.length === runs.length,
      error: runs.find((r) => !r.ok)?.error ?? null,
      growthKb: good.length ? Math.max(...good.map((r) => r.growthKb)) : NaN,
      growthKbMedian: median(good.map((r) => r.growthKb)),
      peakKb: good.length ? Math.max(...good.map((r) => r.peakKb)) : NaN,
      ms: median(good.map((r) => r.ms)),
      method: good[0]?.hwmReset ? 'VmHWM after clear_refs=5, minus VmRSS before' : 'sampled RSS',
    };
  };
  // External tools: GNU time's max RSS on the big dump minus the same on the base dump.
  const timeChild = (bin, args) => {
    const maxrss = (p) => {
      const t0 = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', '__RSS__ %M', bin, ...args(p)], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'latin1', maxBuffer: 1 << 30 });
      const ms = performance.now() - t0;
      const m = /__RSS__ (\d+)/.exec(r.stderr || '');
      return { ok: r.status === 0 && !!m, kb: m ? Number(m[1]) : NaN, ms, status: r.status };
    };
    const bases = [];
    const bigs = [];
    for (let i = 0; i < RSS_RUNS; i++) {
      const pb = path.join(TMP, `${copySeq++}-base.dmp`);
      fs.copyFileSync(BIG_BASE, pb);
      bases.push(maxrss(pb));
      rm(pb);
      const p = bigCopy();
      bigs.push(maxrss(p));
      rm(p);
    }
    const ok = bigs.every((r) => r.ok) && bases.every((r) => r.ok);
    return {
      ok,
      error: ok ? null : `exit ${bigs.find((r) => !r.ok)?.status ?? bases.find((r) => !r.ok)?.status}`,
      growthKb: median(bigs.map((r) => r.kb)) - median(bases.map((r) => r.kb)),
      peakKb: median(bigs.map((r) => r.kb)),
      ms: median(bigs.map((r) => r.ms)),
      method: 'GNU time max RSS (big) minus max RSS (base dump)',
    };
  };
  const haveTime = fs.existsSync('/usr/bin/time');
  if (ours) {
    rssRows.push({ id: 'ours', label: 'ours parseMinidump (async)', ...nodeChild('ours') });
    if (hasSync) rssRows.push({ id: 'oursSync', label: 'ours parseMinidumpSync', ...nodeChild('ours-sync') });
  }
  rssRows.push({ id: 'sentry', label: `@sentry/electron ${sentryVersion} readFile+parseMinidump`, ...nodeChild('sentry') });
  if (rust && haveTime) rssRows.push({ id: 'rust', label: 'minidump-stackwalk --json', ...timeChild(rust.bin, (p) => ['--json', p]) });
  if (breakpadOk && haveTime) rssRows.push({ id: 'breakpad', label: 'Breakpad minidump_stackwalk -m', ...timeChild(BREAKPAD_STACKWALK, (p) => ['-m', p]) });
  for (const r of rssRows) log(`  rss ${r.id.padEnd(10)} growth=${fmtMB(r.growthKb)} MB peak=${fmtMB(r.peakKb)} MB time=${fmtMs(r.ms)} ms ${r.ok ? '' : r.error}`);
}

fs.rmSync(TMP, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------------------------
// Summary and RESULTS.md.
const valid = perDump.filter((r) => r.status.ours?.ok);
const overall = {
  vsSentry: { geo: geomean(valid.map((r) => r.vsSentry)), med: median(valid.map((r) => r.vsSentry)), worst: Math.max(...valid.map((r) => r.vsSentry).filter(Number.isFinite)) },
  rust: { geo: geomean(valid.map((r) => r.rustVsOurs)), med: median(valid.map((r) => r.rustVsOurs)), worst: Math.min(...valid.map((r) => r.rustVsOurs).filter(Number.isFinite)) },
  breakpad: { geo: geomean(valid.map((r) => r.breakpadVsOurs)), med: median(valid.map((r) => r.breakpadVsOurs)), worst: Math.min(...valid.map((r) => r.breakpadVsOurs).filter(Number.isFinite)) },
};
const eluMax = elu.length ? Math.max(...elu.map((e) => e.activeMsPerParse)) : NaN;
const eluMed = median(elu.map((e) => e.activeMsPerParse));
const oursRss = rssRows.find((r) => r.id === 'ours');
const have = (x) => Number.isFinite(x);
const targets = [
  {
    what: `ours vs @sentry/electron: ours/sentry <= ${TARGET_VS_SENTRY}x (geometric mean of per-dump ratios)`,
    value: fmtX(overall.vsSentry.geo),
    met: have(overall.vsSentry.geo) ? overall.vsSentry.geo <= TARGET_VS_SENTRY : null,
    note: have(overall.vsSentry.worst) ? `worst dump ${fmtX(overall.vsSentry.worst)}; ${valid.filter((r) => r.vsSentry <= TARGET_VS_SENTRY).length}/${valid.length} dumps meet it` : '',
  },
  {
    what: `minidump-stackwalk / ours >= ${TARGET_VS_NATIVE}x (geometric mean)`,
    value: fmtX(overall.rust.geo),
    met: have(overall.rust.geo) ? overall.rust.geo >= TARGET_VS_NATIVE : null,
    note: have(overall.rust.worst) ? `worst dump ${fmtX(overall.rust.worst)}; ${valid.filter((r) => r.rustVsOurs >= TARGET_VS_NATIVE).length}/${valid.length} dumps meet it` : '',
  },
  {
    what: `Breakpad / ours >= ${TARGET_VS_NATIVE}x (geometric mean)`,
    value: fmtX(overall.breakpad.geo),
    met: have(overall.breakpad.geo) ? overall.breakpad.geo >= TARGET_VS_NATIVE : null,
    note: have(overall.breakpad.worst) ? `worst dump ${fmtX(overall.breakpad.worst)}; ${valid.filter((r) => r.breakpadVsOurs >= TARGET_VS_NATIVE).length}/${valid.length} dumps meet it` : '',
  },
  {
    what: `JS-thread time per async parse <= ${TARGET_ELU_MS} ms (worst dump)`,
    value: have(eluMax) ? `${fmtMs(eluMax)} ms` : 'n/a',
    met: have(eluMax) ? eluMax <= TARGET_ELU_MS : null,
    note: have(eluMed) ? `median over dumps ${fmtMs(eluMed)} ms` : '',
  },
  {
    what: `peak RSS growth parsing the ${big ? (big.bytes / 1e6).toFixed(0) : '>=200'} MB dump <= ${TARGET_RSS_MB} MB`,
    value: oursRss && have(oursRss.growthKb) ? `${fmtMB(oursRss.growthKb)} MB` : 'n/a',
    met: oursRss && have(oursRss.growthKb) ? oursRss.growthKb / 1024 <= TARGET_RSS_MB : null,
    note: oursRss ? (oursRss.ok ? `max of ${RSS_RUNS} fresh processes` : `failed: ${oursRss.error}`) : '',
  },
];

const cmd = ['node', path.relative(process.cwd(), THIS_FILE) || THIS_FILE, ...argv].join(' ');
const totalS = (performance.now() - started) / 1000;
const L = [];
L.push('# Parse benchmark results', '');
L.push(`Written by \`bench/parse.mjs\` on ${new Date().toISOString()} — this section is regenerated on every run; do not edit by hand.`, '');
L.push('## Machine and command', '');
L.push(`- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memGiB} GiB; ${machine.kernel}`);
L.push(`- Node ${machine.node}; load average (1/5/15 min) at start ${loadStart}, at end ${machineInfo().loadavg}`);
L.push(`- Command: \`${cmd}\` (cwd \`${process.cwd()}\`), ${totalS.toFixed(0)} s in all`);
L.push(`- Config: per dump ${WARMUP} warm-up + ${ITER} timed calls per tool, in two phases (in-process tools, then the CLIs), each round in a seeded random order; ${COLD_ITER} extra "cold" calls of ours and @sentry/electron after 5 ms idle; every call reads a fresh copy of the dump at a new path; ${WITH_SYMBOLS ? 'with the corpus symbols for every tool' : 'no symbols for any tool'}`);
L.push(`- Ours: \`@acme/sentry-electron-native\` ${oursVersion} ${ours ? `(\`require('${ROOT}')\`)` : `— **not loaded**: ${oursError}`}`);
L.push(`- Peers: @sentry/electron ${sentryVersion} \`main/integrations/sentry-minidump/minidump-parser.js\` \`parseMinidump(await fs.promises.readFile(path))\`; ` +
  `${rust ? `\`${rust.bin}\` (${rust.version}${rust.ok ? '' : `, **want ${RUST_STACKWALK_VERSION}**`})` : '**minidump-stackwalk not installed** (scripts/install-peers.sh)'}; ` +
  `Breakpad \`minidump_stackwalk -m\` from npm \`minidump@${breakpadVersion}\`${breakpadOk ? '' : ' **(missing)**'}`);
L.push(`- Corpus: ${dumps.length} dumps under \`${path.relative(ROOT, DUMPS_DIR)}\`; not timed: ${skipped.map(rel).join(', ') || 'none'}`);
L.push('');
L.push('## Targets', '');
L.push('| target | value | met | note |', '|---|---|---|---|');
for (const t of targets) L.push(`| ${t.what} | ${t.value} | ${mark(t.met)} | ${t.note} |`);
L.push('');
L.push('## Time per dump (median ms of the timed iterations)', '');
const cols = tools.map((t) => t.id);
const colName = { ours: 'ours', oursAll: 'ours allThreads¹', oursSync: 'ours sync¹', sentry: '@sentry/electron', rust: 'minidump-stackwalk', breakpad: 'Breakpad' };
L.push(`| dump | KB | ${cols.map((c) => colName[c]).join(' | ')} | ours / sentry | stackwalk / ours | Breakpad / ours |`);
L.push(`|---|---:|${cols.map(() => '---:').join('|')}|---:|---:|---:|`);
for (const r of perDump) {
  const cell = (c) => (r.status[c].ok ? fmtMs(r.med[c]) : `fail (${r.status[c].info})`);
  L.push(`| ${r.dump} | ${(r.size / 1024).toFixed(0)} | ${cols.map(cell).join(' | ')} | ${fmtX(r.vsSentry)} | ${fmtX(r.rustVsOurs)} | ${fmtX(r.breakpadVsOurs)} |`);
}
const medAll = Object.fromEntries(cols.map((c) => [c, median(perDump.map((r) => r.med[c]))]));
L.push(`| **median of per-dump medians** | | ${cols.map((c) => `**${fmtMs(medAll[c])}**`).join(' | ')} | | | |`);
L.push(`| **geometric mean of per-dump ratios** | | ${cols.map(() => '').join(' | ')} | **${fmtX(overall.vsSentry.geo)}** | **${fmtX(overall.rust.geo)}** | **${fmtX(overall.breakpad.geo)}** |`);
L.push(`| median of per-dump ratios | | ${cols.map(() => '').join(' | ')} | ${fmtX(overall.vsSentry.med)} | ${fmtX(overall.rust.med)} | ${fmtX(overall.breakpad.med)} |`);
L.push('');
L.push('Times are wall-clock ms: in-process calls from call to resolved promise; the two CLIs from spawn to exit (process start included).');
L.push('The overall ratios that the targets are judged on are the **geometric mean of the per-dump ratios** (each ratio is of the two per-dump medians).');
if (cols.includes('oursAll') || cols.includes('oursSync'))
  L.push('¹ For information, not in the ratios: `allThreads: true` walks every thread as both CLIs do by default; `parseMinidumpSync` does the same work as the async call on the JS thread.');
if (ours) {
  const infos = perDump.map((r) => `${path.basename(r.dump)}: ${r.status.ours.info}`).join('; ');
  L.push('', `What ours returned (crash reason, frames of the crashing thread): ${infos}.`);
}
L.push('');
if (ours && COLD_ITER > 0) {
  L.push(`## For information: cold calls (each after 5 ms of idle event loop; median of ${COLD_ITER})`, '');
  L.push('| dump | ours ms | @sentry/electron ms | ours / sentry |', '|---|---:|---:|---:|');
  for (const r of perDump) L.push(`| ${r.dump} | ${fmtMs(r.cold.ours)} | ${fmtMs(r.cold.sentry)} | ${fmtX(r.coldVsSentry)} |`);
  L.push(`| **geometric mean of ratios** | ${fmtMs(median(perDump.map((r) => r.cold.ours)))} (median) | ${fmtMs(median(perDump.map((r) => r.cold.sentry)))} (median) | **${fmtX(geomean(perDump.map((r) => r.coldVsSentry)))}** |`, '');
  L.push('A crash reporter parses one dump at app start, on an otherwise idle process: wake-up of the thread pool and cold caches add a roughly fixed cost to both in-process tools. Not used for the targets.', '');
}
if (elu.length) {
  L.push(`## JS-thread time per async parse (event-loop active ms over ${ELU_PARSES} sequential awaited parses)`, '');
  L.push('| dump | active ms / parse | sync part of the call (median ms) | JSON.parse of the report (ms) | report JSON KB | modules | wall ms / parse | loop utilization |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const e of elu)
    L.push(`| ${e.dump} | ${fmtMs(e.activeMsPerParse)} | ${fmtMs(e.callMsMedian)} | ${fmtMs(e.jsonParseMs)} | ${e.jsonKb.toFixed(1)} | ${e.modules} | ${fmtMs(e.wallMsPerParse)} | ${(e.utilization * 100).toFixed(1)}% |`);
  L.push(`| **worst / median** | **${fmtMs(eluMax)}** / ${fmtMs(eluMed)} | | | | | | |`, '');
  L.push('Active time is `performance.eventLoopUtilization()` active time over the loop (argument checks, the synchronous part of the call, converting the result to JS objects, resolving the promise), divided by the number of parses. The parse itself runs off the JS thread and counts as idle. "JSON.parse of the report" times `JSON.parse` of `JSON.stringify(report)` (the binding hands the report over as JSON text of that size), to show how much of the active time is decoding the result.', '');
}
if (rssRows.length) {
  L.push(`## Peak RSS growth on a ${(big.bytes / 1e6).toFixed(1)} MB dump`, '');
  L.push(`Generated by \`bench/make-big-dump.mjs\`: \`${path.relative(ROOT, big.base)}\` plus ${big.regions} memory regions of ${big.regionBytes >> 20} MiB appended to its MemoryListStream (${big.descriptors} descriptors); Breakpad's stack walk of it is identical to the base dump's. Each run is a fresh process on a fresh copy.`, '');
  L.push('| tool | RSS growth MB | peak RSS MB | time on the big dump ms | method |', '|---|---:|---:|---:|---|');
  for (const r of rssRows) L.push(`| ${r.label} | ${r.ok ? fmtMB(r.growthKb) : `fail (${r.error})`} | ${fmtMB(r.peakKb)} | ${fmtMs(r.ms)} | ${r.method} |`);
  L.push('');
}
writeResultsSection(OUT, 'parse', L.join('\n')); // only this script's section of RESULTS.md
console.log(L.join('\n'));
log(`bench: wrote ${path.relative(process.cwd(), OUT)} in ${totalS.toFixed(0)} s`);
if (STRICT && targets.some((t) => t.met === false)) process.exitCode = 1;
