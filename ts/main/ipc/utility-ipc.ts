/**
 * UtilityProcessIpc: main's end of the utility-process wire (ts/common/utility-ipc.ts). `utilityProcess.fork` is
 * wrapped so that each child's SDK, once it says hello, gets one end of a MessageChannelMain; what it posts there
 * (envelopes) is admitted per process (FloodGuard), size-checked and replayed through main's client: its events get
 * `event.process: utility`, main's release, environment and scope beneath their own, main's processors and
 * `beforeSend`; other items (sessions aside: release health is main's) go out as they came. The hello never reaches
 * the app's own `message` listeners on the child.
 */
import {
  createEnvelope,
  debug,
  defineIntegration,
  getCurrentScope,
  parseEnvelope,
  type Attachment,
  type Client,
  type EnvelopeItem,
  type Event,
} from '@sentry/core';
import type { ForkOptions, UtilityProcess } from 'electron';
import { validateEnvelopePayload } from '../../common/ipc';
import { isUtilityHello, utilityHello } from '../../common/utility-ipc';
import { electron } from '../electron';
import { guardedSetup } from '../integrations/shared';
import { FloodGuard } from './flood-guard';

const WRAPPED = Symbol.for('sentry-electron-native.utility-fork');
const DROPPED_TYPES = new Set(['session', 'sessions']);

type Fork = typeof import('electron').utilityProcess.fork;
type Listener = (...args: any[]) => void;

export const utilityProcessIpcIntegration = defineIntegration(() => ({
  name: 'UtilityProcessIpc',
  setup(client: Client) {
    guardedSetup('UtilityProcessIpc', () => wrapFork(client), 'utilityProcess.fork is not wrapped, so utility process events will not reach main');
  },
}));

function wrapFork(client: Client): void {
  const { utilityProcess } = electron();
  const fork = utilityProcess?.fork as (Fork & { [WRAPPED]?: true }) | undefined;
  if (!fork || fork[WRAPPED]) return;
  const guard = new FloodGuard((m) => debug.log(`[UtilityProcessIpc] ${m}`));
  const wrapped = function (this: unknown, modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess {
    const child = fork.call(this, modulePath, args, options);
    try {
      attach(client, child, options?.serviceName ?? 'Node Utility Process', guard);
    } catch (e) {
      debug.warn('[UtilityProcessIpc] could not listen to a utility process', e);
    }
    return child;
  } as Fork & { [WRAPPED]?: true };
  wrapped[WRAPPED] = true;
  utilityProcess.fork = wrapped;
}

function attach(client: Client, child: UtilityProcess, name: string, guard: FloodGuard): void {
  let connected = false;
  const sender = `utility:${name}:${Math.random().toString(36).slice(2, 8)}`;
  child.on('message', (message: unknown) => {
    if (!isUtilityHello(message) || connected) return;
    connected = true;
    const { MessageChannelMain } = electron();
    const { port1, port2 } = new MessageChannelMain();
    port2.on('message', (event) => {
      try {
        if (!guard.admit(sender)) return;
        const checked = validateEnvelopePayload(event.data);
        if (!checked.ok) return void debug.log(`[UtilityProcessIpc] rejected a message from ${name}: ${checked.reason}`);
        replay(client, checked.value, { name, pid: child.pid });
      } catch (e) {
        debug.warn('[UtilityProcessIpc] message handling failed', e);
      }
    });
    port2.start();
    child.postMessage(utilityHello(), [port1]);
    debug.log(`[UtilityProcessIpc] SDK started in utility process ${name}`);
  });
  hideHello(child);
}

/** The app's `message` listeners on the child skip the hello (ours was added before, unwrapped). */
function hideHello(child: UtilityProcess): void {
  const seen = new WeakMap<Listener, Listener>();
  const target = child as unknown as Record<string, (event: string, listener: Listener) => unknown>;
  for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener', 'off', 'removeListener']) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = function (this: unknown, event: string, listener: Listener) {
      if (event !== 'message' || typeof listener !== 'function') return original.call(this, event, listener);
      let w = seen.get(listener);
      if (!w) seen.set(listener, (w = (message: unknown, ...rest: unknown[]) => (isUtilityHello(message) ? undefined : listener(message, ...rest))));
      return original.call(this, event, w);
    };
  }
}

/** One envelope of a utility process, through main's client. */
function replay(client: Client, payload: string | Uint8Array, from: { name: string; pid: number | undefined }): void {
  const envelope = parseEnvelope(payload);
  let event: Event | undefined;
  const attachments: Attachment[] = [];
  const rest: EnvelopeItem[] = [];
  for (const item of envelope[1] as EnvelopeItem[]) {
    const [header, body] = item as [{ type: string; filename?: string; content_type?: string }, unknown];
    if (header.type === 'event' && !event && typeof body === 'object' && body !== null) event = body as Event;
    else if (header.type === 'attachment' && (typeof body === 'string' || body instanceof Uint8Array)) {
      attachments.push({ filename: String(header.filename ?? 'attachment'), data: body, ...(header.content_type ? { contentType: header.content_type } : {}) });
    } else if (!DROPPED_TYPES.has(header.type)) rest.push(item);
  }
  if (event) {
    // The Node SDK's defaults there ('production', no release) must not hide main's; the SDK is main's.
    delete event.environment;
    delete event.release;
    if (event.sdk) {
      delete event.sdk.name;
      delete event.sdk.version;
      delete event.sdk.packages;
    }
    event.tags = { ...event.tags, 'event.process': 'utility' };
    event.contexts = {
      ...event.contexts,
      electron: { ...(event.contexts?.electron as object | undefined), process_type: 'utility', utility_name: from.name, ...(from.pid ? { pid: from.pid } : {}) },
    };
    client.captureEvent(event, { attachments }, getCurrentScope());
  }
  if (rest.length > 0) void client.sendEnvelope(createEnvelope(envelope[0], rest as never));
}
