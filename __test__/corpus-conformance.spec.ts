/**
 * Conformance of `parseMinidump` on the shared corpus of real minidumps (../shared/corpus, see its
 * MANIFEST.md) against independent references:
 *
 * - Google Breakpad's `minidump_stackwalk -m` output (`expected/breakpad-generated/*.machine.txt`, made with
 *   `symbols/` as the symbol root), parsed here: system, crash, crashing thread, module list, frame 0;
 * - the MANIFEST's key facts table, literally;
 * - rust-minidump's own `minidump-stackwalk --json` snapshots (`expected/rust-minidump/*.snap`);
 * - the INLINE symbol variants (`linux_inline.{old,new}.sym`, `symbols-extra/inlines`), in a private
 *   symbol root built per test in os.tmpdir().
 *
 * Where Breakpad and rust-minidump legitimately differ (MANIFEST, last section) facts are compared, not
 * spellings: the numeric exception code instead of the reason name, absent debug ids as absent, and
 * Breakpad's one-frame-per-inlined-call stack against our `inlines` flattened.
 */
import test, { type ExecutionContext } from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MinidumpError,
  parseMinidump,
  parseMinidumpSync,
  type Frame,
  type MinidumpReport,
  type ParseOptions,
} from '@acme/sentry-electron-native';
import { CORPUS, dump, HAS_CORPUS, SKIP_REASON, SYMBOLS } from './helpers/corpus';
import { baseName, debugIdFact, parseBreakpadMachine, type BreakpadMachineOutput } from './helpers/breakpad-machine';
import { compareReportToStackwalk, snapshotBody, type StackwalkJson } from './helpers/stackwalk-json';
import { tempSymbolRoot } from './helpers/symbol-root';

if (!HAS_CORPUS) test.skip(`corpus conformance: ${SKIP_REASON}`, () => {});
const corpusTest = HAS_CORPUS ? test : test.skip;
/** A test of a known disagreement: passes while the assertion fails, and ava flags it once it holds. */
const knownGapTest = HAS_CORPUS ? test.failing : test.skip;

/** Fuzzer-made dumps with a malformed directory: a typed error, never a report (Breakpad refuses them too). */
const INVALID = new Set(['rust-minidump/invalid-range.dmp', 'rust-minidump/invalid-record-count.dmp']);

/** Every dump under dumps/<source>/, as `<source>/<name>.dmp`. */
function listDumps(): string[] {
  const root = join(CORPUS, 'dumps');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith('.dmp')).map((f) => `${d.name}/${f}`))
    .sort();
}
const DUMPS = HAS_CORPUS ? listDumps() : [];

const breakpadMachinePath = (rel: string): string =>
  join(CORPUS, 'expected', 'breakpad-generated', `${rel.replace('/', '--').replace(/\.dmp$/, '')}.machine.txt`);

/** One parse per dump with the corpus symbols, shared by the tests of that dump (reports are read only). */
const reports = new Map<string, Promise<MinidumpReport>>();
const reportOf = (rel: string): Promise<MinidumpReport> => {
  let p = reports.get(rel);
  if (!p) reports.set(rel, (p = parseMinidump(dump(rel), { symbols: [SYMBOLS] })));
  return p;
};

const big = (hex: string | null | undefined): bigint | null => (hex == null ? null : BigInt(hex));

/** A frame and its inlined calls as Breakpad lists them: innermost inlined call first, the physical frame last. */
interface LogicalFrame {
  function: string | null;
  file: string | null;
  line: number | null;
  inlined: boolean;
}
const flatten = (f: Frame): LogicalFrame[] => [
  ...f.inlines.map((i) => ({ function: i.function, file: i.file, line: i.line, inlined: true })),
  { function: f.function, file: f.file, line: f.line, inlined: false },
];

// ---------------------------------------------------------------------------------------------------------
// Crash reasons: where the names legitimately differ, the numeric code is the fact to compare.

