/**
 * Sends the renderer's scope to main as `ScopeUpdate` batches, so that main can put the renderer's tags, user,
 * contexts and breadcrumbs on events it builds for this renderer itself (a native crash of the renderer process,
 * which no JS in the page survives to report).
 *
 * Batching: a change to the global, isolation or current scope only arms a timer (`windowMs`, 50 ms by default);
 * when it fires, the merged scope is compared with what main was last sent, and only the difference goes out. So
 * a burst of `setTag` calls costs one message, and a page that logs in a loop sends its breadcrumbs in a few
 * batches rather than one message each. Before an envelope leaves, the pending batch is flushed at once, so main
 * never sees an event before the scope it was captured in.
 *
 * What a batch holds: changed keys of tags / extra / contexts (a removed key as `null`), `user`, `level` and
 * `fingerprint` when they changed (`null` when unset), and only the breadcrumbs main has not seen, oldest first.
 * The first batch of a page carries `clear`: the web contents may have shown another page before this one, and
 * that page's scope must not leak onto this one's crashes. A batch stays under `LIMITS` (bytes, keys,
 * breadcrumbs): what does not fit goes in the next batch of the same flush; a single value too large on its own
 * is left out, with a debug warning.
 */
import { debug, getCombinedScopeData, getCurrentScope, getGlobalScope, getIsolationScope, normalize } from '@sentry/core';
import { LIMITS, type ScopeUpdate } from '../common/ipc';

/** One change, measured once: a key of a map, a whole field, or one breadcrumb. */
type Piece =
  | { field: 'tags' | 'extra' | 'contexts'; key: string; value: unknown; size: number }
  | { field: 'user' | 'level' | 'fingerprint'; value: unknown; size: number }
  | { field: 'breadcrumbs'; value: Record<string, unknown>; size: number };

export interface ScopeSyncOptions {
  /** Coalescing window in milliseconds. */
  windowMs?: number;
  /** Depth and breadth for `normalize`, as the client uses for events (`normalizeDepth`, `normalizeMaxBreadth`). */
  depth?: number;
  maxBreadth?: number;
}

/** Room left in a batch for the `{"v":1,"clear":true,…}` frame and the separators between fields. */
const FRAME_BYTES = 256;

export class ScopeSync {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private clearPending = true;
  /** What main holds, as JSON text per key / field, to tell a real change from a rewrite of the same value. */
  private readonly sent = { tags: new Map<string, string>(), extra: new Map<string, string>(), contexts: new Map<string, string>() };
  private sentFields: Record<'user' | 'level' | 'fingerprint', string> = { user: 'null', level: 'null', fingerprint: 'null' };
  /** Breadcrumbs already sent (or found too large), by identity: a scope keeps the objects it was given. */
  private seen = new WeakSet<object>();
  private readonly windowMs: number;
  private readonly depth: number;
  private readonly maxBreadth: number;

  constructor(private readonly send: (json: string) => void, options: ScopeSyncOptions = {}) {
    this.windowMs = options.windowMs ?? 50;
    this.depth = options.depth ?? 3;
    this.maxBreadth = options.maxBreadth ?? 1000;
  }

  /** Starts listening to the three scopes and schedules the first (full, `clear`) batch. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const schedule = (): void => this.schedule();
    for (const scope of [getGlobalScope(), getIsolationScope(), getCurrentScope()]) scope.addScopeListener(schedule);
    this.schedule();
  }

  /** Stops sending (client closed); a pending batch is dropped. */
  stop(): void {
    this.started = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends what changed now, if anything is pending. */
  flush(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.started) return;
    for (const batch of this.collect()) this.send(JSON.stringify(batch));
  }

