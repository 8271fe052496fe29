import {
  envelopeItemTypeToDataCategory,
  forEachEnvelopeItem,
  updateRateLimits,
  type DataCategory,
  type Envelope,
  type RateLimits,
  type TransportMakeRequestResponse,
} from '@sentry/core';

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/**
 * Per-category send deadlines from `X-Sentry-Rate-Limits`, `Retry-After` and bare 429s (60 s).
 *
 * Parsing is @sentry/core's `updateRateLimits`; what this adds is the merge. Core overwrites a category's deadline
 * with the newest one, and its `disabledUntil` prefers a category's own deadline over a later `all`; both can let a
 * request through before the server said it may. Here, when limits overlap, the later deadline wins, both between
 * successive responses and between a category and `all`.
 */
export class RateLimiter {
  private limits: RateLimits = {};

  /** `onChange` is told the deadlines whenever a response moved one (the transport keeps them for the crash sender). */
  constructor(
    private readonly now: Clock = Date.now,
    private readonly onChange?: (limits: RateLimits) => void,
  ) {}

  /** Folds a response's rate-limit headers (or a bare 429) into the deadlines. */
  update(response: TransportMakeRequestResponse): void {
    const now = this.now();
    const fresh = updateRateLimits({}, response, now);
    let changed = false;
    for (const [category, until] of Object.entries(fresh)) {
      if (until > (this.limits[category] ?? 0)) (this.limits[category] = until), (changed = true);
    }
    if (changed) this.onChange?.(this.snapshot());
  }

  /** The time (ms) before which nothing of this category may be sent; 0 when it is free. */
  disabledUntil(category: DataCategory | string): number {
    return Math.max(this.limits[category] ?? 0, this.limits.all ?? 0);
  }

  isLimited(category: DataCategory | string): boolean {
    return this.disabledUntil(category) > this.now();
  }

  /** The earliest moment at which at least one of these categories is free again (now when one already is). */
  nextFree(categories: readonly string[]): number {
    const now = this.now();
    let earliest = Infinity;
    for (const c of categories) earliest = Math.min(earliest, Math.max(now, this.disabledUntil(c)));
    return earliest === Infinity ? now : earliest;
  }

  /** The latest deadline among these categories (when all of them are free again). */
  allFreeAt(categories: readonly string[]): number {
    return Math.max(this.now(), ...categories.map((c) => this.disabledUntil(c)));
  }

  /** A copy of the deadlines, for logs and tests. */
  snapshot(): RateLimits {
    return { ...this.limits };
  }
}

/** The data categories an envelope's items count against (in item order, without repeats). */
export function envelopeCategories(envelope: Envelope): DataCategory[] {
  const seen = new Set<DataCategory>();
  forEachEnvelopeItem(envelope, (_item, type) => {
    seen.add(envelopeItemTypeToDataCategory(type));
  });
  return [...seen];
}
