import type { Frame, MinidumpReport, ModuleInfo } from '../native/types';

/** The last component of a path written on any OS (dumps from Windows use `\`). */
export const leafName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

/** What a reader needs to go and find a module's symbols: the store layout's first two components. */
export interface MissingSymbols {
  /** File name of the module's code file, as frames name it. */
  module: string;
  /** Leaf of the debug file (the store layout's first component); `null` when the dump has none. */
  debugFile: string | null;
  /** `null`: the module has no debug id, so no symbol store can serve it. */
  debugId: string | null;
}

/** Every walked frame of the report, the crashing thread's first. */
export const walkedFrames = (report: MinidumpReport): Frame[] => [
  ...(report.crashingThread?.frames ?? []),
  ...report.threads.flatMap((t) => t.frames ?? []),
];

/**
 * Modules that appear in walked frames (any thread) but had no `.sym`, in module order. A frame belongs to
 * the module whose address range holds its instruction: names alone are ambiguous when two loaded modules
 * share a file name.
 */
export function modulesWithoutSymbols(report: MinidumpReport): MissingSymbols[] {
  const addresses = walkedFrames(report)
    .filter((f) => f.module !== null)
    .map((f) => BigInt(f.instruction));
  const holds = (m: ModuleInfo, a: bigint) => {
    const base = BigInt(m.baseAddress);
    return a >= base && a < base + BigInt(m.size);
  };
  return report.modules
    .filter((m) => !m.symbolsLoaded && addresses.some((a) => holds(m, a)))
    .map((m) => ({ module: leafName(m.codeFile), debugFile: m.debugFile === null ? null : leafName(m.debugFile), debugId: m.debugId }));
}

/** The missing-symbols section of the text report; empty when no frame was walked. */
export function missingSymbolsText(report: MinidumpReport): string {
  if (walkedFrames(report).length === 0) return '';
  const missing = modulesWithoutSymbols(report);
  if (missing.length === 0) return 'Modules without symbols (in walked frames): none\n';
  const lines = missing.map((m) => `  ${m.module}  (${m.debugFile ?? '?'} ${m.debugId ?? 'no debug id'})`);
  return ['Modules without symbols (in walked frames):', ...lines].join('\n') + '\n';
}
