/**
 * Golden events: the whole event for one Linux, one Windows and one macOS dump of the corpus, as ava snapshots
 * (event-golden.spec.ts.md beside this file shows them for review). They are the dumps Sentry's symbolicator
 * snapshots in its own tests (expected/symbolicator/*.snap), so the two can be read side by side.
 *
 * Reviewed against Sentry's event protocol:
 * - exception and mechanism, `meta.signal` {number, code, name, code_name} and `meta.mach_exception`
 *   {exception, code, subcode, name}: https://develop.sentry.dev/sdk/data-model/event-payloads/exception/
 * - stack trace, `instruction_addr_adjustment` ("none": the walker already adjusted caller addresses) and the
 *   frame's `instruction_addr`, `symbol` (raw name), `function`, `package`, `trust`:
 *   https://develop.sentry.dev/sdk/data-model/event-payloads/stacktrace/
 * - threads (crashed / current; the crashing thread's stack on the exception, as Sentry's minidump processing
 *   lays it out in sentry/lang/native/processing.py `_merge_full_response`):
 *   https://develop.sentry.dev/sdk/data-model/event-payloads/threads/
 * - os {name, version, build, kernel_version} and device {arch, processor_count, cpu_description} contexts:
 *   https://develop.sentry.dev/sdk/data-model/event-payloads/contexts/
 * - debug images {type, code_file, code_id, debug_file, debug_id, image_addr, image_size, arch}:
 *   https://develop.sentry.dev/sdk/data-model/event-payloads/debugmeta/
 * - Crashpad annotations as contexts: Relay's `write_crashpad_annotations` (getsentry/relay#892).
 */
import test from 'ava';
import { parseMinidumpSync } from '@acme/sentry-electron-native';
import { eventFromReport } from '../ts/event/event-from-report';
import { dump, HAS_CORPUS, SKIP_REASON, SYMBOLS } from './helpers/corpus';

const golden = (rel: string) => {
  const event = eventFromReport(parseMinidumpSync(dump(rel), { symbols: [SYMBOLS], allThreads: true }));
  // The only field that is not a fact of the dump.
  return { ...event, event_id: '<random>' };
};

if (!HAS_CORPUS) test.skip(`golden events: ${SKIP_REASON}`, () => {});

for (const rel of HAS_CORPUS ? ['symbolicator/linux.dmp', 'symbolicator/windows.dmp', 'symbolicator/macos.dmp'] : []) {
  test(`golden event: ${rel}`, (t) => {
    t.snapshot(golden(rel));
  });
}

if (HAS_CORPUS) {
  test('a macOS EXC_BAD_ACCESS carries its Mach exception triple and the kernel signal', (t) => {
    const ex = golden('symbolicator/macos.dmp').exception!.values![0]!;
    t.deepEqual((ex.mechanism as { meta?: unknown }).meta, {
      signal: { number: 11, name: 'SIGSEGV' },
      mach_exception: { exception: 1, code: 1, subcode: 0x45, name: 'EXC_BAD_ACCESS' },
    });
  });

  test('a Windows crash names its exception code in the type, with no POSIX meta', (t) => {
    const ex = golden('symbolicator/windows.dmp').exception!.values![0]!;
    t.is(ex.type, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
    t.is((ex.mechanism as { meta?: unknown }).meta, undefined);
    // The caller's address is the return address minus one, the one symbols were found at (main.cpp's caller).
    const frames = ex.stacktrace!.frames!;
    t.like(frames[frames.length - 2], { instruction_addr: '0x2a2d96', function: '__scrt_common_main_seh', lineno: 283, trust: 'cfi' });
  });

  test('Crashpad annotations become contexts where Sentry puts them: process-wide in `crashpad`, per module by file name', (t) => {
    const mac = golden('rust-minidump/simple-crashpad.dmp');
    t.deepEqual(mac.contexts!.crashpad, { hello: 'world' });
    t.deepEqual(mac.contexts!['libsystem_c.dylib'], { type: 'crashpad', annotations: ['abort() called'] });
    t.deepEqual(mac.contexts!.dyld, { type: 'crashpad', annotations: ['dyld2 mode'] });

    const ios = golden('breakpad/minidump_crashpad_annotation.dmp');
    t.deepEqual(ios.contexts!.crashpad, { crashpad: 'yes', plat: 'iOS', prod: 'xcuitest', ver: '1' });
    const objects = Object.values(ios.contexts!).find((c) => (c as Record<string, unknown>).exceptionName !== undefined) as Record<string, unknown>;
    t.like(objects, { type: 'crashpad', exceptionName: 'NSRangeException' });
    // A binary annotation object (type 32810) has no readable value: it is left out, as Relay leaves it out.
    t.false('CounterAnnotation' in objects);
  });
}
