/**
 * The first code of a utility (or fake GPU) process started by ./utility-process.ts. Waits for main's `init`
 * (whether Crashpad's handler runs; its socket is at CHILD_FD), becomes its client, gives the module `process.parentPort` as Electron does, then runs
 * the module (none for a GPU process, which only waits). `crash` from main crashes natively.
 */
import { EventEmitter } from 'node:events';
import { connectChild, crashThisProcess, type ChildConnection } from './native-crash';

type FromMain = { t: 'init'; connection?: ChildConnection } | { t: 'message'; data: unknown } | { t: 'crash' };

class ParentPort extends EventEmitter {
  postMessage(message: unknown): void {
    process.send?.({ t: 'message', data: message });
  }
}

const [modulePath] = process.argv.slice(2);
const parentPort = new ParentPort();
Object.assign(process, { parentPort });

process.on('message', (m: FromMain) => {
  if (m.t === 'message') parentPort.emit('message', { data: m.data, ports: [] });
  else if (m.t === 'crash') crashThisProcess();
  else if (m.t === 'init') void start(m.connection);
});
// Main gone: so is this process (Chromium's children do not outlive the browser).
process.on('disconnect', () => process.exit(0));

async function start(connection: ChildConnection | undefined): Promise<void> {
  if (connection) {
    try {
      connectChild(connection);
    } catch (e) {
      process.stderr.write(`fake utility process: cannot become a Crashpad client: ${String(e)}\n`);
    }
  }
  process.send?.({ t: 'spawned' });
  if (!modulePath) return; // a GPU process: waits for main
  // The IPC channel keeps a utility process alive only while its module listens on parentPort.
  process.channel?.unref();
  parentPort.on('newListener', (event) => event === 'message' && process.channel?.ref());
  require(modulePath);
}
