/**
 * The renderer-to-main wire: channel names, the two message kinds and their validation. One place for every rule a
 * message must pass, shared by the preload (which forwards), the renderer SDK (which sends) and main (which trusts
 * nothing it receives). No Electron, no DOM, no Node: this file is bundled into sandboxed preloads and pages.
 *
 * Two transports carry the same messages:
 * - Classic: the preload exposes `window[bridgeKey(namespace)]`, which calls `ipcRenderer.send(channel, payload)`;
 *   main knows the sender from the IPC event itself, so a renderer cannot pose as another.
 * - Protocol: `fetch("<namespace>://<kind>/<key>", { method: "POST", body })` to a privileged scheme that main handles.
 *   A request carries no sender, so main hands each web contents a random key (`globalThis.__SENTRY_IPC_KEY__`) and
 *   attributes a message only by that key: a renderer knows its own key and can guess no other.
 */

/** The namespace used when the app names none: the IPC channel prefix and the custom scheme. */
export const DEFAULT_NAMESPACE = 'sentry-ipc';

/**
 * The message kinds: an envelope from the renderer's Sentry client, a batch of scope changes, or a heartbeat of the
 * renderer's event loop (`eventLoopBlockIntegration` in the page, read by main's `rendererEventLoopBlockIntegration`;
 * its content is ./renderer-status.ts's).
 */
export type MessageKind = 'envelope' | 'scope' | 'status';

/**
 * The global the preload exposes in the page's world, one per namespace (`contextBridge.exposeInMainWorld` takes
 * each key once, so two namespaces need two keys). Characters a JS identifier cannot hold are hex-escaped, so two
 * namespaces never share a key.
 */
export function bridgeKey(namespace: string): string {
  return `__SENTRY_IPC__${namespace.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

/** The global main writes the page's protocol key into (Protocol mode only). */
export const KEY_GLOBAL = '__SENTRY_IPC_KEY__';

/** Size caps, checked by the sender (to fail early) and by main (to stay safe): bytes of the serialised payload. */
export const LIMITS = {
  /** An envelope from a renderer: events with breadcrumbs and small attachments fit; a renderer cannot grow main. */
  envelopeBytes: 1024 * 1024,
  /** One batch of scope changes. */
  scopeBytes: 64 * 1024,
  /** One event-loop heartbeat (./renderer-status.ts checks what it holds). */
  statusBytes: 4000,
  /** Breadcrumbs in one scope batch; more are cut from the oldest. */
  breadcrumbsPerBatch: 100,
  /** Keys of tags / extra / contexts in one batch. */
  keysPerMap: 200,
  /** Length of a tag value, as Sentry truncates them. */
  tagValueChars: 200,
  /** Messages a renderer may send per second (burst of twice that): a flood is dropped, not queued. */
  messagesPerSecond: 200,
} as const;

/** A namespace must be usable both as a channel prefix and as a URL scheme (RFC 3986, lowercased). */
export function isValidNamespace(namespace: string): boolean {
  return /^[a-z][a-z0-9+.-]{0,62}$/.test(namespace);
}

/** The classic IPC channel of one kind in one namespace: `<namespace>.<kind>`. */
export function channelName(namespace: string, kind: MessageKind): string {
  return `${namespace}.${kind}`;
}

/** The protocol URL of one kind: `<namespace>://<kind>/<key>` (key empty when main gave none yet). */
export function protocolUrl(namespace: string, kind: MessageKind, key: string | undefined): string {
  return `${namespace}://${kind}/${encodeURIComponent(key ?? '')}`;
}

/** Parses a protocol URL back into its kind and key; `undefined` for anything else. */
export function parseProtocolUrl(namespace: string, url: string): { kind: MessageKind; key: string } | undefined {
  const prefix = `${namespace}://`;
  if (!url.startsWith(prefix)) return undefined;
  const m = /^(envelope|scope|status)\/?([A-Za-z0-9_-]{0,64})\/?$/.exec(url.slice(prefix.length));
  if (!m) return undefined;
  return { kind: m[1] as MessageKind, key: m[2] ?? '' };
}

/** What the preload's bridge offers the page. Payloads are strings or bytes only: nothing structured crosses. */
export interface IpcBridge {
  sendEnvelope(envelope: string | Uint8Array): void;
  sendScope(json: string): void;
  /** Absent in a bridge from an older preload; the page then sends no heartbeats over IPC. */
  sendStatus?(json: string): void;
}

/** The scope changes a renderer sends: only what changed since its last batch (breadcrumbs: only the new ones). */
export interface ScopeUpdate {
  v: 1;
  tags?: Record<string, string | number | boolean | null>;
  extra?: Record<string, unknown>;
  contexts?: Record<string, Record<string, unknown> | null>;
  user?: Record<string, unknown> | null;
  level?: string | null;
  fingerprint?: string[] | null;
  breadcrumbs?: Array<Record<string, unknown>>;
  /** The renderer cleared its scope: main drops what it kept for this renderer before applying the rest. */
  clear?: boolean;
}

/** Why a message was rejected: logged (in debug mode) and counted, never thrown. */
export type Rejection = { ok: false; reason: string };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Size in bytes of a payload as it arrived (a string is measured as UTF-16 would be stored: 2 bytes a char). */
export function payloadBytes(payload: unknown): number {
  if (typeof payload === 'string') return payload.length * 2;
  if (payload instanceof Uint8Array) return payload.byteLength;
  if (payload instanceof ArrayBuffer) return payload.byteLength;
  return Number.POSITIVE_INFINITY;
}

/** An envelope payload: a string or bytes under the cap. Returns the bytes as a Uint8Array or a string. */
export function validateEnvelopePayload(payload: unknown): { ok: true; value: string | Uint8Array } | Rejection {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array) && !(payload instanceof ArrayBuffer)) {
    return { ok: false, reason: `envelope must be a string or bytes, got ${describe(payload)}` };
  }
  const size = payloadBytes(payload);
  if (size > LIMITS.envelopeBytes * (typeof payload === 'string' ? 2 : 1)) {
    return { ok: false, reason: `envelope of ${size} bytes is over the ${LIMITS.envelopeBytes}-byte cap` };
  }
  return { ok: true, value: payload instanceof ArrayBuffer ? new Uint8Array(payload) : payload };
}

