/**
 * The renderer's liveness message of RendererEventLoopBlock, as @sentry/electron 7's renderer sends it on its
 * `status` channel (./ipc.ts's `status` kind): `{ status: 'alive' | 'visible' | 'hidden', config: { anrThreshold, pollInterval,
 * captureStackTrace } }`, every `pollInterval` ms while the renderer's loop turns. Validated here, once, for main
 * (a renderer is untrusted: a threshold of 0 or a huge payload must not make main busy).
 */

export type RendererVisibility = 'alive' | 'visible' | 'hidden';

export interface RendererStatus {
  status: RendererVisibility;
  config: { anrThreshold: number; pollInterval: number; captureStackTrace: boolean };
}

/** Thresholds and poll intervals outside these bounds are refused. */
export const STATUS_BOUNDS = { minMs: 50, maxMs: 10 * 60 * 1000 } as const;

const inBounds = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= STATUS_BOUNDS.minMs && v <= STATUS_BOUNDS.maxMs;

/** A status from a renderer, checked field by field; `undefined` for anything else. */
export function validateRendererStatus(raw: unknown): RendererStatus | undefined {
  const value = typeof raw === 'string' && raw.length < 4096 ? safeParse(raw) : raw;
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, config } = value as { status?: unknown; config?: unknown };
  if (status !== 'alive' && status !== 'visible' && status !== 'hidden') return undefined;
  if (typeof config !== 'object' || config === null) return undefined;
  const c = config as { anrThreshold?: unknown; pollInterval?: unknown; captureStackTrace?: unknown };
  if (!inBounds(c.anrThreshold)) return undefined;
  const pollInterval = c.pollInterval === undefined ? c.anrThreshold / 2 : c.pollInterval;
  if (!inBounds(pollInterval)) return undefined;
  return { status, config: { anrThreshold: c.anrThreshold, pollInterval, captureStackTrace: c.captureStackTrace !== false } };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
