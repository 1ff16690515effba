"""The documents' font has every character French clinical text uses. Bitstream Vera had no
Greek letters: the agenda PDF printed « anti-αIIbβ3 » as « anti-□IIb□3 »."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from filiere.core.pdf import clinical_fonts

CLINICAL_CHARACTERS = "αβγδκλµμ≥≤×⁹±−–—«»’œŒéèêëàâîïôûùüçÉÈ°"


@pytest.mark.parametrize("face", [0, 1])
def test_every_clinical_character_has_a_glyph(face: int) -> None:
    font = pdfmetrics.getFont(clinical_fonts()[face])
    missing = [c for c in CLINICAL_CHARACTERS if ord(c) not in font.face.charToGlyph]
    assert missing == []
