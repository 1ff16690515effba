"""The recommendation (avis): drafting in session, signing under quorum, delivery, follow-up."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.identity.models import Identity
from filiere.identity.services import INS_OID_LABELS
from filiere.meetings import notifications
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    Ratification,
    Recommendation,
    RecommendationDelivery,
    RecommendationFollowUp,
)
from filiere.meetings.pdf import (
    IdentityTraits,
    RecordCopy,
    ratification_pdf,
    recommendation_pdf,
)
from filiere.meetings.selectors import (
    draft_of,
    latest_signed,
    opinions_on,
    patient_age_shown_at,
    pending_agenda_item,
    quorum_for_case,
    specialty_label,
)
from filiere.meetings.services.agenda import carry_over
from filiere.meetings.services.common import audit, require_meeting_day, touch

FOLLOW_UP_AFTER = dt.timedelta(days=91)
CONTENT_FIELDS = (
    "question_answered",
    "discussion_summary",
    "diagnostic_proposal",
    "therapeutic_proposal",
    "alternatives",
    "guideline_used",
    "outside_guidelines",
    "outside_guidelines_reason",
    "is_off_label",
    "off_label_drug",
    "off_label_indication",
    "off_label_no_alternative",
    "off_label_references",
    "off_label_benefits_risks",
    "off_label_patient_information",
    "off_label_funding_route",
    "off_label_monitoring",
    "trial_eligibility",
    "genetic_counselling",
    "genetic_counselling_note",
    "follow_up_site",
    "follow_up_note",
)
OFF_LABEL_REQUIRED = {
    "off_label_drug": "Nommez le médicament proposé hors AMM.",
    "off_label_indication": "Précisez l'indication hors AMM.",
    "off_label_no_alternative": "Expliquez pourquoi aucune alternative autorisée ne convient.",
    "off_label_benefits_risks": "Indiquez les bénéfices attendus et les risques.",
    "off_label_patient_information": "Indiquez l'information à délivrer au patient.",
    "off_label_funding_route": "Indiquez la prise en charge (CPC, AAC, AAP…).",
    "off_label_monitoring": "Décrivez la surveillance prévue.",
}
SIGNED_IS_FINAL = (
    "Cet avis est signé : il ne se modifie plus. Une correction crée une nouvelle version."
)
ALREADY_SIGNED = "Cet avis est déjà signé (par une demande arrivée juste avant) : rien n'a changé."


def _refuse_if_signed_meanwhile(case: CaseRequest, recommendation: Recommendation | None) -> None:
    """Lock the case for the rest of the transaction, then refuse an avis signed in the meantime.

    Two « Signer » clicks arrive together: both read the draft before either signs. The second
    waits here for the first to commit, then finds the avis signed instead of rewriting it (which
    the signed-avis trigger refuses with an IntegrityError).
    """
    list(CaseRequest.objects.select_for_update().filter(pk=case.pk).values_list("pk"))
    if recommendation is None or recommendation.pk is None:
        return
    status = Recommendation.objects.filter(pk=recommendation.pk).values_list("status", flat=True)
    if status.first() == Recommendation.Status.SIGNED:
        raise ValidationError(ALREADY_SIGNED)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown recommendation fields: {sorted(unknown)}")
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    route = cleaned.get("off_label_funding_route", "")
    if route and route not in Recommendation.FundingRoute.values:
        raise ValidationError({"off_label_funding_route": "Prise en charge inconnue."})
    site = cleaned.get("follow_up_site", "")
    if site and site not in Recommendation.FollowUpSite.values:
        raise ValidationError({"follow_up_site": "Lieu de suivi inconnu."})
    return cleaned


def _session_item(case: CaseRequest) -> AgendaItem:
    item = pending_agenda_item(case)
    if item is None:
        raise ValidationError({"meeting": "Le dossier n'est à l'ordre du jour d'aucune réunion."})
    meeting = item.meeting
    if meeting.status != Meeting.Status.OPEN and meeting.kind != Meeting.Kind.URGENT:
        raise ValidationError({"meeting": "L'avis se rédige pendant la séance ouverte."})
    return item


def _mark_discussed_in_session(case: CaseRequest, item: AgendaItem, when: dt.datetime) -> None:
    """A draft written in session marks the case discussed; a draft of an urgent avis written
    before its meeting does not (the case is decided at signing, and the experts may still
    answer in writing until then: issue 12, defect 3)."""
    if item.meeting.status == Meeting.Status.OPEN:
        _mark_discussed(case, item, when)


def _mark_discussed(case: CaseRequest, item: AgendaItem, when: dt.datetime) -> None:
    """The case is being decided: its discussion started when the coordinator opened it, or
    now if they did not."""
    if item.outcome != AgendaItem.Outcome.DISCUSSED:
        start = item.discussion_started_at or when
        item.outcome = AgendaItem.Outcome.DISCUSSED
        item.discussion_started_at = start
        item.discussed_at = start
        item.save(update_fields=["outcome", "discussion_started_at", "discussed_at"])
    if case.status == CaseRequest.Status.ACCEPTED:
        update_validated(
            case, {"status": CaseRequest.Status.DISCUSSED, "discussed_at": item.discussed_at}
        )


def _end_discussion_at_signing(item: AgendaItem, when: dt.datetime) -> None:
    """Signing closes the case's discussion if the coordinator left it open."""
    if item.discussion_started_at is None:
        item.discussion_started_at = when
        item.save(update_fields=["discussion_started_at"])
    if item.discussion_ended_at is None:
        item.discussion_ended_at = max(when, item.discussion_started_at)
        item.save(update_fields=["discussion_ended_at"])


