/**
 * Local servers made for tests and demos must not outlive them: one close that cuts open connections (keep-alive
 * sockets, SSE streams, a request held back on purpose) and that also runs by itself after a lifetime.
 */
import type { Server } from 'node:http';

/**
 * Returns `close()` for `server`: stops listening, cuts every connection, clears `timers`; safe to call twice.
 * It runs by itself after `lifetimeMs` (an unref'd timer, so it never keeps the process alive on its own).
 */
export function closeWithin(server: Server, lifetimeMs: number, timers: Set<NodeJS.Timeout> = new Set()): () => Promise<void> {
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((ok) => {
      clearTimeout(deadline);
      for (const t of timers) clearTimeout(t);
      server.close(() => ok());
      server.closeAllConnections();
    });
    return closed;
  };
  const deadline = setTimeout(() => void close(), lifetimeMs);
  deadline.unref();
  return close;
}
