"""Series of meetings, their staff and members, and invitations of external physicians."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from filiere.access import Capability, can
from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.accounts.models import User
from filiere.accounts.services import user_create
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.meetings import notifications, yearly
from filiere.meetings.models import (
    NON_PHYSICIAN_SPECIALTIES,
    ExternalInvitation,
    Meeting,
    MeetingSeries,
    Participant,
    SeriesMember,
)
from filiere.meetings.services.common import audit
from filiere.meetings.services.meetings import meeting_create
from filiere.meetings.yearly import CalendarDate
from filiere.network.models import Centre

INVITATION_LIFETIME = dt.timedelta(days=14)


def invitation_expiry(now: dt.datetime, meeting: Meeting | None) -> dt.datetime:
    """The link lasts 14 days, and at least until the end of the day after the meeting it
    invites to (an invitation sent a month ahead must still open on the day)."""
    expiry = now + INVITATION_LIFETIME
    if meeting is not None:
        day_after = timezone.localtime(meeting.ends_at).date() + dt.timedelta(days=2)
        end = dt.datetime.combine(day_after, dt.time.min, tzinfo=timezone.get_current_timezone())
        expiry = max(expiry, end)
    return expiry


SERIES_FIELDS = (
    "name",
    "description",
    "required_specialties",
    "minimum_specialties",
    "default_start_time",
    "default_duration_minutes",
    "default_slot_minutes",
    "default_video_link",
    "dpc_programme_reference",
    "dpc_organisation",
    "is_active",
)


DPC_ORGANISATION_ALONE = (
    "Référence du programme de DPC : indiquez-la avec l'organisme de DPC qui la porte."
)


def _check_dpc(values: dict[str, Any], series: MeetingSeries | None = None) -> None:
    for name in ("dpc_programme_reference", "dpc_organisation"):
        if name in values:
            values[name] = " ".join(str(values[name] or "").split())
    reference = values.get(
        "dpc_programme_reference", series.dpc_programme_reference if series else ""
    )
    organisation = values.get("dpc_organisation", series.dpc_organisation if series else "")
    if organisation and not reference:
        raise ValidationError({"dpc_programme_reference": DPC_ORGANISATION_ALONE})


def _check_specialties(required: Iterable[str], minimum: int) -> list[str]:
    values = list(dict.fromkeys(required))
    errors: dict[str, str] = {}
    unknown = [v for v in values if v not in User.Specialty.values]
    if unknown:
        errors["required_specialties"] = f"Spécialité(s) inconnue(s) : {', '.join(unknown)}."
    elif any(v in NON_PHYSICIAN_SPECIALTIES for v in values):
        errors["required_specialties"] = "Le quorum ne compte que des spécialités médicales."
    if minimum < 3:
        errors["minimum_specialties"] = (
            "Une RCP réunit au moins trois médecins de spécialités différentes."
        )
    if errors:
        raise ValidationError(errors)
    return values


@records_refusals("Création d'une série de RCP")
def series_create(
    *,
    actor: Actor,
    centre: Centre,
    name: str,
    required_specialties: Iterable[str],
    minimum_specialties: int = 3,
    **values: Any,
) -> MeetingSeries:
    """Create a series organised by ``centre``; its creator becomes its coordinator."""
    if actor is not SYSTEM and not can(actor, Capability.MANAGE_MEETINGS, centre.pk):
        raise ValidationError({"centre": "Vous ne coordonnez pas de RCP pour ce centre."})
    unknown = set(values) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"Unknown series fields: {sorted(unknown)}")
    specialties = _check_specialties(required_specialties, minimum_specialties)
    _check_dpc(values)
    if MeetingSeries.objects.filter(centre=centre, name=name.strip()).exists():
        raise ValidationError({"name": "Ce centre a déjà une RCP de ce nom."})
    series = create_validated(
        MeetingSeries,
        centre=centre,
        name=name.strip(),
        required_specialties=specialties,
        minimum_specialties=minimum_specialties,
        created_by=acting_user(actor),
        **values,
    )
    audit(actor, AuditEvent.Action.CREATE, series, summary=f"Série de RCP « {series.name} »")
    creator = acting_user(actor)
    if creator is not None:
        series_member_add(
            actor=SYSTEM, series=series, user=creator, role=SeriesMember.Role.COORDINATOR
        )
    return series


@records_refusals("Modification d'une série de RCP")
def series_update(*, actor: Actor, series: MeetingSeries, **values: Any) -> dict[str, Any]:
    """Change the series' settings, including its quorum rule (coordinator only)."""
    unknown = set(values) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"Unknown series fields: {sorted(unknown)}")
    if "required_specialties" in values or "minimum_specialties" in values:
        values["required_specialties"] = _check_specialties(
            values.get("required_specialties", series.required_specialties),
            values.get("minimum_specialties", series.minimum_specialties),
        )
    _check_dpc(values, series)
    changes = update_validated(series, values)
    if changes:
        audit(actor, AuditEvent.Action.UPDATE, series, changes=changes)
    return changes