@records_refusals("Rédaction de l'avis")
def recommendation_save(
    *,
    actor: Actor,
    case: CaseRequest,
    values: dict[str, Any],
    recommendation: Recommendation | None = None,
    at: dt.datetime | None = None,
) -> Recommendation:
    """Write the draft recommendation during the meeting (the case is then "discussed")."""
    if recommendation is not None and recommendation.is_signed:
        raise ValidationError(SIGNED_IS_FINAL)
    _refuse_if_signed_meanwhile(case, recommendation)
    cleaned = _clean(values)
    when = at or timezone.now()
    draft = recommendation or draft_of(case)
    if draft is None:
        item = _session_item(case)
        previous = latest_signed(case)
        reason = ""
        if previous is not None:
            day = timezone.localtime(item.meeting.starts_at)
            reason = (
                f"Nouvelle présentation en RCP le {day:%d/%m/%Y}"
                f" ({item.get_purpose_display().lower()})."
            )
        draft = create_validated(
            Recommendation,
            case=case,
            meeting=item.meeting,
            version=(previous.version + 1) if previous else 1,
            supersedes=previous,
            correction_reason=reason,
            drafted_by=acting_user(actor),
            **cleaned,
        )
        _mark_discussed_in_session(case, item, when)
        audit(actor, AuditEvent.Action.CREATE, draft, case=case, summary="Avis en rédaction")
        touch(case)
        return draft
    changes = update_validated(draft, cleaned | {"updated_at": draft.updated_at})
    if changes:
        Recommendation.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
        pending = pending_agenda_item(case)
        if pending is not None and pending.meeting_id == draft.meeting_id:
            _mark_discussed_in_session(case, pending, when)
        audit(actor, AuditEvent.Action.UPDATE, draft, case=case, changes=changes)
        touch(case)
    return draft


def _check_content(recommendation: Recommendation) -> None:
    errors: dict[str, str] = {}
    if not (recommendation.question_answered or recommendation.discussion_summary):
        errors["discussion_summary"] = "Résumez la discussion de la RCP."
    if not (recommendation.diagnostic_proposal or recommendation.therapeutic_proposal):
        errors["therapeutic_proposal"] = (
            "L'avis comporte une proposition diagnostique ou thérapeutique."
        )
    if recommendation.outside_guidelines and not recommendation.outside_guidelines_reason:
        errors["outside_guidelines_reason"] = "Justifiez la proposition hors référentiel."
    if recommendation.is_off_label:
        for name, message in OFF_LABEL_REQUIRED.items():
            if not getattr(recommendation, name):
                errors[name] = message
    if errors:
        raise ValidationError(errors)


def _quorum(recommendation: Recommendation, when: dt.datetime) -> tuple[bool, dict[str, Any]]:
    previous = recommendation.supersedes
    if previous is not None and previous.meeting_id == recommendation.meeting_id:
        # A correction of the wording: the decision, and its quorum, stay those of the session.
        return bool(previous.quorum_met), dict(previous.quorum_record)
    result, attendees = quorum_for_case(recommendation.meeting, recommendation.case, when)
    record = result.as_record(attendees)
    codes = {s for a in attendees for s in a.specialties} | set(result.required)
    record["labels"] = {code: specialty_label(code) for code in sorted(codes)}
    return result.met, record


