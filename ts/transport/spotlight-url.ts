/**
 * The SDK's `spotlight` option: send every envelope also to a Spotlight sidecar (Sentry for local development,
 * `npx @spotlightjs/spotlight`). Sidecar 4.x takes envelopes on `POST /stream` (and `/api/<id>/envelope/`); Sentry's
 * own Node SDK posts to `http://localhost:8969/stream`, so `true` means that.
 */

/** Where the sidecar listens unless told otherwise (its DEFAULT_PORT is 8969). */
export const DEFAULT_SPOTLIGHT_URL = 'http://localhost:8969/stream';

/**
 * The URL to POST envelopes to for a `spotlight` option value: `true` → the default sidecar, a string → that URL,
 * `false`/absent → none. An unusable string gives `undefined` rather than a throw: the SDK never throws into the app.
 */
export function spotlightEnvelopeUrl(option: boolean | string | undefined): string | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_SPOTLIGHT_URL;
  try {
    const url = new URL(option);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
