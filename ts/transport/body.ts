import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const gzipAsync = promisify(zlib.gzip);

/** An encoded request body: bytes with a known length, or a stream sent with `Transfer-Encoding: chunked`. */
export type EncodedBody =
  | { kind: 'bytes'; bytes: Uint8Array; headers: Record<string, string> }
  | { kind: 'stream'; stream: Readable; headers: Record<string, string> };

export interface BodyEncodingOptions {
  /** Bodies at least this long are gzipped (default 32 KiB, as @sentry/node: below that gzip rarely pays). */
  gzipThreshold?: number;
  /** Bodies at least this long are gzipped as a stream and sent chunked, never held compressed in memory. */
  chunkedThreshold?: number;
}

export const DEFAULT_GZIP_THRESHOLD = 32 * 1024;
export const DEFAULT_CHUNKED_THRESHOLD = 8 * 1024 * 1024;

/**
 * Encodes an envelope body for the wire. `Content-Encoding: gzip` when the body is large enough for it to pay
 * (and is kept only when it did shrink the body); compression runs on libuv's pool, never on the JS thread.
 */
export async function encodeBody(body: string | Uint8Array, options: BodyEncodingOptions = {}): Promise<EncodedBody> {
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const gzipThreshold = options.gzipThreshold ?? DEFAULT_GZIP_THRESHOLD;
  const chunkedThreshold = options.chunkedThreshold ?? DEFAULT_CHUNKED_THRESHOLD;
  if (raw.length < gzipThreshold) {
    return { kind: 'bytes', bytes: raw, headers: { 'content-length': String(raw.length) } };
  }
  if (raw.length >= chunkedThreshold) {
    const stream = Readable.from([raw]).pipe(zlib.createGzip());
    return { kind: 'stream', stream, headers: { 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' } };
  }
  const gz = await gzipAsync(raw);
  if (gz.length >= raw.length) {
    return { kind: 'bytes', bytes: raw, headers: { 'content-length': String(raw.length) } };
  }
  return {
    kind: 'bytes',
    bytes: gz,
    headers: { 'content-encoding': 'gzip', 'content-length': String(gz.length) },
  };
}