  private schedule(): void {
    if (!this.started || this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), this.windowMs);
  }

  /** The difference between the merged scope and what main holds, packed into batches within the limits. */
  private collect(): ScopeUpdate[] {
    const data = getCombinedScopeData(getIsolationScope(), getCurrentScope());
    const pieces: Piece[] = [];
    // Values are shaped here the way main's validator wants them: one wrong type would cost the whole batch there.
    this.diffMap('tags', data.tags, cleanTag, pieces);
    this.diffMap('extra', data.extra, (v) => (v === undefined ? null : this.normalize(v)), pieces);
    this.diffMap('contexts', data.contexts, (v) => asObject(v == null ? null : this.normalize(v)), pieces);
    const user = Object.values(data.user ?? {}).some((v) => v !== undefined) ? asObject(this.normalize(data.user)) : null;
    this.diffField('user', user, pieces);
    this.diffField('level', data.level && LEVELS.includes(data.level) ? data.level : null, pieces);
    this.diffField('fingerprint', data.fingerprint?.length ? data.fingerprint.map(String) : null, pieces);

    // The merged list is global's, then isolation's, then current's breadcrumbs: put the new ones back in time order.
    const fresh = data.breadcrumbs.filter((b) => !this.seen.has(b));
    fresh.forEach((b) => this.seen.add(b));
    fresh.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const crumb of fresh) {
      const value = this.normalize(crumb) as Record<string, unknown>;
      pieces.push({ field: 'breadcrumbs', value, size: JSON.stringify(value).length + 1 });
    }
    return this.pack(pieces);
  }

  private diffMap(field: 'tags' | 'extra' | 'contexts', current: Record<string, unknown>, clean: (v: unknown) => unknown, pieces: Piece[]): void {
    const sent = this.sent[field];
    for (const [key, raw] of Object.entries(current ?? {})) {
      const value = clean(raw);
      const json = JSON.stringify(value) ?? 'null';
      if (value === null && !sent.has(key)) continue;
      if (sent.get(key) === json) continue;
      pieces.push({ field, key, value, size: JSON.stringify(key).length + json.length + 2 });
    }
    for (const key of sent.keys()) {
      if (!(key in (current ?? {}))) pieces.push({ field, key, value: null, size: JSON.stringify(key).length + 6 });
    }
  }

  private diffField(field: 'user' | 'level' | 'fingerprint', value: unknown, pieces: Piece[]): void {
    const json = JSON.stringify(value) ?? 'null';
    if (this.sentFields[field] !== json) pieces.push({ field, value, size: json.length + field.length + 4 });
  }

  /** Greedy packing in order: a piece that does not fit starts the next batch; one that fits nowhere is dropped. */
  private pack(pieces: Piece[]): ScopeUpdate[] {
    const budget = LIMITS.scopeBytes - FRAME_BYTES;
    const batches: ScopeUpdate[] = [];
    let batch: ScopeUpdate | undefined;
    let size = 0;
    const open = (): ScopeUpdate => {
      const fresh: ScopeUpdate = { v: 1 };
      if (this.clearPending) fresh.clear = true;
      this.clearPending = false;
      batches.push(fresh);
      size = 0;
      return fresh;
    };
    if (this.clearPending) batch = open();
    for (const piece of pieces) {
      if (piece.size > budget) {
        debug.warn(`[sentry-electron-native] a ${piece.field} value of ${piece.size} chars is too large to send to main; left out`);
        continue;
      }
      if (!batch || size + piece.size > budget || !roomFor(batch, piece)) batch = open();
      place(batch, piece);
      size += piece.size;
      this.remember(piece);
    }
    return batches;
  }

  private remember(piece: Piece): void {
    const json = JSON.stringify(piece.value) ?? 'null';
    switch (piece.field) {
      case 'breadcrumbs':
        return;
      case 'tags':
      case 'extra':
      case 'contexts':
        if (piece.value === null) this.sent[piece.field].delete(piece.key);
        else this.sent[piece.field].set(piece.key, json);
        return;
      default:
        this.sentFields[piece.field] = json;
    }
  }

  private normalize(value: unknown): unknown {
    return normalize(value, this.depth, this.maxBreadth);
  }
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warning', 'log', 'info', 'debug'];

/** Tags are primitives, cut where Sentry cuts them; `undefined` (`setTag(k, undefined)`) removes the tag. */
function cleanTag(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v).slice(0, LIMITS.tagValueChars);
}

/** A context or user must stay an object after normalising; anything else is sent as unset. */
function asObject(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function roomFor(batch: ScopeUpdate, piece: Piece): boolean {
  if (piece.field === 'breadcrumbs') return (batch.breadcrumbs?.length ?? 0) < LIMITS.breadcrumbsPerBatch;
  if (piece.field === 'tags' || piece.field === 'extra' || piece.field === 'contexts') {
    return Object.keys(batch[piece.field] ?? {}).length < LIMITS.keysPerMap;
  }
  return true;
}

function place(batch: ScopeUpdate, piece: Piece): void {
  switch (piece.field) {
    case 'breadcrumbs':
      (batch.breadcrumbs ??= []).push(piece.value);
      return;
    case 'tags':
    case 'extra':
    case 'contexts':
      ((batch[piece.field] ??= {}) as Record<string, unknown>)[piece.key] = piece.value;
      return;
    default:
      (batch as unknown as Record<string, unknown>)[piece.field] = piece.value;
  }
}
