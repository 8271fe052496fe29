/**
 * The Sentry SDK for an Electron renderer (a page), built on `@sentry/browser`:
 *
 *   import * as Sentry from '@acme/sentry-electron-native/renderer';
 *   Sentry.init({ ipcNamespace: 'sentry-ipc' });    // no DSN: main owns it
 *
 * The browser SDK does the capturing (errors, unhandled rejections, console and DOM breadcrumbs, linked errors,
 * dedupe, …); this module only changes where things go. Envelopes are forwarded to main (see ./transport and
 * ./link) and scope changes follow in batches (./scope-sync), because main also reports what no page can: the
 * renderer's own native crash, with that renderer's tags and breadcrumbs. Release-health sessions are main's (one
 * per app run, not one per page), so the browser's session integration is always left out.
 *
 * Works with contextIsolation and sandbox on: the page needs nothing from Node or Electron, only the preload's
 * bridge (Classic) or main's privileged scheme and the key main writes into the page (Protocol).
 */
import { init as browserInit, getDefaultIntegrations as browserDefaultIntegrations, type BrowserOptions } from '@sentry/browser';
export * from '../common/scope-setters';
import { consoleSandbox, getClient, type Client, type Integration } from '@sentry/core';
import { DEFAULT_NAMESPACE, isValidNamespace } from '../common/ipc';
import { linkToMain } from './link';
import { ScopeSync } from './scope-sync';
import { PLACEHOLDER_DSN, makeRendererTransport } from './transport';

export interface RendererOptions extends Omit<BrowserOptions, 'dsn' | 'transport'> {
  /** The IPC namespace main and the preload use (`init({ ipcNamespace })` in main, `hookupIpc(ns)` in the preload). */
  ipcNamespace?: string;
  /** How long scope changes are coalesced before one batch goes to main, in milliseconds. Default 50. */
  scopeBatchMs?: number;
  /** Ignored: main sends everything with its own DSN. Accepted so that shared option objects need no editing. */
  dsn?: string;
}

/** Where this page's SDK state lives: on the window, so that two copies of the SDK (a bundle and the IIFE) meet. */
const STATE = Symbol.for('@acme/sentry-electron-native/renderer');
type State = { namespace: string; sync: ScopeSync };
type Holder = { [STATE]?: State };

/** The browser SDK's defaults for a renderer: everything but release-health sessions. */
export function getDefaultIntegrations(options: RendererOptions = {}): Integration[] {
  return withoutSessions(browserDefaultIntegrations(options as BrowserOptions));
}

/**
 * Starts the renderer SDK. Safe to call more than once: later calls keep the first client (with contextIsolation
 * off, a preload and the page may both call it) and say so on the console.
 */
export function init(options: RendererOptions = {}): Client | undefined {
  const holder = globalThis as Holder;
  const existing = holder[STATE];
  if (existing) {
    warn(`init() was already called in this page (namespace "${existing.namespace}"); this call is ignored.`);
    return getClient();
  }
  const { ipcNamespace, scopeBatchMs, dsn: _ignoredDsn, ...browserOptions } = options;
  const namespace = ipcNamespace ?? DEFAULT_NAMESPACE;
  if (!isValidNamespace(namespace)) {
    warn(`ipcNamespace ${JSON.stringify(namespace)} is not a valid namespace (lowercase letter, then a-z 0-9 + . -); Sentry is off in this page.`);
    return undefined;
  }

  const link = linkToMain(namespace);
  const sync = new ScopeSync((json) => void link.send('scope', json), {
    windowMs: scopeBatchMs,
    depth: browserOptions.normalizeDepth,
    maxBreadth: browserOptions.normalizeMaxBreadth,
  });
  holder[STATE] = { namespace, sync };

  const userIntegrations = browserOptions.integrations;
  const client = browserInit({
    ...browserOptions,
    dsn: PLACEHOLDER_DSN,
    transport: makeRendererTransport(link, () => sync.flush()),
    // Main reports dropped events for the whole app; a renderer's reports would be sent to the placeholder.
    sendClientReports: false,
    // An Electron page is the app's own, even when Chromium extension APIs are around.
    skipBrowserExtensionCheck: browserOptions.skipBrowserExtensionCheck ?? true,
    defaultIntegrations: browserOptions.defaultIntegrations ?? getDefaultIntegrations(options),
    // Applied last so that no list (defaults, user array, user function) brings sessions back in.
    integrations: (defaults) =>
      withoutSessions(
        typeof userIntegrations === 'function' ? userIntegrations(defaults) : [...defaults, ...(userIntegrations ?? [])],
      ),
  });

  if (client) {
    sync.start();
    client.on('close', () => sync.stop());
  }
  return client;
}

function withoutSessions(integrations: Integration[] | Integration): Integration[] {
  return (Array.isArray(integrations) ? integrations : [integrations]).filter((i) => i.name !== 'BrowserSession');
}

function warn(message: string): void {
  consoleSandbox(() => console.warn(`[sentry-electron-native] ${message}`));
}

// What apps call after init(), straight from the browser SDK: one Sentry hub per page, so these reach our client.
export {
  addBreadcrumb,
  addEventProcessor,
  addIntegration,
  breadcrumbsIntegration,
  browserApiErrorsIntegration,
  captureEvent,
  captureException,
  captureFeedback,
  captureMessage,
  close,
  consoleIntegration,
  dedupeIntegration,
  eventFiltersIntegration,
  flush,
  functionToStringIntegration,
  getClient,
  getCurrentScope,
  getGlobalScope,
  getIsolationScope,
  globalHandlersIntegration,
  httpContextIntegration,
  isInitialized,
  lastEventId,
  linkedErrorsIntegration,
  startInactiveSpan,
  startSpan,
  withIsolationScope,
  withScope,
} from '@sentry/browser';
export type { Breadcrumb, BrowserOptions, Event, EventHint, Scope, SeverityLevel, User } from '@sentry/browser';
export { DEFAULT_NAMESPACE } from '../common/ipc';
