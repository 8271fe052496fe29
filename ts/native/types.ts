/**
 * The shape of a parsed minidump, as returned by `parseMinidump()`.
 *
 * Addresses are `0x`-prefixed lowercase hex strings (exact for 64-bit values, JSON-safe);
 * sizes and counts are numbers. Fields a dump does not carry are `null`, never missing.
 */

// Each interface below extends its declaration generated from the Rust (contract.generated.ts, `npm run
// contract`): a field the Rust adds appears here, and one whose type drifts from it fails to compile. The doc
// comments live here, in the public names.
import type * as Contract from './contract.generated';
import type { CheckCode, NativeErrorCode } from './contract.generated';

/** A `0x`-prefixed lowercase hex string, e.g. `0x7ff6a1b20000`. */
export type HexAddress = string;

/**
 * How the stack walker found a frame, best first, in the words of Sentry's event protocol and symbolicator
 * (rust-minidump says `frame_pointer` for `fp`).
 */
export type FrameTrust = 'context' | 'prewalked' | 'cfi' | 'fp' | 'cfi_scan' | 'scan' | 'none';

export interface SystemInfo extends Contract.System {
  /** `Windows NT`, `Linux`, `Mac OS X`, `iOS`, `Android`, … */
  os: string;
  /** e.g. `10.0.19041`; `null` when the dump does not say. */
  osVersion: string | null;
  /** Build string (Windows service pack, Linux kernel build, macOS build), when present. */
  osBuild: string | null;
  /** `x86`, `amd64`, `arm`, `arm64`, … */
  cpuArch: string;
  /** The CPU's own description (vendor, family/model/stepping or brand string). */
  cpuInfo: string | null;
  cpuCount: number;
}

export interface CrashInfo extends Contract.Crash {
  /** The reason as the platform names it: `SIGSEGV / SEGV_MAPERR`, `EXCEPTION_ACCESS_VIOLATION_WRITE`, … */
  reason: string;
  /** The raw exception code (Windows) or signal number (POSIX) as hex. */
  code: HexAddress;
  /** The faulting address. */
  address: HexAddress;
  /** The id of the thread that crashed. */
  threadId: number;
  /** Assertion text (`expression` in `function` at `file:line`) when the dump carries one. */
  assertion: string | null;
  /** The POSIX signal: Linux and Android dumps; on macOS the signal the kernel raises for the Mach exception. */
  signal: SignalInfo | null;
  /** The Mach exception triple of a macOS or iOS dump. */
  machException: MachExceptionInfo | null;
}

export interface SignalInfo extends Contract.Signal {
  number: number;
  /** `si_code` (Linux), `null` when the dump has none. */
  code: number | null;
  /** `SIGSEGV`, … */
  name: string | null;
  /** `SEGV_MAPERR`, … when the code has a name. */
  codeName: string | null;
}

export interface MachExceptionInfo extends Contract.MachException {
  /** `EXC_BAD_ACCESS` is 1, … */
  exception: number;
  code: number;
  /** For `EXC_BAD_ACCESS`, the faulting address (hex: it may pass 2^53). */
  subcode: HexAddress;
  name: string | null;
}

export interface InlineFrame extends Contract.InlineFrame {
  /** Demangled (C++, Rust) when the symbol file holds a mangled name. */
  function: string;
  /** The name as the symbol file holds it. */
  symbol: string;
  file: string | null;
  line: number | null;
}

export interface Frame extends Contract.Frame {
  /** Position in the stack, 0 is the innermost frame. */
  index: number;
  /**
   * The address symbols are looked up at: frame 0's program counter; for callers the return address adjusted
   * back into the call instruction (−1 on x86, −4 on ARM64), as rust-minidump walks them.
   */
  instruction: HexAddress;
  /** Frame 0's program counter, or the caller's return address: what Breakpad prints. */
  returnAddress: HexAddress;
  /** File name of the code file of the module holding `instruction`; `null` when no module covers it. */
  module: string | null;
  /** `instruction - module base`. */
  moduleOffset: HexAddress | null;
  trust: FrameTrust;
  /** Function name, when symbols are present; demangled (C++, Rust) when the symbol file holds it mangled. */
  function: string | null;
  /** The function's name as the symbol file holds it (mangled or not). */
  symbol: string | null;
  /** `instruction - function start`, when symbols are present. */
  functionOffset: HexAddress | null;
  file: string | null;
  line: number | null;
  /** Where the code of `line` starts (Breakpad's offsets in `[file : line + offset]` count from it). */
  lineAddress: HexAddress | null;
  /** Calls inlined at this frame, innermost first (each one a logical frame above this one). */
  inlines: InlineFrame[];
}

export interface ThreadInfo extends Contract.Thread {
  id: number;
  name: string | null;
  /**
   * Walked frames of a thread other than the crashing one, with `allThreads` or `threadIds`; otherwise `null`.
   * The thread that wrote the dump (Breakpad's in-process handler) is never walked: its stack is the handler's.
   */
  frames: Frame[] | null;
  /** True when `maxFrames` cut the walk short. */
  framesTruncated: boolean;
}

export interface CrashingThread extends ThreadInfo, Contract.CrashingThread {
  frames: Frame[];
  /** Registers of the innermost frame, named as the architecture names them. */
  registers: Record<string, HexAddress>;
}

