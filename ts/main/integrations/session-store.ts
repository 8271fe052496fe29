/**
 * The file that lets the next start know how this run ended: `<userData>/sentry/session.json`, holding the running
 * session (and a previous run's session until it is sent). A process that dies in native code or is killed cannot
 * report its own session; what it left here can, one start later. Small, rewritten whole and atomically.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { debug, type Session, type SessionStatus } from '@sentry/core';
import { writeFileAtomic } from './shared';

/** A session as the file keeps it: enough to send it again, nothing more. Times in seconds, as @sentry/core keeps them. */
export interface StoredSession {
  sid: string;
  started: number;
  /** When this run was last known alive: the end of an abnormal session. */
  timestamp: number;
  status: SessionStatus;
  errors: number;
  release: string;
  environment?: string;
  did?: string;
  /** The process that ran it: a second instance of the app must not take a live first instance for a dead one. */
  pid: number;
  /** `exited` written by `process.on('exit')` (e.g. `app.exit()`): ended properly but never sent. */
  unsent?: boolean;
}

interface StoreFile {
  v: 1;
  current?: StoredSession;
  /** The run before this one, while it waits to be sent (kept so a quick death does not lose it). */
  previous?: StoredSession;
}

export class SessionStore {
  private timer: NodeJS.Timeout | undefined;
  private pending: StoreFile | undefined;

  public constructor(private readonly file: string) {}

  /** What the last run left, or nothing when the file is missing or unreadable (a bad file is no reason to fail). */
  public read(): StoreFile {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return { v: 1 };
    }
    const f = raw as Partial<StoreFile>;
    if (typeof raw !== 'object' || raw === null || f.v !== 1) return { v: 1 };
    return { v: 1, current: valid(f.current), previous: valid(f.previous) };
  }

  /** Writes now: a status change must be on disk before the process has a chance to die. */
  public writeNow(content: StoreFile): void {
    this.cancel();
    try {
      writeFileAtomic(this.file, JSON.stringify(content));
    } catch (e) {
      debug.warn('[MainProcessSession] could not persist the session', e);
    }
  }

  /** Writes within `delayMs`, once for any number of calls: a burst of errors costs one write. */
  public writeSoon(content: StoreFile, delayMs = 1000): void {
    this.pending = content;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const c = this.pending;
      this.pending = undefined;
      if (c) this.writeNow(c);
    }, delayMs);
    this.timer.unref?.();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}

/** A live session as stored; the timestamp is now, so the file says "alive until at least now". */
export function toStored(session: Session, extra: { unsent?: boolean } = {}): StoredSession {
  return {
    sid: session.sid,
    started: session.started,
    timestamp: Date.now() / 1000,
    status: session.status,
    errors: session.errors,
    release: session.release ?? '',
    ...(session.environment ? { environment: session.environment } : {}),
    ...(session.did !== undefined ? { did: String(session.did) } : {}),
    pid: process.pid,
    ...(extra.unsent ? { unsent: true } : {}),
  };
}

/**
 * Whether a stored session belongs to an instance of the app that is still running (a second instance started
 * while the first runs). A pid from before the last boot is dead whatever holds that number now.
 */
export function ownerIsAlive(s: StoredSession): boolean {
  if (s.pid === process.pid) return false;
  const bootSeconds = Date.now() / 1000 - os.uptime();
  if (s.started < bootSeconds) return false;
  try {
    process.kill(s.pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid exists but belongs to someone else: alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const STATUSES = new Set<SessionStatus>(['ok', 'exited', 'crashed', 'abnormal', 'unhandled']);

function valid(s: unknown): StoredSession | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const x = s as StoredSession;
  const ok =
    typeof x.sid === 'string' &&
    /^[0-9a-f]{32}$/.test(x.sid) &&
    typeof x.started === 'number' &&
    typeof x.timestamp === 'number' &&
    STATUSES.has(x.status) &&
    typeof x.errors === 'number' &&
    typeof x.release === 'string' &&
    x.release !== '' &&
    typeof x.pid === 'number';
  return ok ? x : undefined;
}
