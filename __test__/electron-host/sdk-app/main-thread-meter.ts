/**
 * How busy the app's main (JS) thread is, in sliding windows. A worker thread reads the main thread's own CPU
 * time every `intervalMs` (Linux `/proc/self/task/<pid>/schedstat`, nanoseconds): the sampling costs main nothing,
 * so the meter does not add to what it measures. V8's garbage-collection pauses on main are recorded as they happen
 * (`PerformanceObserver`, entry type `gc`) and reported apart. The counter is cumulative, so a late sample loses
 * nothing: the work done between two samples is their difference.
 *
 * - CPU time counts only what the thread executed: time the OS gave to other processes in the middle of a task
 *   (the test machines are small and busy) is not the app blocking itself.
 * - `worstWork` is CPU time minus V8's GC pauses: the thread's own work. A collection of the whole heap pauses main
 *   for as long as the heap takes to mark, whoever allocated; GC pauses are reported apart (`worstGc`, `gcMs`).
 * - Where schedstat cannot be read (not Linux), the meter reports nothing (`cpuSource: 'none'`).
 *
 * For finding out what made a window busy: `profileTo` (a `.cpuprofile` path) runs V8's sampling profiler
 * meanwhile, and `SDK_APP_METER_TRACE` (a path) writes the raw samples and GC pauses there.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface Window {
  /** Busy milliseconds in the window. */
  busyMs: number;
  /** The window's length (at least `windowMs`, at most `windowMs` plus one sampling gap). */
  spanMs: number;
  /** Where the window ends, in ms since the meter started. */
  endMs: number;
}

export interface MeterResult {
  windowMs: number;
  intervalMs: number;
  samples: number;
  durationMs: number;
  /** `schedstat` when main's CPU time could be read. */
  cpuSource: 'schedstat' | 'none';
  /** The window with the most main-thread CPU time, GC pauses included. */
  worstCpu: Window;
  /**
   * The window with the most main-thread CPU time outside GC pauses, among the windows in which the host took no
   * CPU time from the machine: the work of the code that ran. (This guest kernel does not charge stolen time to the
   * thread, PARAVIRT_TIME_ACCOUNTING, but a vCPU the host preempted resumes with cold caches and TLB, and the same
   * work then costs the thread up to 2-3x the CPU time: such windows measure the host as much as the code.)
   */
  worstWork: Window;
  /** The same over every window, steal included. */
  worstWorkWithSteal: Window;
  /** The share of windows without host steal, which `worstWork` judges. */
  stealFreeShare: number;
  /** The window with the most GC pause time. */
  worstGc: Window;
  /** Main-thread CPU time over the whole measurement, in ms, and how much of it were GC pauses. */
  totalCpuMs: number;
  gcMs: number;
  gcPauses: number;
  /** CPU time the hypervisor took from the whole machine meanwhile (`/proc/stat` steal): a busy host inflates every number here. */
  stealMs: number;
}

export interface Meter {
  stop(): Promise<MeterResult>;
}

