// Bundled by the test (esbuild, IIFE): the Sentry browser SDK in a Node-mode page, its envelopes sent to main.
import * as Sentry from '@sentry/browser';
import { createTransport } from '@sentry/core';

Sentry.init({
  dsn: 'https://public@o1.ingest.sentry.io/1',
  transport: (options) =>
    createTransport(options, async (request) => {
      window.bridge.send('envelope', request.body);
      return { statusCode: 200 };
    }),
});
Sentry.setTag('page', 'sentry');
console.log('breadcrumb from the console');
setTimeout(() => {
  throw new Error('boom from the page');
}, 10);
