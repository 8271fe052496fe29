/**
 * The Sentry SDK for an Electron renderer (a page), built on `@sentry/browser` 11, with the names and call shapes of
 * `@sentry/electron/renderer` 7:
 *
 *   import * as Sentry from '@acme/sentry-electron-native/renderer';
 *   Sentry.init({ ipcNamespace: 'sentry-ipc' });                 // no DSN: main owns it
 *   Sentry.init({ integrations: [Sentry.browserTracingIntegration()] }, reactInit);  // a framework SDK's init
 *
 * The browser SDK does the capturing (errors, unhandled rejections, console and DOM breadcrumbs, linked errors,
 * dedupe, tracing, replay, feedback, …); this module only changes where things go. Envelopes are forwarded to main
 * (./transport, ./link) and scope changes follow in batches (./scope-to-main), because main also reports what no
 * page can: the renderer's own native crash, with that renderer's tags and breadcrumbs. Release-health sessions
 * are main's (one per app run, not one per page), so the browser's session integration is always left out.
 *
 * Works with contextIsolation and sandbox on: the page needs nothing from Node or Electron, only the preload's
 * bridge (Classic) or main's privileged scheme and the key main writes into the page (Protocol).
 *
 * Everything below the SDK's own names is the browser SDK's, unchanged: one Sentry carrier per page, so these
 * reach the renderer's client. The list is @sentry/electron 7's (__test__/dropin-names-renderer.spec.ts holds it
 * to theirs).
 */
export { getDefaultIntegrations, init, type ElectronRendererOptions, type RendererOptions } from './sdk';
export { makeRendererTransport } from './transport';
export { scopeToMainIntegration } from './scope-to-main';
export { defaultStackParser } from './stack-parse';
export { eventLoopBlockIntegration } from './event-loop-block';
export * from './ai';
export { SEMANTIC_ATTRIBUTE_SENTRY_SOURCE, inboundFiltersIntegration, showReportDialog } from './renamed';
export * from '../common/scope-setters';
export * from '../common/core-api';
export { DEFAULT_NAMESPACE } from '../common/ipc';

export {
  breadcrumbsIntegration,
  browserApiErrorsIntegration,
  BrowserClient,
  browserProfilingIntegration,
  browserSessionIntegration,
  browserTracingIntegration,
  buildLaunchDarklyFlagUsedHandler,
  chromeStackLineParser,
  contextLinesIntegration,
  createUserFeedbackEnvelope,
  defaultRequestInstrumentationOptions,
  elementTimingIntegration,
  eventFromException,
  eventFromMessage,
  exceptionFromError,
  feedbackAsyncIntegration,
  feedbackIntegration,
  feedbackSyncIntegration,
  fetchStreamPerformanceIntegration,
  forceLoad,
  getAbsoluteUrl,
  getFeedback,
  getReplay,
  globalHandlersIntegration,
  graphqlClientIntegration,
  growthbookIntegration,
  httpClientIntegration,
  httpContextIntegration,
  instrumentOutgoingRequests,
  isBotUserAgent,
  launchDarklyIntegration,
  linkedErrorsIntegration,
  moduleMetadataIntegration,
  MULTIPLEXED_TRANSPORT_EXTRA_KEY,
  normalizeStringifyValue,
  onLoad,
  openFeatureIntegration,
  OpenFeatureIntegrationHook,
  registerSpanErrorInstrumentation,
  registerWebWorker,
  replayCanvasIntegration,
  replayIntegration,
  reportingObserverIntegration,
  reportPageLoaded,
  sendFeedback,
  setActiveSpanInBrowser,
  spotlightBrowserIntegration,
  startBrowserTracingNavigationSpan,
  startBrowserTracingPageLoadSpan,
  startInactiveSpan,
  startSpan,
  startSpanManual,
  statsigIntegration,
  thirdPartyErrorFilterIntegration,
  uiProfiler,
  unleashIntegration,
  viewHierarchyIntegration,
  webVitalsIntegration,
  webWorkerIntegration,
  logger,
} from '@sentry/browser';
export type {
  Breadcrumb,
  BreadcrumbHint,
  BrowserOptions,
  ErrorEvent,
  Event,
  EventHint,
  Exception,
  ReportDialogOptions,
  SdkInfo,
  Session,
  SeverityLevel,
  StackFrame,
  Stacktrace,
  Thread,
  User,
} from '@sentry/browser';
