/**
 * The watchdog worker of EventLoopBlock (started by ./integration.ts). It never polls: it sleeps in
 * `Atomics.waitAsync` on main's heartbeat counter, woken by each beat or by the timeout that ends `threshold` after
 * the last beat. When that timeout passes with no beat and detection is not paused, main's loop is blocked: the
 * worker connects to main through the inspector (only now, so a free-running app carries no debugger), pauses it,
 * reads its call frames and scope, resumes it, and sends the event (and the run's session, now abnormal) through
 * the SDK's transport from here — the durable queue keeps it if the network is down. One event per block: the next needs a beat first.
 */
import { Session } from 'node:inspector';
import { parentPort, workerData } from 'node:worker_threads';
import {
  applyScopeDataToEvent,
  createEventEnvelope,
  createSessionEnvelope,
  dsnFromString,
  getEnvelopeEndpointWithUrlEncodedAuth,
  makeSession,
  Scope,
  updateSession,
  uuid4,
  type Event,
  type StackFrame,
} from '@sentry/core';
import { anrEventBody, framesFromCallFrames, type InspectorCallFrame } from '../event/anr-event';
import { makeNativeTransport, makeNodeRequest, type NativeTransportOptions } from '../transport';
import { BEAT, PAUSED, SCOPE_GLOBAL, type ScopeSnapshot, type WatchdogData } from './shared';

const data = workerData as WatchdogData;
const heartbeat = new Int32Array(data.heartbeat);
/** Main's event contexts (app, device, os, …): main sends them once its event processors have made them. */
let contexts = data.contexts;
/** How long main may take to answer the inspector: a thread stuck in native code never does. */
const CAPTURE_TIMEOUT_MS = 2000;

function log(...message: unknown[]): void {
  if (data.debug) console.log('[EventLoopBlock watchdog]', ...message);
}

type WaitResult = 'ok' | 'not-equal' | 'timed-out';
// Atomics.waitAsync is ES2024 (V8 has it since Node 16); the compiler's lib here is ES2022.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: WaitResult | Promise<WaitResult> };
}).waitAsync;

/** A fixed window per clock hour, as the incumbent counts `maxEventsPerHour`. */
function hourlyLimit(max: number): () => boolean {
  let hour = -1;
  let count = 0;
  return () => {
    const h = Math.floor(Date.now() / 3_600_000);
    if (h !== hour) (hour = h), (count = 0);
    if (count >= max) return false;
    count += 1;
    return true;
  };
}

interface Capture {
  frames: InspectorCallFrame[] | undefined;
  scripts: Map<string, string>;
  scope: ScopeSnapshot | undefined;
}

/** Pauses main through the inspector, reads its stack and scope, resumes it. Resolves without frames on timeout. */
function captureMain(): Promise<Capture> {
  const scripts = new Map<string, string>();
  const session = new Session();
  const post = (method: string, params?: object): Promise<any> =>
    new Promise((ok, fail) => session.post(method, params ?? {}, (e: Error | null, r?: unknown) => (e ? fail(e) : ok(r))));
  return new Promise<Capture>((resolve) => {
    let done = false;
    const finish = (c: Capture): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Resume first: main must never stay paused because of us.
      void post('Debugger.resume')
        .catch(() => undefined)
        .then(() => post('Debugger.disable'))
        .catch(() => undefined)
        .finally(() => session.disconnect());
      resolve(c);
    };
    const timer = setTimeout(() => finish({ frames: undefined, scripts, scope: undefined }), CAPTURE_TIMEOUT_MS);
    try {
      session.connectToMainThread();
    } catch (e) {
      log('cannot connect to the main thread', e);
      return finish({ frames: undefined, scripts, scope: undefined });
    }
    session.on('Debugger.scriptParsed', (m: { params: { scriptId: string; url: string } }) => scripts.set(m.params.scriptId, m.params.url));
    session.on('Debugger.paused', (m: { params: { callFrames: Array<InspectorCallFrame & { callFrameId: string }> } }) => {
      const callFrames = m.params.callFrames;
      const top = callFrames[0];
      const read = top
        ? post('Debugger.evaluateOnCallFrame', {
            callFrameId: top.callFrameId,
            expression: `typeof globalThis.${SCOPE_GLOBAL} === 'function' ? globalThis.${SCOPE_GLOBAL}() : undefined`,
            returnByValue: true,
            silent: true,
          })
        : Promise.resolve(undefined);
      void read
        .then((r: { result?: { value?: unknown } } | undefined) => (typeof r?.result?.value === 'string' ? (JSON.parse(r.result.value) as ScopeSnapshot) : undefined))
        .catch(() => undefined)
        .then((scope) => finish({ frames: callFrames, scripts, scope }));
    });
    void post('Debugger.enable')
      .then(() => post('Debugger.pause'))
      .catch((e) => (log('the inspector refused', e), finish({ frames: undefined, scripts, scope: undefined })));
  });
}

