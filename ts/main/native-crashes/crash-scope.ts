/**
 * A native crash's event and the scopes it is sent with. A dump of this run gets this run's scope, merged with
 * the crashed renderer's own when it is known; a dump from an earlier run gets that run's release and scope when
 * they were saved, and no scope of this run at all when they were not, so that nothing of today leaks into it.
 */
import { getCurrentScope, Scope, type Event } from '@sentry/core';
import { nativeCrashEvent } from '../../event/native-crash-event';
import type { MinidumpReport } from '../../native/types';
import type { ElectronMainClient } from '../client';
import { goneProcessesOf } from '../gone-processes';
import { rendererScopesOf } from '../ipc/renderer-scopes';
import type { MinidumpPolicy } from '../options';
import type { DumpFile } from './database';
import { scopeFromRun, type RunScope } from './run-scope';
import { mergedRendererScope } from './scope-merge';
import type { WhichSession } from './session-link';

export interface CrashRuns {
  /** When this process started: a dump written before it comes from an earlier run. */
  runStart: number;
  /** The previous run's saved scope, when there is one. */
  previousRun: RunScope | undefined;
}

export interface AssembledCrash {
  event: Event;
  scope: Scope;
  isolation: Scope | undefined;
  /** The release-health session this crash ends. */
  session: WhichSession;
}

/** The event and scopes of `dump`, from its report (or, when it could not be read, an event that says so). */
export function assembleCrash(
  client: ElectronMainClient,
  dump: DumpFile,
  report: MinidumpReport | undefined,
  runs: CrashRuns,
  facts: { policy: MinidumpPolicy; sendDefaultPii: boolean },
): AssembledCrash {
  if (!report) return { event: unreadableDumpEvent(dump), scope: getCurrentScope(), isolation: undefined, session: 'current' };
  let scope: Scope = getCurrentScope();
  let isolation: Scope | undefined;
  const dumpTime = Date.parse(report.dumpTime) || dump.mtimeMs;
  const previous = runs.previousRun;
  const fromPreviousRun = dumpTime < runs.runStart;
  const gone = fromPreviousRun ? undefined : goneProcessesOf(client).claim({ pid: report.processId, processType: report.processType });
  const scopes = rendererScopesOf(client);
  const webContentsId = fromPreviousRun ? undefined : ((report.processId ? scopes.findByPid(report.processId) : undefined) ?? gone?.webContentsId);
  const url = webContentsId !== undefined ? scopes.urlOf(webContentsId) : undefined;
  const event = nativeCrashEvent({ report, policy: facts.policy, gone, webContentsId, url, sendDefaultPii: facts.sendDefaultPii });
  if (fromPreviousRun && previous && dumpTime >= previous.startedAt) {
    // The run that crashed: its release and scope, not this run's.
    Object.assign(event, pick(previous, ['release', 'environment', 'dist']));
    scope = scopeFromRun(previous);
    isolation = new Scope();
  } else if (fromPreviousRun) {
    event.tags = { ...event.tags, 'crash.run': 'unknown' };
    isolation = new Scope();
    scope = new Scope();
  } else if (webContentsId !== undefined) {
    scope = mergedRendererScope(getCurrentScope(), scopes.scopeOf(webContentsId));
  }
  // An earlier run's session is marked crashed only for a crash of that run's main process.
  const session: WhichSession = fromPreviousRun && (report.processType ?? 'browser') === 'browser' ? 'previous' : 'current';
  return { event, scope, isolation, session };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A dump that cannot be read is still a crash: report it with the file, so nothing is lost. */
function unreadableDumpEvent(dump: DumpFile): Event {
  return {
    level: 'fatal',
    platform: 'native',
    message: `Native crash (the minidump ${dump.name}.dmp could not be read on the client)`,
    tags: { 'event.environment': 'native', 'minidump.readable': 'no' },
  };
}
