/**
 * Compile-time proof that the fake Electron matches Electron's own types (node_modules/electron/electron.d.ts):
 * `npm run typecheck` (the __test__ project) fails when a faked member's signature disagrees. Nothing runs here.
 *
 * `Conform<Real, Fake, Keys>` demands, for each key, that the fake member be assignable to Electron's with
 * parameters compared strictly (contravariantly: the fake must accept every argument Electron accepts; TypeScript
 * would compare methods bivariantly) and return types covariantly (the fake must return what Electron promises),
 * where Electron's own object types (WebContents, Session, …) are read as the fake classes that play them, through
 * `Faked`. EventEmitter `on` etc. are checked where Electron declares them once (ipcMain, ipcRenderer); the app's
 * and windows' many event overloads are not, but the event objects the fake emits are built with Electron's
 * types (RenderProcessGoneDetails, Details, WebContentsConsoleMessageEventParams, …) where they are made.
 */
import type * as Electron from 'electron';
import type { FakeApp } from './app';
import type { FakeBrowserWindow } from './browser-window';
import type { FakeCrashReporter } from './crash-reporter';
import type { dialog } from './dialog';
import type { FakeAutoUpdater, FakePowerMonitor } from './emitters';
import type { FakeIpcMain, ipcEventOrigin } from './ipc-main';
import type * as fakeMain from './main';
import type { FakeClientRequest, FakeIncomingMessage, net } from './net';
import type { FakeProtocol } from './protocol';
import type * as fakeRenderer from './renderer';
import type { FakeIpcRenderer } from './renderer';
import type { FakeSession, LegacySession, session } from './session';
import type { FakeUtilityProcess, utilityProcess } from './utility-process';
import type { FakeMessagePortMain } from './message-port';
import type { FakeWebContents, webContents } from './web-contents';
import type { FakeWebFrameMain } from './web-frame-main';

type IsAny<T> = 0 extends 1 & T ? true : false;

/** Electron's object types as the fake classes that play them; everything else as it is. */
type Faked<T> = IsAny<T> extends true ? T
  : T extends Electron.WebContents ? FakeWebContents
  : T extends Electron.BrowserWindow ? FakeBrowserWindow
  : T extends Electron.WebFrameMain ? FakeWebFrameMain
  : T extends Electron.Session ? FakeSession
  : T extends Electron.Protocol ? FakeProtocol
  : T extends Electron.IpcMain ? FakeIpcMain
  : T extends Electron.IpcRenderer ? FakeIpcRenderer
  : T extends Electron.ClientRequest ? FakeClientRequest
  : T extends Electron.IncomingMessage ? FakeIncomingMessage
  : T extends Electron.UtilityProcess ? FakeUtilityProcess
  : T extends Electron.MessagePortMain ? FakeMessagePortMain
  : T extends Promise<infer U> ? Promise<Faked<U>>
  : T extends ReadonlyArray<infer U> ? Faked<U>[]
  : T;

type FakedArgs<A extends unknown[]> = { [I in keyof A]: Faked<A[I]> };

/** A member as a plain function type (strictly compared) or a value type. */
type Strict<T> = T extends (...args: infer A) => infer R ? (...args: A) => R : T;
type Expected<T> = T extends (...args: infer A) => infer R ? (...args: FakedArgs<A>) => Faked<R> : Faked<T>;

/** The keys whose fake member does not conform. */
type Mismatch<Real, Fake, K extends keyof Real & keyof Fake> = { [P in K]: Strict<Fake[P]> extends Expected<Real[P]> ? never : P }[K];
type Conform<Real, Fake, K extends keyof Real & keyof Fake> = [Mismatch<Real, Fake, K>] extends [never] ? true : { mismatch: Mismatch<Real, Fake, K> };
/** Compiles only when its argument is `true`; otherwise the error names the members that disagree. */
type Check<T extends true> = T;