/** Dumps whose reason Breakpad names differently (MANIFEST): our `crash.code` must be this number. */
const REASON_BY_CODE: Record<string, { code: bigint; reasonIncludes?: string }> = {
  // Breakpad: FAST_FAIL_FATAL_APP_EXIT; rust-minidump: EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_FATAL_APP_EXIT.
  'breakpad/tiny-exe-fastfail.dmp': { code: 0xc0000409n, reasonIncludes: 'FAST_FAIL_FATAL_APP_EXIT' },
  // Breakpad: 0xc000000d / 0x00000000; rust-minidump: STATUS_INVALID_PARAMETER.
  'rust-minidump/invalid-parameter.dmp': { code: 0xc000000dn },
  // Exception code 0 (abort() on macOS): Breakpad 0x00000000 / 0x00000000.
  'rust-minidump/simple-crashpad.dmp': { code: 0n },
  // Crashpad's iOS NSException code 0x43506e78 ('CPnx'): Breakpad "Uncaught NSException".
  'breakpad/minidump_crashpad_annotation.dmp': { code: 0x43506e78n },
};

/** Codes of the reason names Breakpad and rust-minidump share. */
const CODE_OF_REASON: Record<string, bigint> = {
  SIGSEGV: 0xbn,
  SIGILL: 0x4n,
  EXC_BAD_ACCESS: 0x1n,
  EXCEPTION_ACCESS_VIOLATION_WRITE: 0xc0000005n,
};

function checkReason(t: ExecutionContext, rel: string, r: MinidumpReport, bpReason: string): void {
  const crash = r.crash!;
  const numeric = /^(0x[0-9a-f]+)(?:\s*\/\s*0x[0-9a-f]+)?$/i.exec(bpReason);
  const byCode = REASON_BY_CODE[rel];
  if (byCode) {
    t.is(big(crash.code), byCode.code, `crash.code (reason names differ: Breakpad "${bpReason}", ours "${crash.reason}")`);
    if (numeric) t.is(big(crash.code), BigInt(numeric[1]!), 'crash.code vs the code in Breakpad\'s numeric reason');
    if (byCode.reasonIncludes) t.true(crash.reason.includes(byCode.reasonIncludes), `crash.reason "${crash.reason}" names ${byCode.reasonIncludes}`);
    return;
  }
  if (numeric) {
    t.is(big(crash.code), BigInt(numeric[1]!), `crash.code vs Breakpad's numeric reason "${bpReason}"`);
    return;
  }
  // Breakpad appends the POSIX si_code as " /0x00000000" when it has no name for it; rust-minidump omits it.
  const name = bpReason.replace(/\s*\/\s*0x0+$/, '');
  t.is(crash.reason, name, `crash.reason (Breakpad "${bpReason}")`);
  const code = CODE_OF_REASON[name.split(' / ')[0]!];
  if (code !== undefined) t.is(big(crash.code), code, `crash.code of ${name}`);
}

// ---------------------------------------------------------------------------------------------------------
// Breakpad's -m output against ours.