def _missing_text(record: dict[str, Any]) -> str:
    labels = record.get("labels", {})
    missing = [labels.get(code, code) for code in record.get("missing_required", [])]
    counted = len(record.get("specialties_counted", []))
    parts = [f"{counted} spécialité(s) sur {record.get('minimum', 3)} au minimum"]
    if missing:
        parts.insert(0, "manque : " + ", ".join(missing))
    return " ; ".join(parts)


@records_refusals("Signature de l'avis")
def recommendation_sign(
    *,
    actor: Actor,
    recommendation: Recommendation,
    override_reason: str = "",
    signer: User | None = None,
    at: dt.datetime | None = None,
) -> Recommendation:
    """Sign the recommendation: quorum checked, PDF produced and kept, sent to the requester and
    recipients, filed in the patient's record. Without quorum, the coordinator's override reason
    is required and the case goes on the next meeting to be presented again."""
    case = recommendation.case
    meeting = recommendation.meeting
    if recommendation.is_signed:
        raise ValidationError(SIGNED_IS_FINAL)
    _refuse_if_signed_meanwhile(case, recommendation)
    correction = (
        recommendation.supersedes is not None
        and recommendation.supersedes.meeting_id == recommendation.meeting_id
    )
    if (
        not correction
        and meeting.status != Meeting.Status.OPEN
        and not (meeting.kind == Meeting.Kind.URGENT and meeting.is_active)
    ):
        raise ValidationError({"meeting": "L'avis se signe pendant la séance ouverte."})
    _check_content(recommendation)
    when = at or timezone.now()
    item = AgendaItem.objects.filter(meeting=meeting, case=case).first()
    if not correction:
        require_meeting_day(meeting, when, "La signature de l'avis")
        if item is not None and item.outcome != AgendaItem.Outcome.POSTPONED:
            _end_discussion_at_signing(item, when)
    met, record = _quorum(recommendation, when)
    reason = override_reason.strip()
    if correction and not reason and recommendation.supersedes is not None:
        reason = recommendation.supersedes.override_reason
    if not met and not reason:
        raise ValidationError(
            {
                "override_reason": f"Quorum non atteint ({_missing_text(record)}) : la signature "
                "exige un motif de dérogation, et le dossier sera présenté de nouveau."
            }
        )
    recommendation.status = Recommendation.Status.SIGNED
    recommendation.signed_at = when
    recommendation.signed_by = signer or acting_user(actor)
    recommendation.quorum_met = met
    recommendation.quorum_record = record
    recommendation.override_reason = "" if met else reason
    recommendation.urgent_path = meeting.kind == Meeting.Kind.URGENT and not correction
    opinions = list(opinions_on(case).filter(meeting=meeting))
    pdf = recommendation_pdf(
        recommendation, age=patient_age_shown_at(case, meeting.starts_at), opinions=opinions
    )
    recommendation.pdf = pdf
    recommendation.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    recommendation.full_clean()
    recommendation.save()
    audit(
        actor,
        AuditEvent.Action.SIGN,
        recommendation,
        case=case,
        summary=f"Avis v{recommendation.version} signé, quorum "
        f"{'atteint' if met else 'non atteint (dérogation)'}",
        changes={"pdf_sha256": recommendation.pdf_sha256, "override_reason": reason},
    )
    if not correction and item is not None and item.outcome == AgendaItem.Outcome.PENDING:
        _mark_discussed(case, item, when)
    case.refresh_from_db()
    if case.status == CaseRequest.Status.DISCUSSED:
        update_validated(case, {"status": CaseRequest.Status.SIGNED, "signed_at": when})
    _deliver(actor, recommendation, when)
    if not correction:
        if not met:
            carry_over(
                actor=actor,
                case=case,
                after=meeting,
                purpose=AgendaItem.Purpose.REPRESENTATION,
            )
        elif recommendation.urgent_path:
            carry_over(
                actor=actor, case=case, after=meeting, purpose=AgendaItem.Purpose.RATIFICATION
            )
    touch(case)
    return recommendation


