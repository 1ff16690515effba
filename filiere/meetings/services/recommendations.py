"""The recommendation (avis): drafting in session, signing under quorum, delivery, correction."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings import notifications
from filiere.meetings.models import (
    AgendaItem,
    CaseRequest,
    Meeting,
    Recommendation,
    RecommendationDelivery,
    RecommendationFollowUp,
)
from filiere.meetings.pdf import recommendation_pdf
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


def end_discussion_at_signing(item: AgendaItem, when: dt.datetime) -> None:
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


def missing_text(record: dict[str, Any]) -> str:
    labels = record.get("labels", {})
    missing = [labels.get(code, code) for code in record.get("missing_required", [])]
    counted = len(record.get("specialties_counted", []))
    parts = [f"{counted} spécialité(s) sur {record.get('minimum', 3)} au minimum"]
    if missing:
        parts.insert(0, "manque : " + ", ".join(missing))
    return " ; ".join(parts)


def _check_signable(recommendation: Recommendation) -> bool:
    """Refuse a recommendation that cannot be signed now; return whether it corrects a version
    signed at the same meeting (which may be signed after the session)."""
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
    return correction


def _override_reason(
    recommendation: Recommendation,
    met: bool,
    record: dict[str, Any],
    override_reason: str,
    correction: bool,
) -> str:
    """The reason for signing without quorum (a correction keeps the corrected version's);
    refuse a signature without quorum nor reason."""
    reason = override_reason.strip()
    if correction and not reason and recommendation.supersedes is not None:
        reason = recommendation.supersedes.override_reason
    if not met and not reason:
        raise ValidationError(
            {
                "override_reason": f"Quorum non atteint ({missing_text(record)}) : la signature "
                "exige un motif de dérogation, et le dossier sera présenté de nouveau."
            }
        )
    return reason


def _seal(actor: Actor, recommendation: Recommendation, reason: str) -> None:
    """Produce the signed PDF, keep it with its fingerprint, and audit the signature."""
    case = recommendation.case
    meeting = recommendation.meeting
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
        f"{'atteint' if recommendation.quorum_met else 'non atteint (dérogation)'}",
        changes={"pdf_sha256": recommendation.pdf_sha256, "override_reason": reason},
    )


def _carry_over_after_signing(actor: Actor, recommendation: Recommendation) -> None:
    """A case signed without quorum is presented again; an urgent avis goes to be ratified."""
    case, meeting = recommendation.case, recommendation.meeting
    if not recommendation.quorum_met:
        carry_over(
            actor=actor,
            case=case,
            after=meeting,
            purpose=AgendaItem.Purpose.REPRESENTATION,
        )
    elif recommendation.urgent_path:
        carry_over(actor=actor, case=case, after=meeting, purpose=AgendaItem.Purpose.RATIFICATION)


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
    correction = _check_signable(recommendation)
    when = at or timezone.now()
    item = AgendaItem.objects.filter(meeting=meeting, case=case).first()
    if not correction:
        require_meeting_day(meeting, when, "La signature de l'avis")
        if item is not None and item.outcome != AgendaItem.Outcome.POSTPONED:
            end_discussion_at_signing(item, when)
    met, record = _quorum(recommendation, when)
    reason = _override_reason(recommendation, met, record, override_reason, correction)
    recommendation.status = Recommendation.Status.SIGNED
    recommendation.signed_at = when
    recommendation.signed_by = signer or acting_user(actor)
    recommendation.quorum_met = met
    recommendation.quorum_record = record
    recommendation.override_reason = "" if met else reason
    recommendation.urgent_path = meeting.kind == Meeting.Kind.URGENT and not correction
    _seal(actor, recommendation, reason)
    if not correction and item is not None and item.outcome == AgendaItem.Outcome.PENDING:
        _mark_discussed(case, item, when)
    case.refresh_from_db()
    if case.status == CaseRequest.Status.DISCUSSED:
        update_validated(case, {"status": CaseRequest.Status.SIGNED, "signed_at": when})
    _deliver(actor, recommendation, when)
    if not correction:
        _carry_over_after_signing(actor, recommendation)
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
