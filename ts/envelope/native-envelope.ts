import { MinidumpError } from '../native/errors';
import type { NativeBinding } from '../native/load';
import { inline, onPool } from '../native/pool';

/** What every item may say about itself, beside its payload (`type`: `event`, `attachment`, `session` …). */
interface ItemCommon {
  type: string;
  filename?: string;
  contentType?: string;
  /** Sentry's attachment type, e.g. `event.minidump` for a crash dump. */
  attachmentType?: string;
}

/** One envelope item: a JSON payload (stringified here), a file streamed natively, or bytes. */
export type EnvelopeItemSpec = ItemCommon &
  (
    | { json: unknown; path?: never; bytes?: never }
    | { path: string; json?: never; bytes?: never }
    | { bytes: Uint8Array; json?: never; path?: never }
  );

/** An envelope: header (`event_id`, `dsn`, `sdk`, `sent_at` …), items, and optional whole-envelope gzip. */
export interface EnvelopeSpec {
  header: Record<string, unknown>;
  items: EnvelopeItemSpec[];
  /** Gzip the whole envelope (send it with `Content-Encoding: gzip`). */
  gzip?: boolean;
  /** 0–9, default 6. */
  gzipLevel?: number;
}

/** Where `writeEnvelope` put the envelope: its size and SHA-256 (hex) as written, gzipped or not. */
export interface WrittenEnvelope {
  path: string;
  bytes: number;
  sha256: string;
}

/** What `stripMinidumpMemory` wrote: the new size, and how many memory regions it kept (stacks) and dropped. */
export interface StrippedMinidump {
  bytes: number;
  keptRegions: number;
  droppedRegions: number;
}

type NativeSpec = Parameters<NativeBinding['buildEnvelopeSync']>[0];

const bad = (msg: string) => new MinidumpError('ERR_INVALID_ARGUMENT', msg);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const optString = (v: unknown, name: string) => {
  if (v !== undefined && typeof v !== 'string') throw bad(`${name} must be a string`);
  return v as string | undefined;
};

function filePath(p: unknown, what: string): string {
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0')) throw bad(`${what} must be a non-empty path without NUL`);
  return p;
}

/** Checks the spec and turns objects into the JSON text the addon takes; throws `ERR_INVALID_ARGUMENT`. */
function nativeSpec(spec: EnvelopeSpec): NativeSpec {
  if (!isObject(spec)) throw bad('the envelope spec must be an object');
  if (!isObject(spec.header)) throw bad('header must be an object');
  if (!Array.isArray(spec.items)) throw bad('items must be an array');
  const { gzip, gzipLevel } = spec;
  if (gzip !== undefined && typeof gzip !== 'boolean') throw bad('gzip must be a boolean');
  if (gzipLevel !== undefined && !(Number.isInteger(gzipLevel) && gzipLevel >= 0 && gzipLevel <= 9)) {
    throw bad('gzipLevel must be an integer from 0 to 9');
  }
  const items = spec.items.map((item, i) => {
    if (!isObject(item) || typeof item.type !== 'string' || item.type.length === 0) {
      throw bad(`item ${i} must be an object with a non-empty string type`);
    }
    const given = ['json', 'path', 'bytes'].filter((k) => item[k as keyof typeof item] !== undefined);
    if (given.length !== 1) throw bad(`item ${i}: give exactly one of json, path, bytes`);
    const out: NativeSpec['items'][number] = {
      type: item.type,
      filename: optString(item.filename, `item ${i}: filename`),
      contentType: optString(item.contentType, `item ${i}: contentType`),
      attachmentType: optString(item.attachmentType, `item ${i}: attachmentType`),
    };
    if (item.json !== undefined) {
      const text = JSON.stringify(item.json);
      if (typeof text !== 'string') throw bad(`item ${i}: json is not JSON-serialisable`);
      out.json = text;
    } else if (item.path !== undefined) {
      out.path = filePath(item.path, `item ${i}: path`);
    } else if (item.bytes instanceof Uint8Array) {
      const b = item.bytes;
      out.bytes = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    } else {
      throw bad(`item ${i}: bytes must be a Buffer or a Uint8Array`);
    }
    return out;
  });
  return { header: JSON.stringify(spec.header), items, gzip: gzip === true, gzipLevel };
}

