/**
 * Running the SDK test app (electron-host/sdk-app/main.ts) in the fake Electron host against a local receiver: the
 * page files, the launch, and reading what arrived. Shared by the electron-sdk-*.spec.ts files.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { Event } from '@sentry/core';
import { startReceiver, type Receiver, type ReceivedEnvelope } from '../../ts/receiver';
import { launchApp, type LaunchedApp } from '../electron-host/launch';
import { crashpadFixtures } from '../electron-host/crashpad';
import type { SdkAppConfig } from '../electron-host/sdk-app/config';
import { FIXTURE_SYMBOLS } from './fixtures';

export const SDK_APP = join(__dirname, '..', 'electron-host', 'sdk-app', 'main.ts');
export const CRASH_PRELOAD = join(__dirname, '..', 'electron-host', 'sdk-app', 'crash-preload.js');
const ROOT = join(__dirname, '..', '..');
export const SDK_PRELOAD = join(ROOT, 'build', 'preload', 'index.js');
const RENDERER_BUNDLE = join(ROOT, 'build', 'renderer', 'bundle.js');

/** Why the native crash tests cannot run here, or `undefined` when they can. */
export function nativeCrashSkipReason(): string | undefined {
  const f = crashpadFixtures();
  return typeof f === 'string' ? f : undefined;
}

/** A scratch folder (removed at the end of the test). */
export function scratch(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-e2e-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes an HTML page that loads the renderer SDK's bundle (copied beside it, as an app without a bundler ships
 * it), then runs `script` in the page's world.
 */
export function writePage(dir: string, name: string, script: string): string {
  const file = join(dir, `${name}.html`);
  copyFileSync(RENDERER_BUNDLE, join(dir, 'sentry-renderer.js'));
  writeFileSync(file, `<!doctype html>\n<script src="sentry-renderer.js"></script>\n<script>\n${script}\n</script>\n`);
  return file;
}

export interface RunningSdkApp {
  app: LaunchedApp;
  receiver: Receiver;
  /** The events that arrived (each envelope's `event` item), in arrival order. */
  events(): Event[];
  /** Waits for an event matching `predicate`; fails with what did arrive. */
  waitForEvent(predicate: (e: Event) => boolean, timeoutMs?: number): Promise<{ event: Event; envelope: ReceivedEnvelope }>;
}

/** Starts (or reuses) a receiver and launches the app with `config` (its DSN pointed at the receiver). */
export async function runSdkApp(
  t: ExecutionContext,
  config: SdkAppConfig,
  options: {
    receiver?: Receiver;
    userData?: string;
    version?: string;
    name?: string;
    renderer?: 'node' | 'chromium';
    env?: NodeJS.ProcessEnv;
    nodeArgs?: string[];
  } = {},
): Promise<RunningSdkApp> {
  const receiver = options.receiver ?? (await startReceiver({ lifetimeMs: 120_000, maxEnvelopes: 1000 }));
  if (!options.receiver) t.teardown(() => receiver.close());
  const app = launchApp({
    main: SDK_APP,
    name: options.name ?? 'SdkApp',
    version: options.version ?? '1.0.0',
    ...(options.userData ? { userData: options.userData } : {}),
    ...(options.renderer ? { renderer: options.renderer } : {}),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    env: { ...options.env, SDK_APP: JSON.stringify({ ...config, sdk: { dsn: receiver.dsn, ...config.sdk } }) },
    timeoutMs: 90_000,
  });
  t.teardown(() => app.dispose());
  const eventOf = (env: ReceivedEnvelope): Event | undefined => env.items.find((i) => i.type === 'event')?.payload as Event | undefined;
  return {
    app,
    receiver,
    events: () => receiver.envelopes.map(eventOf).filter((e): e is Event => Boolean(e)),
    waitForEvent: (predicate, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (env: ReceivedEnvelope): boolean => {
          const event = eventOf(env);
          if (event && predicate(event)) {
            receiver.off('envelope', check);
            clearTimeout(timer);
            resolve({ event, envelope: env });
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          receiver.off('envelope', check);
          const seen = receiver.envelopes.map(eventOf).map((e) => e && (e.message ?? e.exception?.values?.[0]?.value));
          reject(new Error(`no matching event in ${timeoutMs} ms; arrived: ${JSON.stringify(seen)}\n--- app stderr ---\n${app.stderr().slice(-4000)}`));
        }, timeoutMs);
        if (!receiver.envelopes.some(check)) receiver.on('envelope', check);
      }),
  };
}

/** The symbols the crash tests name functions with (the crash addon's `.sym` is in the fixtures' tree). */
export const SYMBOL_PATHS = [FIXTURE_SYMBOLS];

/** The exception value of an event (for messages). */
export const exceptionOf = (e: Event) => e.exception?.values?.[0];
