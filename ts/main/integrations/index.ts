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
