/**
 * @sentry/electron 7's names of integrations that we do differently, as aliases of ours (same options where the
 * options mean the same; the integration keeps our name, so two of them never run side by side):
 * - sentryMinidumpIntegration → nativeCrashesIntegration (dumps read and symbolicated on the client, then sent
 *   with the event; `name` is 'NativeCrashes');
 * - childProcessIntegration → childProcessGoneIntegration (breadcrumbs and events for child processes that end
 *   abnormally; `name` is 'ChildProcessGone').
 */
import { childProcessGoneIntegration } from './integrations/child-process-gone';
import { nativeCrashesIntegration } from './native-crashes/integration';

export const sentryMinidumpIntegration = nativeCrashesIntegration;
export const childProcessIntegration = childProcessGoneIntegration;
