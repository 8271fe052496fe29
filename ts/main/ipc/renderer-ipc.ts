/**
 * RendererIpc: main's end of the renderer wire (ts/common/ipc.ts). Classic IPC listens on the namespaced channels;
 * Protocol registers the namespace as a privileged scheme before `ready` and handles it on every session. Every
 * message is admitted per sender (FloodGuard), size-capped and validated before anything is parsed or kept, and is
 * attributed to the web contents main knows sent it — the IPC sender, or the owner of the Protocol key — never to
 * what the message says about itself.
 */
import { debug, defineIntegration, type Breadcrumb, type Client, type Event, type EventHint } from '@sentry/core';
import type { IpcMainEvent, Session, WebContents } from 'electron';
import {
  KEY_GLOBAL,
  LIMITS,
  channelName,
  isValidNamespace,
  parseProtocolUrl,
  validateEnvelopePayload,
  validateScopePayload,
  type MessageKind,
} from '../../common/ipc';
import { electron } from '../electron';
import { guardedSetup } from '../integrations/shared';
import { DEFAULTS, IPCMode, type ElectronClientOptions } from '../options';
import { FloodGuard } from './flood-guard';
import { FROM_RENDERER, handleRendererEnvelope } from './renderer-envelope';
import { rendererScopesOf, type RendererScopes } from './renderer-scopes';
import { preloadFallbackToProtocol } from './fallback';
import { validateRendererStatus } from '../../common/renderer-status';
import { createRendererEventLoopBlockStatusHandler } from '../integrations/renderer-event-loop-block';

/** Renderer breadcrumbs shown on main's own events. */
const RENDERER_BREADCRUMBS_ON_MAIN_EVENTS = 20;

export const rendererIpcIntegration = defineIntegration(() => {
  return {
    name: 'RendererIpc',
    setup(client: Client) {
      guardedSetup('RendererIpc', () => setUp(client), 'renderer events will not reach main');
    },
    processEvent(event: Event, hint: EventHint, client: Client): Event {
      // Main's own events (and main-process crashes) show what the renderers did last.
      if (hint.data?.[FROM_RENDERER] || event.tags?.['event.process'] === 'renderer' || event.type === 'transaction') return event;
      const recent = rendererScopesOf(client).recentBreadcrumbs(RENDERER_BREADCRUMBS_ON_MAIN_EVENTS);
      if (recent.length === 0) return event;
      const merged: Breadcrumb[] = [...(event.breadcrumbs ?? []), ...recent].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
      event.breadcrumbs = merged.slice(-(client.getOptions().maxBreadcrumbs ?? 100));
      return event;
    },
  };
});

