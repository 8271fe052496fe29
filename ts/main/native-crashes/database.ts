/**
 * Crashpad's crash database, seen from outside: where finished dumps lie, and a watcher that notices new ones.
 * Crashpad writes a report into `new/` and moves it (an atomic rename) to `pending/`, and then, when the handler
 * has a URL and uploads are off, to `completed/` (Linux and macOS; without a URL it stays in `pending/`); on
 * Windows reports live in `reports/`. Each `<uuid>.dmp` has a `<uuid>.meta` beside it, a `<uuid>.lock` while the
 * handler works on it, and maybe `attachments/<uuid>/`. A file still in `new/` is never touched, nor one whose lock
 * is fresh; `settings.dat` (the client id, the uploads flag) is Crashpad's alone.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { FINISHED_DIRS } from '../../native/crashpad-database';

/** A lock older than this was left by a handler that died: the report is finished as far as we are concerned. */
export const STALE_LOCK_MS = 5 * 60_000;

export interface DumpFile {
  path: string;
  /** Crashpad's report id, lower case (the file name is; CrashpadInfo's copy is upper case): the key that
   * de-duplicates across watchers and app instances. */
  name: string;
  size: number;
  mtimeMs: number;
}

export interface ListOptions {
  /** Report ids not to look at (already seen): they cost no `stat`. */
  skip?: (name: string) => boolean;
  /** Awaited after every `chunk` files (default 8): a folder of hundreds of dumps is not read in one go. */
  pause?: () => Promise<void>;
  chunk?: number;
}

/** Every finished `.dmp` in the database, oldest first. Missing folders are not an error. */
export async function listDumps(database: string, options: ListOptions = {}): Promise<DumpFile[]> {
  const { skip, pause, chunk = 8 } = options;
  const out: DumpFile[] = [];
  let statted = 0;
  for (const dir of FINISHED_DIRS) {
    let names: string[];
    try {
      names = await readdir(path.join(database, dir));
    } catch {
      continue;
    }
    const present = new Set(names);
    for (const name of names) {
      const id = name.slice(0, -4);
      if (!name.endsWith('.dmp') || skip?.(id.toLowerCase())) continue;
      if (pause && statted > 0 && statted % chunk === 0) await pause();
      statted++;
      const file = path.join(database, dir, name);
      try {
        if (present.has(`${id}.lock`) && (await isFreshLock(path.join(database, dir, `${id}.lock`)))) continue;
        const s = await stat(file);
        if (s.isFile()) out.push({ path: file, name: id.toLowerCase(), size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // moved or deleted between readdir and stat: another scan will see it where it went
      }
    }
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

async function isFreshLock(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs < STALE_LOCK_MS;
  } catch {
    return false; // released meanwhile
  }
}

/**
 * Deletes a report as Crashpad's own database does: the dump first (its absence is what other app instances see;
 * ENOENT rejects, so a caller knows that someone else had it), then its `.meta` and its attachments folder.
 */
export async function deleteReport(database: string, dump: DumpFile): Promise<void> {
  await unlink(dump.path);
  const id = path.basename(dump.path, '.dmp');
  await rm(path.join(path.dirname(dump.path), `${id}.meta`), { force: true }).catch(() => undefined);
  await rm(path.join(database, 'attachments', id), { recursive: true, force: true }).catch(() => undefined);
}

/** Deletes a handled report; gone already is fine (another instance, or Crashpad's own clean-up). */
export function deleteHandledReport(database: string, dump: DumpFile): Promise<void> {
  return deleteReport(database, dump).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/**
 * Calls `onChange` (debounced) whenever something in the database changes, and also every `periodMs` as a safety
 * net: file watching misses events on some file systems, and a missed crash is the one thing we cannot afford.
 * Changes to files that `ignore` names (dumps already handled, whose deletion is the caller's own doing) are
 * not worth a scan. Returns a stop function.
 *
 * Each report folder is watched on its own, not the database recursively: on Linux, Node's recursive `fs.watch`
 * is JavaScript that re-reads a changed folder synchronously and watches every file in it, which blocked main's
 * JS thread for hundreds of milliseconds when a crash loop filled `completed/`. A plain folder watch is one
 * inotify (FSEvents, ReadDirectoryChangesW) handle, whatever the folder holds. The database itself is watched
 * too, to see report folders that Crashpad creates later.
 */
export function watchDatabase(
  database: string,
  onChange: () => void,
  options: { periodMs?: number; ignore?: (fileName: string) => boolean } = {},
): () => void {
  const { periodMs = 30_000, ignore } = options;
  let timer: NodeJS.Timeout | undefined;
  const watchers = new Map<string, FSWatcher>();
  const watchFolder = (dir: string): void => {
    if (watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { persistent: false }, poke);
      watcher.on('error', () => {
        watcher.close();
        if (watchers.get(dir) === watcher) watchers.delete(dir);
      });
      watchers.set(dir, watcher);
    } catch {
      // the folder does not exist yet: the next change of the database, or the periodic scan, retries
    }
  };
  const startWatchers = (): void => {
    watchFolder(database);
    for (const dir of FINISHED_DIRS) watchFolder(path.join(database, dir));
  };
  const stopWatchers = (): void => {
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
  // The first change closes the watches until the debounced scan: a crash loop writing hundreds of files would
  // otherwise call back into JS for every one of their events. The scan after reopening sees whatever came meanwhile.
  function poke(_event: string, fileName: string | Buffer | null): void {
    if (timer || (typeof fileName === 'string' && ignore?.(fileName))) return;
    stopWatchers();
    timer = setTimeout(() => {
      timer = undefined;
      startWatchers();
      onChange();
    }, 100);
    timer.unref?.();
  }
  startWatchers();
  const periodic = setInterval(() => {
    startWatchers();
    onChange();
  }, periodMs);
  periodic.unref?.();
  return () => {
    clearInterval(periodic);
    if (timer) clearTimeout(timer);
    stopWatchers();
  };
}
