/**
 * The folders of Crashpad's crash database that hold finished reports, shared by the SDK's watcher
 * (ts/main/native-crashes/database.ts) and the CLI (ts/cli/symbolicate.ts), which may import only ts/native/.
 * Crashpad writes a report into `new/` and renames it into `pending/`, then (Linux and macOS, a URL and uploads
 * off) into `completed/`; on Windows reports live in `reports/`. A folder that does not exist is simply empty.
 */
export const FINISHED_DIRS = ['completed', 'pending', 'reports'] as const;

/** Where Crashpad writes a report: a file there is still being written. */
export const UNFINISHED_DIR = 'new';
