import test from 'ava';
import type { MinidumpReport } from '@acme/sentry-electron-native';
import { parseMinidumpSync } from '@acme/sentry-electron-native';
import { eventFromReport, sentryDebugId, type NativeDebugImage, type NativeStackFrame } from '../ts/event/event-from-report';
import { FIXTURE_SYMBOLS, fixtureDump, fixtureManifest, NULL_WRITE_MECHANISM } from './helpers/fixtures';

const manifest = fixtureManifest();
const report = (kind: string, allThreads = false): MinidumpReport =>
  parseMinidumpSync(fixtureDump(manifest.kinds[kind]!), { symbols: [FIXTURE_SYMBOLS], allThreads });

test('a null write becomes a fatal native exception with the crashing frames oldest-first', (t) => {
  const r = report('null_write');
  const event = eventFromReport(r);
  t.is(event.platform, 'native');
  t.is(event.level, 'fatal');
  t.regex(event.event_id ?? '', /^[0-9a-f]{32}$/);
  const exception = event.exception!.values![0]!;
  t.is(exception.type, 'SIGSEGV');
  t.is(exception.value, `${r.crash!.reason} at ${r.crash!.address}`);
  t.deepEqual(exception.mechanism, NULL_WRITE_MECHANISM as typeof exception.mechanism);
  t.is(exception.thread_id, r.crash!.threadId);
  const frames = exception.stacktrace!.frames! as NativeStackFrame[];
  const top = frames[frames.length - 1]!;
  t.is(top.function, 'crash_null_write');
  t.true(top.filename!.endsWith('crashers.c'));
  t.is(top.lineno, manifest.kinds.null_write!.line!);
  t.is(top.instruction_addr, r.crashingThread!.frames[0]!.instruction);
  t.is(top.trust, 'context');
  t.is(top.symbol, 'crash_null_write');
  t.is((exception.stacktrace as { instruction_addr_adjustment?: string }).instruction_addr_adjustment, 'none');
  // A caller's address is the one its function and line were found at: its return address, adjusted.
  const caller = frames[frames.length - 2]!;
  t.is(caller.instruction_addr, r.crashingThread!.frames[1]!.instruction);
  t.is(BigInt(r.crashingThread!.frames[1]!.returnAddress) - BigInt(caller.instruction_addr!), 1n, 'x86_64: one byte back into the call');
  t.is(caller.function, 'fixture_call_depth_1');
  // `package` is the module's full code file, not the file name the frame carries.
  t.is(top.package, r.modules.find((m) => m.codeFile.endsWith('/crash-fixture'))!.codeFile);
  t.is(frames.length, r.crashingThread!.frames.reduce((n, f) => n + 1 + f.inlines.length, 0));
  // The Rust frames that call the C crashers: demangled in `function`, mangled in `symbol`.
  const rust = frames.find((f) => f.function === 'crash_fixture::main')!;
  t.regex(rust.symbol!, /^_ZN13crash_fixture4main17h[0-9a-f]{16}E$/);
  t.false(frames.some((f) => /^_(ZN|R)/.test(f.function ?? '')), 'no mangled function name');
  t.is(event.tags!['crash.reason'], r.crash!.reason);
  t.false('process.type' in event.tags!); // not an Electron process: no annotation to tell it
});

test('threads, debug images and contexts come from the report', (t) => {
  const r = report('thread_null_write', true);
  const event = eventFromReport(r);
  const threads = event.threads!.values!;
  t.is(threads.length, r.threads.length);
  const crashed = threads.filter((th) => th.crashed);
  t.is(crashed.length, 1);
  t.is(crashed[0]!.id, r.crash!.threadId);
  t.is(crashed[0]!.name, manifest.kinds.thread_null_write!.threadName!);
  // As Sentry's minidump processing lays it out: the crashing thread's stack is the exception's, the others' their own.
  t.is(crashed[0]!.stacktrace, undefined);
  t.truthy(event.exception!.values![0]!.stacktrace!.frames!.length);
  t.true(threads.filter((th) => !th.crashed).every((th) => th.stacktrace!.frames!.length > 0));

  const images = event.debug_meta!.images as unknown as NativeDebugImage[];
  t.is(images.length, r.modules.length);
  const fixture = images.find((i) => i.code_file.endsWith('/crash-fixture'))!;
  t.is(fixture.type, 'elf');
  // The fixture binary is rebuilt on every machine, so its id comes from the manifest, in Sentry's spelling.
  const id = manifest.module.debugId;
  const expected = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
  t.is(fixture.debug_id, expected.toLowerCase());
  t.regex(fixture.image_addr, /^0x[0-9a-f]+$/);
  t.true(fixture.image_size > 0);
  t.truthy(fixture.code_id);

  t.like(event.contexts!.os, { name: 'Linux', version: r.system.osVersion, kernel_version: `${r.system.osVersion} ${r.system.osBuild}` });
  t.like(event.contexts!.device, { arch: 'x86_64', processor_count: r.system.cpuCount });
});

