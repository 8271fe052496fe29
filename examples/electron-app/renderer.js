// The page's code, bundled by the app (e.g. `npx esbuild renderer.js --bundle --outfile=renderer.bundle.js`).
// The renderer SDK forwards events and scope to main; main reports the renderer's native crash with this scope.
import * as Sentry from '@acme/sentry-electron-native/renderer';

Sentry.init();
Sentry.setTag('demo.window', 'main-window');

document.getElementById('error').addEventListener('click', () => {
  throw new Error('Something broke in the renderer');
});
document.getElementById('crash').addEventListener('click', () => {
  Sentry.addBreadcrumb({ category: 'ui', message: 'about to crash natively' });
  window.demo.crashRenderer();
});