function checkAgainstBreakpad(t: ExecutionContext, rel: string, r: MinidumpReport, bp: BreakpadMachineOutput): void {
  // System.
  t.is(r.system.os, bp.os.name, 'system.os');
  const osVer = [r.system.osVersion, r.system.osBuild].filter(Boolean).join(' ');
  t.truthy(r.system.osVersion, 'system.osVersion present');
  // Breakpad prints "<version> <CSD/build>" raw (Linux: "0.0.0 Linux <release> <version> <machine>");
  // rust-minidump extracts the release and build from it.
  t.true(bp.os.version.includes(osVer), `system.osVersion + osBuild "${osVer}" within Breakpad's "${bp.os.version}"`);
  t.is(r.system.cpuArch, bp.cpu.arch, 'system.cpuArch');
  t.is(r.system.cpuInfo, bp.cpu.info, 'system.cpuInfo');
  t.is(r.system.cpuCount, bp.cpu.count, 'system.cpuCount');

  // Crash: address, thread, reason.
  t.truthy(bp.crash, 'Breakpad reports a crash');
  t.truthy(r.crash, 'crash present');
  if (!bp.crash || !r.crash) return;
  t.is(big(r.crash.address), bp.crash.address, 'crash.address');
  const thread = r.threads[bp.crash.threadIndex];
  t.truthy(thread, `threads[${bp.crash.threadIndex}] (Breakpad's crashing thread index) exists`);
  t.is(thread?.id, r.crash.threadId, `threads[${bp.crash.threadIndex}].id === crash.threadId`);
  t.is(r.crashingThread?.id, r.crash.threadId, 'crashingThread.id === crash.threadId');
  checkReason(t, rel, r, bp.crash.reason);

  // Modules: Breakpad lists them sorted by address, code and debug files as base names.
  t.is(r.modules.length, bp.modules.length, 'module count');
  const ours = new Map(r.modules.map((m) => [`${baseName(m.codeFile)}@${BigInt(m.baseAddress)}`, m]));
  t.is(ours.size, r.modules.length, 'modules: (code file, base) pairs are unique');
  for (const b of bp.modules) {
    const M = `module ${b.codeFile}@0x${b.base.toString(16)}`;
    const m = ours.get(`${b.codeFile}@${b.base}`);
    t.truthy(m, `${M}: present with the same code file name and base address`);
    if (!m) continue;
    t.is(debugIdFact(m.debugId), debugIdFact(b.debugId), `${M}: debugId (absent = null, empty or zeros)`);
    t.is(m.debugFile === null ? '' : baseName(m.debugFile), b.debugFile, `${M}: debugFile`);
    t.is(BigInt(m.baseAddress) + BigInt(m.size) - 1n, b.end, `${M}: end address (base + size - 1)`);
    t.is(m.version ?? '', b.version, `${M}: version`);
  }
  const main = bp.modules.filter((b) => b.isMain);
  t.is(main.length, 1, 'Breakpad flags one main module');
  if (main[0]) t.is(baseName(r.modules[0]!.codeFile), main[0].codeFile, 'modules[0] is the main module');

  // Frame 0 of the crashing thread.
  const bpFrames = bp.threads.get(bp.crash.threadIndex) ?? [];
  const f0 = r.crashingThread?.frames[0];
  t.truthy(f0, 'crashingThread.frames[0] present');
  t.truthy(bpFrames[0], 'Breakpad has frame 0');
  if (!f0 || !bpFrames[0]) return;
  const logical = flatten(f0);
  t.true(bpFrames.length >= logical.length, `Breakpad lists frame 0 and its ${logical.length - 1} inlined call(s)`);
  logical.forEach((l, i) => {
    const b = bpFrames[i];
    if (!b) return;
    const F = `frame 0${l.inlined ? ` inline #${i}` : ''} (Breakpad frame ${b.frame})`;
    t.is(f0.module ?? '', b.module, `${F}: module`);
    if (b.function) {
      t.is(l.function, b.function, `${F}: function`);
      t.is(l.file ?? '', b.file, `${F}: file`);
      t.is(l.line, b.line, `${F}: line`);
    } else {
      t.is(l.function, null, `${F}: function (Breakpad has none with the same symbols)`);
    }
  });
  const phys = bpFrames[logical.length - 1];
  if (phys) {
    // Breakpad's offset is relative to what it knows: the line, else the function, else the module.
    if (!phys.function) t.is(big(f0.moduleOffset), phys.offset, 'frame 0: module offset');
    else if (!phys.file) t.is(big(f0.functionOffset), phys.offset, 'frame 0: function offset');
  }
  const mod = bp.modules.find((b) => b.codeFile === f0.module);
  t.truthy(mod, `frame 0 module ${f0.module} is in Breakpad's module list`);
  if (mod) {
    t.is<bigint | null, bigint | null>(mod.base + big(f0.moduleOffset)!, big(f0.instruction), 'frame 0: Breakpad module base + moduleOffset === instruction');
  }
}

// ---------------------------------------------------------------------------------------------------------
// The MANIFEST's key facts, literally.

interface Expect {
  reason?: string;
  code?: bigint;
  address: string;
  modules: number;
  threads?: number;
}

function basics(t: ExecutionContext, r: MinidumpReport, e: Expect): void {
  t.truthy(r.crash, 'crash present');
  if (!r.crash) return;
  if (e.reason !== undefined) t.is(r.crash.reason, e.reason, 'crash.reason');
  if (e.code !== undefined) t.is(big(r.crash.code), e.code, 'crash.code');
  t.is(r.crash.address, e.address, 'crash.address');
  t.is(r.modules.length, e.modules, 'module count');
  if (e.threads !== undefined) t.is(r.threads.length, e.threads, 'thread count');
  t.is(r.crashingThread?.id, r.crash.threadId, 'crashingThread.id === crash.threadId');
  t.is(r.threads[0]?.id, r.crash.threadId, 'the crashing thread is thread index 0');
}

