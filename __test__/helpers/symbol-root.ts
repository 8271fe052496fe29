import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempSymbolRoot {
  root: string;
  cleanup(): void;
}

/**
 * A private symbol root in os.tmpdir(): the directory tree of `source` mirrored with real directories and
 * one symlink a file (so the shared corpus is never written to), plus `files` written as real files at
 * their relative paths (replacing any mirrored link). Call `cleanup()` when done.
 */
export function tempSymbolRoot(source: string | null, files: Record<string, string | Buffer> = {}): TempSymbolRoot {
  const root = mkdtempSync(join(tmpdir(), 'sen-symbols-'));
  const mirror = (from: string, to: string): void => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isDirectory()) {
        mkdirSync(dst);
        mirror(src, dst);
      } else {
        symlinkSync(src, dst);
      }
    }
  };
  if (source) mirror(source, root);
  for (const [rel, content] of Object.entries(files)) {
    const dst = join(root, rel);
    mkdirSync(dirname(dst), { recursive: true });
    rmSync(dst, { force: true });
    writeFileSync(dst, content);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
