// The page of crash.ts: nothing to do; the preload crashes.
window.ready = true;
