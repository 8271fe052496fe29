/**
 * A Sentry event from a parsed minidump: what lets `beforeSend`, grouping and backends without minidump
 * processing (self-hosted, GlitchTip, Spotlight) see a native crash as a real exception with a stack, rather than
 * an empty event beside an opaque attachment. Pure data in, pure data out: no Electron, no I/O.
 */
import { randomUUID } from 'node:crypto';
import type { DebugImage, Event, StackFrame } from '@sentry/core';
import type { Frame, FrameTrust, MinidumpReport, ModuleInfo } from '../native/types';

/** Sentry's native frame: @sentry/core's `StackFrame` types neither `package` (the module) nor `trust`. */
export interface NativeStackFrame extends StackFrame {
  package?: string;
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

/** Sentry's frames are oldest-first; the report's are innermost-first, with inlined calls folded into a frame. */
function stacktrace(frames: Frame[], modules: ModuleInfo[]): { frames: NativeStackFrame[] } {
  const out: NativeStackFrame[] = [];
  for (const frame of frames) {
    const pkg = moduleAt(modules, frame.instruction)?.codeFile ?? frame.module ?? undefined;
    const base = { instruction_addr: frame.instruction, ...(pkg ? { package: pkg } : {}) };
    // Inlined calls come innermost first and sit above the physical frame: each is a logical frame of its own.
    for (const inline of frame.inlines) {
      out.push({ ...base, function: inline.function, ...(inline.file ? { filename: inline.file } : {}), ...(inline.line !== null ? { lineno: inline.line } : {}) });
    }
    out.push({
      ...base,
      ...(frame.function ? { function: frame.function } : {}),
      ...(frame.file ? { filename: frame.file } : {}),
      ...(frame.line !== null ? { lineno: frame.line } : {}),
      trust: frame.trust,
    });
  }
  return { frames: out.reverse() };
}

/** rust-minidump's CPU names (`amd64`, `x86`, `arm64`, `arm`) as Sentry's `arch` values. */
function sentryArch(cpu: string): string | undefined {
  const known: Record<string, string> = { amd64: 'x86_64', x86_64: 'x86_64', x86: 'x86', arm64: 'arm64', aarch64: 'arm64', arm: 'arm', ppc64: 'ppc64', mips: 'mips' };
  return known[cpu.toLowerCase()];
}

/** `SIGSEGV / SEGV_MAPERR` → `SIGSEGV`; `EXCEPTION_ACCESS_VIOLATION_WRITE` stays whole. */
const crashType = (reason: string): string => reason.split(' / ')[0]!.trim() || reason;

/**
 * Builds the event for a native crash (or a dump without one: then it is a `fatal` message-less event with the
 * threads). `event_id` is fresh; the caller's scope (release, user, breadcrumbs) is merged later by the client.
 */
export function eventFromReport(report: MinidumpReport): Event {
  const { system, crash, crashingThread } = report;
  // The crashing thread's registers belong on its stack trace: Sentry's symbolicator re-walks the stack from them.
  const crashFrames = crashingThread
    ? { ...stacktrace(crashingThread.frames, report.modules), ...(Object.keys(crashingThread.registers).length ? { registers: crashingThread.registers } : {}) }
    : undefined;
  const arch = sentryArch(system.cpuArch);
  const threadId = crash?.threadId ?? crashingThread?.id;

  const event: Event = {
    event_id: randomUUID().replace(/-/g, ''),
    timestamp: Date.parse(report.dumpTime) / 1000 || Date.now() / 1000,
    platform: 'native',
    level: 'fatal',
    contexts: {
      os: { name: system.os, ...(system.osVersion ? { version: system.osVersion } : {}), ...(system.osBuild ? { build: system.osBuild } : {}) },
      device: { arch: system.cpuArch, processor_count: system.cpuCount, ...(system.cpuInfo ? { cpu_description: system.cpuInfo } : {}) },
    },
    tags: {
      ...(crash ? { 'crash.reason': crash.reason } : {}),
      ...(report.processType ? { 'process.type': report.processType } : {}),
    },
    threads: {
      values: report.threads.map((t) => ({
        id: t.id,
        ...(t.name ? { name: t.name } : {}),
        crashed: t.id === threadId,
        current: t.id === threadId,
        ...(t.id === threadId && crashFrames ? { stacktrace: crashFrames } : t.frames ? { stacktrace: stacktrace(t.frames, report.modules) } : {}),
      })),
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
    event.exception = {
      values: [
        {
          type: crashType(crash.reason),
          value: `${crash.reason} at ${crash.address}${crash.assertion ? `: ${crash.assertion}` : ''}`,
          mechanism: { type: 'minidump', handled: false, synthetic: true },
          ...(threadId !== undefined ? { thread_id: threadId } : {}),
          ...(crashFrames ? { stacktrace: crashFrames } : {}),
        },
      ],
    };
  }
  return event;
}
