#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the translations against the sources:
- every source file with translatable strings is in po/POTFILES.in, and every file listed exists;
- each language in po/LINGUAS has a catalog that msgfmt --check accepts (header, plural forms,
  format strings), with no untranslated and no fuzzy message;
- each catalog holds exactly the messages of a template made now from the sources (xgettext
  with meson's 'glib' preset, into a temporary folder: the source tree is not touched).

Usage: check-po.py SOURCE_ROOT GETTEXT_PACKAGE"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from labcheck import finish

# meson's i18n.gettext (preset: 'glib') passes these to xgettext
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
    # added by po/meson.build: plural messages marked in tables (src/engine/lab-web-i18n.c)
    '--keyword=NP_:1,2',
]

C_MARKS = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|NP_|C_|NC_|ngettext|g_dngettext|g_dpgettext2)\s*\(\s*"')
# How many plural forms the languages this project speaks have (CLDR, gettext's own table)
KNOWN_NPLURALS = {'zh_TW': 1, 'zh_CN': 1, 'de': 2, 'en': 2}

UI_MARK = re.compile(r'translatable\s*=\s*"yes"')
GSCHEMA_MARK = re.compile(r'<(?:summary|description)>')


def needs_translation(path):
    text = path.read_text(encoding='utf-8', errors='replace')
    name = path.name
    if name.endswith(('.c', '.h')):
        return bool(C_MARKS.search(text))
    if name.endswith('.ui'):
        return bool(UI_MARK.search(text))
    if name.endswith('.gschema.xml'):
        return bool(GSCHEMA_MARK.search(text))
    if '.desktop.in' in name or '.metainfo.xml.in' in name:
        return True
    return False


def listed_files(root):
    lines = (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


def check_potfiles(root):
    problems = []
    listed = listed_files(root)
    sources = sorted(str(p.relative_to(root)) for folder in ('src', 'data')
                     for p in (root / folder).rglob('*') if p.is_file() and needs_translation(p))
    for path in sources:
        if path not in listed:
            problems.append(f'po/POTFILES.in lacks {path}, which has translatable strings')
    for path in listed:
        if not (root / path).is_file():
            problems.append(f'po/POTFILES.in lists {path}, which does not exist')
    if listed != sorted(listed):
        problems.append('po/POTFILES.in is not sorted')
    return problems


def unquote(line):
    return bytes(line[line.index('"') + 1:line.rindex('"')], 'utf-8').decode('unicode_escape') \
        .encode('latin-1').decode('utf-8')


def messages(path):
    """(context, msgid) of each message that is not obsolete, the header left out."""
    keys = set()
    ctxt = msgid = None
    field = None
    for raw in path.read_text(encoding='utf-8').splitlines() + ['']:
        line = raw.strip()
        if line.startswith('#~') or line.startswith('#'):
            continue
        if line.startswith('msgctxt'):
            ctxt, field = unquote(line), 'ctxt'
        elif line.startswith('msgid_plural'):
            field = 'plural'
        elif line.startswith('msgid'):
            msgid, field = unquote(line), 'id'
        elif line.startswith('msgstr'):
            field = 'str'
        elif line.startswith('"'):
            if field == 'id':
                msgid += unquote(line)
            elif field == 'ctxt':
                ctxt += unquote(line)
        elif line == '' and msgid is not None:
            if msgid != '':
                keys.add((ctxt, msgid))
            ctxt = msgid = field = None
    return keys


def make_template(root, package, folder):
    pot = Path(folder) / f'{package}.pot'
    subprocess.run(['xgettext', f'--package-name={package}', '-D', str(root),
                    '-f', str(root / 'po' / 'POTFILES.in'), '-o', str(pot)] + GLIB_PRESET,
                   check=True, capture_output=True, text=True)
    return pot


def check_catalog(root, language, template):
    po = root / 'po' / f'{language}.po'
    if not po.is_file():
        return [f'po/LINGUAS lists {language}, but po/{language}.po does not exist']
    problems = []
    run = subprocess.run(['msgfmt', '--check', '--statistics', '-o', '/dev/null', str(po)],
                         capture_output=True, text=True, env={'LC_ALL': 'C'})
    if run.returncode != 0:
        problems.append(f'po/{language}.po: msgfmt --check failed:\n{run.stderr.strip()}')
    stats = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ''
    for what in ('fuzzy', 'untranslated'):
        found = re.search(r'(\d+) ' + what, stats)
        if found:
            problems.append(f'po/{language}.po: {found.group(1)} {what} '
                            f'message{"s" if found.group(1) != "1" else ""} ({stats})')

    header = re.search(r'nplurals\s*=\s*(\d+)', po.read_text(encoding='utf-8'))
    wanted = KNOWN_NPLURALS.get(language)
    if header is None:
        problems.append(f'po/{language}.po has no Plural-Forms header')
    elif wanted is not None and int(header.group(1)) != wanted:
        problems.append(f'po/{language}.po says nplurals={header.group(1)}, '
                        f'but {language} has {wanted} plural form{"s" if wanted > 1 else ""}')

    have, want = messages(po), messages(template)
    for ctxt, msgid in sorted(want - have, key=str):
        problems.append(f'po/{language}.po lacks a message of the template: {msgid!r}'
                        + (f' (context {ctxt!r})' if ctxt else ''))
    for ctxt, msgid in sorted(have - want, key=str):
        problems.append(f'po/{language}.po has a message the sources no longer have '
                        f'(run msgmerge): {msgid!r}')
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, package = Path(sys.argv[1]).resolve(), sys.argv[2]
    problems = check_potfiles(root)
    languages = (root / 'po' / 'LINGUAS').read_text(encoding='utf-8').split()
    languages = [l for l in languages if not l.startswith('#')]
    with tempfile.TemporaryDirectory() as folder:
        template = make_template(root, package, folder)
        print(f'template: {len(messages(template))} messages; languages: {" ".join(languages) or "none"}')
        for language in languages:
            found = check_catalog(root, language, template)
            print(f'{language}: {"complete" if not found else f"{len(found)} problems"}')
            problems += found
    finish(problems)


if __name__ == '__main__':
    main()
