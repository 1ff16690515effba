"""The ordinary meeting's decision on an urgent recommendation: ratified or not."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import paragraph_styles
from filiere.meetings.models import CaseRequest, Meeting, Ratification
from filiere.meetings.pdf.common import (
    attendee_rows,
    attendee_table,
    build,
    quorum_line,
    text,
    when,
)
from filiere.meetings.rules import coordination_role, sentence


def _decision(ratification: Ratification, body: ParagraphStyle) -> list[Any]:
    """Ratified, it stands; not ratified, the reason and the new version to come."""
    if ratification.is_ratified:
        return [Paragraph("La RCP <b>ratifie</b> l'avis urgent ; il reste en vigueur.", body)]
    return [
        Paragraph("La RCP <b>ne ratifie pas</b> l'avis urgent.", body),
        Paragraph(f"<b>Motif</b> : {text(sentence(ratification.reason))}", body),
        Paragraph(
            "Une nouvelle version de l'avis est rédigée ; elle remplace l'avis urgent et "
            "sera transmise au médecin demandeur après signature.",
            body,
        ),
    ]


def _quorum_and_signature(
    ratification: Ratification, signer: str, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """The participants during the ratification, their quorum, and who signed."""
    body = styles["body"]
    record = ratification.quorum_record
    signed_by = ratification.signed_by
    role = coordination_role(signed_by.title if signed_by else "")
    return [
        Spacer(1, 3 * mm),
        Paragraph("Participants pendant la ratification et quorum", styles["h2"]),
        attendee_table(attendee_rows(record, styles["small"])),
        Paragraph(quorum_line(record, "oui"), body),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Validé et signé par <b>{escape(signer)}</b>, {role}, le "
            f"{when(ratification.signed_at)}. "
            "Document généré par Filière.",
            body,
        ),
    ]


def ratification_pdf(ratification: Ratification, *, meeting: Meeting) -> bytes:
    """Return the document of the ordinary meeting's decision on an urgent recommendation:
    ratified, or not ratified with its reason; the participants during the ratification and
    the quorum they made, signed like an avis."""
    styles = paragraph_styles(body_size=9.5)
    body = styles["body"]
    recommendation = ratification.recommendation
    case: CaseRequest = recommendation.case
    urgent: Meeting = recommendation.meeting
    title = (
        "Ratification d'un avis urgent" if ratification.is_ratified else "Avis urgent non ratifié"
    )
    signed_by = ratification.signed_by
    signer = signed_by.display_name if signed_by else "—"
    story: list[Any] = [
        Paragraph(title, styles["title"]),
        Paragraph(
            f"<b>{escape(meeting.series.name)}</b> · {escape(str(meeting.series.centre))} · "
            f"RCP ordinaire du {when(meeting.starts_at)}",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            f"Patient <b>{escape(case.patient.pseudonym)}</b> · avis urgent version "
            f"<b>{recommendation.version}</b> de la RCP urgente du {when(urgent.starts_at)}, "
            f"signé le {when(recommendation.signed_at)} (empreinte SHA-256 "
            f"{escape(recommendation.pdf_sha256[:16])}…).",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph("Décision de la RCP", styles["h2"]),
        *_decision(ratification, body),
        *_quorum_and_signature(ratification, signer, styles),
    ]
    return build(story, f"{title} {case.patient.pseudonym}", signer)
