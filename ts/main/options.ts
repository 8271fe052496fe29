/**
 * The options of `init()` in Electron's main process: Sentry's usual client options plus what Electron and native
 * crashes need. One place for every default, so the docs, the code and the tests agree.
 */
import type { BaseTransportOptions, Integration, Transport } from '@sentry/core';
import type { ServerRuntimeClientOptions } from '@sentry/core/server';
import type { NodeOptions } from '@sentry/node';
import type { Session, WebContents } from 'electron';
import type { NativeTransportOptions } from '../transport';
import type { MinidumpPolicy } from '../event/minidump-policy';

/** How renderers reach main: Electron IPC through the preload bridge, a custom protocol, or both. */
export enum IPCMode {
  /** `ipcRenderer` through the preload bridge only: needs the preload (injected or imported). */
  Classic = 1,
  /** `fetch('<namespace>://…')` to a privileged scheme only: works without any preload. */
  Protocol = 2,
  /** Main listens on both; each renderer uses the bridge when its preload exposed one, the protocol otherwise. */
  Both = 3,
}

export type { MinidumpPolicy };

/**
 * @sentry/node 11's options (as @sentry/electron 7's main takes @sentry/node's), with the transport ours unless the
 * app gives its own, and the Electron and native-crash options below.
 */
export interface ElectronMainOptions
  extends Omit<NodeOptions, 'transport' | 'transportOptions' | 'integrations' | 'defaultIntegrations' | 'spotlight' | 'sendDefaultPii'> {
  /** A transport of the app's own (default: ours — Electron's `net`, rate limits, the durable queue). */
  transport?: (options: BaseTransportOptions & Record<string, unknown>) => Transport;
  /** Attach a PNG of every visible window to JavaScript error events (default false: windows show personal data). */
  attachScreenshot?: boolean;
  /** Names a renderer in its events' `event.process` context (return undefined for the default name). */
  getRendererName?: (contents: WebContents) => string | undefined;
  /** Renderer profiling (js-profiling document policy): the renderer's profiles are forwarded with transactions. */
  enableRendererProfiling?: boolean;
  /** Integrations: an array added to the defaults, or a function given the defaults (remove one by `name`). */
  integrations?: Integration[] | ((defaults: Integration[]) => Integration[]);
  /** `false` for no default integrations at all. */
  defaultIntegrations?: false | Integration[];
  /**
   * Send personal data the SDK would otherwise scrub (default `false`): full page URLs rather than their origin, and
   * the user's home directory in module paths and annotations rather than `~`. (Sentry's `dataCollection` option
   * governs what @sentry/core itself collects.)
   */
  sendDefaultPii?: boolean;
  /** How renderers reach main (default `IPCMode.Both`). */
  ipcMode?: IPCMode;
  /** Prefix of the IPC channels and name of the custom scheme (default `sentry-ipc`); the same in the preload. */
  ipcNamespace?: string;
  /** The sessions whose renderers are served: preload injection and the protocol (default: `[session.defaultSession]`). */
  getSessions?: () => Session[];
  /** What happens to the minidump of a native crash (default `attach`, downgraded when too large for Sentry). */
  minidumpPolicy?: MinidumpPolicy;
  /** At most this many native crashes reported per app session (default 10); the rest are counted, not sent. */
  maxNativeCrashesPerSession?: number;
  /** Dumps older than this are deleted unsent, with a debug log (default 30 days). */
  maxDumpAgeMs?: number;
  /** Local `.sym` roots used to name crashing functions on the client (optional; the server symbolicates too). */
  symbolPaths?: string[];
  /** Where the offline queue lives (default `<userData>/sentry/queue`). */
  queueDir?: string;
  /** Cap of the offline queue in bytes (default 64 MiB). */
  maxQueueBytes?: number;
  /** Send a copy of every envelope to a Spotlight sidecar: `true` for http://localhost:8969/stream, or its URL. */
  spotlight?: boolean | string;
  /** Time `before-quit` waits for pending sends and queue writes (default 2000 ms). */
  shutdownTimeoutMs?: number;
  /**
   * Report a native crash of the main process at once, from a small helper executable that outlives main (default
   * `true`); `false` leaves main's crashes to the next launch, as when the helper is missing or cannot start.
   */
  mainCrashSender?: boolean;
  /** Transport options passed through (proxy, headers, size limits …; @sentry/electron 7's offline options too). */
  transportOptions?: Partial<NativeTransportOptions> & Record<string, unknown>;
}

/** Options after defaults: what the integrations read from the client. */
export interface ResolvedElectronOptions extends ElectronMainOptions {
  ipcMode: IPCMode;
  ipcNamespace: string;
  minidumpPolicy: MinidumpPolicy;
  maxNativeCrashesPerSession: number;
  maxDumpAgeMs: number;
  shutdownTimeoutMs: number;
}

export const DEFAULTS = {
  ipcMode: IPCMode.Both,
  ipcNamespace: 'sentry-ipc',
  minidumpPolicy: 'attach',
  maxNativeCrashesPerSession: 10,
  maxDumpAgeMs: 30 * 24 * 3600 * 1000,
  shutdownTimeoutMs: 2000,
} as const satisfies Partial<ResolvedElectronOptions>;

/** The client options type the main client is built with. */
export type ElectronClientOptions = ServerRuntimeClientOptions & Omit<ResolvedElectronOptions, 'integrations' | 'defaultIntegrations'>;

/**
 * The SDK's own options as the app gave them, with any value of the wrong kind replaced by its default and named in
 * one console warning: a typo must not fail open (`minidumpPolicy: 'omitt'` sending whole dumps, a cap of `NaN`
 * capping nothing, a queue budget of `NaN` evicting every entry). An unknown minidump policy becomes `omit`, the
 * one that sends the least.
 */
export function checkedOptions<T extends ElectronMainOptions>(options: T): T {
  const out: T = { ...options };
  const wrong: string[] = [];
  const policies: MinidumpPolicy[] = ['attach', 'strip', 'omit'];
  if (out.minidumpPolicy !== undefined && !policies.includes(out.minidumpPolicy)) {
    wrong.push(`minidumpPolicy ${typeof out.minidumpPolicy === 'string' ? JSON.stringify(out.minidumpPolicy) : String(out.minidumpPolicy)} (using 'omit')`);
    out.minidumpPolicy = 'omit';
  }
  const numbers: Array<[keyof ElectronMainOptions, (n: number) => boolean]> = [
    ['maxNativeCrashesPerSession', (n) => Number.isInteger(n) && n >= 0],
    ['maxDumpAgeMs', (n) => Number.isFinite(n) && n > 0],
    ['maxQueueBytes', (n) => Number.isFinite(n) && n > 0],
    ['shutdownTimeoutMs', (n) => Number.isFinite(n) && n >= 0],
  ];
  for (const [name, ok] of numbers) {
    const v = out[name];
    if (v === undefined || (typeof v === 'number' && ok(v))) continue;
    wrong.push(`${name} ${typeof v === 'string' ? JSON.stringify(v) : String(v)} (using the default)`);
    delete out[name];
  }
  if (wrong.length) console.warn(`[sentry-electron-native] init(): ignored option values of the wrong kind: ${wrong.join('; ')}.`);
  return out;
}
