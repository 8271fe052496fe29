import { defaultSymbolCacheDir } from './cache-dir';
import { MinidumpError } from './errors';
import { parseMinidump, parseMinidumpSync, symbolicateReport, symbolicateReportSync, type MinidumpInput } from './parse';
import type { MinidumpReport, ParseOptions } from './types';

/** `parseMinidump`'s options, with the symbol cache named the way a user thinks of it. */
export interface SymbolicateOptions extends Omit<ParseOptions, 'cacheDir'> {
  /**
   * Where fetched `.sym` files and their indexes are kept between runs (store layout). Default
   * `defaultSymbolCacheDir()`; `false` keeps nothing on disk (symbols fetched from servers last for this call).
   */
  cache?: string | false;
}

/**
 * The `ParseOptions` that `symbolicate` passes to the addon: `cache` becomes `cacheDir` (the default folder
 * when absent, none when `false`). Shared with the CLI so both resolve the cache the same way.
 */
export function symbolicateParseOptions(options: SymbolicateOptions = {}): ParseOptions {
  if (options === null || typeof options !== 'object') {
    throw new MinidumpError('ERR_INVALID_ARGUMENT', 'options must be an object');
  }
  const { cache, ...rest } = options;
  if (cache !== undefined && cache !== false && !(typeof cache === 'string' && cache.length > 0)) {
    throw new MinidumpError('ERR_INVALID_ARGUMENT', 'cache must be a directory path or false');
  }
  if (cache === false) return rest;
  return { ...rest, cacheDir: cache ?? defaultSymbolCacheDir() };
}

/** A report from `parseMinidump`, told apart from a dump (a path or bytes). */
function isReport(value: unknown): value is MinidumpReport {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && 'modules' in value;
}

/**
 * A symbolicated report: frames get function, file, line and inlined calls from the local `symbols` roots
 * first, then from `symbolServers`, whose files are cached in `cache`.
 * - Given a minidump (a path, a `Buffer` or a `Uint8Array`), the stacks are walked again with the symbols'
 *   CFI, as precise as the symbols allow.
 * - Given a report that `parseMinidump` made without symbols (the dump may be gone), its frames keep the
 *   addresses they were found at and gain names.
 * Rejects with a `MinidumpError` like `parseMinidump`; a symbol that cannot be had leaves its frames unnamed
 * (the module's `symbolsLoaded` is `false`), it is not an error.
 */
export async function symbolicate(
  dumpOrReport: MinidumpInput | MinidumpReport,
  options: SymbolicateOptions = {},
): Promise<MinidumpReport> {
  // Inside the async function, a bad `cache` rejects like any other bad argument instead of throwing.
  const parseOptions = symbolicateParseOptions(options);
  return isReport(dumpOrReport)
    ? symbolicateReport(dumpOrReport, parseOptions)
    : parseMinidump(dumpOrReport, parseOptions);
}

/** `symbolicate` on the calling thread: for scripts and CLIs, never for an app's main thread. */
export function symbolicateSync(
  dumpOrReport: MinidumpInput | MinidumpReport,
  options: SymbolicateOptions = {},
): MinidumpReport {
  const parseOptions = symbolicateParseOptions(options);
  return isReport(dumpOrReport)
    ? symbolicateReportSync(dumpOrReport, parseOptions)
    : parseMinidumpSync(dumpOrReport, parseOptions);
}
