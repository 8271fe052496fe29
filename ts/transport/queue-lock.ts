import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';

export interface LockOptions {
  /** A lock older than this is taken over even when its pid looks alive (pid reuse). Default 30 s. */
  staleMs?: number;
  /** How long to keep trying before giving up (the caller then skips the guarded work). Default 2 s. */
  waitMs?: number;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A process that died but was not reaped yet still answers signal 0. The crash sender outlives main, so when it
 * dies its parent is init (or a container's stand-in for it), which may reap it late: its claims must not wait.
 */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Runs `fn` while holding a cross-process lock file holding `<pid> <ms> <token>`, created exclusively (a hard
 * link, which like O_CREAT|O_EXCL fails when the name exists). A lock whose process is gone, or that is older than `staleMs`, is taken over: it is
 * renamed aside first (only one process wins a rename) and its content checked, so two processes that both judge
 * it stale do not both proceed. Returns `undefined` without running `fn` when the lock stays busy past `waitMs`.
 *
 * The queue uses it for maintenance (eviction, returning abandoned claims); sending needs no lock, because an
 * entry is claimed by an atomic rename that only one process can win.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T | undefined> {
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 2_000);
  const token = randomBytes(8).toString('hex');
  const content = `${process.pid} ${Date.now()} ${token}`;
  for (;;) {
    // Written aside, then linked into place: link() fails if the name exists (O_EXCL semantics) and the lock
    // appears with its content, so a process killed mid-way never leaves an empty lock that nobody can judge.
    const aside = `${path}.${process.pid}.${token}.tmp`;
    await fs.writeFile(aside, content);
    try {
      await fs.link(aside, path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      await fs.unlink(aside).catch(() => undefined);
    }
    await takeOverIfStale(path, staleMs);
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    const now = await fs.readFile(path, 'utf8').catch(() => '');
    if (now === content) await fs.unlink(path).catch(() => undefined);
  }
}

async function takeOverIfStale(path: string, staleMs: number): Promise<void> {
  const seen = await fs.readFile(path, 'utf8').catch(() => undefined);
  if (seen === undefined) return;
  const [pid, since] = seen.split(' ').map(Number);
  const stale = !pidAlive(pid!) || Date.now() - (since ?? 0) > staleMs;
  if (!stale) return;
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const taken = await fs.readFile(aside, 'utf8').catch(() => undefined);
  if (taken !== seen) {
    // We moved a fresh lock that replaced the stale one between our read and our rename: put it back, unless a
    // third process already holds the name (then both are in; only maintenance work overlaps, which is safe).
    await fs.link(aside, path).catch(() => undefined);
  }
  await fs.unlink(aside).catch(() => undefined);
}
