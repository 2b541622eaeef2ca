#!/bin/bash
# Installs the build dependencies, builds WebSocket Lab and starts it.
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/install-deps.sh app
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build
exec _build/src/websocket-lab "$@"
