#!/usr/bin/env bash
# Static check of .github/workflows/ with actionlint (expressions, job graph, action inputs, runner labels,
# and the `run:` scripts through shellcheck when it is installed). The workflows cannot run on our machines.
# Run by .ci/run; the first run installs actionlint through the Go module proxy (`go install`), which our
# machines and CI reach.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v1.7.12
gobin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
export PATH="$gobin:$PATH"
if ! actionlint --version 2>/dev/null | head -1 | grep -qx "$version"; then
  command -v go >/dev/null || { echo "lint-workflows: needs Go to install actionlint $version" >&2; exit 1; }
  go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi
command -v shellcheck >/dev/null || echo "lint-workflows: shellcheck not found; run: scripts are not checked"
actionlint "$@"
echo "lint-workflows: .github/workflows/*.yml passed actionlint $version"
