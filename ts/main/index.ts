/**
 * `@acme/sentry-electron-native/main`: the SDK for Electron's main process. `init()` once, early; everything else
 * is Sentry's usual API as @sentry/electron 7 exports it from `/main` (./sentry-api: @sentry/core's functions,
 * @sentry/node 11's loaded at first use), plus the Electron integrations, each removable by name.
 */
export { init, getDefaultIntegrations, defaultRelease, SDK_NAME } from './sdk';
export { IPCMode, type ElectronMainOptions, type MinidumpPolicy } from './options';
export { ElectronMainClient, type NativeCrashOutcome } from './client';
export { rendererIpcIntegration } from './ipc/renderer-ipc';
export { utilityProcessIpcIntegration } from './ipc/utility-ipc';
export { rendererEventLoopBlockIntegration } from './integrations/renderer-event-loop-block';
export { nativeCrashesIntegration, type NativeCrashesOptions } from './native-crashes/integration';
export * from './integrations';
// @sentry/electron 7's names of integrations we do differently, as aliases of ours (the integration keeps our name,
// so two never run side by side): SentryMinidump → NativeCrashes (dumps read and symbolicated on the client, sent
// with the event), ChildProcess → ChildProcessGone.
export { nativeCrashesIntegration as sentryMinidumpIntegration } from './native-crashes/integration';
export { childProcessGoneIntegration as childProcessIntegration } from './integrations/child-process-gone';
export { makeElectronTransport, makeElectronOfflineTransport, type ElectronNetTransportOptions, type ElectronOfflineTransportOptions } from './transports';
export { defaultStackParser } from './stack-parser';
export { parseMinidump, parseMinidumpSync } from '../native/parse';
export { MinidumpError } from '../native/errors';
export type { MinidumpReport } from '../native/types';
export * from './sentry-api';
export * from '../node-api/node-sdk';
export * from '../node-api/v10-names';
