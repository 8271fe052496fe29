/**
 * `dialog`, as far as a headless app uses it: `showErrorBox(title, content)`, which Electron on Linux prints to
 * stderr when it cannot show a window (and here it never can). Every call is also kept, for tests
 * (`fakeElectron.errorBoxes()`). Electron's own uncaught-exception handler in main (installed by ../hook.cjs) shows
 * its "A JavaScript error occurred in the main process" box through this.
 */
const shown: Array<{ title: string; content: string }> = [];

export const dialog = {
  showErrorBox(title: string, content: string): void {
    shown.push({ title, content });
    process.stderr.write(`${title}\n${content}\n`);
  },
};

/** The error boxes shown so far (not an Electron API). */
export function errorBoxes(): Array<{ title: string; content: string }> {
  return shown.map((b) => ({ ...b }));
}
