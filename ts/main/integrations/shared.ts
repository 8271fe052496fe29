/**
 * Small pieces the main-process integrations share: a guard that keeps the SDK's own failures away from the app,
 * the `event.process` name of an Electron process type, and an atomic file write for state that must survive a
 * crash of the app (a torn file would be worse than none).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { debug, type Client } from '@sentry/core';
import type { WebContents } from 'electron';
import { originOf } from '../../event/url-origin';
import { DEFAULTS, type ElectronClientOptions } from '../options';

/**
 * Wraps a listener the SDK adds to Electron or to `process`: whatever goes wrong inside it (synchronously or in the
 * promise it returns) is logged in debug mode and never reaches the app, whose event loop it shares.
 */
export function guarded<A extends unknown[]>(label: string, fn: (...args: A) => unknown): (...args: A) => void {
  return (...args: A): void => {
    try {
      const r = fn(...args);
      if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
        (r as PromiseLike<unknown>).then(undefined, (e: unknown) => debug.warn(`[${label}] failed`, e));
      }
    } catch (e) {
      debug.warn(`[${label}] failed`, e);
    }
  };
}

/**
 * Runs `fn` once at setup, guarded like a listener: an integration that cannot start leaves the app alone.
 * `consequence` tells the debug log what the app loses (", so …").
 */
export function guardedSetup(label: string, fn: () => void, consequence?: string): void {
  try {
    fn();
  } catch (e) {
    debug.warn(`[${label}] could not start${consequence ? `: ${consequence}` : ''}`, e);
  }
}

/**
 * Electron's child process types (`GPU`, `Utility`, `Sandbox helper`, …) as the `event.process` tag names them:
 * lowercase, dashes for spaces, so one search (`event.process:gpu`) finds JS events and native crashes alike.
 */
export function processTag(electronType: string): string {
  const t = electronType.trim().toLowerCase().replace(/\s+/g, '-');
  if (t === 'gpu-process') return 'gpu';
  return t || 'unknown';
}

/**
 * Writes `content` to `file` through a temporary file and a rename: a reader (the next start, maybe after a crash
 * in the middle of the write) sees the old content or the new one, never half of it.
 */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `sendDefaultPii` decides whether a URL is kept whole or cut to its origin (paths and queries hold personal data). */
export function urlForEvent(url: string | undefined, sendDefaultPii: boolean | undefined): string | undefined {
  if (!url) return undefined;
  return sendDefaultPii ? url : originOf(url) || undefined;
}

/** Sends what is pending, at most `shutdownTimeoutMs` (a transport that ignores its timeout cannot hold the app). */
export function flushBounded(client: Client): Promise<unknown> {
  const timeout = (client.getOptions() as ElectronClientOptions).shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, timeout);
    timer.unref?.();
  });
  return Promise.race([Promise.resolve(client.flush(timeout)).catch(() => false), deadline]).finally(() => clearTimeout(timer));
}

/**
 * The app's name for a renderer (the `getRendererName` option, as in @sentry/electron), or undefined: no option, no
 * answer, or an option that threw (logged; the renderer keeps its default name).
 */
export function appRendererName(client: Client, contents: WebContents | undefined): string | undefined {
  const name = (client.getOptions() as { getRendererName?: (contents: WebContents) => string | undefined }).getRendererName;
  if (!name || !contents) return undefined;
  try {
    return name(contents) || undefined;
  } catch (e) {
    debug.warn('[sentry-electron-native] getRendererName failed; the renderer keeps its default name', e);
    return undefined;
  }
}

/** The value of `fn`, or `undefined` when it throws: for facts that are nice to have (a destroyed object, an API a version lacks). */
export function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Drops empty fields (undefined, null, ''): Sentry shows them as noise. */
export function prune<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === null || o[k] === '') delete o[k];
  return o;
}
