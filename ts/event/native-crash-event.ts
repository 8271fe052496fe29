/**
 * The Sentry event of one native crash in an Electron app: the dump's facts (./event-from-report.ts) plus
 * what Electron knows (process type, the renderer's page, why the process went away), with the user's home
 * directory scrubbed from paths and annotations unless the app sends personal data.
 */
import * as os from 'node:os';
import type { Event } from '@sentry/core';
import { eventFromReport } from './event-from-report';
import type { MinidumpReport } from '../native/types';
import { originOf } from './url-origin';
import type { MinidumpPolicy } from './minidump-policy';

/** Annotation bounds: Crashpad allows long values; an event should not carry kilobytes of crash keys. */
const MAX_ANNOTATIONS = 64;
const MAX_ANNOTATION_KEY = 64;
const MAX_ANNOTATION_VALUE = 1024;

/** What Electron said about the end of the process that crashed. */
export interface ProcessExit {
  reason: string;
  exitCode: number;
}

export interface CrashFacts {
  report: MinidumpReport;
  policy: MinidumpPolicy;
  /** Electron's account of the process's death, when it was seen (main's `GoneProcess` fits). */
  gone?: ProcessExit | undefined;
  /** The renderer's page, when the crash was matched to a web contents. */
  url?: string | undefined;
  webContentsId?: number | undefined;
  sendDefaultPii: boolean;
}

/** Crashpad's `ptype` as the `event.process` tag (Electron's process names, as the Sentry Electron SDK tags them). */
export function processTag(ptype: string | null): string {
  switch (ptype) {
    case null:
    case undefined:
    case '':
    case 'browser':
      return 'browser';
    case 'gpu-process':
      return 'GPU';
    default:
      return ptype;
  }
}

export function nativeCrashEvent(facts: CrashFacts): Event {
  const { report } = facts;
  const event = eventFromReport(report);
  // Crashpad's report id is a UUID: as the event id, an envelope of this crash sent twice (by the crash sender and
  // then by the next launch, should the sender die between its queue write and its ledger entry) is one event.
  const reportHex = report.crashpad?.reportId.replace(/-/g, '').toLowerCase();
  if (reportHex && /^[0-9a-f]{32}$/.test(reportHex)) event.event_id = reportHex;
  const ptype = report.processType ?? 'browser';
  event.tags = { ...event.tags, 'event.process': processTag(report.processType), 'event.environment': 'native' };
  const annotations = boundedAnnotations(report.crashpad?.simpleAnnotations ?? {});
  event.contexts = {
    ...event.contexts,
    electron: {
      process_type: ptype,
      ...(report.processId ? { crashed_process_id: report.processId } : {}),
      ...(report.crashpad?.reportId ? { crashpad_report_id: report.crashpad.reportId } : {}),
      ...(facts.webContentsId !== undefined ? { web_contents_id: facts.webContentsId } : {}),
      ...(facts.url ? { crashed_url: facts.sendDefaultPii ? facts.url : originOf(facts.url) } : {}),
      ...(facts.gone ? { gone_reason: facts.gone.reason, exit_code: facts.gone.exitCode } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
  // The mechanism says `minidump` only when the server will have the dump to look at.
  for (const ex of event.exception?.values ?? []) {
    if (ex.mechanism) ex.mechanism = { ...ex.mechanism, type: facts.policy === 'omit' ? 'native' : 'minidump' };
  }
  if (!event.exception) {
    // A dump without an exception (a hang dump, a process killed by the OS): still a fatal event, with a message.
    event.message = `Native ${ptype} process dump without a crash${facts.gone ? ` (${facts.gone.reason}, exit code ${facts.gone.exitCode})` : ''}`;
  }
  return facts.sendDefaultPii ? event : scrubHome(event, os.homedir());
}

/**
 * Crashpad's annotations are the crashed process's strings: at most `MAX_ANNOTATIONS` of them, keys and values cut
 * to their bounds. Each is read as the C string it was in the process (up to its first NUL, the rest being buffer
 * garbage), a key left empty is dropped, and no cut splits a surrogate pair (a lone surrogate is invalid UTF-8 once
 * serialised, which strict JSON parsers refuse, taking the whole event with it).
 */
function boundedAnnotations(all: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let kept = 0;
  for (const [rawKey, rawValue] of Object.entries(all)) {
    if (kept >= MAX_ANNOTATIONS) break;
    const key = bounded(rawKey, MAX_ANNOTATION_KEY);
    if (!key || Object.prototype.hasOwnProperty.call(out, key)) continue;
    Object.defineProperty(out, key, { value: bounded(String(rawValue), MAX_ANNOTATION_VALUE), enumerable: true, writable: true, configurable: true });
    kept++;
  }
  return out;
}

/** `s` up to its first NUL, at most `max` UTF-16 units, never ending in the first half of a surrogate pair. */
function bounded(s: string, max: number): string {
  const nul = s.indexOf('\0');
  let out = nul >= 0 ? s.slice(0, nul) : s;
  if (out.length > max) out = out.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? out.slice(0, -1) : out;
}

/**
 * Replaces the home directory with `~` in every string of the event (module paths, frames, annotations): the
 * user's account name is personal data, and no symbol lookup needs it (debug ids do the matching).
 */
export function scrubHome<T>(value: T, home: string): T {
  if (!home || home === '/' || home.length < 3) return value;
  const variants = [...new Set([home, home.replace(/\\/g, '/')])];
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let s = v;
      for (const h of variants) s = s.split(h).join('~');
      return s;
    }
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}
