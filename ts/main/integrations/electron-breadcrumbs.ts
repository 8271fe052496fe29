/**
 * ElectronBreadcrumbs: the app's life as breadcrumbs — launch, windows shown and hidden, pages loaded or failing,
 * renderers hanging, the machine sleeping, updates arriving — so that an error says what the app went through just
 * before. Only event names and ids: titles, paths, command lines and full URLs (unless `sendDefaultPii`) stay out.
 *
 * Only events whose mere subscription changes nothing are listened to: `window-all-closed` is left out because
 * Electron quits on it only while nobody listens, and so are the events an app must answer (`login`,
 * `certificate-error`, `open-url`, `will-navigate`, …).
 */
import { addBreadcrumb, defineIntegration, type Breadcrumb, type Client, type SeverityLevel } from '@sentry/core';
import type { BrowserWindow, Details, RenderProcessGoneDetails, WebContents } from 'electron';
import { electron } from '../electron';
import type { ElectronClientOptions } from '../options';
import { guarded, guardedSetup, safe, urlForEvent } from './shared';

/** `true`: the default events of that emitter; `false`: none; a function: each known event it returns `true` for. */
export type EventFilter = boolean | ((eventName: string) => boolean);

export interface ElectronBreadcrumbsOptions {
  app?: EventFilter;
  autoUpdater?: EventFilter;
  webContents?: EventFilter;
  browserWindow?: EventFilter;
  powerMonitor?: EventFilter;
}

type Emitter = keyof ElectronBreadcrumbsOptions;

/** The events each emitter is listened to for: the known ones, and those on by default. */
const KNOWN: Record<Emitter, readonly string[]> = {
  app: [
    'will-finish-launching', 'ready', 'activate', 'did-become-active', 'did-resign-active', 'before-quit', 'will-quit',
    'quit', 'browser-window-created', 'web-contents-created', 'child-process-gone', 'render-process-gone',
    'session-created', 'second-instance', 'gpu-info-update', 'accessibility-support-changed',
  ],
  browserWindow: [
    'closed', 'focus', 'blur', 'unresponsive', 'responsive', 'show', 'hide', 'maximize', 'unmaximize', 'minimize',
    'restore', 'enter-full-screen', 'leave-full-screen',
  ],
  webContents: ['dom-ready', 'did-fail-load', 'did-navigate', 'render-process-gone', 'unresponsive', 'responsive', 'destroyed'],
  powerMonitor: ['suspend', 'resume', 'lock-screen', 'unlock-screen', 'on-ac', 'on-battery', 'shutdown'],
  autoUpdater: ['error', 'checking-for-update', 'update-available', 'update-not-available', 'update-downloaded', 'before-quit-for-update'],
};

/** Off by default: a web contents' `render-process-gone` repeats the app's, which names the web contents too. */
const OFF_BY_DEFAULT = new Set(['webContents.render-process-gone', 'app.accessibility-support-changed']);

const WARNING_EVENTS = new Set(['unresponsive', 'did-fail-load', 'render-process-gone', 'child-process-gone']);

/** The two gone-events ChildProcessGone records itself (with more facts): not repeated here when it runs. */
const GONE_EVENTS = new Set(['child-process-gone', 'render-process-gone']);

/** Breadcrumbs (category `electron`) for events of the app, its windows and web contents, power monitor and auto-updater. */
export const electronBreadcrumbsIntegration = defineIntegration((options: ElectronBreadcrumbsOptions = {}) => {
  return {
    name: 'ElectronBreadcrumbs',
    setup(client: Client) {
      guardedSetup('ElectronBreadcrumbs', () => setUp(client, options));
    },
  };
});

function eventsOf(emitter: Emitter, filter: EventFilter | undefined): string[] {
  if (filter === false) return [];
  if (typeof filter === 'function') {
    return KNOWN[emitter].filter((name) => {
      try {
        return filter(name) === true;
      } catch {
        return false;
      }
    });
  }
  return KNOWN[emitter].filter((name) => !OFF_BY_DEFAULT.has(`${emitter}.${name}`));
}

