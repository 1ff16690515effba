"""Counts read as French clinicians write them: « 0 transfusion enregistrée », « 1 jour ».

The interface's strings are written in French and translated into English only; with no French
catalogue, gettext chose the plural with the default rule (n != 1), so that zero took the plural
in French. ``locale/fr`` holds only the plural strings, each repeating its source strings, under
French plural rules (n > 1).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "filiere" / "locale"


def _plurals(language: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as stream:
        catalogue = read_po(stream, locale=language)
    return {
        tuple(message.id): tuple(message.string or ())
        for message in catalogue
        if message.pluralizable
    }


def test_every_plural_string_has_its_french_forms() -> None:
    english, french = _plurals("en"), _plurals("fr")
    assert set(english) <= set(french), sorted(set(english) - set(french))
    assert all(forms == source for source, forms in french.items())


def test_zero_and_one_take_the_singular_in_french_and_zero_the_plural_in_english() -> None:
    template = Template(
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} transfusion enregistrée"
        "{% plural %}{{ n }} transfusions enregistrées{% endblocktranslate %}"
    )
    with translation.override("fr"):
        said = [template.render(Context({"n": n})) for n in (0, 1, 2)]
    assert said == [
        "0 transfusion enregistrée",
        "1 transfusion enregistrée",
        "2 transfusions enregistrées",
    ]
    with translation.override("en"):
        said = [template.render(Context({"n": n})) for n in (0, 1, 2)]
    assert said == ["0 transfusions recorded", "1 transfusion recorded", "2 transfusions recorded"]
