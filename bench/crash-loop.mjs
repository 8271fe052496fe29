#!/usr/bin/env node
// Crash-loop benchmark: how much of main's JS thread the SDK takes while 200 finished dumps appear at once in the
// Crashpad database of a running app whose Sentry is unreachable. NOT a test (its correctness twin, the cap, the
// queue budget and the clean-up, is __test__/electron-sdk-crash-loop.spec.ts): it measures, writes its section of
// bench/RESULTS.md and exits 0 unless it could not run at all.
//
//   node --import tsx bench/crash-loop.mjs [--runs N] [--dumps N] [--out FILE]
//
// Each run is a new app (__test__/electron-host/sdk-app in the fake Electron host, a real OS process): 1.5 s of
// start-up left alone, then three measurements by the app's own meter (sdk-app/main-thread-meter.ts: main's CPU
// time read every 10 ms from a worker thread, per sliding 100 ms window, V8's GC pauses apart): 2 s idle (the
// control), the session's first event, and the crash loop (the dumps copied in, until every one is handled).
//
// Why a benchmark and not an assertion in the test: CPU time per 100 ms window depends on the host as much as on
// the code. On the 2-vCPU VMs this project runs on, the hypervisor takes 30-60% of the machine's time in busy
// periods; the kernel does not charge stolen time to the thread (PARAVIRT_TIME_ACCOUNTING), but a vCPU that was
// preempted comes back with cold caches and TLB, and the same work then costs 2-3x the CPU time. A budget that holds
// on a quiet machine fails there for reasons that are not the SDK's, and a test must not depend on the neighbours.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cliOptions, log, machineInfo, median, writeResultsSection } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { launchApp } = await import('../__test__/electron-host/launch.ts');
const { startReceiver } = await import('../ts/receiver/index.ts');
const { fixtureDump, fixtureManifest } = await import('../__test__/helpers/fixtures.ts');
const { SDK_APP } = await import('../__test__/helpers/sdk-app.ts');

const { argv, opt } = cliOptions();
const RUNS = Math.max(1, Number(opt('--runs', 5)) || 5);
const DUMPS = Math.max(1, Number(opt('--dumps', 200)) || 200);
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const BUDGET_MS = 5; // of SDK work in any 100 ms window of main's JS thread
const CAP = 10; // the default maxNativeCrashesPerSession
const MAX_QUEUE_BYTES = 24 * 1024;

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

let dumpSource;
try {
  dumpSource = fixtureDump(fixtureManifest().kinds.null_write);
  fs.accessSync(dumpSource);
} catch {
  log('crash-loop bench: no fixture dump; run `npm run fixtures` first');
  process.exit(1);
}

async function measure(app, during) {
  app.send({ cmd: 'meter-start' });
  await app.waitForMessage((m) => m.type === 'meter-started', 10_000);
  await during();
  app.send({ cmd: 'meter-stop' });
  return (await app.waitForMessage((m) => m.type === 'meter', 10_000)).result;
}

