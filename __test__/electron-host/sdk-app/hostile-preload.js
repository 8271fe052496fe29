// A compromised renderer in the end-to-end tests: its preload talks to main's SDK channels directly with
// malformed, oversized and wrongly typed messages, then floods them (10 000 messages over about a second).
// Everything it sends must be rejected or rate-limited by main without harm.
const { ipcRenderer } = require('electron');

const NS = 'sentry-ipc';
const send = (kind, payload) => ipcRenderer.send(`${NS}.${kind}`, payload);

setTimeout(() => {
  send('envelope', 'x'.repeat(3 * 1024 * 1024)); // over the envelope cap
  send('envelope', { not: 'an envelope' }); // wrong type
  send('envelope', '{"event_id":"x"}\nnot an item header\n'); // does not parse
  send('scope', '{ not json'); // malformed
  send('scope', JSON.stringify({ v: 1, tags: { nested: { object: true } } })); // wrong type inside
  send('scope', JSON.stringify({ v: 1, extra: { blob: 'y'.repeat(200 * 1024) } })); // over the scope cap
  send('scope', JSON.stringify({ v: 2, tags: { a: 'b' } })); // unknown version
  send('scope', 42);
  // The flood: valid, small scope updates, as fast as a loop can send them.
  let sent = 0;
  const burst = () => {
    for (let i = 0; i < 500 && sent < 10000; i++, sent++) send('scope', JSON.stringify({ v: 1, tags: { flood: String(sent) } }));
    if (sent < 10000) setTimeout(burst, 50);
    else ipcRenderer.send('test.flood-done', sent);
  };
  burst();
}, 300);
