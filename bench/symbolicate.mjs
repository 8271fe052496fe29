#!/usr/bin/env node
// Symbolication benchmark: one dump with a large .sym (rust-minidump/pipeline-inlines-macos-segv.dmp with the
// 4 MB crash-client.sym), our parseMinidump cold (empty on-disk cache) and warm (cache filled by an earlier
// process), each in a NEW process, against rust-minidump's minidump-stackwalk and Breakpad's minidump_stackwalk
// (processes, no persistent cache) and @indutny/breakpad (npm, in-process .sym lookups). NOT a test: it measures,
// writes its section of bench/RESULTS.md (see lib.mjs) and exits 0 unless it could not run at all
// (pass --strict to exit 1 when a target is missed).
//
//   node bench/symbolicate.mjs [--rounds N] [--lookup-rounds N] [--random-addresses N] [--rss-runs N]
//                              [--variant-rounds N] [--split-runs N] [--no-variant] [--out FILE] [--strict]
//
// @indutny/breakpad is a devDependency (npm ci installs it); BENCH_INDUTNY_BREAKPAD may point at another folder
// holding its node_modules. Without it that part is skipped with a message. See bench/README.md for what is measured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  breakpadPackageVersion,
  cliOptions,
  findRustStackwalk,
  fmtMB,
  fmtMs as fmtMsIn,
  fmtX,
  log,
  machineInfo,
  mark,
  median,
  nearestRankQuantile as quantile,
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
const CHILD = path.join(HERE, 'symbolicate-child.cjs');
const DUMP = path.join(DUMPS_DIR, 'rust-minidump/pipeline-inlines-macos-segv.dmp');
const MODULE = 'crash-client';
const PRIME_DUMP = path.join(DUMPS_DIR, 'rust-minidump/linux-mini.dmp');
// Optional variant: symbolicator/macos.dmp with the INLINE variant of its `crash` symbols, served under the name
// the store layout expects (crash/<ID>/crash.sym).
const VARIANT_DUMP = path.join(DUMPS_DIR, 'symbolicator/macos.dmp');
const VARIANT_SYM = path.join(CORPUS, 'symbols-extra/inlines/crash/67E9247C814E392BA027DBDE6748FCBF0/crash.inlines.sym');
const VARIANT_REL = 'crash/67E9247C814E392BA027DBDE6748FCBF0/crash.sym';
const BREAKPAD_STACKWALK = path.join(ROOT, 'node_modules/minidump/bin/linux-x64/minidump_stackwalk');
const RUST_STACKWALK_VERSION = '0.27.0';
const INDUTNY_DIRS = [process.env.BENCH_INDUTNY_BREAKPAD, ROOT].filter(Boolean);

const TARGET_WARM_SPEEDUP = 20; // cold in-call / warm in-call >= 20

// ---------------------------------------------------------------------------------------------------------------
// Options.
const { argv, opt, flag } = cliOptions();
const ROUNDS = Math.max(1, Number(opt('--rounds', 21, 'BENCH_SYM_ROUNDS')));
const LOOKUP_ROUNDS = Math.max(1, Number(opt('--lookup-rounds', 15)));
const RANDOM_N = Math.max(1, Number(opt('--random-addresses', 1000)));
const RSS_RUNS = Math.max(1, Number(opt('--rss-runs', 5)));
const VARIANT_ROUNDS = Math.max(1, Number(opt('--variant-rounds', 7)));
const SPLIT_RUNS = Math.max(1, Number(opt('--split-runs', 11)));
const NO_VARIANT = flag('--no-variant');
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const STRICT = flag('--strict');
const WARMUP_ROUNDS = 2;

// ---------------------------------------------------------------------------------------------------------------
// Helpers.
const rand = seededRandom(0x5eed);
const shuffle = (xs) => shuffled(xs, rand);
// Two decimals under 10 ms: symbol lookups are timed in whole milliseconds' tenths, not microseconds.
const fmtMs = (x) => fmtMsIn(x, 2);
const spread = (xs) => (xs.length ? `${fmtMs(quantile(xs, 0.25))}–${fmtMs(quantile(xs, 0.75))}` : '');

function findIndutny() {
  for (const dir of INDUTNY_DIRS) {
    try {
      const req = createRequire(path.join(dir, 'noop.js'));
      const main = req.resolve('@indutny/breakpad'); // the CommonJS build (lib/breakpad.cjs)
      // Its exports map does not export package.json: read it beside lib/.
      const version = JSON.parse(fs.readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8')).version;
      return { dir, main, version, mod: req('@indutny/breakpad') };
    } catch {
      /* next */
    }
  }
  return null;
}

// Fresh paths: every run gets its own copy of the dump, its own symbol root and its own cache dir, under a new
// name, so no cache keyed on path or inode (ours, a peer's) can flatter anyone. Made outside the timed regions.
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'sen-sym-bench-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
let seq = 0;
const fresh = (name) => path.join(TMP, `${seq++}-${name}`);
function freshCopy(src, name = path.basename(src)) {
  const p = fresh(name);
  fs.copyFileSync(src, p);
  return p;
}
function freshRoot(rel, src) {
  const root = fresh('symbols');
  fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
  fs.copyFileSync(src, path.join(root, rel));
  return root;
}
function freshEmptyDir(name) {
  const p = fresh(name);
  fs.mkdirSync(p);
  return p;
}
const rm = (...ps) => ps.forEach((p) => p && fs.rmSync(p, { recursive: true, force: true }));

function runChild(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CHILD, JSON.stringify(args)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = performance.now() - t0;
  let out;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    out = { error: `exit ${r.status}: ${(r.stderr || r.stdout || '').trim().split('\n')[0]}` };
  }
  return { ...out, wallMs, ok: r.status === 0 && !out.error };
}
function runProcess(bin, args, expect) {
  const t0 = performance.now();
  const r = spawnSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  return { wallMs, ok: r.status === 0, symbolsUsed: expect ? r.stdout.includes(expect) : null, status: r.status };
}
/** GNU time's max RSS (KB) of one run. */
function maxRssKb(bin, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const kb = Number((r.stderr || '').trim().split('\n').pop());
  return Number.isFinite(kb) && kb > 0 ? kb : NaN;
}

