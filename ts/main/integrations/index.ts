/**
 * The integrations of Electron's main process that this folder holds, each turned off by its `name`
 * (`integrations: (defaults) => defaults.filter((i) => i.name !== 'ElectronBreadcrumbs')`). NativeCrashes and
 * RendererIpc live beside their own machinery (../native-crashes, ../ipc).
 */
export { electronContextIntegration } from './electron-context';
export { electronBreadcrumbsIntegration, type ElectronBreadcrumbsOptions, type EventFilter } from './electron-breadcrumbs';
export {
  onUncaughtExceptionIntegration,
  onUnhandledRejectionIntegration,
  type OnUncaughtExceptionOptions,
  type OnUnhandledRejectionOptions,
} from './uncaught';
export {
  mainProcessSessionIntegration,
  markPreviousSessionCrashed,
  markSessionCrashed,
  previousRunOf,
  settlePreviousSession,
  type MainProcessSessionOptions,
  type PreviousRun,
} from './main-process-session';
export { preloadInjectionIntegration, preloadInjectionFailed, PRELOAD_ID, type PreloadInjectionOptions } from './preload-injection';
export { childProcessGoneIntegration, rendererPidOf, type ChildProcessGoneOptions } from './child-process-gone';
export { screenshotsIntegration } from './screenshots';
export { gpuContextIntegration, type GpuContextOptions } from './gpu-context';
export { additionalContextIntegration, type AdditionalContextOptions } from './additional-context';
export { normalizePathsIntegration } from './normalize-paths';
export { electronNetIntegration, type NetOptions } from './electron-net';
export { browserWindowSessionIntegration, type BrowserWindowSessionOptions } from './browser-window-session';
export { startupTracingIntegration, type StartupTracingOptions } from './startup-tracing';
export { electronMinidumpIntegration, minidumpUrlFromDsn } from './electron-minidump';
export { rendererProfilingIntegration, rendererProfileFromIpc } from './renderer-profiling';
