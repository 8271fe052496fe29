/**
 * The one fact PreloadInjection tells RendererIpc: the preload could not be injected (main was bundled and the
 * preload file is not where the package put it), so renderers will have no bridge and must use the Protocol path.
 */
import type { Client } from '@sentry/core';

const fallbacks = new WeakSet<Client>();

/** Called by PreloadInjection before RendererIpc sets up (integrations set up in order). */
export function setPreloadFallbackToProtocol(client: Client): void {
  fallbacks.add(client);
}

export function preloadFallbackToProtocol(client: Client): boolean {
  return fallbacks.has(client);
}
