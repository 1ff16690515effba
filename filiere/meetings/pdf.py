"""Printable documents (reportlab): the signed recommendation and the attendance certificate.

None reads the identity table: the signed avis shows the patient by pseudonym, sex and age, as
at the meeting. The requesting team's copy for the hospital record is given the identity traits
by its caller, which has checked that the reader may see them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from filiere.core.pdf import (
    PageCallback,
    build_document,
    clinical_fonts,
    grid_table,
    paragraph_styles,
)
from filiere.core.templatetags.ages import age_label
from filiere.lib.ages import Age
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    ExpertOpinion,
    Meeting,
    Participant,
    Ratification,
    Recommendation,
)
from filiere.meetings.rules import coordination_role, sentence


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _build(story: list[Any], title: str, author: str, on_page: PageCallback | None = None) -> bytes:
    return build_document(story, title=title, author=author, on_page=on_page)


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y à %H:%M}" if value else "—"


def _age(age: Age) -> str:
    """« 11 mois », « 3 ans »: the signed document is French whatever the signer's language."""
    with translation.override("fr"):
        return age_label(age)


def _written_opinions(
    opinions: list[ExpertOpinion], styles: dict[str, ParagraphStyle]
) -> list[Any]:
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
                Paragraph(_text(opinion.opinion), small),
                Paragraph(_when(opinion.created_at), small),
            ]
        )
    return [
        Spacer(1, 3 * mm),
        Paragraph("Avis écrits des experts", styles["h2"]),
        grid_table(rows, [34 * mm, 30 * mm, 24 * mm, 62 * mm, 24 * mm]),
    ]


@dataclass(frozen=True)
class IdentityTraits:
    """The identity traits a document for the hospital record carries (RNIV): the strict
    traits, the used name and first name when stored, and the INS with its OID only when the
    identity is qualified (an INS travels only with a qualified identity)."""

    birth_name: str
    first_given_name: str
    birth_date: dt.date
    sex: str
    status: str
    birth_place_insee: str = ""
    used_name: str = ""
    used_first_name: str = ""
    ins_matricule: str = ""
    ins_oid: str = ""
    ins_kind: str = ""

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("Nom de naissance", self.birth_name.upper()),
            ("Premier prénom de naissance", self.first_given_name),
            ("Date de naissance", f"{self.birth_date:%d/%m/%Y}"),
            ("Sexe", self.sex),
        ]
        if self.birth_place_insee:
            rows.append(("Lieu de naissance (code INSEE)", self.birth_place_insee))
        if self.used_name:
            rows.append(("Nom utilisé", self.used_name.upper()))
        if self.used_first_name:
            rows.append(("Prénom utilisé", self.used_first_name))
        if self.ins_matricule:
            kind = f"{self.ins_kind}, " if self.ins_kind else ""
            rows.append(("Matricule INS", f"{self.ins_matricule} ({kind}OID {self.ins_oid})"))
        rows.append(("Statut de l'identité", self.status))
        return rows

    def line(self) -> str:
        """« DURAND Élodie · née le 02/03/2010 · F · INS 2100…»: the band on every page."""
        parts = [
            f"{self.birth_name.upper()} {self.first_given_name}",
            f"né(e) le {self.birth_date:%d/%m/%Y}",
            self.sex,
        ]
        if self.used_name or self.used_first_name:
            used = f"{self.used_name.upper()} {self.used_first_name}".strip()
            parts.append(f"nom/prénom utilisés : {used}")
        if self.ins_matricule:
            parts.append(f"INS {self.ins_matricule}")
        return " · ".join(parts)


@dataclass(frozen=True)
class RecordCopy:
    """What turns a signed avis into the requesting team's copy for the patient's record."""

    identity: IdentityTraits
    made_at: dt.datetime


def _record_copy_band(copy: RecordCopy, pseudonym: str, version: int) -> Callable[[Any, Any], None]:
    """The identity traits at the top of every page, and the copy's nature at the bottom."""
    regular, bold = clinical_fonts()
    top = copy.identity.line()
    bottom = (
        f"Copie pour le dossier du patient de l'avis {pseudonym} version {version} — "
        f"identité réservée à l'équipe de soins ; ne pas transmettre aux experts. "
    )

    def draw(canvas: Any, document: Any) -> None:
        _width, height = A4
        canvas.saveState()
        canvas.setFont(bold, 8)
        canvas.drawString(18 * mm, height - 9 * mm, top)
        canvas.setFont(regular, 7)
        canvas.drawString(18 * mm, 8 * mm, bottom + f"Page {document.page}")
        canvas.restoreState()

    return draw


