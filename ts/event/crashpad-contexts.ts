/**
 * Crashpad's annotations as event contexts, where Sentry's own minidump processing (Relay's
 * `write_crashpad_annotations`, getsentry/relay#892) puts them, so that an event built here and one Sentry
 * builds from the same dump read alike:
 *
 * - the process-wide simple annotations form the context `crashpad`;
 * - each module's annotations form a context named after the module's file name, of type `crashpad`: its simple
 *   annotations and string annotation objects as keys, its list annotations under `annotations`.
 *
 * The values are the crashed process's own strings: bounded here in number and length, read as the C strings
 * they were, so that a dump cannot make the event large or invalid.
 */
import type { CrashpadInfo } from '../native/types';

/** Per context; Crashpad itself allows 64 simple annotations of 256 bytes, but annotation objects up to 20 KiB. */
export const MAX_ANNOTATIONS = 64;
export const MAX_ANNOTATION_KEY = 64;
export const MAX_ANNOTATION_VALUE = 1024;
/** Module contexts kept; Chromium annotates a handful of modules. */
const MAX_MODULE_CONTEXTS = 16;
/** Crashpad's string annotation type; other types are binary and have no readable value. */
const STRING_ANNOTATION = 1;

/** `s` up to its first NUL, at most `max` UTF-16 units, never ending in the first half of a surrogate pair. */
export function boundedString(s: string, max: number): string {
  const nul = s.indexOf('\0');
  let out = nul >= 0 ? s.slice(0, nul) : s;
  if (out.length > max) out = out.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? out.slice(0, -1) : out;
}

/**
 * At most `MAX_ANNOTATIONS` of `entries`, keys and values bounded; empty and repeated keys are dropped. Keys are
 * set as own properties, so that `__proto__` from a dump is data, not the object's prototype.
 */
export function boundedAnnotations(entries: Iterable<[string, string]>, reserved: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const [rawKey, rawValue] of entries) {
    if (kept >= MAX_ANNOTATIONS) break;
    const key = boundedString(rawKey, MAX_ANNOTATION_KEY);
    if (!key || reserved.includes(key) || Object.prototype.hasOwnProperty.call(out, key)) continue;
    Object.defineProperty(out, key, { value: boundedString(String(rawValue), MAX_ANNOTATION_VALUE), enumerable: true, writable: true, configurable: true });
    kept++;
  }
  return out;
}

const leafName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

/** The contexts for `crashpad`'s annotations; a name already in `taken` (os, device, …) is never overwritten. */
export function crashpadContexts(crashpad: CrashpadInfo | null, taken: readonly string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (!crashpad) return out;
  const processWide = boundedAnnotations(Object.entries(crashpad.simpleAnnotations));
  if (Object.keys(processWide).length) out.crashpad = processWide;
  for (const m of crashpad.modules) {
    if (Object.keys(out).length > MAX_MODULE_CONTEXTS) break;
    const name = m.module ? boundedString(leafName(m.module), MAX_ANNOTATION_KEY) : '';
    if (!name || name === 'crashpad' || taken.includes(name) || Object.prototype.hasOwnProperty.call(out, name)) continue;
    const entries: [string, string][] = [
      ...Object.entries(m.simpleAnnotations),
      ...m.annotationObjects.filter((o) => o.type === STRING_ANNOTATION).map((o): [string, string] => [o.name, o.value]),
    ];
    const annotations = m.listAnnotations.slice(0, MAX_ANNOTATIONS).map((a) => boundedString(a, MAX_ANNOTATION_VALUE));
    const context: Record<string, unknown> = {
      type: 'crashpad',
      ...boundedAnnotations(entries, ['type', 'annotations']),
      ...(annotations.length ? { annotations } : {}),
    };
    if (Object.keys(context).length > 1) out[name] = context;
  }
  return out;
}
