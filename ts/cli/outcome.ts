import type { MinidumpError } from '../native/errors';
import type { MinidumpReport } from '../native/types';

/** What became of one dump in a `symbolicate` run; the formats render lists of these. */
export interface DumpOutcome {
  /** The dump's path, as given or as found in a given directory. */
  dump: string;
  /** The symbolicated report (text, markdown and github formats). */
  report?: MinidumpReport;
  /** minidump-stackwalk JSON, as the addon wrote it (json format). */
  json?: string;
  /** Why the dump could not be read; then neither `report` nor `json` is set. */
  error?: MinidumpError;
  /** The dump holds an exception (a crash), not a snapshot of a running process. */
  crashed: boolean;
}

/** Where it crashed, in a few words: the innermost function (an inlined call's first), else module + offset. */
export function crashSite(report: MinidumpReport): string | null {
  const top = report.crashingThread?.frames[0];
  if (!top) return null;
  const fn = top.inlines[0]?.function ?? top.function;
  if (fn) return fn;
  return top.module ? `${top.module} + ${top.moduleOffset}` : top.instruction;
}

/** `3 minidumps: 2 crashed, 1 without a crash, 0 unreadable` */
export function tally(outcomes: DumpOutcome[]): string {
  const unreadable = outcomes.filter((o) => o.error).length;
  const crashed = outcomes.filter((o) => o.crashed).length;
  const n = outcomes.length;
  return `${n} minidump${n === 1 ? '' : 's'}: ${crashed} crashed, ${n - crashed - unreadable} without a crash, ${unreadable} unreadable`;
}
