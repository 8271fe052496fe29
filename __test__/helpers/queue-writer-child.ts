// Writes queue entries in a loop until killed; prints `done <name>` once each push has resolved.
import { DurableQueue } from '../../ts/transport/queue';
import { writeEntryJs } from '../../ts/transport/queue-entry';
import { loadNativeEnvelope, nativeEntryWriter } from '../../ts/transport/native-queue-writer';
import { crashEnvelope, eventEnvelope } from './transport';

// argv[3] === 'native': entries written by the addon's writeEnvelope (when built), else gzip in JS.
const native = process.argv[3] === 'native' ? loadNativeEnvelope() : undefined;
const writer = native ? nativeEntryWriter(native, writeEntryJs) : writeEntryJs;
const queue = new DurableQueue({ dir: process.argv[2]!, maxBytes: 1 << 30, writer });
process.stdout.write(`ready ${native ? 'native' : 'js'}\n`);
void (async () => {
  for (let i = 0; ; i++) {
    const envelope = i % 3 === 0 ? crashEnvelope(`c${i}`, 1000 + ((i * 7919) % 60_000)) : eventEnvelope(`e${i}`, (i * 104_729) % 20_000);
    const info = await queue.push(envelope);
    process.stdout.write(`done ${info.name}\n`);
  }
})();
