"""iCalendar (RFC 5545) invitations to a meeting, for any calendar client."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from filiere.meetings import rules
from filiere.meetings.models import Meeting

PRODID = "-//Filière MHEMO//RCP//FR"


def meeting_uid(meeting: Meeting) -> str:
    return f"rcp-{meeting.public_id}@filiere"


def meeting_ics(
    meeting: Meeting, *, attendee_email: str = "", organizer_email: str = "", cancel: bool = False
) -> bytes:
    """Return the invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.ics_sequence)
    kind = " (urgente)" if meeting.kind == Meeting.Kind.URGENT else ""
    event.add("summary", f"{rules.rcp_title(meeting.series.name)}{kind}")
    url = settings.SITE_URL + reverse("meetings:meeting_detail", args=[meeting.public_id])
    lines = [f"Réunion de concertation pluridisciplinaire : {meeting.series.name}.", url]
    video_link = meeting.video_link_or_default
    if video_link:
        lines.insert(1, f"Visioconférence : {video_link}")
    if meeting.notes:
        lines.append(meeting.notes)
    event.add("description", "\n".join(lines))
    if video_link:
        event.add("url", video_link)
    event.add("location", vText(meeting.location or video_link or "Visioconférence"))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = vText(str(meeting.series.centre))
        event.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
