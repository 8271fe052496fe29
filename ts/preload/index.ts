/**
 * The default preload: `require('@acme/sentry-electron-native/preload')` (or `import`) in the app's preload script
 * hooks up the renderer-to-main bridge in the default namespace. The main process injects this same file by itself
 * (PreloadInjection); importing it by hand is for apps that bundle their preloads or turn injection off.
 *
 * Side-effect only, and safe to load twice: `hookupIpc` ignores a namespace it already hooked up.
 */
import { DEFAULT_NAMESPACE } from '../common/ipc';
import { hookupIpc } from './namespaced';

hookupIpc(DEFAULT_NAMESPACE);
