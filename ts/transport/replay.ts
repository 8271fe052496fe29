import type { Deliverer } from './deliver';
import type { DurableQueue } from './queue';
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

  private async run(): Promise<void> {
    await this.queue.recover();
    let first = true;
    while (!this.closed) {
      const claim = await this.queue.claim((e) => !e.categories.some((c) => this.limiter.isLimited(c)));
      if (!claim) break;
      if (!first && this.options.gapMs !== 0) await sleep(this.options.gapMs ?? 100);
      first = false;
      // Crash entries (the big ones) are streamed from disk as they are; only a 413 makes one read back whole, for
      // the JS downgrade path below (an entry written by `sendCrash` in a process that has since exited).
      let outcome = claim.info.crash ? await this.deliverer.deliverFile(claim.path, claim.info.categories) : undefined;
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

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
