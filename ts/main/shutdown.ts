/**
 * One `before-quit` for the whole SDK: integrations register what must finish before the app exits (pending crash
 * reports, the session update, the run's scope), and quitting waits for all of it — once, and never longer than
 * `shutdownTimeoutMs` — then flushes the client and lets the quit proceed.
 */
import { debug, type Client } from '@sentry/core';
import { electron } from './electron';
import type { ElectronClientOptions } from './options';

type Task = () => Promise<unknown>;

const tasks = new WeakMap<Client, Set<Task>>();

/** Registers work to finish before the app quits. Returns a function that unregisters it. */
export function onShutdown(client: Client, task: Task): () => void {
  let set = tasks.get(client);
  if (!set) tasks.set(client, (set = new Set()));
  set.add(task);
  return () => set.delete(task);
}

/** Installs the one `before-quit` handler (called by `init()`). */
export function installShutdown(client: Client): void {
  const { app } = electron();
  let done = false;
  app.on('before-quit', (event) => {
    if (done) return;
    done = true;
    // Hold the quit while the work finishes, then quit again: Electron's documented way to defer quitting.
    event.preventDefault();
    const timeout = (client.getOptions() as ElectronClientOptions).shutdownTimeoutMs ?? 2000;
    void finish(client, timeout).finally(() => app.quit());
  });
}

/** Runs every registered task and flushes the client, all within `timeoutMs`. Never rejects. */
export async function finish(client: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const work = Promise.allSettled([...(tasks.get(client) ?? [])].map((t) => t()));
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
  try {
    await Promise.race([work, expired]);
    await client.flush(Math.max(1, deadline - Date.now()));
  } catch (e) {
    debug.warn('[shutdown] flushing failed', e);
  } finally {
    clearTimeout(timer);
  }
}
