/**
 * Native crashes end to end: a renderer (or main) of the fake host really crashes, Crashpad's own crashpad_handler writes
 * a real dump into the Crashpad database, and main's NativeCrashes turns it into an event at the local receiver,
 * with the scope of the process that crashed and the minidump as the policy says.
 */
import test, { type ExecutionContext } from 'ava';
import type { Event } from '@sentry/core';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMinidumpSync } from '../ts/index';
import { nextSseEvent, startSpotlight } from './helpers/spotlight';
import { NULL_WRITE_MECHANISM } from './helpers/fixtures';
import { compareStack } from './helpers/event-stackwalk';
import { findStackwalk, jsonOf } from './helpers/stackwalk-bin';
import type { NativeStackFrame } from '../ts/event/event-from-report';
import type { SdkAppConfig } from './electron-host/sdk-app/config';
import { CRASH_PRELOAD, SYMBOL_PATHS, exceptionOf, nativeCrashSkipReason, runSdkApp, scratch, writePage, type RunningSdkApp } from './helpers/sdk-app';

const skip = nativeCrashSkipReason();
const crashTest = skip ? test.skip : test.serial;
if (skip) test.skip(`native crash end-to-end tests skipped: ${skip}`, () => {});

const MINIDUMP = 'event.minidump';

/** A renderer that tags its scope (through the renderer SDK), then waits to be crashed through its preload. */
async function crashRenderer(t: ExecutionContext, sdk: SdkAppConfig['sdk']): Promise<{ run: RunningSdkApp; event: Event; rendererPid: number; minidump: Buffer | undefined }> {
  const dir = scratch(t);
  const page = writePage(
    dir,
    'crashy',
    `SentryElectronRenderer.init();
SentryElectronRenderer.setTag('demo.window', 'crashy');
SentryElectronRenderer.setUser({ id: 'renderer-user' });
SentryElectronRenderer.addBreadcrumb({ category: 'ui', message: 'about to crash' });`,
  );
  const run = await runSdkApp(t, { sdk: { symbolPaths: SYMBOL_PATHS, ...sdk }, mainTags: { 'main.tag': 'from-main' }, windows: [{ page, preload: CRASH_PRELOAD }] });
  const win = await run.app.waitForMessage((m) => m.type === 'window', 30_000);
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  await new Promise((r) => setTimeout(r, 500)); // the renderer's scope batch reaches main
  run.app.send({ cmd: 'eval', code: 'window.testApp.crash()' });
  const { event, envelope } = await run.waitForEvent((e) => e.platform === 'native', 30_000);
  const item = envelope.items.find((i) => i.type === 'attachment' && i.headers.attachment_type === MINIDUMP);
  return { run, event, rendererPid: win.pid as number, minidump: item?.kind === 'binary' ? item.payload : undefined };
}

