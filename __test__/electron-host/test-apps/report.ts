/** What a test app tells the test: one message over the IPC channel launchApp opened. */
export function report(type: string, data: Record<string, unknown> = {}): void {
  process.send!({ type, ...data });
}

/** Runs `fn` and reports the error message it threw (undefined when it did not throw). */
export function thrown(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export const ASSETS = `${__dirname}/assets`;
