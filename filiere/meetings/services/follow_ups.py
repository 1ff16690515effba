"""The follow-up of a delivered recommendation: the requester's answer and the reminders."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.core.services import records_refusals, update_validated
from filiere.meetings import notifications
from filiere.meetings.models import CaseRequest, RecommendationFollowUp
from filiere.meetings.services.common import audit, touch


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