@records_refusals("Signature de l'avis")
def recommendation_sign_as_shown(
    *,
    actor: Actor,
    case: CaseRequest,
    values: dict[str, Any],
    recommendation: Recommendation | None = None,
    override_reason: str = "",
    signer: User | None = None,
    at: dt.datetime | None = None,
) -> Recommendation:
    """Save the text as it stands on the signer's screen and sign it, in one transaction: the
    signed PDF carries exactly what was shown, and a refused signature changes nothing."""
    draft = recommendation_save(
        actor=actor, case=case, values=values, recommendation=recommendation, at=at
    )
    return recommendation_sign(
        actor=actor, recommendation=draft, override_reason=override_reason, signer=signer, at=at
    )


def _deliver(actor: Actor, recommendation: Recommendation, when: dt.datetime) -> None:
    case = recommendation.case
    emails = [(RecommendationDelivery.Kind.REQUESTER, case.requester.email)]
    emails += [(RecommendationDelivery.Kind.RECIPIENT, e) for e in case.recipient_emails()]
    for kind, email in emails:
        create_validated(
            RecommendationDelivery,
            recommendation=recommendation,
            kind=kind,
            email=email,
            sent_at=when,
            sent_by=acting_user(actor),
        )
    audit(
        actor,
        AuditEvent.Action.SEND,
        recommendation,
        case=case,
        summary=f"Avis v{recommendation.version} envoyé à {len(emails)} destinataire(s)",
        changes={"destinataires": [email for _, email in emails]},
    )
    if case.status == CaseRequest.Status.SIGNED:
        update_validated(case, {"status": CaseRequest.Status.DELIVERED, "delivered_at": when})
    if not RecommendationFollowUp.objects.filter(case=case).exists():
        create_validated(
            RecommendationFollowUp,
            case=case,
            recommendation=recommendation,
            due_on=timezone.localtime(when).date() + FOLLOW_UP_AFTER,
        )
    notifications.recommendation_delivered(recommendation, [email for _, email in emails])


@records_refusals("Correction d'un avis signé")
def recommendation_correct(
    *, actor: Actor, recommendation: Recommendation, reason: str
) -> Recommendation:
    """Start a new version of a signed recommendation (the signed one stays as it was)."""
    case = recommendation.case
    if not recommendation.is_signed:
        raise ValidationError("Seul un avis signé se corrige par une nouvelle version.")
    latest = latest_signed(case)
    if latest is None or latest.pk != recommendation.pk:
        raise ValidationError("Seule la dernière version signée se corrige.")
    if draft_of(case) is not None:
        raise ValidationError("Une nouvelle version est déjà en rédaction.")
    if not reason.strip():
        raise ValidationError({"correction_reason": "Indiquez le motif de la correction."})
    values = {name: getattr(recommendation, name) for name in CONTENT_FIELDS}
    draft = create_validated(
        Recommendation,
        case=case,
        meeting=recommendation.meeting,
        version=recommendation.version + 1,
        supersedes=recommendation,
        correction_reason=reason.strip(),
        drafted_by=acting_user(actor),
        **values,
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        draft,
        case=case,
        summary=f"Correction de l'avis v{recommendation.version} : {reason.strip()}",
    )
    return draft


