import { dsnFromString, getEnvelopeEndpointWithUrlEncodedAuth, type DsnComponents } from '@sentry/core';

/** What a transport needs to reach a project: the parsed DSN and its envelope endpoint. */
export interface SentryEndpoint {
  dsn: DsnComponents;
  /** `…/api/<project>/envelope/?sentry_version=7&sentry_key=…`: auth travels in the query string. */
  url: string;
}

/**
 * Parses a DSN (`https://<key>@<host>/<project>`) into the envelope endpoint with URL-encoded auth. Auth goes in
 * the query string, as @sentry/core does it, so the same request works through proxies that drop custom headers.
 * Returns `undefined` for a malformed DSN (the SDK never throws into the app).
 */
export function endpointFromDsn(dsn: string, tunnel?: string): SentryEndpoint | undefined {
  const parsed = dsnFromString(dsn);
  if (!parsed || !parsed.publicKey || !parsed.projectId) return undefined;
  return { dsn: parsed, url: getEnvelopeEndpointWithUrlEncodedAuth(parsed, tunnel) };
}
