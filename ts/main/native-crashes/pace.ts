/**
 * Native crash handling shares main's JS thread with the app, so it goes at a pace: a pause between two dumps and
 * between the steps of reporting one (parse, event, pipeline, queue write, bookkeeping). Each step costs the thread
 * a millisecond or a few — the report's JSON, the event pipeline, and above all the wake-ups of the dozens of file
 * operations the queue and the ledger make — and run back to back, a crash loop's hundreds of dumps kept the thread
 * busy for tens of milliseconds in every 100. Paced, the SDK's share stays within 5 ms in any 100 ms window
 * (measured by bench/crash-loop.mjs), and 200 dumps take some tens of seconds to work through (40-50 s on the
 * test machines, most of it the pauses before the 190 dumps over the per-session cap), which no crash report notices.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Between the steps of reporting one crash: longer than a window, so that no 100 ms holds two steps. */
export const STEP_PAUSE_MS = 150;
/** Before each dump, and between chunks of a folder's listing (a discarded dump costs a handful of file operations). */
export const DUMP_PAUSE_MS = 100;

export const pause = (ms: number = STEP_PAUSE_MS): Promise<void> => delay(ms);