const frame0 = (r: MinidumpReport): Frame => {
  const f = r.crashingThread?.frames[0];
  if (!f) throw new Error('no frame 0 on the crashing thread');
  return f;
};

/** Unnamed threads: `null` (no name stream) and `''` (an empty name) are the same fact. */
const threadNames = (r: MinidumpReport): Array<string | null> => r.threads.map((th) => th.name || null);

const KEY_FACTS: Record<string, (t: ExecutionContext, r: MinidumpReport) => void> = {
  'rust-minidump/test.dmp': (t, r) => {
    basics(t, r, { reason: 'EXCEPTION_ACCESS_VIOLATION_WRITE', code: 0xc0000005n, address: '0x45', modules: 13 });
    const f = frame0(r);
    t.is(f.module, 'test_app.exe', 'frame 0 module');
    t.is(f.function, "`anonymous namespace'::CrashFunction", 'frame 0 function');
    t.true(f.file?.endsWith('test_app.cc'), `frame 0 file ${f.file} is test_app.cc`);
    t.true(r.modules.find((m) => baseName(m.codeFile) === 'test_app.exe')?.symbolsLoaded, 'test_app.exe symbolsLoaded (test_app.pdb)');
  },
  'rust-minidump/linux-mini.dmp': (t, r) => {
    basics(t, r, { reason: 'SIGSEGV', code: 0xbn, address: '0x45', modules: 8 });
    const f = frame0(r);
    t.is(f.module, 'crash', 'frame 0 module');
    t.is(f.function, 'main', 'frame 0 function');
    const crash = r.modules.find((m) => baseName(m.codeFile) === 'crash');
    t.true(crash?.debugId?.startsWith('C0BCC3F1'), `module crash debugId ${crash?.debugId} is C0BCC3F1…`);
    t.true(crash?.symbolsLoaded, 'module crash symbolsLoaded');
  },
  'rust-minidump/simple-crashpad.dmp': (t, r) => {
    basics(t, r, { code: 0n, address: '0x7fff6f41333a', modules: 40 });
    const c = r.crashpad;
    t.truthy(c, 'crashpad present');
    if (!c) return;
    t.is(c.reportId, '42F9DE72-518A-43DD-97D7-8DDC328D3662', 'crashpad.reportId');
    t.is(c.clientId, '6FD2B3B9-9833-4B2F-BBF7-0BCF501BAD7E', 'crashpad.clientId');
    t.deepEqual(c.simpleAnnotations, { hello: 'world' }, 'crashpad.simpleAnnotations');
    t.deepEqual(
      c.modules.map((m) => ({ moduleIndex: m.moduleIndex, list: m.listAnnotations })),
      [
        { moduleIndex: 16, list: ['abort() called'] },
        { moduleIndex: 39, list: ['dyld2 mode'] },
      ],
      'crashpad.modules: module indexes and list annotations',
    );
    for (const m of c.modules) {
      t.is(m.module, r.modules[m.moduleIndex]?.codeFile, `crashpad.modules[index ${m.moduleIndex}].module names modules[${m.moduleIndex}]`);
      t.deepEqual(m.simpleAnnotations, {}, `crashpad.modules[index ${m.moduleIndex}].simpleAnnotations`);
      t.deepEqual(m.annotationObjects, [], `crashpad.modules[index ${m.moduleIndex}].annotationObjects`);
    }
  },
  'rust-minidump/pipeline-inlines-macos-segv.dmp': (t, r) => {
    basics(t, r, { reason: 'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS', code: 0x1n, address: '0xffffffff80000042', modules: 47, threads: 11 });
    const logical = flatten(frame0(r));
    t.is(logical[0]?.function, 'core::ptr::write_volatile::<u8>', 'frame 0 (innermost inlined call)');
    t.true(logical[0]?.inlined, 'frame 0 write_volatile is an inlined call');
    t.is(frame0(r).function, 'sadness_generator::raise_segfault', 'frame 0 physical function');
    t.is(r.crashingThread?.name, 'main', 'crashingThread.name');
    t.deepEqual(threadNames(r), ['main', ...Array<null>(10).fill(null)], 'thread names');
  },
  'rust-minidump/invalid-parameter.dmp': (t, r) => {
    basics(t, r, { code: 0xc000000dn, address: '0x0', modules: 31 });
    const a = r.crash?.assertion;
    t.truthy(a, 'crash.assertion present');
    // `expression` in `function` at `file:line`.
    const m = /^(.*) in (\S+) at (.*):(\d+)$/.exec(a ?? '');
    t.truthy(m, `crash.assertion "${a}" reads "<expression> in <function> at <file>:<line>"`);
    if (!m) return;
    t.is(m[1], 'format != nullptr', 'assertion expression');
    t.is(m[2], 'common_vfprintf', 'assertion function');
    t.is(Number(m[4]), 32, 'assertion line');
  },
  'breakpad/minidump_crashpad_annotation.dmp': (t, r) => {
    basics(t, r, { code: 0x43506e78n, address: '0x1030e9c34', modules: 354, threads: 7 });
    const c = r.crashpad;
    t.truthy(c, 'crashpad present');
    if (!c) return;
    t.deepEqual(c.simpleAnnotations, { crashpad: 'yes', plat: 'iOS', prod: 'xcuitest', ver: '1' }, 'crashpad.simpleAnnotations');
    t.deepEqual(c.modules.map((m) => m.moduleIndex), [1, 100], 'crashpad.modules: module list indexes');
    const [m0, m1] = c.modules;
    if (!m0 || !m1) return;
    t.true(m0.module?.endsWith('/ios_crash_xcuitests'), `crashpad.modules[0].module ${m0.module}`);
    t.is(m0.module, r.modules[1]?.codeFile, 'crashpad.modules[0].module names modules[1]');
    t.deepEqual(
      m0.annotationObjects.map((o) => [o.name, o.type]),
      [
        ['exceptionReason', 1],
        ['exceptionName', 1],
        ['firstexception_bt', 1],
        ['firstexception', 1],
        ['CounterAnnotation', 32810],
      ],
      'crashpad.modules[0].annotationObjects: names and types',
    );
    const byName = new Map(m0.annotationObjects.map((o) => [o.name, o.value]));
    t.is(byName.get('exceptionName'), 'NSRangeException', 'annotation exceptionName (string)');
    t.true(byName.get('exceptionReason')?.includes('index 42 beyond bounds for empty NSArray'), 'annotation exceptionReason (string)');
    const counter = byName.get('CounterAnnotation') ?? '';
    t.regex(counter, /^[0-9a-f]{8}$/i, 'annotation CounterAnnotation: 4 bytes as hex');
    t.is(counter.toLowerCase(), '01000000', 'annotation CounterAnnotation value');
    t.deepEqual(m0.listAnnotations, [], 'crashpad.modules[0].listAnnotations');
    t.is(m1.listAnnotations.length, 1, 'crashpad.modules[1]: one list annotation');
    t.true(m1.listAnnotations[0]?.startsWith('CoreSimulator 857.14'), `crashpad.modules[1].listAnnotations[0]: ${m1.listAnnotations[0]}`);
    t.deepEqual(m1.annotationObjects, [], 'crashpad.modules[1].annotationObjects');
    // The thread name list (Breakpad's minidump_dump agrees): only thread 2 is named.
    t.deepEqual(threadNames(r), [null, null, 'com.apple.uikit.eventfetch-thread', null, null, null, null], 'thread names');
  },
  'breakpad/linux_inline.dmp': (t, r) => {
    basics(t, r, { reason: 'SIGILL / ILL_ILLOPN', code: 0x4n, address: '0x2161b6', modules: 8 });
    // "CrashpadInfo ids only" (the ids as Breakpad's minidump_dump prints them, in lower case).
    t.is(r.crashpad?.reportId.toLowerCase(), '83e6ce16-f67b-456c-ad43-22cb77180419', 'crashpad.reportId');
    t.is(r.crashpad?.clientId.toLowerCase(), 'ce727023-e35c-4883-a418-747f93336c5c', 'crashpad.clientId');
    t.deepEqual(r.crashpad?.simpleAnnotations, {}, 'crashpad.simpleAnnotations');
    t.deepEqual(r.crashpad?.modules, [], 'crashpad.modules');
  },
  'breakpad/tiny-exe-fastfail.dmp': (t, r) => {
    basics(t, r, { code: 0xc0000409n, address: '0x7ff75355af42', modules: 21, threads: 4 });
    t.true(r.crash?.reason.includes('FAST_FAIL_FATAL_APP_EXIT'), `crash.reason "${r.crash?.reason}" names FAST_FAIL_FATAL_APP_EXIT`);
  },
  'breakpad/minidump_32bit_crash_addr.dmp': (t, r) => {
    // A 32-bit address must not be sign-extended (0xffffffff80000045) nor padded.
    basics(t, r, { reason: 'EXCEPTION_ACCESS_VIOLATION_WRITE', code: 0xc0000005n, address: '0x45', modules: 13 });
    t.is(r.system.cpuArch, 'x86', 'system.cpuArch');
  },
  'symbolicator/windows.dmp': (t, r) => {
    basics(t, r, { reason: 'EXCEPTION_ACCESS_VIOLATION_WRITE', code: 0xc0000005n, address: '0x45', modules: 17 });
    const [f0, f1] = r.crashingThread?.frames ?? [];
    t.is(f0?.module, 'crash.exe', 'frame 0 module');
    t.is(f0?.function, 'main', 'frame 0 function');
    t.true(f0?.file?.endsWith('main.cpp'), `frame 0 file ${f0?.file} is main.cpp`);
    t.is(f0?.line, 35, 'frame 0 line');
    t.is(f1?.trust, 'cfi', 'frame 1 found with CFI');
    t.is(f1?.function, '__scrt_common_main_seh', 'frame 1 function');
  },
  'symbolicator/linux.dmp': (t, r) => {
    basics(t, r, { reason: 'SIGSEGV', code: 0xbn, address: '0x45', modules: 8 });
    t.is(frame0(r).function, 'main', 'frame 0 function');
  },
  'symbolicator/macos.dmp': (t, r) => {
    basics(t, r, { reason: 'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS', code: 0x1n, address: '0x45', modules: 43 });
    t.is(frame0(r).function, 'main', 'frame 0 function');
  },
  'symbolic/crash_linux.dmp': (t, r) => {
    basics(t, r, { reason: 'SIGSEGV', code: 0xbn, address: '0x0', modules: 8 });
    const frames = r.crashingThread?.frames ?? [];
    t.is(frames.length, 16, 'crashing stack has 16 frames');
    t.is(frames[1]?.trust, 'scan', 'frame 1 found by scanning (no CFI)');
  },
  'symbolic/crash_macos.dmp': (t, r) => {
    // Invalid MiscInfo build strings must not stop the parse.
    basics(t, r, { reason: 'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS', code: 0x1n, address: '0x45', modules: 43 });
  },
};

