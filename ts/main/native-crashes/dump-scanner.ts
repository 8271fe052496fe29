/**
 * Which dumps to handle, and when: a scan of Crashpad's database finds the finished dumps not seen yet and queues
 * them, one at a time with a pause before each, so that a crash loop's hundreds of dumps never crowd main's JS
 * thread. Scans come from the start-up, the database watcher and Electron's gone-events; they never overlap.
 */
import { debug } from '@sentry/core';
import { listDumps, watchDatabase, type DumpFile } from './database';
import { DUMP_PAUSE_MS, pause } from './pace';

/** After a process went away, Crashpad may still be writing its dump: look again at these delays. */
const GONE_RESCAN_MS = [250, 1000, 3000, 8000];

export class DumpScanner {
  private readonly seen = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private scanning: Promise<void> | undefined;
  private rescan = false;

  public constructor(
    private readonly database: string,
    private readonly handle: (dump: DumpFile) => Promise<void>,
  ) {}

  /** Settles once every dump queued so far has been handled. */
  public idle(): Promise<void> {
    return this.chain;
  }

  /** Lets a later scan queue `name` again (a dump that was not complete yet). */
  public forget(name: string): void {
    this.seen.delete(name);
  }

  /** Scans whenever the database changes; changes to dumps already queued (our own deletions) are not worth one. */
  public watch(): void {
    watchDatabase(this.database, () => this.scan(), { ignore: (file) => file.endsWith('.dmp') && this.seen.has(file.slice(0, -4)) });
  }

  /** A few scans over the next seconds, for a process that just went away. */
  public scanBurst(): void {
    for (const ms of GONE_RESCAN_MS) setTimeout(() => this.scan(), ms).unref?.();
  }

  /**
   * Queues every finished dump not seen yet. Never rejects. One scan at a time: a scan asked for meanwhile (the
   * watcher, a gone-event) runs once after it, not beside it.
   */
  public scan(): Promise<void> {
    if (this.scanning) {
      this.rescan = true;
      return this.scanning;
    }
    this.scanning = this.scanOnce().finally(() => {
      this.scanning = undefined;
      if (this.rescan) {
        this.rescan = false;
        void this.scan();
      }
    });
    return this.scanning;
  }

  private scanOnce(): Promise<void> {
    return listDumps(this.database, { skip: (name) => this.seen.has(name), pause: () => pause(DUMP_PAUSE_MS) })
      .then((dumps) => {
        for (const dump of dumps) {
          if (this.seen.has(dump.name)) continue;
          this.seen.add(dump.name);
          this.chain = this.chain
            .then(() => pause(DUMP_PAUSE_MS))
            .then(() => this.handle(dump))
            .catch((e) => debug.warn('[NativeCrashes] a dump could not be handled', e));
        }
      })
      .catch((e) => debug.warn('[NativeCrashes] scanning the crash database failed', e));
  }
}
