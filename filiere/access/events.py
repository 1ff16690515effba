"""Who organises the network's events.

- The network coordinator organises every event, the network's own (no centre) included.
- A centre coordinator organises the events of her centres (the ``organise_events`` capability at
  that centre): she creates them for one of her centres, edits and publishes them, lists their
  registrations, marks attendance and downloads the registrations' CSV.

Reading the published events and registering need no account; a registrant reaches her own
registration through her personal link only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, grants_for
from filiere.events.models import Event


@dataclass(frozen=True)
class EventRights:
    organise: bool = False


def organises_events(user: Any) -> bool:
    """The user organises some events (the « Événements : organisation » page is hers)."""
    return grants_for(user).has(Capability.ORGANISE_EVENTS)


def event_rights(user: Any, event: Event) -> EventRights:
    grants = grants_for(user)
    if grants.is_network_wide(Capability.ORGANISE_EVENTS):
        return EventRights(organise=True)
    organise = event.centre_id is not None and grants.has(
        Capability.ORGANISE_EVENTS, event.centre_id
    )
    return EventRights(organise=organise)


def organiser_centre_ids(user: Any) -> frozenset[int] | None:
    """The centres whose events the user organises; None for every event of the network."""
    grants = grants_for(user)
    if grants.is_network_wide(Capability.ORGANISE_EVENTS):
        return None
    return grants.centre_ids(Capability.ORGANISE_EVENTS)
