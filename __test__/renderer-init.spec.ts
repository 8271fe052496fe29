/**
 * What the renderer's `init` does with options written for @sentry/electron 7, in real headless Chromium over the
 * preload's bridge (main is played by the harness): an app's own transport is wrapped (it sees every envelope and
 * main still gets each one once), integrations are removed by their v7 names, and the names whose v11 meaning
 * changed behave as the module says. The stack parser and the AI instrumentations are checked on their own.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStackParser } from '../ts/renderer/stack-parse';
import { PRELOAD, Session, eventOf, sleep, chromiumSpec } from './electron-host/chromium-harness';

const { chromiumTest, launcher } = chromiumSpec(test, 'renderer init options');

const S = 'SentryElectronRenderer';

/** Envelopes main got whose event carries `value`. */
const eventsAtMain = (page: Session, value: string) =>
  page.received.filter((m) => m.kind === 'envelope' && eventOf(m.payload)?.exception?.values?.[0]?.value === value);

chromiumTest("an app's own transport sees every envelope, and main still gets each one", async (t) => {
  const page = await Session.open(launcher(), {
    preloads: [PRELOAD],
    initScript: `window.seen = [];
      ${S}.init({ transport: () => ({ send: async (envelope) => { window.seen.push(envelope[1][0][0].type); return {}; }, flush: async () => true }) });`,
  });
  try {
    await page.run(`${S}.captureException(new Error('to both')); 1`);
    await page.event(t, 'event at main', (e) => e.exception?.values?.[0]?.value === 'to both');
    t.deepEqual(await page.run('window.seen'), ['event']);
    await sleep(100);
    t.is(eventsAtMain(page, 'to both').length, 1);
  } finally {
    await page.close();
  }
});

chromiumTest("an app's transport that cannot be built: init does not throw, and events still reach main", async (t) => {
  const page = await Session.open(launcher(), {
    preloads: [PRELOAD],
    initScript: `try { ${S}.init({ transport: () => { throw new Error('no transport today'); } }); window.threw = false; } catch { window.threw = true; }`,
  });
  try {
    t.false(await page.run('window.threw'));
    await page.run(`${S}.captureException(new Error('main only')); 1`);
    await page.event(t, 'event at main', (e) => e.exception?.values?.[0]?.value === 'main only');
  } finally {
    await page.close();
  }
});

chromiumTest('a transport built on makeRendererTransport is used as it is: one copy at main, not two', async (t) => {
  const page = await Session.open(launcher(), {
    preloads: [PRELOAD],
    initScript: `window.sent = 0;
      ${S}.init({ transport: (options) => { const inner = ${S}.makeRendererTransport(options);
        return { send: (envelope) => { window.sent += 1; return inner.send(envelope); }, flush: (ms) => inner.flush(ms) }; } });`,
  });
  try {
    await page.run(`${S}.captureException(new Error('once')); 1`);
    await page.event(t, 'event at main', (e) => e.exception?.values?.[0]?.value === 'once');
    await sleep(150);
    t.is(eventsAtMain(page, 'once').length, 1);
    t.is(await page.run('window.sent'), 1);
  } finally {
    await page.close();
  }
});

chromiumTest('ScopeToMain is removed by its name, and by defaultIntegrations: false, as with @sentry/electron', async (t) => {
  for (const init of [
    `${S}.init({ integrations: (defaults) => defaults.filter((i) => i.name !== 'ScopeToMain') })`,
    `${S}.init({ defaultIntegrations: false })`,
  ]) {
    const page = await Session.open(launcher(), { preloads: [PRELOAD], initScript: init });
    try {
      const names = (await page.run(`${S}.getClient().getOptions().integrations.map((i) => i.name)`)) as string[];
      t.false(names.includes('ScopeToMain'), init);
      await page.run(`${S}.setTag('k', 'v'); ${S}.captureMessage('no scope sync'); 1`);
      await page.event(t, 'message at main', (e) => e.message === 'no scope sync');
      await sleep(150);
      t.deepEqual(page.scopes(), [], init);
    } finally {
      await page.close();
    }
  }
});

chromiumTest('the defaults: ScopeToMain in, sessions and culture out; InboundFilters by its v7 name; the report dialog says why it cannot open', async (t) => {
  const page = await Session.open(launcher(), { preloads: [PRELOAD], init: {} });
  try {
    const names = (await page.run(`${S}.getClient().getOptions().integrations.map((i) => i.name)`)) as string[];
    t.true(names.includes('ScopeToMain'));
    t.false(names.includes('BrowserSession'));
    t.false(names.includes('CultureContext'));
    t.is(await page.run(`${S}.inboundFiltersIntegration().name`), 'InboundFilters');
    const why = await page.run(`new Promise((resolve) => ${S}.showReportDialog({ eventId: 'a'.repeat(32), onError: (e) => resolve(e.message) }))`);
    t.regex(String(why), /only main has/);
    t.is(await page.run(`document.querySelectorAll('script[src*="invalid"]').length`), 0, 'nothing loaded from the placeholder DSN');
  } finally {
    await page.close();
  }
});

test('the stack parser reads V8 frames and marks Node internals and node_modules as not the app', (t) => {
  const stack = [
    'Error: boom',
    '    at render (file:///app/dist/renderer.js:10:5)',
    '    at Object.run (/app/node_modules/some-lib/index.js:3:9)',
    '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
    '    at https://example.invalid/page.js:1:2',
  ].join('\n');
  const frames = defaultStackParser(stack);
  // Sentry's order: outermost first.
  t.deepEqual(
    frames.map((f) => [f.function, f.in_app]),
    [
      ['?', true],
      ['Module._compile', false],
      ['Object.run', false],
      ['render', true],
    ],
  );
  t.is(frames[3]!.lineno, 10);
  t.is(frames[3]!.colno, 5);
});

test('the AI SDK instrumentations come without Node-only modules, and a wrapped client still answers', async (t) => {
  const built = readFileSync(join(__dirname, '..', 'build', 'renderer', 'ai.js'), 'utf8');
  const required = [...built.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  t.deepEqual([...new Set(required)], ['@sentry/core'], 'a page can load it: nothing from Node, nothing from server-utils’ root');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { instrumentOpenAiClient, instrumentLangGraph, instrumentStateGraph } = require('@acme/sentry-electron-native/renderer') as typeof import('../ts/renderer');
  t.is(instrumentLangGraph, instrumentStateGraph, "v10's name is the same function");
  const client = instrumentOpenAiClient({ chat: { completions: { create: async (body: { model: string }) => ({ id: 'chatcmpl-1', model: body.model, choices: [] }) } } });
  t.deepEqual(await client.chat.completions.create({ model: 'gpt-test' }), { id: 'chatcmpl-1', model: 'gpt-test', choices: [] });
});
