// A utility process (utilityProcess.fork): echoes main's messages until told to crash.
process.parentPort.on('message', (event) => {
  if (event.data === 'crash') process.crash();
  else process.parentPort.postMessage(`echo:${event.data}`);
});
