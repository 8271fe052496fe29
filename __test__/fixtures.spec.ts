import test from 'ava';
import { parseMinidump } from '@acme/sentry-electron-native';
import { join } from 'node:path';
import { fixtureDump, fixtureManifest, FIXTURES, FIXTURE_SYMBOLS, liveNodeFixture } from './helpers/fixtures';

// Each dump is a real crash of crates/crash-fixture, written by an out-of-process monitor (minidump-writer).
const manifest = fixtureManifest();

for (const [name, kind] of Object.entries(manifest.kinds)) {
  test(`fixture ${name}: the report names what crashed, why and where`, async (t) => {
    const r = await parseMinidump(fixtureDump(kind), { symbols: [FIXTURE_SYMBOLS] });
    t.is(r.system.os, 'Linux');
    t.is(r.system.cpuArch, 'amd64');
    t.true(r.processId !== null && r.processId > 0, 'process id from /proc status');
    t.deepEqual(r.warnings, []);
    // On Linux the debug file is the module's full path; the symbol store uses its file name.
    const fixtureModule = r.modules.find((m) => m.debugFile?.split('/').pop() === manifest.module.debugFile);
    t.is(fixtureModule?.debugId, manifest.module.debugId);

    if (!kind.hasException) {
      t.is(r.crash, null, 'a dump of a running process has no crash');
      return;
    }
    t.true(r.crash!.reason.startsWith(kind.signal!), `reason ${r.crash!.reason}`);
    const thread = r.crashingThread!;
    t.is(thread.id, r.crash!.threadId);
    t.is(thread.name, kind.threadName!);
    t.truthy(thread.registers.rip && thread.registers.rsp);

    // The crashing C function, at the line of its CRASH_LINE marker. For abort() it sits below libc's
    // frames; every other kind faults in the function itself, so it is frame 0.
    const index = thread.frames.findIndex((f) => f.function === kind.crashingFunction);
    t.true(index >= 0, `${kind.crashingFunction} in ${thread.frames.map((f) => f.function).join(', ')}`);
    if (name !== 'abort') t.is(index, 0);
    const frame = thread.frames[index]!;
    t.is(frame.file?.split('/').pop(), kind.file!);
    t.is(frame.line, kind.line);
    t.is(frame.module, 'crash-fixture');
    t.true(fixtureModule?.symbolsLoaded, 'the .sym was found and used');
    // Its callers come next, found through the .sym's CFI.
    t.is(thread.frames[index + 1]?.function, 'fixture_call_depth_1');
    t.is(thread.frames[index + 1]?.trust, 'cfi');
    t.is(thread.frames[index + 2]?.function, 'fixture_call_depth_2');
  });
}

test('without symbols the frames still carry module and offset', async (t) => {
  const kind = manifest.kinds.null_write!;
  const r = await parseMinidump(fixtureDump(kind));
  const f0 = r.crashingThread!.frames[0]!;
  t.is(f0.function, null);
  t.is(f0.module, 'crash-fixture');
  t.regex(f0.moduleOffset!, /^0x[0-9a-f]+$/);
  t.false(r.modules.some((m) => m.symbolsLoaded));
});

test('a running Node.js process: no crash, every thread walked, modules and pid as the OS saw them', async (t) => {
  const live = liveNodeFixture();
  const r = await parseMinidump(join(FIXTURES, live.dump), { allThreads: true });
  t.is(r.crash, null);
  t.is(r.crashingThread, null);
  t.is(r.processId, live.pid);
  t.deepEqual(r.threads.map((th) => th.id).sort((a, b) => a - b), live.threadIds);
  t.true(live.threadIds.length >= 5, 'main, worker, V8 platform and libuv threads');
  for (const th of r.threads) {
    t.true(th.frames !== null && th.frames.length >= 1, `thread ${th.id} walked`);
    t.is(th.frames![0]!.trust, 'context');
    t.true(th.frames!.length <= 256, 'maxFrames bounds the walk');
  }
  t.is(r.modules[0]?.codeFile, live.executable, 'the main module is the executable');
  t.true(r.modules.some((m) => /\/libc\.so\.6$/.test(m.codeFile)));
  t.deepEqual(r.warnings, []);
});
