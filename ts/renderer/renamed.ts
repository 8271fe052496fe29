/**
 * Names @sentry/electron 7 exports from the renderer whose Sentry JS v10 meaning changed in v11, kept so that v7
 * code compiles and behaves as it did:
 * - `inboundFiltersIntegration`: v10's older name for `eventFiltersIntegration`, with its own integration name
 *   `InboundFilters` (what a `defaults.filter((i) => i.name !== 'InboundFilters')` looks for);
 * - `SEMANTIC_ATTRIBUTE_SENTRY_SOURCE`: v11 keeps a root span's name source under `sentry.segment.name.source`
 *   (`sentry.source` is no longer read), so the old constant names the attribute v11 reads;
 * - `showReportDialog`: the dialog is loaded from the DSN's host, and a renderer has no DSN (main owns it), so it
 *   says why once and reports the failure through `onError` instead of loading from the placeholder address.
 */
import { eventFiltersIntegration, showReportDialog as browserShowReportDialog } from '@sentry/browser';
import { debug, defineIntegration, getClient, type Integration, type ReportDialogOptions } from '@sentry/core';
import { PLACEHOLDER_DSN } from './transport';

export const SEMANTIC_ATTRIBUTE_SENTRY_SOURCE = 'sentry.segment.name.source';

/** The options of `eventFiltersIntegration` (core does not export their type by name). */
type EventFilterOptions = Parameters<typeof eventFiltersIntegration>[0];

export const inboundFiltersIntegration: (options?: EventFilterOptions) => Integration & { name: 'InboundFilters' } = defineIntegration((options: EventFilterOptions = {}) => ({
  ...eventFiltersIntegration(options),
  name: 'InboundFilters' as const,
}));

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
