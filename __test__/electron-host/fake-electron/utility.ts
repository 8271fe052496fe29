/**
 * The fake `electron` module inside a utility process: Electron gives it `net` only (and `systemPreferences` on
 * macOS). The process's `parentPort` is on `process`, set by ./utility-entry.ts.
 */
export { net } from './net';