/** The sampler: main's CPU time (ns) and the wall clock (epoch ms), every `interval` ms, until told to stop. */
const SAMPLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const fd = openSync(workerData.file, 'r');
const stat = openSync('/proc/stat', 'r');
const buf = Buffer.alloc(128);
const statBuf = Buffer.alloc(512);
const t = [], cpu = [], steal = [];
const sample = () => {
  // A sample whose read was interrupted (this thread preempted between the clock and the read) has no
  // trustworthy time: it is dropped, which only merges two intervals into a longer one.
  const before = performance.timeOrigin + performance.now();
  const n = readSync(fd, buf, 0, buf.length, 0);
  const m = readSync(stat, statBuf, 0, statBuf.length, 0);
  if (performance.timeOrigin + performance.now() - before > 1) return;
  t.push(before);
  cpu.push(Number(buf.toString('latin1', 0, n).split(' ')[0]));
  // Time the hypervisor took from this machine's CPUs (USER_HZ ticks, all CPUs), for the diagnosis of odd windows.
  steal.push(Number(statBuf.toString('latin1', 0, m).split('\\n')[0].trim().split(/\\s+/)[8] ?? 0));
};
sample();
const timer = setInterval(sample, workerData.interval);
parentPort.on('message', () => { clearInterval(timer); sample(); closeSync(fd); closeSync(stat); parentPort.postMessage({ t, cpu, steal }); });
parentPort.postMessage('ready');
`;

/** Starts sampling every `intervalMs`; `stop()` ends it and computes the worst `windowMs` windows. */
export async function startMeter(intervalMs = 10, windowMs = 100, profileTo?: string): Promise<Meter> {
  const profiler = profileTo ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    profiler.post('Profiler.start');
  }
  const file = `/proc/self/task/${process.pid}/schedstat`;
  const worker = existsSync(file) ? new Worker(SAMPLER, { eval: true, workerData: { file, interval: intervalMs } }) : undefined;
  if (worker) await new Promise((ready) => worker.once('message', ready));
  const t0 = performance.timeOrigin + performance.now();
  const gcs: Array<{ at: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ at: performance.timeOrigin + e.startTime - t0, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop(): Promise<MeterResult> {
      const raw = worker
        ? await new Promise<{ t: number[]; cpu: number[]; steal: number[] }>((done) => {
            worker.once('message', done);
            worker.postMessage('stop');
          })
        : { t: [], cpu: [], steal: [] };
      await worker?.terminate();
      // GC entries are delivered asynchronously: let the last ones arrive.
      await new Promise((r) => setImmediate(r));
      observer.disconnect();
      if (profiler) {
        await new Promise<void>((done) =>
          profiler.post('Profiler.stop', (err, res) => {
            if (!err) writeFileSync(profileTo!, JSON.stringify(res.profile));
            profiler.disconnect();
            done();
          }),
        );
      }
      // Samples from the meter's start on, in ms since then.
      const from = Math.max(0, raw.t.findIndex((x) => x >= t0) - 1);
      const t = raw.t.slice(from).map((x) => x - t0);
      const cpuMs = raw.cpu.slice(from).map((n) => n / 1e6);
      const stealMs = raw.steal.slice(from).map((n) => n * 10);
      if (process.env.SDK_APP_METER_TRACE) writeFileSync(process.env.SDK_APP_METER_TRACE, JSON.stringify({ t, cpuMs, gcs, stealMs }));
      // Per interval: CPU, GC pause time begun in it (never more than the CPU it could explain), work = the rest.
      const perCpu = [0];
      const perGc = [0];
      for (let i = 1; i < t.length; i++) {
        const spent = cpuMs[i]! - cpuMs[i - 1]!;
        const paused = gcs.filter((g) => g.at >= t[i - 1]! && g.at < t[i]!).reduce((n, g) => n + g.ms, 0);
        perCpu.push(spent);
        perGc.push(Math.min(spent, paused));
      }
      const perWork = perCpu.map((c, i) => c - perGc[i]!);
      const perSteal = stealMs.map((x, i) => (i ? x - stealMs[i - 1]! : 0));
      const stealFree = windows(t, perSteal, windowMs).map((w) => w.busyMs === 0);
      return {
        windowMs,
        intervalMs,
        samples: t.length,
        durationMs: t.length ? t[t.length - 1]! : 0,
        cpuSource: worker ? 'schedstat' : 'none',
        worstCpu: worstWindow(t, perCpu, windowMs),
        worstWork: worstWindow(t, perWork, windowMs, stealFree),
        worstWorkWithSteal: worstWindow(t, perWork, windowMs),
        stealFreeShare: stealFree.length ? stealFree.filter(Boolean).length / stealFree.length : 0,
        worstGc: worstWindow(t, perGc, windowMs),
        totalCpuMs: perCpu.reduce((a, b) => a + b, 0),
        gcMs: gcs.reduce((n, g) => n + g.ms, 0),
        gcPauses: gcs.length,
        stealMs: stealMs.length ? stealMs[stealMs.length - 1]! - stealMs[0]! : 0,
      };
    },
  };
}

/** Windows starting in the meter's first milliseconds hold the message that started it. */
const SETTLE_MS = 20;

/**
 * Every window of at least `windowMs`, one ending at each sample: the intervals reaching back to the latest sample at
 * least `windowMs` earlier (so each window covers `windowMs` or a little more: the estimate errs on the side of more
 * busy time, never less), with the sum of `per` (the amount spent in each interval between samples) over it.
 */
function windows(t: number[], per: number[], windowMs: number): Window[] {
  const out: Window[] = [];
  const first = t.findIndex((x) => x >= SETTLE_MS);
  if (first < 0) return out;
  let j = first;
  let sum = 0;
  for (let i = first + 1; i < t.length; i++) {
    sum += per[i]!;
    while (j + 1 < i && t[j + 1]! <= t[i]! - windowMs) sum -= per[++j]!;
    out.push({ busyMs: sum, spanMs: t[i]! - t[j]!, endMs: t[i]! });
  }
  return out;
}

/** The busiest window (among those `judged` allows, when given). */
function worstWindow(t: number[], per: number[], windowMs: number, judged?: boolean[]): Window {
  let worst: Window = { busyMs: 0, spanMs: 0, endMs: 0 };
  windows(t, per, windowMs).forEach((w, k) => {
    if ((judged === undefined || judged[k]) && w.busyMs > worst.busyMs) worst = w;
  });
  return worst;
}
