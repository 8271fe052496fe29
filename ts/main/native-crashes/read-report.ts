/** The report of a dump, read natively off the JS thread; a dump that cannot be read gives `undefined`, not a throw. */
import { debug } from '@sentry/core';
import { parseMinidump } from '../../native/parse';
import type { MinidumpReport } from '../../native/types';
import type { DumpFile } from './database';

/**
 * Parses `dump` with the app's symbol paths, walking every thread unless `threads` is `'crashed'`; the failure is
 * logged, and the crash is still reported (unreadable).
 */
export function readReport(dump: DumpFile, symbolPaths: string[] | undefined, threads: 'all' | 'crashed' = 'all'): Promise<MinidumpReport | undefined> {
  return parseMinidump(dump.path, { allThreads: threads !== 'crashed', ...(symbolPaths ? { symbols: symbolPaths } : {}) }).catch((e) => {
    debug.warn(`[NativeCrashes] ${dump.name}.dmp could not be parsed`, e);
    return undefined;
  });
}
