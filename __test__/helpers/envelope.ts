/**
 * Envelope bytes built by hand (the wire format, not an SDK's builder) and posted with node:http, compressed
 * the way SDKs compress them, so the receiver and Spotlight are tested against exactly the bytes we chose.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { fixtureDump, fixtureManifest } from './fixtures';

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';

export interface ItemSpec {
  headers: Record<string, unknown>;
  /** Objects are JSON-encoded; Buffers are sent as they are, with `length` in their header. */
  payload: object | Buffer;
  /** Leave `length` out of a JSON item's header (it then ends at the newline). */
  omitLength?: boolean;
}

/** `header\nitem-header\npayload\n…` with `length` on every binary item. */
export function envelopeBytes(header: Record<string, unknown>, items: ItemSpec[]): Buffer {
  const parts: Buffer[] = [Buffer.from(JSON.stringify(header) + '\n')];
  for (const item of items) {
    const payload = Buffer.isBuffer(item.payload) ? item.payload : Buffer.from(JSON.stringify(item.payload));
    const headers = item.omitLength && !Buffer.isBuffer(item.payload) ? item.headers : { ...item.headers, length: payload.length };
    parts.push(Buffer.from(JSON.stringify(headers) + '\n'), payload, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** The null-write fixture dump: a real Crashpad-style minidump of a real crash. */
export const nullWriteDump = (): Buffer => readFileSync(fixtureDump(fixtureManifest().kinds.null_write!));

/** An event with a minidump attachment, as the SDK will send a native crash. */
export function crashEnvelope(dump: Buffer, eventId = randomUUID().replace(/-/g, '')): { bytes: Buffer; eventId: string } {
  const event = { event_id: eventId, level: 'fatal', platform: 'native', exception: { values: [{ type: 'SIGSEGV', value: 'null write' }] } };
  const bytes = envelopeBytes({ event_id: eventId, sent_at: new Date().toISOString() }, [
    { headers: { type: 'event' }, payload: event },
    { headers: { type: 'attachment', attachment_type: 'event.minidump', filename: 'crash.dmp', content_type: 'application/octet-stream' }, payload: dump },
  ]);
  return { bytes, eventId };
}

export function compress(body: Buffer, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'identity':
      return body;
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'br':
      return brotliCompressSync(body);
  }
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export interface PostOptions {
  encoding?: Encoding;
  /** Sent as `X-Sentry-Auth` unless null; default `Sentry sentry_key=public, sentry_version=7, …`. */
  auth?: string | null;
  /** Sent as Content-Encoding instead of `encoding`'s name (to lie about the body). */
  contentEncoding?: string;
  method?: string;
  contentType?: string;
}

export const sentryAuth = (key: string): string => `Sentry sentry_key=${key}, sentry_version=7, sentry_client=acme-test/1.0`;

/** POSTs `body` (compressed per `encoding`) to `url` with node:http; rejects on a socket error such as a reset. */
export function post(url: string, body: Buffer, options: PostOptions = {}): Promise<PostResult> {
  const encoding = options.encoding ?? 'identity';
  const wire = compress(body, encoding);
  const headers: Record<string, string | number> = {
    'content-type': options.contentType ?? 'application/x-sentry-envelope',
    'content-length': wire.length,
  };
  if (options.auth !== null) headers['x-sentry-auth'] = options.auth ?? sentryAuth('public');
  const ce = options.contentEncoding ?? (encoding === 'identity' ? undefined : encoding);
  if (ce !== undefined) headers['content-encoding'] = ce;
  const started = Date.now();
  return new Promise((ok, fail) => {
    const req = request(url, { method: options.method ?? 'POST', headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', fail);
    req.end(wire);
  });
}
