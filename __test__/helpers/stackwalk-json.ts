/**
 * Comparison of our `MinidumpReport` against rust-minidump's `minidump-stackwalk --json` output (the schema
 * documented in minidump-processor's `json-schema.md`), used both with the live tool and with the insta
 * snapshots rust-minidump commits (`expected/rust-minidump/*.snap`).
 *
 * Addresses are compared as numbers: the report spells them unpadded (`0x45`), the JSON zero-padded to
 * the pointer width (`0x00000045`, `0x0000000000000045`).
 */
import type { ExecutionContext } from 'ava';
import type { Frame, MinidumpReport } from '@acme/sentry-electron-native';
import { baseName, debugIdFact } from './breakpad-machine';

export interface StackwalkInline {
  function: string;
  file?: string | null;
  line?: number | null;
}

export interface StackwalkFrame {
  frame: number;
  module: string | null;
  module_offset: string | null;
  offset: string;
  function: string | null;
  function_offset: string | null;
  file: string | null;
  line: number | null;
  trust: string;
  inlines: StackwalkInline[] | null;
  missing_symbols?: boolean;
  registers?: Record<string, string>;
}

export interface StackwalkThread {
  thread_id: number;
  thread_name?: string | null;
  frame_count: number;
  frames: StackwalkFrame[];
}

export interface StackwalkModule {
  filename: string;
  debug_file: string | null;
  debug_id: string | null;
  code_id: string | null;
  base_addr: string;
  end_addr: string;
  version: string | null;
  loaded_symbols: boolean;
  missing_symbols: boolean;
  corrupt_symbols: boolean;
}

export interface StackwalkJson {
  status: string;
  system_info: {
    os: string;
    os_ver: string | null;
    cpu_arch: string;
    cpu_info: string | null;
    cpu_count: number;
    cpu_microcode_version?: string | null;
  };
  crash_info: {
    type: string | null;
    address: string | null;
    crashing_thread: number | null;
    assertion: string | null;
  };
  crashing_thread?: StackwalkThread & { threads_index?: number };
  threads: StackwalkThread[];
  thread_count: number;
  modules: StackwalkModule[];
  main_module: number | null;
  pid: number | null;
  crashpad?: unknown;
}

/** A `0x…` string (padded or not) as a number; `null` stays `null`. */
export const num = (hex: string | null | undefined): bigint | null => (hex == null ? null : BigInt(hex));

/** rust-minidump's insta snapshot: a YAML header between `---` lines, then the tool's output. */
export function snapshotBody(text: string): string {
  const m = /^---\n[\s\S]*?\n---\n/.exec(text);
  if (!m) throw new Error('not an insta snapshot (no --- header)');
  return text.slice(m[0].length);
}

const inlinesOf = (list: ReadonlyArray<{ function: string; file?: string | null; line?: number | null }> | null | undefined) =>
  (list ?? []).map((i) => ({ function: i.function, file: i.file ?? null, line: i.line ?? null }));

/** rust-minidump's trust words in Sentry's (the report's and the event's): only `frame_pointer` differs. */
export const sentryTrust = (trust: string): string => (trust === 'frame_pointer' ? 'fp' : trust);

/** A Rust (legacy `_ZN…E`, v0 `_R…`), Itanium C++ (`_Z…`, `__Z…`) or MSVC (`?…`) mangled name. */
export const looksMangled = (name: string | null | undefined): boolean => !!name && /^(_{1,2}Z|_R|\?)/.test(name);

/**
 * `ours` is `raw` demangled: the same name when `raw` is not mangled, else a readable one (no longer mangled,
 * not the raw text). minidump-stackwalk prints names as the symbol file holds them.
 */
export function isDemangledFrom(t: ExecutionContext, ours: string | null, raw: string | null, where: string): void {
  if (raw === null || !looksMangled(raw)) {
    t.is(ours, raw, `${where}: function`);
    return;
  }
  t.not(ours, raw, `${where}: function is demangled (${raw})`);
  t.false(looksMangled(ours), `${where}: function ${ours} is not mangled`);
}

