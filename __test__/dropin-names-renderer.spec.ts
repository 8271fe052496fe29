/**
 * The renderer and preload entries as drop-ins for @sentry/electron 7's: every name its declaration files export
 * from /preload-namespaced is exported by ours (read from both packages' built .d.ts, so a
 * new name in theirs fails here), and every integration factory both export builds an integration of the same
 * `name`, so that `defaults.filter((i) => i.name !== …)` written against theirs keeps working against ours.
 * Reads build/ (`npm run build:ts` first).
 */
import test from 'ava';
import { join } from 'node:path';
import { exportedNames } from './helpers/api-surface';

const root = join(__dirname, '..');

// The names of /renderer and /preload themselves: dropin-names.spec.ts, with the other entries.
test('/preload-namespaced exports every name that @sentry/electron/preload-namespaced 7 exports', (t) => {
  // Not one of the five drop-in subpaths of api-surface.ts, but an app's preload imports it by this name.
  const theirs = exportedNames(join(root, 'node_modules', '@sentry', 'electron', 'preload', 'index.d.ts'));
  const ours = exportedNames(join(root, 'build', 'preload', 'namespaced.d.ts'));
  t.deepEqual([...theirs].filter((n) => !ours.has(n)), []);
});

/** Options for the factories that need some to build at all. */
const FACTORY_OPTIONS: Record<string, unknown> = {
  thirdPartyErrorFilterIntegration: { filterKeys: ['app'], behaviour: 'drop-error-if-contains-third-party-frames' },
  growthbookIntegration: { growthbookClass: class {} },
  statsigIntegration: { featureFlagClient: { on() {} } },
  supabaseIntegration: { supabaseClient: {} },
  unleashIntegration: { featureFlagClientClass: class {} },
  webWorkerIntegration: { worker: { addEventListener() {} } },
};

test('every integration factory of theirs builds an integration of the same name in ours', (t) => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const theirs = require('@sentry/electron/renderer') as Record<string, unknown>;
  const ours = require('@acme/sentry-electron-native/renderer') as Record<string, unknown>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // `addIntegration` ends the same way but adds one; every other such name is a factory.
  const factories = Object.keys(theirs).filter((k) => k.endsWith('Integration') && k !== 'addIntegration' && typeof theirs[k] === 'function');
  t.true(factories.length > 40, `only ${factories.length} integration factories found in theirs`);
  const nameOf = (sdk: Record<string, unknown>, k: string): string => {
    const factory = sdk[k] as ((o?: unknown) => { name: string }) | undefined;
    return typeof factory === 'function' ? factory(FACTORY_OPTIONS[k]).name : `(no ${k})`;
  };
  const differ = factories.filter((k) => nameOf(theirs, k) !== nameOf(ours, k)).map((k) => `${k}: ${nameOf(theirs, k)} vs ${nameOf(ours, k)}`);
  t.deepEqual(differ, []);
});
