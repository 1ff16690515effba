"""What the PDF documents of every module share (reportlab): the font, the paragraph styles, the
grid table and the page setup. A module's PDF file holds its layout only."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

# DejaVu Sans (shipped in core/fonts, Bitstream Vera licence): Bitstream Vera, which reportlab
# ships, has no Greek letters, and clinical text has them (« anti-αIIbβ3 » printed as boxes);
# Helvetica (a PDF base font) has neither Greek letters nor ≥ or ⁹. DejaVu keeps Vera's metrics
# for the glyphs they share, so layouts do not move.
_FONT_DIR = Path(__file__).parent / "fonts"

PageCallback = Callable[[Any, Any], None]


@lru_cache(maxsize=1)
def clinical_fonts() -> tuple[str, str]:
    """Register the documents' font once; return the names of its regular and bold faces."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(_FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(_FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


def font_name(*, bold: bool = False) -> str:
    """The face to give ``canvas.setFont`` when drawing outside a paragraph."""
    regular, bold_face = clinical_fonts()
    return bold_face if bold else regular


def paragraph_styles(body_size: float = 9) -> dict[str, ParagraphStyle]:
    """Title, second-level heading, body text and small print in the clinical font."""
    regular, bold = clinical_fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=15),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=11.5),
        "body": ParagraphStyle(
            "body", parent=base["BodyText"], fontName=regular, fontSize=body_size
        ),
        "small": ParagraphStyle(
            "small", parent=base["BodyText"], fontName=regular, fontSize=7.5, leading=9
        ),
    }


def grid_table(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    wrap_headers: bool = False,
) -> Table:
    """A grid with grey header rows repeated on each page. ``wrap_headers`` makes text headers
    wrap within their column (long French headings in narrow columns)."""
    regular, bold = clinical_fonts()
    if wrap_headers:
        heading = ParagraphStyle("heading", fontName=bold, fontSize=7.5, leading=9)
        rows = [
            [Paragraph(escape(c), heading) if isinstance(c, str) else c for c in row]
            if index < header_rows
            else row
            for index, row in enumerate(rows)
        ]
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTNAME", (0, 0), (-1, header_rows - 1), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def build_document(
    story: list[Any],
    *,
    title: str,
    author: str,
    pagesize: tuple[float, float] = A4,
    margins: tuple[float, float, float, float] = (18 * mm, 18 * mm, 15 * mm, 15 * mm),
    on_page: PageCallback | None = None,
    later_pages: bool = True,
) -> bytes:
    """Lay the story out on pages and return the PDF. ``margins`` are left, right, top, bottom;
    ``on_page`` draws on the first page, and on the others unless ``later_pages`` is false."""
    buffer = io.BytesIO()
    left, right, top, bottom = margins
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        initialFontName=clinical_fonts()[0],
    )
    if on_page is None:
        document.build(story)
    elif later_pages:
        document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    else:
        document.build(story, onFirstPage=on_page)
    return buffer.getvalue()


def build_one_page_each(
    pages: Sequence[tuple[Flowable, PageCallback]],
    *,
    title: str,
    author: str,
    margins: tuple[float, float, float, float] = (18 * mm, 18 * mm, 15 * mm, 15 * mm),
) -> bytes:
    """Many one-page documents as one PDF (a bulk print): each page's flowable must fit its
    frame (a ``KeepInFrame``), and its own callback draws around it (the n-th callback on the
    n-th page)."""
    story: list[Any] = []
    for index, (flowable, _) in enumerate(pages):
        if index:
            story.append(PageBreak())
        story.append(flowable)

    def on_page(canvas: Any, document: Any) -> None:
        pages[document.page - 1][1](canvas, document)

    return build_document(story, title=title, author=author, margins=margins, on_page=on_page)
