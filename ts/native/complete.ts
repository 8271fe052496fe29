import type { NativeBinding } from './load';
import { nativeInput, type MinidumpInput } from './parse';
import { inline, onPool } from './pool';
import type { MinidumpCheck, MinidumpCheckCode } from './types';

type NativeCheck = ReturnType<NativeBinding['checkMinidumpSync']>;

function verdict(c: NativeCheck): MinidumpCheck {
  if (c.complete) return { complete: true, size: c.size };
  return { complete: false, size: c.size, reason: c.reason ?? '', code: c.code as MinidumpCheckCode };
}

/**
 * Whether `input` is a complete minidump, judged from its structure alone (never from times): the header,
 * the stream directory, every stream's range, the streams a usable crash needs (system info, thread list,
 * module list), list counts against stream sizes, and every stack, context, module name and memory region
 * lying inside the file. Cheap (it reads a few kilobytes, whatever the dump's size), on libuv's pool.
 *
 * Resolves to the verdict, also for damaged or partial files; rejects with a `MinidumpError` only when the
 * input cannot be read (`ERR_IO`: missing, not a regular file) or is not a path or bytes (`ERR_INVALID_ARGUMENT`).
 */
export function checkMinidump(input: MinidumpInput): Promise<MinidumpCheck> {
  return onPool({}, (native) => {
    const arg = nativeInput(input);
    return () => native.checkMinidumpAsync(arg).then(verdict);
  });
}

/** `checkMinidump` on the calling thread (it reads a JavaScript buffer in place). */
export function checkMinidumpSync(input: MinidumpInput): MinidumpCheck {
  return inline((native) => verdict(native.checkMinidumpSync(nativeInput(input))));
}
