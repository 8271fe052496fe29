/**
 * Test app for __test__/dropin-names.spec.ts: in a main process of the fake host (both SDKs' main entries need
 * `electron`), builds every integration factory that @sentry/electron/main 7 and ours both export and reports each
 * one's `name` on both sides (or what building it threw).
 */
import * as theirs from '@sentry/electron/main';
import * as ours from '../../../ts/main';
import { report } from './report';

/** Options for the factories that need some to build at all. */
const OPTIONS: Record<string, unknown> = {
  growthbookIntegration: { growthbookClass: class {} },
  statsigIntegration: { featureFlagClient: { on() {} } },
  supabaseIntegration: { supabaseClient: {} },
  unleashIntegration: { featureFlagClientClass: class {} },
  launchDarklyIntegration: {},
  openFeatureIntegration: {},
};

const nameOf = (sdk: Record<string, unknown>, factory: string): string => {
  try {
    return String((sdk[factory] as (o?: unknown) => { name: string })(OPTIONS[factory]).name);
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
};

// addIntegration adds one; every other `…Integration` export builds one.
const factories = Object.keys(theirs).filter((k) => k.endsWith('Integration') && k !== 'addIntegration' && typeof (theirs as Record<string, unknown>)[k] === 'function');
report('names', {
  names: factories.map((factory) => ({ factory, theirs: nameOf(theirs as Record<string, unknown>, factory), ours: nameOf(ours as Record<string, unknown>, factory) })),
});
process.exit(0);
