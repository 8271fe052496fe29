/**
 * `showReportDialog`, as @sentry/electron 7's renderer exports it: the dialog is loaded from the DSN's host, and a
 * renderer has no DSN (main owns it), so it says why once and reports the failure through `onError` instead of
 * loading from the placeholder address. (The other v10 names whose meaning v11 changed are in
 * ../common/v10-renames.ts, shared with /main.)
 */
import { showReportDialog as browserShowReportDialog } from '@sentry/browser';
import { debug, getClient, type ReportDialogOptions } from '@sentry/core';
import { PLACEHOLDER_DSN } from './transport';

export { SEMANTIC_ATTRIBUTE_SENTRY_SOURCE, inboundFiltersIntegration } from '../common/v10-renames';

let dialogWarned = false;

export function showReportDialog(options: ReportDialogOptions = {}): void {
  const dsn = getClient()?.getDsn();
  const placeholder = dsn !== undefined && `https://${dsn.publicKey}@${dsn.host}/${dsn.projectId}` === PLACEHOLDER_DSN;
  if (!placeholder) {
    browserShowReportDialog(options);
    return;
  }
  const why =
    'showReportDialog needs the DSN, which only main has in an Electron app; ' +
    'use feedbackIntegration() or captureFeedback() in the renderer, which reach Sentry through main';
  if (!dialogWarned) {
    dialogWarned = true;
    debug.warn(`[sentry-electron-native] ${why}`);
  }
  options.onError?.(new Error(why));
}
