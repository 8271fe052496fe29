import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { parseEnvelope, serializeEnvelope, type Envelope } from '@sentry/core';
import { envelopeCategories } from './rate-limits';
import { isCrashEnvelope } from './size-policy';

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

/**
 * What a queue entry's file name says about it, so ordering, rate limits and eviction need no read:
 * `<ms, 13 digits>-<sequence, 6 digits>-<pid>-<random>.<c|n>.<category+category>.env.gz`.
 * Fixed-width time then sequence: sorting names sorts entries by age.
 */
export interface EntryInfo {
  name: string;
  time: number;
  crash: boolean;
  categories: string[];
}

const ENTRY_RE = /^(\d{13})-(\d{6})-(\d+)-([0-9a-f]+)\.([cn])\.([a-z_+]*)\.env\.gz$/;

let sequence = 0;

/** A fresh entry name for an envelope written now. */
export function entryName(envelope: Envelope, now: number): EntryInfo {
  return entryNameFor(isCrashEnvelope(envelope), envelopeCategories(envelope), now);
}

/** A fresh entry name from what it holds: for entries written natively, whose envelope JS never sees whole. */
export function entryNameFor(crash: boolean, categories: string[], now: number): EntryInfo {
  sequence = (sequence + 1) % 1_000_000;
  const rand = Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0');
  const name =
    `${String(Math.floor(now)).padStart(13, '0')}-${String(sequence).padStart(6, '0')}-${process.pid}-${rand}` +
    `.${crash ? 'c' : 'n'}.${categories.join('+')}.env.gz`;
  return { name, time: now, crash, categories };
}

/** Reads an entry name back; `undefined` for anything that is not one (temporary files, strangers). */
export function parseEntryName(name: string): EntryInfo | undefined {
  const m = ENTRY_RE.exec(name);
  if (!m) return undefined;
  return { name, time: Number(m[1]), crash: m[5] === 'c', categories: m[6] ? m[6].split('+') : [] };
}

/**
 * Writes an envelope, gzipped, to a new file at `path` and makes it durable (fsync) before resolving. The queue
 * publishes the file afterwards by renaming it into place, so a reader never sees it half written.
 */
export type EntryWriter = (envelope: Envelope, path: string) => Promise<void>;

/** The JavaScript writer: gzip on libuv's pool (never the JS thread), `wx` open, write, fsync. */
export const writeEntryJs: EntryWriter = async (envelope, path) => {
  const gz = await gzipAsync(serializeEnvelope(envelope));
  const fh = await fs.open(path, 'wx');
  try {
    await fh.writeFile(gz);
    await fh.sync();
  } finally {
    await fh.close();
  }
};

/** Reads an entry: gunzip + parse. Throws on a damaged file, which the queue then discards. */
export async function readEntry(path: string): Promise<Envelope> {
  const raw = await gunzipAsync(await fs.readFile(path));
  const envelope = parseEnvelope(raw);
  if (!envelope[0] || typeof envelope[0] !== 'object' || !Array.isArray(envelope[1])) {
    throw new Error(`not an envelope: ${path}`);
  }
  return envelope;
}
