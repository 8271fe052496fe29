#!/usr/bin/env node
// Main-process native crash benchmark (issue 19): how long from main's crash until its event reaches the receiver,
// reported at once by the crash sender (crates/crash-sender) against the next-launch path (what @sentry/electron
// does, and what this SDK does without the sender), and what the sender costs while main runs: its resident memory
// and CPU time, and its wake-ups (context switches), over an idle stretch. NOT a test (the behaviour is
// __test__/electron-sdk-main-crash.spec.ts): it measures, writes its section of bench/RESULTS.md, exits 0.
//
//   node --import tsx bench/main-crash.mjs [--runs N] [--idle-ms MS] [--out FILE]
//
// Needs the fake host's Crashpad (bash scripts/install-crashpad.sh, npm run fixtures) and a release build of the
// sender (cargo build -p crash-sender --release, or SENTRY_ELECTRON_SENDER).
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cliOptions, log, machineInfo, median, writeResultsSection } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { startReceiver } = await import('../ts/receiver/index.ts');
const { runSdkApp } = await import('../__test__/helpers/sdk-app.ts');

const { opt } = cliOptions();
const RUNS = Math.max(1, Number(opt('--runs', 3)) || 3);
const IDLE_MS = Math.max(1000, Number(opt('--idle-ms', 10_000)) || 10_000);
const OUT = path.resolve(opt('--out', path.join(HERE, 'RESULTS.md')));
const RSS_BUDGET_KB = 4 * 1024;

const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
const SENDER =
  process.env.SENTRY_ELECTRON_SENDER ??
  [path.join(targetDir, 'release', 'sentry-electron-sender'), path.join(targetDir, 'x86_64-unknown-linux-gnu', 'release', 'sentry-electron-sender')].find((f) => fs.existsSync(f));
if (!SENDER) {
  console.error('no release build of the crash sender: cargo build -p crash-sender --release (or set SENTRY_ELECTRON_SENDER)');
  process.exit(1);
}

/** A stand-in for ava's ExecutionContext: runSdkApp registers its clean-ups here. */
function context() {
  const teardowns = [];
  return { t: { teardown: (fn) => teardowns.push(fn) }, dispose: async () => { for (const fn of teardowns.reverse()) await fn(); } };
}

const isMainCrash = (e) => e.platform === 'native' && e.tags?.['event.process'] === 'browser';

function sendersOf(userData) {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((n) => {
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8');
      return cmd.includes('sentry-electron-sender') && cmd.includes(userData);
    } catch {
      return false;
    }
  }).map(Number);
}

/** RSS and peak RSS (kB), CPU ticks and context switches of `pid`, from /proc. */
function sample(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const num = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssKb: num('VmRSS'), hwmKb: num('VmHWM'), ticks: Number(fields[11]) + Number(fields[12]), switches: num('voluntary_ctxt_switches') + num('nonvoluntary_ctxt_switches') };
}

const scratch = () => fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'bench-main-crash-'));

