/**
 * What main's integration and its watchdog worker share: the heartbeat's layout in a SharedArrayBuffer, the
 * worker's start data, and the snapshot of the scope that main hands over when asked (the worker evaluates it on
 * main's paused thread, so it is the scope of the moment the loop was blocked).
 */
import type { Breadcrumb, Contexts, Extras, Primitive, SdkMetadata, Session, User } from '@sentry/core';

/** Int32 slots of the heartbeat buffer. */
export const BEAT = 0; // incremented by main's timer: a change means "the loop still turns"
export const PAUSED = 1; // 1 while detection is paused (pause / disableBlockDetectionForCallback)
export const SLOTS = 2;

/** Heartbeats per threshold: a block is noticed at most threshold / BEATS_PER_THRESHOLD late. */
export const BEATS_PER_THRESHOLD = 4;

/** The global main defines so that the watchdog can read main's scope while main is paused in the debugger. */
export const SCOPE_GLOBAL = '__SENTRY_ELECTRON_NATIVE_BLOCKED_SCOPE__';

export interface EventLoopBlockOptions {
  /** Block length in ms that makes an event (default 1000). */
  threshold: number;
  /** At most this many events per clock hour (default 1). */
  maxEventsPerHour: number;
  /** Tags on every event this integration sends. */
  staticTags: { [key: string]: Primitive };
  /** Frame paths are made relative to this folder (`app:///…`); main's integration sets the app's path. */
  appRootPath: string | undefined;
}

/** What the worker starts with (structured-cloned: plain data only). */
export interface WatchdogData {
  heartbeat: SharedArrayBuffer;
  threshold: number;
  maxEventsPerHour: number;
  staticTags: Record<string, Primitive>;
  appRootPath: string | undefined;
  debug: boolean;
  dsn: string;
  tunnel: string | undefined;
  release: string | undefined;
  environment: string;
  dist: string | undefined;
  sdkMetadata: SdkMetadata;
  contexts: Contexts;
  /** main's transport options that are plain data (queue folder, caps, certificates). */
  transportOptions: Record<string, unknown>;
}

/** Main's scope, merged (global, isolation, current) and reduced to what an event carries. */
export interface ScopeSnapshot {
  tags: Record<string, Primitive>;
  extra: Extras;
  contexts: Contexts;
  user: User;
  level: string | undefined;
  fingerprint: string[];
  breadcrumbs: Breadcrumb[];
  traceId: string | undefined;
  debugImages: Record<string, string>;
  /** The release-health session of this run (on the isolation scope), as plain fields. */
  session: Partial<Session> | undefined;
}