/** What a loaded and an unloaded module say about themselves. */
interface ModuleIdentity {
  codeFile: string;
  baseAddress: HexAddress;
  size: number;
  /** File version (`a.b.c.d`) when the module carries one. */
  version: string | null;
  debugFile: string | null;
  /** Breakpad debug identifier (33 upper-case hex digits), `null` when the module has none. */
  debugId: string | null;
  codeId: string | null;
}

export interface ModuleInfo extends Contract.Module, ModuleIdentity {
  /** Whether a `.sym` file was found and used for this module. */
  symbolsLoaded: boolean;
}

/** The unloaded-module record carries no version or debug identity: those fields stay `null`. */
export interface UnloadedModuleInfo extends Contract.UnloadedModule, ModuleIdentity {}

export interface AnnotationObject extends Contract.AnnotationObject {
  name: string;
  /** Crashpad's annotation type: 1 string, >= 0x8000 user defined. */
  type: number;
  /** The value as text for string annotations, otherwise the raw bytes as hex (no prefix). */
  value: string;
}

export interface ModuleAnnotations extends Contract.ModuleAnnotations {
  /** Index into `modules`. */
  moduleIndex: number;
  /** The module's code file, when the index is valid. */
  module: string | null;
  listAnnotations: string[];
  simpleAnnotations: Record<string, string>;
  annotationObjects: AnnotationObject[];
}

export interface CrashpadInfo extends Contract.Crashpad {
  /** Crashpad's report UUID. */
  reportId: string;
  clientId: string;
  /** Process-wide key/value annotations (Electron's `extra` and Chromium's crash keys). */
  simpleAnnotations: Record<string, string>;
  modules: ModuleAnnotations[];
}

export interface Warning extends Contract.Warning {
  /** Stable identifier, e.g. `crashpad_module_unreadable`, `thread_list_missing`. */
  code: string;
  message: string;
}

export interface MinidumpReport extends Contract.Report {
  system: SystemInfo;
  /** `null` when the dump has no exception: a valid dump of a process that did not crash. */
  crash: CrashInfo | null;
  /** The crashing thread (or the thread that requested the dump), `null` when none can be named. */
  crashingThread: CrashingThread | null;
  threads: ThreadInfo[];
  modules: ModuleInfo[];
  unloadedModules: UnloadedModuleInfo[];
  crashpad: CrashpadInfo | null;
  /** `browser`, `renderer`, `gpu-process`, `utility`, … when the annotations tell it. */
  processType: string | null;
  processId: number | null;
  /** ISO 8601, when the dump records it. */
  processCreateTime: string | null;
  /** When the dump was written, ISO 8601. */
  dumpTime: string;
  /** Soft errors of a damaged but readable dump. */
  warnings: Warning[];
}

export interface ParseOptions {
  /** Walk every thread, not only the crashing one. Default `false`. */
  allThreads?: boolean;
  /** Walk these threads (by id) as well as the crashing one. */
  threadIds?: number[];
  /** Local symbol roots in the store layout `<debug_file>/<DEBUG_ID>/<name>.sym`. */
  symbols?: string[];
  /**
   * Symbol servers (HTTP or HTTPS base URLs) serving the same layout, e.g. Electron's
   * `https://symbols.electronjs.org`. Tried in order after the local roots; with `cacheDir` their files
   * (and their "not found") are kept for later runs, without it only for this call.
   */
  symbolServers?: string[];
  /**
   * Where fetched `.sym` files, their preprocessed lookup indexes and "not found" marks are kept, in the store
   * layout. Safe to share between concurrent processes. Without it, nothing is written anywhere.
   */
  cacheDir?: string;
  /** Time allowed for each request to a symbol server (transient failures are retried twice). Default 30 000. */
  symbolServerTimeoutMs?: number;
  /** At most this many frames per thread. Default 256. */
  maxFrames?: number;
  /** Refuse inputs larger than this many bytes (`ERR_TOO_LARGE`). Default 1 GiB. */
  maxInputBytes?: number;
  /** Cancels the parse; the promise rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
}

/**
 * Why `checkMinidump` found an input not to be a complete minidump:
 * - `ERR_NOT_A_MINIDUMP`: it does not start with the `MDMP` signature (nor with the first bytes of it);
 * - `ERR_TRUNCATED`: something it declares lies past its end: still being written, or cut short. A
 *   watcher waits and checks again (a file that is empty or shorter than the header is truncated too);
 * - `ERR_INVALID_MINIDUMP`: everything lies inside it, but its structures are inconsistent, or one of the
 *   streams a usable crash needs (system info, thread list, module list) is missing: waiting will not help.
 */
export type MinidumpCheckCode = CheckCode;

/** The verdict of `checkMinidump`; `size` is the input's size in bytes as it was checked. */
export type MinidumpCheck =
  | { complete: true; size: number }
  | { complete: false; size: number; reason: string; code: MinidumpCheckCode };

/**
 * Stable error codes carried by `MinidumpError.code`: the native core's (`ERR_IO`, `ERR_FILE_CHANGED`,
 * `ERR_NOT_A_MINIDUMP`, `ERR_INVALID_MINIDUMP`, `ERR_TOO_LARGE`, `ERR_ABORTED`, `ERR_INVALID_ARGUMENT`,
 * `ERR_INTERNAL`) and the loader's `ERR_NO_NATIVE_BINARY`.
 */
export type MinidumpErrorCode = NativeErrorCode | 'ERR_NO_NATIVE_BINARY';
