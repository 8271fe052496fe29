/**
 * The part of Sentry's Node SDK (@sentry/node 11) that @sentry/core does not hold — Node's integrations, its
 * framework and database instrumentation, NodeClient, OpenTelemetry set-up — exported under the same names, but
 * loaded at first use. Requiring @sentry/node costs about 300 ms of main's thread (its instrumentation for every
 * framework loads with it), three times our whole start-up; an Electron app that never calls one of these pays
 * nothing, one that does pays once, when it does.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { debug } from '@sentry/core';
import type * as NodeSdkModule from '@sentry/node';

type NodeSdk = typeof NodeSdkModule;

let loaded: NodeSdk | undefined;

/** @sentry/node, required the first time something needs it. */
export function nodeSdk(): NodeSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('@sentry/node') as NodeSdk;
  return loaded;
}

/** Whether @sentry/node has been loaded yet (for the start-up tests and the bench). */
export function nodeSdkLoaded(): boolean {
  return loaded !== undefined;
}

/** A package that @sentry/node depends on, resolved from it (its dependency, not ours). */
export function fromNodeSdk<T>(specifier: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return createRequire(require.resolve('@sentry/node'))(specifier) as T;
}

/**
 * A module of @sentry/node's own build, `file` relative to its CommonJS entry, if it exports `probe` (so a later
 * 11.x that moved the file is noticed); else `fallback()`, from the whole package. Parts that cost a few ms this way
 * cost ~300 ms with the package, which loads every framework's instrumentation.
 */
export function fromNodeFile<T>(file: string, probe: string, fallback: () => T): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(path.dirname(require.resolve('@sentry/node')), file)) as Record<string, unknown>;
    if (mod[probe] !== undefined) return mod as T;
  } catch {
    // moved, or bundled into the app: the package has it
  }
  return fallback();
}

let channelInjection = false;

/**
 * Registers Sentry JS v11's module hook that injects diagnostics channels into frameworks and databases as they
 * load (what NodeClient does in its constructor). Once; a failure is logged and leaves those modules uninstrumented.
 */
export function useChannelInjection(): void {
  if (channelInjection) return;
  try {
    nodeSdk();
    fromNodeSdk<{ registerDiagnosticsChannelInjection(): void }>('@sentry/server-runtime-injection/register').registerDiagnosticsChannelInjection();
    channelInjection = true;
  } catch (e) {
    debug.warn('[sentry-electron-native] diagnostics-channel injection is not available; frameworks load uninstrumented', e);
  }
}

export const channelInjectionRegistered = (): boolean => channelInjection;

type Fn = (...args: never[]) => unknown;
type KeysOfKind<K> = { [N in keyof NodeSdk]: NodeSdk[N] extends K ? N : never }[keyof NodeSdk];

/** A function that calls @sentry/node's of the same name (loading it then), with its exact signature. */
function lazyFunction<N extends KeysOfKind<Fn>>(name: N): NodeSdk[N] {
  const call = function (this: unknown, ...args: unknown[]): unknown {
    return Reflect.apply(nodeSdk()[name] as (...a: unknown[]) => unknown, this, args);
  };
  Object.defineProperty(call, 'name', { value: name });
  return call as unknown as NodeSdk[N];
}

/** A framework or database integration: as lazyFunction, and it switches on the module hook it works through. */
function lazyInstrumentation<N extends KeysOfKind<Fn>>(name: N): NodeSdk[N] {
  const inner = lazyFunction(name) as unknown as (...a: unknown[]) => unknown;
  const call = function (this: unknown, ...args: unknown[]): unknown {
    useChannelInjection();
    return Reflect.apply(inner, this, args);
  };
  Object.defineProperty(call, 'name', { value: name });
  return call as unknown as NodeSdk[N];
}

/**
 * A class or namespace object of @sentry/node that exists as soon as its property, its `new` or its `instanceof`
 * is used: a Proxy whose target is a plain function (so both `new` and calls are allowed) and whose every trap
 * forwards to the real value.
 */
function lazyValue<N extends keyof NodeSdk>(name: N, load: () => NodeSdk[N] = () => nodeSdk()[name]): NodeSdk[N] {
  let cached: object | undefined;
  const real = (): object => (cached ??= load() as unknown as object);
  const target = function () {} as unknown as object;
  return new Proxy(target, {
    get: (_t, key) => {
      const r = real() as Record<PropertyKey, unknown>;
      const v = Reflect.get(r, key, r);
      // Methods of a namespace object (logger.info, cron.instrumentCron) keep their `this`.
      return typeof v === 'function' && typeof r !== 'function' ? (v as Fn).bind(r) : v;
    },
    has: (_t, key) => Reflect.has(real(), key),
    set: (_t, key, value) => Reflect.set(real(), key, value),
    // `new NodeClient()` has the proxy as new.target, whose `prototype` (forwarded above) is the real class's.
    construct: (_t, args, newTarget) => Reflect.construct(real() as new (...a: unknown[]) => object, args, newTarget),
    apply: (_t, self, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, self, args),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  }) as unknown as NodeSdk[N];
}

