"""Case requests: submission, completion, triage onto an agenda, written opinions, reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from filiere.access import Capability, grants_for
from filiere.access.actors import SYSTEM, Actor
from filiere.access.meetings import series_rights, urgent_item_open_for_opinions
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_records
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.identity.services import IdentityInput
from filiere.lib.partial_dates import PartialDate
from filiere.meetings import notifications, rules
from filiere.meetings.clinical_file import registry_snapshot
from filiere.meetings.models import (
    STAFF_ROLES,
    AgendaItem,
    CaseRequest,
    ExpertOpinion,
    ExternalInvitation,
    Meeting,
    MeetingSeries,
    Participant,
    SeriesMember,
)
from filiere.meetings.selectors import pending_agenda_item
from filiere.meetings.services.agenda import agenda_changed, place_on_agenda
from filiere.meetings.services.attachments import Upload, attachment_add
from filiere.meetings.services.common import audit, touch
from filiere.meetings.services.meetings import meeting_create
from filiere.network.models import Centre
from filiere.patients.models import CareEpisode, Patient, ReferredBy
from filiere.patients.selectors import age_on, patients_visible_to
from filiere.patients.services import patient_register


@dataclasses.dataclass(frozen=True)
class CaseDetails:
    """What the requesting physician writes (the clinical file is prefilled from the registry)."""

    question_type: str
    question: str
    patient_informed_on: dt.date | None
    patient_not_opposed: bool
    clinical_summary: str
    proposal: str = ""
    is_urgent: bool = False
    urgency_justification: str = ""
    current_treatments: str = ""
    bleeding_score: int | None = None
    planned_procedure: str = ""
    off_label_drug: str = ""
    treating_physician: str = ""
    additional_recipients: str = ""

    def values(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = value.strip()
        return values


def _check_details(details: CaseDetails, today: dt.date, patient_sex: str = "") -> dict[str, Any]:
    """Refuse what the request lacks: the blocking gaps of the one completeness rule that
    triage applies too (``rules.completeness_gaps``), plus the form's own checks."""
    values = details.values()
    errors: dict[str, str] = {}
    if values["question_type"] not in CaseRequest.QuestionType.values:
        errors["question_type"] = "Type de question inconnu."
    facts = rules.CaseFacts(
        question_type=values["question_type"],
        question=values["question"],
        proposal=values["proposal"],
        clinical_summary=values["clinical_summary"],
        is_urgent=details.is_urgent,
        urgency_justification=values["urgency_justification"],
        patient_informed_on=details.patient_informed_on,
        patient_not_opposed=details.patient_not_opposed,
        off_label_drug=values["off_label_drug"],
        planned_procedure=values["planned_procedure"],
        diagnoses=0,
        phenotypes=0,
        platelet_workups=0,
        genetic_findings=0,
        attachments=0,
        patient_sex=patient_sex,
    )
    for gap in rules.completeness_gaps(facts, today):
        if gap.blocking:
            errors.setdefault(gap.field, gap.message)
    if details.bleeding_score is not None and not 0 <= details.bleeding_score <= 56:
        errors["bleeding_score"] = "Le score ISTH-BAT va de 0 à 56."
    for line in values["additional_recipients"].splitlines():
        try:
            validate_email(line.strip())
        except ValidationError:
            if line.strip():
                errors["additional_recipients"] = f"Adresse e-mail invalide : « {line.strip()} »."
    if errors:
        raise ValidationError(errors)
    return values


def _requester_place(actor: User, patient: Patient, series: MeetingSeries) -> dict[str, Any]:
    centres = grants_for(actor).centre_ids(Capability.SUBMIT_CASES)
    following = (
        CareEpisode.objects.filter(patient=patient, centre_id__in=centres)
        .order_by("ended_on", "pk")
        .values_list("centre_id", flat=True)
        .first()
    )
    centre_id = following or (min(centres) if centres else None)
    if centre_id is not None:
        return {"requester_centre": Centre.objects.get(pk=centre_id)}
    invitation = (
        ExternalInvitation.objects.filter(user=actor, series=series).order_by("-created_at").first()
    )
    return {"requester_institution": invitation.institution if invitation else ""}


