/**
 * A Sentry event from a parsed minidump: what lets `beforeSend`, grouping and backends without minidump
 * processing (self-hosted, GlitchTip, Spotlight) see a native crash as a real exception with a stack, rather than
 * an empty event beside an opaque attachment. Pure data in, pure data out: no Electron, no I/O.
 */
import { randomUUID } from 'node:crypto';
import type { DebugImage, Event, StackFrame } from '@sentry/core';
import type { CrashInfo, Frame, FrameTrust, MinidumpReport, ModuleInfo } from '../native/types';
import { crashpadContexts } from './crashpad-contexts';

/** Sentry's native frame: @sentry/core's `StackFrame` types neither `package` (the module) nor `trust`. */
export interface NativeStackFrame extends StackFrame {
  package?: string;
  /** The raw (mangled) name, when the symbol file holds one; `function` is its readable form. */
  symbol?: string;
  /** How the walker found the frame: Sentry's UI marks frames found by stack scanning. */
  trust?: FrameTrust;
}

/** A native image as Sentry's symbolicator reads it (@sentry/core's `DebugImage` only types `macho`, wasm, sourcemap). */
export interface NativeDebugImage {
  type: 'elf' | 'macho' | 'pe';
  code_file: string;
  image_addr: string;
  image_size: number;
  debug_file?: string;
  debug_id?: string;
  code_id?: string;
  /** The CPU architecture the image was loaded for (the dump's), as Sentry names it: `x86_64`, `arm64`, `x86`, … */
  arch?: string;
}

/** The image type Sentry's symbolicator expects for each OS's modules. */
function imageType(os: string): 'elf' | 'macho' | 'pe' {
  if (/windows/i.test(os)) return 'pe';
  if (/mac|ios/i.test(os)) return 'macho';
  return 'elf';
}

/**
 * Breakpad's debug identifier (32 hex digits of the GUID/build id, then the age) in Sentry's `debug_id` form:
 * a lowercase UUID, with `-<age>` only when the age is not 0 (what `debugid` prints).
 */
export function sentryDebugId(breakpadId: string | null): string | undefined {
  if (!breakpadId || !/^[0-9A-Fa-f]{33,40}$/.test(breakpadId)) return undefined;
  const hex = breakpadId.slice(0, 32).toLowerCase();
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const age = parseInt(breakpadId.slice(32), 16);
  return age ? `${uuid}-${age.toString(16)}` : uuid;
}

/** The module whose address range holds `address` (frames name only the file name; Sentry wants the path). */
function moduleAt(modules: ModuleInfo[], address: string): ModuleInfo | undefined {
  const at = BigInt(address);
  return modules.find((m) => {
    const base = BigInt(m.baseAddress);
    return at >= base && at < base + BigInt(m.size);
  });
}

/** What the event carries beyond the crash: every thread's stack (the default), or the crashing thread's only. */
export interface EventFromReportOptions {
  /**
   * `'all'` (default): every thread the report walked keeps its stack (parse with `allThreads: true`), so a
   * deadlock or a crash caused by another thread reads on a backend that does not process minidumps;
   * `'crashed'`: only the crashing thread's, for a smaller event.
   */
  threads?: 'all' | 'crashed';
}

/**
 * Sentry's frames are oldest-first; the report's are innermost-first, with inlined calls folded into a frame.
 *
 * `instruction_addr` is the address the walker looked symbols up at: frame 0's program counter, and for callers
 * the return address already moved back into the call (−1 on x86, −4 on ARM64; rust-minidump's `instruction`).
 * So the stack trace says `instruction_addr_adjustment: "none"`, and Sentry's symbolicator looks up exactly
 * the address our function, file and line came from. The other consistent choice, raw return addresses with
 * `"all_but_first"`, goes wrong in two places this walker knows better: a physical frame's inlined calls are
 * several logical frames at one address, and Sentry would adjust frame 0's own inlined callers as if they
 * were return addresses; and the walker, not a position in the list, knows which frames came from a CPU
 * context (`trust: "context"`), whose addresses must not move.
 */
