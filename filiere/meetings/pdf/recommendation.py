"""The signed recommendation (avis de RCP), or its copy for the patient's record."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import grid_table, paragraph_styles
from filiere.lib.ages import Age
from filiere.meetings.models import CaseRequest, ExpertOpinion, Meeting, Recommendation
from filiere.meetings.pdf.common import (
    age_fr,
    attendee_rows,
    attendee_table,
    build,
    quorum_line,
    text,
    when,
)
from filiere.meetings.pdf.record_copy import RecordCopy, record_copy_band, record_copy_header
from filiere.meetings.rules import coordination_role, sentence

Styles = dict[str, ParagraphStyle]


def _written_opinions(opinions: list[ExpertOpinion], styles: Styles) -> list[Any]:
    """Each expert's written opinion as given, an unfavourable one as much as the others."""
    if not opinions:
        return []
    small = styles["small"]
    rows: list[list[Any]] = [["Expert", "Spécialité", "Position", "Avis écrit", "Date"]]
    for opinion in opinions:
        rows.append(
            [
                Paragraph(escape(opinion.author.display_name), small),
                Paragraph(escape(opinion.get_specialty_display()), small),
                Paragraph(escape(opinion.get_position_display()), small),
                Paragraph(text(opinion.opinion), small),
                Paragraph(when(opinion.created_at), small),
            ]
        )
    return [
        Spacer(1, 3 * mm),
        Paragraph("Avis écrits des experts", styles["h2"]),
        grid_table(rows, [34 * mm, 30 * mm, 24 * mm, 62 * mm, 24 * mm]),
    ]


def _heading(
    recommendation: Recommendation, record_copy: RecordCopy | None, styles: Styles
) -> list[Any]:
    """The title, the record copy's header if any, the meeting and the version replaced."""
    body = styles["body"]
    meeting: Meeting = recommendation.meeting
    series = meeting.series
    kind = "urgente" if meeting.kind == Meeting.Kind.URGENT else "ordinaire"
    story: list[Any] = [
        Paragraph("Avis de réunion de concertation pluridisciplinaire", styles["title"]),
    ]
    if record_copy is not None:
        story += record_copy_header(recommendation, record_copy, styles)
    story += [
        Paragraph(
            f"<b>{escape(series.name)}</b> · {escape(str(series.centre))} · RCP {kind} du "
            f"{when(meeting.starts_at)} · version <b>{recommendation.version}</b>",
            body,
        ),
    ]
    if recommendation.supersedes_id and recommendation.supersedes:
        story.append(
            Paragraph(
                f"Remplace la version {recommendation.supersedes.version} — motif de la "
                f"correction : {text(sentence(recommendation.correction_reason))}",
                body,
            )
        )
    return story


def _patient_and_request(case: CaseRequest, age: Age, styles: Styles) -> list[Any]:
    """The patient by pseudonym, sex and age; the requester, the question, the registry."""
    body = styles["body"]
    patient = case.patient
    requester = case.requester
    place = str(case.requester_centre) if case.requester_centre else case.requester_institution
    story: list[Any] = [
        Spacer(1, 3 * mm),
        Paragraph("Patient et demande", styles["h2"]),
        Paragraph(
            f"Patient <b>{escape(patient.pseudonym)}</b> · {escape(patient.get_sex_display())} · "
            f"{escape(age_fr(age))} ({'pédiatrique' if age.years < 18 else 'adulte'})",
            body,
        ),
        Paragraph(
            f"Médecin demandeur : {escape(requester.display_name)} "
            f"({escape(requester.get_specialty_display())}"
            f"{', RPPS ' + requester.rpps if requester.rpps else ''}) — {escape(place or '—')}",
            body,
        ),
        Paragraph(
            f"Question ({escape(case.get_question_type_display())}"
            f"{', urgente' if case.is_urgent else ''}) : {text(case.question)}",
            body,
        ),
    ]
    if case.proposal:
        story.append(Paragraph(f"Proposition envisagée : {text(case.proposal)}", body))
    diagnoses = case.registry_snapshot.get("diagnoses", [])
    if diagnoses:
        listed = "; ".join(f"{d['code']} {d['label']} ({d['status']})" for d in diagnoses)
        story.append(Paragraph(f"Diagnostics au registre : {escape(listed)}", body))
    return story


def _opinion(recommendation: Recommendation, styles: Styles) -> list[Any]:
    """The RCP's answer, section by section, and whether it stands outside the guidelines."""
    body = styles["body"]
    sections = [
        ("Question traitée", recommendation.question_answered),
        ("Synthèse de la discussion", recommendation.discussion_summary),
        ("Proposition diagnostique", recommendation.diagnostic_proposal),
        ("Proposition thérapeutique", recommendation.therapeutic_proposal),
        ("Alternatives", recommendation.alternatives),
        ("Référentiel utilisé", recommendation.guideline_used),
    ]
    story: list[Any] = [Spacer(1, 3 * mm), Paragraph("Avis de la RCP", styles["h2"])]
    for label, value in sections:
        if value:
            story.append(Paragraph(f"<b>{label}</b> : {text(value)}", body))
    if recommendation.outside_guidelines:
        story.append(
            Paragraph(
                f"<b>Proposition hors référentiel</b> : "
                f"{text(recommendation.outside_guidelines_reason)}",
                body,
            )
        )
    return story


