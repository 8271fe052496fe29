import { setTimeout as sleep } from 'node:timers/promises';
import type { Deliverer } from './deliver';
import type { Claim, DurableQueue } from './queue';
import type { RateLimiter } from './rate-limits';

export interface ReplayOptions {
  /** Pause between two queued sends, so a recovered app does not hit abuse filters (default 100 ms, Sentry's advice). */
  gapMs?: number;
  /** First back-off after a failed replay (default 5 s), doubled each failure up to `maxBackoffMs` (1 h). */
  backoffMs?: number;
  maxBackoffMs?: number;
  log: (message: string, error?: unknown) => void;
  /** Called for an entry that cannot be read (damaged on disk): it is deleted and counted. */
  onCorrupt?: () => void;
  /**
   * The native `downgradeEnvelopeFile` (ts/envelope/native-envelope.ts): a crash entry refused as too large is rewritten
   * from disk to disk, its minidump stripped and then dropped, never read into the JS heap. Without it, such an
   * entry is read back whole and downgraded in JS.
   */
  downgradeFile?: (src: string, dst: string, mode: 'strip-minidump-memory' | 'drop-minidump') => Promise<{ attachments: number }>;
  /** Whether the downgrade may strip the minidump's memory before dropping it (default true). */
  canStrip?: boolean;
  /** Called when a crash entry loses its minidump (counted as a lost attachment). */
  onMinidumpDropped?: () => void;
  /** Awaited between claiming the first entry of a drain and sending it (later entries wait `gapMs` there). */
  pace?: () => Promise<void>;
}

/**
 * Sends the queue's entries, oldest first, one at a time: at start-up, when a fresh send succeeds again, and on a
 * back-off timer after failures. Entries whose categories are rate-limited stay queued, and the next attempt is
 * timed for the moment the first of them is free. Timers are unref'd: a queue never keeps the app alive.
 */
export class Replayer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private backoff: number;
  private closed = false;
  /** True from a failed delivery until the queue has been drained: fresh envelopes then queue behind the backlog. */
  backlogged = false;
  private recovered = -Infinity;

  constructor(
    private readonly queue: DurableQueue,
    private readonly deliverer: Deliverer,
    private readonly limiter: RateLimiter,
    private readonly options: ReplayOptions,
  ) {
    this.backoff = options.backoffMs ?? 5_000;
  }

  /** Drains now (or joins the drain under way). Never rejects. */
  drain(): Promise<void> {
    this.running ??= this.run()
      .catch((e) => this.options.log('queue replay failed', e))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** A failure was just seen: replay after the current back-off, then back off further. */
  failed(): void {
    // More envelopes failing while a retry is already timed add nothing: one back-off step per failed attempt.
    if (this.backlogged && this.timer) return;
    this.backlogged = true;
    this.schedule(this.backoff);
    this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 3_600_000);
  }

  schedule(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, Math.max(0, delayMs));
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * A crash entry refused as too large: each smaller form (stripped minidump, then none) is written natively from
   * the entry's file into a new entry, and only once that entry is published is the larger one removed (a process
   * dying in between leaves the crash queued). Resolves to the claim of the last form tried and its outcome, or
   * `undefined` when another process claimed the new entry first.
   */
  private async downgradeCrash(first: Claim): Promise<DowngradedClaim | undefined> {
    const downgrade = this.options.downgradeFile!;
    let held = first;
    const modes = [...(this.options.canStrip === false ? [] : (['strip-minidump-memory'] as const)), 'drop-minidump' as const];
    try {
      for (const mode of modes) {
        let info;
        try {
          info = await this.queue.pushFileThen(true, async (tmp) => {
            const done = await downgrade(held.path, tmp, mode);
            return done.attachments > 0 ? ['error', 'attachment'] : ['error'];
          });
        } catch (e) {
          if (mode === 'drop-minidump') throw e;
          this.options.log(`could not strip the minidump of ${held.info.name}: dropping it instead`, e);
          continue;
        }
        if (mode === 'drop-minidump') this.options.onMinidumpDropped?.();
        // The smaller form is durable: only now does the larger one go.
        await held.ack();
        const claim = await this.queue.claim((e) => e.name === info.name);
        if (!claim) return undefined;
        held = claim;
        const outcome = await this.deliverer.deliverFile(claim.path, claim.info.categories);
        if (outcome !== 'too-large') return { claim, outcome };
        this.options.log(`crash entry too large (${mode}): trying a smaller form`);
      }
      this.options.log('crash entry too large even without its minidump: dropped');
      return { claim: held, outcome: 'dropped' };
    } catch (e) {
      await held.release();
      throw e;
    }
  }

  private async run(): Promise<void> {
    // Returning dead processes' claims takes the queue's lock and three folder reads: at the first drain and then
    // at most once a minute, not at every retry of a back-off (each costs main's thread a dozen file operations).
    if (Date.now() - this.recovered >= RECOVER_EVERY_MS) {
      await this.queue.recover();
      this.recovered = Date.now();
    }
    let first = true;
    while (!this.closed) {
      let claim = await this.queue.claim((e) => !e.categories.some((c) => this.limiter.isLimited(c)));
      if (!claim) break;
      if (!first && this.options.gapMs !== 0) await sleep(this.options.gapMs ?? 100);
      // Claiming (and the upkeep before it) and sending are each a dozen file operations: paced apart.
      else if (first) await this.options.pace?.();
      first = false;
      // Crash entries (the big ones) are streamed from disk as they are; a 413 rewrites one natively, file to file
      // (`downgradeCrash`). Only without the native downgrade is it read back whole, for the JS path below.
      let outcome = claim.info.crash ? await this.deliverer.deliverFile(claim.path, claim.info.categories) : undefined;
      if (outcome === 'too-large' && this.options.downgradeFile) {
        const next = await this.downgradeCrash(claim);
        if (!next) continue; // the smaller form was claimed by another process: it sends it
        ({ claim, outcome } = next);
      }
      if (outcome === undefined || outcome === 'too-large') {
        let envelope;
        try {
          envelope = await claim.read();
        } catch (e) {
          this.options.log(`queue entry ${claim.info.name} is damaged: deleted`, e);
          this.options.onCorrupt?.();
          await claim.ack();
          continue;
        }
        outcome = await this.deliverer.deliver(envelope);
      }
      if (outcome === 'retry') {
        await claim.release();
        if (claim.info.categories.some((c) => this.limiter.isLimited(c))) continue; // waits for its deadline
        this.failed();
        return;
      }
      await claim.ack();
      this.backoff = this.options.backoffMs ?? 5_000;
    }
    const waiting = await this.queue.list();
    if (waiting.length === 0) {
      this.backlogged = false;
      return;
    }
    // Everything left is rate-limited: come back when the first of those limits ends.
    const next = Math.min(...waiting.map((e) => this.limiter.nextFree(e.categories)));
    this.schedule(Math.max(next - Date.now() + 10, this.options.gapMs ?? 100));
  }
}

/** How often a drain returns abandoned claims to the queue (`DurableQueue.recover`). */
const RECOVER_EVERY_MS = 60_000;

export interface DowngradedClaim {
  claim: Claim;
  outcome: 'sent' | 'dropped' | 'retry';
}
