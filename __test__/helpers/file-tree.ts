import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every file and folder below `dir` (relative path → size and modification time), leaving out the subtrees
 * in `except`: comparing two snapshots shows what a run created or changed.
 */
export function snapshotTree(dir: string, except: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (except.includes(p)) continue;
      const st = statSync(p);
      out.set(relative(dir, p), e.isDirectory() ? 'dir' : `${st.size}:${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** Files (not folders) below `dir`, as paths relative to it, sorted. */
export const filesBelow = (dir: string): string[] =>
  [...snapshotTree(dir)].filter(([, v]) => v !== 'dir').map(([k]) => k).sort();
