import { abortError, MinidumpError, toMinidumpError } from './errors';
import { defaultConcurrency, Limiter } from './limiter';
import { loadNative, type NativeBinding } from './load';
import type { MinidumpReport, ParseOptions } from './types';

/** What every native entry point accepts: a file path, or the dump's bytes. */
export type MinidumpInput = string | Buffer | Uint8Array;

const limiter = new Limiter(defaultConcurrency());

/** Sets how many parses may run on the libuv thread pool at once (default: half the pool, at least 1). */
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

/** Checks and converts arguments; throws `MinidumpError('ERR_INVALID_ARGUMENT')`. */
function nativeArgs(input: MinidumpInput, options: ParseOptions): NativeArgs {
  const bad = (msg: string) => new MinidumpError('ERR_INVALID_ARGUMENT', msg);
  let native: string | Buffer;
  if (typeof input === 'string') {
    if (input.length === 0 || input.includes('\0')) throw bad('the path must be a non-empty string without NUL');
    native = input;
  } else if (Buffer.isBuffer(input)) {
    native = input;
  } else if (input instanceof Uint8Array) {
    native = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  } else {
    throw bad('input must be a path, a Buffer or a Uint8Array');
  }
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
  const nativeOptions = {
    allThreads: allThreads === true,
    threadIds,
    symbols,
    symbolServers,
    cacheDir,
    symbolServerTimeoutMs,
    maxFrames,
    maxInputBytes,
  };
  return [native, nativeOptions];
}

type AsyncFn = 'parseReportAsync' | 'stackwalkJsonAsync';
type SyncFn = 'parseReportSync' | 'stackwalkJsonSync';

/** Runs one native task on the thread pool within the concurrency bound; resolves to its JSON text. */
export async function runAsync(fn: AsyncFn, input: MinidumpInput, options: ParseOptions = {}): Promise<string> {
  const signal = options?.signal;
  let release: (() => void) | undefined;
  try {
    const native = loadBinding();
    const args = nativeArgs(input, options);
    release = await limiter.acquire(signal);
    const cancel = new native.CancelHandle();
    const onAbort = () => cancel.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const json = await native[fn](...args, cancel);
      if (signal?.aborted) throw abortError(signal);
      return json;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  } catch (e) {
    throw toMinidumpError(e);
  } finally {
    release?.();
  }
}

/** The same work on the calling thread. */
export function runSync(fn: SyncFn, input: MinidumpInput, options: ParseOptions = {}): string {
  try {
    const native = loadBinding();
    return native[fn](...nativeArgs(input, options));
  } catch (e) {
    throw toMinidumpError(e);
  }
}

function loadBinding(): NativeBinding {
  try {
    return loadNative();
  } catch (e) {
    throw new MinidumpError('ERR_NO_NATIVE_BINARY', (e as Error).message, { cause: e });
  }
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