@records_refusals("Ratification d'un avis urgent")
def recommendation_ratify(
    *,
    actor: Actor,
    agenda_item: AgendaItem,
    decision: str = Ratification.Decision.RATIFIED,
    reason: str = "",
    signer: User | None = None,
    at: dt.datetime | None = None,
) -> Ratification:
    """The ordinary meeting ratifies an urgent recommendation, or does not (with the reason).

    The decision is the meeting's: it needs the series' quorum, the same rule as for signing an
    avis, read from the physicians present during the ratification (its discussion, or the
    instant of the decision). It produces a signed, immutable document sent to the requester;
    an avis not ratified gets a new version, drafted from the urgent one, to be signed in
    session (issue 12, defect 4)."""
    meeting = agenda_item.meeting
    case = agenda_item.case
    if agenda_item.purpose != AgendaItem.Purpose.RATIFICATION:
        raise ValidationError("Ce dossier n'attend pas de ratification.")
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"meeting": "La ratification se fait en séance ouverte."})
    if agenda_item.outcome != AgendaItem.Outcome.PENDING:
        raise ValidationError("La ratification de cet avis urgent est déjà décidée.")
    urgent = latest_signed(case)
    if urgent is None or not urgent.urgent_path:
        raise ValidationError("Ce dossier n'a pas d'avis urgent signé à ratifier.")
    if decision not in Ratification.Decision.values:
        raise ValidationError({"decision": "Décision inconnue : ratifié ou non ratifié."})
    reason = reason.strip()
    if decision == Ratification.Decision.NOT_RATIFIED and not reason:
        raise ValidationError({"reason": "Indiquez pourquoi l'avis urgent n'est pas ratifié."})
    when = at or timezone.now()
    require_meeting_day(meeting, when, "La ratification")
    _end_discussion_at_signing(agenda_item, when)
    result, attendees = quorum_for_case(meeting, case, when)
    record = result.as_record(attendees)
    codes = {s for a in attendees for s in a.specialties} | set(result.required)
    record["labels"] = {code: specialty_label(code) for code in sorted(codes)}
    if not result.met:
        raise ValidationError(
            {
                "meeting": f"Quorum non atteint pendant la ratification ({_missing_text(record)})"
                " : l'avis urgent n'est ni ratifié ni infirmé ; le dossier reste à l'ordre du "
                "jour."
            }
        )
    agenda_item.outcome = AgendaItem.Outcome.DISCUSSED
    agenda_item.discussed_at = agenda_item.discussion_started_at
    agenda_item.save(update_fields=["outcome", "discussed_at"])
    ratification = Ratification(
        agenda_item=agenda_item,
        recommendation=urgent,
        decision=decision,
        reason="" if decision == Ratification.Decision.RATIFIED else reason,
        quorum_record=record,
        signed_at=when,
        signed_by=signer or acting_user(actor),
    )
    pdf = ratification_pdf(ratification, meeting=meeting)
    ratification.pdf = pdf
    ratification.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    ratification.full_clean()
    ratification.save()
    audit(
        actor,
        AuditEvent.Action.SIGN,
        ratification,
        case=case,
        summary=f"Avis urgent v{urgent.version} {ratification.get_decision_display().lower()} "
        "en RCP ordinaire",
        changes={"pdf_sha256": ratification.pdf_sha256, "motif": ratification.reason},
    )
    if not ratification.is_ratified:
        _redraft_not_ratified(actor, ratification, meeting)
    touch(case)
    notifications.ratification_decided(ratification)
    return ratification


def _redraft_not_ratified(actor: Actor, ratification: Ratification, meeting: Meeting) -> None:
    """An urgent avis not ratified leads to a new version written at this meeting, starting
    from the urgent text (it supersedes it once signed)."""
    urgent = ratification.recommendation
    case = urgent.case
    day = timezone.localtime(meeting.starts_at)
    draft = create_validated(
        Recommendation,
        case=case,
        meeting=meeting,
        version=urgent.version + 1,
        supersedes=urgent,
        correction_reason=f"Avis urgent v{urgent.version} non ratifié par la RCP du "
        f"{day:%d/%m/%Y} : {ratification.reason}",
        drafted_by=acting_user(actor),
        **{name: getattr(urgent, name) for name in CONTENT_FIELDS},
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        draft,
        case=case,
        summary=f"Nouvelle version v{draft.version} après non-ratification de l'avis urgent",
    )


def ratification_downloaded(*, actor: User, ratification: Ratification) -> None:
    audit(
        actor,
        AuditEvent.Action.VIEW,
        ratification,
        case=ratification.recommendation.case,
        summary="Document de ratification (PDF) consulté",
    )


RECORD_COPY_READ = "Consultation de l'identité : copie de l'avis v{version} pour le dossier"


def _traits(identity: Identity) -> IdentityTraits:
    qualified = identity.status == Identity.Status.QUALIFIED
    return IdentityTraits(
        birth_name=identity.birth_name,
        first_given_name=identity.first_given_name,
        birth_date=identity.birth_date,
        sex=str(identity.get_sex_display()),
        status=str(identity.get_status_display()),
        birth_place_insee=identity.birth_place_insee,
        used_name=identity.used_name,
        used_first_name=identity.used_first_name,
        # RNIV: the INS is shared only with a qualified identity.
        ins_matricule=identity.ins_matricule if qualified else "",
        ins_oid=identity.ins_oid if qualified else "",
        ins_kind=str(INS_OID_LABELS.get(identity.ins_oid, "")) if qualified else "",
    )


