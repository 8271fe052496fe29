/**
 * The renderer's stack parser (`defaultStackParser`, as @sentry/electron names it). A renderer's stacks are V8's,
 * which the browser SDK's Chrome line parser reads; what it cannot know is that, with `nodeIntegration` on, a page
 * also runs code from `node_modules` and Node's own internals, which are not the app's. Those frames are marked
 * `in_app: false` here, so that grouping and the issue's culprit follow the app's own frames.
 */
import { chromeStackLineParser } from '@sentry/browser';
import { stripSentryFramesAndReverse, type StackFrame, type StackParser } from '@sentry/core';

/** Frames kept per stack, as the browser SDK keeps. */
const FRAME_LIMIT = 50;
/** Longer lines are minified code or data, not frames: the browser SDK skips them too. */
const LONGEST_LINE = 1024;

const [, chromeLine] = chromeStackLineParser;

export const defaultStackParser: StackParser = (stack: string, skipFirstLines = 0, framesToPop = 0): StackFrame[] => {
  const frames: StackFrame[] = [];
  const lines = stack.split('\n');
  for (let i = skipFirstLines; i < lines.length && frames.length < FRAME_LIMIT + framesToPop; i++) {
    const line = lines[i]!;
    if (line.length > LONGEST_LINE) continue;
    const frame = chromeLine(line);
    if (!frame) continue;
    if (frame.filename && !isAppFile(frame.filename)) frame.in_app = false;
    frames.push(frame);
  }
  return stripSentryFramesAndReverse(frames.slice(framesToPop));
};

/** Node's internals (`node:fs`, `internal/…`) and installed packages are not the app's code. */
function isAppFile(filename: string): boolean {
  return !(filename.startsWith('node:') || filename.startsWith('internal/') || /[\\/]node_modules[\\/]/.test(filename));
}
