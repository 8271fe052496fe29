/**
 * PreloadInjection: gives every renderer of the app's sessions the SDK's preload (the IPC bridge), so the app needs
 * no preload of its own. Electron >= 35 has `session.registerPreloadScript`; older ones `setPreloads`.
 *
 * The preload is the bundle shipped in the package (build/preload/index.js, next to this file's compiled folder).
 * With a non-default `ipcNamespace`, a small file under `<userData>/sentry/` holds the namespaced bundle and the
 * call that hooks up that namespace: a sandboxed preload cannot require a second file, so it must be one file.
 *
 * When main is bundled (webpack, Vite…) the package's files are not next to it and the preload cannot be found: the
 * app is told once, on the console, how to import the preload itself, and RendererIpc falls back to the protocol.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { debug, defineIntegration, type Client } from '@sentry/core';
import type { Session } from 'electron';
import { DEFAULT_NAMESPACE, isValidNamespace } from '../../common/ipc';
import { electron } from '../electron';
import { preloadFallbackToProtocol, setPreloadFallbackToProtocol } from '../ipc/fallback';
import type { ElectronClientOptions } from '../options';
import { guarded, guardedSetup, writeFileAtomic } from './shared';

export interface PreloadInjectionOptions {
  /** The folder holding `index.js` and `namespaced.js` (the package's `build/preload`), when the app moved it. */
  preloadDir?: string;
}

/** The id the preload is registered under: how a second `init()` (or a second client) knows it is there already. */
export const PRELOAD_ID = 'sentry-electron-native';

const PACKAGE = '@acme/sentry-electron-native';

/** Sessions given the preload in this process (a session outlives clients; injecting twice loads it twice). */
const injected = new WeakSet<Session>();
let warned = false;

/** Injects the SDK's preload into every session from `getSessions` (default: the default session) once the app is ready. */
export const preloadInjectionIntegration = defineIntegration((options: PreloadInjectionOptions = {}) => {
  return {
    name: 'PreloadInjection',
    setup(client: Client) {
      // Synchronous up to the file check: RendererIpc, set up next, must know whether the bridge will exist.
      guardedSetup('PreloadInjection', () => setUp(client, options));
    },
  };
});

/** Whether the preload could not be injected, so renderers have no bridge and RendererIpc must use the protocol. */
export function preloadInjectionFailed(client: Client): boolean {
  return preloadFallbackToProtocol(client);
}

function setUp(client: Client, options: PreloadInjectionOptions): void {
  const clientOptions = client.getOptions() as ElectronClientOptions;
  const configured = clientOptions.ipcNamespace ?? DEFAULT_NAMESPACE;
  // RendererIpc replaces an invalid namespace by the default one (and says so): the preload must match it.
  const namespace = isValidNamespace(configured) ? configured : DEFAULT_NAMESPACE;
  const dirs = options.preloadDir ? [options.preloadDir] : candidateDirs();
  const wanted = namespace === DEFAULT_NAMESPACE ? 'index.js' : 'namespaced.js';
  const dir = dirs.find((d) => existsSync(path.join(d, wanted)));
  if (!dir) {
    fallBack(client, namespace, dirs.map((d) => path.join(d, wanted)));
    return;
  }

  let filePath = path.join(dir, wanted);
  if (namespace !== DEFAULT_NAMESPACE) {
    try {
      filePath = writeNamespacedPreload(filePath, namespace);
    } catch (e) {
      debug.warn('[PreloadInjection] could not write the namespaced preload', e);
      fallBack(client, namespace, [filePath]);
      return;
    }
  }

  const { app, session } = electron();
  const injectAll = (): void => {
    const sessions = clientOptions.getSessions?.() ?? [session.defaultSession];
    for (const ses of sessions) guarded('PreloadInjection', () => inject(ses, filePath))();
  };
  void app.whenReady().then(guarded('PreloadInjection', injectAll));
  if (clientOptions.getSessions) {
    // A session the app creates later may be one `getSessions` names: looked at once it exists.
    app.on('session-created', guarded('PreloadInjection', () => setImmediate(guarded('PreloadInjection', () => app.isReady() && injectAll()))));
  }
}

/**
 * Where the package's bundled preloads are: `build/preload` beside this file's compiled folder (`build/main/…`);
 * from a checkout run through a TypeScript loader (`ts/main/…`), the built ones.
 */
function candidateDirs(): string[] {
  return [path.join(__dirname, '..', '..', 'preload'), path.join(__dirname, '..', '..', '..', 'build', 'preload')];
}

function inject(ses: Session, filePath: string): void {
  if (injected.has(ses)) return;
  if (typeof ses.registerPreloadScript === 'function') {
    const present = typeof ses.getPreloadScripts === 'function' ? ses.getPreloadScripts() : [];
    if (!present.some((p) => p.id === PRELOAD_ID || p.filePath === filePath)) {
      ses.registerPreloadScript({ type: 'frame', id: PRELOAD_ID, filePath });
    }
  } else {
    // Electron < 35: the list of the session's preloads, appended to (the app's own preloads stay first).
    const preloads = ses.getPreloads();
    if (!preloads.includes(filePath)) ses.setPreloads([...preloads, filePath]);
  }
  injected.add(ses);
  debug.log(`[PreloadInjection] preload injected: ${filePath}`);
}

/**
 * The namespaced bundle with its hookup call, in one file under `<userData>/sentry/`, rewritten only when its
 * content changes (a new package version, another namespace). Returns its path.
 */
function writeNamespacedPreload(bundlePath: string, namespace: string): string {
  // The bundle's source map comment would point to a file that is not beside the copy.
  const bundle = readFileSync(bundlePath, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
  const content = [
    `// Written by ${PACKAGE}: its namespaced preload, hooked up to ${JSON.stringify(namespace)}. Do not edit: rewritten when it changes.`,
    // A CommonJS bundle in a function of its own: its `module` is local, `require` is the preload's (electron only).
    '(function () {',
    'var module = { exports: {} };',
    'var exports = module.exports;',
    bundle,
    `module.exports.hookupIpc(${JSON.stringify(namespace)});`,
    '})();',
    '',
  ].join('\n');
  const target = path.join(electron().app.getPath('userData'), 'sentry', `preload-${namespace}.js`);
  let existing: string | undefined;
  try {
    existing = readFileSync(target, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing !== content) writeFileAtomic(target, content);
  return target;
}

/** No preload: said once per process, loudly, with the fix; RendererIpc is told to use the protocol. */
function fallBack(client: Client, namespace: string, lookedAt: string[]): void {
  setPreloadFallbackToProtocol(client);
  if (warned) return;
  warned = true;
  const fix =
    namespace === DEFAULT_NAMESPACE
      ? `import '${PACKAGE}/preload';`
      : `import { hookupIpc } from '${PACKAGE}/preload-namespaced'; hookupIpc(${JSON.stringify(namespace)});`;
  console.warn(
    `[${PACKAGE}] The SDK's preload script was not found (looked at ${lookedAt.join(', ')}), so it cannot be injected ` +
      `into renderers. This happens when the main process is bundled (webpack, Vite, esbuild…) without the package's ` +
      `files. Renderer events now reach main through the '${namespace}://' protocol instead of IPC. ` +
      `To use IPC, add this line to the top of your own preload script: ${fix}`,
  );
}
