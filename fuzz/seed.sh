#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ for every fuzz target (see seed.mjs for what goes where): real dumps and .sym
# files from ../shared/corpus and __test__/fixtures/generated when they are there, and small inputs made on
# the spot. Idempotent (seeds are named by content); nothing it writes is committed.
#   bash fuzz/seed.sh [corpus-dir]      (default: fuzz/corpus)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -d "$here/../../shared/corpus" ] || echo "seed: ../shared/corpus not found: seeding from fixtures and made-up inputs only" >&2
[ -d "$here/../__test__/fixtures/generated" ] || echo "seed: no generated fixtures (npm run fixtures): not seeded from them" >&2
exec node "$here/seed.mjs" "${1:-$here/corpus}"
