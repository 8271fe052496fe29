/**
 * The native crash event (eventFromReport) against rust-minidump's `minidump-stackwalk --json` of the same dump,
 * field by field, for every valid corpus dump and every generated fixture: the crash, every thread's frames
 * (addresses, trust, names, files, lines, modules), the OS and CPU, and the debug images.
 *
 * Skips with a message when the corpus or minidump-stackwalk 0.27.0 is missing (the fixtures are ours: a
 * missing manifest is an error).
 */
import test from 'ava';
import { join } from 'node:path';
import { parseMinidumpSync } from '@acme/sentry-electron-native';
import { eventFromReport, sentryDebugId, type NativeDebugImage, type NativeStackFrame } from '../ts/event/event-from-report';
import { dump, HAS_CORPUS, SYMBOLS, validCorpusDumps } from './helpers/corpus';
import { FIXTURE_SYMBOLS, FIXTURES, fixtureManifest } from './helpers/fixtures';
import { findStackwalk, jsonOf } from './helpers/stackwalk-bin';
import { baseName } from './helpers/breakpad-machine';
import { compareStack } from './helpers/event-stackwalk';
import { num } from './helpers/stackwalk-json';

const found = findStackwalk();
if (!found.bin) {
  console.warn(`event-stackwalk skipped: ${found.reason}`);
  test.skip(`events against minidump-stackwalk: ${found.reason}`, () => {});
}

/** Sentry's names (its SDKs and its minidump processing) for rust-minidump's. */
const SENTRY_OS: Record<string, string> = { 'Windows NT': 'Windows', 'Mac OS X': 'macOS', Linux: 'Linux', iOS: 'iOS', Android: 'Android' };
const SENTRY_ARCH: Record<string, string> = { amd64: 'x86_64', x86: 'x86', arm64: 'arm64', arm: 'arm' };

interface Case {
  name: string;
  path: string;
  symbols: string;
}
const cases: Case[] = [
  ...(HAS_CORPUS ? validCorpusDumps().map((rel) => ({ name: rel, path: dump(rel), symbols: SYMBOLS })) : []),
  ...Object.entries(fixtureManifest().kinds).map(([kind, k]) => ({ name: `fixture ${kind}`, path: join(FIXTURES, k.dump), symbols: FIXTURE_SYMBOLS })),
];

for (const c of found.bin ? cases : []) {
  test(`${c.name}: the event says what minidump-stackwalk says`, async (t) => {
    const ref = await jsonOf(found.bin!, ['--json', '--symbols-path', c.symbols, c.path]);
    const report = parseMinidumpSync(c.path, { symbols: [c.symbols], allThreads: true });
    const event = eventFromReport(report);

    // System.
    t.is(event.contexts!.os!.name, SENTRY_OS[ref.system_info.os] ?? ref.system_info.os, 'contexts.os.name');
    t.is(event.contexts!.device!.arch, SENTRY_ARCH[ref.system_info.cpu_arch], 'contexts.device.arch');
    t.is(event.contexts!.device!.processor_count, ref.system_info.cpu_count, 'contexts.device.processor_count');

    // The crash.
    const idx = ref.crash_info.crashing_thread;
    const exception = event.exception?.values?.[0];
    t.is(Boolean(exception), ref.crash_info.type !== null, 'an exception exactly when minidump-stackwalk sees a crash');
    if (exception && ref.crash_info.type !== null) {
      t.is(exception.type, ref.crash_info.type.split(' / ')[0], 'exception.type');
      t.like(exception.mechanism, { type: 'minidump', handled: false, synthetic: true });
      const [name, codeName] = ref.crash_info.type.split(' / ');
      const meta = (exception.mechanism as { meta?: unknown }).meta as { signal?: { name?: string; code_name?: string }; mach_exception?: { name?: string } } | undefined;
      if (event.contexts!.os!.name === 'Linux') {
        t.is(meta?.signal?.name, name, 'mechanism.meta.signal.name');
        t.is(meta?.signal?.code_name, codeName && !codeName.startsWith('0x') ? codeName : undefined, 'mechanism.meta.signal.code_name');
      }
      if (event.contexts!.os!.name === 'macOS' && name!.startsWith('EXC_')) t.is(meta?.mach_exception?.name, name, 'mechanism.meta.mach_exception.name');
      if (idx !== null) t.is(exception.thread_id, ref.threads[idx]!.thread_id, 'exception.thread_id');
      t.is((exception.stacktrace as { instruction_addr_adjustment?: string }).instruction_addr_adjustment, 'none', 'instruction_addr_adjustment');
      if (ref.crashing_thread) compareStack(t, 'exception frames', exception.stacktrace!.frames as NativeStackFrame[], ref.crashing_thread.frames, report);
    }

    // Every thread, in the dump's order; each non-crashing one with its own stack.
    const threads = event.threads!.values!;
    t.deepEqual(threads.map((th) => th.id), ref.threads.map((th) => th.thread_id), 'thread ids');
    threads.forEach((th, i) => {
      const r = ref.threads[i]!;
      if (th.crashed) {
        t.is(th.stacktrace, undefined, `threads[${i}]: the crashing thread's stack is the exception's`);
        return;
      }
      if (r.frames.length === 0) return; // the thread that wrote the dump: neither walks it
      compareStack(t, `threads[${i}] frames`, (th.stacktrace?.frames ?? []) as NativeStackFrame[], r.frames, report);
    });

    // Images.
    const images = event.debug_meta!.images as unknown as NativeDebugImage[];
    t.is(images.length, ref.modules.length, 'one image per module');
    images.forEach((img, i) => {
      const r = ref.modules[i]!;
      const M = `images[${i}] (${r.filename})`;
      t.is(baseName(img.code_file), r.filename, `${M}: code_file`);
      t.is(num(img.image_addr), num(r.base_addr), `${M}: image_addr`);
      t.is(BigInt(img.image_size), num(r.end_addr)! - num(r.base_addr)!, `${M}: image_size`);
      t.is(img.code_id ?? '', r.code_id ?? '', `${M}: code_id`);
      t.is(img.debug_file === undefined ? '' : baseName(img.debug_file), r.debug_file ?? '', `${M}: debug_file`);
      // rust-minidump prints 33 zeros for a module without an identifier; the event then has none, or zeros.
      if (!r.debug_id || /^0+$/.test(r.debug_id)) t.true(img.debug_id === undefined || /^[0-]+$/.test(img.debug_id), `${M}: no debug_id`);
      else t.is(img.debug_id, sentryDebugId(r.debug_id), `${M}: debug_id`);
      t.is(img.arch, SENTRY_ARCH[ref.system_info.cpu_arch], `${M}: arch`);
    });
  });
}

test("threads: 'crashed' keeps the thread list but only the crash's stack", (t) => {
  const kind = fixtureManifest().kinds.thread_null_write!;
  const report = parseMinidumpSync(join(FIXTURES, kind.dump), { symbols: [FIXTURE_SYMBOLS], allThreads: true });
  const all = eventFromReport(report);
  const crashed = eventFromReport(report, { threads: 'crashed' });
  t.is(crashed.threads!.values!.length, report.threads.length);
  t.true(all.threads!.values!.some((th) => !th.crashed && th.stacktrace), 'by default another thread has its stack');
  t.false(crashed.threads!.values!.some((th) => th.stacktrace), "with 'crashed', no thread has one");
  t.deepEqual(crashed.exception, { ...all.exception });
});