@records_refusals("Ajout d'un membre à une série de RCP")
def series_member_add(
    *, actor: Actor, series: MeetingSeries, user: User, role: str
) -> SeriesMember:
    """Attach ``user`` to the series (idempotent); experts are invited to every meeting."""
    if role not in SeriesMember.Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    existing = SeriesMember.objects.filter(series=series, user=user, role=role).first()
    if existing is not None:
        return existing
    member = create_validated(SeriesMember, series=series, user=user, role=role)
    audit(
        actor,
        AuditEvent.Action.CREATE,
        member,
        summary=f"{user.display_name} : {member.get_role_display()} de « {series.name} »",
    )
    return member


@records_refusals("Retrait d'un membre d'une série de RCP")
def series_member_remove(*, actor: Actor, member: SeriesMember) -> None:
    if (
        member.role == SeriesMember.Role.COORDINATOR
        and not SeriesMember.objects.filter(series=member.series, role=member.role)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise ValidationError({"role": "Une RCP garde au moins un coordonnateur."})
    audit(
        actor,
        AuditEvent.Action.ARCHIVE,
        member,
        summary=f"{member.user.display_name} n'est plus {member.get_role_display().lower()}",
    )
    member.delete()


# --- External physicians -------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _invited_account(
    actor: Actor, email: str, first_name: str, last_name: str, specialty: str, rpps: str
) -> User:
    """The invited physician's account: the existing one with this address, or a new limited one
    (its refusals named by the invitation form's fields)."""
    address = email.strip().lower()
    user = User.objects.filter(email=address).first()
    if user is None:
        try:
            user = user_create(
                actor=actor,
                email=address,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                title=User.Title.DOCTOR,
                specialty=specialty,
                rpps=rpps.strip(),
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    field if field != "__all__" else "email": messages
                    for field, messages in error.message_dict.items()
                }
            ) from error
    return user


def _register_external(actor: Actor, meeting: Meeting, user: User) -> None:
    """Register the invited physician as an external expert of the meeting, and invite them."""
    if Participant.objects.filter(meeting=meeting, user=user).exists():
        return
    participant = create_validated(
        Participant,
        meeting=meeting,
        user=user,
        role=Participant.Role.EXPERT,
        specialty=user.specialty,
        is_external=True,
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        participant,
        summary=f"{user.display_name} inscrit(e) à la réunion",
    )
    notifications.meeting_invitations(meeting, [participant])


@records_refusals("Invitation d'un médecin extérieur")
def external_physician_invite(
    *,
    actor: Actor,
    series: MeetingSeries,
    email: str,
    first_name: str,
    last_name: str,
    specialty: str,
    rpps: str = "",
    institution: str = "",
    meeting: Meeting | None = None,
    may_submit_cases: bool = True,
) -> tuple[ExternalInvitation, str]:
    """Invite a physician from outside the network: a limited account (no centre, no patient
    access) that may attend the meeting and send cases to this series. Returns the invitation
    and the raw link token, which is sent by e-mail and never stored."""
    if meeting is not None and (meeting.series_id != series.pk or not meeting.is_active):
        raise ValidationError({"meeting": "Choisissez une réunion à venir de cette RCP."})
    user = _invited_account(actor, email, first_name, last_name, specialty, rpps)
    raw = "inv_" + secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = create_validated(
        ExternalInvitation,
        series=series,
        meeting=meeting,
        user=user,
        institution=institution.strip(),
        may_submit_cases=may_submit_cases,
        token_digest=token_digest(raw),
        invited_by=acting_user(actor),
        created_at=now,
        expires_at=invitation_expiry(now, meeting),
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        invitation,
        summary=f"Invitation de {user.display_name} à « {series.name} »",
    )
    if meeting is not None:
        _register_external(actor, meeting, user)
    inviter = acting_user(actor)
    notifications.external_invitation(
        email=user.email,
        name=user.display_name,
        series_name=series.name,
        inviter=inviter.display_name if inviter else str(series.centre),
        link=settings.SITE_URL + reverse("meetings:invitation_link", args=[raw]),
        series=series,
        meeting=meeting,
        expires_at=invitation.expires_at,
    )
    return invitation, raw


