/**
 * How the fake main process plays a renderer: the launcher contract both renderer modes implement, and the choice
 * of mode (`FAKE_ELECTRON_RENDERER`: `node`, the default, or `chromium`).
 *
 * Contract:
 * - `launch(spec)` starts one renderer process for one page load and resolves once that process exists (its `pid`
 *   known). The page may still be loading: `loaded`, when the mode gives it, settles when the page finished loading
 *   (`did-finish-load`, with the document's title) or failed to (rejects with an Error carrying Chromium's net
 *   `errorCode`, e.g. -6 for a missing file); a mode without `loaded` resolves `launch` only once the page loaded.
 * - Everything the renderer sends before main registered a listener is held and handed to the first listener
 *   registered; a protocol request waits for its handler. Main registers its listeners right after `launch`.
 * - The renderer's side of Electron is the mode's business: preloads (session's in order, then the window's) in the
 *   isolated world with a sandboxed `require` when `sandbox` is on, `contextBridge`, `ipcRenderer`, and page
 *   `fetch`es of `privilegedSchemes` routed to `onProtocolRequest`.
 * - `onExit` fires once when the process is gone, for whatever reason; main maps code and signal to Electron's
 *   `render-process-gone` reasons. After `close()` main ignores it.
 * The optional members are what the Node mode adds (invoke, console messages, preload errors); main does without
 * them in a mode that lacks them.
 */
import { ENV } from './host-env';

export interface RendererSpec {
  webContentsId: number;
  /** The document: `file:` (an .html file whose `<script>`s run, or a .js file run as the page), `http(s):`, or a
   * custom scheme served by main's `protocol.handle`. */
  url: string;
  /** Preload files in the order they run. */
  preloads: string[];
  contextIsolation: boolean;
  sandbox: boolean;
  /** Page Node integration: with it (and contextIsolation off) the page gets `require`. */
  nodeIntegration?: boolean;
  /** Schemes a page may `fetch` (privileged with `supportFetchAPI`), without the colon. */
  privilegedSchemes: string[];
  electronVersion: string;
  /** Crashpad's handler, whose socket the renderer inherits (at CHILD_FD) from main; absent when crashReporter was
   * not started. */
  crashpad?: { fd: number; connection: import('./fake-electron/native-crash').ChildConnection };
}

export interface ProtocolRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ProtocolResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Main's `protocol.handle`, as the renderer sees it: rejects for a network error. */
export type ProtocolHandler = (req: ProtocolRequest) => Promise<ProtocolResponse>;

export interface ConsoleMessage {
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
  lineNumber: number;
  sourceId: string;
}

export interface RendererChannel {
  readonly pid: number;
  /** `ipcRenderer.send(channel, ...args)`. */
  onIpc(listener: (channel: string, args: unknown[]) => void): void;
  onProtocolRequest(handler: ProtocolHandler): void;
  /** `webContents.executeJavaScript`: evaluated in the page's main world; the value, awaited and cloned. */
  executeJavaScript(code: string): Promise<unknown>;
  /** `webContents.send`: to the renderer's `ipcRenderer.on(channel)` listeners. */
  send(channel: string, args: unknown[]): Promise<void> | void;
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void;
  /** Ends the renderer (window closed, navigation); no `render-process-gone` follows. */
  close(): Promise<void>;
  /** See the contract above. */
  readonly loaded?: Promise<{ title: string }>;
  /** `ipcRenderer.invoke`: the handler's value, or a rejection whose message the renderer reports. */
  onInvoke?(handler: (channel: string, args: unknown[]) => Promise<unknown>): void;
  /** The page's and preloads' console output (`console-message`). */
  onConsole?(listener: (message: ConsoleMessage) => void): void;
  /** A preload that threw (`preload-error`). */
  onPreloadError?(listener: (preloadPath: string, error: Error) => void): void;
}

export interface RendererLauncher {
  launch(spec: RendererSpec): Promise<RendererChannel>;
  close?(): Promise<void>;
}

let launcher: Promise<RendererLauncher> | undefined;

/** The launcher of this main process's mode, made once. */
export function rendererLauncher(): Promise<RendererLauncher> {
  launcher ??= (async (): Promise<RendererLauncher> => {
    const mode = process.env[ENV.renderer] ?? 'node';
    if (mode === 'node') return (await import('./node-renderer/launcher')).nodeRendererLauncher;
    if (mode === 'chromium') return (await import('./chromium')).ChromiumLauncher.start();
    throw new Error(`${ENV.renderer} must be node or chromium, not ${mode}`);
  })();
  return launcher;
}
