#!/usr/bin/env node
// Electron benchmark: our SDK (`build/main/index.js` + the renderer bundle) against @sentry/electron 7 in the fake
// Electron host (__test__/electron-host), every Electron process a real OS process. NOT a test: it measures, writes
// its section of bench/RESULTS.md (lib.mjs) and exits 0 unless it could not run at all.
//
//   node bench/electron.mjs [--init-runs N] [--window-ms N] [--crashes N] [--crash-window-ms N] [--events K]
//                           [--flood K] [--scope-updates K] [--only init,crash,ipc] [--no-sentry] [--out FILE]
//                           [--rss-crashes N] [--sdk-debug] [--cpu-prof DIR] [--json FILE]
//
// 1. init(): require + init() time and CPU in fresh main processes, then the deferred start-up work; the no-SDK
//    host subtracted. 2. Main's JS-thread time per renderer native crash, crash to delivered. 3. Renderer-to-main
//    events: a page captures K errors, main forwards them to a local receiver; rates, cost per event, beyond the
//    flood guard, scope updates. 4. Main's memory growth over N renderer crashes (after a full GC).
// --json FILE also writes the headline figures as one object of { ours, theirs } pairs (bench/README.md).
// Each app is its own process group, killed (with the crash handler it started) when its measurement ends, on
// SIGINT/SIGTERM and on exit. See bench/README.md ("Electron benchmark") for what is measured and what is not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { cliOptions, log, machineInfo, writeResultsSection } from './lib.mjs';
import { electronReport, fmt } from './electron-report.mjs';
import { appLauncher } from './electron-launch.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const HERE = path.dirname(THIS_FILE);
const ROOT = path.resolve(HERE, '..');
const require = createRequire(import.meta.url);
const APP = path.join(HERE, 'electron-app.cjs');
const PRELOAD = path.join(HERE, 'electron-preload.js');
const OUR_BUNDLE = path.join(ROOT, 'build/renderer/bundle.js');
const SENTRY_DIR = path.join(ROOT, 'node_modules/@sentry/electron');

// ---------------------------------------------------------------------------------------------------------------
// Options.
const { argv, opt } = cliOptions();
const num = (name, def) => Math.max(1, Number(opt(name, def)) || def);
const INIT_RUNS = num('--init-runs', 9);
const WINDOW_MS = num('--window-ms', 1500);
const CRASHES = num('--crashes', 6);
const CRASH_WINDOW_MS = num('--crash-window-ms', 3000);
// After the last crash's window: our SDK rescans 0.25, 1, 3 and 8 s after a gone-event, all of it the crash's cost.
const CRASH_TAIL_MS = Math.max(1000, 9000 - CRASH_WINDOW_MS);
const EVENTS = num('--events', 300);
const FLOOD = num('--flood', 2000);
const SCOPE_UPDATES = num('--scope-updates', 1000);
const RAW_BYTES = 2048;
const RSS_CRASHES = num('--rss-crashes', 50);
const ONLY = new Set(opt('--only', 'init,crash,ipc,rss').split(','));
const WITH_SENTRY = !argv.includes('--no-sentry');
const SDK_DEBUG = argv.includes('--sdk-debug'); // init({ debug: true }) in the crash and IPC apps; their output printed
const sdkOptions = SDK_DEBUG ? { sdkOptions: { debug: true } } : {};
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const JSON_OUT = opt('--json', null) && path.resolve(opt('--json', null));
const CPU_PROF = opt('--cpu-prof', null) && path.resolve(opt('--cpu-prof', null)); // main processes profiled into this dir
const SDKS = WITH_SENTRY ? ['ours', 'sentry'] : ['ours'];

// ---------------------------------------------------------------------------------------------------------------
// Helpers.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Load average, sampled through the run (the machine is shared: other work inflates every number).
const loadSamples = [];
const sampleLoad = () => loadSamples.push(os.loadavg()[0]);
sampleLoad();
const loadTimer = setInterval(sampleLoad, 5000).unref();

// Apps in the fake host (bench/electron-launch.mjs): each one a detached process group, killed at the end.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-bench-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
const launch = appLauncher({ root: ROOT, app: APP, scratch, cpuProf: CPU_PROF, sdkDebug: SDK_DEBUG });

const { startReceiver } = require(path.join(ROOT, 'build/receiver/index.js'));
const eventOf = (env) => env.items.find((i) => i.type === 'event')?.payload;