// ---------------------------------------------------------------------------------------------------------
// One test per dump (and per reference).

corpusTest('the corpus lists dumps, and every one has a Breakpad reference or is a known invalid dump', (t) => {
  t.true(DUMPS.length >= 16, `found ${DUMPS.length} dumps`);
  for (const rel of DUMPS) {
    if (INVALID.has(rel)) continue;
    t.notThrows(() => readFileSync(breakpadMachinePath(rel)), `${rel}: Breakpad machine output ${breakpadMachinePath(rel)}`);
    t.truthy(KEY_FACTS[rel], `${rel}: MANIFEST key facts in this file`);
  }
});

for (const rel of DUMPS) {
  if (INVALID.has(rel)) {
    test(`${rel}: rejected with MinidumpError ERR_INVALID_MINIDUMP`, async (t) => {
      const err = await t.throwsAsync(parseMinidump(dump(rel), { symbols: [SYMBOLS] }), { instanceOf: MinidumpError }, 'parseMinidump rejects with a MinidumpError');
      t.is(err?.code, 'ERR_INVALID_MINIDUMP', 'MinidumpError.code (async)');
      const syncErr = t.throws(() => parseMinidumpSync(dump(rel)), { instanceOf: MinidumpError }, 'parseMinidumpSync throws a MinidumpError');
      t.is(syncErr?.code, 'ERR_INVALID_MINIDUMP', 'MinidumpError.code (sync)');
    });
    continue;
  }

  test(`${rel}: agrees with Breakpad minidump_stackwalk -m`, async (t) => {
    const bp = parseBreakpadMachine(readFileSync(breakpadMachinePath(rel), 'utf8'));
    checkAgainstBreakpad(t, rel, await reportOf(rel), bp);
  });

  test(`${rel}: MANIFEST key facts`, async (t) => {
    const check = KEY_FACTS[rel];
    if (!check) return t.fail(`no MANIFEST key facts for ${rel} in this file`);
    check(t, await reportOf(rel));
  });
}