export type Checks = [
  Check<Conform<Electron.App, FakeApp, 'name' | 'getName' | 'setName' | 'getVersion' | 'getLocale' | 'getLocaleCountryCode' | 'getAppPath' | 'getPath' | 'setPath' | 'isPackaged' | 'isReady' | 'whenReady' | 'getAppMetrics' | 'quit' | 'exit'>>,
  Check<Conform<Electron.BrowserWindow, FakeBrowserWindow, 'id' | 'webContents' | 'loadURL' | 'loadFile' | 'getTitle' | 'setTitle' | 'isDestroyed' | 'isVisible' | 'isFocused' | 'isMaximized' | 'isMinimized' | 'show' | 'hide' | 'focus' | 'blur' | 'maximize' | 'unmaximize' | 'minimize' | 'restore' | 'close' | 'destroy'>>,
  Check<Conform<typeof Electron.BrowserWindow, typeof FakeBrowserWindow, 'getAllWindows' | 'getFocusedWindow' | 'fromId' | 'fromWebContents'>>,
  Check<ConstructorParameters<typeof Electron.BrowserWindow> extends ConstructorParameters<typeof FakeBrowserWindow> ? true : false>,
  Check<Conform<Electron.WebContents, FakeWebContents, 'id' | 'session' | 'mainFrame' | 'getURL' | 'getTitle' | 'getOSProcessId' | 'getProcessId' | 'getType' | 'isDestroyed' | 'isCrashed' | 'isLoading' | 'loadURL' | 'loadFile' | 'reload' | 'executeJavaScript' | 'send' | 'close'>>,
  Check<Conform<typeof import('electron').webContents, typeof webContents, 'fromId' | 'getAllWebContents' | 'getFocusedWebContents'>>,
  Check<Conform<Electron.WebFrameMain, FakeWebFrameMain, 'url' | 'origin' | 'processId' | 'osProcessId' | 'routingId' | 'frameTreeNodeId' | 'name' | 'top' | 'parent' | 'frames' | 'framesInSubtree' | 'detached' | 'isDestroyed' | 'send' | 'executeJavaScript'>>,
  Check<Conform<Electron.IpcMain, FakeIpcMain, 'handle' | 'handleOnce' | 'removeHandler' | 'on' | 'once' | 'removeListener' | 'removeAllListeners'>>,
  Check<Conform<Electron.IpcMainEvent, ReturnType<typeof ipcEventOrigin<FakeWebContents>>, 'sender' | 'senderFrame' | 'processId' | 'frameId' | 'type'>>,
  Check<Conform<Electron.Session, FakeSession, 'protocol' | 'registerPreloadScript' | 'unregisterPreloadScript' | 'getPreloadScripts' | 'setPreloads' | 'getPreloads' | 'isPersistent' | 'getStoragePath'>>,
  Check<Conform<Electron.Session, LegacySession, 'protocol' | 'setPreloads' | 'getPreloads' | 'isPersistent' | 'getStoragePath'>>,
  Check<Conform<typeof import('electron').session, typeof session, 'fromPartition' | 'defaultSession'>>,
  Check<Conform<Electron.Protocol, FakeProtocol, 'handle' | 'unhandle' | 'isProtocolHandled'>>,
  Check<Conform<Electron.Protocol, typeof fakeMain.protocol, 'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'>>,
  Check<Conform<Electron.CrashReporter, FakeCrashReporter, 'start' | 'getUploadToServer' | 'setUploadToServer' | 'getParameters' | 'addExtraParameter' | 'removeExtraParameter' | 'getLastCrashReport' | 'getUploadedReports'>>,
  Check<Conform<Electron.Net, typeof net, 'request' | 'fetch' | 'isOnline' | 'online'>>,
  Check<Conform<Electron.ClientRequest, FakeClientRequest, 'chunkedEncoding' | 'setHeader' | 'getHeader' | 'removeHeader' | 'write' | 'end' | 'abort' | 'followRedirect' | 'getUploadProgress'>>,
  Check<Conform<Electron.IncomingMessage, FakeIncomingMessage, 'statusCode' | 'statusMessage' | 'headers' | 'rawHeaders' | 'httpVersion' | 'httpVersionMajor' | 'httpVersionMinor'>>,
  Check<Conform<Electron.Dialog, typeof dialog, 'showErrorBox'>>,
  Check<Conform<Electron.PowerMonitor, FakePowerMonitor, 'getSystemIdleState' | 'getSystemIdleTime' | 'getCurrentThermalState' | 'isOnBatteryPower' | 'onBatteryPower'>>,
  Check<Conform<Electron.AutoUpdater, FakeAutoUpdater, 'setFeedURL' | 'getFeedURL' | 'checkForUpdates' | 'quitAndInstall'>>,
  Check<Conform<Electron.UtilityProcess, FakeUtilityProcess, 'pid' | 'stdout' | 'stderr' | 'postMessage' | 'kill'>>,
  Check<Conform<typeof import('electron').utilityProcess, typeof utilityProcess, 'fork'>>,
  Check<Conform<Electron.MessagePortMain, FakeMessagePortMain, 'postMessage' | 'start' | 'close'>>,
  Check<Conform<Electron.MessageChannelMain, InstanceType<typeof fakeMain.MessageChannelMain>, 'port1' | 'port2'>>,
  // The renderer module.
  Check<Conform<Electron.IpcRenderer, FakeIpcRenderer, 'send' | 'invoke' | 'sendSync' | 'sendToHost' | 'postMessage' | 'on' | 'once' | 'off' | 'removeListener' | 'removeAllListeners'>>,
  Check<Conform<Electron.ContextBridge, typeof fakeRenderer.contextBridge, 'exposeInMainWorld' | 'exposeInIsolatedWorld'>>,
  Check<Conform<Electron.WebFrame, typeof fakeRenderer.webFrame, 'routingId' | 'executeJavaScript'>>,
  Check<Conform<Electron.CrashReporter, typeof fakeRenderer.crashReporter, 'addExtraParameter' | 'removeExtraParameter' | 'getParameters'>>,
  // Every export of the fake modules is an export of Electron's (the test-only `fakeElectron` aside).
  Check<Exclude<keyof typeof fakeMain, 'fakeElectron'> extends keyof typeof import('electron') ? true : false>,
  Check<Exclude<keyof typeof fakeRenderer, 'installRendererRuntime' | 'FakeIpcRenderer' | 'RendererRuntime'> extends keyof typeof import('electron') ? true : false>,
];
