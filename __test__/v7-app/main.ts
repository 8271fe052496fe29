/**
 * The main process of a typical app on @sentry/electron 7, as its authors wrote it (held out from our own code):
 * __test__/v7-app.spec.ts type-checks it against @sentry/electron/main as it is, and against ours with only the
 * import specifier changed. Not run: __test__/dropin-main.spec.ts runs a v7 main script in the fake host.
 */
import { app, BrowserWindow, session } from 'electron';
import * as Sentry from '@sentry/electron/main';
import type { ErrorEvent, EventHint, Scope, SeverityLevel, Span, User } from '@sentry/electron/main';
import { IPCMode } from '@sentry/electron/main';

const user: User = { id: 'u-1', email: 'someone@example.com' };

Sentry.init({
  dsn: 'https://public@o0.ingest.sentry.io/1',
  release: `my-app@${app.getVersion()}`,
  environment: app.isPackaged ? 'production' : 'development',
  debug: false,
  sampleRate: 1,
  tracesSampleRate: 0.2,
  sendDefaultPii: false,
  attachScreenshot: true,
  ipcMode: IPCMode.Both,
  ipcNamespace: 'sentry-ipc',
  getSessions: () => [session.defaultSession, session.fromPartition('persist:app')],
  getRendererName: (contents) => (contents.getURL().includes('settings') ? 'settings' : undefined),
  transport: Sentry.makeElectronOfflineTransport(),
  transportOptions: { maxAgeDays: 30, maxQueueSize: 30, flushAtStartup: true },
  integrations: (defaults) => [
    ...defaults.filter((i) => i.name !== 'Screenshots'),
    Sentry.httpIntegration({ spans: true }),
    Sentry.nativeNodeFetchIntegration({ breadcrumbs: true }),
    Sentry.localVariablesIntegration({ captureAllExceptions: false }),
    Sentry.electronNetIntegration({ breadcrumbs: true, tracing: (method, url) => method !== 'OPTIONS' && !url.includes('/health') }),
    Sentry.gpuContextIntegration({ infoLevel: 'basic' }),
    Sentry.additionalContextIntegration({ deviceModelManufacturer: true }),
    Sentry.startupTracingIntegration({ timeoutSeconds: 15 }),
    Sentry.extraErrorDataIntegration(),
    Sentry.rewriteFramesIntegration(),
    Sentry.childProcessIntegration(),
  ],
  beforeSend(event: ErrorEvent, hint: EventHint) {
    if (hint.originalException instanceof Error && hint.originalException.message === 'ignore me') return null;
    return event;
  },
  beforeBreadcrumb: (breadcrumb) => (breadcrumb.category === 'console' ? null : breadcrumb),
});

Sentry.setUser(user);
Sentry.setTag('channel', 'beta');
Sentry.setContext('license', { plan: 'pro' });
Sentry.addEventProcessor((event) => ({ ...event, tags: { ...event.tags, arch: process.arch } }));
Sentry.getCurrentScope().setLevel('warning' satisfies SeverityLevel);

function report(error: unknown, level: SeverityLevel = 'error'): string {
  return Sentry.withScope((scope: Scope) => {
    scope.setLevel(level);
    return Sentry.captureException(error);
  });
}

async function loadDocuments(): Promise<number> {
  return Sentry.startSpan({ name: 'load documents', op: 'task', attributes: { source: 'disk' } }, async (span: Span) => {
    const child = Sentry.startInactiveSpan({ name: 'read index', op: 'file.read' });
    await new Promise((r) => setTimeout(r, 5));
    child.end();
    span.setAttribute('count', 3);
    Sentry.metrics.count('documents.loaded', 3);
    Sentry.logger.info(Sentry.logger.fmt`loaded ${3} documents`);
    return 3;
  });
}

void app.whenReady().then(async () => {
  const win = new BrowserWindow({ width: 800, height: 600 });
  await win.loadFile('index.html');
  await Sentry.withIsolationScope(async () => {
    Sentry.setTag('job', 'startup');
    try {
      await loadDocuments();
    } catch (e) {
      report(e);
    }
  });
  Sentry.captureMessage('app ready', 'info');
  Sentry.captureFeedback({ message: 'Works well', name: 'Someone' });
  const span = Sentry.getActiveSpan();
  if (span) Sentry.spanToJSON(span);
  console.log(Sentry.isInitialized(), Sentry.lastEventId());
});

app.on('before-quit', () => void Sentry.flush(2000).then(() => Sentry.close()));
