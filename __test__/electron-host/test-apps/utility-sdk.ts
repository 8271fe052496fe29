/**
 * Test app for __test__/utility-sdk.spec.ts: main inits the SDK from `/main` (DSN in `SENTRY_DSN`) and, once ready,
 * forks ./utility-sdk-child.ts as a utility process named `worker-one`, whose module inits `/utility`, sets a tag,
 * adds a breadcrumb and captures an exception. Main's own `message` listener on the child reports what it sees
 * (`utility-message`), and main pings the child, which echoes what its `parentPort` listener saw.
 */
import { app, utilityProcess } from 'electron';
import { join } from 'node:path';
import * as Sentry from '../../../ts/main';
import { report } from './report';

Sentry.init({ dsn: process.env.SENTRY_DSN, release: 'utility-app@2.0.0', environment: 'utility-test' });
Sentry.setTag('main.tag', 'from-main');

void app.whenReady().then(() => {
  const child = utilityProcess.fork(join(__dirname, 'utility-sdk-child.ts'), [], { serviceName: 'worker-one' });
  child.on('message', (message: unknown) => report('utility-message', { message }));
  child.on('spawn', () => {
    report('utility-spawned', { pid: child.pid });
    setTimeout(() => child.postMessage({ ping: 1 }), 300);
  });
});
