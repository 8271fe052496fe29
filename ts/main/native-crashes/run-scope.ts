/**
 * The scope of this app run, kept on disk so that a dump found at the next start (the main process cannot report
 * its own death) is reported with the release, environment, user, tags and breadcrumbs of the run that crashed,
 * not of the run that found it. Written atomically and debounced; read once at start, before it is overwritten.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { getCombinedScopeData, getCurrentScope, getIsolationScope, Scope, type Breadcrumb, type Client } from '@sentry/core';

/** Breadcrumbs kept on disk: the run's last moments, not its history. */
const PERSISTED_BREADCRUMBS = 50;
const WRITE_DEBOUNCE_MS = 1000;
/** With the crash sender: main's crash is reported from the file at once, so it must hold the last moments. */
export const SENDER_WRITE_DEBOUNCE_MS = 200;

export interface RunScope {
  /** When the run started (ms since the epoch): a dump older than this is not from that run. */
  startedAt: number;
  release?: string;
  environment?: string;
  dist?: string;
  tags: Record<string, unknown>;
  extra: Record<string, unknown>;
  contexts: Record<string, unknown>;
  user: Record<string, unknown>;
  fingerprint: string[];
  breadcrumbs: Breadcrumb[];
}

export class RunScopeStore {
  private readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  public constructor(
    dir: string,
    private readonly client: Client,
    private readonly startedAt: number,
    /** Changes within this window are written once; shorter when the crash sender reads the file (sender.ts). */
    private readonly debounceMs: number = WRITE_DEBOUNCE_MS,
  ) {
    this.file = path.join(dir, 'run-scope.json');
  }

  /** The previous run's scope, if it left one. Call before the first `schedule()`. */
  public async readPrevious(): Promise<RunScope | undefined> {
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as RunScope;
      return typeof raw.startedAt === 'number' ? raw : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes this run's scope soon (changes within the debounce window are written once). */
  public schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write()).catch(() => undefined);
    }, this.debounceMs);
    this.timer.unref?.();
  }

  /** Writes now (start-up and shutdown). */
  public flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer), (this.timer = undefined);
    this.writing = this.writing.then(() => this.write()).catch(() => undefined);
    return this.writing;
  }

  private async write(): Promise<void> {
    const data = getCombinedScopeData(getIsolationScope(), getCurrentScope());
    const options = this.client.getOptions();
    const snapshot: RunScope = {
      startedAt: this.startedAt,
      ...(options.release ? { release: options.release } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.dist ? { dist: options.dist } : {}),
      tags: data.tags,
      extra: data.extra,
      contexts: data.contexts as Record<string, unknown>,
      user: data.user as Record<string, unknown>,
      fingerprint: data.fingerprint,
      breadcrumbs: data.breadcrumbs.slice(-PERSISTED_BREADCRUMBS),
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.writeFile(tmp, JSON.stringify(snapshot));
    await fs.rename(tmp, this.file);
  }
}

/** A scope holding what a previous run persisted (release and environment go on the event itself). */
export function scopeFromRun(run: RunScope): Scope {
  const scope = new Scope();
  scope.setTags(run.tags as Record<string, string>);
  scope.setExtras(run.extra);
  for (const [k, v] of Object.entries(run.contexts)) scope.setContext(k, v as Record<string, unknown>);
  if (Object.keys(run.user).length) scope.setUser(run.user);
  if (run.fingerprint.length) scope.setFingerprint(run.fingerprint);
  for (const b of run.breadcrumbs) scope.addBreadcrumb(b, PERSISTED_BREADCRUMBS);
  return scope;
}
