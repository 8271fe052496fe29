// The report of bench/electron.mjs: the ratios, the per-part tables and the notes as markdown for bench/RESULTS.md,
// and the headline figures as { ours, theirs } pairs for `--json FILE` (their keys are documented in
// bench/README.md). Pure: it formats what the measuring script hands over and measures nothing itself.
import { log, machineInfo, median, quantile } from './lib.mjs';

export const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d ?? (Math.abs(x) < 1 ? 3 : Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0)) : 'n/a');
const fmtX = (x) => (Number.isFinite(x) && x > 0 ? `${x < 0.1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1)}x` : 'n/a');
const iqr = (xs) => `${fmt(quantile(xs, 0.25))}–${fmt(quantile(xs, 0.75))}`;
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const label = { ours: 'ours', sentry: '@sentry/electron', none: 'no SDK (host only)' };
/** A figure for JSON: a number, or null where the run could not measure it (JSON has no NaN). */
const figure = (x) => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);

/** `{ markdown, figures }` from the bench's configuration, its results and facts about the run. */
export function electronReport({ config, results, run }) {
  const { INIT_RUNS, WINDOW_MS, CRASHES, CRASH_WINDOW_MS, CRASH_TAIL_MS, EVENTS, FLOOD, SCOPE_UPDATES, RAW_BYTES, RSS_CRASHES, ONLY, SDKS } = config;
  const { initRows, initFailures, crashResults, ipcResults, rssResults } = results;
  const { command, totalS, machine, loadSamples, buildChanged, staleBuild, commit, dirtySources, versions } = run;
  const L = [];
  L.push('# Electron SDK benchmark results', '');
  L.push(`Written by \`bench/electron.mjs\` on ${new Date().toISOString()} — this section is regenerated on every run; do not edit by hand.`, '');
  L.push('## Machine and command', '');
  L.push(`- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memGiB} GiB; ${machine.kernel}`);
  L.push(`- Node ${machine.node}; load average (1/5/15 min) at start ${machine.loadavg}, at end ${machineInfo().loadavg}; 1-min load sampled every 5 s: median ${fmt(median(loadSamples), 2)}, max ${fmt(Math.max(...loadSamples), 2)}`);
  if (median(loadSamples) > machine.cores / 2)
    L.push(`- **Warning**: the machine was loaded (median 1-min load ${fmt(median(loadSamples), 2)} on ${machine.cores} cores): wall times are inflated; the CPU and event-loop measures less so, and both SDKs ran interleaved or back to back under the same load.`);
  if (buildChanged) log('bench: WARNING: build/ changed during the run');
  if (buildChanged) L.push('- **Warning**: `build/` changed while the bench ran (rebuilt by someone): these numbers may mix two builds; run again');
  if (staleBuild.length) L.push(`- **Warning**: \`build/\` was older than ${staleBuild.map((f) => `\`${f}\``).join(', ')}: this run measured the previous build`);
  L.push(`- Command: \`${command}\` (cwd \`${process.cwd()}\`), ${totalS.toFixed(0)} s in all`);
  L.push(`- Code: commit \`${commit}\`${dirtySources.length ? ` plus uncommitted changes to ${dirtySources.map((f) => `\`${f}\``).join(', ')}` : ''} (\`build/\` as built from the working tree)`);
  L.push(`- Ours: \`@acme/sentry-electron-native\` ${versions.ours}, \`build/main/index.js\` and \`build/renderer/bundle.js\`; peer: \`@sentry/electron\` ${versions.sentry} (\`main/index.js\`; its renderer entry bundled by esbuild); fake Electron ${versions.electron} (\`__test__/electron-host\`), Node renderers`);
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
      { key: 'init_main_cpu_ms', part: 'init', what: '`require` + `init()`, main-thread CPU ms', ours: o((r) => r.threadRequireInitMs), sentry: s((r) => r.threadRequireInitMs) },
      { part: 'init', what: '`require` + `init()`, process CPU ms (all threads)', ours: o(reqInitCpu), sentry: s(reqInitCpu) },
      { part: 'init', what: '`require` + `init()`, wall ms', ours: o(reqInit), sentry: s(reqInit) },
      { key: 'deferred_startup_cpu_ms', part: 'init', what: `main-thread CPU ms in the ${WINDOW_MS} ms after \`init()\` (deferred start-up), minus the host's`, ours: o((r) => r.threadAfterInitMs), sentry: s((r) => r.threadAfterInitMs) },
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
      { key: 'crash_main_thread_ms', part: 'crash', what: `same, all work incl. follow-ups (${CRASHES} crashes + ${CRASH_TAIL_MS / 1000} s tail, minus the host's, ÷ ${CRASHES})`, ours: o.phaseThread, sentry: s.phaseThread },
      { part: 'crash', what: "event-loop active ms per crash (window, minus the host's)", ours: o.active, sentry: s.active },
      { part: 'crash', what: "process CPU ms per crash, all threads (window, minus the host's)", ours: o.cpu, sentry: s.cpu },
      { key: 'crash_to_event_ms', part: 'crash', what: 'crash → event at the receiver, wall ms', ours: o.latency, sentry: s.latency },
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
      { key: 'ipc_main_thread_ms_per_event', part: 'ipc', what: `main-thread CPU ms per renderer event, IPC → delivered (${EVENTS} events at 50/s, idle subtracted)`, ours: o.thread, sentry: s.thread },
      { part: 'ipc', what: 'event-loop active ms per renderer event (same run)', ours: o.active, sentry: s.active },
      { part: 'ipc', what: 'main process CPU ms per renderer event, all threads (same run)', ours: o.cpu, sentry: s.cpu },
      { part: 'ipc', what: 'renderer main-thread CPU ms per `captureException` (same run; for information)', ours: o.renderer, sentry: s.renderer },
      { key: 'burst_events_per_s', part: 'ipc', what: `events/s reaching main (burst of ${EVENTS}, as fast as the renderer SDK goes)`, ours: o.intake, sentry: s.intake },
      { part: 'ipc', what: `events/s delivered to the receiver (same burst; delivered: ours ${o.burstDelivered ?? 'n/a'}, sentry ${s.burstDelivered ?? 'n/a'} of ${EVENTS})`, ours: o.deliver, sentry: s.deliver },
      { part: 'ipc', what: `main-thread CPU ms per message, ${FLOOD} envelopes beyond the guard (accepted: ours ${o.floodAccepted ?? 'n/a'}, sentry ${s.floodAccepted ?? 'n/a'})`, ours: o.flood, sentry: s.flood },
      { part: 'ipc', what: `main-thread CPU ms for ${SCOPE_UPDATES} renderer \`setTag\` calls`, ours: o.scope, sentry: s.scope },
    );
  }
  if (ONLY.has('rss')) {
    // The host keeps every crashed window's webContents: its own growth is subtracted.
    const net = (sdk) => (rssResults[sdk] && !rssResults[sdk].error && rssResults.none && !rssResults.none.error ? rssResults[sdk].rssMb - rssResults.none.rssMb : NaN);
    targets.push({ key: 'main_rss_growth_mb', part: 'memory', what: `main's RSS growth MB over ${RSS_CRASHES} renderer crashes (after a full GC, minus the host's)`, ours: net('ours'), sentry: net('sentry') });
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
  if (ONLY.has('rss')) {
    L.push(`## 4. Main's memory over ${RSS_CRASHES} renderer native crashes (one app each; after one warm-up crash and a full GC, to after the last crash's follow-ups and a full GC)`, '');
    L.push('| | RSS growth MB | JS heap growth MB | external growth MB | RSS at the end MB | delivered | GC forced |', '|---|---:|---:|---:|---:|---:|---|');
    for (const sdk of ['none', ...SDKS]) {
      const r = rssResults[sdk];
      if (!r) continue;
      if (r.error) L.push(`| ${label[sdk]} | failed: ${r.error} | | | | | |`);
      else L.push(`| ${label[sdk]} | ${fmt(r.rssMb)} | ${fmt(r.heapMb)} | ${fmt(r.externalMb)} | ${fmt(r.endRssMb)} | ${sdk === 'none' ? '—' : `${r.delivered}/${RSS_CRASHES}`} | ${r.collected ? 'yes' : 'no'} |`);
    }
    L.push('');
  }
  L.push('## What was measured', '');
  L.push(...notes(config));
  const figures = Object.fromEntries(targets.filter((t) => t.key).map((t) => [t.key, { ours: figure(t.ours), theirs: figure(t.sentry) }]));
  return { markdown: L.join('\n'), figures };
}

