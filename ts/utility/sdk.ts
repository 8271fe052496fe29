/**
 * `init()` of an Electron utility process: @sentry/node 11's SDK (its integrations and async context work here as
 * in any Node process), with events sent to main over a MessagePort (./transport.ts). Main adds what it knows
 * (`event.process: utility`, its release, environment and scope beneath) and sends them. The process's native
 * crashes are main's business (Crashpad), as before.
 */
import {
  consoleIntegration,
  createGetModuleFromFilename,
  eventFiltersIntegration,
  functionToStringIntegration,
  init as nodeInit,
  linkedErrorsIntegration,
  nativeNodeFetchIntegration,
  onUncaughtExceptionIntegration,
  onUnhandledRejectionIntegration,
  type NodeClient,
  type NodeOptions,
} from '@sentry/node';
import { createStackParser, debug, type Integration } from '@sentry/core';
import { nodeStackLineParser } from '@sentry/core/server';
import { makeUtilityProcessTransport } from './transport';

/** The stack parser of utility-process events (module names relative to the app, as in main). */
export const defaultStackParser = createStackParser(nodeStackLineParser(createGetModuleFromFilename()));

/** The default integrations of a utility process, @sentry/electron 7's: Node's error capture, console and fetch breadcrumbs. */
export function getDefaultIntegrations(): Integration[] {
  return [
    eventFiltersIntegration(),
    functionToStringIntegration(),
    linkedErrorsIntegration(),
    consoleIntegration(),
    nativeNodeFetchIntegration(),
    onUncaughtExceptionIntegration(),
    onUnhandledRejectionIntegration(),
  ];
}

/**
 * The DSN the Node SDK needs before it sends anything; never dialled: envelopes go to main, which has the real one.
 * (The same placeholder as @sentry/electron 7's utility SDK.)
 */
const PLACEHOLDER_DSN = 'https://12345@dummy.dsn/12345';

/** Starts the SDK in a utility process (`utilityProcess.fork`'s module). Never throws into the app. */
export function init(options: NodeOptions = {}): NodeClient | undefined {
  try {
    return nodeInit({
      defaultIntegrations: getDefaultIntegrations(),
      transport: makeUtilityProcessTransport(),
      // Main counts what it drops; a utility process has no endpoint of its own to report to.
      sendClientReports: false,
      ...options,
      stackParser: options.stackParser ?? defaultStackParser,
      dsn: PLACEHOLDER_DSN,
      includeServerName: false,
    });
  } catch (e) {
    debug.warn('[utility] init() failed; the process continues without error reporting', e);
    console.warn('[sentry-electron-native] init() from "/utility" failed', e);
    return undefined;
  }
}
