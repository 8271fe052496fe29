/**
 * ScopeToMain: keeps main's copy of this page's scope current (./scope-sync), so that main can put the page's
 * tags, user, contexts and breadcrumbs on what it reports for this renderer itself: its native crash, which no
 * script in the page survives to report. Named as @sentry/electron names it, so that
 * `integrations: (defaults) => defaults.filter((i) => i.name !== 'ScopeToMain')` turns it off the same way.
 */
import { defineIntegration, type Client, type ClientOptions } from '@sentry/core';
import { DEFAULT_NAMESPACE } from '../common/ipc';
import { linkToMain } from './link';
import { ScopeSync } from './scope-sync';
import { pageState } from './state';

interface ScopeToMainOptions {
  /** Batching window in milliseconds; the default is `init({ scopeBatchMs })`, else 50. */
  batchMs?: number;
}

export const scopeToMainIntegration = defineIntegration((integrationOptions: ScopeToMainOptions = {}) => {
  return {
    name: 'ScopeToMain',
    setup(client: Client) {
      const options = client.getOptions() as ClientOptions & { ipcNamespace?: string; scopeBatchMs?: number };
      const state = pageState();
      const namespace = options.ipcNamespace ?? state?.namespace ?? DEFAULT_NAMESPACE;
      const link = linkToMain(namespace);
      const sync = new ScopeSync((json) => void link.send('scope', json), {
        windowMs: integrationOptions.batchMs ?? options.scopeBatchMs,
        depth: options.normalizeDepth,
        maxBreadth: options.normalizeMaxBreadth,
      });
      if (state) state.flushScope = () => sync.flush();
      sync.start();
      client.on('close', () => sync.stop());
    },
  };
});