def _off_label(recommendation: Recommendation, styles: Styles) -> list[Any]:
    """The off-label prescription's rubrics (art. L.5121-12-1 CSP), when there is one."""
    if not recommendation.is_off_label:
        return []
    rows: list[list[Any]] = [["Rubrique", "Contenu"]]
    for label, value in (
        ("Médicament", recommendation.off_label_drug),
        ("Indication", recommendation.off_label_indication),
        ("Absence d'alternative", recommendation.off_label_no_alternative),
        ("Références", recommendation.off_label_references),
        ("Bénéfices et risques", recommendation.off_label_benefits_risks),
        ("Information du patient", recommendation.off_label_patient_information),
        ("Prise en charge", recommendation.get_off_label_funding_route_display()),
        ("Surveillance", recommendation.off_label_monitoring),
    ):
        rows.append([label, Paragraph(text(value or "—"), styles["small"])])
    return [
        Spacer(1, 2 * mm),
        Paragraph("Prescription hors AMM (art. L.5121-12-1 CSP)", styles["h2"]),
        grid_table(rows, [40 * mm, 134 * mm]),
        Paragraph(
            "Le prescripteur porte la mention « Prescription hors autorisation de mise sur "
            "le marché » sur l'ordonnance et motive sa prescription dans le dossier.",
            styles["small"],
        ),
    ]


def _other_points(recommendation: Recommendation, styles: Styles) -> list[Any]:
    """Trial eligibility, genetic counselling and where the follow-up takes place."""
    others = [
        ("Essai ou étude", recommendation.trial_eligibility),
        (
            "Conseil génétique",
            ("recommandé. " if recommendation.genetic_counselling else "")
            + recommendation.genetic_counselling_note,
        ),
        (
            "Lieu de suivi",
            # The site and the note are two statements: « Centre du médecin demandeur —
            # Contrôle NFS à un mois », never run together.
            " — ".join(
                part
                for part in (
                    recommendation.get_follow_up_site_display(),
                    recommendation.follow_up_note.strip(),
                )
                if part
            ),
        ),
    ]
    return [
        Paragraph(f"<b>{label}</b> : {text(value)}", styles["body"])
        for label, value in others
        if value
    ]


def _quorum(recommendation: Recommendation, styles: Styles) -> list[Any]:
    """The participants, what each counted for, and the quorum (or the override's reason)."""
    body = styles["body"]
    record = recommendation.quorum_record
    rows = attendee_rows(record, styles["small"])
    if len(rows) == 1:
        rows.append(["Aucun médecin présent enregistré.", "", ""])
    met = "oui" if recommendation.quorum_met else "non"
    story: list[Any] = [
        Spacer(1, 3 * mm),
        Paragraph("Participants et quorum", styles["h2"]),
        attendee_table(rows),
        Paragraph(quorum_line(record, met), body),
    ]
    if not recommendation.quorum_met:
        story.append(
            Paragraph(
                f"Signé sans quorum par décision de la coordination : "
                f"{text(sentence(recommendation.override_reason))} Le dossier est inscrit à la "
                "prochaine RCP pour être présenté de nouveau.",
                body,
            )
        )
    return story


def _signature(recommendation: Recommendation, signer: str, styles: Styles) -> list[Any]:
    """The urgent path's note, who signed and when, and the requester's responsibility."""
    body = styles["body"]
    story: list[Any] = []
    if recommendation.urgent_path:
        story.append(
            Paragraph(
                "Avis urgent rendu sur avis écrits d'experts ; il sera ratifié à la prochaine "
                "RCP ordinaire.",
                body,
            )
        )
    signed_by = recommendation.signed_by
    role = coordination_role(signed_by.title if signed_by else "")
    return [
        *story,
        Spacer(1, 4 * mm),
        Paragraph(
            f"Validé et signé par <b>{escape(signer)}</b>, {role}, le "
            f"{when(recommendation.signed_at)}.",
            body,
        ),
        Spacer(1, 2 * mm),
        Paragraph(
            "Cet avis est une proposition collégiale. Le médecin demandeur reste responsable de "
            "la décision, de l'information du patient et, s'il ne suit pas la proposition, de "
            "la justification de son choix dans le dossier. Document généré par Filière.",
            styles["small"],
        ),
    ]


def recommendation_pdf(
    recommendation: Recommendation,
    *,
    age: Age,
    opinions: list[ExpertOpinion] | None = None,
    record_copy: RecordCopy | None = None,
) -> bytes:
    """Return the PDF of a recommendation being signed (signer and time already set), with the
    experts' written opinions it rests on (urgent path). With ``record_copy``, return instead
    the requesting team's copy of that signed version for the patient's record: the same
    content, the identity traits above it and on every page."""
    styles = paragraph_styles(body_size=9.5)
    case: CaseRequest = recommendation.case
    signed_by = recommendation.signed_by
    signer = signed_by.display_name if signed_by else "—"
    story = [
        *_heading(recommendation, record_copy, styles),
        *_patient_and_request(case, age, styles),
        *_opinion(recommendation, styles),
        *_off_label(recommendation, styles),
        *_other_points(recommendation, styles),
        *_quorum(recommendation, styles),
        *_written_opinions(opinions or [], styles),
        *_signature(recommendation, signer, styles),
    ]
    pseudonym = case.patient.pseudonym
    title = f"Avis RCP {pseudonym} v{recommendation.version}"
    if record_copy is None:
        return build(story, title, signer)
    band = record_copy_band(record_copy, pseudonym, recommendation.version)
    return build(story, f"{title} (copie pour le dossier)", signer, on_page=band)
