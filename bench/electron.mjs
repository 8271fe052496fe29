#!/usr/bin/env node
// Electron benchmark: our SDK (`build/main/index.js` + the renderer bundle) against @sentry/electron 7 in the fake
// Electron host (__test__/electron-host), every Electron process a real OS process. NOT a test: it measures, writes
// its section of bench/RESULTS.md (lib.mjs) and exits 0 unless it could not run at all.
//
//   node bench/electron.mjs [--init-runs N] [--window-ms N] [--crashes N] [--crash-window-ms N] [--events K]
//                           [--flood K] [--scope-updates K] [--only init,crash,ipc] [--no-sentry] [--out FILE]
//                           [--sdk-debug] [--cpu-prof DIR]
//
// 1. init(): require + init() time and CPU in fresh main processes, then the deferred start-up work; the no-SDK
//    host subtracted. 2. Main's JS-thread time per renderer native crash, crash to delivered. 3. Renderer-to-main
//    events: a page captures K errors, main forwards them to a local receiver; rates, cost per event, beyond the
//    flood guard, scope updates.
// Each app is its own process group, killed (with the crash handler it started) when its measurement ends, on
// SIGINT/SIGTERM and on exit. See bench/README.md ("Electron benchmark") for what is measured and what is not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { cliOptions, log, machineInfo, median, quantile, writeResultsSection } from './lib.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const HERE = path.dirname(THIS_FILE);
const ROOT = path.resolve(HERE, '..');
const require = createRequire(import.meta.url);
const HOOK = path.join(ROOT, '__test__/electron-host/hook.cjs');
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
const ONLY = new Set(opt('--only', 'init,crash,ipc').split(','));
const WITH_SENTRY = !argv.includes('--no-sentry');
const SDK_DEBUG = argv.includes('--sdk-debug'); // init({ debug: true }) in the crash and IPC apps; their output printed
const sdkOptions = SDK_DEBUG ? { sdkOptions: { debug: true } } : {};
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const CPU_PROF = opt('--cpu-prof', null) && path.resolve(opt('--cpu-prof', null)); // main processes profiled into this dir
const SDKS = WITH_SENTRY ? ['ours', 'sentry'] : ['ours'];

// ---------------------------------------------------------------------------------------------------------------
// Helpers.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d ?? (Math.abs(x) < 1 ? 3 : Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0)) : 'n/a');
const fmtX = (x) => (Number.isFinite(x) && x > 0 ? `${x < 0.1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1)}x` : 'n/a');
const iqr = (xs) => `${fmt(quantile(xs, 0.25))}–${fmt(quantile(xs, 0.75))}`;
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const label = { ours: 'ours', sentry: '@sentry/electron', none: 'no SDK (host only)' };

// Load average, sampled through the run (the machine is shared: other work inflates every number).
const loadSamples = [];
const sampleLoad = () => loadSamples.push(os.loadavg()[0]);
sampleLoad();
const loadTimer = setInterval(sampleLoad, 5000).unref();

// ---------------------------------------------------------------------------------------------------------------
// Apps in the fake host. Every app is detached (its own process group: main and its renderers); the crash handler
// it starts has its own group too and announces its pid. All are killed when the app is disposed, and on exit.
const live = new Set();
const killAll = () => live.forEach((k) => k());
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-bench-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

