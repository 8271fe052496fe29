/**
 * `@acme/sentry-electron-native/main`: the SDK for Electron's main process. `init()` once, early; everything else
 * is @sentry/core's usual API (re-exported here) plus the integrations, each removable by name.
 */
export { init, getDefaultIntegrations, SDK_NAME } from './sdk';
export { IPCMode, type ElectronMainOptions, type MinidumpPolicy } from './options';
export { ElectronMainClient, type NativeCrashOutcome } from './client';
export { rendererIpcIntegration } from './ipc/renderer-ipc';
export { utilityProcessIpcIntegration } from './ipc/utility-ipc';
export { rendererEventLoopBlockIntegration } from './integrations/renderer-event-loop-block';
export { nativeCrashesIntegration, type NativeCrashesOptions } from './native-crashes/integration';
export * from './integrations';
export { parseMinidump, parseMinidumpSync } from '../native/parse';
export { MinidumpError } from '../native/errors';
export type { MinidumpReport } from '../native/types';
export {
  addBreadcrumb,
  captureEvent,
  captureException,
  captureMessage,
  close,
  flush,
  getClient,
  getCurrentScope,
  getGlobalScope,
  getIsolationScope,
  lastEventId,
  startSession,
  endSession,
  withScope,
  type Breadcrumb,
  type Event,
  type EventHint,
  type Scope,
} from '@sentry/core';
export * from '../common/scope-setters';
