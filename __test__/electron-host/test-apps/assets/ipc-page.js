// The page of ipc-protocol.ts: IPC through window.bridge (see bridge-preload.js) and fetch of the app scheme.
window.pageState = { loaded: true, bridgeKeys: Object.keys(window.bridge).sort(), hasRequire: typeof require };
window.bridge.on('to-renderer', (word, bytes) => {
  window.bridge.send('page-got', word, Array.from(bytes), bytes instanceof Uint8Array);
});
window.bridge.send('to-main', 'ping', new Uint8Array([1, 2, 3]));

(async () => {
  const sum = await window.bridge.invoke('add', 2, 3);
  const failure = await window.bridge.invoke('fail').catch((e) => e.message);
  const missing = await window.bridge.invoke('nobody').catch((e) => e.message);
  const bytes = new Uint8Array(256).map((_, i) => i);
  const res = await fetch('app://bundle/echo', { method: 'POST', body: bytes, headers: { 'x-test': 'abc' } });
  const back = new Uint8Array(await res.arrayBuffer());
  const notFetchable = await fetch('lost://x/y').then(() => 'fetched', (e) => `${e.name}: ${e.message} ${e instanceof TypeError}`);
  window.bridge.send('page-results', { sum, failure, missing, status: res.status, echo: res.headers.get('x-echo'), back: Array.from(back), notFetchable });
})();
