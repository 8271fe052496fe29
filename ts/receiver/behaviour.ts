/**
 * The receiver's switchable misbehaviour: what a transport must survive from a real Sentry (rate limits, size
 * limits, outages, a slow network, a connection cut mid-upload), one switch, for the next N requests or until
 * changed.
 */

/** How the receiver answers the next requests. */
export type Behaviour =
  | { kind: 'accept' }
  /** 429 with `Retry-After: retryAfter` (default 60) and `X-Sentry-Rate-Limits: rateLimits` when given. */
  | { kind: '429'; retryAfter?: number; rateLimits?: string }
  /** 413 Payload Too Large, as for an envelope over Sentry's size limits. */
  | { kind: '413' }
  /** 500, as for an ingestion outage. */
  | { kind: '500' }
  /** Waits `ms` after the whole body has arrived, then accepts as usual. */
  | { kind: 'slow'; ms: number }
  /** Destroys the socket once the first bytes of the body have arrived: no response at all. */
  | { kind: 'reset' }
  /**
   * Reads the whole body, then answers one byte every `intervalMs` (default 200): a status line, headers announcing
   * a 1 MiB body, then the body, so the answer never completes in any useful time. Every byte keeps the connection
   * busy (no idle timeout fires); the envelope is not kept.
   */
  | { kind: 'trickle'; intervalMs?: number };

export interface BehaviourOptions {
  /** How many requests get this behaviour before the receiver accepts again; default: until changed. */
  times?: number;
}

/** Which behaviour each arriving request gets, counting down `times`. */
export class BehaviourSwitch {
  private current: Behaviour = { kind: 'accept' };
  private remaining = Infinity;

  set(behaviour: Behaviour, options: BehaviourOptions = {}): void {
    const times = options.times ?? Infinity;
    if (!(times === Infinity || (Number.isSafeInteger(times) && times > 0))) {
      throw new RangeError(`times must be a positive integer, not ${times}`);
    }
    if (behaviour.kind === 'slow' && !(behaviour.ms >= 0 && behaviour.ms <= MAX_SLOW_MS)) {
      throw new RangeError(`slow.ms must be within 0..${MAX_SLOW_MS}, not ${behaviour.ms}`);
    }
    if (behaviour.kind === 'trickle' && behaviour.intervalMs !== undefined && !(behaviour.intervalMs >= 1 && behaviour.intervalMs <= MAX_SLOW_MS)) {
      throw new RangeError(`trickle.intervalMs must be within 1..${MAX_SLOW_MS}, not ${behaviour.intervalMs}`);
    }
    this.current = behaviour;
    this.remaining = times;
  }

  /** The behaviour for the request that has just arrived; spends one of `times`. */
  take(): Behaviour {
    const behaviour = this.current;
    if (behaviour.kind !== 'accept' && --this.remaining <= 0) this.set({ kind: 'accept' });
    return behaviour;
  }
}

/** A slow answer is still an answer: never longer than this, so no test can hang on one. */
export const MAX_SLOW_MS = 60_000;

/** Response headers of a 429, as Relay writes them. */
export function rateLimitHeaders(b: Extract<Behaviour, { kind: '429' }>): Record<string, string> {
  const headers: Record<string, string> = { 'retry-after': String(b.retryAfter ?? 60) };
  if (b.rateLimits !== undefined) headers['x-sentry-rate-limits'] = b.rateLimits;
  return headers;
}