crashTest('a renderer native crash arrives as a readable event with that renderer\'s scope (policy attach)', async (t) => {
  const { event, rendererPid, minidump } = await crashRenderer(t, {});
  const ex = exceptionOf(event)!;
  t.is(ex.type, 'SIGSEGV');
  t.deepEqual(ex.mechanism, NULL_WRITE_MECHANISM as typeof ex.mechanism);
  // In Sentry's words: trust, OS and CPU names; addresses already adjusted, and said so.
  t.is((ex.stacktrace as { instruction_addr_adjustment?: string }).instruction_addr_adjustment, 'none');
  t.true(ex.stacktrace!.frames!.every((f) => ['context', 'prewalked', 'cfi', 'fp', 'cfi_scan', 'scan', 'none'].includes((f as { trust?: string }).trust!)));
  t.like(event.contexts, { os: { name: 'Linux' }, device: { arch: 'x86_64' } });
  t.true((event.debug_meta!.images as unknown as { code_id?: string }[]).every((i) => i.code_id));
  t.false(/"(function|filename)":"_(ZN|R[NC])/.test(JSON.stringify(event)), 'no mangled name');
  t.is(event.level, 'fatal');
  // Crashing frame last, named from the symbols, with the crashing thread's registers.
  const frames = ex.stacktrace!.frames!;
  t.is(frames[frames.length - 1]!.function, 'crash_addon_null_write');
  t.truthy((ex.stacktrace as { registers?: Record<string, string> }).registers?.rip);
  t.true(event.threads!.values!.some((th) => th.crashed && th.current));
  // The renderer's own scope, merged over main's.
  t.is(event.tags?.['event.process'], 'renderer');
  t.is(event.tags?.['demo.window'], 'crashy');
  t.is(event.tags?.['main.tag'], 'from-main');
  t.is(event.user?.id, 'renderer-user');
  t.truthy(event.breadcrumbs?.some((b) => b.message === 'about to crash'));
  const electron = event.contexts?.electron as Record<string, unknown>;
  t.is(electron.process_type, 'renderer');
  t.is(electron.crashed_process_id, rendererPid);
  t.is(electron.gone_reason, 'crashed');
  // Debug images in Sentry's form.
  const images = (event.debug_meta?.images ?? []) as unknown as Array<Record<string, unknown>>;
  const addon = images.find((i) => String(i.code_file).endsWith('crash-addon.node'));
  t.is(addon?.type, 'elf');
  t.is(addon?.arch, 'x86_64');
  t.regex(String(addon?.debug_id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  // The whole dump, readable, and the same crash.
  t.truthy(minidump);
  const report = parseMinidumpSync(minidump!);
  t.is(report.processId, rendererPid);
  t.is(report.processType, 'renderer', "from the renderer's ptype crash key");
  // The event against minidump-stackwalk on the minidump that came with it: the same frames, in Sentry's words.
  const stackwalk = findStackwalk().bin;
  if (stackwalk) {
    const path = join(scratch(t), 'sent.dmp');
    writeFileSync(path, minidump!);
    const ref = await jsonOf(stackwalk, ['--json', '--symbols-path', SYMBOL_PATHS[0]!, path]);
    compareStack(t, 'exception frames', frames as NativeStackFrame[], ref.crashing_thread!.frames, parseMinidumpSync(path, { symbols: SYMBOL_PATHS }));
  }
});

crashTest('policy strip: the dump arrives without heap memory, still readable', async (t) => {
  const { event, minidump } = await crashRenderer(t, { minidumpPolicy: 'strip' });
  t.is(exceptionOf(event)?.mechanism?.type, 'minidump');
  t.truthy(minidump);
  const report = parseMinidumpSync(minidump!);
  t.regex(report.crash!.reason, /SIGSEGV/);
  t.is(report.crashingThread!.frames[0]!.instruction, (parseMinidumpSync(minidump!).crashingThread!.frames[0]!.instruction));
});

crashTest('policy omit: the event alone, and the mechanism does not claim a minidump', async (t) => {
  const { event, minidump, run } = await crashRenderer(t, { minidumpPolicy: 'omit' });
  t.is(minidump, undefined);
  t.is(exceptionOf(event)?.mechanism?.type, 'native');
  t.is(exceptionOf(event)?.type, 'SIGSEGV');
  t.is(run.events().filter((e) => e.platform === 'native').length, 1);
});

crashTest('a main-process crash is reported at the next start, with the crashed run\'s release', async (t) => {
  const userData = scratch(t);
  // Without the crash sender, whose report at once electron-sdk-main-crash.spec.ts covers: this is the next-launch path.
  const first = await runSdkApp(t, { sdk: { symbolPaths: SYMBOL_PATHS, mainCrashSender: false }, mainTags: { 'run.tag': 'first-run' } }, { userData, version: '1.0.0' });
  await first.app.waitForMessage((m) => m.type === 'ready', 30_000);
  await new Promise((r) => setTimeout(r, 1500)); // the run's scope is persisted (debounced 1 s)
  first.app.send({ cmd: 'crash-main' });
  const exit = await first.app.exited;
  t.is(exit.signal, 'SIGSEGV');
  t.is(first.events().filter((e) => e.platform === 'native').length, 0);

  const second = await runSdkApp(t, { sdk: { symbolPaths: SYMBOL_PATHS }, mainTags: { 'run.tag': 'second-run' } }, { userData, version: '2.0.0', receiver: first.receiver });
  const { event } = await second.waitForEvent((e) => e.platform === 'native', 30_000);
  t.is(event.release, 'SdkApp@1.0.0');
  t.is(event.tags?.['event.process'], 'browser');
  t.is(event.tags?.['run.tag'], 'first-run');
  t.is(exceptionOf(event)?.type, 'SIGSEGV');
  // Reported once: the dump is gone after the send.
  await new Promise((r) => setTimeout(r, 1000));
  t.is(second.events().filter((e) => e.platform === 'native').length, 1);
  // Release health: the crashed run's session is closed as crashed, under that run's release.
  const sessions = second.receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === 'session').map((i) => i.payload as { status: string; attrs: { release: string } }));
  t.true(
    sessions.some((s) => s.status === 'crashed' && s.attrs.release === 'SdkApp@1.0.0'),
    `sessions seen: ${JSON.stringify(sessions.map((s) => [s.status, s.attrs.release]))}`,
  );
});

crashTest('the spotlight option copies the native crash, with its minidump, to a real Spotlight sidecar', async (t) => {
  const spotlight = await startSpotlight();
  t.teardown(() => spotlight.close());
  type Envelope = [Record<string, unknown>, Array<[Record<string, unknown>, Record<string, unknown>]>];
  const isCrash = (data: string): boolean => {
    try {
      return (JSON.parse(data) as Envelope)[1].some(([h, p]) => h.type === 'event' && p.platform === 'native');
    } catch {
      return false;
    }
  };
  const sse = nextSseEvent(spotlight.url, (e) => isCrash(e.data), 40_000);
  await sse.ready;
  const { event, minidump } = await crashRenderer(t, { spotlight: `${spotlight.url}/stream` });
  const [header, items] = JSON.parse((await sse.event).data) as Envelope;
  t.is(header.event_id, event.event_id);
  const dump = items.find(([h]) => h.attachment_type === MINIDUMP);
  t.truthy(dump, 'the minidump reached Spotlight');
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  t.is(sha(Buffer.from(String(dump![1].data), 'base64')), sha(minidump!), 'Spotlight got the same dump as the Sentry receiver');
});