function setUp(client: Client): void {
  const options = client.getOptions() as ElectronClientOptions;
  let namespace = options.ipcNamespace ?? DEFAULTS.ipcNamespace;
  if (!isValidNamespace(namespace)) {
    console.warn(`[sentry-electron-native] ipcNamespace ${JSON.stringify(namespace)} is not a valid scheme name; using ${DEFAULTS.ipcNamespace}`);
    namespace = DEFAULTS.ipcNamespace;
  }
  const mode = options.ipcMode ?? DEFAULTS.ipcMode;
  const { app, ipcMain, protocol, session, webContents } = electron();
  const scopes = rendererScopesOf(client);
  const guard = new FloodGuard((m) => debug.log(`[RendererIpc] ${m}`));
  const pii = Boolean(options.sendDefaultPii);

  const receive = (kind: MessageKind, payload: unknown, webContentsId: number | undefined, sender: string): number => {
    if (!guard.admit(sender)) return 429;
    if (kind === 'envelope') {
      const v = validateEnvelopePayload(payload);
      if (!v.ok) return reject(sender, v.reason, 400);
      handleRendererEnvelope(client, v.value, { webContentsId, url: webContentsId !== undefined ? scopes.urlOf(webContentsId) : undefined }, pii);
      return 200;
    }
    if (kind === 'status') {
      // Heartbeats for RendererEventLoopBlock; without that integration there is nobody to tell.
      const status = validateRendererStatus(payload);
      if (!status) return reject(sender, 'not a renderer status', 400);
      if (webContentsId === undefined) return reject(sender, 'status from an unidentified renderer', 403);
      const contents = webContents.fromId(webContentsId);
      if (contents) createRendererEventLoopBlockStatusHandler(client)?.(status, contents);
      return 200;
    }
    const v = validateScopePayload(payload);
    if (!v.ok) return reject(sender, v.reason, 400);
    // A scope must belong to a known renderer: without an identity there is nobody to keep it for.
    if (webContentsId === undefined) return reject(sender, 'scope from an unidentified renderer', 403);
    scopes.apply(webContentsId, v.value);
    return 200;
  };

  const useClassic = (mode & IPCMode.Classic) !== 0;
  const useProtocol = (mode & IPCMode.Protocol) !== 0 || preloadFallbackToProtocol(client);

  if (useClassic) {
    for (const kind of ['envelope', 'scope', 'status'] as const) {
      ipcMain.on(channelName(namespace, kind), (event: IpcMainEvent, payload: unknown) => {
        try {
          const wc = event.sender;
          track(scopes, wc);
          receive(kind, payload, wc.id, `wc${wc.id}`);
        } catch (e) {
          debug.warn('[RendererIpc] message handling failed', e);
        }
      });
    }
  }

  if (useProtocol) {
    if (app.isReady()) {
      console.warn(
        `[sentry-electron-native] init() ran after the app was ready: the "${namespace}" scheme cannot be registered any more, ` +
          'so renderers without the preload cannot report. Call init() before app "ready".',
      );
    } else {
      protocol.registerSchemesAsPrivileged([
        { scheme: namespace, privileges: { bypassCSP: true, corsEnabled: true, supportFetchAPI: true, secure: true, standard: false } },
      ]);
    }
  }

  const onReady = (): void => {
    if (useProtocol && !app.isReady()) return;
    const sessions: Session[] = options.getSessions?.() ?? [session.defaultSession];
    if (useProtocol) {
      for (const ses of sessions) {
        try {
          if (!ses.protocol.isProtocolHandled(namespace)) {
            ses.protocol.handle(namespace, (request) => handleProtocolRequest(request, namespace, scopes, receive));
          }
        } catch (e) {
          debug.warn(`[RendererIpc] could not handle the ${namespace} scheme on a session`, e);
        }
      }
    }
    for (const wc of webContents.getAllWebContents()) watch(wc);
  };

  const watch = (wc: WebContents): void => {
    const note = (): void => {
      try {
        track(scopes, wc);
        if (useProtocol) void wc.executeJavaScript(`globalThis[${JSON.stringify(KEY_GLOBAL)}] = ${JSON.stringify(scopes.keyOf(wc.id))};`).catch(() => undefined);
      } catch {
        // a web contents destroyed between the event and this call: nothing to note
      }
    };
    wc.on('dom-ready', note);
    wc.on('did-navigate', note);
    wc.on('render-process-gone', () => scopes.noteGone(wc.id));
    wc.once('destroyed', () => scopes.noteGone(wc.id));
    if (!wc.isLoading?.()) note();
  };
  app.on('web-contents-created', (_event, wc) => watch(wc));
  if (app.isReady()) onReady();
  else void app.whenReady().then(onReady);
}

/** Records a live renderer's pid and URL (Electron forgets the pid once the process is gone). */
function track(scopes: RendererScopes, wc: WebContents): void {
  if (wc.isDestroyed()) return;
  scopes.noteAlive(wc.id, wc.getOSProcessId() || undefined, wc.getURL() || undefined);
}

function reject(sender: string, reason: string, status: number): number {
  debug.log(`[RendererIpc] rejected a message from ${sender}: ${reason}`);
  return status;
}

async function handleProtocolRequest(
  request: Request,
  namespace: string,
  scopes: RendererScopes,
  receive: (kind: MessageKind, payload: unknown, webContentsId: number | undefined, sender: string) => number,
): Promise<Response> {
  try {
    const target = parseProtocolUrl(namespace, request.url);
    if (!target || request.method !== 'POST') return new Response(null, { status: 404 });
    const webContentsId = scopes.webContentsOfKey(target.key);
    const sender = webContentsId !== undefined ? `wc${webContentsId}` : 'protocol';
    const cap = { envelope: LIMITS.envelopeBytes, scope: LIMITS.scopeBytes, status: LIMITS.statusBytes }[target.kind];
    const body = await readCapped(request, cap);
    if (!body) return new Response(null, { status: 413 });
    const payload = target.kind === 'envelope' ? body : new TextDecoder().decode(body);
    return new Response(null, { status: receive(target.kind, payload, webContentsId, sender) });
  } catch (e) {
    debug.warn('[RendererIpc] protocol request failed', e);
    return new Response(null, { status: 500 });
  }
}

/** The request body, or `undefined` once it passes `cap` bytes (read no further: a huge body costs nothing). */
async function readCapped(request: Request, cap: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > cap) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.byteLength);
  return out;
}
