import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEnvelope, type Envelope } from '@sentry/core';
import type { ReceivedEnvelope } from '../../ts/receiver';

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
