/**
 * Chromium renderer mode of the fake Electron host (`FAKE_ELECTRON_RENDERER=chromium`): a `RendererLauncher` whose
 * renderers are pages in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), not Node
 * processes. What the page runs is real (the renderer SDK on @sentry/browser, `window.onerror`, unhandled
 * rejections, `fetch`); what Electron adds around it is played by ./chromium-page.ts (preloads before page scripts
 * with a fake renderer `electron`, privileged schemes routed to `onProtocolRequest`), and pages come from the
 * launcher's HTTP server (./chromium-server.ts).
 *
 * One browser per renderer: `close()` and a crash stay local to it, and its renderer process can be told apart.
 * Differences from Electron: no real isolated world (see ./chromium-page.ts), no Node integration in pages, and a
 * custom-scheme page's `location` is its http://127.0.0.1 alias.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DISPATCH_SYMBOL, PRELOAD_ERROR_CHANNEL, pageInitScript } from './chromium-page';
import { PageServer } from './chromium-server';
import type { ConsoleMessage, ProtocolHandler, RendererChannel, RendererLauncher, RendererSpec } from './renderer-host';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why Chromium renderers cannot run here, or `undefined` when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} is absent (apt-get install -y chromium; .ci/run does it)`;
}

/** How long a message from the page waits for main to register its listener or handler. */
const HANDLER_WAIT_MS = 10_000;
/** Chromium's net error codes for what `page.goto` reports by name. */
const NET_ERRORS: Record<string, number> = { ERR_ABORTED: -3, ERR_FILE_NOT_FOUND: -6, ERR_CONNECTION_REFUSED: -102, ERR_NAME_NOT_RESOLVED: -105, ERR_INVALID_URL: -300 };

export class ChromiumLauncher implements RendererLauncher {
  private readonly renderers = new Set<ChromiumRenderer>();
  private ids = 0;

  private constructor(readonly server: PageServer) {}

  static async start(): Promise<ChromiumLauncher> {
    return new ChromiumLauncher(await PageServer.start());
  }

  /** Serves a page or script at `path` (e.g. `/index.html`), for specs that use `url: '/index.html'`. */
  serve(path: string, body: string | Buffer, type?: string): string {
    return this.server.serve(path, body, type);
  }

  async launch(spec: RendererSpec): Promise<ChromiumRenderer> {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--headless', '--no-sandbox'], timeout: 30_000 });
    try {
      const renderer = new ChromiumRenderer(browser, ++this.ids);
      const unproxy = this.server.proxy(renderer.id, { current: () => renderer.protocolHandler, wait: () => renderer.protocolHandlerSoon() });
      this.renderers.add(renderer);
      renderer.onExit(() => (unproxy(), this.renderers.delete(renderer)));
      await renderer.open(spec, this.server.target(spec.url, renderer.id));
      return renderer;
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.renderers].map((r) => r.close()));
    await this.server.close();
  }
}

type Held<T> = { listeners: Set<T>; early: Array<(l: T) => void> };
const held = <T>(): Held<T> => ({ listeners: new Set(), early: [] });
/** Hands `call` to every listener, or keeps it for the first one registered (main listens right after launch). */
function emit<T>(h: Held<T>, call: (l: T) => void): void {
  if (h.listeners.size === 0) h.early.push(call);
  for (const l of h.listeners) call(l);
}
function listen<T>(h: Held<T>, listener: T): void {
  h.listeners.add(listener);
  for (const call of h.early.splice(0)) call(listener);
}

type Exit = { code: number | null; signal: string | null };

export class ChromiumRenderer implements RendererChannel {
  /** The page's console and uncaught errors, for the message of a failing test. */
  readonly log: string[] = [];
  page!: Page;
  loaded!: Promise<{ title: string }>;
  protocolHandler: ProtocolHandler | undefined;
  private invokeHandler: ((channel: string, args: unknown[]) => Promise<unknown>) | undefined;
  private rendererPid = -1;
  private readonly ipc = held<(channel: string, args: unknown[]) => void>();
  private readonly consoles = held<(m: ConsoleMessage) => void>();
  private readonly preloadErrors = held<(path: string, error: Error) => void>();
  private readonly exits = new Set<(exit: Exit) => void>();
  private exited = false;