let appSeq = 0;
function launch(appConfig, { tsx }) {
  const userData = fs.mkdtempSync(path.join(scratch, `app${appSeq++}-`));
  const child = fork(APP, [], {
    execArgv: ['--require', HOOK, ...(tsx ? ['--import', pathToFileURL(require.resolve('tsx')).href] : []), ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.join(CPU_PROF, `${appConfig.sdk}-${appConfig.mode}`)] : [])],
    env: {
      ...process.env,
      FAKE_ELECTRON_ROLE: 'main',
      FAKE_ELECTRON_APP_NAME: 'BenchApp',
      FAKE_ELECTRON_APP_VERSION: '1.0.0',
      FAKE_ELECTRON_USER_DATA: userData,
      FAKE_ELECTRON_RENDERER: 'node',
      BENCH_ELECTRON_APP: JSON.stringify(appConfig),
    },
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    detached: true,
  });
  const spawnedAt = performance.now();
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => SDK_DEBUG && (stderr = (stderr + c).slice(-20000)));
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-20000)));
  const handlers = new Set();
  const messages = [];
  const waiters = new Set();
  let exited = null;
  child.on('message', (m) => {
    if (m?.fakeElectron === 'crash-handler' && m.pid) handlers.add(m.pid);
    if (m?.fakeElectron) return;
    messages.push(m);
    waiters.forEach((w) => w());
  });
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    waiters.forEach((w) => w());
  });
  const kill = () => {
    for (const target of [-child.pid, ...handlers]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };
  live.add(kill);
  let nextId = 1;
  const app = {
    pid: child.pid,
    spawnedAt,
    stderr: () => stderr,
    /** The first message of `type` (matching `id` when given) not taken before. */
    wait(type, { id, timeoutMs = 60_000 } = {}) {
      return new Promise((ok, fail) => {
        const look = () => {
          const types = Array.isArray(type) ? type : [type];
          const i = messages.findIndex((m) => types.includes(m.type) && (id === undefined || m.id === id));
          if (i >= 0) {
            const [m] = messages.splice(i, 1);
            done();
            if (m.type === 'error') fail(new Error(`app: ${m.error}`));
            else ok(m);
          } else if (exited) {
            done();
            fail(new Error(`the app exited (${JSON.stringify(exited)}) waiting for "${type}"; stderr:\n${stderr.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          fail(new Error(`no "${type}" from the app within ${timeoutMs} ms; stderr:\n${stderr.slice(-3000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(look);
        };
        waiters.add(look);
        look();
      });
    },
    /** Sends a command and waits for its answer of `type`. */
    async ask(cmd, type, extra = {}, timeoutMs) {
      const id = nextId++;
      if (child.connected) child.send({ cmd, id, ...extra });
      return app.wait([type, 'error'], { id, timeoutMs });
    },
    snapshot: (extra = {}) => app.ask('snapshot', 'snapshot', extra),
    async dispose() {
      if (CPU_PROF && !exited && child.connected) {
        // Let the process write its profile (at exit), then kill the rest of the group.
        child.send({ cmd: 'exit' });
        await Promise.race([new Promise((r) => child.once('exit', r)), sleep(60_000)]);
      }
      kill();
      live.delete(kill);
      if (!exited) await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
      fs.rmSync(userData, { recursive: true, force: true });
    },
  };
  return app;
}

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
async function hostSession(kind, sdk, result, body) {
  const receiver = await startReceiver({ lifetimeMs: 300_000, maxEnvelopes: 10_000 });
  const app = launch({ sdk, mode: 'host', dsn: receiver.dsn, ...sdkOptions }, { tsx: true });
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
  await sleep(2500); // the renderer SDK's start-up messages (scope batches, start signals) are not measured
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
if (ONLY.has('init')) await runInit();
if (ONLY.has('crash')) for (const sdk of ['none', ...SDKS]) await runCrashes(sdk);
if (ONLY.has('ipc')) for (const sdk of ['none', ...SDKS]) await runIpc(sdk);
clearInterval(loadTimer);
sampleLoad();

// ---------------------------------------------------------------------------------------------------------------
// Report.
const totalS = (performance.now() - started) / 1000;
const L = [];
const cmd = ['node', path.relative(process.cwd(), THIS_FILE) || THIS_FILE, ...argv].join(' ');
L.push('# Electron SDK benchmark results', '');
L.push(`Written by \`bench/electron.mjs\` on ${new Date().toISOString()} — this section is regenerated on every run; do not edit by hand.`, '');
L.push('## Machine and command', '');
L.push(`- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memGiB} GiB; ${machine.kernel}`);
L.push(`- Node ${machine.node}; load average (1/5/15 min) at start ${machine.loadavg}, at end ${machineInfo().loadavg}; 1-min load sampled every 5 s: median ${fmt(median(loadSamples), 2)}, max ${fmt(Math.max(...loadSamples), 2)}`);
if (median(loadSamples) > machine.cores / 2)
  L.push(`- **Warning**: the machine was loaded (median 1-min load ${fmt(median(loadSamples), 2)} on ${machine.cores} cores): wall times are inflated; the CPU and event-loop measures less so, and both SDKs ran interleaved or back to back under the same load.`);
const buildChanged = buildFingerprint() !== buildAtStart;
if (buildChanged) log('bench: WARNING: build/ changed during the run');
if (buildChanged) L.push('- **Warning**: `build/` changed while the bench ran (rebuilt by someone): these numbers may mix two builds; run again');
if (staleBuild.length) L.push(`- **Warning**: \`build/\` was older than ${staleBuild.map((f) => `\`${f}\``).join(', ')}: this run measured the previous build`);
L.push(`- Command: \`${cmd}\` (cwd \`${process.cwd()}\`), ${totalS.toFixed(0)} s in all`);
L.push(`- Code: commit \`${commit}\`${dirtySources.length ? ` plus uncommitted changes to ${dirtySources.map((f) => `\`${f}\``).join(', ')}` : ''} (\`build/\` as built from the working tree)`);
L.push(`- Ours: \`@acme/sentry-electron-native\` ${ourVersion}, \`build/main/index.js\` and \`build/renderer/bundle.js\`; peer: \`@sentry/electron\` ${sentryVersion} (\`main/index.js\`; its renderer entry bundled by esbuild); fake Electron ${electronVersion} (\`__test__/electron-host\`), Node renderers`);
L.push('');

// Ratios.
const targets = [];
const reqInit = (r) => r.requireMs + r.initMs;
const reqInitCpu = (r) => r.requireCpuMs + r.initCpuMs;
const initStat = (sdk, f) => median(initRows[sdk].map(f));
if (ONLY.has('init')) {
  // The no-SDK host's median over the same window is subtracted from each SDK run.
  const none = { thread: initStat('none', (r) => r.threadWindowMs), loop: initStat('none', (r) => r.loopActiveWindowMs), cpu: initStat('none', (r) => r.processCpuMs) };
  for (const sdk of SDKS)
    for (const r of initRows[sdk]) {
      r.threadAfterInitMs = r.threadWindowMs - none.thread;
      r.loopAfterInitMs = r.loopActiveWindowMs - none.loop;
      r.attributableCpuMs = r.processCpuMs - none.cpu;
    }
  const o = (f) => initStat('ours', f);
  const s = (f) => initStat('sentry', f);
  targets.push(
    { part: 'init', what: '`require` + `init()`, main-thread CPU ms', ours: o((r) => r.threadRequireInitMs), sentry: s((r) => r.threadRequireInitMs) },
    { part: 'init', what: '`require` + `init()`, process CPU ms (all threads)', ours: o(reqInitCpu), sentry: s(reqInitCpu) },
    { part: 'init', what: '`require` + `init()`, wall ms', ours: o(reqInit), sentry: s(reqInit) },
    { part: 'init', what: `main-thread CPU ms in the ${WINDOW_MS} ms after \`init()\` (deferred start-up), minus the host's`, ours: o((r) => r.threadAfterInitMs), sentry: s((r) => r.threadAfterInitMs) },
    { part: 'init', what: `whole-process CPU ms from start to init + ${WINDOW_MS} ms, minus the host's`, ours: o((r) => r.attributableCpuMs), sentry: s((r) => r.attributableCpuMs) },
  );
}
const crashNet = {};
if (ONLY.has('crash')) {
  const none = crashResults.none;
  const nw = none && !none.error ? none.windows : [];
  const noneMed = (f) => median(nw.map(f));
  for (const sdk of SDKS) {
    const r = crashResults[sdk];
    if (!r || r.error || !r.windows.length) continue;
    const med = (f) => median(r.windows.map(f));
    // The host's share of a shorter window (crash → delivered): the control's rate per ms of its windows.
    const hostThreadRate = noneMed((w) => w.threadWindowMs / w.windowMs);
    const scale = none?.phase && r.phase ? r.phase.wallMs / none.phase.wallMs : NaN;
    crashNet[sdk] = {
      thread: med((w) => w.threadWindowMs) - noneMed((w) => w.threadWindowMs),
      active: med((w) => w.activeWindowMs) - noneMed((w) => w.activeWindowMs),
      cpu: med((w) => w.cpuWindowMs) - noneMed((w) => w.cpuWindowMs),
      threadToDelivered: med((w) => w.threadToDeliveredMs - hostThreadRate * w.latencyMs),
      phaseThread: none?.phase && r.phase ? (r.phase.threadMs - none.phase.threadMs * scale) / CRASHES : NaN,
      phaseActive: none?.phase && r.phase ? (r.phase.activeMs - none.phase.activeMs * scale) / CRASHES : NaN,
      phaseCpu: none?.phase && r.phase ? (r.phase.cpuMs - none.phase.cpuMs * scale) / CRASHES : NaN,
      latency: med((w) => w.latencyMs),
    };
  }
  const o = crashNet.ours ?? {};
  const s = crashNet.sentry ?? {};
  targets.push(
    { part: 'crash', what: `main-thread CPU ms per renderer native crash (${CRASH_WINDOW_MS} ms window from the crash, minus the host's)`, ours: o.thread, sentry: s.thread },
    { part: 'crash', what: `same, all work incl. follow-ups (${CRASHES} crashes + ${CRASH_TAIL_MS / 1000} s tail, minus the host's, ÷ ${CRASHES})`, ours: o.phaseThread, sentry: s.phaseThread },
    { part: 'crash', what: "event-loop active ms per crash (window, minus the host's)", ours: o.active, sentry: s.active },
    { part: 'crash', what: "process CPU ms per crash, all threads (window, minus the host's)", ours: o.cpu, sentry: s.cpu },
    { part: 'crash', what: 'crash → event at the receiver, wall ms', ours: o.latency, sentry: s.latency },
  );
}
const ipcNet = {};
const rate = (n, spanMs) => (n && spanMs > 0 ? (n / spanMs) * 1000 : NaN);
if (ONLY.has('ipc')) {
  for (const sdk of SDKS) {
    const runs = ipcResults[sdk]?.runs;
    if (!runs?.paced || !runs?.burst) continue;
    const p = runs.paced;
    const b = runs.burst;
    ipcNet[sdk] = {
      // Per event handled by main: the paced run, where every event is delivered (or per received when not).
      thread: p.netThreadMs / Math.max(1, p.received),
      active: p.netActiveMs / Math.max(1, p.received),
      cpu: p.netCpuMs / Math.max(1, p.received),
      renderer: p.rendererThreadMs / EVENTS,
      intake: rate(b.received, b.receiveSpanMs),
      deliver: rate(b.delivered, b.deliverSpanMs),
      burstDelivered: b.delivered,
      scope: runs.scope?.netThreadMs,
      flood: runs.flood ? runs.flood.netThreadMs / runs.flood.received : NaN,
      floodAccepted: runs.flood?.accepted,
    };
  }
  const o = ipcNet.ours ?? {};
  const s = ipcNet.sentry ?? {};
  targets.push(
    { part: 'ipc', what: `main-thread CPU ms per renderer event, IPC → delivered (${EVENTS} events at 50/s, idle subtracted)`, ours: o.thread, sentry: s.thread },
    { part: 'ipc', what: 'event-loop active ms per renderer event (same run)', ours: o.active, sentry: s.active },
    { part: 'ipc', what: 'main process CPU ms per renderer event, all threads (same run)', ours: o.cpu, sentry: s.cpu },
    { part: 'ipc', what: 'renderer main-thread CPU ms per `captureException` (same run; for information)', ours: o.renderer, sentry: s.renderer },
    { part: 'ipc', what: `events/s reaching main (burst of ${EVENTS}, as fast as the renderer SDK goes)`, ours: o.intake, sentry: s.intake },
    { part: 'ipc', what: `events/s delivered to the receiver (same burst; delivered: ours ${o.burstDelivered ?? 'n/a'}, sentry ${s.burstDelivered ?? 'n/a'} of ${EVENTS})`, ours: o.deliver, sentry: s.deliver },
    { part: 'ipc', what: `main-thread CPU ms per message, ${FLOOD} envelopes beyond the guard (accepted: ours ${o.floodAccepted ?? 'n/a'}, sentry ${s.floodAccepted ?? 'n/a'})`, ours: o.flood, sentry: s.flood },
    { part: 'ipc', what: `main-thread CPU ms for ${SCOPE_UPDATES} renderer \`setTag\` calls`, ours: o.scope, sentry: s.scope },
  );
}

L.push('## Ratios', '');
L.push('Ratio = ours ÷ @sentry/electron. For costs (ms) below 1 means ours costs less; for rates (events/s) above 1 means ours is faster. Medians; "the host\'s" is the same measurement in the same fake host without any SDK.', '');
L.push('| | measure | ours | @sentry/electron | ours ÷ sentry |', '|---|---|---:|---:|---:|');
for (const t of targets) L.push(`| ${t.part} | ${t.what} | ${fmt(t.ours)} | ${fmt(t.sentry)} | ${fmtX(ratio(t.ours, t.sentry))} |`);
L.push('');

if (ONLY.has('init')) {
  L.push(`## 1. \`init()\` (${INIT_RUNS} fresh main processes each, in an order rotated each round; median and interquartile range)`, '');
  L.push('| | require ms | init() ms | require + init: main-thread CPU ms | require + init: process CPU ms | process start → init() returned ms | window: main-thread CPU ms | window: loop active ms | process CPU ms at the window\'s end | ready after init() ms | loop active ms, init() → ready | runs |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const sdk of ['none', ...SDKS]) {
    const rows = initRows[sdk];
    const c = (f) => `${fmt(median(rows.map(f)))} (${iqr(rows.map(f))})`;
    const sdkOnly = (f) => (sdk === 'none' ? '—' : c(f));
    L.push(`| ${label[sdk]} | ${sdkOnly((r) => r.requireMs)} | ${sdkOnly((r) => r.initMs)} | ${sdkOnly((r) => r.threadRequireInitMs)} | ${sdkOnly(reqInitCpu)} | ${c((r) => r.startToInitMs)} | ${c((r) => r.threadWindowMs)} | ${c((r) => r.loopActiveWindowMs)} | ${c((r) => r.processCpuMs)} | ${c((r) => r.readyAfterInitMs)} | ${c((r) => r.loopActiveToReadyMs)} | ${rows.length} |`);
  }
  if (initFailures.length) L.push('', `Failed runs: ${initFailures.join('; ')}`);
  L.push('');
}
if (ONLY.has('crash')) {
  L.push(`## 2. Renderer native crashes (${CRASHES} measured per app after one warm-up crash; medians)`, '');
  L.push(`| | crash → event at receiver ms | main-thread CPU ms, crash → delivered (host share removed) | main-thread CPU ms in the ${CRASH_WINDOW_MS} ms window | loop active ms in the window | process CPU ms in the window | phase ÷ crashes: main-thread CPU ms | phase ÷ crashes: process CPU ms | delivered | other events | what arrived (last crash) |`);
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const sdk of ['none', ...SDKS]) {
    const r = crashResults[sdk];
    if (!r) continue;
    if (r.error) {
      L.push(`| ${label[sdk]} | failed: ${r.error} | | | | | | | | | |`);
      continue;
    }
    const med = (f) => fmt(median(r.windows.map(f)));
    const n = crashNet[sdk];
    const what = r.sample ? `${r.sample.reason}; ${r.sample.frames} frames, ${r.sample.threads} threads, ${r.sample.images} images, \`event.process\` ${r.sample.process ?? 'unset'}, dump ${fmt(r.sample.dumpKb, 0)} KB attached` : '—';
    const sdkOnly = (x) => (sdk === 'none' ? '—' : x);
    L.push(`| ${label[sdk]} | ${sdkOnly(med((w) => w.latencyMs))} | ${sdkOnly(n ? fmt(n.threadToDelivered) : 'n/a')} | ${med((w) => w.threadWindowMs)} | ${med((w) => w.activeWindowMs)} | ${med((w) => w.cpuWindowMs)} | ${r.phase ? fmt(r.phase.threadMs / CRASHES) : 'n/a'} | ${r.phase ? fmt(r.phase.cpuMs / CRASHES) : 'n/a'} | ${sdkOnly(`${r.delivered}/${CRASHES}`)} | ${sdkOnly(r.extraEvents ? `${r.extraEvents} (${r.extraWhat.join('; ')})` : 0)} | ${what} |`);
  }
  if (Object.values(crashResults).some((r) => r.notes?.length)) L.push('', Object.entries(crashResults).flatMap(([k, r]) => (r.notes ?? []).map((n) => `${label[k]}: ${n}`)).join('; '));
  L.push('');
}
if (ONLY.has('ipc')) {
  L.push('## 3. Renderer → main → receiver (one window per app; costs net of the app\'s idle rate measured just before)', '');
  L.push('| | run | sent | received by main | accepted by main\'s client | delivered | page ms | events/s reaching main | events/s delivered | main-thread CPU ms | per message received | loop active ms | main process CPU ms | renderer main-thread CPU ms | main loop delay p99 / max ms |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const runName = {
    raw: `raw IPC, ${RAW_BYTES} B each (host only)`,
    paced: `${EVENTS} captureException, 5 per 100 ms`,
    burst: `${EVENTS} captureException, 16 per task (burst)`,
    flood: `${FLOOD} envelopes from the preload in one loop (beyond the guard)`,
    scope: `${SCOPE_UPDATES} setTag in one loop`,
  };
  for (const sdk of ['none', ...SDKS]) {
    const r = ipcResults[sdk];
    if (!r) continue;
    if (r.error) {
      L.push(`| ${label[sdk]} | failed: ${r.error} | | | | | | | | | | | | | |`);
      continue;
    }
    for (const [k, x] of Object.entries(r.runs)) {
      const events = k !== 'raw' && k !== 'scope';
      L.push(`| ${label[sdk]} | ${runName[k]} | ${x.sent} | ${x.received} | ${events ? x.accepted : '—'} | ${events ? x.delivered : '—'} | ${fmt(x.pageMs)} | ${fmt(rate(x.received, x.receiveSpanMs), 0)} | ${events ? fmt(rate(x.delivered, x.deliverSpanMs), 0) : '—'} | ${fmt(x.netThreadMs)} | ${x.received ? fmt(x.netThreadMs / x.received) : 'n/a'} | ${fmt(x.netActiveMs)} | ${fmt(x.netCpuMs)} | ${fmt(x.rendererThreadMs)} | ${fmt(x.lagP99Ms)} / ${fmt(x.lagMaxMs)} |`);
    }
  }
  L.push('');
}
L.push('## What was measured', '');
L.push(...NOTES());
writeResultsSection(OUT, 'electron', L.join('\n'));
console.log(L.join('\n'));
log(`bench: wrote ${path.relative(process.cwd(), OUT)} in ${totalS.toFixed(0)} s`);
process.exit(0);

function NOTES() {
  return [
    '- **Measures.** "Main-thread CPU" is the main process\'s JS thread\'s own CPU time (`/proc/self/task/<pid>/schedstat`, ns): the primary measure, since it does not grow when the loaded machine preempts the thread. "Loop active" is `performance.eventLoopUtilization()` active time: wall time while the loop was not waiting, so it includes preemption. "Process CPU" is `process.cpuUsage()`: every thread of main (libuv pool, V8 helpers, ours\' addon threads). "The host\'s" is the same measurement in the same fake host without any SDK (its renderers, IPC, timers, probes), subtracted.',
    '- **Host.** Every app is `node --require __test__/electron-host/hook.cjs bench/electron-app.cjs` (main); its renderers are Node processes with the page in a `vm` realm; its crash handler is Crashpad\'s own `crashpad_handler`. Both SDKs get `init({ dsn })` with their default integrations and a local receiver (`build/receiver`, in the bench process) as the DSN, and send through the fake `net.request` (Node\'s http underneath). The fake lacks `app.commandLine` and `screen`, which @sentry/electron\'s defaults touch: `bench/electron-app.cjs` adds inert stand-ins before any SDK loads, in every run (control included). What is measured is `build/` (a warning appears above when a `ts/` file is newer than its build output).',
    `- **init().** ${INIT_RUNS} rounds, each running one fresh main process per variant (no SDK, ours, @sentry/electron), the order rotated each round. Main starts without \`--import tsx\`: tsx is registered only while the fake \`electron\` (TypeScript) loads and is unregistered before the SDK is required, so both SDKs load as in a real app, without a transpiler hook on every module (under tsx, @sentry/electron's require took about twice the CPU). "require" and "init()" are \`performance.now()\` around \`require(entry)\` and \`init({ dsn })\`. The window is the ${WINDOW_MS} ms after \`init()\` returned: the SDKs' deferred start-up (crash handler start, scans of the crash database, persisted scope, sessions; the fake app is \`ready\` one loop turn after the main script, so "ready after init()" is short for all). "Whole-process CPU … minus the host's" is everything the SDK cost the process, all threads, from its start to the window's end.`,
    `- **Native crashes.** One app per variant; ${CRASHES + 1} windows are opened first (blank page, the bench preload); each crash is \`process.crash()\` in one renderer, a real SIGSEGV dumped by Crashpad's own crashpad_handler (scripts/install-crashpad.sh) into \`<userData>/Crashpad/completed\`. The first crash warms up and is not measured; then, one crash at a time: main's time from the crash command to the native event's arrival at the receiver ("crash → delivered"; the host's rate per ms from the control's windows removed), and over a fixed ${CRASH_WINDOW_MS} ms window from the crash (minus the control's median window). "Phase" is the whole run of ${CRASHES} crashes plus ${CRASH_TAIL_MS / 1000} s, which also holds deferred work (our rescans 0.25/1/3/8 s after a gone-event, session updates), minus the control's phase scaled to the same length, divided by ${CRASHES}. Ours checks and parses the dump on the libuv pool and writes the crash envelope natively (off the JS thread, in the process-CPU column); @sentry/electron reads the whole dump into a Buffer, parses it in JS (Crashpad annotations only: no stack, threads or modules, as the "what arrived" column shows) and gzips the envelope on the pool; it also waits until the dump is 1 s old before reading it, hence its latency. Both attach the dump.`,
    `- **Renderer events.** One window per app with the SDK's renderer page (ours: \`build/renderer/bundle.js\` then \`init()\`; @sentry/electron: its \`renderer\` entry bundled by esbuild as an IIFE, then \`init()\`), each SDK's own preload injected by its main \`init()\`, and the bench preload. The page calls \`captureException(new Error('bench <tag> <i>'))\` in chunks (never more than 16 per task: a synchronous loop over 64 overflows the browser SDK's own 64-request transport buffer in the renderer, in both SDKs, before anything reaches main). A warm-up of 60 events precedes the measured runs. "Received by main" counts messages on \`sentry-ipc.envelope\` with the bench's own \`ipcMain\` listener; "accepted by main's client" counts events through the client's \`preprocessEvent\` hook (after our guard, inside @sentry/core's 64-task processing buffer); "delivered" counts them at the receiver. A run ends when everything arrived or after 3 s without news; main's costs are net of the app's idle rate measured just before. Rates run from the page call to the last message reaching main (or the last delivery). The **paced** run (5 events every 100 ms) stays below every limit and gives the cost per event; the **burst** goes as fast as the renderer SDK produces (still within our guard's 400-message burst). **Beyond the guard**, the bench preload sends ${FLOOD} valid event envelopes straight on the envelope channel in one loop (faster than any renderer SDK): our guard admits 200/s after a burst of 400 and rejects the rest before parsing; @sentry/electron has no such guard. In both SDKs @sentry/core's 64-request transport buffer then drops what is over it ("Skipped sending event because buffer is full" with \`debug\`), which is why about 64 arrive. "setTag" makes ${SCOPE_UPDATES} scope changes in one loop: ours batches them (50 ms) into one message; @sentry/electron sends one per change. The no-SDK row is the host's own IPC cost: ${EVENTS} raw ${RAW_BYTES}-byte \`ipcRenderer.send\` messages.`,
    '- **Not comparable / not measured.** The host is a fake: no Chromium, no real `net` (its `net.request` is Node\'s http), renderers are Node processes, so renderer numbers are indicative only (renderer main-thread CPU from `/proc/<pid>/schedstat`, idle rate subtracted). @sentry/electron\'s native crash event is thin: it reads only the module annotations of the dump\'s Crashpad stream (the process type among them, from the `ptype` / `process_type` crash keys). It does not watch the Crashpad folder (it looks at start and on `render-process-gone` / `child-process-gone`), which the fake host cannot make matter: every crash here has a gone-event. Wall times include the machine\'s load; they are shown, but the CPU measures are the ones to compare, and run-to-run spread is large on a shared machine (compare runs before reading small ratios).',
  ];
}
