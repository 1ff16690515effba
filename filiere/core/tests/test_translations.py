"""The English interface is complete: every string marked for translation, in a template or in
Python, has an English translation in the committed catalogue.

The strings are extracted the way ``make messages`` does (Django's ``makemessages``, which needs
GNU gettext), from a copy of the sources into a temporary directory, so that the committed
catalogue is never rewritten by the test. A new string without translation, or one whose
translation gettext marks as fuzzy (a guess from a similar string), fails the test with its text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

SOURCES = Path(settings.BASE_DIR) / "filiere"
CATALOGUE = Path("locale") / "en" / "LC_MESSAGES" / "django.po"

# Runs in the copy: refuses to extract unless the settings point at the copy's catalogue.
_EXTRACT = """
import os, sys
from pathlib import Path
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "filiere.settings"
os.environ.setdefault("DEBUG", "1")
django.setup()
from django.conf import settings
from django.core.management import call_command
copy = Path(sys.argv[1]).resolve()
if not all(Path(p).resolve().is_relative_to(copy) for p in settings.LOCALE_PATHS):
    sys.exit(f"the catalogue is not in the copy: {settings.LOCALE_PATHS}")
call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
"""


def _copy_sources(destination: Path) -> None:
    shutil.copytree(
        SOURCES,
        destination / "filiere",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "vendor", "*.sqlite3"),
    )


def _untranslated(po_file: Path) -> list[str]:
    with po_file.open("rb") as stream:
        catalogue = read_po(stream, locale="en")
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            context = f"[{message.context}] " if message.context else ""
            where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
            missing.append(f"{context}{msgid!r} ({where})")
    return missing


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="GNU gettext (xgettext, msgmerge) is not installed: the English catalogue cannot be "
    "checked. Install the gettext package.",
)
def test_every_string_marked_for_translation_has_an_english_translation(tmp_path: Path) -> None:
    _copy_sources(tmp_path)
    result = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", _EXTRACT, str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    missing = _untranslated(tmp_path / "filiere" / CATALOGUE)
    assert not missing, (
        f"{len(missing)} string(s) without English translation in filiere/{CATALOGUE} "
        "(run `make messages`, then translate):\n" + "\n".join(missing)
    )


def test_the_check_sees_a_string_without_translation(tmp_path: Path) -> None:
    """The reader of the catalogue finds an empty and a fuzzy translation, and only those."""
    po_file = tmp_path / "django.po"
    po_file.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Suivi"\nmsgstr "Follow-up"\n\n'
        'msgid "Plaquettes"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Poids"\nmsgstr "Weight"\n\n'
        'msgid "%(n)s unité"\nmsgid_plural "%(n)s unités"\nmsgstr[0] "%(n)s unit"\n'
        'msgstr[1] ""\n',
        encoding="utf-8",
    )
    assert [entry.split(" ")[0] for entry in _untranslated(po_file)] == [
        "'Plaquettes'",
        "'Poids'",
        "'%(n)s",
    ]