/** One crash reported by the sender; the sender's idle cost measured first. */
async function senderRun() {
  const ctx = context();
  const userData = scratch();
  try {
    const run = await runSdkApp(ctx.t, { sdk: {} }, { userData, env: { SENTRY_ELECTRON_SENDER: SENDER } });
    await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
    let pid;
    for (let i = 0; i < 200 && !pid; i++) (pid = sendersOf(userData)[0]), pid || (await sleep(25));
    await sleep(500); // past its start-up
    const before = sample(pid);
    await sleep(IDLE_MS);
    const after = sample(pid);
    const crashedAt = Date.now();
    run.app.send({ cmd: 'crash-main' });
    await run.waitForEvent(isMainCrash, 40_000);
    const crashToEventMs = Date.now() - crashedAt;
    let peakKb = after.hwmKb;
    try {
      peakKb = sample(pid).hwmKb;
    } catch {
      // already exited
    }
    return { crashToEventMs, idleRssKb: after.rssKb, idleCpuMs: (after.ticks - before.ticks) * 10, wakeups: after.switches - before.switches, peakKb };
  } finally {
    await ctx.dispose();
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

/** The next-launch path at its best: the app started again the moment main died. */
async function nextLaunchRun() {
  const ctx = context();
  const userData = scratch();
  try {
    const receiver = await startReceiver({ lifetimeMs: 120_000 });
    ctx.t.teardown(() => receiver.close());
    const first = await runSdkApp(ctx.t, { sdk: { mainCrashSender: false } }, { userData, receiver });
    await first.app.waitForMessage((m) => m.type === 'ready', 30_000);
    await sleep(1500); // the run's scope is spooled
    const crashedAt = Date.now();
    first.app.send({ cmd: 'crash-main' });
    await first.app.exited;
    const second = await runSdkApp(ctx.t, { sdk: { mainCrashSender: false } }, { userData, receiver });
    await second.waitForEvent(isMainCrash, 40_000);
    return { crashToEventMs: Date.now() - crashedAt };
  } finally {
    await ctx.dispose();
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

/** Main-thread time of starting the sender, as init() does it (`startSender`), in this Node process. */
async function spawnCost() {
  const { startSender } = await import('../ts/main/native-crashes/sender.ts');
  process.env.SENTRY_ELECTRON_SENDER = SENDER;
  const dir = scratch();
  const client = { getOptions: () => ({ dsn: 'http://public@127.0.0.1:9/1', release: 'bench@1', minidumpPolicy: 'attach' }) };
  const facts = { database: path.join(dir, 'Crashpad'), sentryDir: path.join(dir, 'sentry'), runStart: Date.now(), threads: 'all' };
  startSender(client, facts)?.quit(); // module and first-call warm-up
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t0 = process.hrtime.bigint();
    const s = startSender(client, facts);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    s?.quit();
    await sleep(20);
  }
  await sleep(300);
  fs.rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { median: times[10], p90: times[18], max: times[20] };
}

const spawn = await spawnCost();
log(`startSender: ${JSON.stringify(spawn)}`);
const ours = [];
const next = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(await senderRun());
  log(`sender run ${i + 1}: ${JSON.stringify(ours.at(-1))}`);
  next.push(await nextLaunchRun());
  log(`next-launch run ${i + 1}: ${JSON.stringify(next.at(-1))}`);
}

const m = machineInfo();
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const med = (k, xs = ours) => median(xs.map((r) => r[k]));
const O = [];
O.push('# Main-process native crashes: crash → event, and the crash sender at idle', '');
O.push('## Machine and command', '');
O.push(`- ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB; ${m.kernel}; Node ${m.node}; load ${m.loadavg}`);
O.push(`- \`node --import tsx bench/main-crash.mjs --runs ${RUNS} --idle-ms ${IDLE_MS}\`; sender \`${path.relative(ROOT, SENDER)}\` (${(fs.statSync(SENDER).size / 1e6).toFixed(1)} MB)`);
O.push('- Each run a new app (`__test__/electron-host/sdk-app` in the fake host, Crashpad\'s real crashpad_handler), a local receiver; main crashes by `process.crash()` (SIGSEGV).', '');
O.push('## Target', '');
O.push('| target | value | met |', '|---|---|---|');
O.push(`| the sender's idle RSS ≤ 4 MB | ${fmt(med('idleRssKb') / 1024, 2)} MB (median; worst ${fmt(Math.max(...ours.map((r) => r.idleRssKb)) / 1024, 2)} MB) | ${Math.max(...ours.map((r) => r.idleRssKb)) <= RSS_BUDGET_KB ? 'yes' : '**NO**'} |`);
O.push(`| start-up ≤ 5 ms of main-thread time in \`init()\` (\`startSender\`: spawn, detached, control pipe) | median ${fmt(spawn.median, 2)} ms, p90 ${fmt(spawn.p90, 2)} ms, max ${fmt(spawn.max, 2)} ms (21 starts, plain Node; Electron's larger main process forks slower) | ${spawn.median <= 5 ? 'yes' : '**NO**'} |`);
O.push(`| no wake-ups while main runs | ${Math.max(...ours.map((r) => r.wakeups))} context switches and ${Math.max(...ours.map((r) => r.idleCpuMs))} ms CPU in ${IDLE_MS / 1000} s idle (worst run) | ${Math.max(...ours.map((r) => r.wakeups)) === 0 ? 'yes' : '**NO**'} |`, '');
O.push('## Crash → event at the receiver (median ms)', '');
O.push('| path | median | runs |', '|---|---:|---|');
O.push(`| ours: the crash sender, no restart | ${fmt(med('crashToEventMs'))} | ${ours.map((r) => r.crashToEventMs).join(', ')} |`);
O.push(`| next launch at its best: the app restarted the instant main died (this SDK with \`mainCrashSender: false\`) | ${fmt(med('crashToEventMs', next))} | ${next.map((r) => r.crashToEventMs).join(', ')} |`);
O.push('| @sentry/electron 7 (`electronMinidumpIntegration` off, so the scope is kept): next launch | the time until the user starts the app again, plus the row above | — |', '');
O.push(`The sender's peak RSS while it reports (parse, event, envelope, one delivery): median ${fmt(med('peakKb') / 1024, 1)} MB. Idle: RSS from \`/proc/<pid>/status\` after ${IDLE_MS / 1000} s of main idling; CPU from \`/proc/<pid>/stat\` (10 ms ticks); wake-ups = voluntary + involuntary context switches over that window.`);
writeResultsSection(OUT, 'main-crash', O.join('\n'));
console.log(O.join('\n'));
