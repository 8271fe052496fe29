// A session preload (registerPreloadScript / setPreloads): sandboxed, in the isolated world, before the window's.
const { contextBridge } = require('electron');
globalThis.preloadOrder = ['session'];
let fsError;
try {
  require('fs');
} catch (e) {
  fsError = e.message;
}
const facts = { fsError, sandboxed: process.sandboxed, type: process.type, hasBinding: typeof process.binding, eventsWorks: typeof require('events') };
try {
  contextBridge.exposeInMainWorld('sessionPreload', facts);
} catch (e) {
  globalThis.sessionPreloadError = e.message;
}
