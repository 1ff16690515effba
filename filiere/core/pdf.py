"""What the PDF documents of every module share (reportlab)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Bitstream Vera ships with reportlab and has the glyphs the standard PDF fonts lack (≥, −, œ);
# it has no Greek letters.
_FONT_DIR = Path(reportlab.__file__).parent / "fonts"


@lru_cache(maxsize=1)
def vera_fonts() -> tuple[str, str]:
    """Register Bitstream Vera once; return the names of its regular and bold faces."""
    pdfmetrics.registerFont(TTFont("Vera", str(_FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("Vera-Bold", str(_FONT_DIR / "VeraBd.ttf")))
    return "Vera", "Vera-Bold"
