"""The only writers of the events: validated, atomic, audited.

Registering locks the event's row (``select_for_update``) before counting its seats, so that two
registrations for the last seat are served one after the other: the second joins the waiting
list. A cancellation frees the seat for the first of the waiting list in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.events import notifications
from filiere.events.models import Event, EventSeries, Registration
from filiere.network.models import Centre

EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "online",
    "centre",
    "seats",
    "registration_opens_at",
    "registration_closes_at",
    "replay_url",
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _centre_id(event: Event) -> uuid.UUID | None:
    return event.centre.public_id if event.centre is not None else None


@dataclass(frozen=True)
class EventValues:
    kind: str
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online: bool
    series_name: str
    centre: Centre | None
    seats: int
    registration_opens_at: dt.datetime
    registration_closes_at: dt.datetime
    replay_url: str = ""


def _series(values: EventValues) -> EventSeries | None:
    name = values.series_name.strip()
    if not name:
        if values.kind == Event.Kind.WEBINAR:
            raise ValidationError(
                {"series_name": _("Série : un webinaire appartient à une série.")}
            )
        return None
    series, _created = EventSeries.objects.get_or_create(name=name[:200])
    return series


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


@records_refusals("Événement")
def event_save(*, actor: Actor, values: EventValues, event: Event | None = None) -> Event:
    """Record a new event (unpublished) or the organiser's changes to one."""
    fields = {name: getattr(values, name) for name in EDITABLE_FIELDS}
    fields["title"] = values.title.strip()
    fields["place"] = values.place.strip()
    fields["series"] = _series(values)
    if event is None:
        event = create_validated(Event, created_by=acting_user(actor), **fields)
        changes: dict[str, object] = {}
        promoted: list[Registration] = []
        action = AuditEvent.Action.CREATE
    else:
        event = Event.objects.select_for_update().get(pk=event.pk)
        confirmed = _confirmed_count(event)
        if values.seats < confirmed:
            raise ValidationError(
                {
                    "seats": _(
                        "Nombre de places : %(count)d personnes sont déjà inscrites ; "
                        "annulez des inscriptions avant de réduire les places."
                    )
                    % {"count": confirmed}
                }
            )
        changes = update_validated(event, fields)
        promoted = _promote_waiting(event)
        action = AuditEvent.Action.UPDATE
    audit_record(
        actor=actor,
        action=action,
        obj=event,
        centre_id=_centre_id(event),
        summary=_("Événement « %(title)s » enregistré") % {"title": event.title},
        changes=changes,
    )
    for registration in promoted:
        notifications.send_promotion(registration)
    return event