test('a dump without a crash has no exception; Windows and macOS images get their types', (t) => {
  const r = report('no_crash');
  const event = eventFromReport(r);
  t.is(event.exception, undefined);
  t.false('crash.reason' in event.tags!);
  const win = eventFromReport({ ...r, system: { ...r.system, os: 'Windows NT' }, processType: 'renderer' });
  t.is((win.debug_meta!.images![0] as unknown as NativeDebugImage).type, 'pe');
  t.is(win.tags!['process.type'], 'renderer');
  t.is(win.contexts!.os!.name, 'Windows');
  const mac = eventFromReport({ ...r, system: { ...r.system, os: 'Mac OS X', cpuArch: 'arm64' } });
  t.is((mac.debug_meta!.images![0] as unknown as NativeDebugImage).type, 'macho');
  t.like(mac.contexts, { os: { name: 'macOS' }, device: { arch: 'arm64' } });
  t.false('kernel_version' in mac.contexts!.os!, 'the dump has no Darwin version to give');
  // Without a crash, the thread that asked for the dump is `current` and keeps its stack on the thread.
  const requested = report('null_write');
  const current = eventFromReport({ ...requested, crash: null }).threads!.values!.find((th) => th.current)!;
  t.false(current.crashed);
  t.truthy(current.stacktrace!.frames!.length);
});

test('Breakpad debug ids map to Sentry debug ids, age appended only when not 0', (t) => {
  t.is(sentryDebugId('780D71881666BE9D29AE563CCC4DC4AC0'), '780d7188-1666-be9d-29ae-563ccc4dc4ac');
  t.is(sentryDebugId('3249D99D0C4049318610F4E4FB0B69361'), '3249d99d-0c40-4931-8610-f4e4fb0b6936-1');
  t.is(sentryDebugId(null), undefined);
  t.is(sentryDebugId('nope'), undefined);
});

test('Crashpad annotations in contexts are bounded, never replace a context, and keep hostile keys as data', (t) => {
  const r = report('null_write');
  const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, `v${i}`]));
  const moduleAnnotations = (moduleIndex: number, module: string) => ({
    moduleIndex,
    module,
    listAnnotations: ['x'.repeat(5000)],
    simpleAnnotations: { ['__proto__']: 'data', type: 'not the context type' },
    annotationObjects: [{ name: 'blob', type: 0x8001, value: '00ff' }, { name: 'text\0garbage', type: 1, value: 'kept\0cut' }],
  });
  const event = eventFromReport({
    ...r,
    crashpad: { reportId: 'R', clientId: 'C', simpleAnnotations: many, modules: [moduleAnnotations(0, '/usr/lib/os'), moduleAnnotations(1, '/opt/app/libapp.so')] },
  });
  const contexts = event.contexts as Record<string, Record<string, unknown>>;
  t.is(Object.keys(contexts.crashpad!).length, 64, 'at most 64 of 500');
  t.like(contexts.os, { name: 'Linux' }, 'a module named like a context does not replace it');
  const lib = contexts['libapp.so']!;
  t.is(lib.type, 'crashpad');
  t.true(Object.prototype.hasOwnProperty.call(lib, '__proto__'));
  t.is(Object.getPrototypeOf(lib), Object.prototype);
  t.is(lib.text, 'kept', 'read as C strings');
  t.false('blob' in lib, 'binary annotation objects have no readable value');
  t.deepEqual(lib.annotations, ['x'.repeat(1024)]);
});
