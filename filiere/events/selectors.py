"""Reads of the events: the published ones for the public, every one for its organisers."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from filiere.access.events import organiser_centre_ids
from filiere.events.models import Event, Registration
from filiere.network.models import Centre

_CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with its confirmed, waiting and present registrations counted."""
    return events.annotate(
        confirmed_count=Count("registrations", filter=_CONFIRMED),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
        ),
        attended_count=Count("registrations", filter=Q(registrations__attended=True)),
    )


def published_events() -> QuerySet[Event]:
    return with_counts(
        Event.objects.filter(published_at__isnull=False).select_related("series", "centre")
    )


def public_event_lists() -> tuple[list[Event], list[Event]]:
    """The upcoming events (soonest first), then the past ones (latest first)."""
    now = timezone.now()
    events = published_events()
    upcoming = list(events.filter(ends_at__gt=now).order_by("starts_at", "pk"))
    past = list(events.filter(ends_at__lte=now).order_by("-starts_at", "-pk"))
    return upcoming, past


def public_event(event_id: uuid.UUID) -> Event | None:
    return published_events().filter(public_id=event_id).first()


def organised_events(user: Any) -> QuerySet[Event]:
    ids = organiser_centre_ids(user)
    events = with_counts(Event.objects.select_related("series", "centre")).order_by(
        "-starts_at", "-pk"
    )
    return events if ids is None else events.filter(centre_id__in=ids)


def organiser_centres(user: Any) -> QuerySet[Centre]:
    """The centres the user may name as an event's organiser."""
    ids = organiser_centre_ids(user)
    centres = Centre.objects.filter(is_active=True).order_by("name")
    return centres if ids is None else centres.filter(pk__in=ids)


def registrations_of(event: Event) -> QuerySet[Registration]:
    """Confirmed first, then the waiting list in its order, then the cancelled ones."""
    order = {
        Registration.Status.CONFIRMED: 0,
        Registration.Status.WAITING: 1,
        Registration.Status.CANCELLED: 2,
    }

    rank = Case(
        *(When(status=status, then=Value(value)) for status, value in order.items()),
        output_field=IntegerField(),
    )
    return event.registrations.annotate(rank=rank).order_by(
        "rank", "waiting_since", "registered_at", "pk"
    )
