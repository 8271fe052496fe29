import type { Readable } from 'node:stream';
import type { EncodedBody } from './body';

/** One POST of an envelope, whatever carries it (Node's http/https or Electron's `net`). */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: EncodedBody;
}

/** What the transport needs back: the status and the two rate-limit headers (lower-cased names). */
export interface HttpResponse {
  statusCode: number;
  headers: { 'x-sentry-rate-limits': string | null; 'retry-after': string | null };
}

/** Sends one request; rejects on network errors and timeouts (never on an HTTP status). */
export type RequestFn = (request: HttpRequest) => Promise<HttpResponse>;

export interface RequestOptions {
  /** Aborts a request whose socket is idle this long (default 30 s). */
  timeoutMs?: number;
  /** Proxy URL; `false` for none; default from `https_proxy` / `http_proxy` / `no_proxy`. */
  proxy?: string | false;
  /** Extra CA certificates (PEM) to trust, for self-hosted Sentry behind a private CA. */
  caCerts?: string | Buffer | Array<string | Buffer>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Picks a header value from Node-style headers (string, string[] or missing). */
export function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(',') : value;
}

/** Where a body goes: Node's `ClientRequest`, or Electron's (a Writable too, but typed here by what is used). */
export interface BodySink {
  write(chunk: Uint8Array): unknown;
  end(): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

/**
 * Writes an encoded body into a writable request, with its length or chunked. A stream is paused while the
 * socket's buffer is full (`write` → false, until `drain`): a file streamed from disk would otherwise be read far
 * ahead of the network into memory, the very copy that streaming a minidump is meant to avoid.
 */
export function pipeBody(body: EncodedBody, sink: BodySink, onError: (e: Error) => void): void {
  if (body.kind === 'bytes') {
    sink.write(body.bytes);
    sink.end();
    return;
  }
  const stream: Readable = body.stream;
  stream.on('data', (chunk: Buffer) => {
    if (sink.write(chunk) === false && sink.once) {
      stream.pause();
      sink.once('drain', () => stream.resume());
    }
  });
  stream.once('end', () => sink.end());
  stream.once('error', onError);
}
