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
