/**
 * `@acme/sentry-electron-native/utility`: the SDK for Electron utility processes (`utilityProcess.fork`). `init()`
 * once, first thing in the process's module; the rest is @sentry/node 11's API, re-exported under the names
 * @sentry/electron 7's `/utility` has. Events, with the process's scope and breadcrumbs, reach main over a
 * MessagePort and are sent from there.
 */
export { init, getDefaultIntegrations, defaultStackParser } from './sdk';
export { makeUtilityProcessTransport } from './transport';
// The Sentry JS v10 names that @sentry/electron 7's /utility has and v11 renamed or dropped, as /main has them.
export {
  SEMANTIC_ATTRIBUTE_SENTRY_SOURCE, SentryContextManager, applyDiagnosticsChannelInjectionIntegrations,
  connectIntegration, diagnosticsChannelInjectionIntegrations, experimentalUseDiagnosticsChannelInjection,
  generateInstrumentOnce, inboundFiltersIntegration, isDiagnosticsChannelInjectionEnabled, setupConnectErrorHandler,
  setupHonoErrorHandler, validateOpenTelemetrySetup,
} from '../node-api/v10-names';
export { instrumentLangGraph, setNodeAsyncContextStrategy } from '../node-api/node-sdk';
export {
  NodeClient, OpenFeatureIntegrationHook, SEMANTIC_ATTRIBUTE_SENTRY_OP, SEMANTIC_ATTRIBUTE_SENTRY_ORIGIN,
  SEMANTIC_ATTRIBUTE_SENTRY_SAMPLE_RATE, Scope, addBreadcrumb, addEventProcessor, addIntegration, amqplibIntegration,
  anthropicAIIntegration, bindScopeToEmitter, buildLaunchDarklyFlagUsedHandler, captureCheckIn,
  captureConsoleIntegration, captureEvent, captureException, captureFeedback, captureMessage, captureSession,
  childProcessIntegration, close, consoleIntegration, consoleLoggingIntegration, contextLinesIntegration,
  continueTrace, createConsolaReporter, createGetModuleFromFilename, createLangChainCallbackHandler,
  createSentryWinstonTransport, createTransport, cron, dataloaderIntegration, dedupeIntegration, endSession,
  eventFiltersIntegration, expressErrorHandler, expressIntegration, extraErrorDataIntegration, fastifyIntegration,
  featureFlagsIntegration, firebaseIntegration, flush, fsIntegration, functionToStringIntegration,
  genericPoolIntegration, getActiveSpan, getAutoPerformanceIntegrations, getClient, getCurrentScope, getGlobalScope,
  getIsolationScope, getRootSpan, getSpanDescendants, getSpanStatusFromHttpCode, getTraceData, getTraceMetaTags,
  googleGenAIIntegration, graphqlIntegration, growthbookIntegration, hapiIntegration, honoIntegration,
  httpHeadersToSpanAttributes, httpIntegration, httpServerIntegration, httpServerSpansIntegration, initOpenTelemetry,
  instrumentAnthropicAiClient, instrumentGoogleGenAIClient, instrumentLangChainEmbeddings, instrumentOpenAiClient,
  instrumentStateGraph, instrumentStateGraphCompile, instrumentSupabaseClient, isEnabled, isInitialized,
  kafkaIntegration, knexIntegration, koaIntegration, langChainIntegration, langGraphIntegration, lastEventId,
  launchDarklyIntegration, linkedErrorsIntegration, localVariablesIntegration, logger, lruMemoizerIntegration,
  metrics, modulesIntegration, mongoIntegration, mongooseIntegration, mysql2Integration, mysqlIntegration,
  nativeNodeFetchIntegration, nodeContextIntegration, nodeRuntimeMetricsIntegration, onUncaughtExceptionIntegration,
  onUnhandledRejectionIntegration, openAIIntegration, openFeatureIntegration, parameterize, pinoIntegration,
  postgresIntegration, postgresJsIntegration, prismaIntegration, profiler, redisIntegration, requestDataIntegration,
  rewriteFramesIntegration, setAttribute, setAttributes, setContext, setConversationId, setCurrentClient, setExtra,
  setExtras, setHttpStatus, setMeasurement, setTag, setTags, setUser, setupExpressErrorHandler,
  setupFastifyErrorHandler, setupHapiErrorHandler, setupKoaErrorHandler, spanStreamingIntegration,
  spanToBaggageHeader, spanToJSON, spanToTraceHeader, spotlightIntegration, startInactiveSpan, startNewTrace,
  startSession, startSpan, startSpanManual, statsigIntegration, supabaseIntegration, suppressTracing,
  systemErrorIntegration, tediousIntegration, trpcMiddleware, unleashIntegration, updateSpanName,
  winterCGHeadersToDict, withActiveSpan, withIsolationScope, withMonitor, withScope, withStreamedSpan,
  wrapMcpServerWithSentry, zodErrorsIntegration,
} from '@sentry/node';
export type {
  Breadcrumb, BreadcrumbHint, ErrorEvent, Event, EventHint, Exception, PolymorphicRequest, SdkInfo, Session,
  SeverityLevel, Span, StackFrame, Stacktrace, Thread, User, NodeOptions,
} from '@sentry/node';
