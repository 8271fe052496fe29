/**
 * `init()` for Electron's main process: a client on @sentry/core with the native transport (HTTP or Electron's
 * `net`, rate limits, durable queue), the Electron integrations, and one shutdown path. Never throws into the app:
 * a broken option or a missing piece is reported on the console and the SDK does what it still can.
 */
import * as path from 'node:path';
import {
  createStackParser,
  dedupeIntegration,
  eventFiltersIntegration,
  functionToStringIntegration,
  getIntegrationsToSetup,
  initAndBind,
  linkedErrorsIntegration,
  type Client,
  type Integration,
} from '@sentry/core';
import { nodeStackLineParser } from '@sentry/core/server';
import { makeNativeTransport } from '../transport';
import { ElectronMainClient } from './client';
import { electron } from './electron';
import {
  childProcessGoneIntegration,
  electronBreadcrumbsIntegration,
  electronContextIntegration,
  mainProcessSessionIntegration,
  onUncaughtExceptionIntegration,
  onUnhandledRejectionIntegration,
  preloadInjectionIntegration,
} from './integrations';
import { rendererIpcIntegration } from './ipc/renderer-ipc';
import { utilityProcessIpcIntegration } from './ipc/utility-ipc';
import { nativeCrashesIntegration } from './native-crashes/integration';
import { checkedOptions, DEFAULTS, type ElectronClientOptions, type ElectronMainOptions } from './options';
import { installShutdown } from './shutdown';
import { installSpotlight } from './spotlight';
import { pause } from './native-crashes/pace';

/** The SDK's name in events and envelopes. */
export const SDK_NAME = 'sentry.javascript.electron-native';
const SDK_VERSION: string = (require('../../package.json') as { version: string }).version;

/**
 * The default integrations, in set-up order (PreloadInjection before RendererIpc: a failed injection switches the
 * IPC to the Protocol path; each can be removed by name through the `integrations` function option).
 */
export function getDefaultIntegrations(): Integration[] {
  return [
    eventFiltersIntegration(),
    functionToStringIntegration(),
    linkedErrorsIntegration(),
    nativeAwareDedupe(),
    electronContextIntegration(),
    electronBreadcrumbsIntegration(),
    onUncaughtExceptionIntegration(),
    onUnhandledRejectionIntegration(),
    mainProcessSessionIntegration(),
    preloadInjectionIntegration(),
    rendererIpcIntegration(),
    utilityProcessIpcIntegration(),
    childProcessGoneIntegration(),
    nativeCrashesIntegration(),
  ];
}

/**
 * @sentry/core's Dedupe, except for native crashes: each dump is a crash of its own (a renderer that crashes the
 * same way twice crashed twice), and Sentry groups them; dropping one would also delete its dump.
 */
function nativeAwareDedupe(): Integration {
  const inner = dedupeIntegration();
  return {
    ...inner,
    processEvent: (event, hint, client) => (event.platform === 'native' ? event : inner.processEvent!(event, hint, client)),
  };
}

/** Starts the SDK in Electron's main process. Call it as early as possible, before the app is `ready`. */
export function init(given: ElectronMainOptions = {}): Client | undefined {
  try {
    const options = checkedOptions(given);
    if ((process as { type?: string }).type !== 'browser' || !process.versions.electron) {
      console.warn('[sentry-electron-native] init() from "/main" must run in Electron\'s main process; nothing was started.');
      return undefined;
    }
    const { app } = electron();
    const userData = app.getPath('userData');
    const resolved: ElectronClientOptions = {
      ...DEFAULTS,
      ...options,
      dsn: options.dsn ?? process.env.SENTRY_DSN,
      release: options.release ?? process.env.SENTRY_RELEASE ?? `${app.getName()}@${app.getVersion()}`,
      environment: options.environment ?? process.env.SENTRY_ENVIRONMENT ?? (app.isPackaged ? 'production' : 'development'),
      integrations: getIntegrationsToSetup({
        integrations: options.integrations,
        defaultIntegrations: options.defaultIntegrations === false ? false : (options.defaultIntegrations ?? getDefaultIntegrations()),
      } as never),
      stackParser: createStackParser(nodeStackLineParser()),
      transport: makeNativeTransport as never,
      transportOptions: {
        queueDir: options.queueDir ?? path.join(userData, 'sentry', 'queue'),
        // The queue's file work in small slices of main's thread, like the native crashes' (native-crashes/pace.ts).
        pace: () => pause(),
        ...(options.maxQueueBytes !== undefined ? { maxQueueBytes: options.maxQueueBytes } : {}),
        ...options.transportOptions,
      },
      _metadata: { sdk: { name: SDK_NAME, version: SDK_VERSION, packages: [{ name: 'npm:@acme/sentry-electron-native', version: SDK_VERSION }] } },
    } as ElectronClientOptions;
    const client = initAndBind(ElectronMainClient, resolved) as ElectronMainClient;
    client.onNativeCrashSent = installSpotlight(client, options.spotlight);
    installShutdown(client);
    return client;
  } catch (e) {
    console.warn('[sentry-electron-native] init() failed; the app continues without crash reporting', e);
    return undefined;
  }
}