// ---------------------------------------------------------------------------------------------------------
// rust-minidump's own minidump-stackwalk --json snapshots.

const SNAPSHOTS: Array<{ snap: string; dump: string; options: ParseOptions }> = [
  { snap: 'test_minidump_stackwalk__json.snap', dump: 'rust-minidump/test.dmp', options: {} },
  { snap: 'test_minidump_stackwalk__json-pretty.snap', dump: 'rust-minidump/test.dmp', options: {} },
  { snap: 'test_minidump_stackwalk__json-pretty-symbols.snap', dump: 'rust-minidump/test.dmp', options: { symbols: [SYMBOLS] } },
  { snap: 'test_minidump_stackwalk__linux_json_pretty.snap', dump: 'rust-minidump/linux-mini.dmp', options: {} },
  { snap: 'test_minidump_stackwalk__macos_inlines_json_pretty.snap', dump: 'rust-minidump/pipeline-inlines-macos-segv.dmp', options: { symbols: [SYMBOLS] } },
];

for (const s of HAS_CORPUS ? SNAPSHOTS : []) {
  test(`${s.dump}: matches rust-minidump snapshot ${s.snap}`, async (t) => {
    const ref = JSON.parse(snapshotBody(readFileSync(join(CORPUS, 'expected', 'rust-minidump', s.snap), 'utf8'))) as StackwalkJson;
    const r = await parseMinidump(dump(s.dump), { ...s.options, allThreads: true });
    compareReportToStackwalk(t, r, ref, { allThreads: true, label: s.snap });
  });
}

