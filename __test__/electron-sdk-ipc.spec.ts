/**
 * Renderer events through the whole Electron layer: a renderer page using the renderer SDK, the preload (injected by
 * main or set by the app), Classic IPC or the custom protocol, main's RendererIpc, scope merging, the transport, and
 * the local receiver. Each Electron process is a real OS process of the fake host (electron-host/).
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import type { SdkAppConfig } from './electron-host/sdk-app/config';
import { SDK_PRELOAD, exceptionOf, runSdkApp, scratch, writePage } from './helpers/sdk-app';

/** A page that initialises the renderer SDK, tags its scope, then throws (uncaught, asynchronously). */
const throwingPage = (dir: string, mark: string, namespace?: string): string =>
  writePage(
    dir,
    mark,
    `SentryElectronRenderer.init(${namespace ? JSON.stringify({ ipcNamespace: namespace }) : ''});
SentryElectronRenderer.setTag('window.name', ${JSON.stringify(mark)});
SentryElectronRenderer.addBreadcrumb({ category: 'test', message: 'before the throw' });
setTimeout(() => { throw new Error('renderer boom ' + ${JSON.stringify(mark)}); }, 300);`,
  );

interface Case {
  title: string;
  sdk: SdkAppConfig['sdk'];
  withoutIntegrations?: string[];
  /** The window's own preload: the SDK's (a manual set-up) or none. */
  manualPreload?: boolean;
}

const cases: Case[] = [
  { title: 'Both (default), preload injected by main', sdk: {} },
  { title: 'Classic, preload injected by main', sdk: { ipcMode: 'Classic' } },
  { title: 'Classic, the SDK preload set by the app (no injection)', sdk: { ipcMode: 'Classic' }, withoutIntegrations: ['PreloadInjection'], manualPreload: true },
  { title: 'Protocol, no preload at all', sdk: { ipcMode: 'Protocol' }, withoutIntegrations: ['PreloadInjection'] },
  { title: 'Both without a preload: the protocol carries it', sdk: { ipcMode: 'Both' }, withoutIntegrations: ['PreloadInjection'] },
  { title: 'Classic in a custom namespace, injected preload', sdk: { ipcMode: 'Classic', ipcNamespace: 'acme-ipc' } },
  { title: 'Protocol in a custom namespace', sdk: { ipcMode: 'Protocol', ipcNamespace: 'acme-ipc' }, withoutIntegrations: ['PreloadInjection'] },
];

for (const c of cases) {
  test(`renderer error reaches the receiver: ${c.title}`, async (t) => {
    const dir = scratch(t);
    const mark = `w${cases.indexOf(c)}`;
    const run = await runSdkApp(t, {
      sdk: c.sdk,
      ...(c.withoutIntegrations ? { withoutIntegrations: c.withoutIntegrations } : {}),
      mainTags: { 'main.tag': 'from-main', 'window.name': 'main-value-loses' },
      windows: [{ page: throwingPage(dir, mark, c.sdk.ipcNamespace), ...(c.manualPreload ? { preload: SDK_PRELOAD } : {}) }],
    });
    const { event, envelope } = await run.waitForEvent((e) => exceptionOf(e)?.value === `renderer boom ${mark}`);
    t.is(exceptionOf(event)?.type, 'Error');
    t.is(event.platform, 'javascript');
    // The renderer's scope wins over main's; main's fills in the rest.
    t.is(event.tags?.['window.name'], mark);
    t.is(event.tags?.['main.tag'], 'from-main');
    t.is(event.tags?.['event.process'], 'renderer');
    t.truthy((event.contexts?.electron as { web_contents_id?: number } | undefined)?.web_contents_id);
    t.truthy(event.breadcrumbs?.some((b) => b.message === 'before the throw'));
    // Main's context and release: one client sent it.
    t.regex(String(event.release), /^SdkApp@1\.0\.0$/);
    t.is(envelope.auth.sentryKey, 'public');
  });
}

test('a main-process event shows the recent breadcrumbs of a renderer', async (t) => {
  const dir = scratch(t);
  const page = writePage(
    dir,
    'crumbs',
    `SentryElectronRenderer.init();
SentryElectronRenderer.addBreadcrumb({ category: 'ui.click', message: 'clicked save in the renderer' });`,
  );
  const run = await runSdkApp(t, { sdk: {}, windows: [{ page }] });
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  // The renderer's scope batch is debounced (50 ms): give it a moment to reach main.
  await new Promise((r) => setTimeout(r, 600));
  run.app.send({ cmd: 'capture-main', message: 'main event' });
  const { event } = await run.waitForEvent((e) => e.message === 'main event');
  t.is(event.tags?.['event.process'], 'browser');
  t.truthy(event.breadcrumbs?.some((b) => b.message === 'clicked save in the renderer'));
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumTest = existsSync(CHROMIUM) ? test : test.skip;
if (!existsSync(CHROMIUM)) test.skip(`Chromium renderer tests skipped: no Chromium at ${CHROMIUM}`, () => {});

for (const sdk of [{ ipcMode: 'Protocol' }, { ipcMode: 'Classic' }] as const) {
  chromiumTest(`in real headless Chromium, the renderer bundle's error reaches the receiver (${sdk.ipcMode})`, async (t) => {
    const dir = scratch(t);
    const mark = `chromium-${sdk.ipcMode}`;
    const run = await runSdkApp(
      t,
      { sdk, ...(sdk.ipcMode === 'Protocol' ? { withoutIntegrations: ['PreloadInjection'] } : {}), windows: [{ page: throwingPage(dir, mark) }] },
      { renderer: 'chromium' },
    );
    const { event } = await run.waitForEvent((e) => exceptionOf(e)?.value === `renderer boom ${mark}`, 40_000);
    t.is(event.tags?.['window.name'], mark);
    t.is(event.tags?.['event.process'], 'renderer');
    // A real browser's event: Chromium's user agent and frames from the page's script.
    t.regex(String((event.request as { headers?: Record<string, string> } | undefined)?.headers?.['User-Agent']), /Chrome\//);
    t.true((exceptionOf(event)?.stacktrace?.frames?.length ?? 0) > 0);
  });
}
