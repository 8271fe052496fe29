/**
 * `init()` for Electron's main process: a client on @sentry/core with the native transport (HTTP or Electron's
 * `net`, rate limits, durable queue), the Electron integrations, and one shutdown path. Never throws into the app:
 * a broken option or a missing piece is reported on the console and the SDK does what it still can.
 */
import * as path from 'node:path';
import {
  debug,
  dedupeIntegration,
  eventFiltersIntegration,
  functionToStringIntegration,
  getIntegrationsToSetup,
  initAndBind,
  linkedErrorsIntegration,
  stackParserFromStackParserOptions,
  type Client,
  type Integration,
} from '@sentry/core';
import { useAsyncLocalStorageContext } from './async-context';
import { nodeSdk } from '../node-api/node-sdk';
import { defaultStackParser } from './stack-parser';
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
  additionalContextIntegration,
  electronNetIntegration,
  gpuContextIntegration,
  normalizePathsIntegration,
  rendererProfilingIntegration,
  screenshotsIntegration,
} from './integrations';
import { nodeDefaultIntegrations } from './integrations/node-defaults';
import { rendererIpcIntegration } from './ipc/renderer-ipc';
import { utilityProcessIpcIntegration } from './ipc/utility-ipc';
import { rendererEventLoopBlockIntegration } from './integrations/renderer-event-loop-block';
import { nativeCrashesIntegration } from './native-crashes/integration';
import { checkedOptions, DEFAULTS, type ElectronClientOptions, type ElectronMainOptions } from './options';
import { installShutdown } from './shutdown';
import { installSpotlight } from './spotlight';
import { pause } from './native-crashes/pace';

/** The SDK's name in events and envelopes. */
export const SDK_NAME = 'sentry.javascript.electron-native';
const SDK_VERSION: string = (require('../../package.json') as { version: string }).version;

/**
 * The default integrations, in set-up order: @sentry/electron 7's (its Electron ones under our names where ours
 * differ — NativeCrashes for SentryMinidump, ChildProcessGone for ChildProcess — and its Node ones, which load
 * @sentry/node after start-up: ./integrations/node-defaults.ts), plus RendererIpc and UtilityProcessIpc. PreloadInjection comes before
 * RendererIpc: a failed injection switches the IPC to the Protocol path. Each can be removed by name through the
 * `integrations` function option. NormalizePaths is last, after every integration that adds frames or paths.
 */
export function getDefaultIntegrations(options: ElectronMainOptions = {}): Integration[] {
  return [
    nativeCrashesIntegration(),
    electronBreadcrumbsIntegration(),
    electronNetIntegration(),
    electronContextIntegration(),
    childProcessGoneIntegration(),
    onUncaughtExceptionIntegration(),
    preloadInjectionIntegration(),
    rendererIpcIntegration(),
    utilityProcessIpcIntegration(),
    additionalContextIntegration(),
    screenshotsIntegration(),
    gpuContextIntegration(),
    rendererEventLoopBlockIntegration(),
    mainProcessSessionIntegration(),
    eventFiltersIntegration(),
    functionToStringIntegration(),
    linkedErrorsIntegration(),
    nativeAwareDedupe(),
    onUnhandledRejectionIntegration(),
    ...nodeDefaultIntegrations(),
    ...(options.enableRendererProfiling ? [rendererProfilingIntegration()] : []),
    normalizePathsIntegration(),
  ];
}

/** Integrations that replace a default when the app adds them (two would report the same thing twice). */
const REPLACES: Array<[added: string, removed: string]> = [
  ['ElectronMinidump', 'NativeCrashes'],
  ['BrowserWindowSession', 'MainProcessSession'],
];

function withoutReplaced(integrations: Integration[]): Integration[] {
  const names = new Set(integrations.map((i) => i.name));
  const removed = new Set(REPLACES.filter(([added]) => names.has(added)).map(([, r]) => r));
  return removed.size ? integrations.filter((i) => !removed.has(i.name)) : integrations;
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

/** @sentry/electron 7's default release: the app's name with every non-word character a dash, `@`, its version. */
export function defaultRelease(): string {
  const { app } = electron();
  return `${(app.name || app.getName()).replace(/\W/g, '-')}@${app.getVersion()}`;
}

/**
 * OpenTelemetry, when the app asks for it (`enableOpenTelemetrySetup`, as in @sentry/node 11): its async context and
 * Sentry's tracer provider, so spans of OpenTelemetry instrumentation reach Sentry. Loads @sentry/node (~300 ms).
 */
function setUpOpenTelemetry(client: ElectronMainClient): void {
  try {
    const node = nodeSdk();
    node.setOpenTelemetryContextAsyncContextStrategy();
    node.initOpenTelemetry(client as never);
  } catch (e) {
    debug.warn('[sentry-electron-native] OpenTelemetry could not be set up; spans use @sentry/core alone', e);
  }
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
    if (options.debug) debug.enable();
    // Scopes follow async calls (withScope, withIsolationScope, spans), as in @sentry/node 11 without OpenTelemetry.
    useAsyncLocalStorageContext();
    const resolved: ElectronClientOptions = {
      ...DEFAULTS,
      ...options,
      dsn: options.dsn ?? process.env.SENTRY_DSN,
      release: options.release ?? process.env.SENTRY_RELEASE ?? defaultRelease(),
      environment: options.environment ?? process.env.SENTRY_ENVIRONMENT ?? (app.isPackaged ? 'production' : 'development'),
      integrations: withoutReplaced(
        getIntegrationsToSetup({
          integrations: options.integrations,
          defaultIntegrations: options.defaultIntegrations === false ? false : (options.defaultIntegrations ?? getDefaultIntegrations(options)),
        } as never),
      ),
      stackParser: stackParserFromStackParserOptions(options.stackParser ?? defaultStackParser),
      // An app's own transport is used as given (its native crashes then go without their minidump, see client.ts).
      transport: (options.transport ?? makeNativeTransport) as never,
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
    if (options.enableOpenTelemetrySetup) setUpOpenTelemetry(client);
    client.onNativeCrashSent = installSpotlight(client, options.spotlight);
    installShutdown(client);
    return client;
  } catch (e) {
    console.warn('[sentry-electron-native] init() failed; the app continues without crash reporting', e);
    return undefined;
  }
}