// ---------------------------------------------------------------------------------------------------------
// INLINE records, in a private symbol root per test.

const LINUX_INLINE_DIR = join('linux_inline', 'BBA6FA10B8AAB33D00000000000000000');
const readLinuxInlineSym = (variant: 'old' | 'new'): Buffer => readFileSync(join(SYMBOLS, LINUX_INLINE_DIR, `linux_inline.${variant}.sym`));

/**
 * Breakpad's own unit test (fast_source_line_resolver_unittest.cc, TestLoadAndResolve{Old,New}Inlines) and
 * its minidump_stackwalk with either file as linux_inline.sym agree: at 0x161b6 the physical frame is
 * `main`, with foo() inlined at 42, bar() at 39 and func() at 32. Call-site files exist only in the new format.
 */
const LINUX_INLINE_EXPECTED = {
  old: [
    { function: 'func()', file: 'linux_inline.cpp', line: 27, inlined: true },
    { function: 'bar()', file: 'linux_inline.cpp', line: 32, inlined: true },
    { function: 'foo()', file: 'linux_inline.cpp', line: 39, inlined: true },
    { function: 'main', file: 'linux_inline.cpp', line: 42, inlined: false },
  ],
  new: [
    { function: 'func()', file: 'linux_inline.cpp', line: 27, inlined: true },
    { function: 'bar()', file: 'c.cpp', line: 32, inlined: true },
    { function: 'foo()', file: 'b.cpp', line: 39, inlined: true },
    { function: 'main', file: 'a.cpp', line: 42, inlined: false },
  ],
} satisfies Record<'old' | 'new', LogicalFrame[]>;

async function linuxInlineFrame0(t: ExecutionContext, sym: Buffer): Promise<{ r: MinidumpReport; logical: LogicalFrame[] }> {
  const root = tempSymbolRoot(SYMBOLS, { [join(LINUX_INLINE_DIR, 'linux_inline.sym')]: sym });
  t.teardown(root.cleanup);
  const r = await parseMinidump(dump('breakpad/linux_inline.dmp'), { symbols: [root.root] });
  return { r, logical: flatten(frame0(r)) };
}