def _staff_emails(series: MeetingSeries, roles: Iterable[str]) -> list[str]:
    return list(
        SeriesMember.objects.filter(series=series, role__in=list(roles)).values_list(
            "user__email", flat=True
        )
    )


@records_refusals("Demande d'avis RCP")
def case_request_submit(
    *,
    actor: User,
    series: MeetingSeries,
    details: CaseDetails,
    patient: Patient | None = None,
    new_patient: IdentityInput | None = None,
    centre: Centre | None = None,
    attachments: Iterable[Upload] = (),
    submitted_at: dt.datetime | None = None,
) -> CaseRequest:
    """Send a case to the series: an existing registry patient, or a new pseudonymised one."""
    if not series_rights(actor, series).submit:
        raise ValidationError({"series": "Vous ne pouvez pas adresser de dossier à cette RCP."})
    when = submitted_at or timezone.now()
    today = timezone.localtime(when).date()
    if (patient is None) == (new_patient is None):
        raise ValidationError({"patient": "Choisissez un patient du registre ou décrivez-en un."})
    if patient is not None and not patients_visible_to(actor).filter(pk=patient.pk).exists():
        raise ValidationError({"patient": "Patient introuvable parmi ceux de vos centres."})
    sex = patient.sex if patient is not None else getattr(new_patient, "sex", "")
    values = _check_details(details, today, sex)
    if new_patient is not None:
        patient = _register_new_patient(actor, series, new_patient, centre, today)
    assert patient is not None  # noqa: S101 - one of the two branches set it
    case = create_validated(
        CaseRequest,
        series=series,
        patient=patient,
        requester=actor,
        patient_age_years=age_on(patient, today),
        registry_snapshot=registry_snapshot(patient),
        snapshot_taken_at=when,
        submitted_at=when,
        updated_at=when,
        **_requester_place(actor, patient, series),
        **values,
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        case,
        case=case,
        summary=f"Demande d'avis {'URGENTE ' if case.is_urgent else ''}"
        f"({case.get_question_type_display()}) à « {series.name} »",
    )
    for upload in attachments:
        attachment_add(actor=actor, case=case, upload=upload)
    notifications.case_submitted(
        case,
        _staff_emails(series, STAFF_ROLES),
        _staff_emails(series, [SeriesMember.Role.COORDINATOR, SeriesMember.Role.EXPERT]),
    )
    return case


def _register_new_patient(
    actor: User,
    series: MeetingSeries,
    identity: IdentityInput,
    centre: Centre | None,
    today: dt.date,
) -> Patient:
    if grants_for(actor).has(Capability.EDIT_PATIENTS):
        if centre is None:
            raise ValidationError({"centre": "Choisissez le centre qui suit ce patient."})
        return patient_register(
            actor=actor,
            centre=centre,
            identity=identity,
            inclusion_date=PartialDate.from_date(today),
            referred_by=[ReferredBy.OTHER_SPECIALIST],
            referring_physician=actor,
        ).patient
    # An invited external physician has no centre: the patient is referred to the centre that
    # organises the series, which then follows them in the registry.
    registration = patient_register(
        actor=SYSTEM,
        centre=series.centre,
        identity=identity,
        inclusion_date=PartialDate.from_date(today),
        referred_by=[ReferredBy.OTHER_SPECIALIST],
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        registration.patient,
        summary=f"Patient adressé à {series.centre} par un médecin extérieur (demande RCP)",
    )
    return registration.patient


