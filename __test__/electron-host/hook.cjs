'use strict';
/**
 * The fake Electron's entry into a process: `node --require <this file> --import tsx <script>`.
 *
 * Makes `require('electron')` and `import 'electron'` (also `electron/main`, `electron/renderer`, `electron/common`,
 * `electron/utility`) resolve to the fake module of this process's role, `FAKE_ELECTRON_ROLE`: `main` (default),
 * `renderer` or `utility`. Every other specifier resolves as usual: the real `electron` package is never loaded
 * (its index.js would try to download Electron).
 *
 * It also sets what Electron sets before any app code runs: `process.type`, `process.versions.electron` and
 * `process.versions.chrome` (from `FAKE_ELECTRON_VERSION`, default: the installed `electron` package's version, the
 * one whose types the fake is checked against), `process.crash()`, which crashes natively through the Crashpad
 * test helper (./crashpad.ts) so that a connected handler writes a real minidump, and in main Electron's own
 * uncaught-exception listener.
 *
 * Plain CommonJS on purpose: it runs before tsx is registered.
 */
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROLES = { main: { file: 'main.ts', type: 'browser' }, renderer: { file: 'renderer.ts', type: 'renderer' }, utility: { file: 'utility.ts', type: 'utility' } };
const SPECIFIERS = ['electron', 'electron/main', 'electron/renderer', 'electron/common', 'electron/utility'];

const roleName = process.env.FAKE_ELECTRON_ROLE || 'main';
const role = ROLES[roleName];
if (!role) throw new Error(`FAKE_ELECTRON_ROLE must be one of ${Object.keys(ROLES).join(', ')}, not ${roleName}`);
const target = path.join(__dirname, 'fake-electron', role.file);

function installedElectronVersion() {
  try {
    return require(path.join(__dirname, '..', '..', 'node_modules', 'electron', 'package.json')).version;
  } catch {
    return '45.4.1';
  }
}

// Chromium's major for an Electron major: two Chromium releases per Electron release since Electron 15 (Chrome 94).
function chromeVersionFor(electron) {
  const major = Number.parseInt(electron, 10) || 0;
  return `${Math.max(94, 2 * major + 64)}.0.0.0`;
}

const electronVersion = process.env.FAKE_ELECTRON_VERSION || installedElectronVersion();
const chromeVersion = process.env.FAKE_CHROME_VERSION || chromeVersionFor(electronVersion);
// process.versions' own fields are read-only but configurable; Electron's are ordinary enumerable entries.
Object.defineProperty(process.versions, 'electron', { value: electronVersion, enumerable: true, configurable: true });
Object.defineProperty(process.versions, 'chrome', { value: chromeVersion, enumerable: true, configurable: true });
process.type = role.type;
// Loaded at call time: tsx (which compiles crashpad.ts) is registered after this file ran.
process.crash = function crash() {
  require(path.join(__dirname, 'fake-electron', 'native-crash.ts')).crashThisProcess();
};

// Electron's main process keeps running after an uncaught exception: its own listener shows an error box, unless the
// app added a listener of its own (then it does nothing). Same code path here, the box printed to stderr.
if (roleName === 'main') {
  process.on('uncaughtException', function electronUncaughtExceptionHandler(error) {
    if (process.listenerCount('uncaughtException') > 1) return;
    const stack = error && error.stack ? error.stack : `${error && error.name}: ${error && error.message}`;
    require(path.join(__dirname, 'fake-electron', 'dialog.ts')).dialog.showErrorBox('A JavaScript error occurred in the main process', `Uncaught Exception:\n${stack}`);
  });
}

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveFakeElectron(request, parent, isMain, options) {
  if (SPECIFIERS.includes(request)) return target;
  return originalResolve.call(this, request, parent, isMain, options);
};

// The same for ES modules (`import 'electron'`), through a resolve hook that sends the specifiers to the file above.
Module.register(pathToFileURL(path.join(__dirname, 'hook-esm.mjs')), {
  data: { target: pathToFileURL(target).href, specifiers: SPECIFIERS },
});
