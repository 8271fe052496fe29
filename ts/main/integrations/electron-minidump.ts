/**
 * ElectronMinidump: Crashpad uploads each native crash itself, straight to Sentry's minidump endpoint (derived
 * from the DSN), with the scope of the moment in the report's annotations (`sentry__1`, `sentry__2`, …: the
 * event's JSON in chunks under Crashpad's value limit). Sentry builds the event server-side. The app gives up what
 * NativeCrashes does on the client (readable stacks before upload, `beforeSend`, the minidump policy, the offline
 * queue), so it is opt-in; added, it replaces NativeCrashes (`init()` removes that one), as in @sentry/electron.
 */
import {
  applyScopeDataToEvent,
  debug,
  defineIntegration,
  getCombinedScopeData,
  getCurrentScope,
  getGlobalScope,
  getIsolationScope,
  makeDsn,
  uuid4,
  type Client,
  type Event,
} from '@sentry/core';
import { electron } from '../electron';
import { markSessionCrashed } from './main-process-session';
import { guarded, guardedSetup } from './shared';

/** Sentry's minidump endpoint for a DSN: `<origin>/api/<project>/minidump/?sentry_key=<public key>`. */
export function minidumpUrlFromDsn(dsn: string): string | undefined {
  const d = makeDsn(dsn);
  if (!d) return undefined;
  const port = d.port ? `:${d.port}` : '';
  const path = d.path ? `/${d.path}` : '';
  return `${d.protocol}://${d.host}${port}${path}/api/${d.projectId}/minidump/?sentry_key=${d.publicKey}`;
}

/** Crashpad keeps annotation values up to this many bytes (Electron's limit for extra parameters, with margin). */
const CHUNK_BYTES = 20_000;

/**
 * The event's JSON in chunks of at most CHUNK_BYTES, cut just after an ASCII space or quote (never inside a UTF-8
 * sequence), keyed `sentry__1` … Sentry joins them back in order.
 */
export function eventChunks(event: Event): Record<string, string> {
  let rest = Buffer.from(JSON.stringify(event));
  const out: Record<string, string> = {};
  for (let n = 1; rest.length; n++) {
    let cut = rest.length <= CHUNK_BYTES ? rest.length : Math.max(rest.lastIndexOf(34, CHUNK_BYTES - 1), rest.lastIndexOf(32, CHUNK_BYTES - 1)) + 1;
    if (cut <= 0) cut = CHUNK_BYTES;
    out[`sentry__${n}`] = rest.subarray(0, cut).toString();
    rest = rest.subarray(cut);
  }
  return out;
}

export const electronMinidumpIntegration = defineIntegration(() => {
  let published = 0;
  let timer: NodeJS.Timeout | undefined;

  /** The event Sentry will merge into the crash: the scope now, as a fatal native event of this release. */
  const crashEvent = (client: Client): Event => {
    const { release, environment } = client.getOptions();
    const event: Event = { event_id: uuid4(), level: 'fatal', platform: 'native', release, environment, tags: { 'event.environment': 'native' } };
    // Global, isolation and current scope merged, as for any event of main.
    applyScopeDataToEvent(event, getCombinedScopeData(getIsolationScope(), getCurrentScope()));
    delete event.sdkProcessingMetadata;
    delete event.breadcrumbs;
    return event;
  };
  const publish = (client: Client): void => {
    const { crashReporter } = electron();
    const chunks = eventChunks(crashEvent(client));
    const count = Object.keys(chunks).length;
    for (let n = count + 1; n <= published; n++) crashReporter.removeExtraParameter(`sentry__${n}`);
    for (const [key, value] of Object.entries(chunks)) crashReporter.addExtraParameter(key, value);
    published = count;
  };

  return {
    name: 'ElectronMinidump',
    setup(client: Client): void {
      // Mac App Store builds may not run Crashpad's uploader.
      if ((process as { mas?: boolean }).mas) return debug.log('[ElectronMinidump] Mac App Store build: Crashpad uploads are not available.');
      const submitURL = minidumpUrlFromDsn(client.getOptions().dsn ?? '');
      if (!submitURL) return debug.warn('[ElectronMinidump] no valid DSN: the crash reporter was not started.');
      guardedSetup('ElectronMinidump', () => {
        const { app, crashReporter } = electron();
        const start = (): void =>
          crashReporter.start({ companyName: '', productName: app.name || app.getName(), submitURL, uploadToServer: true, compress: true, ignoreSystemCrashHandler: true });
        if (app.isReady()) start();
        else app.once('will-finish-launching', guarded('ElectronMinidump', start));
        // Scope changes come in bursts (a login sets user, tags and context at once): one update per burst.
        const later = guarded('ElectronMinidump', () => {
          clearTimeout(timer);
          timer = setTimeout(guarded('ElectronMinidump', () => publish(client)), 100);
          timer.unref?.();
        });
        getIsolationScope().addScopeListener(later);
        getGlobalScope().addScopeListener(later);
        void app.whenReady().then(later);
        // A renderer's native crash marks the session crashed, as NativeCrashes would.
        app.on('render-process-gone', guarded('ElectronMinidump', (_e: unknown, _c: unknown, details: { reason: string }) => {
          if (details.reason === 'crashed' || details.reason === 'oom') markSessionCrashed(client);
        }));
      });
    },
  };
});
