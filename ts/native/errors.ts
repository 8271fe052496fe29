import { NATIVE_ERROR_CODES } from './contract.generated';
import type { MinidumpErrorCode } from './types';

// The core's codes come from the Rust (contract.generated.ts); the loader adds its own.
const CODES: ReadonlySet<string> = new Set<MinidumpErrorCode>([...NATIVE_ERROR_CODES, 'ERR_NO_NATIVE_BINARY']);

/** The error every native call rejects or throws with; `code` is stable across releases. */
export class MinidumpError extends Error {
  override readonly name = 'MinidumpError';
  readonly code: MinidumpErrorCode;

  constructor(code: MinidumpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Turns whatever the addon threw into a `MinidumpError`. The binding prefixes every message with its
 * code (`ERR_IO: …`); anything else (a napi argument error, say) is the caller's bad argument.
 */
export function toMinidumpError(err: unknown): MinidumpError {
  if (err instanceof MinidumpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const match = /^(ERR_[A-Z_]+): ([\s\S]*)$/.exec(message);
  if (match && CODES.has(match[1]!)) {
    return new MinidumpError(match[1] as MinidumpErrorCode, match[2]!, { cause: err });
  }
  return new MinidumpError('ERR_INVALID_ARGUMENT', message, { cause: err });
}

export function abortError(signal: AbortSignal): MinidumpError {
  return new MinidumpError('ERR_ABORTED', 'the parse was aborted', { cause: signal.reason });
}
