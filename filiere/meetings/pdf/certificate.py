"""One participant's attendance certificate (continuing-education evidence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import grid_table, paragraph_styles
from filiere.meetings.models import Meeting, Participant
from filiere.meetings.pdf.common import build, when


@dataclass(frozen=True)
class CertificateFacts:
    participant: Participant
    cases_discussed: int
    coordinators: list[str]
    periods: str = ""


def _dpc_programme(series: Any, style: ParagraphStyle) -> list[Any]:
    """The series' continuing-education programme, when the RCP is run as one."""
    reference = series.dpc_programme_reference
    if not reference:
        return []
    organisation = (
        f" (organisme de DPC : {escape(series.dpc_organisation)})"
        if series.dpc_organisation
        else ""
    )
    return [
        Paragraph(
            f"Programme de développement professionnel continu (DPC) n° "
            f"<b>{escape(reference)}</b>{organisation}.",
            style,
        ),
        Spacer(1, 2 * mm),
    ]


def attendance_certificate_pdf(facts: CertificateFacts) -> bytes:
    """Return one participant's attendance certificate (continuing-education evidence)."""
    styles = paragraph_styles(body_size=9.5)
    body = styles["body"]
    participant = facts.participant
    meeting = participant.meeting
    user = participant.user
    minutes = participant.minutes_present
    story: list[Any] = [
        Paragraph("Attestation de participation à une RCP", styles["title"]),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Réunion de concertation pluridisciplinaire <b>{escape(meeting.series.name)}</b>, "
            f"organisée par {escape(str(meeting.series.centre))}, "
            f"{'urgente' if meeting.kind == Meeting.Kind.URGENT else 'ordinaire'}, "
            f"le {timezone.localtime(meeting.starts_at):%d/%m/%Y} "
            f"({meeting.duration_minutes} minutes prévues).",
            body,
        ),
        Spacer(1, 3 * mm),
        grid_table(
            [
                ["Participant", "Informations"],
                ["Nom", escape(user.display_name)],
                ["RPPS", user.rpps or "non renseigné"],
                ["Spécialité", escape(participant.get_specialty_display())],
                ["Rôle", escape(participant.get_role_display())],
                ["Arrivée", when(participant.first_arrival)],
                ["Départ", when(participant.last_departure)],
                ["Périodes de présence", facts.periods or "—"],
                ["Durée de présence", f"{minutes} minutes" if minutes is not None else "—"],
                ["Dossiers discutés pendant la présence", str(facts.cases_discussed)],
            ],
            [60 * mm, 114 * mm],
        ),
        Spacer(1, 4 * mm),
        *_dpc_programme(meeting.series, body),
        Paragraph(
            "La présence a été enregistrée en séance (émargement électronique horodaté). Cette "
            "attestation sert de justificatif au titre du développement professionnel continu ; "
            "l'attestation officielle est délivrée par l'organisme de DPC qui porte le programme.",
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Coordination de la RCP : {escape(', '.join(facts.coordinators) or '—')}.", body
        ),
        Paragraph(f"Document généré par Filière le {when(timezone.now())}.", styles["small"]),
    ]
    return build(story, f"Attestation RCP {user.get_full_name()}", ", ".join(facts.coordinators))
