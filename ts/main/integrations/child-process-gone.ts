/**
 * ChildProcessGone: a renderer, the GPU or a utility process died. Electron says which one and why; a crash event
 * must follow even when Crashpad writes no dump (an OOM kill, a launch failure, a process killed before it could
 * dump). When a dump may still come, this waits for NativeCrashes to claim the death (gone-processes.ts): then the
 * crash event carries both, and nothing is sent from here. Every death, wanted or not, leaves a breadcrumb.
 */
import { addBreadcrumb, defineIntegration, getCurrentScope, type Client, type Event, type SeverityLevel } from '@sentry/core';
import type { Details, RenderProcessGoneDetails, WebContents } from 'electron';
import { electron } from '../electron';
import { DUMP_EXPECTED_REASONS, goneProcessesOf, type GoneProcess } from '../gone-processes';
import { rendererScopesOf } from '../ipc/renderer-scopes';
import { mergedRendererScope } from '../native-crashes/scope-merge';
import type { ElectronClientOptions } from '../options';
import { appRendererName, guarded, guardedSetup, processTag, prune, safe, urlForEvent } from './shared';

export interface ChildProcessGoneOptions {
  /** Reasons reported as events (default: crashed, oom, abnormal-exit, launch-failed, integrity-failure). */
  events?: string[];
  /** How long a death that may leave a dump waits for NativeCrashes to claim it (default 10 s). */
  dumpWaitMs?: number;
}

const DEFAULT_EVENTS = ['crashed', 'oom', 'abnormal-exit', 'launch-failed', 'integrity-failure'];
const FATAL_REASONS = new Set(['crashed', 'oom']);

/** How long a destroyed web contents' pid is remembered: its dump, and the questions about it, come later. */
const PID_GRACE_MS = 5 * 60 * 1000;

/**
 * OS pids of renderers, by web contents id, recorded while they live: `getOSProcessId()` answers 0 once the
 * process is dead, exactly when a gone-event and its dump need it. One map per process (a web contents is).
 */
const rendererPids = new Map<number, number>();

/** The OS pid a web contents' renderer had when last seen alive; `undefined` when never seen. */
export function rendererPidOf(webContentsId: number): number | undefined {
  return rendererPids.get(webContentsId);
}

/** Breadcrumbs for every renderer and child process death; events for crashes no dump explains. */
export const childProcessGoneIntegration = defineIntegration((options: ChildProcessGoneOptions = {}) => {
  const reported = new Set(options.events ?? DEFAULT_EVENTS);
  const dumpWaitMs = options.dumpWaitMs ?? 10_000;
  return {
    name: 'ChildProcessGone',
    setup(client: Client) {
      guardedSetup('ChildProcessGone', () => setUp(client, reported, dumpWaitMs));
    },
  };
});

function setUp(client: Client, reported: Set<string>, dumpWaitMs: number): void {
  const { app, webContents } = electron();
  const pii = Boolean((client.getOptions() as ElectronClientOptions).sendDefaultPii);

  const gone = (g: GoneProcess, url: string | undefined): void => {
    const label = `${processLabel(g.type)} process gone: ${g.reason}`;
    addBreadcrumb({
      type: 'error',
      category: 'electron',
      message: label,
      level: g.reason === 'clean-exit' ? 'info' : 'warning',
      data: prune({ type: g.type, reason: g.reason, exitCode: g.exitCode, webContentsId: g.webContentsId, name: g.name }),
    });
    if (g.reason === 'clean-exit') return;
    // Recorded even when not reported: NativeCrashes matches dumps to deaths, and a dump can follow a `killed`.
    const waitMs = reported.has(g.reason) && DUMP_EXPECTED_REASONS.has(g.reason) ? dumpWaitMs : 0;
    void goneProcessesOf(client)
      .record(g, waitMs)
      .then(
        guarded('ChildProcessGone', (claimed: boolean) => {
          if (!claimed && reported.has(g.reason)) capture(client, g, label, urlForEvent(url, pii));
        }),
      );
  };

  app.on(
    'render-process-gone',
    guarded('ChildProcessGone', (_e: unknown, contents: WebContents, details: RenderProcessGoneDetails) => {
      const id = contents?.id;
      const live = safe(() => contents.getOSProcessId());
      gone(
        prune({
          type: 'renderer',
          reason: details.reason,
          exitCode: details.exitCode,
          pid: (id !== undefined ? rendererPids.get(id) : undefined) || live || undefined,
          webContentsId: id,
          // The app's name for it (getRendererName), in the breadcrumb and the event's context.
          name: appRendererName(client, contents),
          at: Date.now(),
        }) as GoneProcess,
        safe(() => contents.getURL()),
      );
    }),
  );
  app.on(
    'child-process-gone',
    guarded('ChildProcessGone', (_e: unknown, details: Details) => {
      gone(prune({ type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name, serviceName: details.serviceName, at: Date.now() }) as GoneProcess, undefined);
    }),
  );

  // Renderer pids, noted while they are alive; a navigation to another site may move a page to a new process.
  const watch = (contents: WebContents): void => {
    const id = contents.id;
    const note = guarded('ChildProcessGone', () => {
      const pid = contents.getOSProcessId();
      if (pid > 0) rendererPids.set(id, pid);
    });
    note();
    for (const e of ['did-navigate', 'dom-ready', 'did-finish-load'] as const) contents.on(e as 'dom-ready', note);
    contents.on(
      'destroyed',
      guarded('ChildProcessGone', () => setTimeout(() => rendererPids.delete(id), PID_GRACE_MS).unref?.()),
    );
  };
  app.on('web-contents-created', guarded('ChildProcessGone', (_e: unknown, contents: WebContents) => watch(contents)));
  for (const contents of safe(() => webContents.getAllWebContents()) ?? []) guarded('ChildProcessGone', watch)(contents);
}

/** The crash event of a death no dump explained: the reason and exit code say what little is known. */
function capture(client: Client, g: GoneProcess, label: string, url: string | undefined): void {
  const event: Event = {
    message: `${label} (exit code ${g.exitCode})`,
    level: (FATAL_REASONS.has(g.reason) ? 'fatal' : 'error') as SeverityLevel,
    tags: { 'event.process': processTag(g.type), 'exit.reason': g.reason },
    contexts: {
      'electron.process': prune({ type: g.type, reason: g.reason, exitCode: g.exitCode, name: g.name, serviceName: g.serviceName, url, pid: g.pid }),
    },
  };
  // A renderer's own scope (its tags, user, breadcrumbs, when RendererIpc received them) over main's, as for its dumps.
  const rendererScope = g.webContentsId !== undefined ? rendererScopesOf(client).scopeOf(g.webContentsId) : undefined;
  const scope = mergedRendererScope(getCurrentScope(), rendererScope);
  client.captureEvent(event, { data: { goneProcess: g } }, scope);
}

/** `renderer` → `Renderer`, `GPU` → `GPU`, `Utility` → `Utility`: the start of the event's message. */
function processLabel(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}
