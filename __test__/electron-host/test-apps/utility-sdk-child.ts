/** The utility process of ./utility-sdk.ts: the `/utility` SDK as an app's utility module would use it. */
import * as Sentry from '../../../ts/utility';

Sentry.init({ debug: process.env.UTILITY_DEBUG === '1' });
Sentry.setTag('utility.tag', 'from-utility');
Sentry.addBreadcrumb({ category: 'test', message: 'a breadcrumb in the utility process' });
Sentry.captureException(new Error('thrown in the utility process'));

const port = (process as unknown as { parentPort: import('electron').ParentPort }).parentPort;
port.on('message', (event) => port.postMessage({ echo: event.data }));
