/**
 * One scope per renderer, kept in main from the batches its renderer SDK sends: what a native crash of that
 * renderer is reported with (the renderer cannot report its own death), and the recent breadcrumbs main's own
 * events show. Bounded: breadcrumbs per renderer by `maxBreadcrumbs`, renderers by a cap, and a renderer's scope is
 * kept only a grace period after its web contents is gone (its dump may still be on its way).
 */
import { randomBytes } from 'node:crypto';
import { Scope, type Breadcrumb, type Client } from '@sentry/core';
import type { ScopeUpdate } from '../../common/ipc';

/** How long a dead renderer's scope is kept for its dump to arrive. */
const GRACE_MS = 5 * 60 * 1000;
/** At most this many renderer scopes at once: the oldest dead ones go first, then the oldest. */
const MAX_RENDERERS = 256;

interface RendererEntry {
  scope: Scope;
  /** OS pid, recorded while the renderer lives (Electron answers 0 after its death). */
  pid: number | undefined;
  /** The Protocol key main handed this renderer. */
  key: string;
  url: string | undefined;
  goneAt: number | undefined;
}

export class RendererScopes {
  private readonly entries = new Map<number, RendererEntry>();
  private readonly byKey = new Map<string, number>();

  public constructor(private readonly maxBreadcrumbs: number) {}

  /** The entry of a web contents, created at first sight. */
  private entry(webContentsId: number): RendererEntry {
    let e = this.entries.get(webContentsId);
    if (!e) {
      this.evictIfFull();
      e = { scope: new Scope(), pid: undefined, key: randomBytes(18).toString('base64url'), url: undefined, goneAt: undefined };
      this.entries.set(webContentsId, e);
      this.byKey.set(e.key, webContentsId);
    }
    return e;
  }

  /** The Protocol key of a web contents: unguessable, so a page can only speak as itself. */
  public keyOf(webContentsId: number): string {
    return this.entry(webContentsId).key;
  }

  /** The web contents a Protocol key belongs to. */
  public webContentsOfKey(key: string): number | undefined {
    return key ? this.byKey.get(key) : undefined;
  }

  /** Remembers a live renderer's OS pid and URL (to match its dump later, and to name it in events). */
  public noteAlive(webContentsId: number, pid: number | undefined, url: string | undefined): void {
    const e = this.entry(webContentsId);
    if (pid) e.pid = pid;
    if (url) e.url = url;
    e.goneAt = undefined;
  }

  /** The renderer's process is gone: its scope stays for the grace period. */
  public noteGone(webContentsId: number): void {
    const e = this.entries.get(webContentsId);
    if (e) e.goneAt = Date.now();
    this.sweep();
  }

  /** Applies a validated batch from a renderer. */
  public apply(webContentsId: number, update: ScopeUpdate): void {
    const e = this.entry(webContentsId);
    if (update.clear) e.scope = new Scope();
    const { scope } = e;
    // `null` means "removed in the renderer": stored as undefined, which never reaches an event (JSON drops it).
    for (const [k, v] of Object.entries(update.tags ?? {})) scope.setTag(k, v ?? undefined);
    for (const [k, v] of Object.entries(update.extra ?? {})) scope.setExtra(k, v ?? undefined);
    if (update.contexts) for (const [k, v] of Object.entries(update.contexts)) scope.setContext(k, v);
    if (update.user !== undefined) scope.setUser(update.user);
    if (update.level !== undefined) scope.setLevel((update.level ?? undefined) as never);
    if (update.fingerprint !== undefined) scope.setFingerprint(update.fingerprint ?? []);
    for (const b of update.breadcrumbs ?? []) scope.addBreadcrumb(b as Breadcrumb, this.maxBreadcrumbs);
  }

  /** The renderer a crashed process was, by the OS pid in its dump. */
  public findByPid(pid: number): number | undefined {
    for (const [id, e] of this.entries) if (e.pid === pid) return id;
    return undefined;
  }

  public scopeOf(webContentsId: number): Scope | undefined {
    return this.entries.get(webContentsId)?.scope;
  }

  public urlOf(webContentsId: number): string | undefined {
    return this.entries.get(webContentsId)?.url;
  }

  /** The newest `limit` breadcrumbs over all renderers, oldest first, each marked with its web contents. */
  public recentBreadcrumbs(limit: number): Breadcrumb[] {
    const all: Breadcrumb[] = [];
    for (const [id, e] of this.entries) {
      for (const b of e.scope.getScopeData().breadcrumbs) all.push({ ...b, data: { ...b.data, webContentsId: id } });
    }
    all.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    return all.slice(-limit);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, e] of this.entries) if (e.goneAt !== undefined && now - e.goneAt > GRACE_MS) this.delete(id);
  }

  private evictIfFull(): void {
    this.sweep();
    if (this.entries.size < MAX_RENDERERS) return;
    const dead = [...this.entries].find(([, e]) => e.goneAt !== undefined);
    this.delete(dead ? dead[0] : this.entries.keys().next().value!);
  }

  private delete(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.byKey.delete(e.key);
    this.entries.delete(id);
  }
}

const stores = new WeakMap<Client, RendererScopes>();

/** The renderer scopes of one client (RendererIpc fills them; NativeCrashes and main's events read them). */
export function rendererScopesOf(client: Client): RendererScopes {
  let s = stores.get(client);
  if (!s) stores.set(client, (s = new RendererScopes(client.getOptions().maxBreadcrumbs ?? 100)));
  return s;
}
