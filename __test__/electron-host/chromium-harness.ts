/**
 * What the Chromium specs share: a page that loads the renderer SDK bundle, a recorder that plays main (it takes
 * every message from the page, over IPC or the protocol, and answers the protocol like main does), and bounded
 * waits that fail with the page's console in the message.
 */
import type { ExecutionContext, TestFn } from 'ava';
import { readFileSync } from 'node:fs';
import { parseEnvelope, type Event } from '@sentry/core';
import { DEFAULT_NAMESPACE, parseProtocolUrl, type MessageKind } from '../../ts/common/ipc';
import { chromiumMissing, ChromiumLauncher, type ChromiumRenderer } from './chromium';

export const BUNDLE = require.resolve('@acme/sentry-electron-native/renderer/bundle.js');
export const PRELOAD = require.resolve('@acme/sentry-electron-native/preload');
export const PRELOAD_NAMESPACED = require.resolve('@acme/sentry-electron-native/preload-namespaced');

/** `undefined` when Chromium tests can run; else why not (the specs skip with it). */
export const CHROMIUM_MISSING = chromiumMissing();

/** One message main received from the page. */
export interface Received {
  via: 'ipc' | 'protocol';
  kind: MessageKind;
  namespace: string;
  payload: string | Uint8Array;
  /** The protocol key the request carried (protocol only). */
  key?: string;
  at: number;
}

export interface PageOptions {
  /** Options for `SentryElectronRenderer.init`, as JSON. */
  init?: Record<string, unknown>;
  /** The page's own init script instead (for options JSON cannot carry, such as integrations). */
  initScript?: string;
  preloads?: string[];
  privilegedSchemes?: string[];
  contextIsolation?: boolean;
  sandbox?: boolean;
  /** Script run in the page before the SDK loads. */
  before?: string;
  /** Namespaces the recorder listens on (channel prefixes and schemes); default the default namespace. */
  namespaces?: string[];
}

let pages = 0;

export class Session {
  readonly received: Received[] = [];
  private constructor(readonly renderer: ChromiumRenderer) {}

  static async open(launcher: ChromiumLauncher, options: PageOptions = {}): Promise<Session> {
    const path = `/page-${++pages}.html`;
    launcher.serve('/bundle.js', readFileSync(BUNDLE));
    launcher.serve(
      path,
      `<!doctype html><html><head><meta charset="utf-8"><title>renderer</title>
<script>${options.before ?? ''}</script>
<script src="/bundle.js"></script>
<script>${options.initScript ?? `SentryElectronRenderer.init(${JSON.stringify(options.init ?? {})});`}</script>
</head><body><p>renderer under test</p></body></html>`,
    );
    const namespaces = options.namespaces ?? [DEFAULT_NAMESPACE];
    const renderer = await launcher.launch({
      webContentsId: pages,
      url: path,
      preloads: options.preloads ?? [],
      contextIsolation: options.contextIsolation ?? true,
      sandbox: options.sandbox ?? true,
      privilegedSchemes: options.privilegedSchemes ?? [],
      electronVersion: '45.4.1',
    });
    const session = new Session(renderer);
    renderer.onIpc((channel, args) => {
      const dot = channel.lastIndexOf('.');
      const namespace = channel.slice(0, dot);
      const kind = channel.slice(dot + 1);
      if (!namespaces.includes(namespace) || (kind !== 'envelope' && kind !== 'scope' && kind !== 'status')) return;
      session.received.push({ via: 'ipc', kind, namespace, payload: args[0] as string | Uint8Array, at: Date.now() });
    });
    renderer.onProtocolRequest(async (req) => {
      const namespace = req.url.slice(0, req.url.indexOf(':'));
      const target = namespaces.includes(namespace) ? parseProtocolUrl(namespace, req.url) : undefined;
      if (!target || req.method !== 'POST') return { status: 404 };
      const payload = target.kind !== 'envelope' ? Buffer.from(req.body).toString('utf8') : new Uint8Array(req.body);
      session.received.push({ via: 'protocol', kind: target.kind, namespace, payload, key: target.key, at: Date.now() });
      return { status: 200 };
    });
    await renderer.loaded;
    return session;
  }

  /** Runs a script in the page (statements allowed); its value. */
  run(code: string): Promise<unknown> {
    return this.renderer.executeJavaScript(code);
  }

  /** The first message (from `from` on) that passes `test`, waiting at most `timeoutMs`. */
  async waitFor(t: ExecutionContext, what: string, test: (m: Received) => boolean, from = 0, timeoutMs = 10_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(test);
      if (found) return found;
      if (Date.now() > deadline) {
        t.log(this.renderer.log.join('\n'));
        throw new Error(`no ${what} within ${timeoutMs} ms; received: ${this.received.map((m) => `${m.via}:${m.namespace}.${m.kind}`).join(', ') || 'nothing'}`);
      }
      await sleep(20);
    }
  }

  /** The event of the first envelope whose event passes `test`. */
  async event(t: ExecutionContext, what: string, test: (e: Event) => boolean, from = 0): Promise<{ event: Event; message: Received }> {
    const message = await this.waitFor(t, what, (m) => m.kind === 'envelope' && eventOf(m.payload) !== undefined && test(eventOf(m.payload)!), from);
    return { event: eventOf(message.payload)!, message };
  }

  scopes(from = 0): Received[] {
    return this.received.slice(from).filter((m) => m.kind === 'scope');
  }

  close(): Promise<void> {
    return this.renderer.close();
  }
}

/** The event item of an envelope, if it has one. */
export function eventOf(payload: string | Uint8Array): Event | undefined {
  const [, items] = parseEnvelope(payload);
  const item = items.find(([header]) => header.type === 'event');
  return item ? (item[1] as Event) : undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the launcher for one spec file; `undefined` (and the specs skip) when Chromium is absent. */
export async function startLauncher(): Promise<ChromiumLauncher | undefined> {
  return CHROMIUM_MISSING ? undefined : ChromiumLauncher.start();
}

/**
 * What every Chromium spec sets up: one browser for the file (started before its tests, closed after them, even
 * when one fails), tests that run one at a time in it, and one skipped test that says `what` and why when Chromium
 * cannot run here.
 */
export function chromiumSpec(test: TestFn, what: string) {
  if (CHROMIUM_MISSING) test.skip(`${what} in Chromium: ${CHROMIUM_MISSING}`, () => {});
  let launcher: ChromiumLauncher | undefined;
  test.before(async () => {
    launcher = await startLauncher();
  });
  test.after.always(async () => {
    await launcher?.close();
  });
  return { chromiumTest: CHROMIUM_MISSING ? test.skip : test.serial, launcher: () => launcher! };
}