@records_refusals("Publication d'un événement")
def event_publish(*, actor: Actor, event: Event, published: bool = True) -> Event:
    """Show the event on the public pages (or withdraw it)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if published and event.published_at is None:
        event.published_at = timezone.now()
    elif not published:
        event.published_at = None
    event.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=event,
        centre_id=_centre_id(event),
        summary=(
            _("Événement « %(title)s » publié")
            if published
            else _("Événement « %(title)s » retiré")
        )
        % {"title": event.title},
    )
    return event


@dataclass(frozen=True)
class NewRegistration:
    registration: Registration
    # The personal link's token: shown once and e-mailed, never stored.
    token: str
    position: int | None


def waiting_position(registration: Registration) -> int | None:
    """1 for the first of the waiting list; None for a registration not waiting."""
    since = registration.waiting_since
    if registration.status != Registration.Status.WAITING or since is None:
        return None
    ahead = Registration.objects.filter(
        Q(waiting_since__lt=since) | Q(waiting_since=since, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
    )
    return ahead.count() + 1


@records_refusals("Inscription à un événement")
def registration_create(
    *,
    actor: Actor = SYSTEM,
    event: Event,
    name: str,
    email: str,
    profession: str,
    organisation: str,
    consent_to_email: bool,
    at: dt.datetime | None = None,
) -> NewRegistration:
    """Register someone: a seat while there is one, else the waiting list; e-mail her link.

    ``at`` dates a registration taken elsewhere (the demo's past events); the window of
    registration is checked at that moment.
    """
    # The lock serialises the registrations of one event: the count below stays true until
    # this transaction commits.
    event = Event.objects.select_for_update(of=("self",)).select_related("centre").get(pk=event.pk)
    now = at or timezone.now()
    if event.published_at is None:
        raise ValidationError(_("Inscription : cet événement n'est pas publié."))
    if now < event.registration_opens_at:
        raise ValidationError(_("Inscription : les inscriptions ne sont pas encore ouvertes."))
    if now >= event.registration_closes_at:
        raise ValidationError(_("Inscription : les inscriptions sont closes."))
    email = email.strip().lower()
    if not consent_to_email:
        raise ValidationError(
            {
                "consent_to_email": _(
                    "Consentement : l'inscription demande d'accepter les e-mails de l'événement."
                )
            }
        )
    if (
        event.registrations.filter(email=email)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            {"email": _("Adresse e-mail : elle est déjà inscrite à cet événement.")}
        )
    full = _confirmed_count(event) >= event.seats
    token = secrets.token_urlsafe(32)
    fields = {
        "event": event,
        "name": name.strip(),
        "email": email,
        "profession": profession.strip(),
        "organisation": organisation.strip(),
        "consent_to_email": consent_to_email,
        "status": Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
        "registered_at": now,
        "waiting_since": now if full else None,
        "token_hash": token_hash(token),
    }
    try:
        with transaction.atomic():
            registration = create_validated(Registration, **fields)
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("Adresse e-mail : elle est déjà inscrite à cet événement.")}
        ) from error
    position = waiting_position(registration)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=registration,
        centre_id=_centre_id(event),
        summary=(
            _("Inscription à « %(title)s » (liste d'attente)")
            if full
            else _("Inscription à « %(title)s »")
        )
        % {"title": event.title},
    )
    notifications.send_confirmation(registration, token, position=position)
    return NewRegistration(registration=registration, token=token, position=position)


def registration_for_token(token: str) -> Registration | None:
    return (
        Registration.objects.select_related("event", "event__series", "event__centre")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _promote_waiting(event: Event) -> list[Registration]:
    """Give the free seats to the first of the waiting list (the event's row is locked)."""
    free = event.seats - _confirmed_count(event)
    if free <= 0:
        return []
    promoted = list(
        event.registrations.select_for_update()
        .filter(status=Registration.Status.WAITING)
        .order_by("waiting_since", "pk")[:free]
    )
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.waiting_since = None
        registration.save(update_fields=["status", "waiting_since"])
        audit_record(
            actor=SYSTEM,
            action=AuditEvent.Action.UPDATE,
            obj=registration,
            centre_id=_centre_id(event),
            summary=_("Place libérée attribuée (liste d'attente) : « %(title)s »")
            % {"title": event.title},
        )
    return promoted


@records_refusals("Annulation d'une inscription")
def registration_cancel(*, actor: Actor = SYSTEM, registration: Registration) -> Registration:
    """Cancel a registration; a freed seat goes to the first of the waiting list, e-mailed."""
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("centre")
        .get(pk=registration.event_id)
    )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("Inscription : elle est déjà annulée."))
    if event.is_over:
        raise ValidationError(_("Inscription : l'événement est terminé."))
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.waiting_since = None
    registration.attended = False
    registration.save(update_fields=["status", "cancelled_at", "waiting_since", "attended"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=registration,
        centre_id=_centre_id(event),
        summary=_("Inscription annulée : « %(title)s »") % {"title": event.title},
    )
    for promoted in _promote_waiting(event):
        notifications.send_promotion(promoted)
    return registration


@records_refusals("Présence à un événement")
def attendance_record(*, actor: Actor, event: Event, present: Iterable[uuid.UUID]) -> int:
    """Record who attended (the confirmed registrations whose public ids are in ``present``);
    return how many are marked present."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at > timezone.now():
        raise ValidationError(_("Présence : l'événement n'a pas encore commencé."))
    present_ids = set(present)
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    unknown = present_ids - set(confirmed.values_list("public_id", flat=True))
    if unknown:
        raise ValidationError(_("Présence : seul un inscrit confirmé peut être présent."))
    confirmed.filter(public_id__in=present_ids).update(attended=True)
    confirmed.exclude(public_id__in=present_ids).update(attended=False)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=event,
        centre_id=_centre_id(event),
        summary=_("Présences enregistrées : « %(title)s » (%(count)d présents)")
        % {"title": event.title, "count": len(present_ids)},
    )
    return len(present_ids)
