/**
 * Renderer event-loop heartbeats (the `status` messages of ts/common/ipc.ts), handed by RendererIpc to whoever
 * watches them in main: `rendererEventLoopBlockIntegration`. RendererIpc only validates and attributes them (to
 * the web contents main knows sent them); what a missing heartbeat means is the watcher's business.
 */
import type { Client } from '@sentry/core';
import type { RendererStatus } from '../../common/ipc';

export type RendererStatusListener = (webContentsId: number, status: RendererStatus) => void;

const listeners = new WeakMap<Client, Set<RendererStatusListener>>();

/** Calls `listener` with every valid heartbeat that reaches `client`'s RendererIpc; returns how to stop. */
export function onRendererStatus(client: Client, listener: RendererStatusListener): () => void {
  let set = listeners.get(client);
  if (!set) listeners.set(client, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}


export function emitRendererStatus(client: Client, webContentsId: number, status: RendererStatus): void {
  for (const listener of listeners.get(client) ?? []) listener(webContentsId, status);
}