@records_refusals("Complément d'une demande")
def case_request_update(*, actor: User, case: CaseRequest, details: CaseDetails) -> CaseRequest:
    """Complete or correct the request; a request sent back is submitted again (the caller has
    checked that ``actor`` is its requester)."""
    if case.status not in (CaseRequest.Status.SUBMITTED, CaseRequest.Status.RETURNED):
        raise ValidationError({"status": "La demande est déjà inscrite : elle ne se modifie plus."})
    values = _check_details(details, timezone.localdate(), case.patient.sex)
    values |= {
        "registry_snapshot": registry_snapshot(case.patient),
        "snapshot_taken_at": timezone.now(),
    }
    completed = case.status == CaseRequest.Status.RETURNED
    if completed:
        values |= {"status": CaseRequest.Status.SUBMITTED}
    changes = update_validated(case, values)
    if changes:
        touch(case)
        changes.pop("registry_snapshot", None)
        audit(actor, AuditEvent.Action.UPDATE, case, case=case, changes=changes)
    if completed:
        notifications.case_completed(case, _staff_emails(case.series, STAFF_ROLES))
    return case


@records_refusals("Mise à jour du dossier clinique")
def case_snapshot_refresh(*, actor: Actor, case: CaseRequest) -> CaseRequest:
    """Read the registry again (before the meeting; afterwards the file stays as discussed)."""
    if case.status not in (
        CaseRequest.Status.SUBMITTED,
        CaseRequest.Status.RETURNED,
        CaseRequest.Status.ACCEPTED,
    ):
        raise ValidationError({"status": "Le dossier a été discuté : il reste tel quel."})
    update_validated(
        case,
        {"registry_snapshot": registry_snapshot(case.patient), "snapshot_taken_at": timezone.now()},
    )
    touch(case)
    audit(actor, AuditEvent.Action.UPDATE, case, case=case, summary="Dossier clinique actualisé")
    return case


# --- Triage ----------------------------------------------------------------------------------


def completeness_facts(case: CaseRequest) -> rules.CaseFacts:
    snapshot = case.registry_snapshot
    return rules.CaseFacts(
        question_type=case.question_type,
        question=case.question,
        proposal=case.proposal,
        clinical_summary=case.clinical_summary,
        is_urgent=case.is_urgent,
        urgency_justification=case.urgency_justification,
        patient_informed_on=case.patient_informed_on,
        patient_not_opposed=case.patient_not_opposed,
        off_label_drug=case.off_label_drug,
        planned_procedure=case.planned_procedure,
        diagnoses=len(snapshot.get("diagnoses", [])),
        phenotypes=len(snapshot.get("phenotypes", [])),
        platelet_workups=len(snapshot.get("platelet_workups", [])),
        genetic_findings=len(snapshot.get("genetic_findings", [])),
        attachments=case.attachments.count(),
        patient_sex=case.patient.sex,
    )


def completeness_gaps(case: CaseRequest) -> list[rules.Gap]:
    return rules.completeness_gaps(completeness_facts(case), timezone.localdate())


def _move(case: CaseRequest, status: str) -> None:
    if not rules.may_move(case.status, status):
        current = case.get_status_display()
        raise ValidationError({"status": f"Demande « {current} » : action impossible."})


@records_refusals("Inscription d'un dossier à l'ordre du jour")
def case_accept(
    *,
    actor: Actor,
    case: CaseRequest,
    meeting: Meeting,
    slot_start: dt.datetime | None = None,
    slot_minutes: int | None = None,
    at: dt.datetime | None = None,
) -> AgendaItem:
    """Accept a complete request onto a meeting's agenda (or move it to another meeting)."""
    _move(case, CaseRequest.Status.ACCEPTED)
    blocking = [gap for gap in completeness_gaps(case) if gap.blocking]
    if blocking:
        raise ValidationError(
            {"completeness": "Dossier incomplet : " + " ".join(g.message for g in blocking)}
        )
    previous = pending_agenda_item(case)
    if previous is not None:
        previous.outcome = AgendaItem.Outcome.POSTPONED
        previous.save(update_fields=["outcome"])
        agenda_changed(previous.meeting)
    item = place_on_agenda(
        actor=actor,
        meeting=meeting,
        case=case,
        purpose=AgendaItem.Purpose.FIRST,
        start=slot_start,
        minutes=slot_minutes,
    )
    values: dict[str, Any] = {"status": CaseRequest.Status.ACCEPTED, "awaiting_purpose": ""}
    if case.accepted_at is None:
        values["accepted_at"] = at or timezone.now()
    update_validated(case, values)
    touch(case)
    notifications.case_triaged(case, meeting, item.starts_at)
    return item


