/**
 * MainProcessSession: release health for one run of the app. A session starts at `init()` and ends when the app
 * quits; in between it lives in `<userData>/sentry/session.json` (see session-store.ts), because the runs that
 * matter most end without a goodbye: the next start sends a session left `ok` as `abnormal`, or as `crashed` when
 * NativeCrashes finds main's own dump from that run. A native crash of a renderer or the GPU marks the running
 * session crashed; errors update it as @sentry/core does (the session sits on the isolation scope).
 *
 * Quitting: the session is ended and sent by the SDK's one `before-quit` handler (../shutdown.ts: the quit is held,
 * pending sends are flushed for at most `shutdownTimeoutMs`, then the quit goes on). `app.exit()` and
 * `process.exit()` emit no quit events: the session is then closed on disk and sent at the next start.
 */
import * as path from 'node:path';
import {
  closeSession,
  debug,
  defineIntegration,
  getIsolationScope,
  makeSession,
  startSession,
  updateSession,
  type Client,
  type Session,
  type SessionStatus,
} from '@sentry/core';
import { electron } from '../electron';
import { DEFAULTS, type ElectronClientOptions } from '../options';
import { SessionStore, ownerIsAlive, toStored, type StoredSession } from './session-store';
import { registerCrashMarker } from '../native-crashes/session-link';
import { onShutdown } from '../shutdown';
import { guarded, guardedSetup } from './shared';

export interface MainProcessSessionOptions {
  /**
   * How long the previous run's session waits for NativeCrashes to say whether main crashed natively in that run
   * (default 10 s); `settlePreviousSession()` ends the wait sooner. Without NativeCrashes it is sent at once.
   */
  previousSessionWaitMs?: number;
}

/** The previous run, as NativeCrashes may want it (to tell whether a dump belongs to it). Times in seconds. */
export interface PreviousRun {
  sid: string;
  started: number;
  lastAlive: number;
  release: string;
  environment?: string;
}

interface State {
  store?: SessionStore;
  current?: Session;
  /** The previous run's session, until sent. */
  previous?: StoredSession;
  previousRun?: PreviousRun;
  previousCrashed: boolean;
  previousTimer?: NodeJS.Timeout;
  /** The session was ended (quit); `endSent`: and that end is known to be out (sent or queued). */
  ended: boolean;
  endSent: boolean;
}

const HEARTBEAT_MS = 60_000;

const states = new WeakMap<Client, State>();

function stateOf(client: Client): State {
  let s = states.get(client);
  if (!s) states.set(client, (s = { previousCrashed: false, ended: false, endSent: false }));
  return s;
}

/** Release-health sessions for the app run, persisted so an abnormal end is reported at the next start. */
export const mainProcessSessionIntegration = defineIntegration((options: MainProcessSessionOptions = {}) => {
  return {
    name: 'MainProcessSession',
    setup(client: Client) {
      guardedSetup('MainProcessSession', () => setUp(client, options.previousSessionWaitMs ?? 10_000));
    },
    afterAllSetup(client: Client) {
      // Nobody will report a native crash of main: no reason to hold the previous session back.
      if (!client.getIntegrationByName('NativeCrashes')) settlePreviousSession(client);
    },
  };
});

/** NativeCrashes found a dump of main (`browser`) from the previous run: that run's session is sent as `crashed`. */
export function markPreviousSessionCrashed(client: Client): void {
  const state = stateOf(client);
  if (state.previousRun && !state.previous) {
    debug.log('[MainProcessSession] the previous session was already sent; it stays as it was sent');
    return;
  }
  state.previousCrashed = true;
  if (state.previous) settlePreviousSession(client);
}

/**
 * NativeCrashes found a native crash of this run (a renderer, the GPU…): the running session becomes `crashed`,
 * once. Returns whether it changed.
 */
export function markSessionCrashed(client: Client): boolean {
  const state = states.get(client);
  const session = state?.current;
  if (!state || !session || state.ended || session.status !== 'ok') return false;
  updateSession(session, { status: 'crashed', errors: session.errors + 1 });
  client.captureSession(session);
  return true;
}

/** NativeCrashes' start-up scan is over: the previous run's session is sent now (unless it was already). */
export function settlePreviousSession(client: Client): void {
  const state = states.get(client);
  const previous = state?.previous;
  if (!state || !previous) return;
  state.previous = undefined;
  clearTimeout(state.previousTimer);
  // Ended (quit, `app.exit()`) but not known to be sent: as it ended. `ok`: the run died without a word.
  const status: SessionStatus = previous.unsent ? previous.status : state.previousCrashed ? 'crashed' : 'abnormal';
  sendStored(client, previous, status);
  persist(state, true);
}

