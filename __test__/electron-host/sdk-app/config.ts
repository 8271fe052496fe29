/** The configuration of the SDK test app (sdk-app/main.ts), passed as JSON in `SDK_APP`. */
import type { ElectronMainOptions } from '../../../ts/main';

export interface SdkAppWindow {
  /** An HTML page (its `<script>`s run in order) or a `.js` page. */
  page: string;
  /** The window's own preload (the SDK's injected one runs before it). */
  preload?: string;
  sandbox?: boolean;
  contextIsolation?: boolean;
}

export interface SdkAppConfig {
  /** `init()` options that survive JSON; `ipcMode` by name. */
  sdk: Omit<ElectronMainOptions, 'ipcMode' | 'integrations' | 'beforeSend' | 'getSessions'> & { ipcMode?: 'Classic' | 'Protocol' | 'Both' };
  /** Default integrations to remove, by name (e.g. `PreloadInjection` for a manual preload). */
  withoutIntegrations?: string[];
  /** `beforeSend` reports each native crash event to the test (`before-send`) and drops it when this is true. */
  dropNativeInBeforeSend?: boolean;
  /** `before-send` carries only the event's id (and the dump's path), not the whole event: for measurements of main. */
  quietBeforeSend?: boolean;
  /** Tags set in main right after `init()`. */
  mainTags?: Record<string, string>;
  windows?: SdkAppWindow[];
  /** The app starts Electron's crashReporter itself, with these options, right before or right after `init()`. */
  appCrashReporter?: { when: 'before-init' | 'after-init'; options: import('electron').CrashReporterStartOptions };
}
