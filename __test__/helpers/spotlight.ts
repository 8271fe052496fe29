/**
 * The real Spotlight sidecar (`@spotlightjs/spotlight` 4.x), started in this process on 127.0.0.1, and a
 * reader of its SSE stream (`GET /stream`), which is how Spotlight's own UI receives envelopes.
 *
 * No telemetry: Spotlight reports to Sentry only from `dist/instrument.js`, which its CLI (`dist/run.js`)
 * imports and which calls `Sentry.init`; the package's main entry (`startServer`) never does, so no Sentry
 * client exists. The spec proves it twice: `getClient()` of Spotlight's own `@sentry/node` is undefined, and
 * every socket the process opens while Spotlight runs goes to 127.0.0.1.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { get, type Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { closeWithin } from '../../ts/receiver/lifetime';

/** What the spec uses of the package's main entry (its .d.ts pulls in hono and more, so it is not imported). */
interface SpotlightMain {
  startServer(options: { port: number }): Promise<Server>;
}

export interface Spotlight {
  /** `http://127.0.0.1:<port>` */
  url: string;
  server: Server;
  /** Remote addresses of every client socket this process connected while Spotlight ran. */
  outgoing: string[];
  /** The `@sentry/node` client Spotlight would report with (undefined: it reports nothing). */
  sentryClient(): unknown;
  close(): Promise<void>;
}

const SPOTLIGHT_MAIN = join(__dirname, '..', '..', 'node_modules', '@spotlightjs', 'spotlight', 'dist', 'server', 'main.js');

export async function startSpotlight(): Promise<Spotlight> {
  // SPOTLIGHT_CAPTURE makes the sidecar write every payload into the working directory.
  delete process.env.SPOTLIGHT_CAPTURE;
  const outgoing: string[] = [];
  const onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    socket.once('connect', () => outgoing.push(socket.remoteAddress ?? '?'));
  };
  subscribe('net.client.socket', onSocket);

  // The package is ESM only; the specifier is kept out of TypeScript's sight so its types are not loaded.
  const specifier = '@spotlightjs/spotlight';
  const main = (await import(specifier)) as SpotlightMain;
  // startServer lets @hono/node-server listen on every interface; bind it to loopback instead. The listen call
  // happens synchronously inside startServer, so the patch is undone before anything else can listen.
  const listen = NetServer.prototype.listen;
  NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]) {
    if (typeof args[0] === 'number' && args[1] === undefined) args[1] = '127.0.0.1';
    return (listen as (...a: unknown[]) => NetServer).apply(this, args);
  } as typeof listen;
  let starting: Promise<Server>;
  try {
    starting = main.startServer({ port: 0 });
  } finally {
    NetServer.prototype.listen = listen;
  }
  const server = await starting;
  const address = server.address();
  if (address === null || typeof address === 'string' || address.address !== '127.0.0.1') {
    server.close();
    throw new Error(`Spotlight is not on 127.0.0.1: ${JSON.stringify(address)}`);
  }

  const sentryNode = createRequire(SPOTLIGHT_MAIN)('@sentry/node') as { getClient(): unknown };
  // Whatever the test does, the sidecar does not outlive a minute.
  const closeServer = closeWithin(server, 60_000);
  const close = (): Promise<void> => {
    unsubscribe('net.client.socket', onSocket);
    return closeServer();
  };
  return { url: `http://127.0.0.1:${address.port}`, server, outgoing, sentryClient: () => sentryNode.getClient(), close };
}

export interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/** Subscribes to `GET <url>/stream` and resolves with the first event `accept` takes, or rejects after `timeoutMs`. */
export function nextSseEvent(url: string, accept: (e: SseEvent) => boolean, timeoutMs = 10_000): { event: Promise<SseEvent>; ready: Promise<void> } {
  let markReady!: () => void;
  const ready = new Promise<void>((ok) => (markReady = ok));
  const event = new Promise<SseEvent>((ok, fail) => {
    const req = get(`${url}/stream?client=acme-test`, (res) => {
      markReady();
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string) => {
        pending += chunk;
        // SSE frames end with a blank line; fields are `name: value` lines.
        for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
          const frame: SseEvent = { event: '', id: '', data: '' };
          for (const line of pending.slice(0, end).split('\n')) {
            const m = /^(event|id|data): ?(.*)$/.exec(line);
            if (m) frame[m[1] as keyof SseEvent] += m[2]!;
          }
          pending = pending.slice(end + 2);
          if (frame.data && accept(frame)) {
            clearTimeout(timer);
            req.destroy();
            ok(frame);
          }
        }
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      fail(new Error(`no matching Spotlight event within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e) => (clearTimeout(timer), fail(e)));
  });
  return { event, ready };
}
