#!/bin/bash
# Installs what the tests need, builds WebSocket Lab and runs the whole suite:
# the window's tests under Xvfb with a session bus, as GTK's own CI does, then
# the connection cycle test once more under valgrind, the unit and integration
# suites once more built with AddressSanitizer and UBSan, and each libFuzzer
# target for 45 s.
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/install-deps.sh tests
# playwright-core for the browser tests, exactly as tests/browser/package-lock.json pins it
# (no browser download: the tests drive Debian's Chromium).
npm ci --prefix tests/browser --prefer-offline --no-audit --no-fund
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build

# Each run below writes its own log; none may be left from an earlier run.
rm -f _build/meson-logs/testlog.json _build/meson-logs/testlog-valgrind.json \
  _build-asan/meson-logs/testlog.json _build-fuzz/meson-logs/testlog-fuzz.json

status=0
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -noreset" \
  meson test -C _build --print-errorlogs "$@" || status=$?

# Leak check under valgrind (the test setup in meson.build): hundreds of connections of each
# kind opened and closed; any definite or indirect leak fails. About four minutes, TLS most.
meson test -C _build --setup valgrind --print-errorlogs test-connection-cycles || status=$?

# The unit and integration suites built with AddressSanitizer and UBSan (gcc), in their own
# build directory. tests/meson.build makes every UBSan report fatal and gives LeakSanitizer
# tests/lsan.supp; a report in a process whose exit status nobody checks fails the run too.
# Code under ASan runs slower: the timeouts are tripled, and the 'slow' suite (the connection
# cycles, just run under valgrind; ten minutes here) is left out.
[ -f _build-asan/build.ninja ] || meson setup _build-asan -Db_sanitize=address,undefined
meson compile -C _build-asan
meson test -C _build-asan --suite unit --suite integration --no-suite slow \
  --timeout-multiplier 3 --print-errorlogs || status=$?
if grep -qE "runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)" _build-asan/meson-logs/testlog.txt; then
  echo "A sanitizer reported an error: see _build-asan/meson-logs/testlog.txt" >&2
  status=1
fi

# Each libFuzzer target (clang) for 45 s: tests/fuzz/<target>/ seeds it, the corpus it grows
# lives in a temporary folder, and what crashes is written under
# _build-fuzz/fuzz-artifacts/<target>/. Every run counts in the summary as a test.
[ -f _build-fuzz/build.ninja ] || CC=clang meson setup _build-fuzz -Dfuzzing=true -Dtests=false
fuzz_targets=(protocol frame-meter http-router http-server)
# build.ninja first: a target added since the last setup is only known once meson has run again.
ninja -C _build-fuzz build.ninja
meson compile -C _build-fuzz "${fuzz_targets[@]/#/fuzz-}"
mkdir -p _build-fuzz/meson-logs
for target in "${fuzz_targets[@]}"; do
  corpus="$(mktemp -d)"
  artifacts="_build-fuzz/fuzz-artifacts/$target"
  log="_build-fuzz/meson-logs/fuzz-$target.log"
  rm -rf "$artifacts" && mkdir -p "$artifacts"
  # libsoup's leak (tests/lsan.supp) has no stack a suppression can name when the allocations
  # are recorded with fast unwinding, as fuzzing needs: the server's leaks are checked by its
  # corpus test in _build-asan instead.
  detect_leaks=1
  [ "$target" = http-server ] && detect_leaks=0
  echo "Fuzzing $target for ${LAB_FUZZ_SECONDS:-45} s"
  if ASAN_OPTIONS="detect_leaks=$detect_leaks" LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
     UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "_build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="${LAB_FUZZ_SECONDS:-45}" -timeout=10 \
       -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/$target" \
       >"$log" 2>&1; then
    result=OK
    grep -E "^stat::number_of_executed_units" "$log" || true
  else
    result=FAIL
    status=1
    tail -n 60 "$log" >&2
    for input in "$artifacts"/*; do
      [ -e "$input" ] || continue
      echo "fuzz-$target failed on $input (full log: $log)." >&2
      echo "Keep it as a test, then fix the bug: cp $input tests/fuzz/$target/crash-WHAT-IT-DOES" >&2
      echo "(the unit suite's fuzz-$target-corpus runs every file there)." >&2
    done
  fi
  rm -rf "$corpus"
  printf '{"name": "fuzz-%s", "result": "%s"}\n' "$target" "$result" \
    >>_build-fuzz/meson-logs/testlog-fuzz.json
done

# One closing line in words, whatever reads this log: every run counted.
/usr/bin/python3 - _build/meson-logs/testlog.json _build/meson-logs/testlog-valgrind.json \
  _build-asan/meson-logs/testlog.json _build-fuzz/meson-logs/testlog-fuzz.json <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for path in sys.argv[1:]:
    try:
        log = open(path)
    except FileNotFoundError:
        continue
    with log:
        for line in log:
            result = json.loads(line)["result"]
            key = result if result in counts else "FAIL"
            counts[key] += 1
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit "$status"
