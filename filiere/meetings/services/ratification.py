"""The ratification of an urgent recommendation by the next ordinary meeting."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals
from filiere.meetings import notifications
from filiere.meetings.models import AgendaItem, CaseRequest, Meeting, Ratification, Recommendation
from filiere.meetings.pdf import ratification_pdf
from filiere.meetings.selectors import latest_signed, quorum_for_case, specialty_label
from filiere.meetings.services.common import audit, require_meeting_day, touch
from filiere.meetings.services.recommendations import (
    CONTENT_FIELDS,
    end_discussion_at_signing,
    missing_text,
)


def _check_ratifiable(agenda_item: AgendaItem, decision: str, reason: str) -> Recommendation:
    """Return the urgent recommendation to ratify, or refuse the ratification."""
    if agenda_item.purpose != AgendaItem.Purpose.RATIFICATION:
        raise ValidationError("Ce dossier n'attend pas de ratification.")
    if agenda_item.meeting.status != Meeting.Status.OPEN:
        raise ValidationError({"meeting": "La ratification se fait en séance ouverte."})
    if agenda_item.outcome != AgendaItem.Outcome.PENDING:
        raise ValidationError("La ratification de cet avis urgent est déjà décidée.")
    urgent = latest_signed(agenda_item.case)
    if urgent is None or not urgent.urgent_path:
        raise ValidationError("Ce dossier n'a pas d'avis urgent signé à ratifier.")
    if decision not in Ratification.Decision.values:
        raise ValidationError({"decision": "Décision inconnue : ratifié ou non ratifié."})
    if decision == Ratification.Decision.NOT_RATIFIED and not reason:
        raise ValidationError({"reason": "Indiquez pourquoi l'avis urgent n'est pas ratifié."})
    return urgent


def _ratification_quorum(meeting: Meeting, case: CaseRequest, when: dt.datetime) -> dict[str, Any]:
    """The quorum record of the ratification, or a refusal when the quorum is not met."""
    result, attendees = quorum_for_case(meeting, case, when)
    record = result.as_record(attendees)
    codes = {s for a in attendees for s in a.specialties} | set(result.required)
    record["labels"] = {code: specialty_label(code) for code in sorted(codes)}
    if not result.met:
        raise ValidationError(
            {
                "meeting": f"Quorum non atteint pendant la ratification ({missing_text(record)})"
                " : l'avis urgent n'est ni ratifié ni infirmé ; le dossier reste à l'ordre du "
                "jour."
            }
        )
    return record


def _seal_ratification(
    actor: Actor, ratification: Ratification, case: CaseRequest, meeting: Meeting
) -> None:
    """Produce the signed PDF of the decision, keep it with its fingerprint, and audit it."""
    urgent = ratification.recommendation
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
    reason = reason.strip()
    urgent = _check_ratifiable(agenda_item, decision, reason)
    when = at or timezone.now()
    require_meeting_day(meeting, when, "La ratification")
    end_discussion_at_signing(agenda_item, when)
    record = _ratification_quorum(meeting, case, when)
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
    _seal_ratification(actor, ratification, case, meeting)
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