def invitation_for_token(raw: str) -> ExternalInvitation | None:
    """Return the usable invitation behind a link, or None (unknown, used or expired)."""
    invitation = (
        ExternalInvitation.objects.select_related("user", "series")
        .filter(token_digest=token_digest(raw))
        .first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


@records_refusals("Acceptation d'une invitation")
def invitation_accept(*, invitation: ExternalInvitation, password: str, confirm: str) -> User:
    """Let the invited physician choose a password; the second factor comes at first login."""
    if not invitation.is_usable:
        raise ValidationError("Ce lien d'invitation a expiré ou a déjà servi.")
    user = invitation.user
    if user.has_usable_password():
        # An existing account keeps its password: the invitation only opens the series.
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit(user, AuditEvent.Action.UPDATE, invitation, summary="Invitation acceptée")
        return user
    if password != confirm:
        raise ValidationError({"confirm": "Les deux mots de passe diffèrent."})
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit(user, AuditEvent.Action.UPDATE, invitation, summary="Invitation acceptée, accès créé")
    return user


# --- Yearly calendar -----------------------------------------------------------------------


def series_calendar_preview(*, series: MeetingSeries, days: list[dt.date]) -> list[CalendarDate]:
    """The dates a calendar would create, flagged: weekend, public holiday, past, taken."""
    taken = {
        timezone.localtime(start).date()
        for start in series.meetings.exclude(status=Meeting.Status.CANCELLED).values_list(
            "starts_at", flat=True
        )
    }
    return yearly.review(days, today=timezone.localdate(), taken=taken)


@records_refusals("Création du calendrier annuel d'une RCP")
def series_calendar_create(
    *,
    actor: Actor,
    series: MeetingSeries,
    days: list[dt.date],
    confirm_non_working: bool = False,
) -> list[Meeting]:
    """Create the year's meetings at once with the series' usual time, duration and video
    link; a weekend or public holiday needs ``confirm_non_working``; a day that already holds a
    meeting of the series is skipped. All or nothing."""
    days = sorted(set(days))
    if not days:
        raise ValidationError({"dates": "Aucune date à créer."})
    review = series_calendar_preview(series=series, days=days)
    past = [d.label for d in review if d.past]
    if past:
        raise ValidationError({"dates": f"Date(s) passée(s) : {', '.join(past)}."})
    non_working = [d for d in review if d.non_working and not d.existing]
    if non_working and not confirm_non_working:
        listed = ", ".join(f"{d.label} ({d.holiday or 'week-end'})" for d in non_working)
        raise ValidationError(
            {
                "confirm_non_working": "Jour(s) non ouvré(s) : "
                f"{listed}. Confirmez-les explicitement ou retirez-les."
            }
        )
    zone = timezone.get_current_timezone()
    created = []
    for date in (d for d in review if not d.existing):
        created.append(
            meeting_create(
                actor=actor,
                series=series,
                starts_at=dt.datetime.combine(date.day, series.default_start_time, tzinfo=zone),
                duration_minutes=series.default_duration_minutes,
                video_link=series.default_video_link,
            )
        )
    if not created:
        raise ValidationError({"dates": "Toutes ces dates ont déjà une réunion de cette RCP."})
    skipped = [d.label for d in review if d.existing]
    audit(
        actor,
        AuditEvent.Action.CREATE,
        series,
        summary=f"Calendrier : {len(created)} réunion(s) créée(s)"
        + (f", {len(skipped)} date(s) déjà prise(s)" if skipped else ""),
        changes={
            "réunions": [f"{timezone.localtime(m.starts_at):%d/%m/%Y}" for m in created],
            "jours non ouvrés confirmés": [d.label for d in non_working],
        },
    )
    return created