function stacktrace(frames: Frame[], modules: ModuleInfo[]): { frames: NativeStackFrame[]; instruction_addr_adjustment: 'none' } {
  const out: NativeStackFrame[] = [];
  for (const frame of frames) {
    const pkg = moduleAt(modules, frame.instruction)?.codeFile ?? frame.module ?? undefined;
    const base = { instruction_addr: frame.instruction, ...(pkg ? { package: pkg } : {}), trust: frame.trust };
    // Inlined calls come innermost first and sit above the physical frame: each is a logical frame of its own.
    for (const inline of frame.inlines) {
      out.push({
        ...base,
        function: inline.function,
        ...(inline.symbol ? { symbol: inline.symbol } : {}),
        ...(inline.file ? { filename: inline.file } : {}),
        ...(inline.line !== null ? { lineno: inline.line } : {}),
      });
    }
    out.push({
      ...base,
      ...(frame.function ? { function: frame.function } : {}),
      // `symbol` is the name as the symbol file holds it (mangled, when it is), `function` the readable one.
      ...(frame.symbol ? { symbol: frame.symbol } : {}),
      ...(frame.file ? { filename: frame.file } : {}),
      ...(frame.line !== null ? { lineno: frame.line } : {}),
    });
  }
  return { frames: out.reverse(), instruction_addr_adjustment: 'none' };
}

/** rust-minidump's CPU names (`amd64`, `x86`, `arm64`, `arm`) as Sentry's `arch` values. */
function sentryArch(cpu: string): string | undefined {
  const known: Record<string, string> = { amd64: 'x86_64', x86_64: 'x86_64', x86: 'x86', arm64: 'arm64', aarch64: 'arm64', arm: 'arm', ppc64: 'ppc64', mips: 'mips' };
  return known[cpu.toLowerCase()];
}

/** rust-minidump's OS names (`Windows NT`, `Mac OS X`) as Sentry's SDKs and minidump processing name them. */
function sentryOsName(os: string): string {
  const known: Record<string, string> = { 'windows nt': 'Windows', windows: 'Windows', 'mac os x': 'macOS', macos: 'macOS', linux: 'Linux', ios: 'iOS', android: 'Android' };
  return known[os.toLowerCase()] ?? os;
}

/** `SIGSEGV / SEGV_MAPERR` → `SIGSEGV`; `EXCEPTION_ACCESS_VIOLATION_WRITE` stays whole. */
const crashType = (reason: string): string => reason.split(' / ')[0]!.trim() || reason;

/**
 * The OS's own account of the crash in Sentry's `mechanism.meta`: the POSIX signal and the Mach exception.
 * Windows has no field there: Sentry's minidump processing names the exception code in `exception.type`
 * (`EXCEPTION_ACCESS_VIOLATION_WRITE`), and so does this event.
 */
function mechanismMeta(crash: CrashInfo): Record<string, unknown> | undefined {
  const meta: Record<string, unknown> = {};
  const { signal, machException: mach } = crash;
  if (signal) {
    meta.signal = {
      number: signal.number,
      ...(signal.code !== null ? { code: signal.code } : {}),
      ...(signal.name ? { name: signal.name } : {}),
      ...(signal.codeName ? { code_name: signal.codeName } : {}),
    };
  }
  if (mach) {
    // The protocol's numbers; a subcode past 2^53 (a kernel address) loses its low bits, the exact value stays
    // in the exception's value and the report.
    meta.mach_exception = { exception: mach.exception, code: mach.code, subcode: Number(BigInt(mach.subcode)), ...(mach.name ? { name: mach.name } : {}) };
  }
  return Object.keys(meta).length ? meta : undefined;
}

/**
 * Builds the event for a native crash (or a dump without one: then it is a `fatal` message-less event with the
 * threads). `event_id` is fresh; the caller's scope (release, user, breadcrumbs) is merged later by the client.
 * Threads, the crash and images are laid out as Sentry's own minidump processing lays them out: the crashing
 * thread's stack and registers on the exception, every other thread's on the thread.
 */
