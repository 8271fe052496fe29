/**
 * `/main` as a drop-in for @sentry/electron 7's, through a real main process of the fake Electron host running a v7
 * app's main script (__test__/electron-host/test-apps/dropin-main.ts): the release, environment, tags and contexts
 * that dashboards and alerts match, Node's integrations loaded after start-up (not in `init()`), scopes and spans
 * that follow async calls, and the Electron integrations the app gets by default.
 */
import test from 'ava';
import * as path from 'node:path';
import type { Event } from '@sentry/core';
import * as Sentry from '../ts/main';
import { launchApp, type LaunchedApp } from './electron-host/launch';
import { until } from './helpers/transport';

const APP = path.join(__dirname, 'electron-host', 'test-apps', 'dropin-main.ts');

type Item = [{ type: string }, Record<string, any>];
const itemsOf = (app: LaunchedApp): Item[] => app.messages.flatMap((m: any) => (m.type === 'envelope' ? (m.items as Item[]) : []));
const ofType = (app: LaunchedApp, type: string) => itemsOf(app).filter(([h]) => h.type === type).map(([, b]) => b as Event);
interface StreamedSpan {
  name: string;
  span_id: string;
  trace_id: string;
  is_segment: boolean;
  attributes: Record<string, { value: unknown }>;
}
const spansOf = (app: LaunchedApp): StreamedSpan[] => itemsOf(app).filter(([h]) => h.type === 'span').flatMap(([, b]) => b.items as StreamedSpan[]);
const opOf = (span: StreamedSpan | undefined) => span?.attributes['sentry.op']?.value;

test.serial('a v7 main script: default release and environment, v7 tags and contexts, Node and Electron integrations, async scopes and spans', async (t) => {
  const app = launchApp({ main: APP, args: ['run'], name: 'Drop In App', version: '1.2.3' });
  t.teardown(() => app.dispose());
  const initialised = await app.waitForMessage((m) => m.type === 'initialised');
  // init() does not load @sentry/node (its ~300 ms); the Node integrations are there by name all the same.
  t.false(initialised.nodeLoaded);
  for (const name of ['NativeCrashes', 'ElectronNet', 'Screenshots', 'GpuContext', 'RendererEventLoopBlock', 'UtilityProcessIpc', 'AdditionalContext', 'Console', 'NodeFetch', 'ContextLines', 'LocalVariablesAsync', 'Context', 'NormalizePaths', 'StartupTracing']) {
    t.true(initialised.integrations.includes(name), name);
  }
  // The light Node integrations load from their own files after ready (ContextLines' lines below): never the package.
  t.false((await app.waitForMessage((m) => m.type === 'later')).nodeLoaded, 'the whole of @sentry/node is not loaded');
  await app.waitForMessage((m) => m.type === 'done');
  // Spans are streamed (Sentry JS v11's default): span v2 items; the Startup segment ends 5 s after dom-ready (no pageload trace comes).
  await until(() => spansOf(app).some((sp) => sp.name === 'Startup' && sp.is_segment), 12_000);

  const events = ofType(app, 'event');
  const failure = events.find((e) => e.exception?.values?.[0]?.value === 'drop-in failure');
  t.truthy(failure, 'the captured exception arrived');
  // @sentry/electron's default release: the app's name with \W as '-'; not packaged: development.
  t.is(failure!.release, 'Drop-In-App@1.2.3');
  t.is(failure!.environment, 'development');
  t.like(failure!.tags, { 'event.process': 'browser', 'event.origin': 'electron', 'event.environment': 'javascript', processed: 'yes' });
  const c = failure!.contexts as Record<string, any>;
  t.like(c.app, { app_name: 'Drop In App', app_version: '1.2.3', app_arch: process.arch });
  t.like(c.runtime, { name: 'Electron' });
  t.like(c.electron, { process_type: 'browser' });
  t.truthy(c.os?.name);
  t.like(c.device, { family: 'Desktop' });
  t.like(c.chrome, { name: 'Chrome', type: 'runtime' });
  t.like(c.node, { name: 'Node', type: 'runtime' });

  // ContextLines (@sentry/node's, loaded late) added the source line; NormalizePaths (last) made the path app:///.
  const frames = failure!.exception!.values![0]!.stacktrace!.frames!;
  const own = frames.find((f) => f.function === 'failing');
  t.is(own?.filename, 'app:///dropin-main.ts');
  t.regex(own?.context_line ?? '', /throw new Error\('drop-in failure'\)/);

  // ElectronNet: the request through Electron's net is a breadcrumb, with its status.
  const crumb = failure!.breadcrumbs?.find((b) => b.category === 'electron.net');
  t.like(crumb, { type: 'http', data: { method: 'GET', status_code: 404 } });
  t.regex(String(crumb?.data?.url), /\/missing$/);

  // Isolation scopes follow their own awaits.
  t.is(events.find((e) => e.message === 'unit a')?.tags?.unit, 'a');
  t.is(events.find((e) => e.message === 'unit b')?.tags?.unit, 'b');

  // The message inside startSpan belongs to the span's trace; the span arrives as a segment of its own.
  const spans = spansOf(app);
  const job = spans.find((sp) => sp.name === 'job' && sp.is_segment);
  t.is(opOf(job), 'task');
  t.is(events.find((e) => e.message === 'inside the span')?.contexts?.trace?.trace_id, job?.trace_id);

  // StartupTracing: an app.start segment with Electron's start-up steps under it.
  const startup = spans.find((sp) => sp.name === 'Startup' && sp.is_segment);
  t.is(opOf(startup), 'app.start');
  const steps = spans.filter((sp) => sp.attributes['sentry.segment.id']?.value === startup?.span_id && !sp.is_segment).map(opOf);
  for (const op of ['electron.ready', 'electron.web-contents.created', 'electron.web-contents.dom-ready']) t.true(steps.includes(op), op);

  // Sentry.logger is @sentry/node's (printf templates), loaded alone: a log item with the formatted message.
  const logs = itemsOf(app).filter(([h]) => h.type === 'log').flatMap(([, b]) => b.items as Array<{ body: string; attributes: Record<string, { value: unknown }> }>);
  const opened = logs.find((l) => l.body === 'opened 1 windows');
  t.truthy(opened, JSON.stringify(logs.map((l) => l.body)));
  t.is(opened?.attributes['sentry.message.template']?.value, 'opened %d windows');

  // Screenshots: the fake window cannot capture; said once in the debug log, and the events went on without.
  t.is(app.stdout().split('BrowserWindow.capturePage is not available').length - 1, 1);
  t.false(itemsOf(app).some(([h]) => h.type === 'attachment'));
});

