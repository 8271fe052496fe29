'use strict';
// The Electron main process that bench/electron.mjs runs in the fake Electron host (__test__/electron-host), once
// per measurement, with ours (`build/main/index.js`, what users require), @sentry/electron 7's `main` entry, or no
// SDK at all (the host's own cost, subtracted). Not a test; see bench/README.md, "Electron benchmark".
//
//   node --require __test__/electron-host/hook.cjs [--import tsx] bench/electron-app.cjs
//
// Configuration: JSON in BENCH_ELECTRON_APP, { sdk: 'ours' | 'sentry' | 'none', mode: 'init' | 'host', dsn,
// windowMs }. It talks to the bench over the fork channel: `{ type, ... }` out, `{ cmd, ... }` in.
//
// mode 'init' (started WITHOUT `--import tsx`): tsx is registered only while the fake `electron` module (TypeScript)
// loads, and unregistered before the SDK is required, so the SDK loads as it does in a real app (no per-module
// transpiler hook). Reports the require + init cost, then the event loop's work over the next `windowMs`.
// mode 'host' (started with `--import tsx`, like every host app): init, then obeys commands (windows, crashes,
// event-loop snapshots) for the crash and renderer-IPC measurements.
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
const path = require('node:path');
const { EventEmitter } = require('node:events');

const config = JSON.parse(process.env.BENCH_ELECTRON_APP || '{}');
const ROOT = path.resolve(__dirname, '..');
const HOST = path.join(ROOT, '__test__', 'electron-host');
const SDK_ENTRY = {
  ours: path.join(ROOT, 'build', 'main', 'index.js'),
  sentry: path.join(ROOT, 'node_modules', '@sentry', 'electron', 'main', 'index.js'),
};
const send = (type, data = {}) => process.send && process.connected && process.send({ type, ...data });
// The main thread's own CPU time (ns precision, Linux): what the JS thread really used, unlike the event loop's
// active time, which is wall time and grows when a loaded machine preempts the thread.
const fs = require('node:fs');
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const threadCpuMs = () => {
  try {
    return Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
};
const snapshot = () => ({ elu: performance.eventLoopUtilization(), cpu: process.cpuUsage(), thread: threadCpuMs(), now: performance.now(), wall: Date.now() });
// Main's memory, after a full collection when asked (and when main runs with --expose-gc): what stays, not garbage.
const memory = (collect) => {
  if (collect && typeof global.gc === 'function') global.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, collected: collect && typeof global.gc === 'function' };
};
const ms = (cpu) => (cpu.user + cpu.system) / 1000;

// --- the fake `electron` -----------------------------------------------------------------------------------------
let electron;
if (config.mode === 'init') {
  // tsx only for the fake (TypeScript) and the host module it loads lazily when crashReporter starts.
  const Module = require('node:module');
  const unregister = require('tsx/cjs/api').register();
  electron = require('electron');
  require(path.join(HOST, 'crashpad.ts'));
  unregister();
  // The fake's lazy `require(join(HOST_DIR, 'crashpad'))` has no extension: point it at the module loaded above.
  // Only consulted after Node's own resolution failed, so the SDKs' requires do not pass through it.
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function benchResolve(request, ...rest) {
    try {
      return resolve.call(this, request, ...rest);
    } catch (e) {
      if (path.isAbsolute(request) && require.cache[`${request}.ts`]) return `${request}.ts`;
      throw e;
    }
  };
} else {
  electron = require('electron');
}

// What @sentry/electron's default integrations touch and the fake does not have (README "Not emulated"): inert
// stand-ins, the same for every SDK and the no-SDK control.
if (!electron.app.commandLine) {
  electron.app.commandLine = { appendSwitch() {}, appendArgument() {}, hasSwitch: () => false, getSwitchValue: () => '', removeSwitch() {} };
}
if (!electron.screen) {
  const screen = new EventEmitter();
  const display = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, size: { width: 1920, height: 1080 }, workAreaSize: { width: 1920, height: 1040 }, scaleFactor: 1, rotation: 0, internal: false };
  screen.getPrimaryDisplay = () => display;
  screen.getAllDisplays = () => [display];
  electron.screen = screen;
}
const { app, BrowserWindow, crashReporter, ipcMain } = electron;

// Messages on the SDKs' IPC channels (both use the `sentry-ipc` namespace): counted as they reach main.
const counts = {};
for (const kind of ['envelope', 'scope', 'event']) {
  ipcMain.on(`sentry-ipc.${kind}`, () => {
    const c = (counts[kind] ??= { n: 0, first: 0, last: 0 });
    const now = Date.now();
    if (c.n === 0) c.first = now;
    c.n += 1;
    c.last = now;
  });
}
ipcMain.on('bench.raw', () => {
  const c = (counts.raw ??= { n: 0, first: 0, last: 0 });
  const now = Date.now();
  if (c.n === 0) c.first = now;
  c.n += 1;
  c.last = now;
});

