/**
 * Sentry's usual API in main, as @sentry/electron 7 exports it from `@sentry/electron/main`. What @sentry/node 11
 * takes from @sentry/core unchanged comes straight from @sentry/core (the same functions, without @sentry/node's
 * start-up cost); the rest is in ./node-sdk (loaded at first use) and ./v10-names (names that Sentry JS v11
 * renamed or dropped).
 */
export {
  captureCheckIn,
  close,
  flush,
  getTraceMetaTags,
  growthbookIntegration,
  httpHeadersToSpanAttributes,
  linkedErrorsIntegration,
  profiler,
  requestDataIntegration,
  startInactiveSpan,
  startSpan,
  startSpanManual,
  winterCGHeadersToDict,
  withMonitor,
} from '@sentry/core';
// The scope setters and the rest of the API that /renderer exports as well, from the lists both entries share.
export * from '../common/scope-setters';
export * from '../common/core-api';
export type {
  Breadcrumb,
  BreadcrumbHint,
  ErrorEvent,
  Event,
  EventHint,
  Exception,
  PolymorphicRequest,
  SdkInfo,
  Session,
  SeverityLevel,
  Span,
  StackFrame,
  Stacktrace,
  Thread,
  User,
} from '@sentry/core';
export type { NodeOptions } from '@sentry/node';
