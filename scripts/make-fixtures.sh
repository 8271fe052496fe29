#!/usr/bin/env bash
# Regenerates __test__/fixtures/generated/: real minidumps of crash-fixture
# (crates/crash-fixture) crashing in each way, Breakpad .sym files in symbol
# store layout, and manifest.json saying what each dump must show. Also the
# Crashpad client of the fake Electron host (__test__/electron-host/crashpad.ts):
# crash-addon.node (crates/crash-addon, built optimised with line tables and not
# stripped), with the addon's .sym. Crashpad's handler itself comes from
# scripts/install-crashpad.sh.
#
# Idempotent (the output directory is rebuilt from scratch) and runnable from
# any cwd. Needs Rust, a C compiler and node_modules (npm ci), for Breakpad's
# dump_syms and minidump_stackwalk. Honours CARGO_TARGET_DIR.
#
# Every dump is checked twice before the manifest is written: by crash-fixture
# itself (signal, crashing thread, exception stream or not) and here by
# Breakpad, which must walk each crash back to its CRASH_LINE in crashers.c.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/__test__/fixtures/generated"
breakpad="$root/node_modules/minidump/bin/linux-x64"
crashers="$root/crates/crash-fixture/src/crashers.c"
addon_c="$root/crates/crash-addon/src/crash.c"

# kind | signal | crashing C function | name of the crashing thread
# ("-": none). The main thread's name is the executable's.
fixtures=(
  "null_write|SIGSEGV|crash_null_write|crash-fixture"
  "abort|SIGABRT|crash_abort|crash-fixture"
  "illegal_instruction|SIGILL|crash_illegal_instruction|crash-fixture"
  "divide_by_zero|SIGFPE|crash_divide_by_zero|crash-fixture"
  "thread_null_write|SIGSEGV|crash_on_worker_thread|crash-worker"
  "no_crash|-|-|-"
)
# The C frames every crashing function is called through, innermost first.
callers=(fixture_call_depth_1 fixture_call_depth_2)
# crash-addon.node's kinds: kind | signal | crashing C function (in crash.c).
addon_kinds=(
  "null_write|SIGSEGV|crash_addon_null_write"
  "abort|SIGABRT|crash_addon_abort"
)

die() { echo "make-fixtures: $*" >&2; exit 1; }

for tool in dump_syms minidump_stackwalk; do
  [[ -x "$breakpad/$tool" ]] || die "missing $breakpad/$tool (run npm ci)"
done

# Line of the CRASH_LINE marker for a kind in a C file: the line that must fault.
crash_line() { # file kind
  local line
  line="$(grep -n "CRASH_LINE $2 " "$1" | cut -d: -f1)"
  [[ "$line" =~ ^[0-9]+$ ]] || die "no single CRASH_LINE $2 marker in $1"
  echo "$line"
}

# Writes the .sym of a binary into the symbol store; prints its store path.
store_symbols() {
  local sym module debug_id debug_file
  sym="$(mktemp "$out/.sym.XXXXXX")"
  "$breakpad/dump_syms" "$1" >"$sym" 2>"$out/.dump_syms.log" \
    || { cat "$out/.dump_syms.log" >&2; die "dump_syms failed on $1"; }
  read -r module _ _ debug_id debug_file <"$sym"
  [[ "$module" == MODULE && -n "$debug_file" ]] || die "bad .sym header for $1"
  mkdir -p "$out/symbols/$debug_file/$debug_id"
  chmod 644 "$sym" # mktemp makes it private
  mv "$sym" "$out/symbols/$debug_file/$debug_id/$debug_file.sym"
  rm -f "$out/.dump_syms.log"
  echo "symbols/$debug_file/$debug_id/$debug_file.sym"
}

# --- build ------------------------------------------------------------------
# A relative CARGO_TARGET_DIR means relative to the caller's cwd, not root.
if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
  CARGO_TARGET_DIR="$(realpath -m "$CARGO_TARGET_DIR")"
  export CARGO_TARGET_DIR
