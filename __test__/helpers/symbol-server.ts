/**
 * A real HTTP symbol server on 127.0.0.1 (ephemeral port) serving a store-layout tree under `/symbols/`, the
 * way symbols.electronjs.org serves `<debug_file>/<DEBUG_ID>/<name>.sym`. It records every request, can hold
 * answers back (to outlast a client's timeout), and closes itself after `lifetimeMs` whatever the test does.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relative, resolve, sep } from 'node:path';
import { closeWithin } from '../../ts/receiver/lifetime';

export const SERVER_PREFIX = '/symbols/';

export interface SymbolServerOptions {
  /** The tree served under `/symbols/`; `null` serves nothing (every request is a 404). */
  root: string | null;
  /** Milliseconds to wait before answering a request for this path (relative to the prefix); default 0. */
  delayMs?: (rel: string) => number;
  /** Served with 200 for any path outside `/symbols/`: what a traversal would fetch if it got out. */
  outside?: string;
  /** The server shuts itself down after this long (default 60 s), so no test can leave it running. */
  lifetimeMs?: number;
}

export interface SymbolServer {
  /** The base URL to pass as `--symbol-server`: `http://127.0.0.1:<port>/symbols`. */
  url: string;
  /** Every request's raw path (`req.url`), in arrival order. */
  requests: string[];
  /** Requests whose path, relative to the prefix, contains `needle`. */
  requestsFor(needle: string): string[];
  /** Stops listening and cuts open connections; safe to call twice. */
  close(): Promise<void>;
}

export async function startSymbolServer(options: SymbolServerOptions): Promise<SymbolServer> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const root = options.root === null ? null : resolve(options.root);

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const raw = req.url ?? '/';
    if (!raw.startsWith(SERVER_PREFIX)) {
      if (options.outside !== undefined) return void res.writeHead(200).end(options.outside);
      return void res.writeHead(404).end();
    }
    // This test server must not be the one that lets a `..` out of its tree.
    const rel = decodeURIComponent(raw.slice(SERVER_PREFIX.length).split('?')[0]!);
    const file = root === null ? null : resolve(root, rel);
    const inside = root !== null && file !== null && relative(root, file).split(sep)[0] !== '..' && file !== root;
    let size = -1;
    try {
      const st = inside ? statSync(file) : null;
      if (st?.isFile()) size = st.size;
    } catch {
      // not there: 404 below
    }
    if (size < 0) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file!).pipe(res);
  };

  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const rel = (req.url ?? '').startsWith(SERVER_PREFIX) ? (req.url ?? '').slice(SERVER_PREFIX.length) : '';
    const delay = options.delayMs?.(rel) ?? 0;
    if (delay <= 0) return answer(req, res);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) answer(req, res);
    }, delay);
    timers.add(timer);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  const close = closeWithin(server, options.lifetimeMs ?? 60_000, timers);

  return {
    url: `http://127.0.0.1:${port}${SERVER_PREFIX.replace(/\/$/, '')}`,
    requests,
    requestsFor: (needle) => requests.filter((r) => r.startsWith(SERVER_PREFIX) && r.includes(needle)),
    close,
  };
}
