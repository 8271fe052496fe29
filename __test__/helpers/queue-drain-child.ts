// Drains a shared queue into the receiver at argv[3], then exits.
import { makeNativeTransport } from '../../ts/transport';

const transport = makeNativeTransport({
  url: process.argv[3]!,
  queueDir: process.argv[2]!,
  recordDroppedEvent: () => undefined,
  flushAtStartup: false,
  replayGapMs: 0,
});
void (async () => {
  await transport.drain();
  transport.close();
  process.stdout.write('drained\n');
})();
