/**
 * The native crash event main builds from a dump (ts/event/native-crash-event.ts), on a real fixture dump:
 * Electron's facts, bounded annotations, the mechanism per minidump policy, and the home directory scrubbed.
 */
import test from 'ava';
import { homedir } from 'node:os';
import type { NativeDebugImage } from '../ts/event/event-from-report';
import { nativeCrashEvent, scrubHome } from '../ts/event/native-crash-event';
import { parseMinidumpSync } from '../ts/index';
import type { MinidumpReport } from '../ts/native/types';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';

/** A real report, with a module moved under the home directory and annotations of Crashpad's (one oversized). */
function report(): MinidumpReport {
  const r = parseMinidumpSync(fixtureDump(fixtureManifest().kinds.null_write!));
  r.modules[0] = { ...r.modules[0]!, codeFile: `${homedir()}/Apps/MyApp/libapp.so` };
  r.processType = 'renderer';
  r.crashpad = {
    reportId: 'A1B2',
    clientId: 'C3',
    simpleAnnotations: { ptype: 'renderer', path: `${homedir()}/Documents/secret.txt`, huge: 'z'.repeat(5000) },
    modules: [],
  };
  return r;
}

const images = (e: ReturnType<typeof nativeCrashEvent>) => e.debug_meta!.images as unknown as NativeDebugImage[];

test('the home directory becomes ~ in module paths and annotations unless personal data is allowed', (t) => {
  const scrubbed = nativeCrashEvent({ report: report(), policy: 'attach', sendDefaultPii: false });
  t.is(images(scrubbed)[0]!.code_file, '~/Apps/MyApp/libapp.so');
  const electron = scrubbed.contexts!.electron as { annotations: Record<string, string> };
  t.is(electron.annotations.path, '~/Documents/secret.txt');
  t.false(JSON.stringify(scrubbed).includes(homedir() + '/'), 'no home path anywhere in the event');

  const kept = nativeCrashEvent({ report: report(), policy: 'attach', sendDefaultPii: true });
  t.is(images(kept)[0]!.code_file, `${homedir()}/Apps/MyApp/libapp.so`);
});

test('annotations are bounded; the process tag and context come from the dump; the mechanism follows the policy', (t) => {
  const attach = nativeCrashEvent({ report: report(), policy: 'attach', sendDefaultPii: false, url: 'https://app.example/a/b?token=1', webContentsId: 3 });
  const electron = attach.contexts!.electron as Record<string, unknown> & { annotations: Record<string, string> };
  t.is(electron.annotations.huge!.length, 1024);
  t.is(electron.crashed_url, 'https://app.example');
  t.is(electron.web_contents_id, 3);
  t.is(attach.tags!['event.process'], 'renderer');
  t.is(attach.exception!.values![0]!.mechanism!.type, 'minidump');
  const omit = nativeCrashEvent({ report: report(), policy: 'omit', sendDefaultPii: false });
  t.is(omit.exception!.values![0]!.mechanism!.type, 'native');
  t.deepEqual({ handled: omit.exception!.values![0]!.mechanism!.handled, synthetic: omit.exception!.values![0]!.mechanism!.synthetic }, { handled: false, synthetic: true });
});

test('scrubHome leaves paths outside the home directory and a too-short home alone', (t) => {
  t.deepEqual(scrubHome({ a: '/home/ann/x', b: ['/opt/y', '/home/ann'] }, '/home/ann'), { a: '~/x', b: ['/opt/y', '~'] });
  t.deepEqual(scrubHome({ a: '/x' }, '/'), { a: '/x' });
});

test('annotations are bounded in number and length, read as C strings, and never cut inside a surrogate pair', (t) => {
  const r = report();
  const many: Record<string, string> = {};
  for (let i = 0; i < 500; i++) many[`key${String(i).padStart(3, '0')}`] = `value ${i}`;
  r.crashpad!.simpleAnnotations = {
    ['k'.repeat(10_000)]: 'long key',
    'ptype\0garbage after the terminator': 'renderer\0\0stale bytes of a longer value',
    '\0starts with NUL': 'dropped: its key is empty',
    emoji: `${'x'.repeat(1023)}\u{1F600}tail`,
    ['__proto__']: 'an own key, not a prototype',
    ...many,
  };
  const event = nativeCrashEvent({ report: r, policy: 'attach', sendDefaultPii: true });
  const annotations = (event.contexts!.electron as { annotations: Record<string, string> }).annotations;
  const keys = Object.keys(annotations);
  t.is(keys.length, 64, 'at most 64 annotations of 505');
  t.true(keys.every((k) => k.length > 0 && k.length <= 64));
  t.true(Object.values(annotations).every((v) => v.length <= 1024));
  t.is(annotations['k'.repeat(64)], 'long key');
  t.is(annotations.ptype, 'renderer', 'key and value end at their first NUL');
  t.false(JSON.stringify(annotations).includes('\\u0000'), 'no NUL reaches the event');
  t.is(annotations.emoji, 'x'.repeat(1023), 'the cut does not leave half of a surrogate pair');
  t.true(Object.prototype.hasOwnProperty.call(annotations, '__proto__'));
  t.is(Object.getPrototypeOf(annotations), Object.prototype);
  // The whole context stays small, whatever the dump claimed.
  t.true(JSON.stringify(event.contexts!.electron).length < 64 * (64 + 1024 + 8) + 1024);
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  t.false([...keys, ...Object.values(annotations)].some((s) => lone.test(s)), 'no lone surrogate (invalid UTF-8 once sent)');
});
