import type { ExecutionContext } from 'ava';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEnvelope, type Envelope } from '@sentry/core';
import { startReceiver, type BinaryItem, type ReceivedEnvelope } from '../../ts/receiver';
import { endpointFromDsn, makeNativeTransport, type NativeTransportOptions } from '../../ts/transport';
import { FIXTURES } from './fixtures';

/** An error-event envelope whose event carries `tag` (to find it at the receiver) and optional padding. */
export function eventEnvelope(tag: string, padding = 0): Envelope {
  const event_id = randomUUID().replace(/-/g, '');
  return createEnvelope<Envelope>({ event_id, sent_at: new Date().toISOString() }, [
    [{ type: 'event' }, { event_id, message: tag, extra: padding ? { pad: 'x'.repeat(padding) } : {} }],
  ] as unknown as Envelope[1]);
}

/** A transaction envelope (data category `transaction`). */
export function transactionEnvelope(tag: string): Envelope {
  const event_id = randomUUID().replace(/-/g, '');
  return createEnvelope<Envelope>({ event_id }, [
    [{ type: 'transaction' }, { event_id, type: 'transaction', transaction: tag, start_timestamp: 1, timestamp: 2 }],
  ] as unknown as Envelope[1]);
}

/** A crash envelope: an event plus an `event.minidump` attachment of `dumpBytes` (incompressible) bytes. */
export function crashEnvelope(tag: string, dumpBytes: number): Envelope {
  const event_id = randomUUID().replace(/-/g, '');
  const dump = fakeMinidump(dumpBytes);
  return createEnvelope<Envelope>({ event_id }, [
    [{ type: 'event' }, { event_id, message: tag, level: 'fatal' }],
    [{ type: 'attachment', length: dump.length, filename: 'crash.dmp', attachment_type: 'event.minidump' }, dump],
  ] as unknown as Envelope[1]);
}

/** `MDMP` + random bytes: passes the receiver's minidump check, and gzip cannot shrink it. */
export function fakeMinidump(bytes: number): Uint8Array {
  const dump = randomBytes(Math.max(bytes, 8));
  dump.write('MDMP', 0, 'latin1');
  return dump;
}

/** The `message` of each event the receiver accepted, in arrival order. */
export function messages(envelopes: ReceivedEnvelope[]): string[] {
  return envelopes.flatMap((e) =>
    e.items.flatMap((i) => (i.kind === 'json' && typeof (i.payload as { message?: unknown }).message === 'string' ? [(i.payload as { message: string }).message] : [])),
  );
}

export interface Drop {
  reason: string;
  category: string;
  quantity: number;
}

/** A `recordDroppedEvent` that remembers its calls (what the client would put in a client report). */
export function dropRecorder(): { drops: Drop[]; recordDroppedEvent: (reason: string, category: string, quantity?: number) => void } {
  const drops: Drop[] = [];
  return { drops, recordDroppedEvent: (reason, category, quantity = 1) => void drops.push({ reason, category, quantity }) };
}

/** A scratch folder removed after the test. */
export function scratchDir(t: { teardown(fn: () => void): void }, prefix = 'queue-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 20 ms until true or `timeoutMs` passes (then throws). */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The `event.minidump` attachment of a received envelope, if it has one. */
export const minidumpOf = (e: ReceivedEnvelope): BinaryItem | undefined =>
  e.items.find((i): i is BinaryItem => i.kind === 'binary' && i.headers.attachment_type === 'event.minidump');

/**
 * A local receiver and a transport pointed at it, both closed when the test ends. The queue is not replayed at
 * start-up, so nothing races the test's own sends; `options` adds or overrides (e.g. `queueDir`).
 */
export async function receiverWithTransport(t: ExecutionContext, options: Partial<NativeTransportOptions> = {}) {
  const receiver = await startReceiver({ lifetimeMs: 60_000 });
  t.teardown(() => receiver.close());
  const { drops, recordDroppedEvent } = dropRecorder();
  const transport = makeNativeTransport({
    url: endpointFromDsn(receiver.dsn)!.url,
    recordDroppedEvent,
    log: () => undefined,
    replayGapMs: 0,
    flushAtStartup: false,
    ...options,
  });
  t.teardown(() => transport.close());
  return { receiver, transport, drops };
}

/** The null_write fixture dump with `mib` MiB of pseudo-random "heap" appended, by the bench's generator. */
export async function dumpWithHeap(dir: string, mib: number, regionMib = 1): Promise<{ path: string; size: number }> {
  const generator = pathToFileURL(path.join(__dirname, '..', '..', 'bench', 'make-big-dump.mjs')).href;
  const { makeBigDump } = (await import(generator)) as {
    makeBigDump: (o: { base: string; out: string; mib: number; regionMib: number }) => { out: string };
  };
  const base = path.join(FIXTURES, 'null_write.dmp');
  const out = makeBigDump({ base, out: path.join(dir, `heap-${mib}.dmp`), mib, regionMib }).out;
  return { path: out, size: statSync(out).size };
}
