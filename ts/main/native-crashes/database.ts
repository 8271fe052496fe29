/**
 * Crashpad's crash database, seen from outside: where finished dumps lie, and a watcher that notices new ones.
 * Crashpad writes a report into `new/` and moves it (an atomic rename) to `pending/` and then, with uploads off,
 * `completed/` on Linux and macOS; on Windows reports live in `reports/`. A file still in `new/` is never touched.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Folders that hold finished reports (any OS: the ones that do not exist are simply empty). */
export const FINISHED_DIRS = ['completed', 'pending', 'reports'] as const;

export interface DumpFile {
  path: string;
  /** Crashpad's report id is the file name (a UUID): the key that de-duplicates across watchers and app instances. */
  name: string;
  size: number;
  mtimeMs: number;
}

/** Every finished `.dmp` in the database, oldest first. Missing folders are not an error. */
export async function listDumps(database: string): Promise<DumpFile[]> {
  const out: DumpFile[] = [];
  for (const dir of FINISHED_DIRS) {
    let names: string[];
    try {
      names = await readdir(path.join(database, dir));
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith('.dmp')) continue;
      const file = path.join(database, dir, name);
      try {
        const s = await stat(file);
        if (s.isFile()) out.push({ path: file, name: name.slice(0, -4), size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // moved or deleted between readdir and stat: another scan will see it where it went
      }
    }
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

/**
 * Calls `onChange` (debounced) whenever something in the database changes, and also every `periodMs` as a safety
 * net: file watching misses events on some file systems, and a missed crash is the one thing we cannot afford.
 * Returns a stop function.
 */
export function watchDatabase(database: string, onChange: () => void, periodMs = 30_000): () => void {
  let timer: NodeJS.Timeout | undefined;
  const poke = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, 100);
    timer.unref?.();
  };
  let watcher: FSWatcher | undefined;
  const startWatcher = (): void => {
    if (watcher) return;
    try {
      // Recursive: the report folders may not exist until Crashpad's first report.
      watcher = watch(database, { recursive: true, persistent: false }, poke);
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined; // the database does not exist yet: the periodic scan retries
    }
  };
  startWatcher();
  const periodic = setInterval(() => {
    startWatcher();
    onChange();
  }, periodMs);
  periodic.unref?.();
  return () => {
    clearInterval(periodic);
    if (timer) clearTimeout(timer);
    watcher?.close();
  };
}