  constructor(private readonly browser: Browser, readonly id: number) {}

  get pid(): number {
    return this.rendererPid;
  }

  /** Sets the page up and starts loading it; resolves once the document committed (its process is known). */
  async open(spec: RendererSpec, target: { url: string; errorCode?: number }): Promise<void> {
    const context = await this.browser.newContext();
    const names = { ipcBinding: binding('ipc'), invokeBinding: binding('invoke'), protocolBinding: binding('protocol') };
    // Bindings first: Playwright installs them by init script, and ours must find them when it runs.
    await context.exposeBinding(names.ipcBinding, (_source, channel: string, args: unknown[]) => {
      if (channel === PRELOAD_ERROR_CHANNEL) {
        const [path, message, stack] = args as [string, string, string];
        emit(this.preloadErrors, (l) => l(path, Object.assign(new Error(message), { stack })));
      } else emit(this.ipc, (l) => l(String(channel), Array.isArray(args) ? args : []));
    });
    await context.exposeBinding(names.invokeBinding, async (_source, channel: string, args: unknown[]) => {
      const handler = await this.waitFor(() => this.invokeHandler);
      if (!handler) return { ok: false, message: `No handler registered for '${channel}'` };
      try {
        return { ok: true, value: await handler(channel, args) };
      } catch (error) {
        return { ok: false, message: String(error) };
      }
    });
    await context.exposeBinding(names.protocolBinding, async (_source, req: { url: string; method: string; headers: Record<string, string>; body: Uint8Array | null }) => {
      const handler = await this.waitFor(() => this.protocolHandler);
      if (!handler) return { error: 'no protocol handler' };
      try {
        const res = await handler({ url: req.url, method: req.method, headers: req.headers, body: req.body ? new Uint8Array(req.body) : new Uint8Array() });
        return { status: res.status, headers: res.headers ?? {}, body: Buffer.from(res.body ?? '').toString('base64') };
      } catch (error) {
        return { error: String(error) };
      }
    });
    const preloads = spec.preloads.map((path) => ({ path, source: readFileSync(path, 'utf8') }));
    const privilegedSchemes = spec.privilegedSchemes.map((s) => s.toLowerCase().replace(/:$/, ''));
    await context.addInitScript({
      content: pageInitScript({ contextIsolation: spec.contextIsolation, sandbox: spec.sandbox, electronVersion: spec.electronVersion, privilegedSchemes, ...names }, preloads),
    });

    this.page = await context.newPage();
    this.page.setDefaultTimeout(15_000);
    this.page.on('console', (m) => {
      this.log.push(`${m.type()}: ${m.text()}`);
      const level = m.type() === 'error' ? 'error' : m.type() === 'warning' ? 'warning' : m.type() === 'debug' ? 'debug' : 'info';
      emit(this.consoles, (l) => l({ level, message: m.text(), lineNumber: m.location().lineNumber, sourceId: m.location().url }));
    });
    this.page.on('pageerror', (e) => this.log.push(`pageerror: ${e.stack ?? e.message}`));
    this.page.on('crash', () => this.exit({ code: null, signal: 'SIGSEGV' }));
    this.page.on('close', () => this.exit({ code: 0, signal: null }));

    if (target.errorCode !== undefined) {
      this.loaded = Promise.reject(Object.assign(new Error(`failed to load ${spec.url} (${target.errorCode})`), { errorCode: target.errorCode }));
      this.loaded.catch(() => undefined);
      return;
    }
    const before = await cpuByRenderer(this.browser);
    const committed = this.page.goto(target.url, { waitUntil: 'commit', timeout: 15_000 });
    this.loaded = committed.then(
      async () => (await this.page.waitForLoadState('load', { timeout: 15_000 }), { title: await this.page.title() }),
      (error: Error) => {
        const name = /net::(ERR_[A-Z_]+)/.exec(error.message)?.[1];
        throw Object.assign(new Error(error.message), { errorCode: (name && NET_ERRORS[name]) ?? -2 });
      },
    );
    this.loaded.catch(() => undefined);
    await committed.catch(() => undefined);
    this.rendererPid = await this.findPid(before);
  }