/** The previous run, when this start found one; `undefined` on a first start or after a clean quit. */
export function previousRunOf(client: Client): PreviousRun | undefined {
  return states.get(client)?.previousRun;
}

function setUp(client: Client, waitMs: number): void {
  const options = client.getOptions() as ElectronClientOptions;
  if (!options.release) {
    // Sentry drops sessions without a release; nothing to track.
    debug.log('[MainProcessSession] no release: sessions are not tracked');
    return;
  }
  const { app } = electron();
  const state = stateOf(client);
  const store = new SessionStore(path.join(app.getPath('userData'), 'sentry', 'session.json'));
  const stored = store.read();

  if (stored.current && ownerIsAlive(stored.current)) {
    // A second instance (about to hand over to the first, usually): the file is the first instance's.
    debug.log('[MainProcessSession] another instance of the app is running: its session file is left alone');
  } else {
    state.store = store;
    // A run two starts ago whose session never got out (this start came right after a short-lived one).
    if (stored.previous) sendStored(client, stored.previous, stored.previous.unsent ? stored.previous.status : 'abnormal');
    const last = stored.current;
    if (last && (last.status === 'ok' || last.unsent)) {
      state.previous = last;
      state.previousRun = { sid: last.sid, started: last.started, lastAlive: last.timestamp, release: last.release, ...(last.environment ? { environment: last.environment } : {}) };
    }
  }

  const session = startSession({ release: options.release, ...(options.environment ? { environment: options.environment } : {}) });
  state.current = session;
  client.on('beforeSendSession', (s) => {
    if (s === state.current) persist(state, (s as Session).status !== 'ok');
  });
  // The start is sent now: a run is counted even if it never ends well.
  client.captureSession(session);
  persist(state, true);

  setInterval(guarded('MainProcessSession', () => persist(state, true)), HEARTBEAT_MS).unref?.();
  if (state.previous) {
    if (state.previousCrashed) settlePreviousSession(client);
    else (state.previousTimer = setTimeout(guarded('MainProcessSession', () => settlePreviousSession(client)), waitMs)).unref?.();
  }

  onShutdown(client, async () => {
    if (state.ended) return;
    state.ended = true;
    endCurrent(client, state);
    // A run shorter than the wait still reports the one before it.
    settlePreviousSession(client);
    // Until the end is known to be out, the file says it is not: a quit that outruns the send (the shutdown timeout)
    // leaves it to the next start. Sent twice at worst, which a session update survives.
    const timeout = options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs;
    if (await client.flush(timeout)) {
      state.endSent = true;
      persist(state, true);
    }
  });
  // NativeCrashes reaches the sessions through this link: it needs no import of this file, and works without it.
  registerCrashMarker(client, (which) => (which === 'current' ? markSessionCrashed(client) : markPreviousSessionCrashed(client)));
  // `app.exit()` and `process.exit()` emit no quit events: the session is closed on disk, sent at the next start.
  process.on(
    'exit',
    guarded('MainProcessSession', () => {
      const s = state.current;
      if (state.ended || !s) return;
      if (s.status === 'ok') closeSession(s);
      persist(state, true, { unsent: s.status === 'exited' });
    }),
  );
}

function endCurrent(client: Client, state: State): void {
  const session = state.current;
  if (!session) return;
  closeSession(session);
  // Written before the send (which also writes, from the hook): the process may not live to see it out.
  persist(state, true);
  client.captureSession(session);
  const isolation = getIsolationScope();
  if (isolation.getSession() === session) isolation.setSession();
}

/** A stored session sent as it ended (`abnormal`, `crashed` or `exited`), with its own release and environment. */
function sendStored(client: Client, stored: StoredSession, status: SessionStatus): void {
  const session = makeSession({
    sid: stored.sid,
    init: false,
    errors: status === 'crashed' ? Math.max(1, stored.errors) : stored.errors,
    release: stored.release,
    ...(stored.environment ? { environment: stored.environment } : {}),
    ...(stored.did ? { did: stored.did } : {}),
  });
  // Its own times (the duration is derived from them): when it started, and when the run was last seen alive.
  updateSession(session, { started: stored.started, timestamp: stored.timestamp, status });
  client.sendSession(session);
}

function persist(state: State, now: boolean, extra: { unsent?: boolean } = {}): void {
  if (!state.store || !state.current) return;
  const unsent = extra.unsent ?? (state.ended && !state.endSent);
  const content = { v: 1 as const, current: toStored(state.current, { unsent }), ...(state.previous ? { previous: state.previous } : {}) };
  if (now) state.store.writeNow(content);
  else state.store.writeSoon(content);
}
