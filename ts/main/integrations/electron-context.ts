/**
 * ElectronContext: what every event from this app should say about where it ran — the app and its version, the
 * Electron / Chrome / Node versions, the OS and the machine — gathered once in main, added to each event that does
 * not already carry it. A native crash event brings the OS and device of its dump (maybe from a previous run, before
 * an OS update): those stay.
 */
import * as os from 'node:os';
import { defineIntegration, debug, type Event } from '@sentry/core';
import { electron } from '../electron';
import { prune, safe } from './shared';

type Context = Record<string, unknown>;

/** Facts that do not change while the app runs: computed at the first event, not at `init()` (start-up time counts). */
interface StaticFacts {
  app: Context;
  electron: Context;
  os: Context;
  device: Context;
}

const OS_NAMES: Record<string, string> = { darwin: 'macOS', win32: 'Windows', linux: 'Linux', freebsd: 'FreeBSD', openbsd: 'OpenBSD' };

/** Adds app, Electron, OS, device and culture contexts and the `event.origin` / `event.process` tags to every event. */
export const electronContextIntegration = defineIntegration(() => {
  let facts: StaticFacts | undefined;
  return {
    name: 'ElectronContext',
    setup(): void {
      // The static facts (os.cpus() and friends read /proc) and ICU's first use (tens of milliseconds of main's
      // thread) are gathered soon after start-up, not in the middle of the first burst of events (a crash loop's).
      const warm = (): void => {
        facts ??= safe(gatherStaticFacts);
        safe(timeZone);
      };
      void safe(() => electron().app.whenReady())?.then(() => setTimeout(warm, 1000).unref?.());
    },
    processEvent(event: Event): Event {
      try {
        facts ??= gatherStaticFacts();
        addContexts(event, facts);
      } catch (e) {
        // A missing fact is no reason to lose the event.
        debug.warn('[ElectronContext] could not add contexts', e);
      }
      return event;
    },
  };
});

function addContexts(event: Event, facts: StaticFacts): void {
  const contexts = (event.contexts ??= {});
  const processTagValue = event.tags?.['event.process'];
  const processType = typeof processTagValue === 'string' ? processTagValue : 'browser';
  // As @sentry/electron tags them: dashboards and alerts filter on these three.
  event.tags = { 'event.origin': 'electron', 'event.environment': 'javascript', ...event.tags, 'event.process': processType };

  // The event's own values win: a renderer event or a crash of another run knows better than this process.
  contexts.app = { ...facts.app, app_memory: appMemory(), ...contexts.app };
  contexts.electron = { ...facts.electron, process_type: processType, ...contexts.electron };
  // The runtime is Electron, named as @sentry/electron names it (the client's default says `electron`); a native
  // crash of an earlier run keeps the Electron version it ran on.
  if ((contexts.runtime as { name?: string } | undefined)?.name !== 'Electron') contexts.runtime = { name: 'Electron', version: facts.electron.electron_version };
  contexts.browser ??= { name: 'Chrome' };
  contexts.chrome ??= { name: 'Chrome', type: 'runtime', version: facts.electron.chrome_version };
  contexts.node ??= { name: 'Node', type: 'runtime', version: facts.electron.node_version };
  // OS and device are kept whole when present: mixing the dump's OS version with this run's kernel would mislead.
  contexts.os ??= { ...facts.os };
  contexts.device ??= { family: 'Desktop', ...facts.device, free_memory: safe(() => os.freemem()) };
  const culture = cultureContext();
  if (culture) contexts.culture = { ...culture, ...contexts.culture };
}

/** The memory of all the app's processes (bytes), as @sentry/electron reports it; per event, since it changes. */
function appMemory(): number | undefined {
  return safe(() => electron().app.getAppMetrics().reduce((sum, m) => sum + m.memory.workingSetSize * 1024, 0)) || undefined;
}

function gatherStaticFacts(): StaticFacts {
  const { app } = electron();
  const creation = safe(() => (typeof process.getCreationTime === 'function' ? process.getCreationTime() : null));
  const startedMs = typeof creation === 'number' && creation > 0 ? creation : Date.now() - process.uptime() * 1000;
  const cpus = safe(() => os.cpus()) ?? [];
  return {
    app: prune({
      app_name: safe(() => app.getName()),
      app_version: safe(() => app.getVersion()),
      app_start_time: new Date(startedMs).toISOString(),
      // Packaged or run from a folder: the same version behaves differently in development.
      app_packaged: safe(() => app.isPackaged),
      app_arch: process.arch,
      build_type: (process as { mas?: boolean }).mas ? 'app-store' : (process as { windowsStore?: boolean }).windowsStore ? 'windows-store' : undefined,
    }),
    electron: prune({
      electron_version: process.versions.electron,
      chrome_version: process.versions.chrome,
      node_version: process.versions.node,
      v8_version: process.versions.v8,
    }),
    os: prune({
      name: OS_NAMES[process.platform] ?? process.platform,
      // Electron's process.getSystemVersion() gives the marketing version (macOS 14.5, Windows 10.0.22631); the
      // kernel release (Darwin 23.5.0) is what Node alone knows.
      version: safe(() => (typeof process.getSystemVersion === 'function' ? process.getSystemVersion() : undefined)) ?? safe(() => os.release()),
      kernel_version: safe(() => os.release()),
      build: safe(() => os.version()),
    }),
    device: prune({
      arch: process.arch,
      memory_size: safe(() => os.totalmem()),
      processor_count: cpus.length || safe(() => os.availableParallelism()),
      cpu_description: cpus[0]?.model,
      boot_time: safe(() => new Date(Date.now() - os.uptime() * 1000).toISOString()),
    }),
  };
}

/** The locale is known only after `ready` (Chromium reads it then): asked per event, cheap, and empty before. */
function cultureContext(): Context | undefined {
  const locale = safe(() => electron().app.getLocale());
  const timezone = safe(timeZone);
  if (!locale && !timezone) return undefined;
  return prune({ locale, timezone });
}

let cachedTimeZone: string | undefined;

/** The IANA time zone, asked of ICU once per process (V8 reads the system's zone once too). */
function timeZone(): string | undefined {
  cachedTimeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return cachedTimeZone;
}
