/**
 * Renderers of typical @sentry/electron 7 apps, bundled here with esbuild as the app's bundler would (from the
 * published ES module) and run in real headless Chromium inside the fake Electron host, their events checked at
 * the local receiver:
 * - a React 19 page whose SDK is started by @sentry/react 11's `init` through `init(options, frameworkInit)`
 *   (electron-host/test-pages/react-app.tsx): the error its error boundary catches arrives with what the React SDK
 *   adds (its context and mechanism) and what the renderer SDK adds (the page's tag, main's release and
 *   `event.process`), and so does the page's own span, streamed;
 * - a page written against their API with only the import changed (test-pages/v7-renderer.ts): its
 *   integrations are set up and its hooks (beforeSend, an event processor, an app transport) run.
 */
import test from 'ava';
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version as reactVersion } from 'react';
import { CHROMIUM_MISSING } from './electron-host/chromium-harness';
import { exceptionOf, runSdkApp, scratch } from './helpers/sdk-app';

const chromiumTest = CHROMIUM_MISSING ? test.skip : test;
if (CHROMIUM_MISSING) test.skip(`React in the renderer: ${CHROMIUM_MISSING}`, () => {});

/** Bundles a test page as an app's bundler would (production React), into `dir`; the page's HTML file. */
async function bundledPage(dir: string, source: string): Promise<string> {
  const name = source.replace(/\.tsx?$/, '');
  await build({
    entryPoints: [join(__dirname, 'electron-host', 'test-pages', source)],
    outfile: join(dir, `${name}.js`),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome134',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
    // The page imports the SDK's source (to type-check against it); it gets what an app's bundler gets: the
    // published ES module (`npm run build:ts` first).
    plugins: [
      {
        name: 'published-renderer',
        setup(b) {
          b.onResolve({ filter: /\/ts\/renderer$/ }, () => ({ path: join(__dirname, '..', 'build', 'renderer', 'index.mjs') }));
        },
      },
    ],
  });
  const page = join(dir, `${name}.html`);
  writeFileSync(page, `<!doctype html>\n<div id="root"></div>\n<script src="${name}.js"></script>\n`);
  return page;
}

chromiumTest("@sentry/react's init through the renderer SDK: the error boundary's event reaches the receiver through main", async (t) => {
  const dir = scratch(t);
  const run = await runSdkApp(t, { sdk: {}, windows: [{ page: await bundledPage(dir, 'react-app.tsx') }] }, { renderer: 'chromium', name: 'ReactApp', version: '2.1.0' });
  const { event } = await run.waitForEvent((e) => exceptionOf(e)?.value === 'the react cart is empty', 40_000);

  // From @sentry/react: its init ran (its context), and its error boundary captured the error.
  t.is((event.contexts?.react as { version?: string } | undefined)?.version, reactVersion);
  const mechanisms = (event.exception?.values ?? []).map((v) => v.mechanism?.type);
  t.true(mechanisms.some((m) => /react/i.test(String(m))), `mechanisms: ${JSON.stringify(event.exception?.values?.map((v) => [v.type, v.value?.slice(0, 60), v.mechanism]))}`);
  // From the renderer SDK and main: the page's scope, main's release, and the renderer's process tag.
  t.is(event.tags?.ui, 'react');
  t.is(event.tags?.['event.process'], 'renderer');
  t.is(event.release, 'ReactApp@2.1.0');
  t.true((exceptionOf(event)?.stacktrace?.frames ?? []).some((f) => f.function === 'Cart'), 'a frame of the component that threw');

  // Tracing passed through: v11 streams the page's spans (`span` items), and main forwards them with its release.
  type StreamedSpan = { name?: string; attributes?: Record<string, { value: unknown }> };
  const spans = (): StreamedSpan[] =>
    run.receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === 'span').flatMap((i) => (i.payload as { items?: StreamedSpan[] }).items ?? []));
  const deadline = Date.now() + 20_000;
  while (!spans().some((s) => s.name === 'load cart') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const cart = spans().find((s) => s.name === 'load cart');
  t.truthy(cart, `spans: ${JSON.stringify(spans().map((s) => s.name))}`);
  t.is(cart?.attributes?.['sentry.release']?.value, 'ReactApp@2.1.0');
  const header = run.receiver.envelopes.find((e) => e.items.some((i) => i.type === 'span'))?.headers as { trace?: { public_key?: string } } | undefined;
  t.is(header?.trace?.public_key, new URL(run.receiver.dsn).username, "the trace header names main's DSN, not the renderer's placeholder");
});

chromiumTest('a v7 renderer with only its import changed: its integrations set up, its hooks run, its error reaches the receiver', async (t) => {
  const run = await runSdkApp(t, { sdk: {}, windows: [{ page: await bundledPage(scratch(t), 'v7-renderer.ts') }] }, { renderer: 'chromium', name: 'V7App', version: '7.0.0' });
  const { event } = await run.waitForEvent((e) => exceptionOf(e)?.value === 'v7 renderer error', 40_000);
  t.like(event, { level: 'warning', user: { id: 'user-7' }, release: 'V7App@7.0.0' });
  t.like(event.tags, { window: 'settings', 'v7.before_send': 'yes', 'event.process': 'renderer' });
  t.false(run.events().some((e) => exceptionOf(e)?.value === 'ignore me'), 'beforeSend dropped it');
  // The app's transport, built on makeRendererTransport, carried what the page sent before (an event processor
  // of the app recorded it on this event).
  t.true(Array.isArray(event.extra?.seenByAppTransport));
  run.app.send({ cmd: 'eval', index: 0, code: 'globalThis.v7Integrations' });
  const { value: names } = (await run.app.waitForMessage((m) => m.type === 'eval', 10_000)) as { value: string[] };
  for (const name of ['BrowserTracing', 'Replay', 'Feedback', 'EventLoopBlockRenderer', 'ExtraErrorData', 'ScopeToMain']) t.true(names.includes(name), `${name} in ${names.join(', ')}`);
});