function notes({ INIT_RUNS, WINDOW_MS, CRASHES, CRASH_WINDOW_MS, CRASH_TAIL_MS, EVENTS, FLOOD, SCOPE_UPDATES, RAW_BYTES, RSS_CRASHES }) {
  return [
    '- **Measures.** "Main-thread CPU" is the main process\'s JS thread\'s own CPU time (`/proc/self/task/<pid>/schedstat`, ns): the primary measure, since it does not grow when the loaded machine preempts the thread. "Loop active" is `performance.eventLoopUtilization()` active time: wall time while the loop was not waiting, so it includes preemption. "Process CPU" is `process.cpuUsage()`: every thread of main (libuv pool, V8 helpers, ours\' addon threads). "The host\'s" is the same measurement in the same fake host without any SDK (its renderers, IPC, timers, probes), subtracted.',
    '- **Host.** Every app is `node --require __test__/electron-host/hook.cjs bench/electron-app.cjs` (main); its renderers are Node processes with the page in a `vm` realm; its crash handler is Crashpad\'s own `crashpad_handler`. Both SDKs get `init({ dsn })` with their default integrations and a local receiver (`build/receiver`, in the bench process) as the DSN, and send through the fake `net.request` (Node\'s http underneath). The fake lacks `app.commandLine` and `screen`, which @sentry/electron\'s defaults touch: `bench/electron-app.cjs` adds inert stand-ins before any SDK loads, in every run (control included). What is measured is `build/` (a warning appears above when a `ts/` file is newer than its build output).',
    `- **init().** ${INIT_RUNS} rounds, each running one fresh main process per variant (no SDK, ours, @sentry/electron), the order rotated each round. Main starts without \`--import tsx\`: tsx is registered only while the fake \`electron\` (TypeScript) loads and is unregistered before the SDK is required, so both SDKs load as in a real app, without a transpiler hook on every module (under tsx, @sentry/electron's require took about twice the CPU). "require" and "init()" are \`performance.now()\` around \`require(entry)\` and \`init({ dsn })\`. The window is the ${WINDOW_MS} ms after \`init()\` returned: the SDKs' deferred start-up (crash handler start, scans of the crash database, persisted scope, sessions; the fake app is \`ready\` one loop turn after the main script, so "ready after init()" is short for all). "Whole-process CPU … minus the host's" is everything the SDK cost the process, all threads, from its start to the window's end.`,
    `- **Native crashes.** One app per variant; ${CRASHES + 1} windows are opened first (blank page, the bench preload); each crash is \`process.crash()\` in one renderer, a real SIGSEGV dumped by Crashpad's own crashpad_handler (scripts/install-crashpad.sh) into \`<userData>/Crashpad/completed\`. The first crash warms up and is not measured; then, one crash at a time: main's time from the crash command to the native event's arrival at the receiver ("crash → delivered"; the host's rate per ms from the control's windows removed), and over a fixed ${CRASH_WINDOW_MS} ms window from the crash (minus the control's median window). "Phase" is the whole run of ${CRASHES} crashes plus ${CRASH_TAIL_MS / 1000} s, which also holds deferred work (our rescans 0.25/1/3/8 s after a gone-event, session updates), minus the control's phase scaled to the same length, divided by ${CRASHES}. Ours checks and parses the dump on the libuv pool and writes the crash envelope natively (off the JS thread, in the process-CPU column); @sentry/electron reads the whole dump into a Buffer, parses it in JS (Crashpad annotations only: no stack, threads or modules, as the "what arrived" column shows) and gzips the envelope on the pool; it also waits until the dump is 1 s old before reading it, hence its latency. Both attach the dump.`,
    `- **Renderer events.** One window per app with the SDK's renderer page (ours: \`build/renderer/bundle.js\` then \`init()\`; @sentry/electron: its \`renderer\` entry bundled by esbuild as an IIFE, then \`init()\`), each SDK's own preload injected by its main \`init()\`, and the bench preload. The page calls \`captureException(new Error('bench <tag> <i>'))\` in chunks (never more than 16 per task: a synchronous loop over 64 overflows the browser SDK's own 64-request transport buffer in the renderer, in both SDKs, before anything reaches main). A warm-up of 60 events precedes the measured runs. "Received by main" counts messages on \`sentry-ipc.envelope\` with the bench's own \`ipcMain\` listener; "accepted by main's client" counts events through the client's \`preprocessEvent\` hook (after our guard, inside @sentry/core's 64-task processing buffer); "delivered" counts them at the receiver. A run ends when everything arrived or after 3 s without news; main's costs are net of the app's idle rate measured just before. Rates run from the page call to the last message reaching main (or the last delivery). The **paced** run (5 events every 100 ms) stays below every limit and gives the cost per event; the **burst** goes as fast as the renderer SDK produces (still within our guard's 400-message burst). **Beyond the guard**, the bench preload sends ${FLOOD} valid event envelopes straight on the envelope channel in one loop (faster than any renderer SDK): our guard admits 200/s after a burst of 400 and rejects the rest before parsing; @sentry/electron has no such guard. In both SDKs @sentry/core's 64-request transport buffer then drops what is over it ("Skipped sending event because buffer is full" with \`debug\`), which is why about 64 arrive. "setTag" makes ${SCOPE_UPDATES} scope changes in one loop: ours batches them (50 ms) into one message; @sentry/electron sends one per change. The no-SDK row is the host's own IPC cost: ${EVENTS} raw ${RAW_BYTES}-byte \`ipcRenderer.send\` messages.`,
    `- **Memory.** One app per variant with \`--expose-gc\`: one warm-up crash, then ${RSS_CRASHES} renderer crashes, ten windows opened at a time and crashed one after the other (each waits for its gone-event and, for the SDKs, up to 3 s for its event at the receiver: past our per-session cap of 10 native crash events none comes, so "delivered" is at most 10 for ours). Main's \`process.memoryUsage()\` after \`global.gc()\` at both ends, the second after every deferred follow-up (${(CRASH_TAIL_MS + CRASH_WINDOW_MS) / 1000} s); the host's own growth (it keeps each crashed window's webContents) is subtracted in the ratio.`,
    '- **Not comparable / not measured.** The host is a fake: no Chromium, no real `net` (its `net.request` is Node\'s http), renderers are Node processes, so renderer numbers are indicative only (renderer main-thread CPU from `/proc/<pid>/schedstat`, idle rate subtracted). @sentry/electron\'s native crash event is thin: it reads only the module annotations of the dump\'s Crashpad stream (the process type among them, from the `ptype` / `process_type` crash keys). It does not watch the Crashpad folder (it looks at start and on `render-process-gone` / `child-process-gone`), which the fake host cannot make matter: every crash here has a gone-event. Wall times include the machine\'s load; they are shown, but the CPU measures are the ones to compare, and run-to-run spread is large on a shared machine (compare runs before reading small ratios).',
  ];
}