/** Compares one walked frame of ours with the reference frame, field by field. */
export function compareFrame(t: ExecutionContext, where: string, ours: Frame, ref: StackwalkFrame): void {
  t.is(ours.index, ref.frame, `${where}: frame index`);
  t.is(ours.module, ref.module, `${where}: module`);
  t.is(num(ours.moduleOffset), num(ref.module_offset), `${where}: module offset`);
  t.is(num(ours.instruction), num(ref.offset), `${where}: instruction (JSON "offset")`);
  // Frame 0's address is the program counter; a caller's return address lies past the adjusted one.
  if (ref.trust === 'context') t.is(ours.returnAddress, ours.instruction, `${where}: return address of a context frame`);
  else t.true(BigInt(ours.returnAddress) > BigInt(ours.instruction), `${where}: return address past the looked-up one`);
  t.is<string, string>(ours.trust, sentryTrust(ref.trust), `${where}: trust, in Sentry's words`);
  t.is(ours.symbol, ref.function, `${where}: symbol (the raw name)`);
  isDemangledFrom(t, ours.function, ref.function, where);
  t.is(num(ours.functionOffset), num(ref.function_offset), `${where}: function offset`);
  t.is(ours.file, ref.file, `${where}: file`);
  t.is(ours.line, ref.line, `${where}: line`);
  t.deepEqual(
    ours.inlines.map((i) => ({ function: i.symbol, file: i.file, line: i.line })),
    inlinesOf(ref.inlines),
    `${where}: inlines (innermost first, raw names)`,
  );
  ours.inlines.forEach((i, k) => isDemangledFrom(t, i.function, i.symbol, `${where}.inlines[${k}]`));
}

/** Compares one frame of a minidump-stackwalk JSON of ours with the reference's, field by field. */
export function compareJsonFrame(t: ExecutionContext, where: string, ours: StackwalkFrame, ref: StackwalkFrame): void {
  t.is(ours.frame, ref.frame, `${where}: frame`);
  t.is(ours.module, ref.module, `${where}: module`);
  t.is(num(ours.module_offset), num(ref.module_offset), `${where}: module_offset`);
  t.is(num(ours.offset), num(ref.offset), `${where}: offset`);
  isDemangledFrom(t, ours.function, ref.function, where);
  t.is(num(ours.function_offset), num(ref.function_offset), `${where}: function_offset`);
  t.is(ours.file, ref.file, `${where}: file`);
  t.is(ours.line, ref.line, `${where}: line`);
  t.is(ours.trust, ref.trust, `${where}: trust`);
  t.deepEqual(
    inlinesOf(ours.inlines).map(({ file, line }) => ({ file, line })),
    inlinesOf(ref.inlines).map(({ file, line }) => ({ file, line })),
    `${where}: inlines`,
  );
  inlinesOf(ours.inlines).forEach((i, k) => isDemangledFrom(t, i.function, inlinesOf(ref.inlines)[k]?.function ?? null, `${where}.inlines[${k}]`));
  t.is(ours.missing_symbols, ref.missing_symbols, `${where}: missing_symbols`);
}

export interface CompareOptions {
  /** Compare every thread's frames (the report must have been made with `allThreads: true`). */
  allThreads: boolean;
  /** Label prefix for assertion messages. */
  label: string;
}

/**
 * Compares the facts a `MinidumpReport` shares with the minidump-stackwalk JSON: crash, system, threads
 * (ids, names, frames), crashing thread (frames and registers) and modules.
 */
