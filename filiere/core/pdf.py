"""What the PDF documents of every module share (reportlab)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# DejaVu Sans (shipped in core/fonts, Bitstream Vera licence): Bitstream Vera, which reportlab
# ships, has no Greek letters, and clinical text has them (« anti-αIIbβ3 » printed as boxes);
# DejaVu keeps Vera's metrics for the glyphs they share, so layouts do not move.
_FONT_DIR = Path(__file__).parent / "fonts"


@lru_cache(maxsize=1)
def vera_fonts() -> tuple[str, str]:
    """Register the documents' font once; return the names of its regular and bold faces."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(_FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(_FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"