// ---------------------------------------------------------------------------------------------------------------
// Preconditions.
const started = performance.now();
const machine = machineInfo();
const missing = [];
for (const f of [path.join(ROOT, 'build/main/index.js'), OUR_BUNDLE, path.join(ROOT, 'build/preload/index.js'), path.join(ROOT, 'build/receiver/index.js')])
  if (!fs.existsSync(f)) missing.push(`${path.relative(ROOT, f)} (npm run build)`);
const manifest = path.join(ROOT, '__test__/fixtures/generated/manifest.json');
const hasCrashpad = fs.existsSync(manifest) && !!JSON.parse(fs.readFileSync(manifest, 'utf8')).crashpad;
if (!hasCrashpad) missing.push('Crashpad (bash scripts/install-crashpad.sh, npm run fixtures)');
if (missing.length) {
  console.error(`bench: cannot run: missing ${missing.join(', ')}`);
  process.exit(2);
}
// What is measured is build/ (what users run): say so when a source file is newer than its compiled output.
const staleBuild = [];
(function checkBuild(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const src = path.join(dir, e.name);
    if (e.isDirectory()) checkBuild(src);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
      const out = path.join(ROOT, 'build', path.relative(path.join(ROOT, 'ts'), src)).replace(/\.ts$/, '.js');
      if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) staleBuild.push(path.relative(ROOT, src));
    }
  }
})(path.join(ROOT, 'ts'));
// A shared working tree may be rebuilt while the bench runs: a hash of what is measured (build/ without source
// maps, and the addon binaries) at both ends says whether the code changed under the bench.
const buildFingerprint = () => {
  const hash = createHash('sha256');
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (!e.name.endsWith('.map') && (dir.startsWith(path.join(ROOT, 'build')) || e.name.endsWith('.node'))) hash.update(f).update(fs.readFileSync(f));
    }
  };
  for (const d of ['build', 'prebuilds', 'npm']) walk(path.join(ROOT, d));
  return hash.digest('hex');
};
const buildAtStart = buildFingerprint();
// Which code: the commit, and the source files the working tree changes (build/ is built from the tree).
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
const dirtySources = [...git('diff', '--name-only', 'HEAD', '--', 'ts').split('\n'), ...git('ls-files', '--others', '--exclude-standard', '--', 'ts').split('\n')].filter(Boolean);
if (staleBuild.length) log(`bench: WARNING: build/ is older than ${staleBuild.join(', ')}: run \`npm run build:ts\` to measure the current code`);
const ourVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const sentryVersion = JSON.parse(fs.readFileSync(path.join(SENTRY_DIR, 'package.json'), 'utf8')).version;
const electronVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;

// The pages. Ours: the renderer bundle users load (build/renderer/bundle.js, IIFE `SentryElectronRenderer`).
// @sentry/electron's renderer entry is ESM for bundlers: bundled here with esbuild (IIFE, minified, browser platform),
// as an app's bundler would. Each page captures `n` distinct errors (distinct messages: Dedupe keeps them all).
const pagesDir = path.join(scratch, 'pages');
fs.mkdirSync(pagesDir);
const SENTRY_BUNDLE = path.join(pagesDir, 'sentry-electron-renderer.js');
if (WITH_SENTRY && ONLY.has('ipc')) {
  const esbuild = require('esbuild');
  esbuild.buildSync({
    entryPoints: [path.join(SENTRY_DIR, 'esm/renderer/index.js')],
    bundle: true,
    format: 'iife',
    globalName: 'SentryElectronPeer',
    platform: 'browser',
    minify: true,
    outfile: SENTRY_BUNDLE,
    logLevel: 'error',
  });
}
// A page captures `n` errors in chunks of `chunk` per macrotask, `gapMs` apart. Never more than 16 per task: a
// synchronous loop of more than 64 overflows the browser SDK's own transport buffer (64 requests in flight, in
// the renderer) in both SDKs before anything reaches main.
const floodScript = (g) => `window.benchFlood = async (n, tag, chunk, gapMs) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    ${g}.captureException(new Error('bench ' + tag + ' ' + i));
    if ((i + 1) % chunk === 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  return { n, ms: performance.now() - t0 };
};
window.benchScope = (n) => { for (let i = 0; i < n; i++) ${g}.setTag('bench.i', String(i)); return n; };`;
const writePage = (name, bundle, body) => {
  const file = path.join(pagesDir, `${name}.html`);
  fs.writeFileSync(file, `<!doctype html>\n${bundle ? `<script src="${path.relative(pagesDir, bundle)}"></script>\n` : ''}<script>\n${body}\n</script>\n`);
  return file;
};
const PAGES = {
  blank: writePage('blank', null, 'window.loadedAt = Date.now();'),
  ours: writePage('ours', OUR_BUNDLE, `SentryElectronRenderer.init();\n${floodScript('SentryElectronRenderer')}`),
  sentry: writePage('sentry', SENTRY_BUNDLE, `SentryElectronPeer.init();\n${floodScript('SentryElectronPeer')}`),
};

