/**
 * A strict reader of Sentry envelopes (https://develop.sentry.dev/sdk/data-model/envelopes/), written apart from
 * `@sentry/core`'s lenient `parseEnvelope` so that the receiver can catch what an SDK gets wrong: a `length` that
 * does not match the bytes, a header that is not a JSON object, a payload that runs into the next item.
 */
import { createHash } from 'node:crypto';

/** Why an envelope was refused; `message` names the byte offset where reading stopped. */
export class EnvelopeParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'EnvelopeParseError';
  }
}

export type JsonObject = Record<string, unknown>;

/** An item whose payload is JSON (event, transaction, session, client_report, …): parsed. */
export interface JsonItem {
  kind: 'json';
  headers: JsonObject;
  type: string;
  payload: unknown;
}

/** An item whose payload is bytes (attachments, replay recordings): kept whole, with its sha256 (hex). */
export interface BinaryItem {
  kind: 'binary';
  headers: JsonObject;
  type: string;
  payload: Buffer;
  sha256: string;
}

export type EnvelopeItem = JsonItem | BinaryItem;

export interface ParsedEnvelope {
  headers: JsonObject;
  items: EnvelopeItem[];
}

/** Item types whose payload is not JSON, as Relay treats them. */
const BINARY_TYPES = new Set(['attachment', 'replay_recording', 'replay_video', 'statsd']);
const NEWLINE = 0x0a;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Parses envelope bytes (already decompressed); throws `EnvelopeParseError` on anything malformed. */
export function parseEnvelopeStrict(body: Buffer): ParsedEnvelope {
  const reader = new Reader(body);
  if (body.length === 0) throw new EnvelopeParseError('empty envelope', 0);
  const headers = reader.jsonObjectLine('envelope header');
  const items: EnvelopeItem[] = [];
  while (!reader.done()) {
    const itemHeaders = reader.jsonObjectLine(`item ${items.length} header`);
    const type = itemHeaders.type;
    if (typeof type !== 'string' || type === '') {
      throw new EnvelopeParseError(`item ${items.length} header has no string "type"`, reader.offset);
    }
    const payload = reader.payload(itemHeaders.length, items.length);
    items.push(toItem(itemHeaders, type, payload, reader.offset));
  }
  return { headers, items };
}

function toItem(headers: JsonObject, type: string, payload: Buffer, offset: number): EnvelopeItem {
  const contentType = typeof headers.content_type === 'string' ? headers.content_type : undefined;
  if (BINARY_TYPES.has(type) || (contentType !== undefined && !contentType.includes('json'))) {
    return { kind: 'binary', headers, type, payload, sha256: sha256(payload) };
  }
  try {
    return { kind: 'json', headers, type, payload: JSON.parse(payload.toString('utf8')) };
  } catch {
    throw new EnvelopeParseError(`"${type}" item payload is not JSON`, offset);
  }
}

/** A cursor over the body; every read either advances past a whole line/payload or throws. */
class Reader {
  offset = 0;
  constructor(private readonly body: Buffer) {}

  /** True at the end, where a single trailing newline after the last item is allowed. */
  done(): boolean {
    return this.offset >= this.body.length;
  }

  /** A header line: JSON object, ended by `\n` or the end of the body. */
  jsonObjectLine(what: string): JsonObject {
    const start = this.offset;
    const line = this.line();
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      throw new EnvelopeParseError(`${what} is not JSON`, start);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new EnvelopeParseError(`${what} is not a JSON object`, start);
    }
    return value as JsonObject;
  }

  /**
   * An item payload: exactly `length` bytes when the header says so (binary payloads may hold newlines), then
   * a newline or the end; without `length`, up to the next newline.
   */
  payload(length: unknown, index: number): Buffer {
    if (length === undefined) return this.line();
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      throw new EnvelopeParseError(`item ${index} has an invalid length ${JSON.stringify(length)}`, this.offset);
    }
    const end = this.offset + length;
    if (end > this.body.length) {
      throw new EnvelopeParseError(`item ${index} length ${length} runs past the body (${this.body.length - this.offset} bytes left)`, this.offset);
    }
    const payload = this.body.subarray(this.offset, end);
    this.offset = end;
    if (!this.done()) {
      if (this.body[this.offset] !== NEWLINE) {
        throw new EnvelopeParseError(`item ${index} payload is not followed by a newline: its length is wrong`, this.offset);
      }
      this.offset += 1;
    }
    return payload;
  }

  private line(): Buffer {
    const nl = this.body.indexOf(NEWLINE, this.offset);
    const end = nl === -1 ? this.body.length : nl;
    const line = this.body.subarray(this.offset, end);
    this.offset = nl === -1 ? end : nl + 1;
    return line;
  }
}
