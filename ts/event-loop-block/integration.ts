/**
 * EventLoopBlock for Electron's main process (the incumbent's `eventLoopBlockIntegration` from
 * `@sentry/electron/native`, named `ThreadBlocked` as theirs). Main's only part is a heartbeat: an unref'ed timer
 * increments a counter in a SharedArrayBuffer (threshold / 4 apart) — a few atomic writes a second, nothing else.
 * The watchdog, a worker thread (./watchdog.ts), waits on that counter with Atomics timeouts; when it stops
 * changing for longer than `threshold`, the worker pauses main through the inspector, reads its JavaScript stack and
 * scope, resumes it, and sends the event itself — so it arrives even if main never unblocks.
 */
import { extname, join } from 'node:path';
import { isMainThread, Worker } from 'node:worker_threads';
import {
  debug,
  defineIntegration,
  getClient,
  getCurrentScope,
  getFilenameToDebugIdMap,
  getGlobalScope,
  getIsolationScope,
  type Client,
  type Contexts,
  type Event,
  type Integration,
} from '@sentry/core';
import { BEAT, BEATS_PER_THRESHOLD, PAUSED, SCOPE_GLOBAL, SLOTS, type EventLoopBlockOptions, type ScopeSnapshot, type WatchdogData } from './shared';

export type { EventLoopBlockOptions } from './shared';

const INTEGRATION_NAME = 'ThreadBlocked';
const DEFAULT_THRESHOLD_MS = 1000;

const log = (message: string, ...args: unknown[]): void => debug.log(`[EventLoopBlock] ${message}`, ...args);

/** What pause / restart reach through `getIntegrationByName`. */
interface Control {
  start(): void;
  stop(): void;
}

type ElectronLike = Pick<typeof import('electron'), 'app' | 'powerMonitor'>;

/** Electron's main-process module when running in it (the integration also runs in plain Node, for tests). */
function electronMain(): ElectronLike | undefined {
  if (!process.versions.electron || (process as { type?: string }).type !== 'browser') return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('electron') as ElectronLike;
  } catch {
    return undefined;
  }
}

/** The contexts main's event processors add (app, device, os, electron…), computed once, as theirs does. */
async function contextsOf(client: Client): Promise<Contexts> {
  let event: Event | null = { message: INTEGRATION_NAME };
  for (const processor of client.getEventProcessors()) {
    // Dedupe would remember this probe as the last event.
    if (event === null || (processor as { id?: string }).id === 'Dedupe') continue;
    event = await processor(event, {});
  }
  const contexts = { ...event?.contexts };
  // Values of this moment, wrong by the time a block happens.
  if (contexts.app) delete (contexts.app as Record<string, unknown>).app_memory;
  if (contexts.device) delete (contexts.device as Record<string, unknown>).free_memory;
  return contexts;
}

/** The scope of this moment, for the watchdog (called on main's thread while the debugger holds it). */
function scopeSnapshot(client: Client): string {
  const data = getGlobalScope().getScopeData();
  for (const scope of [getIsolationScope(), getCurrentScope()]) {
    const d = scope.getScopeData();
    Object.assign(data.tags, d.tags);
    Object.assign(data.extra, d.extra);
    Object.assign(data.contexts, d.contexts);
    if (Object.keys(d.user).length > 0) data.user = d.user;
    if (d.level) data.level = d.level;
    if (d.fingerprint.length > 0) data.fingerprint = d.fingerprint;
    data.breadcrumbs = [...data.breadcrumbs, ...d.breadcrumbs];
    data.propagationContext = d.propagationContext;
  }
  const max = client.getOptions().maxBreadcrumbs ?? 100;
  const snapshot: ScopeSnapshot = {
    tags: data.tags,
    extra: data.extra,
    contexts: data.contexts,
    user: data.user,
    level: data.level,
    fingerprint: data.fingerprint,
    breadcrumbs: data.breadcrumbs.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)).slice(-max),
    traceId: data.propagationContext?.traceId,
    debugImages: getFilenameToDebugIdMap(client.getOptions().stackParser),
    // The session's own fields, not its toJSON() form, so that the worker can make it again.
    session: sessionFields(),
  };
  return JSON.stringify(snapshot);
}

function sessionFields(): ScopeSnapshot['session'] {
  const session = getIsolationScope().getSession();
  if (!session) return undefined;
  const { toJSON: _, ...fields } = session;
  return fields;
}

/** Transport options the worker can be given: plain data only (functions stay in main). */
function plainTransportOptions(client: Client): Record<string, unknown> {
  const given = (client.getOptions().transportOptions ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) if (typeof v !== 'function' && v !== undefined) out[k] = v;
  return out;
}

/** The SDK's metadata as plain data, with the integrations' names, as main's own events carry them. */
function sdkMetadataOf(client: Client): WatchdogData['sdkMetadata'] {
  const metadata = JSON.parse(JSON.stringify(client.getSdkMetadata() ?? {})) as WatchdogData['sdkMetadata'];
  if (metadata.sdk) metadata.sdk.integrations = (client.getOptions().integrations ?? []).map((i) => i.name);
  return metadata;
}

/** The watchdog's file: beside this one, .js when built, .ts under tsx (tests, the demo). */
function watchdogFile(): string {
  return join(__dirname, `watchdog${extname(__filename) || '.js'}`);
}