function setUp(client: Client, options: ElectronBreadcrumbsOptions): void {
  const { app, autoUpdater, BrowserWindow, powerMonitor, webContents } = electron();
  const pii = Boolean((client.getOptions() as ElectronClientOptions).sendDefaultPii);
  const childProcessGoneRuns = (): boolean => Boolean(client.getIntegrationByName('ChildProcessGone'));

  const record = (emitter: Emitter, name: string, data?: Record<string, unknown>, level?: SeverityLevel): void => {
    const crumb: Breadcrumb = { type: 'ui', category: 'electron', message: `${emitter}.${name}` };
    const kept = Object.entries(data ?? {}).filter(([, v]) => v !== undefined);
    if (kept.length > 0) crumb.data = Object.fromEntries(kept);
    crumb.level = level ?? (WARNING_EVENTS.has(name) ? 'warning' : name === 'error' ? 'error' : 'info');
    addBreadcrumb(crumb);
  };

  const windowEvents = eventsOf('browserWindow', options.browserWindow);
  const contentsEvents = eventsOf('webContents', options.webContents);

  const watchWindow = (window: BrowserWindow): void => {
    const windowId = window.id;
    for (const name of windowEvents) window.on(name as 'closed', guarded('ElectronBreadcrumbs', () => record('browserWindow', name, { windowId })));
  };

  const watchContents = (contents: WebContents): void => {
    const webContentsId = contents.id;
    for (const name of contentsEvents) {
      contents.on(
        name as 'destroyed',
        guarded('ElectronBreadcrumbs', (...args: unknown[]) => record('webContents', name, { webContentsId, ...contentsData(name, args, pii) })),
      );
    }
  };

  for (const name of eventsOf('app', options.app)) {
    app.on(
      name as 'ready',
      guarded('ElectronBreadcrumbs', (...args: unknown[]) => {
        if (GONE_EVENTS.has(name) && childProcessGoneRuns()) return;
        record('app', name, appData(name, args));
      }),
    );
  }

  if (windowEvents.length > 0) {
    app.on('browser-window-created', guarded('ElectronBreadcrumbs', (_e: unknown, window: BrowserWindow) => watchWindow(window)));
    // Windows opened before init() (rare: init belongs at the top of main) are followed too.
    for (const window of BrowserWindow.getAllWindows()) watchWindow(window);
  }
  if (contentsEvents.length > 0) {
    app.on('web-contents-created', guarded('ElectronBreadcrumbs', (_e: unknown, contents: WebContents) => watchContents(contents)));
    for (const contents of webContents.getAllWebContents()) watchContents(contents);
  }

  const powerEvents = eventsOf('powerMonitor', options.powerMonitor);
  if (powerEvents.length > 0) {
    // Electron refuses powerMonitor before `ready`.
    void app.whenReady().then(
      guarded('ElectronBreadcrumbs', () => {
        for (const name of powerEvents) powerMonitor.on(name as 'suspend', guarded('ElectronBreadcrumbs', () => record('powerMonitor', name)));
      }),
    );
  }

  const updaterEvents = eventsOf('autoUpdater', options.autoUpdater);
  if (updaterEvents.length > 0) {
    guardedSetup('ElectronBreadcrumbs.autoUpdater', () => {
      // The auto-updater does not exist everywhere (Linux builds, some fakes): its absence is not an error.
      if (typeof autoUpdater?.on !== 'function') return;
      for (const name of updaterEvents) {
        autoUpdater.on(
          name as 'error',
          guarded('ElectronBreadcrumbs', (...args: unknown[]) => {
            // An update error's message can hold a feed URL with credentials: its name only.
            const error = name === 'error' && args[0] instanceof Error ? { error: args[0].name } : undefined;
            record('autoUpdater', name, error);
          }),
        );
      }
    });
  }
}

/** Ids and reasons of the app's events; nothing from `second-instance` (its argv and cwd are personal). */
function appData(name: string, args: unknown[]): Record<string, unknown> | undefined {
  switch (name) {
    case 'browser-window-created':
      return { windowId: (args[1] as BrowserWindow | undefined)?.id };
    case 'web-contents-created': {
      const contents = args[1] as WebContents | undefined;
      return { webContentsId: contents?.id, type: safe(() => contents?.getType()) };
    }
    case 'render-process-gone': {
      const details = args[2] as RenderProcessGoneDetails | undefined;
      return { webContentsId: (args[1] as WebContents | undefined)?.id, reason: details?.reason, exitCode: details?.exitCode };
    }
    case 'child-process-gone': {
      const details = args[1] as Details | undefined;
      return { type: details?.type, reason: details?.reason, exitCode: details?.exitCode, name: details?.name };
    }
    default:
      return undefined;
  }
}

/** Load failures and navigations name the page by its origin only, unless the app sends personal data. */
function contentsData(name: string, args: unknown[], pii: boolean): Record<string, unknown> {
  switch (name) {
    case 'did-navigate':
      return { url: urlForEvent(args[1] as string, pii), httpResponseCode: args[2] };
    case 'did-fail-load':
      return { errorCode: args[1], errorDescription: args[2], url: urlForEvent(args[3] as string, pii), isMainFrame: args[4] };
    case 'render-process-gone': {
      const details = args[1] as RenderProcessGoneDetails | undefined;
      return { reason: details?.reason, exitCode: details?.exitCode };
    }
    default:
      return {};
  }
}
