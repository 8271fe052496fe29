/**
 * Scopes that follow async calls in main: the current and isolation scope live in an AsyncLocalStorage, so
 * `withScope`, `withIsolationScope` and spans started inside them keep their scope across `await`, timers and
 * Electron's callbacks. This is what @sentry/node 11 sets up when OpenTelemetry is off (its default), built on
 * @sentry/core and node:async_hooks alone so that `init()` does not load @sentry/node.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  _INTERNAL_safeMathRandom,
  generateTraceId,
  getAsyncContextStrategy,
  getDefaultCurrentScope,
  getDefaultIsolationScope,
  getMainCarrier,
  isContinuingTrace,
  setAsyncContextStrategy,
  type Scope,
} from '@sentry/core';

interface Scopes {
  scope: Scope;
  isolationScope: Scope;
}

/** Installs the strategy (once: a second `init()` keeps the storage that integrations may already hold). */
export function useAsyncLocalStorageContext(): AsyncLocalStorage<Scopes> {
  const existing = getAsyncContextStrategy(getMainCarrier()).getTracingChannelBinding?.()?.asyncLocalStorage as AsyncLocalStorage<Scopes> | undefined;
  const storage = existing ?? new AsyncLocalStorage<Scopes>();
  // Outside any `run` (code that started before init, or a callback Node lost the context of): the global defaults.
  const current = (): Scopes => storage.getStore() ?? { scope: getDefaultCurrentScope(), isolationScope: getDefaultIsolationScope() };

  setAsyncContextStrategy({
    // A forked current scope shares the isolation scope: setUser/setTag inside the callback write to it.
    withScope: (callback) => {
      const { scope, isolationScope } = current();
      const forked = scope.clone();
      return storage.run({ scope: forked, isolationScope }, () => callback(forked));
    },
    withSetScope: (scope, callback) => storage.run({ scope, isolationScope: current().isolationScope }, () => callback(scope)),
    withIsolationScope: (callback) => {
      const { scope, isolationScope } = current();
      const forkedScope = scope.clone();
      const forkedIsolation = isolationScope.clone();
      // A new isolation scope is a new unit of work (a request, a window's job): its own trace, unless the code
      // continues an incoming one.
      if (!isContinuingTrace(forkedScope.getPropagationContext())) {
        forkedScope.setPropagationContext({ traceId: generateTraceId(), sampleRand: _INTERNAL_safeMathRandom() });
      }
      return storage.run({ scope: forkedScope, isolationScope: forkedIsolation }, () => callback(forkedIsolation));
    },
    withSetIsolationScope: (isolationScope, callback) =>
      storage.run({ scope: current().scope.clone(), isolationScope }, () => callback(isolationScope)),
    getCurrentScope: () => current().scope,
    getIsolationScope: () => current().isolationScope,
    getTracingChannelBinding: () => ({ asyncLocalStorage: storage }),
  });
  return storage;
}
