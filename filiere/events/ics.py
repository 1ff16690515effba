"""The iCalendar feed (RFC 5545) of the published events, written with ``icalendar`` (already the
case-meeting invitations' library): folding at 75 octets, CRLF and text escaping are its work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from filiere.events.models import Event

PRODID = "-//Filière MHEMO//Événements//FR"


def event_uid(event: Event) -> str:
    """Stable across edits, so that a calendar updates the event rather than adding one."""
    return f"evenement-{event.public_id}@filiere"


def _utc(value: dt.datetime) -> dt.datetime:
    # In UTC, written with a trailing Z: no VTIMEZONE block for the clients to interpret.
    return value.astimezone(dt.UTC)


def events_ics(events: Iterable[Event]) -> bytes:
    """Return the calendar of ``events`` (one VEVENT each)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Événements de la filière MHEMO")
    stamp = _utc(timezone.now()).replace(microsecond=0)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", event_uid(event))
        entry.add("dtstamp", stamp)
        entry.add("dtstart", _utc(event.starts_at))
        entry.add("dtend", _utc(event.ends_at))
        entry.add("summary", f"{event.get_kind_display()} : {event.title}")
        url = settings.SITE_URL + reverse("events:detail", args=[event.public_id])
        entry.add("description", "\n\n".join(part for part in (event.description, url) if part))
        entry.add("url", url)
        entry.add("location", event.place or "En ligne")
        entry.add("status", "CONFIRMED")
        calendar.add_component(entry)
    return bytes(calendar.to_ical())
