/**
 * `npm run demo`: a real native crash through the whole Electron pipeline. The demo app (scripts/demo-app) runs in
 * the fake Electron host (Electron cannot run here: __test__/electron-host plays main and renderer as real OS
 * processes, and Crashpad's own crashpad_handler writes the dump). Its renderer tags its scope, then crashes natively;
 * main's SDK finds the dump, builds the event with that renderer's scope, and sends it with the minidump to the
 * embedded local receiver — or to $SENTRY_DSN — and this prints what arrived. Then main itself sets the tag
 * `demo.main` and crashes natively: the SDK's crash sender (crates/crash-sender), a native helper that outlives main,
 * reports it at once, without the app being started again, and this prints that event too. Needs `npm run build`,
 * `npm run fixtures` and `bash scripts/install-crashpad.sh` (and the sender: `cargo build -p crash-sender`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Event, StackFrame } from '@sentry/core';
import { startReceiver, type ReceivedEnvelope, type Receiver } from '../ts/receiver';
import { crashpadFixtures, isLinuxProcStream, streamTypes } from '../__test__/electron-host/crashpad';
import { launchApp, type LaunchedApp } from '../__test__/electron-host/launch';
import { senderBinary, SENDER_MISSING } from '../__test__/helpers/sender';

const frameLine = (f: StackFrame & { package?: string }): string =>
  `${f.function ?? '??'}${f.filename ? ` (${f.filename.split('/').pop()}:${f.lineno})` : ''} [${f.package?.split('/').pop() ?? '?'} ${f.instruction_addr}]`;

/** Names of the minidump streams that tell who wrote a dump: Crashpad's own, or Breakpad-style Linux ones. */
const STREAM_NAMES: Record<number, string> = { 15: 'MiscInfo', 0x43500001: 'CrashpadInfo' };

/** Which writer the dump's directory shows: Crashpad's streams present, minidump-writer's Linux /proc ones absent. */
function writerOf(dump: Buffer): string {
  const types = streamTypes(dump);
  const named = types.flatMap((type) => STREAM_NAMES[type] ?? []);
  const linux = types.filter(isLinuxProcStream).length;
  return `${named.join(' + ') || 'no Crashpad streams'}, ${linux === 0 ? 'no Linux /proc streams' : `${linux} Linux /proc streams`} (${types.length} streams)`;
}

async function main(): Promise<number> {
  const fixtures = crashpadFixtures();
  if (typeof fixtures === 'string') throw new Error(`${fixtures} (run \`npm run fixtures\` first)`);
  const external = process.env.SENTRY_DSN;
  const receiver = external ? undefined : await startReceiver({ lifetimeMs: 120_000 });
  const app = launchApp({ main: join(__dirname, 'demo-app', 'main.ts'), name: 'DemoApp', version: '1.0.0', env: { DEMO_DSN: external ?? receiver!.dsn, SENTRY_ELECTRON_SENDER: senderBinary() ?? '' }, timeoutMs: 90_000 });
  try {
    const win = await app.waitForMessage((m) => m.type === 'window', 30_000);
    const built = await app.waitForMessage((m) => m.type === 'native-event', 30_000);
    const sent = await app.waitForMessage((m) => m.type === 'sent', 30_000);
    console.log(`crash:        renderer process ${String(win.pid)} crashed natively (the page called process.crash())`);
    console.log(`destination:  ${external ? `${new URL(external).host} (SENTRY_DSN)` : `local receiver ${receiver!.url}`}`);
    let event = built.event as Event;
    let minidump = `${String(built.minidumpSha256 ? 'attached' : 'none')}`;
    let encoding = '(not known for an outside server)';
    let writer = '(not known for an outside server)';
    if (receiver) {
      // Other envelopes (the release-health session) arrive too: take the crash's.
      const arrived = await new Promise<ReceivedEnvelope>((resolve, reject) => {
        const isCrash = (e: ReceivedEnvelope): boolean => e.items.some((i) => i.type === 'event' && (i.payload as Event).platform === 'native');
        const found = receiver.envelopes.find(isCrash);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error('the crash did not arrive within 20 s')), 20_000);
        receiver.on('envelope', (e) => isCrash(e) && (clearTimeout(timer), resolve(e)));
      });
      const item = arrived.items.find((i) => i.type === 'event');
      event = item?.payload as Event;
      const dump = arrived.items.find((i) => i.type === 'attachment' && i.headers.attachment_type === 'event.minidump');
      minidump = dump && dump.kind === 'binary' ? `${dump.payload.length} bytes, sha256 ${dump.sha256 === built.minidumpSha256 ? 'matches' : 'DIFFERS FROM'} the dump Crashpad wrote` : 'missing';
      encoding = arrived.contentEncoding ?? 'identity';
      if (dump?.kind === 'binary') writer = writerOf(dump.payload);
    }
    const ex = event.exception?.values?.[0];
    console.log(`event id:     ${String(sent.eventId)}`);
    console.log(`exception:    ${ex ? `${ex.type}: ${ex.value}` : '(none)'}`);
    console.log(`process:      ${String(event.tags?.['event.process'])}`);
    console.log(`demo.window:  ${String(event.tags?.['demo.window'])}`);
    console.log(`release:      ${String(event.release)}`);
    console.log('top frames:');
    for (const f of (ex?.stacktrace?.frames ?? []).slice(-5).reverse()) console.log(`  ${frameLine(f)}`);
    console.log(`minidump:     ${minidump}`);
    console.log(`dump streams: ${writer}`);
    console.log(`encoding:     ${encoding}`);
    const rendererOk = ex && (!receiver || minidump.includes('matches'));
    return rendererOk && (await mainCrash(app, receiver)) ? 0 : 1;
  } finally {
    app.dispose();
    await receiver?.close();
  }
}

