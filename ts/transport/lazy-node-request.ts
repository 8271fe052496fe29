/**
 * `makeNodeRequest`, loaded when first called: it brings node:http and node:https, which Electron's main process
 * (whose transport sends through Electron's `net`) does not need at start-up.
 */
import type * as NodeRequest from './node-request';

export const makeNodeRequest: typeof NodeRequest.makeNodeRequest = (options) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./node-request') as typeof NodeRequest).makeNodeRequest(options);
