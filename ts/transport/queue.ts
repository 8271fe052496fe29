import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Envelope } from '@sentry/core';
import { pidAlive, withLock } from './queue-lock';
import { entryName, entryNameFor, parseEntryName, readEntry, writeEntryJs, type EntryInfo, type EntryWriter } from './queue-entry';

export interface QueueOptions {
  /** The queue's folder, e.g. `<app.getPath('userData')>/sentry/queue`. Created when missing. */
  dir: string;
  /** Total bytes of gzipped entries kept (default 64 MiB). */
  maxBytes?: number;
  /** Entries older than this are dropped (default 30 days). */
  maxAgeMs?: number;
  /** How entries are written (default: gzip in JS; the native writer when the addon has one). */
  writer?: EntryWriter;
  /** A claim older than this is returned to the queue even if its pid looks alive (default 10 min). */
  claimStaleMs?: number;
  /** Called for each entry removed by the caps, after it is gone. */
  onDrop?: (entry: EntryInfo, why: 'full' | 'expired') => void;
  /** Awaited between publishing an entry and enforcing the caps (see the transport's `pace`). */
  pace?: () => Promise<void>;
  now?: () => number;
}

/** An entry taken out of the queue by this process; nobody else can claim it until it is acked or released. */
export interface Claim {
  info: EntryInfo;
  /** Where the claimed file is while claimed (for streaming it as a request body). */
  path: string;
  read(): Promise<Envelope>;
  /** Delivered (or given up): the entry is deleted. */
  ack(): Promise<void>;
  /** Not delivered: the entry goes back under its own name, so it keeps its place in the order. */
  release(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * A durable queue of envelopes in a folder shared by every process of the app:
 *
 * - `entries/`: one gzipped envelope per file, named so that sorting names orders them by time then sequence;
 * - `tmp/`: entries being written (file written, fsynced, then renamed into `entries/`, so an entry is either
 *   absent or whole, whatever kills the process);
 * - `sending/`: entries claimed by a process (`<entry>~<pid>~<ms>`), by an atomic rename that only one process
 *   can win, so two processes never send the same entry; deleted after delivery, renamed back otherwise. Claims
 *   of processes that died are returned at start-up and before each drain.
 */
export class DurableQueue {
  readonly dir: string;
  private readonly entries: string;
  private readonly tmp: string;
  private readonly sending: string;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly writer: EntryWriter;
  private readonly claimStaleMs: number;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;

  constructor(private readonly options: QueueOptions) {
    this.dir = options.dir;
    this.entries = path.join(options.dir, 'entries');
    this.tmp = path.join(options.dir, 'tmp');
    this.sending = path.join(options.dir, 'sending');
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 30 * DAY;
    this.writer = options.writer ?? writeEntryJs;
    this.claimStaleMs = options.claimStaleMs ?? 10 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  private init(): Promise<void> {
    this.ready ??= Promise.all(
      [this.entries, this.tmp, this.sending].map((d) => fs.mkdir(d, { recursive: true })),
    ).then(() => undefined);
    return this.ready;
  }

  /** Stores an envelope durably; resolves once it is a complete entry. Rejects on I/O errors (ENOSPC…). */
  push(envelope: Envelope): Promise<EntryInfo> {
    return this.pushWritten(entryName(envelope, this.now()), (tmp) => this.writer(envelope, tmp));
  }

  /**
   * Stores an entry that `write` puts (gzipped, fsynced) at the temporary path it is given, e.g. the native
   * `writeEnvelope` streaming a minidump from disk: the queue's naming, atomic publication and caps all apply.
   */
  pushFile(crash: boolean, categories: string[], write: (tmpPath: string) => Promise<unknown>): Promise<EntryInfo> {
    return this.pushWritten(entryNameFor(crash, categories, this.now()), write);
  }

  /**
   * `pushFile` for an entry whose categories are known only once it is written (a downgraded crash: are there
   * attachments left?): `write` resolves to them, and the entry is published under the name they give.
   */
  pushFileThen(crash: boolean, write: (tmpPath: string) => Promise<string[]>): Promise<EntryInfo> {
    let categories: string[] = [];
    const provisional = entryNameFor(crash, [], this.now());
    return this.pushWritten(provisional, async (tmp) => {
      categories = await write(tmp);
    }, () => ({ ...provisional, name: provisional.name.replace(/\.\.env\.gz$/, `.${categories.join('+')}.env.gz`), categories }));
  }

  /** The entry path of an entry, while it waits unclaimed. */
  entryPath(info: EntryInfo): string {
    return path.join(this.entries, info.name);
  }

  private async pushWritten(
    provisional: EntryInfo,
    write: (tmpPath: string) => Promise<unknown>,
    final: () => EntryInfo = () => provisional,
  ): Promise<EntryInfo> {
    await this.init();
    const tmp = path.join(this.tmp, `${provisional.name}~${process.pid}.tmp`);
    let info = provisional;
    try {
      await write(tmp);
      info = final();
      await fs.rename(tmp, path.join(this.entries, info.name));
    } catch (e) {
      await fs.unlink(tmp).catch(() => undefined);
      throw e;
    }
    await this.syncDir(this.entries);
    // The entry is safe from here on; a failed eviction (a full disk, a busy lock) is retried at the next push.
    await this.options.pace?.();
    await this.enforceCaps().catch(() => undefined);
    return info;
  }

  /** The entries waiting, oldest first. */
  async list(): Promise<EntryInfo[]> {
    await this.init();
    const names = await fs.readdir(this.entries);
    return names
      .sort()
      .map(parseEntryName)
      .filter((e): e is EntryInfo => e !== undefined);
  }

  /** Claims the oldest entry that `accept` allows; `undefined` when there is none. */
  async claim(accept: (info: EntryInfo) => boolean = () => true): Promise<Claim | undefined> {
    for (const info of await this.list()) {
      if (!accept(info)) continue;
      const from = path.join(this.entries, info.name);
      const to = path.join(this.sending, `${info.name}~${process.pid}~${this.now()}`);
      try {
        await fs.rename(from, to);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process won it
        throw e;
      }
      return {
        info,
        path: to,
        read: () => readEntry(to),
        ack: () => fs.unlink(to).catch(() => undefined),
        release: () => fs.rename(to, from).catch(() => undefined),
      };
    }
    return undefined;
  }

  /**
   * Returns claims of dead processes (or too old) to `entries/` and removes temporary files they left. Under the
   * folder's lock, so two processes starting together do not both move the same claim.
   */
  async recover(): Promise<void> {
    await this.init();
    await withLock(path.join(this.dir, 'queue.lock'), async () => {
      for (const name of await fs.readdir(this.sending)) {
        const [entry, pid, since] = name.split('~');
        if (!entry || !parseEntryName(entry)) continue;
        const abandoned = !pidAlive(Number(pid)) || this.now() - Number(since) > this.claimStaleMs;
        if (abandoned && Number(pid) !== process.pid) {
          await fs.rename(path.join(this.sending, name), path.join(this.entries, entry)).catch(() => undefined);
        }
      }
      for (const name of await fs.readdir(this.dir)) {
        // Lock files written aside by a process that died before linking them (see queue-lock.ts).
        const pid = Number(/^queue\.lock\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
        if (pid && !pidAlive(pid)) await fs.unlink(path.join(this.dir, name)).catch(() => undefined);
      }
      for (const name of await fs.readdir(this.tmp)) {
        const file = path.join(this.tmp, name);
        // `<entry>~<pid>.tmp`, or the native writer's `.<entry>~<pid>.tmp.<pid>.<n>.tmp` beside it.
        const pid = Number(/~(\d+)\.tmp/.exec(name)?.[1]);
        const orphan = pid ? pid !== process.pid && !pidAlive(pid) : await olderThan(file, this.now() - 3_600_000);
        if (orphan) await fs.unlink(file).catch(() => undefined);
      }
    });
  }

  /**
   * Drops expired entries, then, while over `maxBytes`, the oldest entries that are not crashes, and only when
   * none is left the oldest crashes: a crash is never dropped to make room for a lesser envelope.
   */
  async enforceCaps(): Promise<void> {
    await withLock(path.join(this.dir, 'queue.lock'), async () => {
      const now = this.now();
      const live: Array<EntryInfo & { size: number }> = [];
      for (const info of await this.list()) {
        const st = await fs.stat(path.join(this.entries, info.name)).catch(() => undefined);
        if (!st) continue;
        if (now - info.time > this.maxAgeMs) await this.drop(info, 'expired');
        else live.push({ ...info, size: st.size });
      }
      let total = live.reduce((n, e) => n + e.size, 0);
      const victims = [...live.filter((e) => !e.crash), ...live.filter((e) => e.crash)];
      for (const victim of victims) {
        if (total <= this.maxBytes) break;
        if (await this.drop(victim, 'full')) total -= victim.size;
      }
    });
  }

  private async drop(info: EntryInfo, why: 'full' | 'expired'): Promise<boolean> {
    try {
      await fs.unlink(path.join(this.entries, info.name));
    } catch {
      return false; // claimed or dropped by another process meanwhile: not ours to count
    }
    this.options.onDrop?.(info, why);
    return true;
  }

  /** Makes the rename that published an entry durable too (best effort: not every platform can fsync a folder). */
  private async syncDir(dir: string): Promise<void> {
    const fh = await fs.open(dir, 'r').catch(() => undefined);
    if (!fh) return;
    await fh.sync().catch(() => undefined);
    await fh.close().catch(() => undefined);
  }
}

async function olderThan(file: string, time: number): Promise<boolean> {
  const st = await fs.stat(file).catch(() => undefined);
  return st !== undefined && st.mtimeMs < time;
}
