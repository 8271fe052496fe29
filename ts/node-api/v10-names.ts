/**
 * Names that @sentry/electron 7 exports from Sentry JS v10 and that v11 renamed or dropped, kept so a v7 app compiles
 * and behaves as before: each is v11's replacement under the old name, or, where v11 has none, ours.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  captureException,
  debug,
  defineIntegration,
  getClient,
  type Integration,
  type Options,
} from '@sentry/core';
import { channelInjectionRegistered, fromNodeSdk, nodeSdk, useChannelInjection } from './node-sdk';

export { SEMANTIC_ATTRIBUTE_SENTRY_SOURCE, inboundFiltersIntegration } from '../common/v10-renames';

/**
 * Sentry JS v11 instruments frameworks and databases by injecting diagnostics channels into their modules as they
 * load. Our client does not register that hook at `init()` (it costs about 375 ms of main's thread, and few
 * Electron apps run a server); creating any framework or database integration registers it, and so does this.
 */
export function experimentalUseDiagnosticsChannelInjection(_options?: Record<string, unknown>): void {
  useChannelInjection();
}

/** Whether framework modules are instrumented through diagnostics channels (see above). */
export function isDiagnosticsChannelInjectionEnabled(): boolean {
  return channelInjectionRegistered();
}

/** The integrations that trace frameworks and databases through diagnostics channels (v11: all of its tracing ones). */
export function diagnosticsChannelInjectionIntegrations(): Integration[] {
  useChannelInjection();
  return nodeSdk().getAutoPerformanceIntegrations();
}

/**
 * v10 swapped OpenTelemetry integrations for their diagnostics-channel versions here; v11's are all of the
 * latter already, so the list is kept and the injection they need is switched on.
 */
export function applyDiagnosticsChannelInjectionIntegrations(integrations: Integration[], _options: Options): Integration[] {
  useChannelInjection();
  return integrations;
}

/** A Connect app (`connect()`), as far as error handling needs it. */
interface ConnectApp {
  use(handler: (err: unknown, req: unknown, res: unknown, next: (err?: unknown) => void) => void): unknown;
}

/** Reports errors that reach Connect's error middleware, then passes them on (Connect still answers 500). */
export function setupConnectErrorHandler(app: ConnectApp): void {
  app.use((err, _req, _res, next) => {
    captureException(err, { mechanism: { type: 'auto.middleware.connect', handled: false } });
    next(err);
  });
}

/**
 * v10 traced Connect's middleware through OpenTelemetry; v11 has no Connect instrumentation. Its errors are still
 * reported through setupConnectErrorHandler; the missing spans are said once in the debug log.
 */
export const connectIntegration = defineIntegration(() => ({
  name: 'Connect',
  setupOnce(): void {
    debug.log('[Connect] Sentry JS v11 has no span instrumentation for Connect; setupConnectErrorHandler(app) still reports its errors.');
  },
}));

/** A Hono app, as far as `use` goes. */
interface HonoApp {
  use(...handlers: unknown[]): unknown;
}

/** v10's Hono error handler: v11's Hono middleware, which reports the errors of Hono's handlers. */
export function setupHonoErrorHandler(app: HonoApp, options?: Record<string, unknown>): void {
  const sdk = nodeSdk() as unknown as { honoMiddleware(app: unknown, options?: unknown): unknown };
  useChannelInjection();
  app.use(sdk.honoMiddleware(app, options));
}

/** An OpenTelemetry instrumentation, as far as registering one goes. */
interface Instrumentation {
  instrumentationName: string;
  setConfig?(config: unknown): void;
  setTracerProvider?(provider: unknown): void;
  enable(): void;
}

/**
 * Creates an OpenTelemetry instrumentation the first time the returned function is called and registers it with
 * the global tracer provider; later calls update its config (v10's helper for custom instrumentation).
 */
export function generateInstrumentOnce<Opts = unknown, I extends Instrumentation = Instrumentation>(
  name: string,
  creator: (options?: Opts) => I,
): ((options?: Opts) => I) & { id: string } {
  let instance: I | undefined;
  const instrument = (options?: Opts): I => {
    if (instance) {
      if (options !== undefined) instance.setConfig?.(options);
      return instance;
    }
    instance = creator(options);
    const api = fromNodeSdk<{ trace: { getTracerProvider(): unknown } }>('@opentelemetry/api');
    instance.setTracerProvider?.(api.trace.getTracerProvider());
    instance.enable();
    return instance;
  };
  return Object.assign(instrument, { id: name });
}

/**
 * Checks that OpenTelemetry feeds Sentry: the global tracer provider must be Sentry's (init with
 * `enableOpenTelemetrySetup: true`, or register it yourself). Says what is wrong through the debug log.
 */
export function validateOpenTelemetrySetup(): void {
  const client = getClient() as { traceProvider?: unknown } | undefined;
  if (!client) return debug.warn('[OpenTelemetry] Sentry is not initialised.');
  try {
    const api = fromNodeSdk<{ trace: { getTracerProvider(): { getDelegate?(): unknown } } }>('@opentelemetry/api');
    const { SentryTracerProvider } = fromNodeSdk<{ SentryTracerProvider: new () => object }>('@sentry/opentelemetry');
    const global = api.trace.getTracerProvider();
    const provider = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
    if (!(provider instanceof SentryTracerProvider)) {
      debug.warn('[OpenTelemetry] the global tracer provider is not Sentry\'s: OpenTelemetry spans will not reach Sentry.');
    }
  } catch (e) {
    debug.warn('[OpenTelemetry] could not be checked', e);
  }
}

type OtelContext = object;

/** An OpenTelemetry context manager on AsyncLocalStorage: the active context follows async calls. */
export class SentryContextManager {
  private storage = new AsyncLocalStorage<OtelContext>();
  private root: OtelContext;

  public constructor(root?: OtelContext) {
    this.root = root ?? fromNodeSdk<{ ROOT_CONTEXT: OtelContext }>('@opentelemetry/api').ROOT_CONTEXT;
  }

  public active(): OtelContext {
    return this.storage.getStore() ?? this.root;
  }

  public with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: OtelContext, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  public bind<T>(context: OtelContext, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...a: unknown[]) => unknown;
    return ((...a: unknown[]) => this.with(context, fn, undefined, ...a)) as unknown as T;
  }

  public enable(): this {
    return this;
  }

  public disable(): this {
    this.storage.disable();
    this.storage = new AsyncLocalStorage<OtelContext>();
    return this;
  }
}
