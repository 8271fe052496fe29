import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Event } from '@sentry/core';
import type { Deliverer } from './deliver';
import type { Claim, DurableQueue } from './queue';
import type { EntryInfo } from './queue-entry';
import type { SizeLimits } from './size-policy';
import { MINIDUMP_ATTACHMENT_TYPE } from '../envelope/minidump-attachment';

/** A native crash to send: the event (e.g. from `eventFromReport`) and the dump, which stays on disk throughout. */
export interface NativeCrash {
  event: Event;
  /** The minidump, streamed natively into the envelope: never read into the JS heap. */
  minidumpPath: string;
  /** More attachments, streamed from disk the same way (logs, a screenshot …). */
  attachments?: Array<{ path: string; filename?: string; contentType?: string }>;
}

/** How `sendCrash` ended: delivered (and in which form), kept in the queue for later, or lost. */
export interface CrashSendResult {
  eventId: string;
  outcome: 'sent' | 'queued' | 'dropped';
  /** The form that was sent or kept: with the whole dump, its memory stripped, or the event alone. */
  form: CrashForm;
}

type CrashForm = 'full' | 'stripped' | 'without-minidump';

/** The native envelope functions used here (`ts/envelope/native-envelope.ts`; loaded lazily by the transport). */
export interface CrashNativeApi {
  writeEnvelope(spec: { header: Record<string, unknown>; items: unknown[]; gzip?: boolean }, path: string): Promise<unknown>;
  stripMinidumpMemory(src: string, dst: string): Promise<unknown>;
}

export interface CrashSenderDeps {
  native: CrashNativeApi;
  deliverer: Deliverer;
  queue: DurableQueue | undefined;
  /** Whether the 413 downgrade may strip the dump's memory (the transport's `stripMinidump !== false`). */
  canStrip: boolean;
  sizeLimits: SizeLimits;
  header: Record<string, unknown>;
  /** The queue replay: told of a failure (back-off), or asked to send what waits after a success. */
  onRetry(): void;
  onSent(): void;
  isBacklogged(): boolean;
  /** Awaited between writing the entry and sending it (the transport's `pace`). */
  pace?: () => Promise<void>;
  log(message: string, error?: unknown): void;
  recordDroppedEvent(reason: 'network_error' | 'send_error', category: 'error' | 'attachment'): void;
}

/** The rate-limit categories of an entry, in its name: the event, and attachments when it still has any. */
const categoriesOf = (spec: { items: unknown[] }): string[] => (spec.items.length > 1 ? ['error', 'attachment'] : ['error']);

/**
 * The crash path that never copies the minidump through the JS heap: the envelope is written natively (gzip, the
 * dump streamed from disk) straight into the durable queue as a crash entry (`.c.`: never evicted for a lesser
 * one), then that file is streamed as the request body and deleted only after a 2xx. Too large (pre-send or 413):
 * the entry is replaced by one with the stripped dump, then by the event alone: the smaller form is published as a
 * new entry first, and only then is the larger one removed, so a process that dies in between leaves the crash in
 * the queue (the larger form, still claimed, is returned by the next `recover`). 5xx and network errors leave the
 * entry queued for the replay, with its back-off. Without a queue, the entry lives in a temp folder for one try.
 */