  onIpc(listener: (channel: string, args: unknown[]) => void): void {
    listen(this.ipc, listener);
  }

  onProtocolRequest(handler: ProtocolHandler): void {
    this.protocolHandler = handler;
  }

  onInvoke(handler: (channel: string, args: unknown[]) => Promise<unknown>): void {
    this.invokeHandler = handler;
  }

  onConsole(listener: (message: ConsoleMessage) => void): void {
    listen(this.consoles, listener);
  }

  onPreloadError(listener: (preloadPath: string, error: Error) => void): void {
    listen(this.preloadErrors, listener);
  }

  /** `webContents.executeJavaScript`: a script (statements allowed) in the page's world; its value, awaited. */
  async executeJavaScript(code: string): Promise<unknown> {
    const cdp = await this.page.context().newCDPSession(this.page);
    try {
      const out = (await cdp.send('Runtime.evaluate', { expression: code, awaitPromise: true, returnByValue: true, userGesture: true })) as {
        result: { value?: unknown };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (out.exceptionDetails) throw new Error(out.exceptionDetails.exception?.description ?? out.exceptionDetails.text);
      return out.result.value;
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  }

  /** `webContents.send`: to the page's `ipcRenderer.on(channel)` listeners. */
  async send(channel: string, args: unknown[]): Promise<void> {
    await this.page.evaluate(`window[Symbol.for(${JSON.stringify(DISPATCH_SYMBOL)})]?.(${JSON.stringify(channel)}, ${JSON.stringify(args)})`);
  }

  onExit(listener: (exit: Exit) => void): void {
    this.exits.add(listener);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    this.exit({ code: 0, signal: null });
  }

  private exit(exit: Exit): void {
    if (this.exited) return;
    this.exited = true;
    for (const listener of this.exits) listener(exit);
  }

  /** Main's protocol handler, once it registered one (waits at most `HANDLER_WAIT_MS`). */
  protocolHandlerSoon(): Promise<ProtocolHandler | undefined> {
    return this.waitFor(() => this.protocolHandler);
  }

  /** Waits (bounded) for main to register what a page request needs. */
  private async waitFor<T>(get: () => T | undefined): Promise<T | undefined> {
    for (let waited = 0; get() === undefined && waited < HANDLER_WAIT_MS && !this.exited; waited += 10) await new Promise((r) => setTimeout(r, 10));
    return get();
  }

  /**
   * The page's renderer process. Chromium does not say which renderer hosts which page, and a browser has several
   * (the initial about:blank, a spare): the page burns a few milliseconds of CPU and the renderer whose CPU time
   * grew most is the one. -1 when Chromium will not tell.
   */
  private async findPid(before: Map<number, number>): Promise<number> {
    await this.executeJavaScript('{ const end = performance.now() + 60; while (performance.now() < end); }').catch(() => undefined);
    const after = await cpuByRenderer(this.browser);
    let best = -1;
    let grown = -1;
    for (const [pid, cpu] of after) {
      const delta = cpu - (before.get(pid) ?? 0);
      if (delta > grown) [best, grown] = [pid, delta];
    }
    return best;
  }
}

function binding(kind: string): string {
  return `__fakeElectron_${kind}_${Math.random().toString(36).slice(2)}`;
}

async function cpuByRenderer(browser: Browser): Promise<Map<number, number>> {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number; cpuTime: number }> };
    await cdp.detach();
    return new Map(info.processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime]));
  } catch {
    return new Map();
  }
}
