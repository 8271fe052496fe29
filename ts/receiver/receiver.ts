/**
 * A local Sentry envelope receiver: a real HTTP server on 127.0.0.1 that speaks the ingestion protocol
 * (`POST /api/<project>/envelope/`, auth, compressed bodies, strict envelope parsing, minidump checks) and
 * can be switched to misbehave. For the SDK's tests and as the demo's default destination; it keeps what it
 * receives in memory, bounded, and shuts itself down after `lifetimeMs`.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest, isRefusal, type SentryAuth } from './auth';
import { BehaviourSwitch, rateLimitHeaders, type Behaviour, type BehaviourOptions } from './behaviour';
import { BadEncodingError, BodyTooLargeError, decodeBody } from './decode';
import { closeWithin } from './lifetime';
import { checkMinidumps } from './minidump-check';
import { EnvelopeParseError, parseEnvelopeStrict, type ParsedEnvelope } from '../envelope/parse-envelope';

export interface ReceiverOptions {
  /** Port on 127.0.0.1; default 0 (any free one). */
  port?: number;
  /** The DSN's public key; default `'public'`. */
  publicKey?: string;
  /** The DSN's project id; default `'1'`. */
  projectId?: string;
  /** Largest body accepted, compressed and decompressed alike (413 beyond); default 20 MiB, like Sentry's envelope limit. */
  maxBodyBytes?: number;
  /** Envelopes kept in `envelopes` (oldest dropped first); default 100. */
  maxEnvelopes?: number;
  /** The receiver closes itself after this long; default 5 minutes. */
  lifetimeMs?: number;
}

/** One accepted envelope, as parsed, with how it came. */
export interface ReceivedEnvelope extends ParsedEnvelope {
  /** The decompressed body, byte for byte. */
  raw: Buffer;
  contentEncoding: string | null;
  auth: SentryAuth;
  receivedAt: Date;
}

/**
 * Every request that reached the server, accepted or not; `status` is `'reset'` when the connection was cut,
 * `'trickle'` when the answer was being trickled.
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  status: number | 'reset' | 'trickle';
  behaviour: Behaviour['kind'];
  detail: string | null;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://<publicKey>@127.0.0.1:<port>/<projectId>` */
  dsn: string;
  /** Accepted envelopes, oldest first. */
  envelopes: ReceivedEnvelope[];
  /** Every request, oldest first (bounded like `envelopes`). */
  requests: ReceivedRequest[];
  on(event: 'envelope', listener: (envelope: ReceivedEnvelope) => void): Receiver;
  off(event: 'envelope', listener: (envelope: ReceivedEnvelope) => void): Receiver;
  /** Resolves once `count` envelopes have been accepted in all; rejects after `timeoutMs` (default 10 s). */
  waitForEnvelopes(count: number, timeoutMs?: number): Promise<ReceivedEnvelope[]>;
  /** How the next requests are answered (`{ kind: 'accept' }` restores normal service). */
  setBehaviour(behaviour: Behaviour, options?: BehaviourOptions): void;
  /** Stops listening and cuts open connections; safe to call twice. */
  close(): Promise<void>;
}

const MIB = 1024 * 1024;

