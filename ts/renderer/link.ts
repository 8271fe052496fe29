/**
 * How the renderer reaches main: through the preload's bridge when the page has one (Classic), else by POSTing to
 * main's privileged scheme with the page's key (Protocol). Both paths are looked up on every send, not once at
 * init: main may write the protocol key after the SDK started, and a bridge never appears later but costs nothing
 * to look for.
 *
 * Nothing here throws into the app. When a message cannot reach main by either path, the page is told once, on
 * the real console (not through Sentry's console instrumentation, which would turn the warning into a breadcrumb).
 */
import { consoleSandbox, debug } from '@sentry/core';
import { KEY_GLOBAL, bridgeKey, protocolUrl, type IpcBridge, type MessageKind } from '../common/ipc';

type Fetch = typeof globalThis.fetch;

/**
 * `fetch` as it was when this module was evaluated, before `init()` let Sentry instrument it: the SDK's own traffic
 * to main must not become fetch breadcrumbs or spans of the page. (Sentry's own transport avoids that by fetching
 * from a fresh iframe; a privileged scheme works there in Electron too, but this keeps the path simple and also
 * works where an iframe is not allowed.)
 */
const pristineFetch: Fetch | undefined = typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined;

/** A link to main for one namespace. */
export interface MainLink {
  /** Sends one message; resolves when it was handed over (bridge) or answered (protocol). Never rejects. */
  send(kind: MessageKind, payload: string | Uint8Array): Promise<void>;
}

/** One link per namespace: the transport and ScopeToMain share it, so that the page is warned once, not by each. */
const links = new Map<string, MainLink>();

export function linkToMain(namespace: string): MainLink {
  let link = links.get(namespace);
  if (!link) links.set(namespace, (link = makeLink(namespace)));
  return link;
}

function makeLink(namespace: string): MainLink {
  const key = bridgeKey(namespace);
  let warned = false;
  let oldBridgeLogged = false;

  const warnOnce = (why: string): void => {
    if (warned) {
      debug.warn(`[sentry-electron-native] renderer message not delivered: ${why}`);
      return;
    }
    warned = true;
    consoleSandbox(() => {
      console.warn(
        `[sentry-electron-native] The renderer cannot reach the main process (${why}). ` +
          `Events and scope from this page are dropped. Load the SDK's preload (namespace "${namespace}") ` +
          `or let main register its "${namespace}:" protocol (IPCMode.Protocol or Both).`,
      );
    });
  };

  return {
    async send(kind, payload) {
      const bridge = (globalThis as Record<string, unknown>)[key] as Partial<IpcBridge> | undefined;
      if (bridge && typeof bridge.sendEnvelope === 'function' && typeof bridge.sendScope === 'function') {
        try {
          const text = (): string => (typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
          if (kind === 'envelope') bridge.sendEnvelope(payload);
          else if (kind === 'scope') bridge.sendScope(text());
          else if (typeof bridge.sendStatus === 'function') bridge.sendStatus(text());
          else if (!oldBridgeLogged) {
            oldBridgeLogged = true;
            debug.log('[sentry-electron-native] the preload bridge predates heartbeats: update the preload for event-loop block detection');
          }
        } catch (error) {
          warnOnce(`the preload bridge threw: ${String(error)}`);
        }
        return;
      }
      if (!pristineFetch) {
        warnOnce('no preload bridge and no fetch');
        return;
      }
      const url = protocolUrl(namespace, kind, await pageKey());
      try {
        // `keepalive` lets a message sent while the page unloads (a crash report from an unload handler) finish.
        const response = await pristineFetch(url, { method: 'POST', body: payload as string | Uint8Array<ArrayBuffer>, keepalive: keepaliveFits(payload) });
        const why = `no preload bridge, and ${url.split('/').slice(0, 3).join('/')} answered ${response.status}`;
        // 403 / 404: main does not know this page or the scheme; anything else (400, 413, 429) is one message refused.
        if (response.status === 403 || response.status === 404) warnOnce(why);
        else if (!response.ok) debug.warn(`[sentry-electron-native] ${why}`);
      } catch (error) {
        warnOnce(`no preload bridge, and the "${namespace}:" protocol failed: ${String(error)}`);
      }
    },
  };
}

/** How long a message waits for main to write the page's key, and how often it looks. */
const KEY_WAIT_MS = 5000;
const KEY_POLL_MS = 20;

/**
 * The page's protocol key. Main writes it when the page's DOM is ready, but an error in a page script or the
 * first scope batch may come earlier; without the key main cannot tell which renderer spoke (it drops such a
 * scope batch), so a message waits for the key a little while, then goes without it.
 */
async function pageKey(): Promise<string | undefined> {
  const read = (): string | undefined => {
    const key = (globalThis as Record<string, unknown>)[KEY_GLOBAL];
    return typeof key === 'string' && key !== '' ? key : undefined;
  };
  for (let waited = 0; read() === undefined && waited < KEY_WAIT_MS; waited += KEY_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, KEY_POLL_MS));
  }
  return read();
}

/** Chromium refuses a keepalive request whose body would pass 64 KiB in flight; a string may take 3 bytes a char. */
function keepaliveFits(payload: string | Uint8Array): boolean {
  return (typeof payload === 'string' ? payload.length * 3 : payload.byteLength) < 60_000;
}