export function eventFromReport(report: MinidumpReport, options: EventFromReportOptions = {}): Event {
  const { system, crash, crashingThread } = report;
  // The crashing thread's registers belong on its stack trace: Sentry's symbolicator re-walks the stack from them.
  const crashFrames = crashingThread
    ? { ...stacktrace(crashingThread.frames, report.modules), ...(Object.keys(crashingThread.registers).length ? { registers: crashingThread.registers } : {}) }
    : undefined;
  const arch = sentryArch(system.cpuArch);
  const threadId = crash?.threadId ?? crashingThread?.id;
  const allThreads = (options.threads ?? 'all') === 'all';
  const osName = sentryOsName(system.os);
  // On Linux the dump's version is the kernel's release and its build the rest of `uname -v`.
  const kernel = osName === 'Linux' || osName === 'Android' ? [system.osVersion, system.osBuild].filter(Boolean).join(' ') : '';
  const contexts: Record<string, Record<string, unknown>> = {
    os: {
      name: osName,
      ...(system.osVersion ? { version: system.osVersion } : {}),
      ...(system.osBuild ? { build: system.osBuild } : {}),
      ...(kernel ? { kernel_version: kernel } : {}),
    },
    device: { ...(arch ? { arch } : {}), processor_count: system.cpuCount, ...(system.cpuInfo ? { cpu_description: system.cpuInfo } : {}) },
  };
  Object.assign(contexts, crashpadContexts(report.crashpad, [...Object.keys(contexts), 'electron', 'trace', 'app', 'runtime']));

  const event: Event = {
    event_id: randomUUID().replace(/-/g, ''),
    timestamp: Date.parse(report.dumpTime) / 1000 || Date.now() / 1000,
    platform: 'native',
    level: 'fatal',
    contexts,
    tags: {
      ...(crash ? { 'crash.reason': crash.reason } : {}),
      ...(report.processType ? { 'process.type': report.processType } : {}),
    },
    threads: {
      values: report.threads.map((t) => {
        const isCrashing = t.id === threadId;
        // Sentry's processing: the crashing thread's stack lives on the exception; without a crash, the thread
        // that asked for the dump is `current` and keeps its stack.
        const stack = isCrashing ? (crash ? undefined : crashFrames) : allThreads && t.frames ? stacktrace(t.frames, report.modules) : undefined;
        return {
          id: t.id,
          ...(t.name ? { name: t.name } : {}),
          crashed: isCrashing && crash !== null,
          current: isCrashing,
          ...(stack ? { stacktrace: stack } : {}),
        };
      }),
    },
    debug_meta: {
      images: report.modules.map((m): NativeDebugImage => {
        const debugId = sentryDebugId(m.debugId);
        return {
          type: imageType(system.os),
          code_file: m.codeFile,
          image_addr: m.baseAddress,
          image_size: m.size,
          ...(m.debugFile ? { debug_file: m.debugFile } : {}),
          ...(debugId ? { debug_id: debugId } : {}),
          ...(m.codeId ? { code_id: m.codeId } : {}),
          ...(arch ? { arch } : {}),
        };
      }) as unknown as DebugImage[],
    },
  };
  if (crash) {
    const meta = mechanismMeta(crash);
    event.exception = {
      values: [
        {
          type: crashType(crash.reason),
          value: `${crash.reason} at ${crash.address}${crash.assertion ? `: ${crash.assertion}` : ''}`,
          // As Sentry's own minidump events have it (Relay's placeholder, kept by its processing).
          mechanism: { type: 'minidump', handled: false, synthetic: true, ...(meta ? { meta } : {}) },
          ...(threadId !== undefined ? { thread_id: threadId } : {}),
          ...(crashFrames ? { stacktrace: crashFrames } : {}),
        },
      ],
    };
  }
  return event;
}
