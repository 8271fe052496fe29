/**
 * Names that @sentry/electron 7 exports from Sentry JS v10 whose meaning v11 changed, the same in every process's
 * entry (/main and /renderer take them from here), kept so that v7 code compiles and behaves as it did:
 * - `inboundFiltersIntegration`: v10's older name for `eventFiltersIntegration`, with its own integration name
 *   `InboundFilters` (what a `defaults.filter((i) => i.name !== 'InboundFilters')` looks for);
 * - `SEMANTIC_ATTRIBUTE_SENTRY_SOURCE`: v11 keeps a root span's name source under `sentry.segment.name.source`
 *   (`sentry.source` is no longer read), so the old constant names the attribute v11 reads.
 */
import { defineIntegration, eventFiltersIntegration, type Integration } from '@sentry/core';

export const SEMANTIC_ATTRIBUTE_SENTRY_SOURCE = 'sentry.segment.name.source';

/** The options of `eventFiltersIntegration` (core does not export their type by name). */
type EventFilterOptions = Parameters<typeof eventFiltersIntegration>[0];

export const inboundFiltersIntegration: (options?: EventFilterOptions) => Integration & { name: 'InboundFilters' } = defineIntegration((options: EventFilterOptions = {}) => ({
  ...eventFiltersIntegration(options),
  name: 'InboundFilters' as const,
}));
