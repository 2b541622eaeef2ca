#!/bin/bash
# Installs what the tests need, builds WebSocket Lab and runs the whole suite:
# the window's tests under Xvfb with a session bus, as GTK's own CI does, then
# the connection cycle test once more under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/install-deps.sh tests
# playwright-core for the browser tests, exactly as tests/browser/package-lock.json pins it
# (no browser download: the tests drive Debian's Chromium).
npm ci --prefix tests/browser --prefer-offline --no-audit --no-fund
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build

# Each run below writes its own log; none may be left from an earlier run.
rm -f _build/meson-logs/testlog.json _build/meson-logs/testlog-valgrind.json

status=0
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -noreset" \
  meson test -C _build --print-errorlogs "$@" || status=$?

# Leak check under valgrind (the test setup in meson.build): hundreds of connections of each
# kind opened and closed; any definite or indirect leak fails. About four minutes, TLS most.
meson test -C _build --setup valgrind --print-errorlogs test-connection-cycles || status=$?

# One closing line in words, whatever reads this log: both runs counted.
/usr/bin/python3 - _build/meson-logs/testlog.json _build/meson-logs/testlog-valgrind.json <<'PY'
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