// Classes and namespace objects.
export const NodeClient: NodeSdk['NodeClient'] = lazyValue('NodeClient');
export type NodeClient = NodeSdkModule.NodeClient;
export const OpenFeatureIntegrationHook: NodeSdk['OpenFeatureIntegrationHook'] = lazyValue('OpenFeatureIntegrationHook');
export type OpenFeatureIntegrationHook = NodeSdkModule.OpenFeatureIntegrationHook;
// Node's logs API (printf-style templates through node:util) is two small files: loaded alone, not with the package.
export const logger: NodeSdk['logger'] = lazyValue('logger', () => fromNodeFile('logs/exports.js', 'info', () => nodeSdk().logger));
export const cron: NodeSdk['cron'] = lazyValue('cron');

// Node's own integrations (the defaults of `init()` wrap theirs lazily: ./integrations/node-defaults.ts).
export const consoleIntegration: NodeSdk['consoleIntegration'] = lazyFunction('consoleIntegration');
export const contextLinesIntegration: NodeSdk['contextLinesIntegration'] = lazyFunction('contextLinesIntegration');
export const localVariablesIntegration: NodeSdk['localVariablesIntegration'] = lazyFunction('localVariablesIntegration');
export const nativeNodeFetchIntegration: NodeSdk['nativeNodeFetchIntegration'] = lazyFunction('nativeNodeFetchIntegration');
export const nodeContextIntegration: NodeSdk['nodeContextIntegration'] = lazyFunction('nodeContextIntegration');
export const modulesIntegration: NodeSdk['modulesIntegration'] = lazyFunction('modulesIntegration');
export const httpIntegration: NodeSdk['httpIntegration'] = lazyFunction('httpIntegration');
export const httpServerIntegration: NodeSdk['httpServerIntegration'] = lazyFunction('httpServerIntegration');
export const httpServerSpansIntegration: NodeSdk['httpServerSpansIntegration'] = lazyFunction('httpServerSpansIntegration');
export const fsIntegration: NodeSdk['fsIntegration'] = lazyFunction('fsIntegration');
export const systemErrorIntegration: NodeSdk['systemErrorIntegration'] = lazyFunction('systemErrorIntegration');
export const nodeRuntimeMetricsIntegration: NodeSdk['nodeRuntimeMetricsIntegration'] = lazyFunction('nodeRuntimeMetricsIntegration');
export const spotlightIntegration: NodeSdk['spotlightIntegration'] = lazyFunction('spotlightIntegration');
export const pinoIntegration: NodeSdk['pinoIntegration'] = lazyFunction('pinoIntegration');
export const createSentryWinstonTransport: NodeSdk['createSentryWinstonTransport'] = lazyFunction('createSentryWinstonTransport');
export const createGetModuleFromFilename: NodeSdk['createGetModuleFromFilename'] = lazyFunction('createGetModuleFromFilename');
export const getAutoPerformanceIntegrations: NodeSdk['getAutoPerformanceIntegrations'] = lazyFunction('getAutoPerformanceIntegrations');
export const initOpenTelemetry: NodeSdk['initOpenTelemetry'] = lazyFunction('initOpenTelemetry');
/** Sentry JS v10's name of the OpenTelemetry async context strategy (v11: setOpenTelemetryContextAsyncContextStrategy). */
export const setNodeAsyncContextStrategy: NodeSdk['setOpenTelemetryContextAsyncContextStrategy'] = lazyFunction('setOpenTelemetryContextAsyncContextStrategy');

