#!/usr/bin/env bash
# A bounded fuzzing run of every target (or of the targets named after the time), one after the other:
#   bash fuzz/run.sh [seconds-per-target] [target...]      (default: 60 seconds, every target)
# Prints per target the executions and the crashes found (with their artifacts in fuzz/artifacts/<target>/),
# then a total; exits 1 when any target crashed, timed out or ran out of memory, 2 when it could not run.
# Needs cargo-fuzz (cargo install cargo-fuzz); stable Rust will do: nightly flags are allowed through
# RUSTC_BOOTSTRAP=1. Builds stay in fuzz/target. Seeds the corpus (seed.sh) when a target has none.
# Built once, with debug assertions (an arithmetic overflow is a finding, not a silent wrap) and without a
# sanitizer by default: the code under test is safe Rust, and AddressSanitizer costs most of the speed
# (about 8x here). FUZZ_SANITIZER=address runs with it (each switch rebuilds everything).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
seconds="${1:-60}"
shift || true
all=(parse_bytes crashpad_info sym_parse envelope_build check_complete)
targets=("${@:-${all[@]}}")
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: fuzz/run.sh [seconds-per-target] [target...]" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$here/target"
sanitizer="${FUZZ_SANITIZER:-none}"
cargo fuzz build -O -a -s "$sanitizer" >"$here/target-build.log" 2>&1 || {
  tail -30 "$here/target-build.log" >&2
  echo "fuzz: the targets do not build" >&2
  exit 2
}
triple="$(rustc -vV | sed -n 's/^host: //p')"
logs="$(mktemp -d)"
total=0
crashed=0
for t in "${targets[@]}"; do
  [ -n "$(ls -A "corpus/$t" 2>/dev/null)" ] || bash "$here/seed.sh" >/dev/null
  mkdir -p "artifacts/$t"
  before="$(ls "artifacts/$t" | sort)"
  # -timeout: an input taking over 10 s is a hang; -rss_limit_mb / -malloc_limit_mb: over 2 GiB is a finding.
  # -max_len: 64 KiB holds the header, directory and most streams of every real dump at hand; larger inputs
  # mostly cost time (FUZZ_MAX_LEN changes it).
  "$CARGO_TARGET_DIR/$triple/release/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len="${FUZZ_MAX_LEN:-65536}" \
    -print_final_stats=1 -close_fd_mask=1 >"$logs/$t.log" 2>&1
  status=$?
  execs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$logs/$t.log" | tail -1)"
  # A run stopped by a finding prints no final stats: its last progress line counts.
  [ -n "$execs" ] || execs="$(sed -nE 's/^#([0-9]+).*/\1/p' "$logs/$t.log" | tail -1)"
  execs="${execs:-0}"
  new="$(comm -13 <(echo "$before") <(ls "artifacts/$t" | sort) | grep -v '^$' || true)"
  found=0
  [ "$status" -eq 0 ] || found="$(echo "$new" | grep -c . || true)"
  [ "$status" -eq 0 ] || [ "$found" -gt 0 ] || found=1
  total=$((total + execs))
  printf '%-15s %12s executions  %s crash(es)\n' "$t" "$execs" "$found"
  if [ "$found" -gt 0 ]; then
    crashed=$((crashed + 1))
    for a in $new; do echo "    artifact: fuzz/artifacts/$t/$a"; done
    grep -m1 -E '^(==[0-9]+==ERROR|thread .* panicked|ALARM|==[0-9]+== ERROR: libFuzzer)' "$logs/$t.log" | sed 's/^/    /'
    grep -A3 -m1 'panicked at' "$logs/$t.log" | sed 's/^/    /'
    echo "    log: $logs/$t.log"
  fi
done
printf '%-15s %12s executions  %s target(s) crashed\n' total "$total" "$crashed"
[ "$crashed" -eq 0 ]
