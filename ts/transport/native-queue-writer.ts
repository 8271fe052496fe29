import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Envelope } from '@sentry/core';
import type { EntryWriter } from './queue-entry';
import type { MinidumpStripper } from './size-policy';

/** The native envelope API (`ts/envelope/native-envelope.ts`), as far as the transport uses it. */
interface NativeEnvelopeApi {
  writeEnvelope(spec: NativeEnvelopeSpec, path: string): unknown;
  stripMinidumpMemory(src: string, dst: string): unknown;
  /** Present when the addon has it (a build older than the TS may not). */
  downgradeEnvelopeFile?(src: string, dst: string, mode: 'strip-minidump-memory' | 'drop-minidump'): Promise<{ attachments: number }>;
}
interface NativeEnvelopeSpec {
  header: Record<string, unknown>;
  items: Array<{ type: string; json?: object; bytes?: Uint8Array; filename?: string; contentType?: string; attachmentType?: string }>;
  gzip?: boolean;
}

/** The item headers the native spec can carry; an envelope with others is written by JS so nothing is lost. */
const NATIVE_ITEM_HEADERS = new Set(['type', 'length', 'filename', 'content_type', 'attachment_type']);

/** The addon's envelope functions when that module is present (it is built separately), else `undefined`. */
export function loadNativeEnvelope(): NativeEnvelopeApi | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../envelope/native-envelope') as Partial<NativeEnvelopeApi>;
    if (typeof mod.writeEnvelope === 'function' && typeof mod.stripMinidumpMemory === 'function') {
      return mod as NativeEnvelopeApi;
    }
  } catch {
    // not built yet, or no binary: the JS paths serve
  }
  return undefined;
}

/**
 * A queue writer on the native `writeEnvelope` (gzip and write off the JS thread, the minidump never copied into
 * the JS heap when it is given by path), falling back to `fallback` for envelopes the native spec cannot express.
 */
export function nativeEntryWriter(api: NativeEnvelopeApi, fallback: EntryWriter): EntryWriter {
  return async (envelope, file) => {
    const spec = toSpec(envelope);
    if (!spec) return fallback(envelope, file);
    // Natively: temp file beside `file`, fsync, rename (ts/envelope/native-envelope.ts), so it is durable on return.
    await api.writeEnvelope(spec, file);
  };
}

/** Strips a minidump's memory natively, through scratch files (the native function works on paths). */
export function nativeMinidumpStripper(api: NativeEnvelopeApi): MinidumpStripper {
  return async (minidump) => {
    const base = path.join(os.tmpdir(), `sentry-strip-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await fs.writeFile(`${base}.dmp`, minidump);
      await api.stripMinidumpMemory(`${base}.dmp`, `${base}.stripped.dmp`);
      return await fs.readFile(`${base}.stripped.dmp`);
    } finally {
      await fs.rm(`${base}.dmp`, { force: true });
      await fs.rm(`${base}.stripped.dmp`, { force: true });
    }
  };
}

function toSpec(envelope: Envelope): NativeEnvelopeSpec | undefined {
  const items: NativeEnvelopeSpec['items'] = [];
  for (const [headers, payload] of envelope[1] as Array<[Record<string, unknown>, unknown]>) {
    if (Object.keys(headers).some((k) => !NATIVE_ITEM_HEADERS.has(k))) return undefined;
    const item: NativeEnvelopeSpec['items'][number] = { type: String(headers.type) };
    if (payload instanceof Uint8Array) item.bytes = payload;
    else if (typeof payload === 'string') item.bytes = Buffer.from(payload, 'utf8');
    else item.json = payload as object;
    if (typeof headers.filename === 'string') item.filename = headers.filename;
    if (typeof headers.content_type === 'string') item.contentType = headers.content_type;
    if (typeof headers.attachment_type === 'string') item.attachmentType = headers.attachment_type;
    items.push(item);
  }
  return { header: envelope[0] as Record<string, unknown>, items, gzip: true };
}
