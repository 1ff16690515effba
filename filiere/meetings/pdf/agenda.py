"""The meeting's agenda (« Ordre du jour »), sent to every participant."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import grid_table, paragraph_styles
from filiere.meetings.models import AgendaItem, Meeting
from filiere.meetings.pdf.common import build, text, when


def _meeting_lines(meeting: Meeting, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """The title, the series, the time, the place, the video link and the notes."""
    body = styles["body"]
    series = meeting.series
    local = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    kind = "urgente" if meeting.kind == Meeting.Kind.URGENT else "ordinaire"
    story: list[Any] = [
        Paragraph("Ordre du jour", styles["title"]),
        Paragraph(f"<b>{escape(series.name)}</b> · {escape(str(series.centre))}", body),
        Paragraph(
            f"RCP {kind} du {local:%d/%m/%Y}, de {local:%H:%M} à {end:%H:%M} "
            f"({meeting.duration_minutes} minutes)",
            body,
        ),
    ]
    if meeting.location:
        story.append(Paragraph(f"Lieu : {escape(meeting.location)}", body))
    if meeting.video_link:
        story.append(Paragraph(f"Visioconférence : {escape(meeting.video_link)}", body))
    if meeting.notes:
        story.append(Paragraph(text(meeting.notes), styles["small"]))
    return story


def _item_row(item: AgendaItem, small: ParagraphStyle) -> list[Any]:
    """One case's slot, pseudonym (urgent marked), requesting centre and question."""
    case = item.case
    start = timezone.localtime(item.starts_at)
    finish = start + dt.timedelta(minutes=item.duration_minutes)
    urgent = " <b>URGENT</b>" if case.is_urgent else ""
    centre = str(case.requester_centre) if case.requester_centre else ""
    purpose = (
        f"<br/>{escape(str(item.get_purpose_display()))}"
        if item.purpose != AgendaItem.Purpose.FIRST
        else ""
    )
    return [
        Paragraph(f"{start:%H:%M}–{finish:%H:%M}", small),
        Paragraph(f"{escape(case.patient.pseudonym)}{urgent}{purpose}", small),
        Paragraph(escape(centre or case.requester_institution or "—"), small),
        Paragraph(
            f"<b>{escape(str(case.get_question_type_display()))}</b> : {text(case.question)}",
            small,
        ),
    ]


def agenda_pdf(meeting: Meeting, items: list[AgendaItem]) -> bytes:
    """Return the meeting's agenda: each case in slot order by pseudonym only (it goes to every
    participant), with its requesting centre, question type and question; urgent ones marked."""
    styles = paragraph_styles(body_size=9.5)
    small = styles["small"]
    rows: list[list[Any]] = [["Horaire", "Patient", "Centre demandeur", "Question"]]
    rows += [_item_row(item, small) for item in items]
    if len(rows) == 1:
        rows.append(["", "Aucun dossier à l'ordre du jour.", "", ""])
    story = [
        *_meeting_lines(meeting, styles),
        Spacer(1, 4 * mm),
        Paragraph(f"Dossiers ({len(items)})", styles["h2"]),
        grid_table(rows, [22 * mm, 32 * mm, 40 * mm, 80 * mm]),
        Spacer(1, 3 * mm),
        Paragraph(
            "Les patients sont désignés par leur pseudonyme ; leur identité n'est connue que "
            f"du médecin demandeur. Document généré par Filière le {when(timezone.now())}.",
            small,
        ),
    ]
    local = timezone.localtime(meeting.starts_at)
    return build(story, f"Ordre du jour RCP {local:%d/%m/%Y}", str(meeting.series.centre))


def agenda_filename(meeting: Meeting) -> str:
    return f"ordre-du-jour-rcp-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
