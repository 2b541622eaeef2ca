#!/bin/bash
# Installs the build dependencies, builds WebSocket Lab, installs it into _install/ inside
# this checkout and starts it from there: the settings schema, the icons and the desktop
# file are then found as they are after a real install, with nothing put on the system.
# Arguments reach the app: build-aux/run-app.sh --headless --port 0
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="$PWD/_install"

build-aux/install-deps.sh app
if [ -f _build/build.ninja ]; then
  # A build folder set up by hand (or by the tests) may point elsewhere.
  [ "$(meson introspect _build --buildoptions |
       /usr/bin/python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')" = "$prefix" ] ||
    meson configure _build --prefix="$prefix"
else
  meson setup _build --prefix="$prefix"
fi
meson install -C _build --quiet

# The prefix first, then the system's folders (their default when the variable is unset).
export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
exec "$prefix/bin/websocket-lab" "$@"
