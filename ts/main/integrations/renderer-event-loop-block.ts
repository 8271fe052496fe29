/**
 * RendererEventLoopBlock (@sentry/electron 7's `rendererEventLoopBlockIntegration`, same name and options): each
 * renderer that runs the renderer side sends a status every `pollInterval` ms on `<namespace>.status`
 * (ts/common/renderer-status.ts), by the preload's bridge or main's protocol; RendererIpc admits, attributes and
 * validates it, as every renderer message, and hands it to this integration's handler. Main keeps one timer per renderer, re-armed by each status (no polling); when it
 * runs out (`anrThreshold` + `pollInterval` without a status) while the renderer is visible, the renderer's loop is
 * blocked: main pauses it through `webContents.debugger` for its JavaScript stack and reports an
 * "Application Not Responding" event tagged with the renderer. Once per block; a hidden or blurred window, or a
 * sleeping machine, is not watched. Without `webContents.debugger` (where Electron's debugger is not available) the
 * event goes without a stack, said once in the debug log.
 */
import { captureEvent, debug, defineIntegration, type Client, type Integration, type StackFrame } from '@sentry/core';
import type { WebContents } from 'electron';
import { anrEventBody, framesFromCallFrames, type InspectorCallFrame } from '../../event/anr-event';
import type { RendererStatus } from '../../common/renderer-status';
import { electron } from '../electron';

const NAME = 'RendererEventLoopBlock';

interface Options {
  /**
   * @sentry/electron 7 captures stacks through Chromium's `include-js-call-stacks-in-crash-reports` document
   * policy with this; here stacks come from the debugger either way (said once in the debug log).
   */
  captureNativeStacktrace?: boolean;
}

export type RendererStatusHandler = (status: RendererStatus, contents: WebContents) => void;

type RendererEventLoopBlockIntegration = Integration & { createRendererEventLoopBlockStatusHandler: () => RendererStatusHandler };

const log = (message: string, ...args: unknown[]): void => debug.log(`[Renderer Event Loop Block] ${message}`, ...args);

interface Watch {
  timer: NodeJS.Timeout;
  visible: boolean;
  reported: boolean;
  /** Pauses the renderer and resolves its frames (undefined: no debugger, or it did not answer). */
  capture: (() => Promise<StackFrame[] | undefined>) | undefined;
}

/** Stack capture through Electron's debugger (`webContents.debugger`, CDP 1.3): enabled once, paused on a block. */
function debuggerCapture(contents: WebContents, appRoot: string | undefined): (() => Promise<StackFrame[] | undefined>) | undefined {
  const dbg = (contents as { debugger?: Electron.Debugger }).debugger;
  if (!dbg) return undefined;
  const scripts = new Map<string, string>();
  let waiting: ((frames: StackFrame[] | undefined) => void) | undefined;
  dbg.attach('1.3');
  dbg.on('message', (_event, method, params: { scriptId?: string; url?: string; reason?: string; callFrames?: InspectorCallFrame[] }) => {
    if (method === 'Debugger.scriptParsed' && params.scriptId) scripts.set(params.scriptId, params.url ?? '');
    if (method !== 'Debugger.paused' || !waiting) return;
    const frames = framesFromCallFrames(params.callFrames ?? [], (id) => scripts.get(id), appRoot);
    void dbg.sendCommand('Debugger.resume').catch(() => undefined);
    waiting(frames);
    waiting = undefined;
  });
  // Chromium's debugger must be enabled before the block to know the scripts.
  void dbg.sendCommand('Debugger.enable').catch(() => undefined);
  return () =>
    new Promise((resolve) => {
      waiting = resolve;
      setTimeout(() => waiting === resolve && ((waiting = undefined), resolve(undefined)), 2000).unref?.();
      void dbg.sendCommand('Debugger.pause').catch(() => ((waiting = undefined), resolve(undefined)));
    });
}

export const rendererEventLoopBlockIntegration = defineIntegration((options: Options = {}) => {
  const watches = new Map<WebContents, Watch>();
  let client: Client | undefined;
  let saidNoDebugger = false;
  let sleeping = false;

  const report = async (contents: WebContents, watch: Watch, threshold: number): Promise<void> => {
    const frames = watch.capture ? await watch.capture() : undefined;
    const named = (client?.getOptions() as { getRendererName?: (c: WebContents) => string | undefined } | undefined)?.getRendererName;
    const rendererName = (named && safeName(() => named(contents))) || 'renderer';
    captureEvent({
      ...anrEventBody({ type: 'ApplicationNotResponding', value: `Application Not Responding for at least ${threshold} ms`, frames }),
      tags: { 'event.process': rendererName },
    });
  };

  const handler: RendererStatusHandler = (status, contents) => {
    if (contents.isDestroyed()) return;
    let watch = watches.get(contents);
    const { anrThreshold, pollInterval, captureStackTrace } = status.config;
    if (!watch) {
      log('first status from a renderer', status.config);
      let capture: Watch['capture'];
      if (captureStackTrace) {
        capture = debuggerCapture(contents, safeName(() => electron().app.getAppPath()));
        if (!capture && !saidNoDebugger) {
          saidNoDebugger = true;
          log('webContents.debugger is not available: renderer events go without a stack');
        }
      }
      const w: Watch = {
        visible: status.status !== 'hidden',
        reported: false,
        capture,
        timer: setTimeout(() => {
          if (!w.visible || w.reported || sleeping || contents.isDestroyed()) return;
          w.reported = true;
          log('a renderer stopped answering');
          void report(contents, w, anrThreshold).catch((e) => log('could not report', e));
        }, anrThreshold + pollInterval),
      };
      w.timer.unref?.();
      watch = w;
      watches.set(contents, w);
      contents.once('destroyed', () => (clearTimeout(w.timer), watches.delete(contents)));
      contents.on('blur', () => (w.visible = false));
      contents.on('focus', () => (w.visible = true));
    }
    // Each status re-arms the one timer (no interval per renderer).
    watch.reported = false;
    if (status.status !== 'alive') watch.visible = status.status === 'visible';
    watch.timer.refresh();
  };

  const integration: RendererEventLoopBlockIntegration = {
    name: NAME,
    setup(c: Client) {
      client = c;
      if (options.captureNativeStacktrace) log('captureNativeStacktrace: stacks come from the debugger here');
      try {
        const { powerMonitor } = electron();
        for (const e of ['suspend', 'lock-screen'] as const) powerMonitor.on(e as 'suspend', () => (sleeping = true));
        for (const e of ['resume', 'unlock-screen'] as const) powerMonitor.on(e as 'resume', () => (sleeping = false));
      } catch (e) {
        debug.warn(`[${NAME}] could not start`, e);
      }
    },
    createRendererEventLoopBlockStatusHandler: () => handler,
  };
  return integration;
}) as (options?: Options) => RendererEventLoopBlockIntegration;

/** The status handler of the client's RendererEventLoopBlock, when it has one (@sentry/electron 7's export). */
export function createRendererEventLoopBlockStatusHandler(client: Client): RendererStatusHandler | undefined {
  return client.getIntegrationByName<RendererEventLoopBlockIntegration>(NAME)?.createRendererEventLoopBlockStatusHandler();
}

function safeName<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
