/**
 * ElectronNet: requests made through Electron's `net.request` (and what is built on it) become breadcrumbs, client
 * spans of the active trace, and optionally log entries, with trace headers added for `tracePropagationTargets`.
 * The SDK's own requests to Sentry are left out (their URL carries `sentry_key`, or they go to the tunnel).
 */
import {
  addBreadcrumb,
  debug,
  defineIntegration,
  getBreadcrumbLogLevelFromHttpStatusCode,
  getTraceData,
  logger,
  parseStringToURLObject,
  SEMANTIC_ATTRIBUTE_SENTRY_ORIGIN,
  SentryNonRecordingSpan,
  setHttpStatus,
  startInactiveSpan,
  stringMatchesSomePattern,
  withActiveSpan,
  type Client,
  type Span,
} from '@sentry/core';
import type { ClientRequest, ClientRequestConstructorOptions, IncomingMessage } from 'electron';
import { electron } from '../electron';
import { guardedSetup } from './shared';

export interface NetOptions {
  /** A breadcrumb per request (default true). */
  breadcrumbs?: boolean;
  /** A span per request: `true`/`false`, or decided per method and URL (default true). */
  tracing?: ((method: string, url: string) => boolean) | boolean;
  /** A log entry per request through Sentry's logs (default false). */
  logs?: boolean;
}

/** The method and final URL of `net.request(options)`, as Electron composes it from its options. */
export function requestTarget(options: ClientRequestConstructorOptions | string): { method: string; url: string } {
  if (typeof options === 'string') return { method: 'GET', url: URL.canParse(options) ? new URL(options).href : options };
  const method = (options.method || 'GET').toUpperCase();
  if (options.url) return { method, url: options.url };
  const where = parseStringToURLObject(options.path || '/');
  const protocol = options.protocol || 'http:';
  const host = options.host || `${options.hostname || 'localhost'}${options.port ? `:${options.port}` : ''}`;
  const url = `${protocol}//${host}${where?.pathname ?? '/'}${where?.search ?? ''}${where?.hash ?? ''}`;
  return { method, url };
}

type RequestFn = (options: ClientRequestConstructorOptions | string, ...rest: unknown[]) => ClientRequest;

export const electronNetIntegration = defineIntegration((options: NetOptions = {}) => {
  let original: RequestFn | undefined;
  return {
    name: 'ElectronNet',
    setup(client: Client): void {
      if (options.breadcrumbs === false && options.tracing === false) return;
      guardedSetup('ElectronNet', () => {
        const net = electron().net as unknown as { request: RequestFn };
        original ??= net.request;
        const inner = original;
        net.request = function (this: unknown, reqOptions, ...rest) {
          const request = inner.apply(this, [reqOptions, ...rest]);
          try {
            observe(request, requestTarget(reqOptions), options, client);
          } catch (e) {
            debug.warn('[ElectronNet] could not observe a request', e);
          }
          return request;
        };
      });
    },
  };
});

function observe(request: ClientRequest, { method, url }: { method: string; url: string }, options: NetOptions, client: Client): void {
  const { tunnel, tracePropagationTargets, propagateTraceparent } = client.getOptions() as {
    tunnel?: string;
    tracePropagationTargets?: Array<string | RegExp>;
    propagateTraceparent?: boolean;
  };
  if (/[?&]sentry_key=/.test(url) || (tunnel && url.startsWith(tunnel)) || request.getHeader('x-sentry-auth')) return;

  const traced = options.tracing === undefined || options.tracing === true || (typeof options.tracing === 'function' && options.tracing(method, url));
  const span: Span = traced
    ? startInactiveSpan({ name: `${method} ${url}`, op: 'http.client', onlyIfParent: true, attributes: { url, type: 'net.request', 'http.method': method } })
    : new SentryNonRecordingSpan();
  span.setAttribute(SEMANTIC_ATTRIBUTE_SENTRY_ORIGIN, 'auto.http.electron.net');
  if (!tracePropagationTargets || stringMatchesSomePattern(url, tracePropagationTargets)) {
    const inject = (): void => {
      for (const [key, value] of Object.entries(getTraceData({ propagateTraceparent }))) if (value) request.setHeader(key, value);
    };
    if (span.isRecording()) withActiveSpan(span, inject);
    else inject();
  }

  const finish = (outcome: 'response' | 'error', response: IncomingMessage | undefined): void => {
    const status = response?.statusCode;
    if (options.breadcrumbs !== false) {
      const level = getBreadcrumbLogLevelFromHttpStatusCode(status);
      addBreadcrumb({ type: 'http', category: 'electron.net', level, data: { url, method, status_code: status } }, { event: outcome, request, response });
      if (options.logs) {
        const attributes = { 'sentry.origin': 'auto.electron.net', statusCode: status };
        if (level === 'error') logger.error(logger.fmt`Electron.net request failed: ${method} ${url}`, attributes);
        else if (level === 'warning') logger.warn(logger.fmt`Electron.net request warning: ${method} ${url}`, attributes);
        else logger.info(logger.fmt`Electron.net request succeeded: ${method} ${url}`, attributes);
      }
    }
    setHttpStatus(span, status ?? 500);
    span.end();
  };
  request.once('response', (response: IncomingMessage) => finish('response', response));
  request.once('error', () => finish('error', undefined));
}
