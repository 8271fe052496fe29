/**
 * The transport of a utility process's SDK: envelopes go to main over a MessagePortMain (ts/common/utility-ipc.ts),
 * and main sends them with its own transport (rate limits, the durable queue, Electron's `net`). Until main's port
 * arrives, envelopes wait (up to 5 s, then they are dropped and counted); the hello main answers with never reaches
 * the app's own `parentPort` listeners.
 */
import { createTransport, debug, type BaseTransportOptions, type Transport } from '@sentry/core';
import type { MessageEvent, MessagePortMain, ParentPort } from 'electron';
import { validateEnvelopePayload } from '../common/ipc';
import { isUtilityHello, utilityHello } from '../common/utility-ipc';

/** How long an envelope waits for main's port before it is given up. */
const PORT_WAIT_MS = 5000;

type Listener = (event: MessageEvent) => void;

function parentPortOf(): ParentPort | undefined {
  return (process as { parentPort?: ParentPort }).parentPort;
}

/**
 * Hides the hello from the app: `on` / `addListener` / `once` of `message` get a listener that skips it, and
 * `off` / `removeListener` find that listener again from the app's.
 */
function hideHello(port: ParentPort): void {
  const wrapped = new WeakMap<Listener, Listener>();
  const wrap = (listener: Listener): Listener => {
    let w = wrapped.get(listener);
    if (!w) {
      w = (event: MessageEvent) => (isUtilityHello(event?.data) ? undefined : listener(event));
      wrapped.set(listener, w);
    }
    return w;
  };
  const target = port as unknown as Record<string, (event: string, listener: Listener) => unknown>;
  for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener', 'off', 'removeListener']) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = function (this: unknown, event: string, listener: Listener) {
      return original.call(this, event, event === 'message' && typeof listener === 'function' ? wrap(listener) : listener);
    };
  }
}

/** The transport factory for `init({ transport })`: one handshake with main per process. */
export function makeUtilityProcessTransport(): (options: BaseTransportOptions) => Transport {
  const parentPort = parentPortOf();
  let port: MessagePortMain | undefined;
  const waiting: Array<(p: MessagePortMain | undefined) => void> = [];
  if (parentPort) {
    parentPort.on('message', (event: MessageEvent) => {
      if (!isUtilityHello(event?.data) || port) return;
      port = event.ports?.[0];
      port?.start();
      for (const resolve of waiting.splice(0)) resolve(port);
    });
    hideHello(parentPort);
    parentPort.postMessage(utilityHello());
  } else {
    debug.warn('[utility] no process.parentPort: this is not an Electron utility process, events stay here');
  }

  const mainPort = (): Promise<MessagePortMain | undefined> =>
    port || !parentPort
      ? Promise.resolve(port)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(undefined), PORT_WAIT_MS);
          timer.unref?.();
          waiting.push((p) => (clearTimeout(timer), resolve(p)));
        });

  return (options) =>
    createTransport(options, async (request) => {
      const checked = validateEnvelopePayload(request.body);
      if (!checked.ok) {
        debug.warn(`[utility] envelope dropped: ${checked.reason}`);
        return { statusCode: 413 };
      }
      const p = await mainPort();
      if (!p) throw new Error('main did not answer the utility SDK: is init() from "/main" running in main?');
      p.postMessage(request.body);
      // Main sends it and applies rate limits; for this process it is done.
      return { statusCode: 200 };
    });
}
