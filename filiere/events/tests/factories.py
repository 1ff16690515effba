"""Small builders for the events' tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.events import services
from filiere.events.models import Event
from filiere.events.services import EventValues, NewRegistration
from filiere.network.models import Centre


def event_values(*, starts_in: dt.timedelta = dt.timedelta(days=30), **values: Any) -> EventValues:
    """A national day in ``starts_in`` from now, registrations open since yesterday."""
    starts_at = timezone.now().replace(microsecond=0) + starts_in
    fields: dict[str, Any] = {
        "kind": Event.Kind.NATIONAL_DAY,
        "title": "Journée nationale des thrombopathies",
        "description": "Programme : diagnostic, transfusion, éducation thérapeutique.",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=7),
        "place": "Faculté de médecine, Marseille",
        "online": False,
        "series_name": "",
        "centre": None,
        "seats": 50,
        "registration_opens_at": starts_at - starts_in - dt.timedelta(days=1),
        "registration_closes_at": starts_at,
        "replay_url": "",
    }
    fields.update(values)
    return EventValues(**fields)


def make_event(centre: Centre | None = None, *, publish: bool = True, **values: Any) -> Event:
    event = services.event_save(actor=SYSTEM, values=event_values(centre=centre, **values))
    if publish:
        event = services.event_publish(actor=SYSTEM, event=event)
    return event


def register(event: Event, number: int = 1, **values: Any) -> NewRegistration:
    fields: dict[str, Any] = {
        "name": f"Dr Inscrit {number}",
        "email": f"inscrit{number}@hopital.test",
        "profession": "Médecin hématologue",
        "organisation": "CHU de Lille",
        "consent_to_email": True,
    }
    fields.update(values)
    return services.registration_create(event=event, **fields)