// Frameworks, databases, queues, AI SDKs, feature flags.
export const amqplibIntegration: NodeSdk['amqplibIntegration'] = lazyInstrumentation('amqplibIntegration');
export const anthropicAIIntegration: NodeSdk['anthropicAIIntegration'] = lazyInstrumentation('anthropicAIIntegration');
export const dataloaderIntegration: NodeSdk['dataloaderIntegration'] = lazyInstrumentation('dataloaderIntegration');
export const expressIntegration: NodeSdk['expressIntegration'] = lazyInstrumentation('expressIntegration');
export const expressErrorHandler: NodeSdk['expressErrorHandler'] = lazyFunction('expressErrorHandler');
export const setupExpressErrorHandler: NodeSdk['setupExpressErrorHandler'] = lazyFunction('setupExpressErrorHandler');
export const fastifyIntegration: NodeSdk['fastifyIntegration'] = lazyInstrumentation('fastifyIntegration');
export const setupFastifyErrorHandler: NodeSdk['setupFastifyErrorHandler'] = lazyFunction('setupFastifyErrorHandler');
export const firebaseIntegration: NodeSdk['firebaseIntegration'] = lazyInstrumentation('firebaseIntegration');
export const genericPoolIntegration: NodeSdk['genericPoolIntegration'] = lazyInstrumentation('genericPoolIntegration');
export const googleGenAIIntegration: NodeSdk['googleGenAIIntegration'] = lazyInstrumentation('googleGenAIIntegration');
export const graphqlIntegration: NodeSdk['graphqlIntegration'] = lazyInstrumentation('graphqlIntegration');
export const hapiIntegration: NodeSdk['hapiIntegration'] = lazyInstrumentation('hapiIntegration');
export const setupHapiErrorHandler: NodeSdk['setupHapiErrorHandler'] = lazyFunction('setupHapiErrorHandler');
export const honoIntegration: NodeSdk['honoIntegration'] = lazyInstrumentation('honoIntegration');
export const kafkaIntegration: NodeSdk['kafkaIntegration'] = lazyInstrumentation('kafkaIntegration');
export const knexIntegration: NodeSdk['knexIntegration'] = lazyInstrumentation('knexIntegration');
export const koaIntegration: NodeSdk['koaIntegration'] = lazyInstrumentation('koaIntegration');
export const setupKoaErrorHandler: NodeSdk['setupKoaErrorHandler'] = lazyFunction('setupKoaErrorHandler');
export const langChainIntegration: NodeSdk['langChainIntegration'] = lazyInstrumentation('langChainIntegration');
export const createLangChainCallbackHandler: NodeSdk['createLangChainCallbackHandler'] = lazyFunction('createLangChainCallbackHandler');
export const instrumentLangChainEmbeddings: NodeSdk['instrumentLangChainEmbeddings'] = lazyFunction('instrumentLangChainEmbeddings');
export const langGraphIntegration: NodeSdk['langGraphIntegration'] = lazyInstrumentation('langGraphIntegration');
export const instrumentStateGraph: NodeSdk['instrumentStateGraph'] = lazyFunction('instrumentStateGraph');
/** v10's alias of instrumentStateGraph. */
export const instrumentLangGraph: NodeSdk['instrumentStateGraph'] = lazyFunction('instrumentStateGraph');
export const instrumentStateGraphCompile: NodeSdk['instrumentStateGraphCompile'] = lazyFunction('instrumentStateGraphCompile');
export const launchDarklyIntegration: NodeSdk['launchDarklyIntegration'] = lazyInstrumentation('launchDarklyIntegration');
export const buildLaunchDarklyFlagUsedHandler: NodeSdk['buildLaunchDarklyFlagUsedHandler'] = lazyFunction('buildLaunchDarklyFlagUsedHandler');
export const lruMemoizerIntegration: NodeSdk['lruMemoizerIntegration'] = lazyInstrumentation('lruMemoizerIntegration');
export const mongoIntegration: NodeSdk['mongoIntegration'] = lazyInstrumentation('mongoIntegration');
export const mongooseIntegration: NodeSdk['mongooseIntegration'] = lazyInstrumentation('mongooseIntegration');
export const mysqlIntegration: NodeSdk['mysqlIntegration'] = lazyInstrumentation('mysqlIntegration');
export const mysql2Integration: NodeSdk['mysql2Integration'] = lazyInstrumentation('mysql2Integration');
export const openAIIntegration: NodeSdk['openAIIntegration'] = lazyInstrumentation('openAIIntegration');
export const instrumentOpenAiClient: NodeSdk['instrumentOpenAiClient'] = lazyFunction('instrumentOpenAiClient');
export const instrumentAnthropicAiClient: NodeSdk['instrumentAnthropicAiClient'] = lazyFunction('instrumentAnthropicAiClient');
export const instrumentGoogleGenAIClient: NodeSdk['instrumentGoogleGenAIClient'] = lazyFunction('instrumentGoogleGenAIClient');
export const openFeatureIntegration: NodeSdk['openFeatureIntegration'] = lazyInstrumentation('openFeatureIntegration');
export const postgresIntegration: NodeSdk['postgresIntegration'] = lazyInstrumentation('postgresIntegration');
export const postgresJsIntegration: NodeSdk['postgresJsIntegration'] = lazyInstrumentation('postgresJsIntegration');
export const prismaIntegration: NodeSdk['prismaIntegration'] = lazyInstrumentation('prismaIntegration');
export const redisIntegration: NodeSdk['redisIntegration'] = lazyInstrumentation('redisIntegration');
export const statsigIntegration: NodeSdk['statsigIntegration'] = lazyInstrumentation('statsigIntegration');
export const tediousIntegration: NodeSdk['tediousIntegration'] = lazyInstrumentation('tediousIntegration');
export const trpcMiddleware: NodeSdk['trpcMiddleware'] = lazyFunction('trpcMiddleware');
export const unleashIntegration: NodeSdk['unleashIntegration'] = lazyInstrumentation('unleashIntegration');
export const wrapMcpServerWithSentry: NodeSdk['wrapMcpServerWithSentry'] = lazyFunction('wrapMcpServerWithSentry');