fi
cd "$root"
# cargo reports where it put the binary, so no target path is guessed here.
exe="$(cargo build -p crash-fixture --message-format=json-render-diagnostics \
  | sed -n 's/.*"executable":"\([^"]*\/crash-fixture\)".*/\1/p' | tail -n 1)"
[[ -x "$exe" ]] || die "cargo did not report a crash-fixture binary"
# The addon as a release build would be, minus LTO (a faster build) and with
# line tables kept for dump_syms: a profile of its own, defined here, so its
# artifacts (target/crash-addon/) never displace the package's release build.
addon_profile=(
  --profile crash-addon
  --config 'profile.crash-addon.inherits="release"'
  --config 'profile.crash-addon.lto=false'
  --config 'profile.crash-addon.codegen-units=16'
  --config 'profile.crash-addon.debug="line-tables-only"'
  --config 'profile.crash-addon.strip="none"'
)
addon_lib="$(cargo build -p crash-addon "${addon_profile[@]}" --message-format=json-render-diagnostics \
  | sed -n 's/.*"filenames":\["\([^"]*\/libcrash_addon\.so\)".*/\1/p' | tail -n 1)"
[[ -f "$addon_lib" ]] || die "cargo did not report a crash-addon library"

rm -rf "$out"
mkdir -p "$out"

# --- dumps ------------------------------------------------------------------
for fixture in "${fixtures[@]}"; do
  IFS='|' read -r kind _ <<<"$fixture"
  "$exe" crash "$kind" --out "$out/$kind.dmp" >/dev/null
done

# --- a live Node.js process --------------------------------------------------
# A real multi-threaded program we did not write (main thread, a worker, V8's
# and libuv's threads), dumped while it runs: what it looked like goes beside
# the dump, for tests that walk every thread of an unfamiliar process.
node -e 'const { Worker } = require("node:worker_threads");
  new Worker("setInterval(() => {}, 1000)", { eval: true });
  setInterval(() => {}, 1000); console.log("ready")' >"$out/.node-ready" &
node_pid=$!
for _ in $(seq 100); do [[ -s "$out/.node-ready" ]] && break; sleep 0.1; done
[[ -s "$out/.node-ready" ]] || die "the Node.js process did not start"
sleep 0.5 # let the worker's threads come up
"$exe" snapshot "$node_pid" --out "$out/live_node.dmp"
{
  printf '{ "dump": "live_node.dmp", "pid": %s, "executable": "%s", "threadIds": [' \
    "$node_pid" "$(readlink "/proc/$node_pid/exe")"
  ls "/proc/$node_pid/task" | sort -n | paste -sd, -
  printf '] }\n'
} >"$out/live_node.json"
kill "$node_pid"
rm -f "$out/.node-ready"

# --- the Crashpad client ---------------------------------------------------------
# A copy, so that the tests run what these symbols describe even after a rebuild.
cp "$addon_lib" "$out/crash-addon.node"

# --- symbols ----------------------------------------------------------------
sym_rel="$(store_symbols "$exe")"
sym="$out/$sym_rel"
read -r _ _ _ debug_id debug_file <"$sym"
# libc's .sym carries only its CFI and exported names, but without it Breakpad
# cannot unwind out of abort() (frame 0 of the abort dump is inside libc).
libc="$(ldd "$exe" | awk '$1 == "libc.so.6" { print $3 }')"
[[ -f "$libc" ]] || die "cannot find the libc.so.6 crash-fixture runs with"
store_symbols "$libc" >/dev/null

# Debug file (the store's folder name) and id are read off the copy:
# Breakpad names a module after its file, and the process maps the copy.
addon_sym_rel="$(store_symbols "$out/crash-addon.node")"
addon_sym="$out/$addon_sym_rel"
read -r _ _ _ addon_debug_id addon_debug_file <"$addon_sym"

# A .sym must have each C function as a FUNC record whose line records
# include its C file at the marker line (callers: any line of that file).
check_func() { # sym C-file function [line]
  local file_no
  file_no="$(awk -v base="${2##*/}" '$1 == "FILE" { n = split($3, p, "/"); if (p[n] == base) { print $2; exit } }' "$1")"
  [[ -n "$file_no" ]] || die "$1 has no FILE record for ${2##*/}"
  awk -v fn="$3" -v line="${4:-}" -v file="$file_no" '
    $1 == "FUNC" { inside = ($NF == fn); if (inside) found_func = 1; next }
    $1 ~ /^[A-Z]/ && $1 != "INLINE" { inside = 0; next }
    inside && $4 == file && (line == "" || $3 == line) { found_line = 1 }
    END { exit !(found_func && found_line) }' "$1" \
    || die "$1: no FUNC $3 with a ${2##*/}${4:+:$4} line record"
}
for caller in "${callers[@]}"; do check_func "$sym" "$crashers" "$caller"; done
for entry in "${addon_kinds[@]}"; do
  IFS='|' read -r kind _ function <<<"$entry"
  check_func "$addon_sym" "$addon_c" "$function" "$(crash_line "$addon_c" "$kind")"
done

# --- Breakpad's view of each dump -------------------------------------------
summary=()
for fixture in "${fixtures[@]}"; do
  IFS='|' read -r kind signal function thread_name <<<"$fixture"
  walk="$("$breakpad/minidump_stackwalk" -m "$out/$kind.dmp" "$out/symbols" 2>/dev/null)"
  reason="$(awk -F'|' '$1 == "Crash" { print $2 }' <<<"$walk")"
  crashed="$(awk -F'|' '$1 == "Crash" { print $4 }' <<<"$walk")"

  if [[ "$signal" == - ]]; then
    [[ "$reason" == "No crash" ]] || die "$kind: Breakpad says '$reason', expected no crash"
    summary+=("$(printf '%-20s %-22s (no exception stream)' "$kind" "$reason")")
    continue
  fi

  line="$(crash_line "$crashers" "$kind")"
  check_func "$sym" "$crashers" "$function" "$line"
  [[ "$reason" == "$signal"* ]] || die "$kind: Breakpad says '$reason', expected $signal"
  # Crashing thread's frames as "index|function|file basename:line".
  frames="$(awk -F'|' -v t="$crashed" '$1 == t && $2 ~ /^[0-9]+$/ {
    n = split($5, path, "/"); print $2 "|" $4 "|" path[n] ":" $6 }' <<<"$walk")"
  at="$(grep -m 1 "^[0-9]*|$function|crashers.c:$line\$" <<<"$frames" | cut -d'|' -f1 || true)"
  [[ -n "$at" ]] || die "$kind: Breakpad has no frame $function at crashers.c:$line"$'\n'"$frames"
  # abort() faults inside libc, every other kind in the C function itself.
  [[ "$kind" == abort || "$at" == 0 ]] || die "$kind: $function is frame $at, not frame 0"
  for i in "${!callers[@]}"; do
    caller="$(awk -F'|' -v i=$((at + 1 + i)) '$1 == i { print $2 }' <<<"$frames")"
    [[ "$caller" == "${callers[$i]}" ]] || die "$kind: frame $((at + 1 + i)) is '$caller', not ${callers[$i]}"
  done
  summary+=("$(printf '%-20s %-22s frame %s %s crashers.c:%s' "$kind" "$reason" "$at" "$function" "$line")")
done

# --- manifest ---------------------------------------------------------------
json() { [[ "$1" == - ]] && printf null || printf '"%s"' "$1"; }
{
  printf '{\n'
  printf '  "generatedBy": "scripts/make-fixtures.sh",\n'
  printf '  "symbolsDir": "symbols",\n'
  printf '  "module": { "debugFile": "%s", "debugId": "%s", "sym": "%s" },\n' \
    "$debug_file" "$debug_id" "$sym_rel"
  printf '  "kinds": {\n'
  for i in "${!fixtures[@]}"; do
    IFS='|' read -r kind signal function thread_name <<<"${fixtures[$i]}"
    if [[ "$signal" == - ]]; then
      line=- file=- has_exception=false
    else
      line="$(crash_line "$crashers" "$kind")" file=crashers.c has_exception=true
    fi
    printf '    "%s": {\n' "$kind"
    printf '      "dump": "%s.dmp",\n' "$kind"
    printf '      "signal": %s,\n' "$(json "$signal")"
    printf '      "crashingFunction": %s,\n' "$(json "$function")"
    printf '      "file": %s,\n' "$(json "$file")"
    printf '      "line": %s,\n' "$([[ "$line" == - ]] && echo null || echo "$line")"
    printf '      "threadName": %s,\n' "$(json "$thread_name")"
    printf '      "hasException": %s\n' "$has_exception"
    printf '    }%s\n' "$([[ $i -lt $((${#fixtures[@]} - 1)) ]] && echo ,)"
  done
  printf '  },\n'
  printf '  "crashpad": {\n'
  printf '    "addon": "crash-addon.node",\n'
  printf '    "addonModule": { "debugFile": "%s", "debugId": "%s", "sym": "%s" },\n' \
    "$addon_debug_file" "$addon_debug_id" "$addon_sym_rel"
  printf '    "kinds": {\n'
  for i in "${!addon_kinds[@]}"; do
    IFS='|' read -r kind signal function <<<"${addon_kinds[$i]}"
    printf '      "%s": { "signal": "%s", "crashingFunction": "%s", "file": "%s", "line": %s }%s\n' \
      "$kind" "$signal" "$function" "${addon_c##*/}" "$(crash_line "$addon_c" "$kind")" \
      "$([[ $i -lt $((${#addon_kinds[@]} - 1)) ]] && echo ,)"
  done
  printf '    }\n'
  printf '  }\n}\n'
} >"$out/manifest.json"

echo "make-fixtures: wrote ${#fixtures[@]} crash dumps, a live Node.js dump, symbols and manifest.json to ${out#"$root"/}"
echo "  module $debug_file $debug_id"
echo "  Crashpad client: crash-addon.node, $addon_debug_file $addon_debug_id"
printf '  %s\n' "${summary[@]}"