async function oneRun() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-loop-bench-'));
  // Sentry is down: a port that was just closed refuses every connection; the queue's first retry falls after the
  // measurement, so what is measured is the handling of the dumps.
  const gone = await startReceiver({ lifetimeMs: 10_000 });
  const dsn = gone.dsn;
  await gone.close();
  const config = { sdk: { dsn, maxQueueBytes: MAX_QUEUE_BYTES, transportOptions: { retryBackoffMs: 90_000 } }, quietBeforeSend: true };
  const app = launchApp({
    main: SDK_APP,
    name: 'SdkApp',
    version: '1.0.0',
    userData: scratch,
    // Without incremental marking V8's whole GC cost is in the pauses the meter reports apart.
    nodeArgs: ['--no-incremental-marking'],
    env: { SDK_APP: JSON.stringify(config) },
    timeoutMs: 180_000,
  });
  try {
    await app.waitForMessage((m) => m.type === 'ready', 30_000);
    await sleep(1_500);
    const idle = await measure(app, () => sleep(2_000));
    const first = await measure(app, async () => {
      app.send({ cmd: 'capture-main', message: 'first event of the session' });
      await app.waitForMessage((m) => m.type === 'captured', 10_000);
      await sleep(500);
    });
    const completed = path.join(scratch, 'Crashpad', 'completed');
    const ids = Array.from({ length: DUMPS }, () => randomUUID());
    let handledMs = NaN;
    const loop = await measure(app, async () => {
      await sleep(100);
      fs.mkdirSync(completed, { recursive: true });
      const started = performance.now();
      for (const id of ids) fs.copyFileSync(dumpSource, path.join(completed, `${id}.dmp`));
      const deadline = Date.now() + 120_000;
      while (ids.some((id) => fs.existsSync(path.join(completed, `${id}.dmp`)))) {
        if (Date.now() > deadline) throw new Error('dumps left after 120 s');
        await sleep(25);
      }
      handledMs = performance.now() - started;
      await sleep(1_000);
    });
    const reported = app.messages.filter((m) => m?.type === 'before-send').length;
    const exit = await app.quit();
    return { idle, first, loop, reported, handledMs, exit: exit.code, load: os.loadavg()[0] };
  } finally {
    await app.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const startedAt = new Date();
const loadStart = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const t0 = performance.now();
const runs = [];
for (let i = 0; i < RUNS; i++) {
  log(`run ${i + 1}/${RUNS}…`);
  const r = await oneRun();
  log(
    `  loop: worst ${fmt(r.loop.worstWork.busyMs)} ms of work (${Math.round(r.loop.stealFreeShare * 100)}% of windows free of steal; ` +
      `${fmt(r.loop.worstWorkWithSteal.busyMs)} ms over all windows), ${fmt(r.loop.totalCpuMs, 0)} ms CPU, ${r.reported} reported`,
  );
  runs.push(r);
}
const seconds = (performance.now() - t0) / 1000;

const m = machineInfo();
const worstAll = runs.map((r) => r.loop.worstWorkWithSteal.busyMs);
const idleAll = runs.map((r) => r.idle.worstWorkWithSteal.busyMs);
const quietRuns = runs.filter((r) => r.loop.stealFreeShare >= 0.25);
const medFree = median(quietRuns.map((r) => r.loop.worstWork.busyMs));
const O = [];
O.push('# Crash-loop benchmark results', '');
O.push(`Written by \`bench/crash-loop.mjs\` on ${startedAt.toISOString()} — this section is regenerated on every run; do not edit by hand.`, '');
O.push('## Machine and command', '');
O.push(`- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memGiB} GiB; ${m.kernel}`);
O.push(`- Node ${m.node}; load average (1/5/15 min) at start ${loadStart}, at end ${m.loadavg}`);
O.push(`- Command: \`node --import tsx bench/crash-loop.mjs${argv.length ? ' ' + argv.join(' ') : ''}\` (cwd \`${ROOT}\`), ${seconds.toFixed(0)} s in all`);
O.push(`- ${RUNS} runs, each a new app (\`__test__/electron-host/sdk-app\`, our \`build/main\`) with an unreachable DSN, \`maxQueueBytes\` ${MAX_QUEUE_BYTES}, the default cap of ${CAP} native crashes per session; ${DUMPS} copies of the fixture dump \`${path.relative(ROOT, dumpSource)}\` (${(fs.statSync(dumpSource).size / 1024).toFixed(0)} KB) copied into \`Crashpad/completed\` at once`);
O.push('- No peer row: @sentry/electron 7 looks for dumps only at start and on a `render-process-gone` / `child-process-gone` event, so dumps that appear in a running app are not a scenario it has; its per-crash cost is compared in the Electron benchmark (section 2).', '');
O.push('## Target', '');
O.push('| target | value | met | note |', '|---|---|---|---|');
O.push(
  `| main's JS thread spends at most ${BUDGET_MS} ms on the SDK's work in any 100 ms window (worst window of a run, outside GC pauses, windows without host steal; median over the runs in which at least 25% of the windows were free of steal) | ${fmt(medFree)} ms (${quietRuns.length}/${RUNS} runs measurable): ${fmt(medFree / BUDGET_MS)}x the budget | ${quietRuns.length && medFree <= BUDGET_MS ? 'yes' : '**NO**'} | over all windows, steal included: median ${fmt(median(worstAll))} ms, worst ${fmt(Math.max(...worstAll))} ms; idle app's worst window ${fmt(median(idleAll))} ms |`,
);
O.push('', '## Runs', '');
O.push('| run | worst window, steal-free, ms | windows free of steal | worst window, all windows, ms (its span) | worst window with GC ms | GC ms (pauses) | main-thread CPU ms | host steal ms | dumps handled in s | reported | exit | idle: worst window ms | first event: worst window ms | 1-min load at the end |');
O.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
runs.forEach((r, i) => {
  O.push(
    `| ${i + 1} | ${fmt(r.loop.worstWork.busyMs)} | ${Math.round(r.loop.stealFreeShare * 100)}% | ${fmt(r.loop.worstWorkWithSteal.busyMs)} (${fmt(r.loop.worstWorkWithSteal.spanMs, 0)} ms) | ${fmt(r.loop.worstCpu.busyMs)} | ${fmt(r.loop.gcMs, 1)} (${r.loop.gcPauses}) | ${fmt(r.loop.totalCpuMs, 0)} | ${r.loop.stealMs} | ${fmt(r.handledMs / 1000, 1)} | ${r.reported}/${DUMPS} | ${r.exit} | ${fmt(r.idle.worstWorkWithSteal.busyMs)} | ${fmt(r.first.worstWorkWithSteal.busyMs)} | ${r.load.toFixed(2)} |`,
  );
});
O.push('');
O.push(
  'Windows: every 100 ms window ending at a sample (each covers 100 ms or a little more when a sample came late), main-thread CPU time from `/proc/self/task/<pid>/schedstat` minus the GC pauses begun in it. "Steal-free": no host steal on the machine (`/proc/stat`, 10 ms ticks) during the window. "Reported" counts native crash events that reached `beforeSend` (the cap); the others are counted and deleted unread.',
);
writeResultsSection(OUT, 'crash-loop', O.join('\n'));
console.log(O.join('\n'));