@records_refusals("Inscription à une RCP urgente")
def case_accept_urgent(
    *,
    actor: Actor,
    case: CaseRequest,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    video_link: str | None = None,
) -> AgendaItem:
    """Convene an urgent meeting for this case within days: the series' experts are invited at
    once and may answer in writing before it."""
    meeting = meeting_create(
        actor=actor,
        series=case.series,
        starts_at=starts_at,
        kind=Meeting.Kind.URGENT,
        duration_minutes=duration_minutes,
        video_link=video_link,
    )
    return case_accept(actor=actor, case=case, meeting=meeting, slot_start=starts_at)


@records_refusals("Renvoi d'une demande")
def case_return(*, actor: Actor, case: CaseRequest, note: str) -> CaseRequest:
    """Send the request back to its requester for completion, saying what is missing."""
    return _close_triage(actor, case, CaseRequest.Status.RETURNED, note)


@records_refusals("Refus d'une demande")
def case_decline(*, actor: Actor, case: CaseRequest, note: str) -> CaseRequest:
    return _close_triage(actor, case, CaseRequest.Status.DECLINED, note)


def _close_triage(actor: Actor, case: CaseRequest, status: str, note: str) -> CaseRequest:
    _move(case, status)
    if not note.strip():
        raise ValidationError({"status_note": "Indiquez le motif au médecin demandeur."})
    item = pending_agenda_item(case)
    if item is not None:
        item.outcome = AgendaItem.Outcome.POSTPONED
        item.save(update_fields=["outcome"])
    changes = update_validated(case, {"status": status, "status_note": note.strip()})
    touch(case)
    audit(actor, AuditEvent.Action.UPDATE, case, case=case, changes=changes)
    notifications.case_triaged(case, None)
    return case


# --- Written opinions (urgent path) -------------------------------------------------------


@records_refusals("Avis écrit d'expert")
def expert_opinion_record(
    *,
    actor: User,
    case: CaseRequest,
    position: str,
    opinion: str,
    at: dt.datetime | None = None,
) -> ExpertOpinion:
    """An expert invited to an urgent meeting answers in writing, before or without a session."""
    item = urgent_item_open_for_opinions(case)
    if item is None:
        raise ValidationError(
            "Les avis écrits concernent les dossiers d'une RCP urgente dont l'avis n'est pas "
            "encore signé."
        )
    participant = Participant.objects.filter(meeting=item.meeting, user=actor).first()
    if participant is None:
        raise ValidationError("Vous n'êtes pas inscrit(e) à cette RCP urgente.")
    if position not in ExpertOpinion.Position.values:
        raise ValidationError({"position": "Choisissez votre position."})
    if not opinion.strip():
        raise ValidationError({"opinion": "Rédigez votre avis."})
    if ExpertOpinion.objects.filter(case=case, meeting=item.meeting, author=actor).exists():
        raise ValidationError({"opinion": "Vous avez déjà donné votre avis écrit sur ce dossier."})
    written = create_validated(
        ExpertOpinion,
        case=case,
        meeting=item.meeting,
        author=actor,
        specialty=participant.specialty,
        position=position,
        opinion=opinion.strip(),
        created_at=at or timezone.now(),
    )
    touch(case)
    audit(actor, AuditEvent.Action.CREATE, written, case=case, summary="Avis écrit d'expert")
    return written


# --- Reads -------------------------------------------------------------------------------------


def case_viewed(*, actor: User, case: CaseRequest, what: str = "demande d'avis RCP") -> None:
    """Record a read of the case (a case is a patient record)."""
    audit(actor, AuditEvent.Action.VIEW, case, case=case, summary=f"Consultation : {what}")


def cases_viewed(*, actor: User, cases: Iterable[CaseRequest], what: str) -> None:
    """Record a read of each case, one event each (the audit page finds every read of a
    patient), written in one INSERT."""
    audit_records(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        objects=[(case, case.patient.public_id) for case in cases],
        summary=f"Consultation : {what}",
    )
