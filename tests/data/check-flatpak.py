#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifests: valid JSON, the right id for the variant, the command, the
GNOME runtime, the sandbox's permissions and a release build without tests; and, where
flatpak-builder is installed, that it accepts them (--show-manifest).

Usage: check-flatpak.py FLATPAK_DIR APP_ID"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from labcheck import finish

STABLE_RUNTIME = '50'
FINISH_ARGS = {'--share=network', '--share=ipc', '--socket=wayland',
               '--socket=fallback-x11', '--device=dri'}


def check(path, app_id, runtime_version, development):
    problems = []
    try:
        manifest = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError) as error:
        return [f'{path.name}: not valid JSON: {error}']

    def expect(key, wanted):
        if manifest.get(key) != wanted:
            problems.append(f'{path.name}: "{key}" is {manifest.get(key)!r}, not {wanted!r}')

    expect('id', app_id)
    expect('command', 'websocket-lab')
    expect('runtime', 'org.gnome.Platform')
    expect('sdk', 'org.gnome.Sdk')
    expect('runtime-version', runtime_version)

    missing = FINISH_ARGS - set(manifest.get('finish-args', []))
    if missing:
        problems.append(f'{path.name}: finish-args lack {", ".join(sorted(missing))}')

    modules = manifest.get('modules', [])
    names = [m.get('name') if isinstance(m, dict) else m for m in modules]
    if 'libqrencode' not in names:
        problems.append(f'{path.name}: no libqrencode module (the runtime lacks it)')
    if not modules or not isinstance(modules[-1], dict) or modules[-1].get('name') != 'websocket-lab':
        problems.append(f'{path.name}: the last module must be websocket-lab')
    else:
        app = modules[-1]
        if app.get('buildsystem') != 'meson':
            problems.append(f'{path.name}: websocket-lab is not built with meson')
        opts = app.get('config-opts', [])
        for wanted in ('-Dtests=false', '--buildtype=release'):
            if wanted not in opts:
                problems.append(f'{path.name}: config-opts lack {wanted}')
        if ('-Ddevelopment=true' in opts) != development:
            problems.append(f'{path.name}: -Ddevelopment=true must be given '
                            f'{"" if development else "only "}for the Devel id')

    builder = shutil.which('flatpak-builder')
    if builder is None:
        print(f'{path.name}: flatpak-builder is not installed: --show-manifest not run')
    else:
        run = subprocess.run([builder, '--show-manifest', str(path)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f'{path.name}: flatpak-builder --show-manifest failed: {run.stderr.strip()}')
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, base_id = Path(sys.argv[1]), sys.argv[2].removesuffix('.Devel')
    problems = []
    problems += check(folder / f'{base_id}.json', base_id, STABLE_RUNTIME, False)
    problems += check(folder / f'{base_id}.Devel.json', f'{base_id}.Devel', 'master', True)
    finish(problems, 'both manifests are fine')


if __name__ == '__main__':
    main()
