/**
 * What one page's SDK keeps: on the window under a registry symbol rather than in module state, so that two copies
 * of the SDK in one page (an app bundle and the IIFE, or a preload with contextIsolation off and the page) meet,
 * and the second `init()` can tell that the page is already set up.
 */
const STATE = Symbol.for('@acme/sentry-electron-native/renderer');

export interface PageState {
  /** The IPC namespace `init()` settled on. */
  namespace: string;
  /** Sends the pending scope batch now (set by the ScopeToMain integration; absent when the app removed it). */
  flushScope?: () => void;
}

type Holder = { [STATE]?: PageState };

export function pageState(): PageState | undefined {
  return (globalThis as Holder)[STATE];
}

export function setPageState(state: PageState): void {
  (globalThis as Holder)[STATE] = state;
}
