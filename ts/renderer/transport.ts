/**
 * The renderer client's transport: every envelope goes to main, which owns the DSN, rate limits, offline queue and
 * the merge with main's scope. The browser client is built with a placeholder DSN (its transport stays off
 * without one); nothing is ever sent to that address.
 */
import { createTransport, debug, type BaseTransportOptions, type Transport } from '@sentry/core';
import { validateEnvelopePayload } from '../common/ipc';
import type { MainLink } from './link';

/**
 * A syntactically valid DSN on a reserved name (RFC 2606 `.invalid`): if anything ever tried to reach it, the
 * lookup fails instead of leaking an event to a real host.
 */
export const PLACEHOLDER_DSN = 'https://renderer@main-process.invalid/0';

/**
 * Builds the transport factory for `init()`. `beforeEnvelope` runs just before each envelope leaves, so main gets
 * the scope batch the event was built from before the event itself (both ride one ordered IPC pipe in Classic mode).
 */
export function makeRendererTransport(link: MainLink, beforeEnvelope: () => void): (options: BaseTransportOptions) => Transport {
  return (options) =>
    createTransport(options, async (request) => {
      try {
        beforeEnvelope();
      } catch (error) {
        debug.warn('[sentry-electron-native] scope flush before an envelope failed:', error);
      }
      const checked = validateEnvelopePayload(request.body);
      if (!checked.ok) {
        // Main would refuse it too; saying why here is the only place the app can see it.
        debug.warn(`[sentry-electron-native] envelope not sent to main: ${checked.reason}`);
        return {};
      }
      await link.send('envelope', checked.value);
      // Main answers for delivery and rate limits; to the renderer's client every hand-over is a success, so it
      // never starts its own rate limiting or retries against the placeholder DSN.
      return { statusCode: 200 };
    });
}
