/**
 * Exactly-once across processes. Two instances of one app share `userData`, and so Crashpad's database: each dump
 * is claimed with an exclusive-create file before it is handled (a claim whose owner died is taken over), and the
 * report ids already handled are kept in a small ledger, so a dump whose deletion failed is never reported twice.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** A claim older than this is presumed abandoned even if a process with its pid exists (pids are reused). */
const STALE_CLAIM_MS = 10 * 60 * 1000;
/** Report ids remembered: far more than any crash loop the per-session cap lets through. */
const LEDGER_SIZE = 1000;

export class DumpLedger {
  private readonly claims: string;
  private readonly ledgerFile: string;

  public constructor(dir: string) {
    this.claims = path.join(dir, 'claims');
    this.ledgerFile = path.join(dir, 'native-reported.json');
  }

  /** True when this process now owns `reportId`; false when another live process does. */
  public async claim(reportId: string): Promise<boolean> {
    const file = path.join(this.claims, safeName(reportId));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(file, JSON.stringify({ pid: process.pid, at: Date.now() }), { flag: 'wx' });
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // The claims folder is made when first missing, not before every claim (a crash loop claims hundreds).
        if (code === 'ENOENT') {
          await fs.mkdir(this.claims, { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw e;
        if (!(await isStale(file))) return false;
        await fs.rm(file, { force: true });
      }
    }
    return false;
  }

  public async release(reportId: string): Promise<void> {
    await fs.unlink(path.join(this.claims, safeName(reportId))).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  public async handled(reportId: string): Promise<boolean> {
    return (await this.read()).includes(reportId);
  }

  /** Records `reportId` as handled (sent, queued, or dropped by the app; discarded but not deletable). Call while holding its claim. */
  public async record(reportId: string): Promise<void> {
    const ids = (await this.read()).filter((id) => id !== reportId);
    ids.push(reportId);
    const tmp = `${this.ledgerFile}.${process.pid}.tmp`;
    await fs.mkdir(path.dirname(this.ledgerFile), { recursive: true });
    await fs.writeFile(tmp, JSON.stringify(ids.slice(-LEDGER_SIZE)));
    await fs.rename(tmp, this.ledgerFile);
  }

  private async read(): Promise<string[]> {
    try {
      const ids: unknown = JSON.parse(await fs.readFile(this.ledgerFile, 'utf8'));
      return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }
}

async function isStale(file: string): Promise<boolean> {
  try {
    const { pid, at } = JSON.parse(await fs.readFile(file, 'utf8')) as { pid: number; at: number };
    if (Date.now() - at > STALE_CLAIM_MS) return true;
    if (pid === process.pid) return false;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // ESRCH: the owner is gone; unreadable: a claim torn by a crash mid-write. Both are abandoned.
    return (e as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Report ids are UUIDs; anything else is hex-escaped so it can never name a path outside the claims folder. */
function safeName(id: string): string {
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : Buffer.from(id).toString('hex').slice(0, 128);
}
