#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Installs the build into a temporary DESTDIR and checks that every file is where GNOME looks:
the executable, the desktop file, the metainfo, the hicolor icons (scalable and symbolic), the
settings schema (its id inside), and a compiled catalog for each language in po/LINGUAS.

Usage: check-install.py SOURCE_ROOT BUILD_ROOT APP_ID SCHEMA_ID PREFIX BINDIR DATADIR LOCALEDIR"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from labcheck import finish


def main():
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    source, build, app_id, schema_id, prefix, bindir, datadir, localedir = sys.argv[1:]
    meson = shutil.which('meson') or sys.exit('meson is not on PATH')

    with tempfile.TemporaryDirectory(prefix='lab-install-') as destdir:
        run = subprocess.run([meson, 'install', '-C', build, '--no-rebuild', '--quiet',
                              '--destdir', destdir], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f'meson install failed:\n{run.stdout}\n{run.stderr}')

        def under(*parts):
            # prefix and the dirs may be absolute; DESTDIR goes in front of them all
            return Path(destdir + os.path.join(prefix, *parts))

        wanted = {
            'the executable': under(bindir, 'websocket-lab'),
            'the desktop file': under(datadir, 'applications', f'{app_id}.desktop'),
            'the metainfo': under(datadir, 'metainfo', f'{app_id}.metainfo.xml'),
            'the icon': under(datadir, 'icons', 'hicolor', 'scalable', 'apps', f'{app_id}.svg'),
            'the symbolic icon': under(datadir, 'icons', 'hicolor', 'symbolic', 'apps',
                                       f'{app_id}-symbolic.svg'),
            'the settings schema': under(datadir, 'glib-2.0', 'schemas', f'{schema_id}.gschema.xml'),
        }
        languages = [l for l in (Path(source) / 'po' / 'LINGUAS').read_text().split()
                     if not l.startswith('#')]
        for language in languages:
            wanted[f'the {language} catalog'] = under(localedir, language, 'LC_MESSAGES',
                                                      'websocket-lab.mo')

        problems = []
        for what, path in wanted.items():
            shown = path.relative_to(destdir)
            if not path.is_file():
                problems.append(f'{what} is not at /{shown}')
            else:
                print(f'ok: {what} at /{shown}')

        executable = wanted['the executable']
        if executable.is_file() and not os.access(executable, os.X_OK):
            problems.append('the executable is not executable')
        schema = wanted['the settings schema']
        if schema.is_file() and f'id="{schema_id}"' not in schema.read_text(encoding='utf-8'):
            problems.append(f'the settings schema does not define id="{schema_id}"')
        desktop = wanted['the desktop file']
        if desktop.is_file() and f'Icon={app_id}\n' not in desktop.read_text(encoding='utf-8'):
            problems.append(f'the desktop file does not name the icon {app_id}')

        finish(problems)


if __name__ == '__main__':
    main()
