'use strict';
// One measured process of bench/symbolicate.mjs (kept tiny, CommonJS, so that the whole-process wall time the
// parent measures is node + require + the call, not the bench's own code):
//
//   node bench/symbolicate-child.cjs '<json>'
//
//   {"mode":"ours", "lib":DIR, "dump":PATH, "options":{...}, "prime":PATH|null, "module":NAME, "sync":BOOL}
//       require(lib); when `prime`, parses of `prime` without symbols first (they load the addon and start the
//       thread pool, nothing symbol related): one per thread of the pool, all at once, so that whichever thread the
//       timed call lands on has run a parse before (a thread's first task pays for faulting in its stack and malloc
//       arena); then resets the peak-RSS counter and times ONE parseMinidump(dump, options). With `sync`,
//       parseMinidumpSync for both (one priming parse): the same work on this thread, without the pool's hand-off.
//   {"mode":"indutny", "pkg":PATH, "sym":PATH, "addresses":[...]}
//       require(@indutny/breakpad); times one symbolicateFrames(createReadStream(sym), addresses).
//   {"mode":"diag", "lib":DIR, "dump":PATH}
//       where a process's first call goes: libc detection, loading the addon, the first and second parses.
//   {"mode":"split", "lib":DIR, "dump":PATH, "options":{...}, "prime":PATH}
//       where a warm call goes, after the same priming parses as "ours": parseMinidump's two halves timed apart
//       (the native task on the thread pool, resolving to JSON text; then JSON.parse on this thread), with the
//       minor page faults and context switches of the process during the call; then the same call once more.
//
// Prints one line of JSON. Times are performance.now() ms; `bootMs` is the time from process start (timeOrigin)
// to the first line of this script. Memory: VmHWM before the reset is the peak of start-up (+ require + prime);
// VmHWM after is the peak since the reset (clear_refs 5, Linux >= 4.0), i.e. of the timed call.
const tTop = performance.now();
const fs = require('node:fs');

const status = (field) => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
};
const resetHwm = () => {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};

/** One no-symbol parse per thread of libuv's pool (UV_THREADPOOL_SIZE, default 4), all at once. */
const primePool = (lib, dump) =>
  Promise.all(Array.from({ length: Number(process.env.UV_THREADPOOL_SIZE) || 4 }, () => lib.parseMinidump(dump)));

async function main() {
  const a = JSON.parse(process.argv[2]);
  const out = { bootMs: tTop };
  if (a.mode === 'ours') {
    let t = performance.now();
    const lib = require(a.lib);
    out.requireMs = performance.now() - t;
    const parse = a.sync ? async (dump, options) => lib.parseMinidumpSync(dump, options) : lib.parseMinidump;
    if (a.prime) {
      t = performance.now();
      await (a.sync ? parse(a.prime) : primePool(lib, a.prime));
      out.primeMs = performance.now() - t;
    }
    out.hwmStartKb = status('VmHWM');
    out.hwmReset = resetHwm();
    out.rssBeforeKb = status('VmRSS');
    t = performance.now();
    const r = await parse(a.dump, a.options);
    out.callMs = performance.now() - t;
    out.hwmCallKb = status('VmHWM');
    out.peakKb = Math.max(out.hwmStartKb, out.hwmCallKb);
    const frames = r.crashingThread?.frames ?? [];
    out.symbolsLoaded = r.modules.some((m) => m.symbolsLoaded && (m.debugFile === a.module || m.codeFile.endsWith(`/${a.module}`)));
    out.frames = frames.length;
    out.named = frames.filter((f) => f.function).length;
    out.inlines = frames.reduce((n, f) => n + f.inlines.length, 0);
    out.frame0 = frames[0]?.inlines?.[0]?.function ?? frames[0]?.function ?? null;
  } else if (a.mode === 'indutny') {
    let t = performance.now();
    const { symbolicateFrames } = require(a.pkg);
    out.requireMs = performance.now() - t;
    out.hwmStartKb = status('VmHWM');
    out.hwmReset = resetHwm();
    out.rssBeforeKb = status('VmRSS');
    t = performance.now();
    const r = await symbolicateFrames(fs.createReadStream(a.sym), a.addresses);
    out.callMs = performance.now() - t;
    out.hwmCallKb = status('VmHWM');
    out.peakKb = Math.max(out.hwmStartKb, out.hwmCallKb);
    out.named = r.filter((x) => x?.name).length;
  } else if (a.mode === 'diag') {
    let t = performance.now();
    const lib = require(a.lib);
    out.requireMs = performance.now() - t;
    // The package loads its addon on the first call: it tells glibc from musl (two stat calls, or
    // /proc/self/maps), then resolves the platform package and dlopens the .node file. Timed here through the
    // package's own loader (the same module instance, so the parses below do not load it again): the libc
    // detection alone first (its answer is kept), then the rest of loadNative(). Then one
    // process.report.getReport() alone, the usual detection the loader avoids, for comparison.
    const load = require(require('node:path').join(a.lib, 'build/native/load.js'));
    t = performance.now();
    load.targetName();
    out.libcMs = performance.now() - t;
    t = performance.now();
    load.loadNative();
    out.loadNativeMs = performance.now() - t;
    t = performance.now();
    const report = process.report;
    const excluded = report.excludeNetwork;
    report.excludeNetwork = true;
    report.getReport();
    report.excludeNetwork = excluded;
    out.getReportMs = performance.now() - t;
    t = performance.now();
    await lib.parseMinidump(a.dump);
    out.firstParseMs = performance.now() - t;
    t = performance.now();
    await lib.parseMinidump(a.dump);
    out.secondParseMs = performance.now() - t;
  } else if (a.mode === 'split') {
    const lib = require(a.lib);
    // parseMinidump is JSON.parse(await runAsync('parseReportAsync', ...)): the same two steps, timed apart.
    const { runAsync } = require(require('node:path').join(a.lib, 'build/native/parse.js'));
    await primePool(lib, a.prime);
    const once = async () => {
      const u0 = process.resourceUsage();
      let t = performance.now();
      const text = await runAsync('parseReportAsync', a.dump, a.options);
      const nativeMs = performance.now() - t;
      t = performance.now();
      const report = JSON.parse(text);
      const jsonMs = performance.now() - t;
      const u1 = process.resourceUsage();
      if (!report.modules.some((m) => m.symbolsLoaded)) throw new Error('no symbols loaded');
      return {
        nativeMs,
        jsonMs,
        faults: u1.minorPageFault - u0.minorPageFault,
        switches: u1.voluntaryContextSwitches - u0.voluntaryContextSwitches + u1.involuntaryContextSwitches - u0.involuntaryContextSwitches,
        jsonKb: text.length / 1024,
      };
    };
    out.first = await once();
    out.second = await once();
  } else {
    throw new Error(`unknown mode ${a.mode}`);
  }
  out.endMs = performance.now();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e?.stack ?? e) }) + '\n');
  process.exitCode = 1;
});
