// Installed first, like an SDK: records what window.onerror and the error / unhandledrejection listeners see.
const seen = [];
window.onerror = (message, source, lineno, colno, error) => {
  seen.push({ via: 'onerror', message, source, lineno, colno, isError: error instanceof Error, error: error && error.message });
};
window.addEventListener('error', (event) => {
  seen.push({ via: 'error-listener', message: event.message, error: event.error && event.error.message });
  if (event.error && event.error.message === 'from a timer') event.preventDefault();
});
window.addEventListener('unhandledrejection', (event) => {
  seen.push({ via: 'unhandledrejection', reason: event.reason && event.reason.message, isPromise: event.promise instanceof Promise });
});
setTimeout(() => window.bridge.send('errors', seen.concat([{ via: 'afterThrow', ran: window.afterThrow === true }])), 200);
