/**
 * The envelope endpoint's checks before any body is read, answered with the status codes Relay (Sentry's
 * ingestion server) uses, so an SDK tested here meets the same answers in production: no credentials → 401,
 * malformed ones → 400, a key or project that is not this one → 403 (Relay's "event rejected"), other paths 404.
 */
import type { IncomingMessage } from 'node:http';

export interface SentryAuth {
  sentryKey: string;
  sentryVersion: string | null;
  sentryClient: string | null;
  /** Where the key came from: the `X-Sentry-Auth` (or `Authorization`) header, or the query string. */
  from: 'header' | 'query';
}

export interface Refusal {
  status: number;
  detail: string;
}

/** `/api/<project>/envelope/`, trailing slash optional as Sentry's router allows. */
const ENVELOPE_PATH = /^\/api\/([^/]+)\/envelope\/?$/;

/** Reads `Sentry sentry_key=…, sentry_version=7, …` into its pairs; null when it is not that scheme. */
export function parseAuthHeader(value: string): Map<string, string> | null {
  const match = /^\s*Sentry\s+(.*)$/i.exec(value);
  if (!match) return null;
  const pairs = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return pairs;
}

/** The credentials of a request: header first (what SDKs send), then `?sentry_key=` (what browsers' beacons use). */
export function readAuth(req: IncomingMessage, url: URL): SentryAuth | Refusal {
  const raw = req.headers['x-sentry-auth'] ?? req.headers.authorization;
  if (typeof raw === 'string') {
    const pairs = parseAuthHeader(raw);
    if (pairs === null) return { status: 400, detail: 'bad x-sentry-auth header: expected the "Sentry" scheme' };
    const key = pairs.get('sentry_key');
    if (!key) return { status: 401, detail: 'missing authorization information: no sentry_key' };
    return { sentryKey: key, sentryVersion: pairs.get('sentry_version') ?? null, sentryClient: pairs.get('sentry_client') ?? null, from: 'header' };
  }
  const key = url.searchParams.get('sentry_key');
  if (!key) return { status: 401, detail: 'missing authorization information' };
  return {
    sentryKey: key,
    sentryVersion: url.searchParams.get('sentry_version'),
    sentryClient: url.searchParams.get('sentry_client'),
    from: 'query',
  };
}

export const isRefusal = (v: SentryAuth | Refusal): v is Refusal => 'status' in v;

/** Path, method and credentials of one request against this receiver's project and key. */
export function checkRequest(req: IncomingMessage, url: URL, expected: { projectId: string; publicKey: string }): SentryAuth | Refusal {
  const path = ENVELOPE_PATH.exec(url.pathname);
  if (!path) return { status: 404, detail: `no route for ${url.pathname}: only /api/<project>/envelope/` };
  if (req.method !== 'POST') return { status: 405, detail: `${req.method ?? '?'} is not allowed: POST envelopes` };
  const auth = readAuth(req, url);
  if (isRefusal(auth)) return auth;
  // Version 7 is the envelope protocol's; Relay refuses what it cannot read as one.
  if (auth.sentryVersion !== null && auth.sentryVersion !== '7') {
    return { status: 400, detail: `unsupported sentry_version ${auth.sentryVersion}` };
  }
  if (auth.sentryKey !== expected.publicKey) return { status: 403, detail: 'event submission rejected with_reason: ProjectId (unknown public key)' };
  if (path[1] !== expected.projectId) {
    return { status: 403, detail: `event submission rejected with_reason: ProjectId (project ${path[1]} is not ${expected.projectId})` };
  }
  return auth;
}
