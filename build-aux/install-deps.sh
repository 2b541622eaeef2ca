#!/bin/bash
# Installs what WebSocket Lab needs on Debian 12: `app` to build and run it,
# `tests` for that plus everything the test suite runs against.
set -euo pipefail

what="${1:-app}"

app_packages=(
  meson ninja-build gcc pkg-config gettext
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libgnutls28-dev
  libgtk-4-dev libadwaita-1-dev libqrencode-dev
  desktop-file-utils appstream glib-networking hicolor-icon-theme
)

# Real peers and a real display server for the tests: Python's websockets
# library, Xvfb and a session bus for the window (xwininfo to see it appear), Chromium
# for the browser pages, valgrind for the leak check, a Chinese font for the translated window's
# and pages' screenshots (Traditional and Simplified); clang with libFuzzer (in compiler-rt) for
# the fuzz targets, and llvm's symbolizer for the sanitizers' stacks.
test_packages=(
  python3 python3-websockets
  xvfb xauth x11-utils dbus dbus-x11 at-spi2-core
  imagemagick
  chromium
  valgrind
  zbar-tools
  fonts-wqy-microhei
  clang libclang-rt-dev llvm
)

case "$what" in
  app) packages=("${app_packages[@]}") ;;
  tests) packages=("${app_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 app|tests" >&2; exit 2 ;;
esac

# The browser tests run on Node (playwright-core from npm): Debian's, unless a node and an
# npm from elsewhere are already there.
if [ "$what" = tests ]; then
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
else
  as_root=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
