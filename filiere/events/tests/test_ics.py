"""The iCalendar feed, read line by line against RFC 5545: CRLF line ends, lines folded at 75
octets (§3.1), text escaped (§3.3.11), UTC times with Z (§3.3.5), a stable UID (§3.8.4.7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from filiere.events.ics import event_uid
from filiere.events.tests.factories import make_event

pytestmark = pytest.mark.django_db

TRICKY = "Hémostase, plaquettes; anti-αIIbβ3 \\ et\nretour à la ligne " + "long " * 20


def _unfolded(body: bytes) -> list[str]:
    """The content lines: a line starting with a space continues the previous one."""
    lines: list[str] = []
    for raw in body.split(b"\r\n"):
        text = raw.decode("utf-8")
        if text.startswith(" "):
            lines[-1] += text[1:]
        elif text:
            lines.append(text)
    return lines


def test_the_feed_is_well_formed_icalendar(client: Client) -> None:
    event = make_event(title=TRICKY, description="")
    make_event(publish=False, title="Brouillon")
    response = client.get("/evenements/calendrier.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    for raw in body.split(b"\r\n"):
        assert len(raw) <= 75, raw
    lines = _unfolded(body)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    assert fields["UID"] == event_uid(event)
    assert re.fullmatch(r"\d{8}T\d{6}Z", fields["DTSTAMP"])
    start = event.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    end = event.ends_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert (fields["DTSTART"], fields["DTEND"]) == (start, end)
    summary = fields["SUMMARY"]
    assert "Hémostase\\, plaquettes\\; anti-αIIbβ3 \\\\ et\\nretour" in summary
    assert "Brouillon" not in body.decode("utf-8")


def test_the_uid_does_not_change_when_the_event_is_edited(client: Client) -> None:
    event = make_event()
    first = client.get("/evenements/calendrier.ics").content.decode()
    event.title = "Journée nationale (programme modifié)"
    event.save(update_fields=["title"])
    second = client.get("/evenements/calendrier.ics").content.decode()
    uid = f"UID:{event_uid(event)}"
    assert uid in first.replace("\r\n ", "")
    assert uid in second.replace("\r\n ", "")