// --- the SDK -----------------------------------------------------------------------------------------------------
const before = snapshot();
let sdk;
if (config.sdk === 'ours' || config.sdk === 'sentry') sdk = require(SDK_ENTRY[config.sdk]);
const required = snapshot();
if (sdk) {
  sdk.init({ dsn: config.dsn, ...(config.sdkOptions ?? {}) });
} else if (config.mode === 'host') {
  // The control: the app starts Crashpad itself, as both SDKs do, so renderers are monitored the same way.
  crashReporter.start({ submitURL: 'https://crashpad-uploads-disabled.invalid/', uploadToServer: false, ignoreSystemCrashHandler: true, compress: true });
}
const initialised = snapshot();
// Renderer events the SDK's client took in (after any admission check of its own, before its transport): counted
// by the tag in their message, `bench <tag> <i>`. @sentry/core's client hook, in both SDKs.
const accepted = {};
sdk?.getClient?.()?.on?.('preprocessEvent', (event) => {
  const m = /^bench (\w+) \d+$/.exec(event?.exception?.values?.[0]?.value ?? '');
  if (m) accepted[m[1]] = (accepted[m[1]] ?? 0) + 1;
});
let readyAt;
void app.whenReady().then(() => {
  readyAt = snapshot();
});

if (config.mode === 'init') {
  setTimeout(() => {
    const end = snapshot();
    const activeMs = (a, b) => b.elu.active - a.elu.active;
    send('init', {
      requireMs: required.now - before.now,
      initMs: initialised.now - required.now,
      requireCpuMs: ms(required.cpu) - ms(before.cpu),
      initCpuMs: ms(initialised.cpu) - ms(required.cpu),
      // From the process's start (Node's time origin) to init() returning, and to the end of the window.
      startToInitMs: initialised.now,
      processCpuToInitMs: ms(initialised.cpu),
      processCpuMs: ms(end.cpu),
      readyAfterInitMs: readyAt ? readyAt.now - initialised.now : null,
      loopActiveToReadyMs: readyAt ? activeMs(initialised, readyAt) : null,
      loopActiveWindowMs: activeMs(initialised, end),
      threadRequireInitMs: initialised.thread - before.thread,
      threadWindowMs: end.thread - initialised.thread,
      windowMs: end.now - initialised.now,
      cpuWindowMs: ms(end.cpu) - ms(initialised.cpu),
    });
  }, config.windowMs ?? 1500);
}

// --- host mode: commands ----------------------------------------------------------------------------------------
const windows = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
if (config.mode === 'host') loopDelay.enable();
process.on('message', (m) => {
  if (!m || typeof m.cmd !== 'string') return;
  switch (m.cmd) {
    case 'snapshot': {
      // The event loop's delay since the last snapshot that asked for a reset: how responsive main stayed.
      const lag = { maxMs: loopDelay.max / 1e6, p99Ms: loopDelay.percentile(99) / 1e6 };
      if (m.resetLag) loopDelay.reset();
      return send('snapshot', { id: m.id, ...snapshot(), memory: memory(m.gc === true), lag, counts: JSON.parse(JSON.stringify(counts)), accepted: { ...accepted } });
    }
    case 'open':
      // Opens `pages` windows, each with the page and (optionally) the window's own preload; reports their pids.
      return void (async () => {
        const opened = [];
        for (const spec of m.windows) {
          const win = new BrowserWindow({ webPreferences: { sandbox: true, contextIsolation: true, ...(spec.preload ? { preload: spec.preload } : {}) } });
          const index = windows.push(win.webContents) - 1;
          await win.loadFile(spec.page);
          opened.push({ index, pid: win.webContents.getOSProcessId() });
        }
        send('opened', { id: m.id, windows: opened });
      })().catch((e) => send('error', { id: m.id, error: String(e?.stack ?? e) }));
    case 'eval':
      return void windows[m.index].executeJavaScript(m.code).then(
        (value) => send('eval', { id: m.id, value }),
        (e) => send('eval', { id: m.id, error: String(e?.cause?.message ?? e?.message ?? e) }),
      );
    case 'crash':
      // Through the window's own preload (contextBridge `benchApp.crash()`): a real SIGSEGV in the renderer.
      windows[m.index].executeJavaScript('window.benchApp.crash()').catch(() => undefined);
      return send('crashing', { id: m.id, ...snapshot() });
    case 'exit':
      return process.exit(0);
  }
});
app.on('render-process-gone', (_event, wc, details) => send('gone', { index: windows.indexOf(wc), reason: details.reason, at: Date.now() }));
// Windows closing must not quit the app between measurements.
app.on('window-all-closed', () => undefined);
if (config.mode === 'host') void app.whenReady().then(() => send('ready', { initMs: initialised.now - required.now }));
