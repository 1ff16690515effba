"""The requesting team's copy of a signed recommendation for the patient's hospital record, and
the record of the signed documents read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import Identity
from filiere.identity.services import INS_OID_LABELS
from filiere.meetings.models import Recommendation
from filiere.meetings.pdf import IdentityTraits, RecordCopy, recommendation_pdf
from filiere.meetings.selectors import opinions_on, patient_age_shown_at
from filiere.meetings.services.common import audit

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
