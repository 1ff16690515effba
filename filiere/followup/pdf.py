"""PDF layout (reportlab) of the emergency care card and the follow-up booklet.

No database here: the content comes from ``care_card.build_care_card`` and
``booklet.build_booklet``. The card is an ID-1 card (85.6 × 54 mm) printed folded: front and back
side by side on one page, to cut out and fold; the A4 layout repeats the content at a readable
size with the card to cut out at the bottom.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Frame,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from filiere.core.pdf import build_document, build_one_page_each, font_name
from filiere.followup.booklet import Booklet
from filiere.followup.care_card import NO_EMERGENCY_TREATMENT, CareCard

CARD_WIDTH, CARD_HEIGHT = 85.6 * mm, 54 * mm
ACCENT = colors.HexColor("#8c2332")
ALERT = colors.HexColor("#b3261e")
LIGHT = colors.HexColor("#f4e7e9")
BORDER = colors.HexColor("#999999")

_BASE = getSampleStyleSheet()


def _style(name: str, size: float, *, bold: bool = False, **extra: object) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        parent=_BASE["Normal"],
        fontName=font_name(bold=bold),
        fontSize=size,
        leading=size * 1.2,
        **extra,
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _footer_text(card: CareCard, what: str) -> str:
    return (
        f"{what} — document généré le {card.generated_on:%d/%m/%Y} depuis Filière (MHEMO), "
        f"modèle v{card.version}. Réf. {card.pseudonym}"
    )


# --- The card ------------------------------------------------------------------------------


def _front(card: CareCard, scale: float) -> list[Flowable]:
    small, body = _style("card-small", 5.6 * scale), _style("card-body", 6.4 * scale)
    strong = _style("card-strong", 6.6 * scale, bold=True)
    risk = _style("card-risk", 7 * scale, bold=True, textColor=ALERT)
    who = card.name or "Nom : ................................................"
    flow: list[Flowable] = [
        _p(f"{who}  —  né(e) le {card.birth}", strong),
        _p(f"Dossier {card.pseudonym}", small),
        Spacer(1, 1.2 * mm * scale),
        _p(card.diagnosis_plain, body),
        _p(card.diagnosis, small),
        Spacer(1, 1.2 * mm * scale),
        _p(card.risk, risk),
    ]
    if card.last_bat:
        flow.append(_p(card.last_bat, small))
    flow += [
        Spacer(1, 1.2 * mm * scale),
        _p(f"Centre de référence : {card.centre or 'non renseigné'}", body),
        _p(f"24 h/24 : {card.emergency_phone or 'non renseigné'}", strong),
    ]
    return flow


def _back(card: CareCard, scale: float) -> list[Flowable]:
    head = _style("card-head", 6.4 * scale, bold=True, textColor=ACCENT)
    body = _style("card-back", 5.6 * scale, leftIndent=2 * mm * scale)
    flow: list[Flowable] = [_p("Traitement d'urgence habituel", head)]
    lines = card.emergency_treatment or [NO_EMERGENCY_TREATMENT]
    flow += [_p(f"• {line}", body) for line in [*lines, *card.notes]]
    flow.append(_p("À éviter", head))
    flow += [_p(f"• {line}", body) for line in card.to_avoid]
    flow.append(_p("Que faire", head))
    flow += [_p(f"• {line}", body) for line in card.to_do]
    return flow


def draw_card(canvas: Canvas, card: CareCard, x: float, y: float, scale: float = 1.0) -> None:
    """Draw the folded card (front | back) with its lower-left corner at (x, y)."""
    width, height = CARD_WIDTH * scale, CARD_HEIGHT * scale
    band = 7 * mm * scale
    canvas.saveState()
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(0.4)
    canvas.rect(x, y, 2 * width, height)
    canvas.setDash(2, 2)
    canvas.line(x + width, y, x + width, y + height)
    canvas.setDash()
    canvas.setFillColor(ACCENT)
    canvas.rect(x, y + height - band, width, band, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(font_name(bold=True), 7.5 * scale)
    canvas.drawString(x + 3 * mm * scale, y + height - band + 2.4 * mm * scale, "CARTE DE SOINS")
    canvas.setFont(font_name(), 5.5 * scale)
    canvas.drawRightString(
        x + width - 3 * mm * scale,
        y + height - band + 2.4 * mm * scale,
        "Maladie hémorragique rare",
    )
    canvas.setFillColor(colors.black)
    canvas.setFont(font_name(), 4.2 * scale)
    canvas.drawString(
        x + width + 2.5 * mm * scale, y + 1.6 * mm * scale, _footer_text(card, "Carte de soins")
    )
    canvas.restoreState()
    pad = 2.5 * mm * scale
    panels = (
        (x, y, width, height - band, _front(card, scale)),
        (x + width, y + 3 * mm * scale, width, height - 3 * mm * scale, _back(card, scale)),
    )
    for left, bottom, w, h, flow in panels:
        frame = Frame(
            left,
            bottom,
            w,
            h,
            leftPadding=pad,
            rightPadding=pad,
            topPadding=pad,
            bottomPadding=pad * 0.6,
            showBoundary=0,
        )
        frame.addFromList([KeepInFrame(w - 2 * pad, h - 1.6 * pad, flow, mode="shrink")], canvas)


def _metadata(canvas: Canvas, title: str) -> None:
    canvas.setTitle(title)
    canvas.setAuthor("Filière (MHEMO)")
    canvas.setSubject(title)


def render_card(card: CareCard) -> bytes:
    """Return the card-size PDF: one page, front and back side by side, to cut out and fold."""
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(2 * CARD_WIDTH, CARD_HEIGHT),
        pageCompression=1,
        initialFontName=font_name(),
    )
    _metadata(canvas, f"Carte de soins {card.pseudonym}")
    draw_card(canvas, card, 0, 0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# The A4 page: the card's content at a readable size above, the card to cut out below.
A4_MARGINS = (18 * mm, 18 * mm, 15 * mm, 22 * mm + CARD_HEIGHT + 10 * mm)


def _card_a4_page(card: CareCard) -> tuple[Flowable, Callable[[Canvas, Any], None]]:
    """One card's A4 page: its content (shrunk to fit one page) and what is drawn around it."""
    title = _style("a4-title", 18, bold=True, textColor=ACCENT)
    head = _style("a4-head", 12, bold=True, textColor=ACCENT, spaceBefore=6)
    body = _style("a4-body", 10.5)
    strong = _style("a4-strong", 11, bold=True)
    risk = _style("a4-risk", 12, bold=True, textColor=ALERT)
    who = card.name or "Nom : ......................................................"
    story: list[Flowable] = [
        _p("Carte de soins et d'urgence", title),
        _p(f"{who} — né(e) le {card.birth} — dossier {card.pseudonym}", strong),
        Spacer(1, 3 * mm),
        _p("Maladie", head),
        _p(card.diagnosis_plain, body),
        _p(card.diagnosis, body),
        _p(card.risk, risk),
    ]
    if card.last_bat:
        story.append(_p(card.last_bat, body))
    story.append(_p("Traitement d'urgence habituel", head))
    lines = card.emergency_treatment or [NO_EMERGENCY_TREATMENT]
    story += [_p(f"• {line}", body) for line in [*lines, *card.notes]]
    story.append(_p("À éviter", head))
    story += [_p(f"• {line}", body) for line in card.to_avoid]
    story.append(_p("Que faire", head))
    story += [_p(f"• {line}", body) for line in card.to_do]
    story += [
        _p("Centre de référence", head),
        _p(card.centre or "non renseigné", body),
        _p(f"Urgences 24 h/24 : {card.emergency_phone or 'non renseigné'}", strong),
    ]
    if card.phone:
        story.append(_p(f"Secrétariat : {card.phone}", body))

    def on_page(canvas: Canvas, doc: Any) -> None:
        card_x = (A4[0] - 2 * CARD_WIDTH) / 2
        draw_card(canvas, card, card_x, 22 * mm)
        canvas.setFont(font_name(), 8)
        canvas.drawCentredString(
            A4[0] / 2,
            22 * mm + CARD_HEIGHT + 3 * mm,
            "À découper, plier au milieu et garder sur soi",
        )
        canvas.drawCentredString(A4[0] / 2, 10 * mm, _footer_text(card, "Carte de soins"))

    left, right, top, bottom = A4_MARGINS
    frame_width, frame_height = A4[0] - left - right, A4[1] - top - bottom
    return KeepInFrame(frame_width, frame_height, story, mode="shrink"), on_page


