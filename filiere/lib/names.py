"""Normalising people's names for accent- and case-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’.,]+")


def search_key(*parts: str) -> str:
    """Return the parts lowercased, stripped of accents, with one space between words.

    "Élodie-Anne  D'ARGENT" → "elodie anne d argent"; "Œ" and "Æ" become "oe" and "ae".
    """
    text = " ".join(part for part in parts if part)
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()


# What a name may hold (Référentiel INS, traits d'identité): letters of the Latin script, with
# their diacritics, and the space, hyphen and apostrophe that join or separate them.
_NAME_PUNCTUATION = frozenset(" -'’")


def _is_latin_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith(
        "LATIN "
    )


def latin_name(value: str) -> str | None:
    """Return ``value`` in composed form (NFC) if it is a name in Latin script, else None.

    Latin letters with any diacritic, space, hyphen and apostrophe; a combining accent only on a
    letter. A Cyrillic « а » that looks Latin ("Mаrtin"), a Greek letter, a digit or an emoji is
    refused: it would escape the duplicate search, which compares Latin letters.
    """
    composed = unicodedata.normalize("NFC", value)
    previous_is_letter = False
    for char in composed:
        if _is_latin_letter(char):
            previous_is_letter = True
        elif unicodedata.category(char) == "Mn" and previous_is_letter:
            continue
        elif char in _NAME_PUNCTUATION:
            previous_is_letter = False
        else:
            return None
    return composed