/**
 * Builds a Sentry envelope off the JS thread and resolves to its bytes. For envelopes with a large
 * attachment use `writeEnvelope`: a Buffer handed back to JavaScript is a copy in Electron.
 */
export function buildEnvelope(spec: EnvelopeSpec): Promise<Buffer> {
  return onPool({}, (native) => {
    const args = nativeSpec(spec);
    return () => native.buildEnvelopeAsync(args);
  });
}

/** `buildEnvelope` on the calling thread: for small envelopes (no file attachment) only. */
export function buildEnvelopeSync(spec: EnvelopeSpec): Buffer {
  return inline((native) => native.buildEnvelopeSync(nativeSpec(spec)));
}

/**
 * Writes a Sentry envelope straight into `path` off the JS thread: file attachments are streamed from disk
 * (a 50 MB dump never enters the JS heap), gzip is applied on the way, and the file appears atomically
 * (temp file, fsync, rename) — a reader sees no file or the whole file.
 */
export function writeEnvelope(spec: EnvelopeSpec, path: string): Promise<WrittenEnvelope> {
  return onPool({}, (native) => {
    const args = [nativeSpec(spec), filePath(path, 'the destination')] as const;
    return () => native.writeEnvelopeAsync(...args);
  });
}

/** `writeEnvelope` on the calling thread. */
export function writeEnvelopeSync(spec: EnvelopeSpec, path: string): WrittenEnvelope {
  return inline((native) => native.writeEnvelopeSync(nativeSpec(spec), filePath(path, 'the destination')));
}

/**
 * Writes `dst` (atomically) as the minidump `src` with all memory but the thread stacks removed: still a
 * valid dump whose crashing thread walks, much smaller when the dump held heap. For a server that
 * answered 413 to the full dump.
 */
export function stripMinidumpMemory(src: string, dst: string): Promise<StrippedMinidump> {
  return onPool({}, (native) => {
    const args = [filePath(src, 'the source dump'), filePath(dst, 'the destination')] as const;
    return () => native.stripMinidumpMemoryAsync(...args);
  });
}

/** `stripMinidumpMemory` on the calling thread. */
export function stripMinidumpMemorySync(src: string, dst: string): StrippedMinidump {
  return inline((native) => native.stripMinidumpMemorySync(filePath(src, 'the source dump'), filePath(dst, 'the destination')));
}

/** What `downgradeEnvelopeFile` wrote: the new gzipped envelope, the minidumps it handled, the attachments left. */
export interface DowngradedEnvelope extends WrittenEnvelope {
  /** `event.minidump` items found in the source (stripped or dropped). */
  minidumps: number;
  /** Attachment items left in the new envelope (a stripped minidump included). */
  attachments: number;
}

export type DowngradeMode = 'strip-minidump-memory' | 'drop-minidump';

function downgradeMode(mode: unknown): DowngradeMode {
  if (mode !== 'strip-minidump-memory' && mode !== 'drop-minidump') {
    throw bad("mode must be 'strip-minidump-memory' or 'drop-minidump'");
  }
  return mode;
}

/**
 * Writes `dstPath` (gzipped, atomically) as the envelope file `srcPath` (gzipped or plain), read as a stream off
 * the JS thread, with its `event.minidump` attachment replaced by the memory-stripped dump or removed (item
 * lengths fixed). For a queued crash entry refused with 413: the dump never enters the JS heap.
 */
export function downgradeEnvelopeFile(srcPath: string, dstPath: string, mode: DowngradeMode): Promise<DowngradedEnvelope> {
  return onPool({}, (native) => {
    const args = [filePath(srcPath, 'the source envelope'), filePath(dstPath, 'the destination'), downgradeMode(mode)] as const;
    return () => native.downgradeEnvelopeFileAsync(...args);
  });
}

/** `downgradeEnvelopeFile` on the calling thread. */
export function downgradeEnvelopeFileSync(srcPath: string, dstPath: string, mode: DowngradeMode): DowngradedEnvelope {
  return inline((native) =>
    native.downgradeEnvelopeFileSync(filePath(srcPath, 'the source envelope'), filePath(dstPath, 'the destination'), downgradeMode(mode)),
  );
}
