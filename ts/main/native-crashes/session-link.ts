/**
 * NativeCrashes tells release health about a crash without depending on it: MainProcessSession registers how to
 * mark a session crashed (this run's, or the previous run's when its main process died), and is free to be off.
 */
import type { Client } from '@sentry/core';

export type WhichSession = 'current' | 'previous';
type Marker = (which: WhichSession) => void;

const markers = new WeakMap<Client, Marker>();

export function registerCrashMarker(client: Client, marker: Marker): void {
  markers.set(client, marker);
}

export function markCrashed(client: Client, which: WhichSession): void {
  try {
    markers.get(client)?.(which);
  } catch {
    // release health must never cost a crash report
  }
}
