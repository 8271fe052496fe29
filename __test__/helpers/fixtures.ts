import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Made by `npm run fixtures` (scripts/make-fixtures.sh): real crashes of crates/crash-fixture. */
export const FIXTURES = join(__dirname, '..', 'fixtures', 'generated');
export const FIXTURE_SYMBOLS = join(FIXTURES, 'symbols');

export interface FixtureKind {
  dump: string;
  signal: string | null;
  crashingFunction: string | null;
  file: string | null;
  line: number | null;
  threadName: string | null;
  hasException: boolean;
}

export interface FixtureManifest {
  module: { debugFile: string; debugId: string; sym: string };
  kinds: Record<string, FixtureKind>;
}

/** The manifest; a missing one is an error, not a skip: the fixtures are ours to make. */
export function fixtureManifest(): FixtureManifest {
  const path = join(FIXTURES, 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run fixtures\` first`);
  return JSON.parse(readFileSync(path, 'utf8')) as FixtureManifest;
}

export const fixtureDump = (kind: FixtureKind): string => join(FIXTURES, kind.dump);

/** A dump of a running Node.js process (main thread, a worker, V8's and libuv's threads), as it was seen. */
export interface LiveNodeFixture {
  dump: string;
  pid: number;
  executable: string;
  threadIds: number[];
}

export function liveNodeFixture(): LiveNodeFixture {
  const path = join(FIXTURES, 'live_node.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run fixtures\` first`);
  return JSON.parse(readFileSync(path, 'utf8')) as LiveNodeFixture;
}

/**
 * The mechanism of a fixture's null write in a Sentry event: Sentry's native events (`minidump`, unhandled,
 * synthetic) with the signal in `meta`, as https://develop.sentry.dev/sdk/data-model/event-payloads/exception/
 * describes it.
 */
export const NULL_WRITE_MECHANISM = {
  type: 'minidump',
  handled: false,
  synthetic: true,
  meta: { signal: { number: 11, code: 1, name: 'SIGSEGV', code_name: 'SEGV_MAPERR' } },
};
