import { abortError, MinidumpError, toMinidumpError } from './errors';
import { defaultConcurrency, Limiter } from './limiter';
import { loadNative, type NativeBinding } from './load';

// Internal to ts/native/: not re-exported from the package root, so the raw binding's types stay out of
// the published declarations.

/** The one bound on native work in libuv's pool, shared by parses, envelopes and strips. */
export const limiter = new Limiter(defaultConcurrency());

/**
 * Runs one native task on the thread pool within the concurrency bound, with `options.signal` wired to its
 * cancel handle. `prepare` checks the arguments (before a slot is taken) and returns the call to make.
 * Every pool task of the package (parses, envelopes, strips) shares this one bound.
 */
export async function onPool<T>(
  options: { signal?: AbortSignal },
  prepare: (native: NativeBinding) => (cancel: InstanceType<NativeBinding['CancelHandle']> | undefined) => Promise<T>,
): Promise<T> {
  const signal = options?.signal;
  let release: (() => void) | undefined;
  try {
    const native = loadBinding();
    const call = prepare(native);
    if (signal?.aborted) throw abortError(signal);
    // A free slot is taken at once: waiting for the limiter's promise would cost the call a turn of the
    // microtask queue even when nothing else is running.
    release = limiter.tryAcquire() ?? (await limiter.acquire(signal));
    if (!signal) return await call(undefined);
    // Without a signal nothing can cancel the task, so only a call with one pays for a handle.
    const cancel = new native.CancelHandle();
    const onAbort = () => cancel.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await call(cancel);
      if (signal.aborted) throw abortError(signal);
      return result;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  } catch (e) {
    throw toMinidumpError(e);
  } finally {
    release?.();
  }
}

/** Runs work against the addon on the calling thread, with the same error mapping. */
export function inline<T>(work: (native: NativeBinding) => T): T {
  try {
    return work(loadBinding());
  } catch (e) {
    throw toMinidumpError(e);
  }
}

function loadBinding(): NativeBinding {
  try {
    return loadNative();
  } catch (e) {
    throw new MinidumpError('ERR_NO_NATIVE_BINARY', (e as Error).message, { cause: e });
  }
}