function start(client: Client, options: Partial<EventLoopBlockOptions>, heartbeat: Int32Array, contexts: Contexts): Worker {
  const o = client.getOptions();
  const electron = electronMain();
  const data: WatchdogData = {
    heartbeat: heartbeat.buffer as SharedArrayBuffer,
    threshold: options.threshold || DEFAULT_THRESHOLD_MS,
    maxEventsPerHour: options.maxEventsPerHour || 1,
    staticTags: {
      'event.environment': 'javascript',
      'event.origin': 'electron',
      'event.process': 'browser',
      ...options.staticTags,
    },
    appRootPath: options.appRootPath ?? electron?.app.getAppPath(),
    debug: debug.isEnabled(),
    dsn: o.dsn ?? '',
    tunnel: o.tunnel,
    release: o.release,
    environment: o.environment ?? 'production',
    dist: o.dist,
    sdkMetadata: sdkMetadataOf(client),
    contexts,
    transportOptions: plainTransportOptions(client),
  };
  const file = watchdogFile();
  // Built, the worker is the .js file and needs none of the app's flags. From the sources (tests, the demo, under
  // tsx), a worker does not inherit tsx's loader, so a two-line bootstrap registers tsx's require hook first.
  const source = file.endsWith('.ts');
  const worker = new Worker(source ? `require('tsx/cjs/api').register(); require(${JSON.stringify(file)});` : file, {
    eval: source,
    workerData: data,
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
    name: 'sentry-event-loop-block',
  });
  worker.on('error', (e) => log('the watchdog failed; blocks are not reported any more', e));
  worker.on('exit', (code) => log(`the watchdog exited (${code})`));
  worker.unref();
  return worker;
}

const _eventLoopBlockIntegration = (options: Partial<EventLoopBlockOptions> = {}): Integration & Control => {
  const heartbeat = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const beat = (): void => {
    Atomics.add(heartbeat, BEAT, 1);
    Atomics.notify(heartbeat, BEAT);
  };
  const control: Control = {
    start() {
      Atomics.store(heartbeat, PAUSED, 0);
      beat(); // the paused time is not a block
    },
    stop() {
      Atomics.store(heartbeat, PAUSED, 1);
    },
  };
  return {
    name: INTEGRATION_NAME,
    ...control,
    afterAllSetup(client: Client) {
      if (!isMainThread || (process as { type?: string }).type === 'renderer') {
        log('runs in the main thread of the main process only; not started here');
        return;
      }
      if (!client.getDsn()) {
        log('no DSN: not started');
        return;
      }
      const threshold = options.threshold || DEFAULT_THRESHOLD_MS;
      setInterval(beat, Math.max(1, Math.floor(threshold / BEATS_PER_THRESHOLD))).unref();
      (globalThis as Record<string, unknown>)[SCOPE_GLOBAL] = () => scopeSnapshot(client);
      // Laptops sleep: a suspended machine is not a blocked app.
      const electron = electronMain();
      if (electron?.powerMonitor) {
        for (const e of ['suspend', 'lock-screen'] as const) electron.powerMonitor.on(e as 'suspend', () => control.stop());
        for (const e of ['resume', 'unlock-screen'] as const) electron.powerMonitor.on(e as 'resume', () => control.start());
      }
      // The watchdog starts now: a loop blocked for good right after init() is still seen. Main's contexts (its
      // event processors are async) follow as soon as they are made; a block before then goes without them.
      let worker: Worker;
      try {
        worker = start(client, options, heartbeat, {});
      } catch (e) {
        log('could not start the watchdog', e);
        return;
      }
      void contextsOf(client)
        .then((contexts) => worker.postMessage({ contexts }))
        .catch((e) => log('main\'s contexts could not be made for the watchdog', e));
    },
  };
};

/**
 * Monitors main's event loop and reports an "Application Not Responding" event (with main's JavaScript stack) when
 * it is blocked longer than `threshold` (default 1000 ms): once per block, at most `maxEventsPerHour` (default 1).
 */
export const eventLoopBlockIntegration = defineIntegration(_eventLoopBlockIntegration) as (options?: Partial<EventLoopBlockOptions>) => Integration;

function control(): Control | undefined {
  return getClient()?.getIntegrationByName<Integration & Control>(INTEGRATION_NAME);
}

/** Pauses block detection (e.g. before known long synchronous work); `restartEventLoopBlockDetection` resumes it. */
export function pauseEventLoopBlockDetection(): void {
  control()?.stop();
}

/** Resumes block detection after `pauseEventLoopBlockDetection`. */
export function restartEventLoopBlockDetection(): void {
  control()?.start();
}

export function disableBlockDetectionForCallback<T>(callback: () => T): T;
export function disableBlockDetectionForCallback<T>(callback: () => Promise<T>): Promise<T>;
/** Runs `callback` with block detection off, and turns it back on when it returns (or its promise settles). */
export function disableBlockDetectionForCallback<T>(callback: () => T | Promise<T>): T | Promise<T> {
  const c = control();
  if (!c) return callback();
  c.stop();
  let result: T | Promise<T>;
  try {
    result = callback();
  } catch (e) {
    c.start();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => c.start());
  c.start();
  return result;
}