// ---------------------------------------------------------------------------------------------------------------
// Setup.
const started = performance.now();
const machine = machineInfo();
const require = createRequire(import.meta.url);
for (const p of [DUMP, PRIME_DUMP]) {
  if (!fs.existsSync(p)) {
    console.error(`bench: ${p} not found (the corpus lives at ../shared/corpus)`);
    process.exit(2);
  }
}
let ours;
try {
  ours = require(ROOT);
  await ours.parseMinidump(DUMP);
} catch (e) {
  console.error(`bench: our package did not load or parse (${(e?.message ?? String(e)).split('\n')[0]}): run npm run build`);
  process.exit(2);
}
const oursVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

// The module's .sym, found the way the store finds it: <debug_file>/<DEBUG_ID>/<name>.sym under the corpus root.
const probe = await ours.parseMinidump(DUMP, { symbols: [SYMBOLS_DIR] });
const mod = probe.modules.find((m) => m.debugFile === MODULE);
if (!mod?.symbolsLoaded) {
  console.error(`bench: ${MODULE}'s symbols were not found under ${SYMBOLS_DIR}`);
  process.exit(2);
}
const SYM_REL = path.join(mod.debugFile, mod.debugId, `${mod.debugFile}.sym`);
const SYM = path.join(SYMBOLS_DIR, SYM_REL);
const symBytes = fs.statSync(SYM).size;
const otherLoaded = probe.modules.filter((m) => m.symbolsLoaded && m !== mod).map((m) => m.debugFile);
// The crashing thread's frames in the module: the addresses a symbolicator must resolve for this crash.
const moduleFrames = probe.crashingThread.frames.filter((f) => f.module === path.basename(mod.codeFile));
const crashOffsets = moduleFrames.map((f) => Number(BigInt(f.moduleOffset)));
const expectName = moduleFrames[0]?.function; // frame 0's function, which every tool must name

// N random module-relative addresses between the first FUNC and the end of the last one (seeded).
const funcRanges = [];
for (const m of fs.readFileSync(SYM, 'latin1').matchAll(/^FUNC (?:m )?([0-9a-fA-F]+) ([0-9a-fA-F]+) /gm))
  funcRanges.push([parseInt(m[1], 16), parseInt(m[2], 16)]);
const lo = Math.min(...funcRanges.map((r) => r[0]));
const hi = Math.max(...funcRanges.map((r) => r[0] + r[1]));
const randomAddresses = Array.from({ length: RANDOM_N }, () => lo + Math.floor(rand() * (hi - lo)));

const rust = findRustStackwalk(RUST_STACKWALK_VERSION);
const breakpadOk = fs.existsSync(BREAKPAD_STACKWALK);
const breakpadVersion = breakpadPackageVersion(ROOT);
const indutny = findIndutny();
const haveTime = (() => {
  try {
    fs.accessSync('/usr/bin/time', fs.constants.X_OK); // GNU time: `-f %M` prints the max RSS in KB
    return true;
  } catch {
    return false;
  }
})();
const cacheFs = (() => {
  const r = spawnSync('df', ['-T', os.tmpdir()], { encoding: 'utf8' });
  return (r.stdout || '').trim().split('\n')[1]?.split(/\s+/)[1] ?? '?';
})();

if (!rust) log('bench: minidump-stackwalk not found: run scripts/install-peers.sh');
else if (!rust.ok) log(`bench: minidump-stackwalk reports "${rust.version}", want ${RUST_STACKWALK_VERSION}`);
if (!breakpadOk) log(`bench: ${BREAKPAD_STACKWALK} missing (devDependency minidump): npm install`);
if (!indutny)
  log(`bench: @indutny/breakpad not found in ${INDUTNY_DIRS.join(', ')}: skipping its part ` +
    '(run npm ci: it is a devDependency; or set BENCH_INDUTNY_BREAKPAD to a folder holding its node_modules)');
log(`bench: ${path.relative(DUMPS_DIR, DUMP)} with ${SYM_REL} (${(symBytes / 1e6).toFixed(1)} MB); ${ROUNDS} rounds of new processes, ` +
  `${LOOKUP_ROUNDS} in-process lookup rounds; load ${machine.loadavg}`);

