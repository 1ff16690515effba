"""Small builders of ETP objects, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from filiere.access.actors import SYSTEM
from filiere.education import services
from filiere.education.models import Programme, Session
from filiere.network.models import Centre

WORKSHOPS = ("Comment je vis avec ma maladie", "Gestion des saignements", "Questions femmes")


def make_programme(centre: Centre, **values: Any) -> Programme:
    defaults: dict[str, Any] = {
        "title": f"ETP {centre.city}",
        "ars_number": "ETP-2019-001",
        "ars_authorised_on": dt.date(2019, 6, 12),
        "workshops": WORKSHOPS,
    }
    return services.programme_create(actor=SYSTEM, centre=centre, **(defaults | values))


def make_session(programme: Programme, **values: Any) -> Session:
    defaults: dict[str, Any] = {
        "held_on": dt.date(2024, 11, 23),
        "place": "Rennes",
        "format": Session.Format.IN_PERSON,
        "workshops": list(programme.workshops.order_by("position")),
    }
    return services.session_create(actor=SYSTEM, programme=programme, **(defaults | values))
