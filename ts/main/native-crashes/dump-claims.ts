/**
 * Whether this process reports a dump, and under which claim: a dump too old or over the session's cap is
 * deleted unread, one not complete yet is looked at again later, and one that another instance of the app owns or
 * has already reported is left to it. Exactly-once across instances rests on the ledger's claims.
 */
import { promises as fs } from 'node:fs';
import { debug } from '@sentry/core';
import { checkMinidump } from '../../native/complete';
import type { ElectronMainClient } from '../client';
import { DEFAULTS, type ElectronClientOptions } from '../options';
import { deleteHandledReport, deleteReport, type DumpFile } from './database';
import type { DumpLedger } from './ledger';
import { pause } from './pace';

/** A dump that fails the structural check is re-checked this many times (a copy may still be arriving) before it is reported as unreadable. */
const INCOMPLETE_RETRIES = 5;
const RETRY_DELAY_MS = 2000;

export interface DumpClaimsContext {
  client: ElectronMainClient;
  options: ElectronClientOptions;
  database: string;
  ledger: DumpLedger;
  /** Native crashes reported this session, for the cap. */
  reported: () => number;
  /** Lets the next scan queue `name` again. */
  forget: (name: string) => void;
  scan: () => void;
}

export class DumpClaims {
  private readonly attempts = new Map<string, number>();

  public constructor(private readonly ctx: DumpClaimsContext) {}

  /** Hands `dump` to `report` under this process's claim, when it is this process's to report. */
  public async handle(dump: DumpFile, report: (dump: DumpFile) => Promise<void>): Promise<void> {
    const { options, ledger } = this.ctx;
    if (Date.now() - dump.mtimeMs > (options.maxDumpAgeMs ?? DEFAULTS.maxDumpAgeMs)) {
      return void (await this.discard(dump, 'older than maxDumpAgeMs'));
    }
    // Over the cap nothing about the dump matters: it is deleted unread (a crash loop's hundreds of dumps cost
    // no structural check, no parse and no ledger entry each).
    const cap = options.maxNativeCrashesPerSession ?? DEFAULTS.maxNativeCrashesPerSession;
    if (this.ctx.reported() >= cap) {
      if (await this.discard(dump, `over the cap of ${cap} native crashes this session`)) this.ctx.client.recordDroppedEvent('ratelimit_backoff', 'error');
      return;
    }
    const check = await checkMinidump(dump.path).catch(() => undefined);
    if (!check) return; // gone meanwhile (another instance, or Crashpad's own cleanup)
    if (!check.complete) {
      const n = (this.attempts.get(dump.name) ?? 0) + 1;
      this.attempts.set(dump.name, n);
      if (n < INCOMPLETE_RETRIES) {
        this.ctx.forget(dump.name);
        setTimeout(() => this.ctx.scan(), RETRY_DELAY_MS).unref?.();
        return;
      }
      debug.warn(`[NativeCrashes] ${dump.name}.dmp stays incomplete (${check.reason}): reported as unreadable, with the file`);
    }
    await pause(); // after the structural check
    if (!(await ledger.claim(dump.name))) return; // another instance of the app has it
    try {
      if (await ledger.handled(dump.name)) return void (await deleteHandledReport(this.ctx.database, dump));
      // Discarded by another instance between our check and our claim (discards leave no ledger entry).
      if (!(await exists(dump.path))) return;
      await report(dump);
    } finally {
      await ledger.release(dump.name).catch(() => undefined);
    }
  }

  /**
   * Deletes a dump that will not be reported, under its claim. Only a dump that cannot be deleted goes into the
   * ledger (so that no instance reports it later); one deleted is gone for every instance. Resolves to whether this
   * call deleted it.
   */
  private async discard(dump: DumpFile, why: string): Promise<boolean> {
    const { ledger } = this.ctx;
    if (!(await ledger.claim(dump.name))) return false;
    try {
      await deleteReport(this.ctx.database, dump);
      debug.log(`[NativeCrashes] ${dump.name}.dmp discarded: ${why}`);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // handled by another instance meanwhile
      debug.warn(`[NativeCrashes] ${dump.name}.dmp could not be deleted (${why}): remembered as handled`, e);
      await ledger.record(dump.name);
      return false;
    } finally {
      await ledger.release(dump.name).catch(() => undefined);
    }
  }
}

const exists = (file: string): Promise<boolean> => fs.access(file).then(() => true, () => false);