// ---------------------------------------------------------------------------------------------------------------
// 1. New processes: ours cold / warm, the two CLIs, and node itself. One round = every kind once; each warm run
// uses the cache that a cold run of the same round filled (a different process), with `cacheDir` only.
const K = {
  coldFirst: 'ours cold, first call in the process',
  coldPrimed: 'ours cold, after priming',
  coldAll: 'ours cold, first call, `allThreads: true`',
  warmFirst: 'ours warm, first call in the process',
  warmPrimed: 'ours warm, after priming',
  warmRoot: 'ours warm with the local root too, after priming',
  coldPrimedSync: 'ours cold, after priming, sync API',
  warmPrimedSync: 'ours warm, after priming, sync API',
  rust: 'minidump-stackwalk',
  breakpad: 'Breakpad minidump_stackwalk',
  node: 'node -e 0 (floor of any node process)',
};
function makeProcessKinds({ dump, rel, sym, module, expect }) {
  const oursRun = (options, prime, sync = false) => () => {
    const d = freshCopy(dump);
    const p = prime ? freshCopy(PRIME_DUMP) : null;
    const r = runChild({ mode: 'ours', lib: ROOT, dump: d, options, prime: p, module, sync });
    rm(d, p);
    return r;
  };
  const cold = (extra, prime, sync) => () => {
    const root = freshRoot(rel, sym);
    const cacheDir = freshEmptyDir('cache');
    const r = oursRun({ symbols: [root], cacheDir, ...extra }, prime, sync)();
    rm(root);
    return { ...r, cacheDir };
  };
  const warm = (prime, sync) => (cacheDir) => oursRun({ cacheDir }, prime, sync)();
  const warmWithRoot = (prime) => (cacheDir) => {
    const root = freshRoot(rel, sym); // a new path holding the same file
    const r = oursRun({ symbols: [root], cacheDir }, prime)();
    rm(root);
    return r;
  };
  const cli = (bin, args) => () => {
    const d = freshCopy(dump);
    const root = freshRoot(rel, sym);
    const r = runProcess(bin, args(d, root), expect);
    rm(d, root);
    return r;
  };
  return {
    cold: {
      coldFirst: cold({}, false),
      coldPrimed: cold({}, true),
      coldAll: cold({ allThreads: true }, false),
      coldPrimedSync: cold({}, true, true),
    },
    warm: {
      warmFirst: ['coldFirst', warm(false)],
      warmPrimed: ['coldPrimed', warm(true)],
      warmRoot: ['coldPrimed', warmWithRoot(true)],
      warmPrimedSync: ['coldPrimedSync', warm(true, true)],
    },
    other: {
      ...(rust ? { rust: cli(rust.bin, (d, root) => ['--symbols-path', root, d]) } : {}),
      ...(breakpadOk ? { breakpad: cli(BREAKPAD_STACKWALK, (d, root) => [d, root]) } : {}),
      node: () => runProcess(process.execPath, ['-e', '0'], null),
    },
  };
}

function processRounds(spec, rounds) {
  const kinds = makeProcessKinds(spec);
  const res = {};
  for (let round = -WARMUP_ROUNDS; round < rounds; round++) {
    const coldOut = {};
    for (const k of shuffle(Object.keys(kinds.cold))) coldOut[k] = kinds.cold[k]();
    const later = [
      ...Object.entries(kinds.warm).map(([k, [from, f]]) => [k, () => f(coldOut[from].cacheDir)]),
      ...Object.entries(kinds.other),
    ];
    const out = { ...coldOut };
    for (const [k, f] of shuffle(later)) out[k] = f();
    for (const r of Object.values(coldOut)) rm(r.cacheDir);
    if (round < 0) continue;
    for (const [k, r] of Object.entries(out)) (res[k] ??= []).push(r);
  }
  return res;
}

function summarize(runs) {
  const s = {};
  for (const [k, rs] of Object.entries(runs)) {
    const ok = rs.filter((r) => r.ok);
    s[k] = {
      n: rs.length,
      failed: rs.length - ok.length,
      error: (() => {
        const bad = rs.find((r) => !r.ok);
        return bad ? (bad.error ?? `exit ${bad.status}`) : null;
      })(),
      wall: median(ok.map((r) => r.wallMs)),
      wallAll: ok.map((r) => r.wallMs),
      call: median(ok.map((r) => r.callMs)),
      callAll: ok.map((r) => r.callMs),
      boot: median(ok.map((r) => r.bootMs)),
      require: median(ok.map((r) => r.requireMs)),
      prime: median(ok.map((r) => r.primeMs)),
      tail: median(ok.map((r) => r.wallMs - r.endMs)),
      peakKb: median(ok.map((r) => r.peakKb)),
      growthKb: median(ok.map((r) => r.hwmCallKb - r.rssBeforeKb)),
      hwmReset: ok.every((r) => r.hwmReset !== false),
      symbolsOk: ok.filter((r) => r.symbolsUsed ?? r.symbolsLoaded).length,
      frame0: ok.find((r) => r.frame0)?.frame0,
      inlines: ok.find((r) => r.inlines !== undefined)?.inlines,
      named: ok.find((r) => r.named !== undefined)?.named,
      frames: ok.find((r) => r.frames !== undefined)?.frames,
    };
  }
  return s;
}

const loadStart = machine.loadavg;
const mainRuns = summarize(
  processRounds({ dump: DUMP, rel: SYM_REL, sym: SYM, module: MODULE, expect: expectName }, ROUNDS),
);
log(`bench: processes done (${((performance.now() - started) / 1000).toFixed(0)} s)`);

// Where a process's first call goes (the addon is loaded on the first call).
const diag = [];
for (let i = 0; i < 5; i++) {
  const d = freshCopy(PRIME_DUMP);
  diag.push(runChild({ mode: 'diag', lib: ROOT, dump: d }));
  rm(d);
}
const diagMed = Object.fromEntries(['libcMs', 'loadNativeMs', 'getReportMs', 'firstParseMs', 'secondParseMs'].map((k) => [k, median(diag.filter((r) => r.ok).map((r) => r[k]))]));

// Where a warm call goes: its two halves, its page faults, and the same call again in the same process.
const split = [];
{
  const root = freshRoot(SYM_REL, SYM);
  const cacheDir = freshEmptyDir('cache');
  await ours.parseMinidump(freshCopy(DUMP), { symbols: [root], cacheDir }); // fills the cache, untimed
  for (let i = 0; i < SPLIT_RUNS; i++) {
    const d = freshCopy(DUMP);
    const p = freshCopy(PRIME_DUMP);
    split.push(runChild({ mode: 'split', lib: ROOT, dump: d, options: { cacheDir }, prime: p }));
    rm(d, p);
  }
  rm(root, cacheDir);
}
const splitOk = split.filter((r) => r.ok);
const splitMed = (which, k) => median(splitOk.map((r) => r[which][k]));

