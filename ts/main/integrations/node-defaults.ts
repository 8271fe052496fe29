/**
 * The Node integrations that @sentry/electron 7 has among its defaults (Console, NodeFetch, ContextLines,
 * LocalVariables, Context), under the same names, without @sentry/node's start-up cost in `init()`: each is a
 * stand-in that loads @sentry/node's real one after the app is `ready` (or at the first JavaScript event before
 * then, which waits for it) and hands every hook to it. Removing one by name works as with theirs.
 *
 * Each is loaded from its own file of @sentry/node (ContextLines, LocalVariables and Context cost a few ms that
 * way; the whole package costs ~300 ms, every framework's instrumentation included), or from the package if a later
 * 11.x moved the file. NodeFetch needs @sentry/server-utils (~130 ms) and comes later, once the first window had
 * the main thread.
 */
import { consoleIntegration as coreConsoleIntegration, debug, type Client, type Event, type EventHint, type Integration } from '@sentry/core';
import { electron } from '../electron';
import { fromNodeFile, nodeSdk } from '../../node-api/node-sdk';
import { safe } from './shared';

/** After `ready`, this long before the light Node integrations load: the app's first window comes first. */
const LOAD_AFTER_READY_MS = 500;
/** … and before NodeFetch, the heavy one. */
const HEAVY_LOAD_AFTER_READY_MS = 3000;

/**
 * An integration named `name` whose work is done by `create()`'s, created and set up once @sentry/node is loaded.
 * Native crash events do not wait for it: they carry no JavaScript frames or locals, and their contexts come from
 * their dump.
 */
export function deferredNodeIntegration(name: string, create: () => Integration, afterReadyMs = LOAD_AFTER_READY_MS): Integration {
  let real: Integration | undefined;
  let loading: Promise<Integration | undefined> | undefined;
  let client: Client | undefined;
  const load = (): Promise<Integration | undefined> =>
    (loading ??= Promise.resolve().then(() => {
      try {
        const r = create();
        r.setupOnce?.();
        if (client) r.setup?.(client);
        if (client) r.afterAllSetup?.(client);
        real = r;
        return r;
      } catch (e) {
        debug.warn(`[${name}] could not load @sentry/node's integration; events go on without it`, e);
        return undefined;
      }
    }));
  return {
    name,
    setup(c: Client): void {
      client = c;
      void safe(() => electron().app.whenReady())?.then(() => setTimeout(() => void load(), afterReadyMs).unref?.());
    },
    preprocessEvent(event: Event, hint: EventHint, c: Client): void {
      real?.preprocessEvent?.(event, hint, c);
    },
    processEvent(event: Event, hint: EventHint, c: Client): Event | null | PromiseLike<Event | null> {
      if (real) return real.processEvent ? real.processEvent(event, hint, c) : event;
      if (event.platform === 'native') return event;
      return load().then((r) => (r?.processEvent ? r.processEvent(event, hint, c) : event));
    },
  };
}

/**
 * Console breadcrumbs: @sentry/node's Console is @sentry/core's with Node's DEP0205 warning filtered out (and a
 * Lambda-only patch), so it is built here from @sentry/core and works from `init()` on.
 */
export function nodeConsoleIntegration(): Integration {
  return coreConsoleIntegration({ filter: ['[DEP0205] DeprecationWarning'] });
}

/** The Node defaults of @sentry/electron 7's main, in its order. */
export function nodeDefaultIntegrations(): Integration[] {
  return [
    nodeConsoleIntegration(),
    deferredNodeIntegration('NodeFetch', () => fromNodeFile('integrations/node-fetch/index.js', 'nativeNodeFetchIntegration', nodeSdk).nativeNodeFetchIntegration(), HEAVY_LOAD_AFTER_READY_MS),
    deferredNodeIntegration('ContextLines', () => fromNodeFile('integrations/contextlines.js', 'contextLinesIntegration', nodeSdk).contextLinesIntegration()),
    deferredNodeIntegration('LocalVariablesAsync', () => fromNodeFile('integrations/local-variables/index.js', 'localVariablesIntegration', nodeSdk).localVariablesIntegration()),
    deferredNodeIntegration('Context', () => fromNodeFile('integrations/context.js', 'nodeContextIntegration', nodeSdk).nodeContextIntegration({ cloudResource: false })),
  ];
}
