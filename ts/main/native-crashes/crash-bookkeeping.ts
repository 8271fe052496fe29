/**
 * What follows a crash that was sent or safely queued: the session's count (for the cap), release health, the
 * ledger that keeps other app instances from reporting it again, and the deletion of the dump, in that order, so
 * that a dump is gone only once nothing more depends on it.
 */
import type { ElectronMainClient, NativeCrashOutcome } from '../client';
import { deleteHandledReport, type DumpFile } from './database';
import type { DumpLedger } from './ledger';
import { pause } from './pace';
import { markCrashed, type WhichSession } from './session-link';

export class CrashBookkeeping {
  private count = 0;

  public constructor(
    private readonly client: ElectronMainClient,
    private readonly ledger: DumpLedger,
    private readonly database: string,
  ) {}

  /** Native crashes reported this session (one dropped by the app's `beforeSend` does not count). */
  public get reported(): number {
    return this.count;
  }

  /** Records `dump` as handled and deletes it; `outcome` must not be `failed` (that dump stays for the next start). */
  public async settle(dump: DumpFile, outcome: NativeCrashOutcome, session: WhichSession): Promise<void> {
    await pause(); // after the queue write and the send
    if (outcome.outcome !== 'dropped-by-app') {
      this.count += 1;
      markCrashed(this.client, session);
      await pause(); // after the session update
    }
    await this.ledger.record(dump.name);
    await deleteHandledReport(this.database, dump);
    await pause(); // after the bookkeeping, before the next dump
  }
}