/**
 * A scope payload: JSON text under the cap, parsed and checked field by field. Unknown fields are dropped; a field
 * of the wrong type rejects the whole batch (a renderer that sends it is broken or hostile, and half a scope is
 * worse than the last good one).
 */
export function validateScopePayload(payload: unknown): { ok: true; value: ScopeUpdate } | Rejection {
  if (typeof payload !== 'string') return { ok: false, reason: `scope must be JSON text, got ${describe(payload)}` };
  if (payload.length > LIMITS.scopeBytes) {
    return { ok: false, reason: `scope of ${payload.length} chars is over the ${LIMITS.scopeBytes} cap` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'scope is not valid JSON' };
  }
  if (!isPlainObject(raw) || raw.v !== 1) return { ok: false, reason: 'scope is not a version 1 object' };
  const out: ScopeUpdate = { v: 1 };

  if (raw.tags !== undefined) {
    const tags = boundedMap(raw.tags, 'tags');
    if (!tags.ok) return tags;
    const clean: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(tags.value)) {
      if (v === null || typeof v === 'number' || typeof v === 'boolean') clean[k] = v;
      else if (typeof v === 'string') clean[k] = v.slice(0, LIMITS.tagValueChars);
      else return { ok: false, reason: `tag ${JSON.stringify(k.slice(0, 40))} is not a primitive` };
    }
    out.tags = clean;
  }
  if (raw.extra !== undefined) {
    const extra = boundedMap(raw.extra, 'extra');
    if (!extra.ok) return extra;
    out.extra = extra.value;
  }
  if (raw.contexts !== undefined) {
    const contexts = boundedMap(raw.contexts, 'contexts');
    if (!contexts.ok) return contexts;
    for (const [k, v] of Object.entries(contexts.value)) {
      if (v !== null && !isPlainObject(v)) return { ok: false, reason: `context ${JSON.stringify(k.slice(0, 40))} is not an object` };
    }
    out.contexts = contexts.value as ScopeUpdate['contexts'];
  }
  if (raw.user !== undefined) {
    if (raw.user !== null && !isPlainObject(raw.user)) return { ok: false, reason: 'user is not an object' };
    out.user = raw.user as ScopeUpdate['user'];
  }
  if (raw.level !== undefined) {
    if (raw.level !== null && (typeof raw.level !== 'string' || !LEVELS.has(raw.level))) {
      return { ok: false, reason: 'level is not a Sentry level' };
    }
    out.level = raw.level as string | null;
  }
  if (raw.fingerprint !== undefined) {
    if (raw.fingerprint !== null && (!Array.isArray(raw.fingerprint) || raw.fingerprint.length > 50 || !raw.fingerprint.every((f) => typeof f === 'string'))) {
      return { ok: false, reason: 'fingerprint is not a list of strings' };
    }
    out.fingerprint = raw.fingerprint as string[] | null;
  }
  if (raw.breadcrumbs !== undefined) {
    if (!Array.isArray(raw.breadcrumbs)) return { ok: false, reason: 'breadcrumbs is not a list' };
    if (!raw.breadcrumbs.every(isPlainObject)) return { ok: false, reason: 'a breadcrumb is not an object' };
    out.breadcrumbs = (raw.breadcrumbs as Array<Record<string, unknown>>).slice(-LIMITS.breadcrumbsPerBatch);
  }
  if (raw.clear === true) out.clear = true;
  return { ok: true, value: out };
}

const LEVELS = new Set(['fatal', 'error', 'warning', 'log', 'info', 'debug']);

function boundedMap(v: unknown, what: string): { ok: true; value: Record<string, unknown> } | Rejection {
  if (!isPlainObject(v)) return { ok: false, reason: `${what} is not an object` };
  if (Object.keys(v).length > LIMITS.keysPerMap) return { ok: false, reason: `${what} has more than ${LIMITS.keysPerMap} keys` };
  return { ok: true, value: v };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
}