def _record_copy_header(
    recommendation: Recommendation, copy: RecordCopy, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    rows: list[list[Any]] = [["Identité du patient", ""]]
    rows += [[label, escape(value)] for label, value in copy.identity.rows()]
    return [
        Paragraph("Copie pour le dossier du patient", styles["h2"]),
        Paragraph(
            f"Copie conforme de l'avis signé, <b>version {recommendation.version}</b>, signée le "
            f"{_when(recommendation.signed_at)} (empreinte SHA-256 du document signé "
            f"{escape(recommendation.pdf_sha256[:16])}…), complétée de l'identité du patient "
            f"pour son dossier ; copie produite le {_when(copy.made_at)}. L'avis transmis aux "
            "experts reste pseudonymisé.",
            styles["body"],
        ),
        Spacer(1, 2 * mm),
        grid_table(rows, [60 * mm, 114 * mm]),
        Spacer(1, 3 * mm),
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
    body, h2 = styles["body"], styles["h2"]
    case: CaseRequest = recommendation.case
    meeting: Meeting = recommendation.meeting
    series = meeting.series
    patient = case.patient
    requester = case.requester
    place = str(case.requester_centre) if case.requester_centre else case.requester_institution
    kind = "urgente" if meeting.kind == Meeting.Kind.URGENT else "ordinaire"
    story: list[Any] = [
        Paragraph("Avis de réunion de concertation pluridisciplinaire", styles["title"]),
    ]
    if record_copy is not None:
        story += _record_copy_header(recommendation, record_copy, styles)
    story += [
        Paragraph(
            f"<b>{escape(series.name)}</b> · {escape(str(series.centre))} · RCP {kind} du "
            f"{_when(meeting.starts_at)} · version <b>{recommendation.version}</b>",
            body,
        ),
    ]
    if recommendation.supersedes_id and recommendation.supersedes:
        story.append(
            Paragraph(
                f"Remplace la version {recommendation.supersedes.version} — motif de la "
                f"correction : {_text(sentence(recommendation.correction_reason))}",
                body,
            )
        )
    story += [
        Spacer(1, 3 * mm),
        Paragraph("Patient et demande", h2),
        Paragraph(
            f"Patient <b>{escape(patient.pseudonym)}</b> · {escape(patient.get_sex_display())} · "
            f"{escape(_age(age))} ({'pédiatrique' if age.years < 18 else 'adulte'})",
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
            f"{', urgente' if case.is_urgent else ''}) : {_text(case.question)}",
            body,
        ),
    ]
    if case.proposal:
        story.append(Paragraph(f"Proposition envisagée : {_text(case.proposal)}", body))
    diagnoses = case.registry_snapshot.get("diagnoses", [])
    if diagnoses:
        listed = "; ".join(f"{d['code']} {d['label']} ({d['status']})" for d in diagnoses)
        story.append(Paragraph(f"Diagnostics au registre : {escape(listed)}", body))
    sections = [
        ("Question traitée", recommendation.question_answered),
        ("Synthèse de la discussion", recommendation.discussion_summary),
        ("Proposition diagnostique", recommendation.diagnostic_proposal),
        ("Proposition thérapeutique", recommendation.therapeutic_proposal),
        ("Alternatives", recommendation.alternatives),
        ("Référentiel utilisé", recommendation.guideline_used),
    ]
    story += [Spacer(1, 3 * mm), Paragraph("Avis de la RCP", h2)]
    for label, value in sections:
        if value:
            story.append(Paragraph(f"<b>{label}</b> : {_text(value)}", body))
    if recommendation.outside_guidelines:
        story.append(
            Paragraph(
                f"<b>Proposition hors référentiel</b> : "
                f"{_text(recommendation.outside_guidelines_reason)}",
                body,
            )
        )
    if recommendation.is_off_label:
        story += [Spacer(1, 2 * mm), Paragraph("Prescription hors AMM (art. L.5121-12-1 CSP)", h2)]
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
            rows.append([label, Paragraph(_text(value or "—"), styles["small"])])
        story.append(grid_table(rows, [40 * mm, 134 * mm]))
        story.append(
            Paragraph(
                "Le prescripteur porte la mention « Prescription hors autorisation de mise sur "
                "le marché » sur l'ordonnance et motive sa prescription dans le dossier.",
                styles["small"],
            )
        )
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
    for label, value in others:
        if value:
            story.append(Paragraph(f"<b>{label}</b> : {_text(value)}", body))
    record = recommendation.quorum_record
    story += [Spacer(1, 3 * mm), Paragraph("Participants et quorum", h2)]
    labels = record.get("labels", {})
    rows = [["Participant", "Spécialité", "Compté pour"]]
    for attendee in record.get("attendees", []):
        counted = attendee.get("counted_for", "")
        rows.append(
            [
                Paragraph(escape(attendee["name"]), styles["small"]),
                Paragraph(
                    escape(", ".join(labels.get(s, s) for s in attendee["specialties"])),
                    styles["small"],
                ),
                Paragraph(escape(labels.get(counted, counted) or "—"), styles["small"]),
            ]
        )
    if len(rows) == 1:
        rows.append(["Aucun médecin présent enregistré.", "", ""])
    story.append(grid_table(rows, [62 * mm, 62 * mm, 50 * mm]))
    required = ", ".join(labels.get(s, s) for s in record.get("required", [])) or "—"
    met = "oui" if recommendation.quorum_met else "non"
    story.append(
        Paragraph(
            f"<b>Quorum atteint : {met}</b> ({len(record.get('specialties_counted', []))} "
            f"spécialité(s) représentée(s), {record.get('minimum', 3)} au minimum ; "
            f"obligatoires : {escape(required)}).",
            body,
        )
    )
    if not recommendation.quorum_met:
        story.append(
            Paragraph(
                f"Signé sans quorum par décision de la coordination : "
                f"{_text(sentence(recommendation.override_reason))} Le dossier est inscrit à la "
                "prochaine RCP pour être présenté de nouveau.",
                body,
            )
        )
    story += _written_opinions(opinions or [], styles)
    if recommendation.urgent_path:
        story.append(
            Paragraph(
                "Avis urgent rendu sur avis écrits d'experts ; il sera ratifié à la prochaine "
                "RCP ordinaire.",
                body,
            )
        )
    signed_by = recommendation.signed_by
    signer = signed_by.display_name if signed_by else "—"
    role = coordination_role(signed_by.title if signed_by else "")
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            f"Validé et signé par <b>{escape(signer)}</b>, {role}, le "
            f"{_when(recommendation.signed_at)}.",
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
    title = f"Avis RCP {patient.pseudonym} v{recommendation.version}"
    if record_copy is None:
        return _build(story, title, signer)
    band = _record_copy_band(record_copy, patient.pseudonym, recommendation.version)
    return _build(story, f"{title} (copie pour le dossier)", signer, on_page=band)


def _ascii_part(value: str) -> str:
    """Letters, digits and hyphens only: a file name every mail client and file system keeps."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", value).strip("-")


def avis_filename(day: dt.date, pseudonym: str, version: int, suffix: str = "") -> str:
    """« avis-RCP_2026-12-22_MHE-7K3Q-9D2P_v2.pdf »: the avis documents of one patient sort by
    meeting date and version; ``suffix`` names a document derived from that version
    (« copie-dossier », « ratification »)."""
    name = f"avis-RCP_{day:%Y-%m-%d}_{_ascii_part(pseudonym)}_v{version}"
    return f"{name}_{_ascii_part(suffix)}.pdf" if suffix else f"{name}.pdf"


def recommendation_filename(recommendation: Recommendation, suffix: str = "") -> str:
    return avis_filename(
        timezone.localtime(recommendation.meeting.starts_at).date(),
        recommendation.case.patient.pseudonym,
        recommendation.version,
        suffix,
    )


def ratification_filename(ratification: Ratification) -> str:
    """The decision filed beside the urgent avis it ratifies (or not), named after it."""
    kind = "ratification" if ratification.is_ratified else "non-ratification"
    return recommendation_filename(ratification.recommendation, kind)


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
                ["Arrivée", _when(participant.first_arrival)],
                ["Départ", _when(participant.last_departure)],
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
        Paragraph(f"Document généré par Filière le {_when(timezone.now())}.", styles["small"]),
    ]
    return _build(story, f"Attestation RCP {user.get_full_name()}", ", ".join(facts.coordinators))


def ratification_pdf(ratification: Ratification, *, meeting: Meeting) -> bytes:
    """Return the document of the ordinary meeting's decision on an urgent recommendation:
    ratified, or not ratified with its reason; the participants during the ratification and
    the quorum they made, signed like an avis."""
    styles = paragraph_styles(body_size=9.5)
    body, h2 = styles["body"], styles["h2"]
    recommendation = ratification.recommendation
    case: CaseRequest = recommendation.case
    urgent: Meeting = recommendation.meeting
    ratified = ratification.is_ratified
    title = "Ratification d'un avis urgent" if ratified else "Avis urgent non ratifié"
    story: list[Any] = [
        Paragraph(title, styles["title"]),
        Paragraph(
            f"<b>{escape(meeting.series.name)}</b> · {escape(str(meeting.series.centre))} · "
            f"RCP ordinaire du {_when(meeting.starts_at)}",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            f"Patient <b>{escape(case.patient.pseudonym)}</b> · avis urgent version "
            f"<b>{recommendation.version}</b> de la RCP urgente du {_when(urgent.starts_at)}, "
            f"signé le {_when(recommendation.signed_at)} (empreinte SHA-256 "
            f"{escape(recommendation.pdf_sha256[:16])}…).",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph("Décision de la RCP", h2),
    ]
    if ratified:
        story.append(Paragraph("La RCP <b>ratifie</b> l'avis urgent ; il reste en vigueur.", body))
    else:
        story += [
            Paragraph("La RCP <b>ne ratifie pas</b> l'avis urgent.", body),
            Paragraph(f"<b>Motif</b> : {_text(sentence(ratification.reason))}", body),
            Paragraph(
                "Une nouvelle version de l'avis est rédigée ; elle remplace l'avis urgent et "
                "sera transmise au médecin demandeur après signature.",
                body,
            ),
        ]
    record = ratification.quorum_record
    labels = record.get("labels", {})
    signed_by = ratification.signed_by
    signer = signed_by.display_name if signed_by else "—"
    role = coordination_role(signed_by.title if signed_by else "")
    story += [Spacer(1, 3 * mm), Paragraph("Participants pendant la ratification et quorum", h2)]
    rows: list[list[Any]] = [["Participant", "Spécialité", "Compté pour"]]
    for attendee in record.get("attendees", []):
        counted = attendee.get("counted_for", "")
        rows.append(
            [
                Paragraph(escape(attendee["name"]), styles["small"]),
                Paragraph(
                    escape(", ".join(labels.get(s, s) for s in attendee["specialties"])),
                    styles["small"],
                ),
                Paragraph(escape(labels.get(counted, counted) or "—"), styles["small"]),
            ]
        )
    story.append(grid_table(rows, [62 * mm, 62 * mm, 50 * mm]))
    required = ", ".join(labels.get(s, s) for s in record.get("required", [])) or "—"
    story += [
        Paragraph(
            f"<b>Quorum atteint : oui</b> ({len(record.get('specialties_counted', []))} "
            f"spécialité(s) représentée(s), {record.get('minimum', 3)} au minimum ; "
            f"obligatoires : {escape(required)}).",
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Validé et signé par <b>{escape(signer)}</b>, {role}, le "
            f"{_when(ratification.signed_at)}. "
            "Document généré par Filière.",
            body,
        ),
    ]
    return _build(story, f"{title} {case.patient.pseudonym}", signer)


# --- Agenda (« Ordre du jour ») ------------------------------------------------------------


def agenda_pdf(meeting: Meeting, items: list[AgendaItem]) -> bytes:
    """Return the meeting's agenda: each case in slot order by pseudonym only (it goes to every
    participant), with its requesting centre, question type and question; urgent ones marked."""
    styles = paragraph_styles(body_size=9.5)
    body, small = styles["body"], styles["small"]
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
        story.append(Paragraph(_text(meeting.notes), small))
    rows: list[list[Any]] = [["Horaire", "Patient", "Centre demandeur", "Question"]]
    for item in items:
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
        rows.append(
            [
                Paragraph(f"{start:%H:%M}–{finish:%H:%M}", small),
                Paragraph(f"{escape(case.patient.pseudonym)}{urgent}{purpose}", small),
                Paragraph(escape(centre or case.requester_institution or "—"), small),
                Paragraph(
                    f"<b>{escape(str(case.get_question_type_display()))}</b> : "
                    f"{_text(case.question)}",
                    small,
                ),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "Aucun dossier à l'ordre du jour.", "", ""])
    story += [
        Spacer(1, 4 * mm),
        Paragraph(f"Dossiers ({len(items)})", styles["h2"]),
        grid_table(rows, [22 * mm, 32 * mm, 40 * mm, 80 * mm]),
        Spacer(1, 3 * mm),
        Paragraph(
            "Les patients sont désignés par leur pseudonyme ; leur identité n'est connue que "
            f"du médecin demandeur. Document généré par Filière le {_when(timezone.now())}.",
            small,
        ),
    ]
    return _build(story, f"Ordre du jour RCP {local:%d/%m/%Y}", str(series.centre))


def agenda_filename(meeting: Meeting) -> str:
    return f"ordre-du-jour-rcp-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