export function compareReportToStackwalk(t: ExecutionContext, report: MinidumpReport, ref: StackwalkJson, opts: CompareOptions): void {
  const L = opts.label;

  // System.
  const sys = report.system;
  t.is(sys.os, ref.system_info.os, `${L} system.os`);
  t.is([sys.osVersion, sys.osBuild].filter(Boolean).join(' '), ref.system_info.os_ver ?? '', `${L} system.osVersion + osBuild vs os_ver`);
  t.is(sys.cpuArch, ref.system_info.cpu_arch, `${L} system.cpuArch`);
  t.is(sys.cpuInfo, ref.system_info.cpu_info, `${L} system.cpuInfo`);
  t.is(sys.cpuCount, ref.system_info.cpu_count, `${L} system.cpuCount`);

  // Threads: same order, ids and names.
  t.is(report.threads.length, ref.threads.length, `${L} thread count`);
  t.is(report.threads.length, ref.thread_count, `${L} thread count vs thread_count`);
  report.threads.forEach((th, i) => {
    const r = ref.threads[i];
    if (!r) return;
    t.is(th.id, r.thread_id, `${L} threads[${i}].id`);
    // We report an empty thread name as `null`; minidump-stackwalk keeps `""`.
    t.is(th.name, r.thread_name || null, `${L} threads[${i}].name`);
  });

  // Crash.
  if (ref.crash_info.type === null) {
    t.is(report.crash, null, `${L} crash (the reference has none)`);
  } else {
    t.truthy(report.crash, `${L} crash present`);
    if (report.crash) {
      t.is(report.crash.reason, ref.crash_info.type, `${L} crash.reason vs crash_info.type`);
      t.is(num(report.crash.address), num(ref.crash_info.address), `${L} crash.address`);
      const idx = ref.crash_info.crashing_thread;
      t.not(idx, null, `${L} crash_info.crashing_thread`);
      if (idx !== null) t.is(report.crash.threadId, ref.threads[idx]?.thread_id, `${L} crash.threadId vs threads[crashing_thread].thread_id`);
    }
  }

  // Crashing thread: frames and registers.
  const rc = ref.crashing_thread;
  if (!rc) {
    t.is(report.crashingThread, null, `${L} crashingThread (the reference has none)`);
  } else {
    const ct = report.crashingThread;
    t.truthy(ct, `${L} crashingThread present`);
    if (ct) {
      t.is(ct.id, rc.thread_id, `${L} crashingThread.id`);
      t.false(ct.framesTruncated, `${L} crashingThread.framesTruncated`);
      t.is(ct.frames.length, rc.frames.length, `${L} crashingThread frame count`);
      ct.frames.forEach((f, i) => {
        const r = rc.frames[i];
        if (r) compareFrame(t, `${L} crashingThread.frames[${i}]`, f, r);
      });
      const refRegs = rc.frames[0]?.registers ?? {};
      t.deepEqual(
        Object.keys(ct.registers).sort(),
        Object.keys(refRegs).sort(),
        `${L} crashingThread.registers: names`,
      );
      for (const [name, value] of Object.entries(refRegs)) {
        t.is(num(ct.registers[name]), num(value), `${L} crashingThread.registers.${name}`);
      }
    }
  }

  // Every thread's frames.
  if (opts.allThreads) {
    report.threads.forEach((th, i) => {
      const r = ref.threads[i];
      if (!r) return;
      if (th.frames === null) {
        // Not walked: only the thread that wrote the dump (Breakpad's dump_thread_id), which rust-minidump
        // also leaves unwalked (frame_count 0).
        t.is(r.frames.length, 0, `${L} threads[${i}] (id ${th.id}) not walked: the reference has no frames either`);
        return;
      }
      t.is(th.frames.length, r.frames.length, `${L} threads[${i}] frame count`);
      th.frames.forEach((f, j) => {
        const rf = r.frames[j];
        if (rf) compareFrame(t, `${L} threads[${i}].frames[${j}]`, f, rf);
      });
    });
  }

  // Modules: same order.
  t.is(report.modules.length, ref.modules.length, `${L} module count`);
  report.modules.forEach((m, i) => {
    const r = ref.modules[i];
    if (!r) return;
    const M = `${L} modules[${i}] (${r.filename})`;
    t.is(baseName(m.codeFile), r.filename, `${M}: code file name`);
    t.is(m.debugFile === null ? null : baseName(m.debugFile), r.debug_file, `${M}: debug file`);
    t.is(debugIdFact(m.debugId), debugIdFact(r.debug_id), `${M}: debug id (absent = null, empty or zeros)`);
    t.is(m.codeId, r.code_id, `${M}: code id`);
    t.is(num(m.baseAddress), num(r.base_addr), `${M}: base address`);
    t.is<bigint | null, bigint | null>(num(m.baseAddress)! + BigInt(m.size), num(r.end_addr), `${M}: base + size vs end_addr`);
    t.is(m.version, r.version, `${M}: version`);
    t.is(m.symbolsLoaded, r.loaded_symbols && !r.corrupt_symbols, `${M}: symbolsLoaded vs loaded_symbols && !corrupt_symbols`);
  });
}
