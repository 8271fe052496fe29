/**
 * The renderer client's transport: every envelope goes to main, which owns the DSN, rate limits, offline queue and
 * the merge with main's scope. The browser client is built with a placeholder DSN (its transport stays off
 * without one); nothing is ever sent to that address.
 *
 * `makeRendererTransport` is public under @sentry/electron's name and call shape (a transport factory taking
 * `BaseTransportOptions`), so that apps which compose it (`makeMultiplexedTransport(makeRendererTransport, …)`,
 * an offline wrapper) keep working. An app's own `transport` option is wrapped rather than obeyed alone: see
 * `withMainRoute`.
 */
import { createTransport, debug, getClient, type BaseTransportOptions, type Envelope, type Transport, type TransportMakeRequestResponse } from '@sentry/core';
import { DEFAULT_NAMESPACE, validateEnvelopePayload } from '../common/ipc';
import { linkToMain, type MainLink } from './link';
import { pageState } from './state';

/**
 * A syntactically valid DSN on a reserved name (RFC 2606 `.invalid`): if anything ever tried to reach it, the
 * lookup fails instead of leaking an event to a real host.
 */
export const PLACEHOLDER_DSN = 'https://renderer@main-process.invalid/0';

/** Set while an app's transport factory runs inside `withMainRoute`: it tells whether that factory reached ours. */
let onMainRouteBuilt: (() => void) | undefined;

/**
 * The transport that hands every envelope to main. The namespace is read from the client's options when the first
 * envelope leaves (the client does not exist yet while its transport is built); just before each envelope, the
 * page's pending scope batch is flushed, so main gets the scope an event was built from before the event itself
 * (both ride one ordered IPC pipe in Classic mode).
 */
export function makeRendererTransport(options: BaseTransportOptions): Transport {
  onMainRouteBuilt?.();
  let link: MainLink | undefined;
  return createTransport(options, async (request) => {
    try {
      pageState()?.flushScope?.();
    } catch (error) {
      debug.warn('[sentry-electron-native] scope flush before an envelope failed:', error);
    }
    const checked = validateEnvelopePayload(request.body);
    if (!checked.ok) {
      // Main would refuse it too; saying why here is the only place the app can see it.
      debug.warn(`[sentry-electron-native] envelope not sent to main: ${checked.reason}`);
      return {};
    }
    link ??= linkToMain(namespaceOfClient());
    await link.send('envelope', checked.value);
    // Main answers for delivery and rate limits; to the renderer's client every hand-over is a success, so it
    // never starts its own rate limiting or retries against the placeholder DSN.
    return { statusCode: 200 };
  });
}

function namespaceOfClient(): string {
  const configured = (getClient()?.getOptions() as { ipcNamespace?: unknown } | undefined)?.ipcNamespace;
  return typeof configured === 'string' ? configured : (pageState()?.namespace ?? DEFAULT_NAMESPACE);
}

type TransportFactory = (options: BaseTransportOptions) => Transport;

/**
 * An app's own `transport` in the renderer. @sentry/electron uses it instead of its IPC transport, so an app that
 * passes, say, a logging or filtering transport silently stops reporting through main. Here the app's transport
 * still gets every envelope, and:
 * - when it is built on `makeRendererTransport` (multiplexed, offline, a wrapper that delegates), it already
 *   reaches main and is used as it is;
 * - otherwise main gets its own copy of each envelope too, and the client goes by main's answer, since main owns
 *   rate limits; a failure of the app's transport is logged, never thrown into the page.
 */
export function withMainRoute(appFactory: TransportFactory): TransportFactory {
  return (options) => {
    let reachesMain = false;
    const outer = onMainRouteBuilt;
    onMainRouteBuilt = () => {
      reachesMain = true;
    };
    let app: Transport;
    try {
      app = appFactory(options);
    } catch (error) {
      // Thrown from inside the app's init call otherwise: the page keeps reporting through main alone.
      debug.warn('[sentry-electron-native] the app transport could not be built; envelopes go to main only:', error);
      return makeRendererTransport(options);
    } finally {
      onMainRouteBuilt = outer;
    }
    if (reachesMain) return app;
    const main = makeRendererTransport(options);
    return {
      async send(envelope: Envelope): Promise<TransportMakeRequestResponse> {
        const [fromMain] = await Promise.all([main.send(envelope), sendQuietly(app, envelope)]);
        return fromMain;
      },
      async flush(timeout?: number): Promise<boolean> {
        const [a, b] = await Promise.all([main.flush(timeout), Promise.resolve(app.flush(timeout)).catch(() => false)]);
        return a && b;
      },
    };
  };
}

async function sendQuietly(transport: Transport, envelope: Envelope): Promise<void> {
  try {
    await transport.send(envelope);
  } catch (error) {
    debug.warn('[sentry-electron-native] the app transport failed (main still got the envelope):', error);
  }
}