export async function sendCrash(deps: CrashSenderDeps, crash: NativeCrash): Promise<CrashSendResult> {
  const eventId = crash.event.event_id ?? randomUUID().replace(/-/g, '');
  const event = { ...crash.event, event_id: eventId };
  // A temporary folder only for what needs one (a stripped dump, the envelope when there is no queue): the usual
  // crash goes from the dump straight into the queue, without two more file operations on main's thread.
  let made: Promise<string> | undefined;
  const scratch = (): Promise<string> => (made ??= fs.mkdtemp(path.join(os.tmpdir(), 'sentry-crash-')));
  // The claimed entry of the form that was too large: removed only once the next form is safely queued.
  const held: { claim?: Claim } = {};
  try {
    const dumpBytes = (await fs.stat(crash.minidumpPath)).size;
    // Over the uncompressed attachment limit, the whole dump is refused anyway: start from the stripped form.
    const forms: CrashForm[] = dumpBytes > deps.sizeLimits.maxAttachmentsBytes ? [] : ['full'];
    if (deps.canStrip) forms.push('stripped');
    forms.push('without-minidump');

    for (const form of forms) {
      let minidump: string | undefined = crash.minidumpPath;
      if (form === 'stripped') {
        minidump = path.join(await scratch(), 'stripped.dmp');
        try {
          await deps.native.stripMinidumpMemory(crash.minidumpPath, minidump);
        } catch (e) {
          deps.log('could not strip the minidump: sending the event without it', e);
          continue;
        }
      } else if (form === 'without-minidump') {
        minidump = undefined;
        deps.recordDroppedEvent('send_error', 'attachment');
      }
      const spec = {
        header: { ...deps.header, event_id: eventId, sent_at: new Date().toISOString() },
        items: [
          { type: 'event', json: event },
          ...(crash.attachments ?? []).map((a) => ({ type: 'attachment', path: a.path, filename: a.filename ?? path.basename(a.path), ...(a.contentType ? { contentType: a.contentType } : {}) })),
          ...(minidump ? [{ type: 'attachment', path: minidump, filename: path.basename(crash.minidumpPath), attachmentType: MINIDUMP_ATTACHMENT_TYPE }] : []),
        ],
        gzip: true,
      };
      const outcome = await writeAndSend(deps, spec, scratch, held);
      if (outcome === 'too-large') {
        deps.log(`crash envelope too large (${form}): trying a smaller form`);
        continue;
      }
      return { eventId, outcome, form };
    }
    deps.log('crash envelope too large even without its minidump: dropped');
    deps.recordDroppedEvent('send_error', 'error');
    await held.claim?.ack();
    held.claim = undefined;
    return { eventId, outcome: 'dropped', form: 'without-minidump' };
  } finally {
    // A smaller form could not be written (a full disk…): the larger one goes back to the queue, not away.
    await held.claim?.release();
    const dir = await made?.catch(() => undefined);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes one form of the envelope as an entry and makes one delivery attempt, keeping the entry on 'retry'. The
 * larger form's claim in `held` is acked (deleted) only after this form is a complete entry; on 'too-large' this
 * form's claim is left in `held` in turn, for the next form (or the final drop) to remove.
 */
async function writeAndSend(
  deps: CrashSenderDeps,
  spec: { header: Record<string, unknown>; items: unknown[]; gzip: boolean },
  scratch: () => Promise<string>,
  held: { claim?: Claim },
): Promise<'sent' | 'queued' | 'dropped' | 'too-large'> {
  const { queue, deliverer } = deps;
  if (!queue) {
    const file = path.join(await scratch(), 'crash.env.gz');
    await deps.native.writeEnvelope(spec, file);
    const outcome = await deliverer.deliverFile(file, categoriesOf(spec));
    await fs.rm(file, { force: true });
    if (outcome === 'retry') {
      deps.log('crash not delivered and no queue folder: it is lost');
      deps.recordDroppedEvent('network_error', 'error');
      return 'dropped';
    }
    return outcome;
  }
  const info: EntryInfo = await queue.pushFile(true, categoriesOf(spec), (tmp) => deps.native.writeEnvelope(spec, tmp));
  // The smaller form is durable: only now may the larger one go.
  await held.claim?.ack();
  held.claim = undefined;
  // A backlog waits: this crash goes out behind it, in order, on the replay's schedule.
  if (deps.isBacklogged()) return 'queued';
  await deps.pace?.();
  const claim = await queue.claim((e) => e.name === info.name);
  if (!claim) return 'queued'; // another process's replay took it: it sends it
  const outcome = await deliverer.deliverFile(claim.path, info.categories);
  if (outcome === 'retry') {
    await claim.release();
    deps.onRetry();
    return 'queued';
  }
  if (outcome === 'too-large') {
    held.claim = claim; // removed once the smaller form is queued
    return outcome;
  }
  await claim.ack(); // sent, or refused for good
  if (outcome === 'sent') deps.onSent();
  return outcome;
}
