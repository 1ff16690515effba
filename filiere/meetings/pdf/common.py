"""What every meeting document shares: text escaping, dates, ages and the quorum table."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from filiere.core.pdf import PageCallback, build_document, grid_table
from filiere.core.templatetags.ages import age_label
from filiere.lib.ages import Age


def text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def build(story: list[Any], title: str, author: str, on_page: PageCallback | None = None) -> bytes:
    return build_document(story, title=title, author=author, on_page=on_page)


def when(value: Any) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y à %H:%M}" if value else "—"


def age_fr(age: Age) -> str:
    """« 11 mois », « 3 ans »: the signed document is French whatever the signer's language."""
    with translation.override("fr"):
        return age_label(age)


def attendee_rows(record: dict[str, Any], small: ParagraphStyle) -> list[list[Any]]:
    """The quorum record's attendees under a header row: name, specialties, counted for."""
    labels = record.get("labels", {})
    rows: list[list[Any]] = [["Participant", "Spécialité", "Compté pour"]]
    for attendee in record.get("attendees", []):
        counted = attendee.get("counted_for", "")
        rows.append(
            [
                Paragraph(escape(attendee["name"]), small),
                Paragraph(
                    escape(", ".join(labels.get(s, s) for s in attendee["specialties"])),
                    small,
                ),
                Paragraph(escape(labels.get(counted, counted) or "—"), small),
            ]
        )
    return rows


def attendee_table(rows: list[list[Any]]) -> Any:
    return grid_table(rows, [62 * mm, 62 * mm, 50 * mm])


def quorum_line(record: dict[str, Any], met: str) -> str:
    """« Quorum atteint : oui (3 spécialité(s) représentée(s), 3 au minimum ; obligatoires…) »."""
    labels = record.get("labels", {})
    required = ", ".join(labels.get(s, s) for s in record.get("required", [])) or "—"
    return (
        f"<b>Quorum atteint : {met}</b> ({len(record.get('specialties_counted', []))} "
        f"spécialité(s) représentée(s), {record.get('minimum', 3)} au minimum ; "
        f"obligatoires : {escape(required)})."
    )