test.serial('enableOpenTelemetrySetup (as in @sentry/node 11): an OpenTelemetry tracer\'s span is the active trace of the events inside it', async (t) => {
  const app = launchApp({ main: APP, args: ['otel'], name: 'Drop In App', version: '1.2.3' });
  t.teardown(() => app.dispose());
  const { traceId, hasProvider } = await app.waitForMessage((m) => m.type === 'otel');
  t.true(hasProvider, "Sentry's tracer provider is registered");
  await until(() => ofType(app, 'event').length > 0, 5000);
  const event = ofType(app, 'event').find((e) => e.message === 'inside an OpenTelemetry span');
  t.is(event?.contexts?.trace?.trace_id, traceId);
});

test.serial('electronMinidumpIntegration: Crashpad uploads to the minidump endpoint with the scope in its annotations, instead of NativeCrashes; GpuContext from app.getGPUInfo', async (t) => {
  const app = launchApp({ main: APP, args: ['minidump'], name: 'Drop In App', version: '1.2.3' });
  t.teardown(() => app.dispose());
  const initialised = await app.waitForMessage((m) => m.type === 'initialised');
  t.true(initialised.integrations.includes('ElectronMinidump'));
  t.false(initialised.integrations.includes('NativeCrashes'), 'the two would report each crash twice');
  const { uploads, parameters } = await app.waitForMessage((m) => m.type === 'minidump');
  t.true(uploads);
  const json = Object.keys(parameters).filter((k) => k.startsWith('sentry__')).sort().map((k) => parameters[k]).join('');
  const scope = JSON.parse(json) as Event;
  t.like(scope, { level: 'fatal', platform: 'native', release: 'Drop-In-App@1.2.3', environment: 'development', user: { id: 'u-42' }, tags: { plan: 'pro', 'event.environment': 'native' } });
  t.is(Sentry.minidumpUrlFromDsn('https://public@sentry.example/1'), 'https://sentry.example/api/1/minidump/?sentry_key=public');

  const gpu = ofType(app, 'event').find((e) => e.message === 'with a GPU')?.contexts?.gpu;
  t.like(gpu, { name: 'GeForce GTX 1050 Ti', vendor_id: '0x10de', id: '0x1c82', vendor_name: 'NVIDIA', driver_version: '535.1', active: true });
});
