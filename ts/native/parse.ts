import { MinidumpError } from './errors';
import type { NativeBinding } from './load';
import { inline, limiter, onPool } from './pool';
import type { MinidumpReport, ParseOptions } from './types';

/** What every native entry point accepts: a file path, or the dump's bytes. */
export type MinidumpInput = string | Buffer | Uint8Array;

/** Sets how many parses (and envelope builds, strips) may run on the libuv thread pool at once (default: half the pool, at least 1). */
export function setMaxConcurrentParses(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new MinidumpError('ERR_INVALID_ARGUMENT', `max concurrent parses must be a positive integer, got ${n}`);
  }
  limiter.setLimit(n);
}

/** How many parses hold a thread-pool slot now, how many wait for one, and the bound. */
export function parseQueueStats(): { active: number; queued: number; limit: number } {
  return limiter.stats;
}

type NativeArgs = [input: string | Buffer, options: Parameters<NativeBinding['parseReportSync']>[1]];

const bad = (msg: string) => new MinidumpError('ERR_INVALID_ARGUMENT', msg);

/** Checks and converts a dump argument; throws `MinidumpError('ERR_INVALID_ARGUMENT')`. */
export function nativeInput(input: MinidumpInput): NativeArgs[0] {
  if (typeof input === 'string') {
    if (input.length === 0 || input.includes('\0')) throw bad('the path must be a non-empty string without NUL');
    return input;
  }
  if (Buffer.isBuffer(input)) return input;
  if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw bad('input must be a path, a Buffer or a Uint8Array');
}

/** Checks and converts options; throws `MinidumpError('ERR_INVALID_ARGUMENT')`. */
function nativeOptions(options: ParseOptions): NativeArgs[1] {
  if (options === null || typeof options !== 'object') throw bad('options must be an object');
  const { allThreads, threadIds, symbols, symbolServers, cacheDir, symbolServerTimeoutMs, maxFrames, maxInputBytes } =
    options;
  if (symbols !== undefined && !(Array.isArray(symbols) && symbols.every((s) => typeof s === 'string'))) {
    throw bad('symbols must be an array of directory paths');
  }
  if (symbolServers !== undefined && !(Array.isArray(symbolServers) && symbolServers.every((u) => /^https?:\/\/[^\s]+$/i.test(u)))) {
    throw bad('symbolServers must be an array of http(s) URLs');
  }
  if (cacheDir !== undefined && !(typeof cacheDir === 'string' && cacheDir.length > 0 && !cacheDir.includes('\0'))) {
    throw bad('cacheDir must be a directory path');
  }
  if (symbolServerTimeoutMs !== undefined && !(Number.isInteger(symbolServerTimeoutMs) && symbolServerTimeoutMs >= 1 && symbolServerTimeoutMs <= 3_600_000)) {
    throw bad('symbolServerTimeoutMs must be a whole number of milliseconds, at most an hour');
  }
  if (threadIds !== undefined && !(Array.isArray(threadIds) && threadIds.every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffff_ffff))) {
    throw bad('threadIds must be an array of thread ids');
  }
  if (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames >= 1 && maxFrames <= 0xffff_ffff)) {
    throw bad('maxFrames must be a positive integer');
  }
  if (maxInputBytes !== undefined && !(Number.isSafeInteger(maxInputBytes) && maxInputBytes >= 0)) {
    throw bad('maxInputBytes must be a non-negative integer');
  }
  const checked = {
    allThreads: allThreads === true,
    threadIds,
    symbols,
    symbolServers,
    cacheDir,
    symbolServerTimeoutMs,
    maxFrames,
    maxInputBytes,
  };
  // The defaults cross as no object at all: the binding then reads none of its eight properties.
  return Object.values(checked).some((v) => v !== undefined && v !== false) ? checked : undefined;
}

type AsyncFn = 'parseReportAsync' | 'stackwalkJsonAsync';
type SyncFn = 'parseReportSync' | 'stackwalkJsonSync';

/** Runs a dump-reading native task on the thread pool; resolves to its JSON text. */
export function runAsync(fn: AsyncFn, input: MinidumpInput, options: ParseOptions = {}): Promise<string> {
  return onPool(options, (native) => {
    const args: NativeArgs = [nativeInput(input), nativeOptions(options)];
    return (cancel) => native[fn](...args, cancel);
  });
}

/** The same work on the calling thread. */
export function runSync(fn: SyncFn, input: MinidumpInput, options: ParseOptions = {}): string {
  return inline((native) => native[fn](nativeInput(input), nativeOptions(options)));
}

/** A report parsed earlier, with names filled in from the symbol sources in `options` (no re-walk). */
export async function symbolicateReport(report: MinidumpReport, options: ParseOptions = {}): Promise<MinidumpReport> {
  const text = await onPool(options, (native) => {
    const args = [reportText(report), nativeOptions(options)] as const;
    return () => native.symbolicateReportAsync(...args);
  });
  return JSON.parse(text) as MinidumpReport;
}

/** `symbolicateReport` on the calling thread. */
export function symbolicateReportSync(report: MinidumpReport, options: ParseOptions = {}): MinidumpReport {
  return JSON.parse(inline((native) => native.symbolicateReportSync(reportText(report), nativeOptions(options))));
}

function reportText(report: MinidumpReport): string {
  if (report === null || typeof report !== 'object' || !Array.isArray(report.modules)) {
    throw bad('not a minidump report');
  }
  return JSON.stringify(report);
}

/**
 * Parses a minidump off the JS thread (on libuv's pool): the crash, the crashing thread's stack, modules,
 * Crashpad annotations and the process type. Rejects with a `MinidumpError` whose `code` says why.
 */
export async function parseMinidump(input: MinidumpInput, options: ParseOptions = {}): Promise<MinidumpReport> {
  return JSON.parse(await runAsync('parseReportAsync', input, options)) as MinidumpReport;
}

/** `parseMinidump` on the calling thread: for scripts and CLIs, never for an app's main thread. */
export function parseMinidumpSync(input: MinidumpInput, options: ParseOptions = {}): MinidumpReport {
  return JSON.parse(runSync('parseReportSync', input, options)) as MinidumpReport;
}