/** Main sets `demo.main` and crashes natively; its event comes from the crash sender, the app not restarted. */
async function mainCrash(app: LaunchedApp, receiver: Receiver | undefined): Promise<boolean> {
  if (!senderBinary()) {
    console.log(`main crash:   skipped (${SENDER_MISSING})`);
    return false;
  }
  app.send({ cmd: 'crash-main' });
  const crashing = await app.waitForMessage((m) => m.type === 'main-crashing', 10_000);
  const exit = await app.exited;
  console.log(`main crash:   main process ${String(crashing.pid)} crashed natively (${String(exit.signal)}), after setting demo.main`);
  const log = join(app.userData, 'sentry', 'sender.log');
  if (!receiver) {
    // An outside server: what the sender did is in its log, beside the app's data.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(existsSync(log) && /done: /.test(readFileSync(log, 'utf8')))) await new Promise((r) => setTimeout(r, 100));
    const done = existsSync(log) ? /done: (.*)$/m.exec(readFileSync(log, 'utf8'))?.[1] : undefined;
    console.log(`main sender:  ${done ?? '(no outcome logged)'}`);
    return done === 'Sent';
  }
  const isMainCrash = (e: ReceivedEnvelope): boolean => e.items.some((i) => i.type === 'event' && (i.payload as Event).platform === 'native' && (i.payload as Event).tags?.['event.process'] === 'browser');
  const arrived = await new Promise<ReceivedEnvelope | undefined>((resolve) => {
    const found = receiver.envelopes.find(isMainCrash);
    if (found) return resolve(found);
    const timer = setTimeout(() => resolve(undefined), 30_000);
    receiver.on('envelope', (e) => isMainCrash(e) && (clearTimeout(timer), resolve(e)));
  });
  if (!arrived) {
    console.log('main event:   did not arrive within 30 s');
    return false;
  }
  const event = arrived.items.find((i) => i.type === 'event')!.payload as Event;
  const ex = event.exception?.values?.[0];
  const dump = arrived.items.find((i) => i.type === 'attachment' && i.headers.attachment_type === 'event.minidump');
  console.log(`main event:   ${String(event.event_id)}, from the crash sender, without a restart`);
  console.log(`main exc:     ${ex ? `${ex.type}: ${ex.value}` : '(none)'}`);
  console.log(`main process: ${String(event.tags?.['event.process'])}`);
  console.log(`demo.main:    ${String(event.tags?.['demo.main'])}`);
  console.log(`main release: ${String(event.release)}`);
  console.log(`main dump:    ${dump && dump.kind === 'binary' ? `${dump.payload.length} bytes, ${writerOf(dump.payload)}` : 'missing'}`);
  return event.tags?.['demo.main'] === 'main-process' && Boolean(dump);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
