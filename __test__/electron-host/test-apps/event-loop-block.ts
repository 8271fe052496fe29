/**
 * Test app for __test__/event-loop-block.spec.ts: main inits the SDK from `/main` with `eventLoopBlockIntegration`
 * from `/native` (DSN in `SENTRY_DSN`, threshold in `BLOCK_THRESHOLD_MS`) and, on `{ cmd: 'block', ms, how }`, sets
 * a tag and blocks its own loop in `spinInsideTheBlockingFunction` — plainly (`how: 'plain'`), with detection
 * paused around it (`paused`), inside `disableBlockDetectionForCallback` (`disabled`), or for good (`forever`:
 * main never turns its loop again, so only the watchdog can report).
 */
import * as Sentry from '../../../ts/main';
import {
  disableBlockDetectionForCallback,
  eventLoopBlockIntegration,
  pauseEventLoopBlockDetection,
  restartEventLoopBlockDetection,
} from '../../../ts/event-loop-block';
import { report } from './report';

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  release: 'block@1.0.0',
  debug: process.env.BLOCK_DEBUG === '1',
  integrations: [eventLoopBlockIntegration({ threshold: Number(process.env.BLOCK_THRESHOLD_MS ?? 400) })],
});

function spinInsideTheBlockingFunction(ms: number): number {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n += 1;
  return n;
}

process.on('message', (m: { cmd: string; ms?: number; how?: string; tag?: string }) => {
  if (m.cmd !== 'block') return;
  Sentry.setTag('block.case', m.tag ?? m.how ?? 'plain');
  const ms = m.ms ?? 1500;
  if (m.how === 'paused') {
    pauseEventLoopBlockDetection();
    spinInsideTheBlockingFunction(ms);
    restartEventLoopBlockDetection();
  } else if (m.how === 'disabled') {
    disableBlockDetectionForCallback(() => spinInsideTheBlockingFunction(ms));
  } else if (m.how === 'forever') {
    for (;;) spinInsideTheBlockingFunction(1000);
  } else {
    spinInsideTheBlockingFunction(ms);
  }
  report('unblocked', { how: m.how });
});

// The watchdog starts after the integrations' set-up; give it a moment before the test blocks anything.
setTimeout(() => report('ready'), 500);
