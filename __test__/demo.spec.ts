/**
 * `npm run demo` (the README's main job, last step): a renderer of an Electron app in the fake host tags its scope
 * and crashes natively; the SDK in main sends the crash to the embedded receiver, or to $SENTRY_DSN.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Event } from '@sentry/core';
import { startReceiver } from '../ts/receiver';
import { nativeCrashSkipReason } from './helpers/sdk-app';

const run = promisify(execFile);
const DEMO = join(__dirname, '..', 'scripts', 'demo.ts');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const skip = nativeCrashSkipReason();
const demoTest = skip ? test.skip : test.serial;
if (skip) test.skip(`demo tests skipped: ${skip}`, () => {});

/** `npm run demo` without npm. */
async function demo(env: Record<string, string> = {}): Promise<string> {
  const { SENTRY_DSN: _ignored, ...rest } = process.env;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', DEMO], { env: { ...rest, ...env }, timeout: 120_000 });
  return stdout;
}

demoTest('the demo crashes an Electron renderer natively and shows what the embedded receiver got', async (t) => {
  const out = await demo();
  t.log(out);
  t.regex(out, /^crash: +renderer process \d+ crashed natively/m);
  t.regex(out, /^destination: +local receiver http:\/\/127\.0\.0\.1:\d+$/m);
  t.regex(out, /^event id: +[0-9a-f]{32}$/m);
  t.regex(out, /^exception: +SIGSEGV: SIGSEGV \/ SEGV_MAPERR at 0x0$/m);
  t.regex(out, /^process: +renderer$/m);
  t.regex(out, /^demo\.window: +main-window$/m);
  t.regex(out, /^top frames:\n {2}crash_addon_null_write \(crash\.c:\d+\) \[crash-addon\.node 0x[0-9a-f]+\]$/m);
  t.regex(out, /^minidump: +\d+ bytes, sha256 matches the dump Crashpad wrote$/m);
  t.regex(out, /^dump streams: +(CrashpadInfo \+ MiscInfo|MiscInfo \+ CrashpadInfo), no Linux \/proc streams \(\d+ streams\)$/m, "written by Crashpad's own handler");
  t.regex(out, /^encoding: +gzip$/m);
  // Then main's own native crash, reported at once by the crash sender: the app is not started again.
  t.regex(out, /^main crash: +main process \d+ crashed natively \(SIGSEGV\), after setting demo\.main$/m);
  t.regex(out, /^main event: +[0-9a-f]{32}, from the crash sender, without a restart$/m);
  t.regex(out, /^main exc: +SIGSEGV: /m);
  t.regex(out, /^main process: +browser$/m);
  t.regex(out, /^demo\.main: +main-process$/m);
  t.regex(out, /^main dump: +\d+ bytes, (CrashpadInfo \+ MiscInfo|MiscInfo \+ CrashpadInfo), no Linux \/proc streams/m, "a minidump written by Crashpad");
});

demoTest('with SENTRY_DSN the demo sends there instead', async (t) => {
  const receiver = await startReceiver({ lifetimeMs: 120_000 });
  t.teardown(() => receiver.close());
  const out = await demo({ SENTRY_DSN: receiver.dsn });
  t.log(out);
  t.regex(out, /^destination: +127\.0\.0\.1:\d+ \(SENTRY_DSN\)$/m);
  t.regex(out, /^main sender: +Sent$/m, "main's crash delivered by the crash sender");
  const mainCrash = receiver.envelopes.flatMap((e) => e.items).find((i) => i.type === 'event' && (i.payload as Event).tags?.['event.process'] === 'browser');
  t.is((mainCrash?.payload as Event | undefined)?.tags?.['demo.main'], 'main-process');
  const eventId = /^event id: +([0-9a-f]{32})$/m.exec(out)?.[1];
  const crash = receiver.envelopes.find((e) => e.headers.event_id === eventId);
  t.truthy(crash, 'the crash envelope arrived at the DSN');
  t.is(crash!.contentEncoding, 'gzip');
  const event = crash!.items.find((i) => i.type === 'event')!.payload as Event;
  t.like(event, { platform: 'native', level: 'fatal', tags: { 'event.process': 'renderer', 'demo.window': 'main-window' } });
  const dump = crash!.items.find((i) => i.headers.attachment_type === 'event.minidump');
  if (dump?.kind !== 'binary') return t.fail('minidump item missing or not binary');
  t.is(sha256(dump.payload), dump.sha256);

  // The event in Sentry's words (issue: event fidelity), read off what arrived.
  const ex = event.exception!.values![0]!;
  const stack = ex.stacktrace as { frames: Array<Record<string, unknown>>; instruction_addr_adjustment?: string };
  t.is(stack.instruction_addr_adjustment, 'none', 'addresses already adjusted: Sentry must not adjust them again');
  t.like(ex.mechanism, { type: 'minidump', handled: false, meta: { signal: { number: 11, name: 'SIGSEGV' } } });
  t.like(event.contexts, { os: { name: 'Linux' }, device: { arch: 'x86_64' } });
  const trusts = new Set(stack.frames.map((f) => f.trust));
  for (const trust of trusts) t.true(['none', 'scan', 'cfi_scan', 'fp', 'cfi', 'prewalked', 'context'].includes(String(trust)), `trust ${String(trust)}`);
  const threads = event.threads!.values!;
  t.true(threads.length > 1, 'every thread of the renderer');
  for (const thread of threads) t.true(thread.crashed || (thread.stacktrace?.frames?.length ?? 0) > 0, `a stack for thread ${String(thread.id)}`);
  const images = (event.debug_meta?.images ?? []) as Array<{ code_id?: string }>;
  t.true(images.length > 0 && images.some((i) => i.code_id), 'code_id on the images');
  const names = [...stack.frames, ...threads.flatMap((th) => th.stacktrace?.frames ?? [])].map((f) => String((f as { function?: string }).function ?? ''));
  t.deepEqual(names.filter((n) => /^(_Z|_R[A-Z0-9]|\?[A-Za-z0-9_?@$])/.test(n)), [], 'no mangled C++ (Itanium, MSVC) or Rust name');
  t.notRegex(out, /\b_Z[A-Za-z0-9_]+|\b_R[A-Za-z0-9_]{3,}/, "no mangled name in the demo's printed stacks");
});
