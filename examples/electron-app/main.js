// The app's main process. init() runs first, before "ready": it registers the IPC scheme, starts Crashpad with
// uploads off and injects the SDK's preload into every session.
const Sentry = require('@acme/sentry-electron-native/main');
const { app, BrowserWindow } = require('electron');
const path = require('node:path');

Sentry.init({
  dsn: process.env.SENTRY_DSN, // e.g. https://<key>@o0.ingest.sentry.io/<project>
  minidumpPolicy: 'strip', // send the dump without heap memory
  debug: Boolean(process.env.SENTRY_DEBUG),
});

app.whenReady().then(() => {
  const win = new BrowserWindow({
    width: 640,
    height: 400,
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'), // the app's own preload; the SDK injects its own beside it
      contextIsolation: true,
      sandbox: true,
    },
  });
  win.loadFile('index.html');
});

app.on('window-all-closed', () => app.quit());