// Peak memory of the CLIs (ours comes from the timed children's VmHWM).
const rss = {};
if (haveTime) {
  const runs = { node: [], rust: [], breakpad: [], indutny: [] };
  for (let i = 0; i < RSS_RUNS; i++) {
    const d = freshCopy(DUMP);
    const root = freshRoot(SYM_REL, SYM);
    runs.node.push(maxRssKb(process.execPath, ['-e', '0']));
    if (rust) runs.rust.push(maxRssKb(rust.bin, ['--symbols-path', root, d]));
    if (breakpadOk) runs.breakpad.push(maxRssKb(BREAKPAD_STACKWALK, [d, root]));
    rm(d, root);
  }
  for (const [k, v] of Object.entries(runs)) rss[k] = median(v);
}
// @indutny/breakpad in a new process too (memory and first-call time), on the crash's addresses.
let indutnyChild = null;
if (indutny) {
  const rs = [];
  for (let i = 0; i < RSS_RUNS; i++) {
    const root = freshRoot(SYM_REL, SYM);
    rs.push(runChild({ mode: 'indutny', pkg: indutny.main, sym: path.join(root, SYM_REL), addresses: crashOffsets }));
    rm(root);
  }
  const ok = rs.filter((r) => r.ok);
  indutnyChild = {
    n: rs.length,
    ok: ok.length,
    error: rs.find((r) => !r.ok)?.error,
    call: median(ok.map((r) => r.callMs)),
    wall: median(ok.map((r) => r.wallMs)),
    peakKb: median(ok.map((r) => r.peakKb)),
    growthKb: median(ok.map((r) => r.hwmCallKb - r.rssBeforeKb)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. In-process lookups, repeated calls in this process: ours end to end (there is no per-address lookup in our
// JS API) and @indutny/breakpad's symbolicateFrames (streams and parses the whole .sym on every call).
const L = {
  oursNoSym: { label: 'ours, no symbols (the walk alone)', what: 'parseMinidump(dump)' },
  oursRoot: { label: 'ours, local root, no cache', what: 'parseMinidump(dump, { symbols: [root] }): reads + indexes the whole .sym in memory, then resolves' },
  oursRootAll: { label: 'ours, local root, no cache, allThreads', what: 'as above with allThreads: true (11 threads, as the CLIs walk)' },
  oursCold: { label: 'ours cold (root + empty cache dir)', what: 'parseMinidump(dump, { symbols: [root], cacheDir: <new empty dir> }): + writes .sym and .sym.idx to the cache' },
  oursWarm: { label: 'ours warm (cache only)', what: 'parseMinidump(dump, { cacheDir }): maps the cached .sym and its .sym.idx (read in place), resolves' },
  indutnyCrash: { label: `@indutny/breakpad, the crash's ${crashOffsets.length} addresses`, what: `symbolicateFrames(createReadStream(sym), [${crashOffsets.length} module offsets])` },
  indutnyRandom: { label: `@indutny/breakpad, ${RANDOM_N} random addresses`, what: `symbolicateFrames(createReadStream(sym), [${RANDOM_N} random offsets])` },
};
const lookupTimes = Object.fromEntries(Object.keys(L).map((k) => [k, []]));
const lookupInfo = {};
{
  const oursCall = async (options) => {
    const d = freshCopy(DUMP);
    const t0 = performance.now();
    const r = await ours.parseMinidump(d, options);
    const ms = performance.now() - t0;
    rm(d);
    return { ms, r };
  };
  for (let round = -3; round < LOOKUP_ROUNDS; round++) {
    const root = freshRoot(SYM_REL, SYM);
    const sym = path.join(root, SYM_REL);
    const warmCache = freshEmptyDir('cache');
    await ours.parseMinidump(freshCopy(DUMP), { symbols: [root], cacheDir: warmCache }); // fills it, untimed
    const tasks = {
      oursNoSym: () => oursCall(undefined),
      oursRoot: () => oursCall({ symbols: [root] }),
      oursRootAll: () => oursCall({ symbols: [root], allThreads: true }),
      oursCold: async () => {
        const c = freshEmptyDir('cache');
        const x = await oursCall({ symbols: [root], cacheDir: c });
        rm(c);
        return x;
      },
      oursWarm: () => oursCall({ cacheDir: warmCache }),
    };
    if (indutny) {
      const call = async (addresses) => {
        const t0 = performance.now();
        const r = await indutny.mod.symbolicateFrames(fs.createReadStream(sym), addresses);
        return { ms: performance.now() - t0, r };
      };
      tasks.indutnyCrash = () => call(crashOffsets);
      tasks.indutnyRandom = () => call(randomAddresses);
    }
    for (const k of shuffle(Object.keys(tasks))) {
      const { ms, r } = await tasks[k]();
      if (round < 0) continue;
      lookupTimes[k].push(ms);
      if (!lookupInfo[k]) {
        if (k.startsWith('ours')) {
          const frames = r.crashingThread.frames.filter((f) => f.module === path.basename(mod.codeFile));
          lookupInfo[k] = { named: frames.filter((f) => f.function).length, of: frames.length, names: frames.map((f) => f.function) };
        } else {
          lookupInfo[k] = { named: r.filter((x) => x?.name).length, of: r.length, names: r.map((x) => x?.name ?? null) };
        }
      }
    }
    rm(root, warmCache);
  }
}
const lk = Object.fromEntries(Object.entries(lookupTimes).map(([k, v]) => [k, median(v)]));
const namesAgree = lookupInfo.indutnyCrash && lookupInfo.oursWarm
  ? lookupInfo.indutnyCrash.names.filter((n, i) => n && n === lookupInfo.oursWarm.names[i]).length
  : null;
log(`bench: lookups done (${((performance.now() - started) / 1000).toFixed(0)} s)`);

// ---------------------------------------------------------------------------------------------------------------
// 3. Optional variant: symbolicator/macos.dmp with the INLINE variant of its symbols (small .sym).
let variant = null;
if (!NO_VARIANT && fs.existsSync(VARIANT_DUMP) && fs.existsSync(VARIANT_SYM)) {
  const root = freshRoot(VARIANT_REL, VARIANT_SYM);
  const r = await ours.parseMinidump(freshCopy(VARIANT_DUMP), { symbols: [root] });
  rm(root);
  const vmod = r.modules.find((m) => m.debugFile === 'crash');
  const vexpect = r.crashingThread?.frames?.[0]?.function;
  if (vmod?.symbolsLoaded && vexpect) {
    variant = {
      frame0: vexpect,
      symBytes: fs.statSync(VARIANT_SYM).size,
      runs: summarize(processRounds({ dump: VARIANT_DUMP, rel: VARIANT_REL, sym: VARIANT_SYM, module: 'crash', expect: vexpect }, VARIANT_ROUNDS)),
    };
  } else {
    log('bench: variant skipped: our parse did not load the inline symbols for macos.dmp');
  }
  log(`bench: variant done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Summary and RESULTS.md.
const m = mainRuns;
const get = (k, f) => m[k]?.[f] ?? NaN;
const ratios = {
  rustWallVsOursWall: get('rust', 'wall') / get('coldFirst', 'wall'),
  rustWallVsOursCall: get('rust', 'wall') / get('coldFirst', 'call'),
  rustWallVsOursAllWall: get('rust', 'wall') / get('coldAll', 'wall'),
  breakpadWallVsOursWall: get('breakpad', 'wall') / get('coldFirst', 'wall'),
  breakpadWallVsOursCall: get('breakpad', 'wall') / get('coldFirst', 'call'),
  warmFirst: get('coldFirst', 'call') / get('warmFirst', 'call'),
  warmPrimed: get('coldPrimed', 'call') / get('warmPrimed', 'call'),
  warmPrimedSync: get('coldPrimedSync', 'call') / get('warmPrimedSync', 'call'),
  warmWall: get('coldFirst', 'wall') / get('warmFirst', 'wall'),
};
const have = Number.isFinite;
const targets = [
  {
    what: 'ours cold at least as fast as minidump-stackwalk — **whole process** (like for like): stackwalk wall / ours wall >= 1',
    value: `${fmtMs(get('coldFirst', 'wall'))} vs ${fmtMs(get('rust', 'wall'))} ms: ${fmtX(ratios.rustWallVsOursWall)}`,
    met: have(ratios.rustWallVsOursWall) ? ratios.rustWallVsOursWall >= 1 : null,
    note: `a bare \`node -e 0\` takes ${fmtMs(get('node', 'wall'))} ms here`,
  },
  {
    what: 'ours cold at least as fast as minidump-stackwalk — our **in-call** time vs their process time (not like for like)',
    value: `${fmtMs(get('coldFirst', 'call'))} vs ${fmtMs(get('rust', 'wall'))} ms: ${fmtX(ratios.rustWallVsOursCall)}`,
    met: have(ratios.rustWallVsOursCall) ? ratios.rustWallVsOursCall >= 1 : null,
    note: `after priming: ${fmtMs(get('coldPrimed', 'call'))} ms (${fmtX(get('rust', 'wall') / get('coldPrimed', 'call'))})`,
  },
  {
    what: `warm >= ${TARGET_WARM_SPEEDUP}x faster than cold — in-call, **first call** of a new process each`,
    value: `${fmtMs(get('coldFirst', 'call'))} / ${fmtMs(get('warmFirst', 'call'))} ms = ${fmtX(ratios.warmFirst)}`,
    met: have(ratios.warmFirst) ? ratios.warmFirst >= TARGET_WARM_SPEEDUP : null,
    note: 'both include loading the addon (done on the first call)',
  },
  {
    what: `warm >= ${TARGET_WARM_SPEEDUP}x faster than cold — in-call, new process each, **after priming** (symbol work only)`,
    value: `${fmtMs(get('coldPrimed', 'call'))} / ${fmtMs(get('warmPrimed', 'call'))} ms = ${fmtX(ratios.warmPrimed)}`,
    met: have(ratios.warmPrimed) ? ratios.warmPrimed >= TARGET_WARM_SPEEDUP : null,
    note: `whole-process wall, first call: ${fmtX(ratios.warmWall)} (for information)`,
  },
  {
    what: `warm >= ${TARGET_WARM_SPEEDUP}x faster than cold — in-call, new process each, after priming, **sync API** (the same work on the calling thread)`,
    value: `${fmtMs(get('coldPrimedSync', 'call'))} / ${fmtMs(get('warmPrimedSync', 'call'))} ms = ${fmtX(ratios.warmPrimedSync)}`,
    met: have(ratios.warmPrimedSync) ? ratios.warmPrimedSync >= TARGET_WARM_SPEEDUP : null,
    note: `the async call's extra over sync, warm: ${fmtMs(get('warmPrimed', 'call') - get('warmPrimedSync', 'call'))} ms (handing the task to a pool thread, waking it, and waking the JS thread when it is done: see "Where a warm call goes")`,
  },
];

const cmd = ['node', path.relative(process.cwd(), THIS_FILE) || THIS_FILE, ...argv].join(' ');
const totalS = (performance.now() - started) / 1000;
const loadEnd = machineInfo().loadavg;
const busy = Math.max(Number(loadStart.split(' ')[0]), Number(loadEnd.split(' ')[0])) > machine.cores / 2;
const O = [];
O.push('# Symbolication benchmark results', '');
O.push(`Written by \`bench/symbolicate.mjs\` on ${new Date().toISOString()} — this section is regenerated on every run; do not edit by hand.`, '');
O.push('## Machine and command', '');
O.push(`- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memGiB} GiB; ${machine.kernel}`);
O.push(`- Node ${machine.node}; load average (1/5/15 min) at start ${loadStart}, at end ${loadEnd}`);
if (busy) O.push(`- **Warning: the 1-minute load was above ${machine.cores / 2} (half the cores): other work inflated these numbers, process start-ups most.**`);
O.push(`- Command: \`${cmd}\` (cwd \`${process.cwd()}\`), ${totalS.toFixed(0)} s in all`);
O.push(`- Dump: \`${path.relative(ROOT, DUMP)}\` (${(fs.statSync(DUMP).size / 1024).toFixed(0)} KB); symbols: \`${path.relative(ROOT, SYM)}\` (${(symBytes / 1e6).toFixed(2)} MB, ${funcRanges.length} FUNC records)${otherLoaded.length ? `; other modules with symbols: ${otherLoaded.join(', ')}` : '; no other module of the dump has symbols in the corpus'}`);
O.push(`- Every run: a new copy of the dump at a new path, a new symbol root holding a new copy of that one .sym (\`<root>/${SYM_REL.split(path.sep).join('/')}\`), and for ours a new cache dir (${cacheFs} under \`${os.tmpdir()}\`); made and removed outside the timed regions. The page cache is not dropped: every tool benefits equally.`);
O.push(`- Ours: \`@acme/sentry-electron-native\` ${oursVersion} (\`require('${ROOT}')\`), run by \`bench/symbolicate-child.cjs\`. Peers: ${rust ? `\`${rust.bin}\` (${rust.version}${rust.ok ? '' : `, **want ${RUST_STACKWALK_VERSION}**`})` : '**minidump-stackwalk not installed**'}; Breakpad \`minidump_stackwalk\` from npm \`minidump@${breakpadVersion}\`${breakpadOk ? '' : ' **(missing)**'}; ${indutny ? `\`@indutny/breakpad\` ${indutny.version} (from \`${indutny.dir}\`)` : '`@indutny/breakpad` **not installed: its rows are skipped**'}`);
O.push(`- ${ROUNDS} rounds (after ${WARMUP_ROUNDS} untimed) of new processes; each round runs the cold kinds in a seeded random order, then the warm kinds (each on the cache a cold process of the same round filled) and the CLIs in a seeded random order. Medians; the interquartile range is shown beside the in-call times.`);
O.push('');
O.push('## Targets', '');
O.push('| target | value | met | note |', '|---|---|---|---|');
for (const t of targets) O.push(`| ${t.what} | ${t.value} | ${mark(t.met)} | ${t.note} |`);
O.push('');
O.push(`## New processes: \`${path.basename(DUMP)}\` with the ${(symBytes / 1e6).toFixed(1)} MB \`${MODULE}.sym\` (median of ${ROUNDS})`, '');
O.push('| run | exact call / command | in-call ms (IQR) | process wall ms | peak RSS MB (process) | RSS growth in the call MB | frame 0 symbolicated |');
O.push('|---|---|---:|---:|---:|---:|---|');
const cmdOf = {
  coldFirst: '`parseMinidump(dump, { symbols: [root], cacheDir: <new empty dir> })`',
  coldPrimed: 'same, after priming: `parseMinidump(<linux-mini.dmp copy>)` once per thread of the pool (4), all at once',
  coldAll: '`parseMinidump(dump, { symbols: [root], cacheDir: <new empty dir>, allThreads: true })`',
  warmFirst: '`parseMinidump(dump, { cacheDir })` — no local root; the cache was filled by a cold process',
  warmPrimed: 'same, after the same priming',
  warmRoot: '`parseMinidump(dump, { symbols: [<new root, same .sym>], cacheDir })`, after priming (info)',
  coldPrimedSync: '`parseMinidumpSync(dump, { symbols: [root], cacheDir: <new empty dir> })`, after `parseMinidumpSync(<linux-mini.dmp copy>)`',
  warmPrimedSync: '`parseMinidumpSync(dump, { cacheDir })`, after `parseMinidumpSync(<linux-mini.dmp copy>)`',
  rust: '`minidump-stackwalk --symbols-path <root> <dump>`',
  breakpad: '`node_modules/minidump/bin/linux-x64/minidump_stackwalk <dump> <root>`',
  node: '`node -e 0`',
};
const order = ['coldFirst', 'coldPrimed', 'coldAll', 'coldPrimedSync', 'warmFirst', 'warmPrimed', 'warmRoot', 'warmPrimedSync', 'rust', 'breakpad', 'node'];
const symCell = (s, k) => {
  if (k === 'node') return '';
  if (s.failed) return `**${s.failed}/${s.n} failed** (${s.error})`;
  return s.symbolsOk === s.n ? `yes (${s.n}/${s.n})${s.frame0 ? ` \`${s.frame0}\`` : ''}` : `**${s.symbolsOk}/${s.n}**`;
};
const rssOf = (k, s) => {
  if (k === 'rust' || k === 'breakpad' || k === 'node') return [fmtMB(rss[k]), '—'];
  return [fmtMB(s.peakKb), s.hwmReset ? fmtMB(s.growthKb) : 'n/a'];
};
for (const k of order) {
  const s = m[k];
  if (!s) continue;
  const [peak, growth] = rssOf(k, s);
  const call = k.startsWith('cold') || k.startsWith('warm') ? `${fmtMs(s.call)} (${spread(s.callAll)})` : '—';
  O.push(`| ${K[k]} | ${cmdOf[k]} | ${call} | ${fmtMs(s.wall)} | ${peak} | ${growth} | ${symCell(s, k)} |`);
}
if (indutnyChild)
  O.push(`| @indutny/breakpad in a new node process (info) | \`symbolicateFrames(createReadStream(sym), [${crashOffsets.length} crash addresses])\` (median of ${indutnyChild.n}) | ${fmtMs(indutnyChild.call)} | ${fmtMs(indutnyChild.wall)} | ${fmtMB(indutnyChild.peakKb)} | ${fmtMB(indutnyChild.growthKb)} | ${indutnyChild.ok === indutnyChild.n ? 'names only (no CFI walk, no inlines)' : `**${indutnyChild.n - indutnyChild.ok} failed** (${indutnyChild.error})`} |`);
O.push('');
O.push(`Ratios (of medians): minidump-stackwalk / ours cold — process wall ${fmtX(ratios.rustWallVsOursWall)} (allThreads: ${fmtX(ratios.rustWallVsOursAllWall)}), our in-call ${fmtX(ratios.rustWallVsOursCall)}; Breakpad / ours cold — process wall ${fmtX(ratios.breakpadWallVsOursWall)}, our in-call ${fmtX(ratios.breakpadWallVsOursCall)}; ours cold / warm — in-call first call ${fmtX(ratios.warmFirst)}, in-call after priming ${fmtX(ratios.warmPrimed)} (sync API ${fmtX(ratios.warmPrimedSync)}), process wall ${fmtX(ratios.warmWall)}; ours cold process wall minus \`node -e 0\`: ${fmtMs(get('coldFirst', 'wall') - get('node', 'wall'))} ms (minidump-stackwalk: ${fmtMs(get('rust', 'wall'))} ms).`);
O.push('');
O.push('In-call: `performance.now()` around the one `await parseMinidump(...)` (sync rows: `parseMinidumpSync(...)`) inside the child (it includes loading the addon when it is the first call: the package loads it lazily). Process wall: from `spawnSync` to exit, measured by this script, the same way for every row; minidump-stackwalk and Breakpad keep no symbol cache between runs, so for them cold == warm. Peak RSS: ours and @indutny/breakpad from the child\'s own `VmHWM` (whole process); the CLIs and `node -e 0` by GNU `/usr/bin/time -f %M` (median of ' + RSS_RUNS + ' separate runs). RSS growth in the call: `VmHWM` after the call minus `VmRSS` before it, with the peak counter reset (`clear_refs` 5) just before. Both CLIs walk every thread (11 here); ours walks the crashing thread by default (the `allThreads` row walks all). "Frame 0 symbolicated": our report names the module\'s frame 0 / the CLI output contains that function name.');
O.push('');
const c = m.coldFirst ?? {};
const w = m.warmFirst ?? {};
O.push('### Where our process time goes (medians, ms)', '');
O.push('| run | node start to first line of the child script | `require` of the package | priming | the timed call | after the call to exit (incl. spawn) | process wall |', '|---|---:|---:|---:|---:|---:|---:|');
for (const k of ['coldFirst', 'coldPrimed', 'warmFirst', 'warmPrimed']) {
  const s = m[k];
  if (s) O.push(`| ${K[k]} | ${fmtMs(s.boot)} | ${fmtMs(s.require)} | ${have(s.prime) ? fmtMs(s.prime) : '—'} | ${fmtMs(s.call)} | ${fmtMs(s.tail)} | ${fmtMs(s.wall)} |`);
}
O.push('');
O.push(`First call of a process (median of ${diag.length} \`diag\` children on linux-mini.dmp, no symbols): the package's \`loadNative()\` ${fmtMs(diagMed.libcMs + diagMed.loadNativeMs)} ms — telling glibc from musl ${fmtMs(diagMed.libcMs)} ms (\`process.report.getReport()\`, the usual way, would take ${fmtMs(diagMed.getReportMs)} ms), resolving the platform package and loading the addon ${fmtMs(diagMed.loadNativeMs)} ms; then the first parse ${fmtMs(diagMed.firstParseMs)} ms (libuv's thread pool starts, the package's JS is compiled) and the second ${fmtMs(diagMed.secondParseMs)} ms.`);
O.push('');
if (splitOk.length) {
  const row = (label, which) =>
    `| ${label} | ${fmtMs(splitMed(which, 'nativeMs'))} | ${fmtMs(splitMed(which, 'jsonMs'))} | ${fmtMs(splitMed(which, 'nativeMs') + splitMed(which, 'jsonMs'))} | ${splitMed(which, 'faults')} | ${splitMed(which, 'switches')} |`;
  O.push(`### Where a warm call goes (median of ${splitOk.length} new processes${split.length > splitOk.length ? `; ${split.length - splitOk.length} failed: ${split.find((r) => !r.ok).error}` : ''})`, '');
  O.push(`After the same priming, \`parseMinidump(dump, { cacheDir })\` split into its two halves: the native task (arguments checked and converted, the parse on a libuv worker, the ${fmtMs(splitMed('first', 'jsonKb'))} KB of JSON text handed back) and \`JSON.parse\` of that text on the JS thread. Page faults and context switches are the whole process's during the call (\`process.resourceUsage()\`).`, '');
  O.push('| call | native task ms | JSON.parse ms | both ms | minor page faults | context switches |', '|---|---:|---:|---:|---:|---:|');
  O.push(row('first warm call (the row "ours warm, after priming" above)', 'first'));
  O.push(row('the same call again, same process', 'second'));
  O.push('');
}
O.push(`## In-process: symbol load + lookup (median of ${LOOKUP_ROUNDS} calls each, repeated in this process, seeded random order)`, '');
O.push('Our JS API has no per-address lookup: our rows are whole `parseMinidump` calls that load the module\'s symbols and resolve the crashing thread\'s frames (names, lines, inlines, and CFI for the walk). @indutny/breakpad\'s `symbolicateFrames` streams and parses the whole `.sym` on every call and returns FUNC/PUBLIC name, file and line per address (no inlines, no CFI, no walk); it has no cache.', '');
O.push('| what | exact call | ms per call (IQR) | symbol part ms¹ | per address / frame ms² | frames or addresses named |', '|---|---|---:|---:|---:|---|');
for (const [k, d] of Object.entries(L)) {
  if (!lookupTimes[k].length) {
    if (k.startsWith('indutny')) O.push(`| ${d.label} | \`${d.what}\` | skipped: not installed | | | |`);
    continue;
  }
  const inf = lookupInfo[k];
  const symPart = k.startsWith('ours') && k !== 'oursNoSym' ? lk[k] - lk.oursNoSym : k.startsWith('indutny') ? lk[k] : NaN;
  const per = k === 'indutnyRandom' ? lk[k] / RANDOM_N : k === 'indutnyCrash' ? lk[k] / crashOffsets.length : k !== 'oursNoSym' ? symPart / crashOffsets.length : NaN;
  O.push(`| ${d.label} | \`${d.what}\` | ${fmtMs(lk[k])} (${spread(lookupTimes[k])}) | ${fmtMs(symPart)} | ${fmtMs(per)} | ${inf ? `${inf.named}/${inf.of}` : ''} |`);
}
O.push('');
O.push(`¹ For ours: the call minus the no-symbol call (the walk and the report without symbols). For @indutny/breakpad: the whole call. ² @indutny/breakpad: the call divided by the number of addresses; ours: the symbol part divided by the ${crashOffsets.length} frames of the crashing thread in \`${MODULE}\` (module offsets ${crashOffsets.map((x) => '0x' + x.toString(16)).join(', ')}) — not a per-address API, so only indicative.`);
if (namesAgree !== null) O.push(`Function names of those ${crashOffsets.length} frames: @indutny/breakpad and ours agree on ${namesAgree}/${crashOffsets.length}.`);
O.push('');
O.push('Ratios (in-process, per call):');
O.push(`- cold with cache writes / local root without cache: ${fmtX(lk.oursCold / lk.oursRoot)} — writing \`.sym\` + \`.sym.idx\` into the cache costs ${fmtMs(lk.oursCold - lk.oursRoot)} ms on top of reading and indexing the .sym (${fmtMs(lk.oursRoot - lk.oursNoSym)} ms).`);
O.push(`- local root without cache / warm: ${fmtX(lk.oursRoot / lk.oursWarm)}; cold / warm: ${fmtX(lk.oursCold / lk.oursWarm)}; symbol part cold / warm: ${fmtX((lk.oursCold - lk.oursNoSym) / (lk.oursWarm - lk.oursNoSym))}.`);
if (lookupTimes.indutnyCrash.length) {
  O.push(`- @indutny/breakpad (crash addresses) / ours local root without cache: ${fmtX(lk.indutnyCrash / lk.oursRoot)}; / ours warm: ${fmtX(lk.indutnyCrash / lk.oursWarm)} (whole calls; @indutny/breakpad does no walk).`);
  O.push(`- @indutny/breakpad, ${RANDOM_N} random / ${crashOffsets.length} crash addresses: ${fmtX(lk.indutnyRandom / lk.indutnyCrash)} — its cost is the full parse of the file, not the lookups.`);
}
O.push('');
if (variant) {
  const v = variant.runs;
  O.push(`## Variant: \`symbolicator/macos.dmp\` with the INLINE variant of its symbols (median of ${VARIANT_ROUNDS})`, '');
  O.push(`\`symbols-extra/inlines/crash/…/crash.inlines.sym\` (${(variant.symBytes / 1e3).toFixed(0)} KB), served to every tool as \`<root>/${VARIANT_REL}\`. Same procedure as above.`, '');
  O.push('| run | in-call ms (IQR) | process wall ms | peak RSS MB | frame 0 symbolicated | inlined calls in the crashing thread (ours) |', '|---|---:|---:|---:|---|---:|');
  for (const k of order) {
    const s = v[k];
    if (!s || k === 'node') continue;
    const call = k.startsWith('cold') || k.startsWith('warm') ? `${fmtMs(s.call)} (${spread(s.callAll)})` : '—';
    const peak = k === 'rust' || k === 'breakpad' ? '—' : fmtMB(s.peakKb);
    O.push(`| ${K[k]} | ${call} | ${fmtMs(s.wall)} | ${peak} | ${symCell(s, k)} | ${s.inlines ?? '—'} |`);
  }
  O.push('');
  O.push(`Ratios: warm speed-up in-call, first call ${fmtX(v.coldFirst.call / v.warmFirst.call)}, after priming ${fmtX(v.coldPrimed.call / v.warmPrimed.call)}; minidump-stackwalk wall / ours cold wall ${fmtX(v.rust?.wall / v.coldFirst.wall)}, / ours cold in-call ${fmtX(v.rust?.wall / v.coldFirst.call)}.`, '');
}

writeResultsSection(OUT, 'symbolicate', O.join('\n'));
console.log(O.join('\n'));
log(`bench: wrote the symbolicate section of ${path.relative(process.cwd(), OUT)} in ${totalS.toFixed(0)} s`);
if (STRICT && targets.some((t) => t.met === false)) process.exitCode = 1;