/** Starts a receiver on 127.0.0.1 (never another interface). */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const publicKey = options.publicKey ?? 'public';
  const projectId = options.projectId ?? '1';
  const maxBodyBytes = options.maxBodyBytes ?? 20 * MIB;
  const maxEnvelopes = options.maxEnvelopes ?? 100;
  const envelopes: ReceivedEnvelope[] = [];
  const requests: ReceivedRequest[] = [];
  const events = new EventEmitter();
  const behaviours = new BehaviourSwitch();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;
  const keep = <T>(list: T[], item: T): void => {
    list.push(item);
    if (list.length > maxEnvelopes) list.shift();
  };

  const later = (ms: number): Promise<void> =>
    new Promise((ok) => {
      const timer = setTimeout(() => (timers.delete(timer), ok()), ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const log: ReceivedRequest = { method: req.method ?? '?', path: url.pathname, status: 0, behaviour: 'accept', detail: null };
    keep(requests, log);
    const answer = (status: number, body: object, headers: Record<string, string> = {}): void => {
      log.status = status;
      log.detail = 'detail' in body ? String(body.detail) : null;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };

    const auth = checkRequest(req, url, { projectId, publicKey });
    if (isRefusal(auth)) {
      await readBody(req, 0);
      return answer(auth.status, { detail: auth.detail });
    }
    const behaviour = behaviours.take();
    log.behaviour = behaviour.kind;
    if (behaviour.kind === 'reset') {
      log.status = 'reset';
      // Cut as soon as body bytes arrive (or at its end when it has none): the client never gets a response.
      const cut = () => req.socket.destroy();
      req.once('data', cut).once('end', cut);
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === 'aborted') return void (log.status = 'reset');
    if (behaviour.kind === 'trickle') return trickle(req, behaviour.intervalMs ?? 200, log, timers);
    if (body === 'too-large') return answer(413, { detail: `request body exceeds ${maxBodyBytes} bytes` });
    if (behaviour.kind === '429') return answer(429, { detail: 'rate limited (receiver behaviour)' }, rateLimitHeaders(behaviour));
    if (behaviour.kind === '413') return answer(413, { detail: 'envelope exceeded size limits (receiver behaviour)' });
    if (behaviour.kind === '500') return answer(500, { detail: 'internal server error (receiver behaviour)' });
    if (behaviour.kind === 'slow') await later(behaviour.ms);

    const encoding = req.headers['content-encoding'] ?? null;
    let envelope: ParsedEnvelope;
    let raw: Buffer;
    try {
      raw = await decodeBody(body, encoding ?? undefined, maxBodyBytes);
      envelope = parseEnvelopeStrict(raw);
      checkMinidumps(envelope);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return answer(413, { detail: e.message });
      if (e instanceof BadEncodingError || e instanceof EnvelopeParseError) return answer(400, { detail: e.message });
      throw e;
    }
    const received: ReceivedEnvelope = { ...envelope, raw, contentEncoding: encoding, auth, receivedAt: new Date() };
    keep(envelopes, received);
    accepted += 1;
    answer(200, { id: typeof envelope.headers.event_id === 'string' ? envelope.headers.event_id : null });
    events.emit('envelope', received);
  };

  const server = createServer({ requestTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug here must show in the test that met it, as a 500 with the reason, not as a hung request.
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String((e as Error)?.stack ?? e));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => (server.off('error', fail), ok()));
  });
  const { port } = server.address() as AddressInfo;

  const close = closeWithin(server, options.lifetimeMs ?? 5 * 60_000, timers);

  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    dsn: `http://${publicKey}@127.0.0.1:${port}/${projectId}`,
    envelopes,
    requests,
    on: (event, listener) => (events.on(event, listener), receiver),
    off: (event, listener) => (events.off(event, listener), receiver),
    waitForEnvelopes: (count, timeoutMs = 10_000) =>
      new Promise((ok, fail) => {
        if (accepted >= count) return ok(envelopes.slice());
        const timer = setTimeout(() => {
          events.off('envelope', check);
          fail(new Error(`${accepted} of ${count} envelopes arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (): void => {
          if (accepted < count) return;
          clearTimeout(timer);
          events.off('envelope', check);
          ok(envelopes.slice());
        };
        events.on('envelope', check);
      }),
    setBehaviour: (behaviour, opts) => behaviours.set(behaviour, opts),
    close,
  };
  return receiver;
}

/** Writes an answer that never completes in useful time onto the request's socket, one byte per `intervalMs`. */
function trickle(req: IncomingMessage, intervalMs: number, log: ReceivedRequest, timers: Set<NodeJS.Timeout>): void {
  log.status = 'trickle';
  const answer = Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${1 << 20}\r\n\r\n`, 'latin1'),
    Buffer.alloc(1 << 20, 0x20),
  ]);
  const socket = req.socket;
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= answer.length) {
      clearInterval(timer);
      timers.delete(timer);
      return;
    }
    socket.write(answer.subarray(at, at + 1));
    at += 1;
  }, intervalMs);
  timers.add(timer);
  socket.once('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

/**
 * The whole body; `'too-large'` once it passes `limit` (the rest is drained so the 413 reaches the client, but
 * a client that keeps sending far past the limit is cut off); `'aborted'` when the client went away.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((ok) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (size > 4 * limit + MIB) req.socket.destroy();
    });
    req.on('end', () => ok(size <= limit ? Buffer.concat(chunks) : 'too-large'));
    req.on('close', () => ok('aborted'));
  });
}
