/**
 * The minidump file a crash is sent with, by the app's `minidumpPolicy`: the dump itself, a copy stripped of its
 * heap memory, or none. A strip that fails sends the event alone rather than the full dump the app did not want.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { debug } from '@sentry/core';
import { stripMinidumpMemory } from '../../envelope/native-envelope';
import type { MinidumpPolicy } from '../options';
import type { DumpFile } from './database';

export interface MinidumpToSend {
  /** The file to attach, if any. */
  path: string | undefined;
  /** Removes the stripped copy; call it once the crash is sent or queued (a queued crash holds its own bytes). */
  cleanup(): Promise<void>;
}

/** Prepares the attachment of `dump`; a stripped copy goes to `<sentryDir>/tmp/`. */
export async function minidumpToSend(dump: DumpFile, policy: MinidumpPolicy, sentryDir: string): Promise<MinidumpToSend> {
  if (policy !== 'strip') return { path: policy === 'omit' ? undefined : dump.path, cleanup: () => Promise.resolve() };
  const stripped = path.join(sentryDir, 'tmp', `${dump.name}.stripped.dmp`);
  await fs.mkdir(path.dirname(stripped), { recursive: true });
  const sent = await stripMinidumpMemory(dump.path, stripped).then(
    () => stripped,
    (e) => (debug.warn('[NativeCrashes] stripping the dump failed: sending the event alone', e), undefined),
  );
  return { path: sent, cleanup: () => fs.rm(stripped, { force: true }).catch(() => undefined) };
}
