#!/usr/bin/env node
// Event loop block detection's cost while the loop runs freely: the same busy-but-free workload (macrotasks of
// ~0.2 ms of CPU each, never blocking for long) in fresh Node processes, with the SDK's client alone and with
// `/native`'s eventLoopBlockIntegration at its default threshold (1000 ms) and at 100 ms (ten times the beats).
// Variants alternate run by run, so drift in the machine's load hits them alike. NOT a test: it measures, writes
// its section of bench/RESULTS.md and exits 0 unless it could not run at all.
//
//   npm run build:ts && node bench/event-loop-block.mjs [--runs N] [--tasks N] [--out FILE]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliOptions, fmtX, log, machineInfo, median, writeResultsSection } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { opt } = cliOptions();

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  parent();
}

/** One run: the client (with the integration or without), 1.5 s for the watchdog to start, then the workload. */
async function child(variant, tasks) {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const core = require('@sentry/core');
  const { ServerRuntimeClient } = require('@sentry/core/server');
  const { eventLoopBlockIntegration } = require(path.join(ROOT, 'build', 'event-loop-block'));
  const integrations = variant === 'none' ? [] : [eventLoopBlockIntegration({ threshold: Number(variant) })];
  core.initAndBind(ServerRuntimeClient, {
    dsn: 'http://public@127.0.0.1:9/1', // nothing is sent: the loop is never blocked
    integrations,
    stackParser: core.createStackParser(),
    transport: (o) => core.createTransport(o, async () => ({ statusCode: 200 })),
  });
  await new Promise((r) => setTimeout(r, 1500));
  let sink = 0;
  const work = () => {
    // ~0.2 ms of arithmetic, then back to the loop.
    for (let i = 0; i < 60_000; i++) sink = (sink + i * 7) % 1_000_003;
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((done) => {
    let left = tasks;
    const next = () => {
      work();
      if (--left === 0) return done();
      setImmediate(next);
    };
    setImmediate(next);
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, sink }));
  process.exit(0);
}

function parent() {
  const runs = Number(opt('--runs', '7'));
  const tasks = Number(opt('--tasks', '6000'));
  const out = opt('--out', path.join(HERE, 'RESULTS.md'));
  if (!fs.existsSync(path.join(ROOT, 'build', 'event-loop-block', 'watchdog.js'))) {
    log('build/event-loop-block is missing: run `npm run build:ts` first');
    process.exit(1);
  }
  const variants = ['none', '1000', '100'];
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  const started = Date.now();
  const machine = machineInfo();
  for (let r = 0; r < runs; r++) {
    // A new order each round: no variant always runs first.
    const order = r % 2 ? [...variants].reverse() : variants;
    for (const v of order) {
      const raw = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', v, String(tasks)], { cwd: ROOT, encoding: 'utf8' });
      results[v].push(JSON.parse(raw));
      log(`run ${r + 1}/${runs} ${v}: ${results[v].at(-1).wallMs.toFixed(1)} ms`);
    }
  }
  const wall = (v) => median(results[v].map((x) => x.wallMs));
  const cpu = (v) => median(results[v].map((x) => x.cpuMs));
  const label = { none: 'client alone', 1000: 'eventLoopBlockIntegration (threshold 1000 ms, default)', 100: 'eventLoopBlockIntegration (threshold 100 ms)' };
  const O = [
    '# Event loop block detection: cost while the loop runs freely',
    '',
    `Written by \`bench/event-loop-block.mjs\` on ${new Date().toISOString()} — this section is regenerated on every run; do not edit by hand.`,
    '',
    '## Machine and command',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memGiB} GiB; ${machine.kernel}`,
    `- Node ${machine.node}; load average at start ${machine.loadavg}, at end ${machineInfo().loadavg}`,
    `- Command: \`node bench/event-loop-block.mjs --runs ${runs} --tasks ${tasks}\`, ${Math.round((Date.now() - started) / 1000)} s in all`,
    `- Workload: ${tasks} macrotasks (setImmediate) of ~0.2 ms of arithmetic each, timed after 1.5 s of start-up; each run a fresh process, variants alternating`,
    '',
    '| variant | median wall ms | median process CPU ms | wall / client alone | CPU / client alone |',
    '|---|---:|---:|---:|---:|',
    ...variants.map((v) => `| ${label[v]} | ${wall(v).toFixed(1)} | ${cpu(v).toFixed(1)} | ${fmtX(wall(v) / wall('none'))} | ${fmtX(cpu(v) / cpu('none'))} |`),
    '',
    'Process CPU includes the watchdog thread (it sleeps in Atomics.waitAsync between beats). On this shared 2-core',
    'machine wall time swings by more than any difference between the variants; CPU time is the steadier measure.',
  ];
  writeResultsSection(out, 'event-loop-block', O.join('\n'));
  console.log(O.join('\n'));
}