@transaction.atomic
def recommendation_record_copy(
    *, actor: User, recommendation: Recommendation, identity: Identity
) -> bytes:
    """Return the requesting team's copy of a signed avis for the patient's hospital record,
    recording the identity read. The caller has checked that ``actor`` may see the identity.

    The copy is drawn from the signed version's stored row, which the database keeps unchanged,
    with the patient's age and the written opinions as they were at signing; it names the
    version and the fingerprint of the signed document it copies."""
    if not recommendation.is_signed or recommendation.signed_at is None:
        raise ValidationError("Seul un avis signé a une copie pour le dossier du patient.")
    case = recommendation.case
    meeting = recommendation.meeting
    opinions = list(
        opinions_on(case).filter(meeting=meeting, created_at__lte=recommendation.signed_at)
    )
    copy = RecordCopy(identity=_traits(identity), made_at=timezone.now())
    pdf = recommendation_pdf(
        recommendation,
        age=patient_age_shown_at(case, meeting.starts_at),
        opinions=opinions,
        record_copy=copy,
    )
    audit(
        actor,
        AuditEvent.Action.VIEW,
        recommendation,
        case=case,
        summary=RECORD_COPY_READ.format(version=recommendation.version),
    )
    return pdf


def recommendation_downloaded(*, actor: User, recommendation: Recommendation) -> None:
    audit(
        actor,
        AuditEvent.Action.VIEW,
        recommendation,
        case=recommendation.case,
        summary=f"Avis v{recommendation.version} (PDF) consulté",
    )


# --- Follow-up -------------------------------------------------------------------------------


@records_refusals("Suivi d'un avis")
def follow_up_answer(
    *, actor: User, case: CaseRequest, applied: str, reason: str = "", comment: str = ""
) -> RecommendationFollowUp:
    """The requester says whether the proposal was applied, and if not, why (the caller has
    checked that ``actor`` is the requester)."""
    follow_up = RecommendationFollowUp.objects.filter(case=case).first()
    if follow_up is None:
        raise ValidationError("Aucun avis transmis à suivre pour cette demande.")
    if applied not in RecommendationFollowUp.Applied.values:
        raise ValidationError({"applied": "Indiquez si la proposition a été appliquée."})
    if applied != RecommendationFollowUp.Applied.YES and not reason:
        raise ValidationError({"reason": "Indiquez pourquoi la proposition n'a pas été suivie."})
    if reason and reason not in RecommendationFollowUp.Reason.values:
        raise ValidationError({"reason": "Raison inconnue."})
    now = timezone.now()
    changes = update_validated(
        follow_up,
        {
            "applied": applied,
            "reason": "" if applied == RecommendationFollowUp.Applied.YES else reason,
            "comment": comment.strip(),
            "answered_at": now,
            "answered_by": acting_user(actor),
        },
    )
    if case.status == CaseRequest.Status.DELIVERED:
        update_validated(case, {"status": CaseRequest.Status.FOLLOWED_UP, "followed_up_at": now})
    touch(case)
    audit(actor, AuditEvent.Action.UPDATE, follow_up, case=case, changes=changes)
    return follow_up


SECOND_REMINDER_AFTER = dt.timedelta(days=30)


@dataclasses.dataclass(frozen=True)
class Reminders:
    first: int
    second: int


def follow_up_reminders_send(*, today: dt.date | None = None, dry_run: bool = False) -> Reminders:
    """Ask each requester whose follow-up is due, then once more if still unanswered 30 days
    after it fell due; return how many of each were (or, with ``dry_run``, would be) sent."""
    day = today or timezone.localdate()
    pending = RecommendationFollowUp.objects.select_related(
        "case__patient", "case__requester"
    ).filter(answered_at__isnull=True)
    first = list(pending.filter(due_on__lte=day, reminded_at__isnull=True))
    second = list(
        pending.filter(
            due_on__lte=day - SECOND_REMINDER_AFTER,
            reminded_at__isnull=False,
            second_reminded_at__isnull=True,
        )
    )
    if not dry_run:
        for follow_up in first:
            _remind(follow_up, second=False)
        for follow_up in second:
            _remind(follow_up, second=True)
    return Reminders(first=len(first), second=len(second))


@records_refusals("Relance de suivi")
def _remind(follow_up: RecommendationFollowUp, *, second: bool) -> None:
    field = "second_reminded_at" if second else "reminded_at"
    setattr(follow_up, field, timezone.now())
    follow_up.save(update_fields=[field])
    audit(
        SYSTEM,
        AuditEvent.Action.SEND,
        follow_up,
        case=follow_up.case,
        summary="Seconde relance du suivi" if second else "Relance du suivi à trois mois",
    )
    notifications.follow_up_due(follow_up.case, second=second)