function checkLinuxInline(t: ExecutionContext, r: MinidumpReport, logical: LogicalFrame[], expected: LogicalFrame[]): void {
  t.true(r.modules.find((m) => baseName(m.codeFile) === 'linux_inline')?.symbolsLoaded, 'module linux_inline symbolsLoaded');
  t.is(frame0(r).module, 'linux_inline', 'frame 0 module');
  t.is(frame0(r).moduleOffset, '0x161b6', 'frame 0 moduleOffset');
  t.deepEqual(logical, expected, 'frame 0 and its inlined calls (innermost first), as Breakpad resolves them');
  t.is(frame0(r).functionOffset, '0x686', 'frame 0 functionOffset (0x161b6 - FUNC main at 0x15b30)');
}

// rust-minidump 0.27's .sym parser never parses a last line without its newline and then rejects the whole
// file; linux_inline.new.sym ends so. Our symbol supplier terminates the last line before parsing, as
// Breakpad effectively does.
corpusTest('breakpad/linux_inline.dmp: INLINE records, new format (linux_inline.new.sym verbatim, no trailing newline)', async (t) => {
  const { r, logical } = await linuxInlineFrame0(t, readLinuxInlineSym('new'));
  checkLinuxInline(t, r, logical, LINUX_INLINE_EXPECTED.new);
});

// The old INLINE format (`INLINE_ORIGIN <id> <file> <name>`, `INLINE <depth> <line> <origin> <addr> <size>`)
// is not understood by rust-minidump 0.27 at all: the whole file is rejected. Breakpad reads both.
knownGapTest('breakpad/linux_inline.dmp: INLINE records, old format (linux_inline.old.sym) [known rust-minidump 0.27 gap]', async (t) => {
  const { r, logical } = await linuxInlineFrame0(t, readLinuxInlineSym('old'));
  checkLinuxInline(t, r, logical, LINUX_INLINE_EXPECTED.old);
});

corpusTest('breakpad/linux_inline.dmp: a .sym the parser cannot use is named in the warnings', async (t) => {
  const root = tempSymbolRoot(SYMBOLS, { [join(LINUX_INLINE_DIR, 'linux_inline.sym')]: readLinuxInlineSym('old') });
  try {
    const r = await parseMinidump(dump('breakpad/linux_inline.dmp'), { symbols: [root.root] });
    const warning = r.warnings.find((w) => w.code === 'symbols_unusable');
    t.truthy(warning, JSON.stringify(r.warnings));
    t.regex(warning!.message, /linux_inline\.sym/);
  } finally {
    root.cleanup();
  }
});

corpusTest('breakpad/linux_inline.dmp: INLINE records, new format (linux_inline.new.sym with its last line terminated)', async (t) => {
  const sym = readLinuxInlineSym('new');
  const { r, logical } = await linuxInlineFrame0(t, Buffer.concat([sym, Buffer.from('\n')]));
  checkLinuxInline(t, r, logical, LINUX_INLINE_EXPECTED.new);
});

corpusTest('symbolicator/macos.dmp: the INLINE variant of crash.sym (symbols-extra/inlines) splits main into its inlined calls', async (t) => {
  const id = '67E9247C814E392BA027DBDE6748FCBF0';
  const root = tempSymbolRoot(SYMBOLS, {
    [join('crash', id, 'crash.sym')]: readFileSync(join(CORPUS, 'symbols-extra', 'inlines', 'crash', id, 'crash.inlines.sym')),
  });
  t.teardown(root.cleanup);
  const plain = await reportOf('symbolicator/macos.dmp');
  const r = await parseMinidump(dump('symbolicator/macos.dmp'), { symbols: [root.root] });
  const f0 = frame0(r);
  // Breakpad's minidump_stackwalk with this root: crash() line 21, start() line 25, main line 32, all in main.cpp.
  const file = '/Users/travis/build/getsentry/breakpad-tools/macos/main.cpp';
  t.deepEqual(
    flatten(f0),
    [
      { function: '(anonymous namespace)::crash()', file, line: 21, inlined: true },
      { function: '(anonymous namespace)::start()', file, line: 25, inlined: true },
      { function: 'main', file, line: 32, inlined: false },
    ],
    'frame 0 and its inlined calls (innermost first)',
  );
  t.is(f0.moduleOffset, frame0(plain).moduleOffset, 'frame 0 moduleOffset is the same as with the plain crash.sym');
  t.is(frame0(plain).inlines.length, 0, 'the plain crash.sym has no inlined calls');
  t.is(frame0(plain).line, 21, 'the plain crash.sym gives the innermost line (21) to main');
});