function eventOf(blockedMs: number, capture: Capture): Event {
  const frames: StackFrame[] | undefined = capture.frames
    ? framesFromCallFrames(capture.frames, (id) => capture.scripts.get(id), data.appRootPath)
    : undefined;
  const event: Event = {
    event_id: uuid4(),
    platform: 'node',
    contexts: { ...contexts },
    release: data.release,
    environment: data.environment,
    dist: data.dist,
    ...anrEventBody({
      type: 'EventLoopBlocked',
      value: `Event Loop Blocked for at least ${data.threshold} ms`,
      frames,
      threadId: '0',
      threadName: 'main',
    }),
  };
  const s = capture.scope;
  if (s) {
    const scope = new Scope();
    scope.setTags(s.tags).setExtras(s.extra).setUser(s.user).setFingerprint(s.fingerprint);
    for (const [k, v] of Object.entries(s.contexts)) scope.setContext(k, v as Record<string, unknown>);
    if (s.level) scope.setLevel(s.level as never);
    for (const b of s.breadcrumbs) scope.addBreadcrumb(b, Number.MAX_SAFE_INTEGER);
    applyScopeDataToEvent(event, scope.getScopeData());
    event.level = 'error'; // the scope's level is for the app's own events
    if (s.traceId) event.contexts = { trace: { trace_id: s.traceId, span_id: uuid4().slice(16) }, ...event.contexts };
    debugMeta(event, s.debugImages);
  }
  // Static tags last: `event.process` and its siblings must say where the block was.
  event.tags = { ...event.tags, ...data.staticTags };
  event.extra = { ...event.extra, blocked_ms: blockedMs };
  return event;
}

/** Source-map debug ids of the files in the stack (`debug_meta.images`), as Sentry matches uploaded maps by them. */
function debugMeta(event: Event, images: Record<string, string>): void {
  const byFile = new Map<string, string>();
  for (const frame of event.exception?.values?.[0]?.stacktrace?.frames ?? []) {
    const file = frame.abs_path ?? frame.filename;
    const id = file && (images[file] ?? images[`file://${file}`]);
    if (file && id) byFile.set(file, id);
  }
  if (byFile.size > 0) event.debug_meta = { images: [...byFile].map(([code_file, debug_id]) => ({ type: 'sourcemap', code_file, debug_id })) };
}

function makeTransport(): ReturnType<typeof makeNativeTransport> | undefined {
  const dsn = dsnFromString(data.dsn);
  if (!dsn) return undefined;
  const options: NativeTransportOptions = {
    ...(data.transportOptions as Partial<NativeTransportOptions>),
    url: getEnvelopeEndpointWithUrlEncodedAuth(dsn, data.tunnel, data.sdkMetadata.sdk),
    recordDroppedEvent: () => undefined,
    // Electron's `net` lives in main's thread only; main's transport replays the queue, not this one.
    request: makeNodeRequest(data.transportOptions as never),
    flushAtStartup: false,
    log: (m, e) => log(`transport: ${m}`, e ?? ''),
  };
  return makeNativeTransport(options);
}

async function report(blockedMs: number, transport: NonNullable<ReturnType<typeof makeTransport>>): Promise<void> {
  const capture = await captureMain();
  const event = eventOf(blockedMs, capture);
  log(`main blocked for ${blockedMs} ms: sending ${event.event_id} (${capture.frames ? capture.frames.length : 0} frames)`);
  const dsn = dsnFromString(data.dsn)!;
  const session = capture.scope?.session;
  if (session?.sid) {
    // As the incumbent: the run's session ends abnormal (Sentry keeps a session's first terminal status).
    const s = makeSession(session);
    updateSession(s, { status: 'abnormal', abnormal_mechanism: 'anr_foreground', release: data.release, environment: data.environment });
    await transport.send(createSessionEnvelope(s, dsn, data.sdkMetadata, data.tunnel));
  }
  await transport.send(createEventEnvelope(event, dsn, data.sdkMetadata, data.tunnel));
  await transport.flush(2000);
}

async function watch(): Promise<void> {
  const transport = makeTransport();
  if (!transport) return log('no valid DSN: the watchdog stops');
  const allowed = hourlyLimit(data.maxEventsPerHour);
  let seen = Atomics.load(heartbeat, BEAT);
  let seenAt = performance.now();
  let reported = false;
  log('started');
  for (;;) {
    // Once a block is reported, wait for the next beat with no timeout: one event per block.
    const timeout = reported ? Infinity : Math.max(1, data.threshold - (performance.now() - seenAt));
    const r = waitAsync(heartbeat, BEAT, seen, timeout);
    if (r.async) await r.value;
    const now = performance.now();
    const beat = Atomics.load(heartbeat, BEAT);
    if (beat !== seen) {
      seen = beat;
      seenAt = now;
      reported = false;
      continue;
    }
    if (Atomics.load(heartbeat, PAUSED) === 1) {
      seenAt = now;
      continue;
    }
    const blockedMs = Math.round(now - seenAt);
    if (blockedMs < data.threshold) continue;
    reported = true;
    if (!allowed()) {
      log(`main blocked for ${blockedMs} ms: over maxEventsPerHour, not sent`);
      continue;
    }
    await report(blockedMs, transport).catch((e) => log('could not report the block', e));
  }
}

// A pending Atomics.waitAsync does not keep a thread's loop alive; the port to main does (main unref'ed the worker,
// so this keeps only the worker, never the app, running). Main's one message is its contexts.
parentPort?.on('message', (m: unknown) => {
  const sent = (m as { contexts?: unknown } | null)?.contexts;
  if (sent && typeof sent === 'object') contexts = sent as WatchdogData['contexts'];
});
void watch();
