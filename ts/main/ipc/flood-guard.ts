/**
 * Per-renderer admission: a token bucket per sender, so a flooding (or hostile) renderer loses its own excess
 * messages while main stays responsive and every other renderer keeps reporting. Rejections are logged at most once
 * a second per sender, so the log cannot become the flood.
 */
import { LIMITS } from '../../common/ipc';

interface Bucket {
  tokens: number;
  last: number;
  rejected: number;
  loggedAt: number;
}

/** At most this many senders tracked; past that the least recently seen is forgotten (it starts with a full bucket). */
const MAX_SENDERS = 1024;

export class FloodGuard {
  private readonly buckets = new Map<string, Bucket>();

  public constructor(
    private readonly log: (message: string) => void,
    private readonly perSecond: number = LIMITS.messagesPerSecond,
  ) {}

  /** True when `sender` may send one more message now. */
  public admit(sender: string, now: number = Date.now()): boolean {
    let b = this.buckets.get(sender);
    if (b) this.buckets.delete(sender); // re-inserted below: the Map's order is recency
    else b = { tokens: this.perSecond * 2, last: now, rejected: 0, loggedAt: 0 };
    b.tokens = Math.min(this.perSecond * 2, b.tokens + ((now - b.last) / 1000) * this.perSecond);
    b.last = now;
    this.buckets.set(sender, b);
    if (this.buckets.size > MAX_SENDERS) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    b.rejected += 1;
    if (now - b.loggedAt >= 1000) {
      this.log(`renderer ${sender} is sending too fast: ${b.rejected} message(s) dropped`);
      b.loggedAt = now;
      b.rejected = 0;
    }
    return false;
  }
}
