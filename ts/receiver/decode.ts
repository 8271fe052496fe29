/**
 * Request bodies as Sentry's SDKs send them: raw, or compressed with gzip, deflate or brotli. The decompressed
 * size is capped as well as the compressed one, so a small bomb cannot fill memory.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`decompressed body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export class BadEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadEncodingError';
  }
}

/** Decompresses `body` per its Content-Encoding; `BodyTooLargeError` past `limit`, `BadEncodingError` otherwise. */
export async function decodeBody(body: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  const opts = { maxOutputLength: Math.max(1, limit) };
  try {
    switch (name) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return await gunzip(body, opts);
      case 'deflate':
        // HTTP's "deflate" is zlib-wrapped, but some clients send raw DEFLATE; browsers accept both, so does Relay.
        try {
          return await inflate(body, opts);
        } catch (e) {
          if (isTooLarge(e)) throw e;
          return await inflateRaw(body, opts);
        }
      case 'br':
        return await brotli(body, opts);
      default:
        throw new BadEncodingError(`unsupported Content-Encoding "${encoding}"`);
    }
  } catch (e) {
    if (isTooLarge(e)) throw new BodyTooLargeError(limit);
    if (e instanceof BadEncodingError) throw e;
    throw new BadEncodingError(`body is not valid ${name}: ${(e as Error).message}`);
  }
}

const isTooLarge = (e: unknown): boolean =>
  e instanceof RangeError || (e as NodeJS.ErrnoException | null)?.code === 'ERR_BUFFER_TOO_LARGE';