log(`bench: electron — ours ${ourVersion}, @sentry/electron ${sentryVersion}${WITH_SENTRY ? '' : ' (skipped)'}; fake Electron ${electronVersion}; load ${machine.loadavg}`);

// ---------------------------------------------------------------------------------------------------------------
// 1. init() cost.
const initRows = { none: [], ours: [], sentry: [] };
const initFailures = [];
async function runInit() {
  for (let round = 0; round < INIT_RUNS; round++) {
    // Rotated each round: every variant runs first, second and last equally often (drift hits all alike).
    const variants = ['none', ...SDKS];
    for (const sdk of variants.map((_, i) => variants[(i + round) % variants.length])) {
      const receiver = await startReceiver({ lifetimeMs: 60_000, maxEnvelopes: 100 });
      const app = launch({ sdk, mode: 'init', dsn: receiver.dsn, windowMs: WINDOW_MS }, { tsx: false });
      try {
        const m = await app.wait('init', { timeoutMs: 60_000 });
        initRows[sdk].push({ ...m, spawnToReportMs: performance.now() - app.spawnedAt });
      } catch (e) {
        initFailures.push(`${sdk}: ${e.message.split('\n')[0]}`);
      } finally {
        await app.dispose();
        await receiver.close();
      }
    }
    log(`bench: init round ${round + 1}/${INIT_RUNS}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. JS-thread time per renderer native crash.
const crashResults = {};
const runCrashes = (sdk) => hostSession('crash', sdk, { windows: [], notes: [] }, crashSession).then((r) => (crashResults[sdk] = r));
async function crashSession(sdk, app, receiver, result) {
  const native = []; // arrival times (performance.now() here) of native crash events
  const nativeEvents = [];
  receiver.on('envelope', (env) => {
    const ev = eventOf(env);
    if (ev?.platform === 'native') {
      native.push(performance.now());
      nativeEvents.push({ event: ev, attachment: env.items.find((i) => i.type === 'attachment') });
    }
  });
  const waitNative = async (count, timeoutMs) => {
    const until = performance.now() + timeoutMs;
    while (native.length < count && performance.now() < until) await sleep(20);
    return native.length >= count ? native[count - 1] : undefined;
  };
  await app.wait('ready', { timeoutMs: 60_000 });
  const total = CRASHES + 1; // the first crash warms up (JIT, lazy modules), not measured
  await app.ask('open', 'opened', { windows: Array.from({ length: total }, () => ({ page: PAGES.blank, preload: PRELOAD })) }, 120_000);
  await sleep(2000);
  const crashOne = async (index, expected) => {
    const s0 = await app.snapshot();
    const t0 = performance.now();
    await app.ask('crash', 'crashing', { index });
    const gone = await app.wait('gone', { timeoutMs: 20_000 }).catch(() => undefined);
    let arrived;
    let sDelivered;
    if (sdk !== 'none') {
      arrived = await waitNative(expected, Math.max(20_000, CRASH_WINDOW_MS));
      if (arrived !== undefined) sDelivered = await app.snapshot();
    }
    const rest = CRASH_WINDOW_MS - (performance.now() - t0);
    if (rest > 0) await sleep(rest);
    const s1 = await app.snapshot();
    return {
      index,
      gone: gone?.reason,
      latencyMs: arrived !== undefined ? arrived - t0 : NaN,
      activeToDeliveredMs: sDelivered ? sDelivered.elu.active - s0.elu.active : NaN,
      threadToDeliveredMs: sDelivered ? sDelivered.thread - s0.thread : NaN,
      cpuToDeliveredMs: sDelivered ? cpuMs(sDelivered.cpu) - cpuMs(s0.cpu) : NaN,
      activeWindowMs: s1.elu.active - s0.elu.active,
      threadWindowMs: s1.thread - s0.thread,
      cpuWindowMs: cpuMs(s1.cpu) - cpuMs(s0.cpu),
      windowMs: s1.now - s0.now,
    };
  };
  const warm = await crashOne(0, 1);
  if (sdk !== 'none' && !Number.isFinite(warm.latencyMs)) result.notes.push('the warm-up crash was not delivered within 20 s');
  await sleep(1000);
  const p0 = await app.snapshot();
  for (let i = 1; i <= CRASHES; i++) {
    const w = await crashOne(i, i + 1);
    result.windows.push(w);
    log(`bench: crash ${sdk} ${i}/${CRASHES}: ${w.gone ?? 'no gone-event'}, delivered after ${fmt(w.latencyMs)} ms; main thread CPU ${fmt(w.threadToDeliveredMs)} ms to delivered, ${fmt(w.threadWindowMs)} ms in the window (loop active ${fmt(w.activeWindowMs)} ms)`);
  }
  await sleep(CRASH_TAIL_MS);
  const p1 = await app.snapshot();
  result.phase = { activeMs: p1.elu.active - p0.elu.active, threadMs: p1.thread - p0.thread, cpuMs: cpuMs(p1.cpu) - cpuMs(p0.cpu), wallMs: p1.now - p0.now };
  result.delivered = native.length - 1;
  const last = nativeEvents.at(-1);
  if (last) {
    const ex = last.event.exception?.values?.[0];
    result.sample = {
      reason: ex ? `${ex.type ?? ''}${ex.value ? `: ${ex.value}` : ''}`.slice(0, 80) : '(no exception)',
      frames: ex?.stacktrace?.frames?.length ?? 0,
      threads: last.event.threads?.values?.length ?? 0,
      images: last.event.debug_meta?.images?.length ?? 0,
      process: last.event.tags?.['event.process'],
      dumpKb: last.attachment?.payload?.length ? last.attachment.payload.length / 1024 : NaN,
    };
  }
  // Events other than the native crashes (a gone-event report without a dump, say).
  const extra = receiver.envelopes.map(eventOf).filter((e) => e && e.platform !== 'native');
  result.extraEvents = extra.length;
  result.extraWhat = [...new Set(extra.map((e) => String(e.message ?? e.exception?.values?.[0]?.value ?? e.type ?? '?').slice(0, 60)))];
}

/** One host-mode app of `sdk` against a fresh receiver: `body` measures; failures are recorded, never thrown. */
async function hostSession(kind, sdk, result, body, launchOptions = {}) {
  const receiver = await startReceiver({ lifetimeMs: 600_000, maxEnvelopes: 10_000 });
  const app = launch({ sdk, mode: 'host', dsn: receiver.dsn, ...sdkOptions }, { tsx: true, ...launchOptions });
  result.sdk = sdk;
  try {
    await body(sdk, app, receiver, result);
  } catch (e) {
    result.error = e.message.split('\n')[0];
    log(`bench: ${kind} ${sdk} failed: ${e.message}`);
  } finally {
    if (SDK_DEBUG) log(`--- ${sdk} app output ---\n${app.stderr()}`);
    await app.dispose();
    await receiver.close();
  }
  return result;
}
const cpuMs = (c) => (c.user + c.system) / 1000;
/** CPU ms of a process's main thread (its JS thread), from /proc/<pid>/schedstat (Linux, ns precision). */
const threadCpuOf = (pid) => {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
};

// ---------------------------------------------------------------------------------------------------------------
// 3. Renderer-to-main events.
const ipcResults = {};
const runIpc = (sdk) => hostSession('ipc', sdk, { runs: {} }, ipcSession).then((r) => (ipcResults[sdk] = r));
async function ipcSession(sdk, app, receiver, result) {
  const delivered = new Map(); // tag -> arrival times (Date.now())
  receiver.on('envelope', (env) => {
    const value = eventOf(env)?.exception?.values?.[0]?.value;
    const m = typeof value === 'string' && /^bench (\w+) \d+$/.exec(value);
    if (m) {
      if (!delivered.has(m[1])) delivered.set(m[1], []);
      delivered.get(m[1]).push(Date.now());
    }
  });
  await app.wait('ready', { timeoutMs: 60_000 });
  const page = sdk === 'none' ? PAGES.blank : PAGES[sdk];
  const opened = await app.ask('open', 'opened', { windows: [{ page, preload: PRELOAD }] }, 60_000);
  const rendererPid = opened.windows[0].pid;
  // Not measured: the renderer SDK's start-up messages (scope batches, start signals) and main's deferred start-up
  // (ours loads @sentry/node's NodeFetch 3 s after ready; in the idle window it made every net cost negative).
  await sleep(5000);
  // The app at rest: its loop's active time per ms (the host's probes, timers) is subtracted from every run.
  const i0 = await app.snapshot();
  const ri0 = threadCpuOf(rendererPid);
  await sleep(1500);
  const i1 = await app.snapshot();
  const span = i1.now - i0.now;
  const idle = { active: (i1.elu.active - i0.elu.active) / span, thread: (i1.thread - i0.thread) / span, cpu: (cpuMs(i1.cpu) - cpuMs(i0.cpu)) / span, renderer: (threadCpuOf(rendererPid) - ri0) / span };
  result.idle = idle;
  const channel = sdk === 'none' ? 'raw' : 'envelope';
  const measure = async (tag, code, expected, channelName = channel, sent = expected) => {
    const s0 = await app.snapshot({ resetLag: true });
    const r0 = threadCpuOf(rendererPid);
    const sentAt = Date.now();
    const ev = await app.ask('eval', 'eval', { index: 0, code }, 120_000);
    if (ev.error) throw new Error(`page: ${ev.error}`);
    // Until everything main will pass on has arrived: the expected count, or 3 s without news (max 60 s).
    let lastNews = performance.now();
    let seen = -1;
    const until = performance.now() + 60_000;
    for (;;) {
      await sleep(100);
      const snap = await app.snapshot();
      const got = (snap.counts[channelName]?.n ?? 0) + (delivered.get(tag)?.length ?? 0);
      if (got !== seen) {
        seen = got;
        lastNews = performance.now();
      }
      const done = sdk === 'none' || channelName === 'scope' ? (snap.counts[channelName]?.n ?? 0) - (s0.counts[channelName]?.n ?? 0) >= expected : (delivered.get(tag)?.length ?? 0) >= expected;
      if (done || performance.now() - lastNews > 3000 || performance.now() > until) break;
    }
    await sleep(200);
    const s1 = await app.snapshot();
    const rendererThreadMs = threadCpuOf(rendererPid) - r0 - idle.renderer * (s1.now - s0.now);
    const c0 = s0.counts[channelName] ?? { n: 0 };
    const c1 = s1.counts[channelName] ?? { n: 0, first: 0, last: 0 };
    const received = c1.n - c0.n;
    const arrivals = delivered.get(tag) ?? [];
    const activeMs = s1.elu.active - s0.elu.active;
    const wallMs = s1.now - s0.now;
    const netActiveMs = activeMs - idle.active * wallMs;
    const netThreadMs = s1.thread - s0.thread - idle.thread * wallMs;
    const netCpuMs = cpuMs(s1.cpu) - cpuMs(s0.cpu) - idle.cpu * wallMs;
    return {
      sent,
      received,
      accepted: s1.accepted?.[tag] ?? 0,
      delivered: arrivals.length,
      // Rates run from the page call (sent from here) to the last message reaching main / the last delivery.
      receiveSpanMs: received ? c1.last - sentAt : NaN,
      deliverSpanMs: arrivals.length ? Math.max(...arrivals) - sentAt : NaN,
      activeMs,
      netActiveMs,
      netThreadMs,
      netCpuMs,
      pageMs: ev.value?.ms,
      rendererThreadMs,
      lagMaxMs: s1.lag.maxMs,
      lagP99Ms: s1.lag.p99Ms,
      wallMs,
    };
  };
  if (sdk === 'none') {
    result.runs.raw = await measure('raw', `window.benchApp.raw(${EVENTS}, ${RAW_BYTES})`, EVENTS);
  } else {
    // Warm-up (not measured): JIT, lazily created transport and connections, in both SDKs.
    await measure('warm', `window.benchFlood(60, 'warm', 5, 50)`, 60);
    await sleep(1000);
    // Paced: 5 events every 100 ms (50/s), well within our guard and slow enough that no transport buffer fills:
    // every event is delivered, so the cost per event is clean.
    result.runs.paced = await measure('paced', `window.benchFlood(${EVENTS}, 'paced', 5, 100)`, EVENTS);
    await sleep(2500); // our flood guard's bucket refills (400 tokens at 200/s)
    // Burst: as fast as the renderer SDK produces (16 per task), still under the guard's 400-message burst.
    result.runs.burst = await measure('burst', `window.benchFlood(${EVENTS}, 'burst', 16, 0)`, EVENTS);
    await sleep(2500);
    // Beyond the guard: valid envelopes straight from the preload on the envelope channel, as fast as IPC goes.
    result.runs.flood = await measure('flood', `window.benchApp.envelopes(${FLOOD}, 'flood')`, FLOOD);
    await sleep(2500);
    result.runs.scope = await measure('scope', `window.benchScope(${SCOPE_UPDATES})`, 1, 'scope', SCOPE_UPDATES);
  }
  for (const [k, r] of Object.entries(result.runs))
    log(`bench: ipc ${sdk} ${k}: received ${r.received}, accepted ${r.accepted}, delivered ${r.delivered}; main thread CPU ${fmt(r.netThreadMs)} ms, loop active ${fmt(r.netActiveMs)} ms (net) over ${fmt(r.wallMs)} ms`);
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Main's memory over many renderer crashes: does anything stay behind per crash?
const rssResults = {};
const runRss = (sdk) => hostSession('rss', sdk, { notes: [] }, rssSession, { exposeGc: true }).then((r) => (rssResults[sdk] = r));
async function rssSession(sdk, app, receiver, result) {
  let native = 0;
  receiver.on('envelope', (env) => eventOf(env)?.platform === 'native' && native++);
  await app.wait('ready', { timeoutMs: 60_000 });
  let crashed = 0;
  // Windows open ten at a time (each renderer is a real process), then crash one after the other.
  const crashBatch = async (n) => {
    const { windows } = await app.ask('open', 'opened', { windows: Array.from({ length: n }, () => ({ page: PAGES.blank, preload: PRELOAD })) }, 120_000);
    for (const w of windows) {
      await app.ask('crash', 'crashing', { index: w.index });
      await app.wait('gone', { timeoutMs: 20_000 }).catch(() => undefined);
      crashed++;
      // Its event, briefly: past the per-session crash cap (ours: 10 native events a session) none comes.
      const until = performance.now() + 3000;
      while (sdk !== 'none' && native < crashed && performance.now() < until) await sleep(20);
    }
  };
  await crashBatch(1); // warm-up: lazy modules, JIT, the first queue files
  await sleep(2000);
  const m0 = (await app.snapshot({ gc: true })).memory;
  for (let left = RSS_CRASHES; left > 0; left -= 10) await crashBatch(Math.min(10, left));
  await sleep(CRASH_TAIL_MS + CRASH_WINDOW_MS); // every deferred rescan and session update has run
  const m1 = (await app.snapshot({ gc: true })).memory;
  const mb = (b) => b / 2 ** 20;
  Object.assign(result, { rssMb: mb(m1.rss - m0.rss), heapMb: mb(m1.heapUsed - m0.heapUsed), externalMb: mb(m1.external - m0.external), endRssMb: mb(m1.rss), collected: m1.collected, delivered: native - 1 });
  log(`bench: rss ${sdk}: ${RSS_CRASHES} crashes, ${result.delivered} delivered; RSS ${fmt(result.rssMb)} MB, heap ${fmt(result.heapMb)} MB, external ${fmt(result.externalMb)} MB`);
}

// ---------------------------------------------------------------------------------------------------------------
if (ONLY.has('init')) await runInit();
if (ONLY.has('crash')) for (const sdk of ['none', ...SDKS]) await runCrashes(sdk);
if (ONLY.has('ipc')) for (const sdk of ['none', ...SDKS]) await runIpc(sdk);
if (ONLY.has('rss')) for (const sdk of ['none', ...SDKS]) await runRss(sdk);
clearInterval(loadTimer);
sampleLoad();

// ---------------------------------------------------------------------------------------------------------------
// Report.
const { markdown, figures } = electronReport({
  config: { INIT_RUNS, WINDOW_MS, CRASHES, CRASH_WINDOW_MS, CRASH_TAIL_MS, EVENTS, FLOOD, SCOPE_UPDATES, RAW_BYTES, RSS_CRASHES, ONLY, SDKS },
  results: { initRows, initFailures, crashResults, ipcResults, rssResults },
  run: {
    command: ['node', path.relative(process.cwd(), THIS_FILE) || THIS_FILE, ...argv].join(' '),
    totalS: (performance.now() - started) / 1000,
    machine,
    loadSamples,
    buildChanged: buildFingerprint() !== buildAtStart,
    staleBuild,
    commit,
    dirtySources,
    versions: { ours: ourVersion, sentry: sentryVersion, electron: electronVersion },
  },
});
writeResultsSection(OUT, 'electron', markdown);
console.log(markdown);
if (JSON_OUT) {
  fs.writeFileSync(JSON_OUT, `${JSON.stringify(figures, null, 2)}\n`);
  log(`bench: wrote ${path.relative(process.cwd(), JSON_OUT)}`);
}
log(`bench: wrote ${path.relative(process.cwd(), OUT)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
