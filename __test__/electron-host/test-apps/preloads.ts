/**
 * Test app: session preloads (registerPreloadScript on Electron >= 35, setPreloads before) and a window's own,
 * in sandboxed, isolated renderers; a window without context isolation; the page reports what it sees.
 */
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { ASSETS, report, thrown } from './report';

const SESSION_PRELOAD = join(ASSETS, 'session-preload.js');
ipcMain.on('report', (event, data) => report('page', { window: event.sender.id, data }));

void app.whenReady().then(async () => {
  const ses = session.defaultSession;
  const modern = typeof ses.registerPreloadScript === 'function';
  if (modern) ses.registerPreloadScript({ type: 'frame', id: 'sdk', filePath: SESSION_PRELOAD });
  else ses.setPreloads([SESSION_PRELOAD]);
  const scripts = modern ? ses.getPreloadScripts() : ses.getPreloads();

  // Electron >= 35 builds the deprecated setPreloads on the new API: it replaces registered frame scripts too.
  const other = session.fromPartition('persist:other');
  let replaced: unknown;
  if (modern) {
    other.registerPreloadScript({ type: 'frame', id: 'first', filePath: SESSION_PRELOAD });
    other.setPreloads([join(ASSETS, 'bridge-preload.js')]);
    replaced = other.getPreloadScripts().map((s) => s.filePath);
  }
  report('registered', {
    modern,
    scripts,
    replaced,
    duplicate: modern ? thrown(() => ses.registerPreloadScript({ type: 'frame', id: 'sdk', filePath: SESSION_PRELOAD })) : undefined,
    relative: modern ? thrown(() => ses.registerPreloadScript({ type: 'frame', filePath: 'relative.js' })) : undefined,
    unknownId: modern ? thrown(() => ses.unregisterPreloadScript('nope')) : undefined,
  });

  const isolated = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'window-preload.js') } });
  await isolated.loadFile(join(ASSETS, 'preloads-page.js'));
  const shared = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'window-preload.js'), contextIsolation: false } });
  shared.webContents.on('preload-error', (_event, path, error) => report('preload-error', { path, message: error.message }));
  await shared.loadFile(join(ASSETS, 'preloads-page.js'));
  report('windows', { isolated: isolated.webContents.id, shared: shared.webContents.id });
});