def render_cards_a4(cards: Sequence[CareCard], *, title: str) -> bytes:
    """Return the A4 pages of several cards in one PDF, one page each (a centre's bulk print)."""
    return build_one_page_each(
        [_card_a4_page(card) for card in cards],
        title=title,
        author="Filière (MHEMO)",
        margins=A4_MARGINS,
    )


def render_card_a4(card: CareCard) -> bytes:
    """Return the A4 page: the card's content at a readable size, and the card to cut out."""
    return render_cards_a4([card], title=f"Carte de soins {card.pseudonym}")


# --- The booklet ---------------------------------------------------------------------------


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: float,
    widths: Sequence[float] = (),
) -> Table:
    cell = _style("cell", 8.2)
    head = _style("cell-head", 8.2, bold=True, textColor=colors.white)
    data = [[_p(h, head) for h in header]] + [[_p(c, cell) for c in row] for row in rows]
    ratios = widths or (1.0,) * len(header)
    columns = [width * r / sum(ratios) for r in ratios]
    table = Table(data, colWidths=columns, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
                ("GRID", (0, 0), (-1, -1), 0.25, BORDER),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_booklet(booklet: Booklet) -> bytes:
    """Return the A4 follow-up booklet: the card's essentials, then one table per section."""
    card = booklet.card
    title = _style("b-title", 18, bold=True, textColor=ACCENT)
    head = _style("b-head", 12.5, bold=True, textColor=ACCENT, spaceBefore=8, spaceAfter=4)
    body = _style("b-body", 10)
    muted = _style("b-muted", 9, textColor=colors.HexColor("#555555"))
    who = card.name or f"Dossier {card.pseudonym}"
    story: list[Flowable] = [
        _p("Carnet de suivi", title),
        _p(f"{who} — né(e) le {card.birth} — dossier {card.pseudonym}", body),
        _p(
            f"Période du {booklet.start:%d/%m/%Y} au {booklet.end:%d/%m/%Y} — "
            f"centre de référence : {card.centre or 'non renseigné'} "
            f"(24 h/24 : {card.emergency_phone or 'non renseigné'})",
            body,
        ),
        Spacer(1, 3 * mm),
        _p(card.diagnosis, body),
        _p(card.diagnosis_plain, muted),
        _p(card.risk, _style("b-risk", 10.5, bold=True, textColor=ALERT)),
    ]
    width = A4[0] - 36 * mm
    for section in booklet.sections:
        story.append(_p(section.title, head))
        if section.rows:
            story.append(_table(section.header, section.rows, width, section.widths))
        else:
            story.append(_p(section.empty, muted))

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        _metadata(canvas, f"Carnet de suivi {card.pseudonym}")
        canvas.setFont(font_name(), 7.5)
        canvas.drawString(18 * mm, 10 * mm, _footer_text(card, "Carnet de suivi"))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")

    return build_document(
        story,
        title=f"Carnet de suivi {card.pseudonym}",
        author="Filière (MHEMO)",
        margins=(18 * mm, 18 * mm, 15 * mm, 18 * mm),
        on_page=on_page,
    )
