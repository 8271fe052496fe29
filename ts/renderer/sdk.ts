/**
 * `init()` for a renderer, with @sentry/electron's call shape: `init(options, frameworkInit?)`. The browser SDK,
 * or a framework SDK built on it (`init` from @sentry/react, @sentry/vue, @sentry/angular of Sentry JS v11),
 * does the capturing; this only adjusts its options so that everything goes to main:
 *
 *   import { init } from '@acme/sentry-electron-native/renderer';
 *   import { init as reactInit } from '@sentry/react';
 *   init({ ipcNamespace: 'sentry-ipc' }, reactInit);
 *
 * Framework SDKs add their own metadata and context, then call the browser SDK's `init`; they fill in
 * `defaultIntegrations` only when it is undefined, so the renderer's changes to the defaults (no release-health
 * sessions, no culture context: both are main's; ScopeToMain added) are applied through `integrations`, which
 * every framework SDK passes on as it is.
 */
import { init as browserInit, getDefaultIntegrations as browserDefaultIntegrations, type BrowserOptions } from '@sentry/browser';
import { consoleSandbox, debug, getClient, type Client, type Integration } from '@sentry/core';
import { DEFAULT_NAMESPACE, isValidNamespace } from '../common/ipc';
import { scopeToMainIntegration } from './scope-to-main';
import { defaultStackParser } from './stack-parse';
import { pageState, setPageState } from './state';
import { PLACEHOLDER_DSN, makeRendererTransport, withMainRoute } from './transport';

export interface RendererOptions extends Omit<BrowserOptions, 'dsn' | 'release' | 'environment'> {
  /** The IPC namespace main and the preload use (`init({ ipcNamespace })` in main, `hookupIpc(ns)` in the preload). */
  ipcNamespace?: string;
  /** How long scope changes are coalesced before one batch goes to main, in milliseconds. Default 50. */
  scopeBatchMs?: number;
  /** @deprecated Ignored: main sends everything with its own DSN. Accepted so that shared option objects need no editing. */
  dsn?: string;
  /** @deprecated Set it in main's `init`, which gives it to every event; a value here overrides it on this page's events. */
  release?: string;
  /** @deprecated Ignored, as by @sentry/electron: main's `environment` is on every event of the app. */
  environment?: string;
}

/** @sentry/electron's name for the renderer's options. */
export type ElectronRendererOptions = RendererOptions;

/** Default integrations that main does for the whole app: release-health sessions (one per app run), culture. */
const MAIN_OWNS = new Set(['BrowserSession', 'CultureContext']);

/** The browser SDK's defaults for a renderer, without what main owns, and with ScopeToMain. */
export function getDefaultIntegrations(options: RendererOptions = {}): Integration[] {
  return [...withoutMainOwned(browserDefaultIntegrations(options as BrowserOptions)), scopeToMainIntegration()];
}

/**
 * Starts the renderer SDK, through `frameworkInit` when one is given (else the browser SDK's `init`). Safe to call
 * more than once: later calls keep the first client (with contextIsolation off, a preload and the page may both
 * call it) and say so on the console. Returns the client, where @sentry/electron returns nothing.
 */
export function init<O extends RendererOptions>(
  options: RendererOptions & O = {} as RendererOptions & O,
  // The parameter's name is what TypeScript shows when a framework SDK of another Sentry JS major is passed.
  frameworkInit: (framework_sdks_must_be_sentry_javascript_v11: O) => unknown = browserInit as (o: O) => unknown,
): Client | undefined {
  const existing = pageState();
  if (existing) {
    warn(`init() was already called in this page (namespace "${existing.namespace}"); this call is ignored.`);
    return getClient();
  }
  const namespace = options.ipcNamespace ?? DEFAULT_NAMESPACE;
  if (!isValidNamespace(namespace)) {
    warn(`ipcNamespace ${JSON.stringify(namespace)} is not a valid namespace (lowercase letter, then a-z 0-9 + . -); Sentry is off in this page.`);
    return undefined;
  }
  setPageState({ namespace });

  const { integrations: userIntegrations, transport: appTransport } = options;
  const withScopeToMain = options.defaultIntegrations !== false;
  const adjusted: RendererOptions & O = {
    ...options,
    ipcNamespace: namespace,
    dsn: PLACEHOLDER_DSN,
    transport: appTransport ? withMainRoute(appTransport) : makeRendererTransport,
    // Main reports dropped events for the whole app; a renderer's reports would be sent to the placeholder.
    sendClientReports: false,
    // An Electron page is the app's own, even when Chromium extension APIs are around.
    skipBrowserExtensionCheck: options.skipBrowserExtensionCheck ?? true,
    stackParser: options.stackParser ?? defaultStackParser,
    integrations: (defaults: Integration[]) => {
      const base = withoutMainOwned(defaults);
      if (withScopeToMain && !base.some((i) => i.name === 'ScopeToMain')) base.push(scopeToMainIntegration());
      const chosen = typeof userIntegrations === 'function' ? userIntegrations(base) : [...base, ...(userIntegrations ?? [])];
      // Applied last so that no list (defaults, user array, user function) brings sessions back in.
      if (chosen.some((i) => i.name === 'BrowserSession')) {
        debug.log('[sentry-electron-native] browserSessionIntegration is left out in renderers: release health is tracked by main, one session per app run');
      }
      return chosen.filter((i) => i.name !== 'BrowserSession');
    },
  };
  frameworkInit(adjusted as O);
  return getClient();
}

function withoutMainOwned(integrations: Integration[] | Integration): Integration[] {
  return (Array.isArray(integrations) ? integrations : [integrations]).filter((i) => !MAIN_OWNS.has(i.name));
}

function warn(message: string): void {
  consoleSandbox(() => console.warn(`[sentry-electron-native] ${message}`));
}
