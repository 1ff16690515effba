"""The events' section of the activity report, against direct counts of the same rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from filiere.core.reports import NOT_RECORDED, ReportPeriod, activity_report
from filiere.events import services
from filiere.events.models import Event, Registration
from filiere.events.report import events_section
from filiere.events.tests.factories import make_event, register
from filiere.network.models import Centre

pytestmark = pytest.mark.django_db


def _held_last_year(event: Event, year: int, day: int) -> None:
    """Move an event (after its registrations) to a day of ``year``."""
    start = dt.datetime(year, 3, day, 14, tzinfo=timezone.get_current_timezone())
    Event.objects.filter(pk=event.pk).update(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        registration_opens_at=start - dt.timedelta(days=30),
        registration_closes_at=start,
    )


def test_the_section_counts_what_the_rows_say(centre_a: Centre) -> None:
    year = timezone.localdate().year - 1
    webinars = [
        make_event(kind=Event.Kind.WEBINAR, series_name="Les jeudis", seats=2) for _ in range(3)
    ]
    day = make_event(centre=centre_a)
    outside = make_event(title="L'année suivante")
    unpublished = make_event(publish=False)
    for event in (*webinars, day, outside):
        for number in range(3):
            register(event, number)
    services.registration_cancel(registration=day.registrations.first())  # type: ignore[arg-type]
    for day_number, event in enumerate((*webinars, day, unpublished), start=1):
        _held_last_year(event, year, day_number)
    Registration.objects.filter(event=webinars[0], status="inscrit").update(attended=True)

    section = events_section(ReportPeriod(year))
    figures = {figure.label: figure.value for figure in section.figures}
    held = Event.objects.filter(published_at__isnull=False, starts_at__year=year)
    live = Registration.objects.filter(event__in=held).exclude(status="annule")
    assert figures["Événements tenus"] == held.count() == 4
    assert figures["Inscriptions"] == live.count() == 11
    assert figures["Participants présents"] == live.filter(attended=True).count() == 2
    by_kind = {row[0]: row[1] for row in section.tables[0].rows}
    assert by_kind == {"Webinaire": 3, "Journée nationale": 1}
    assert section.tables[1].rows == [["Les jeudis", 3, 2]]

    centre_section = events_section(ReportPeriod(year, centre_a))
    assert centre_section.figures[0].value == 1


def test_the_events_key_replaces_the_placeholder() -> None:
    sections = activity_report(ReportPeriod(timezone.localdate().year))
    events = [section for section in sections if section.title == "Événements"]
    assert len(events) == 1
    assert all(figure.value != NOT_RECORDED for figure in events[0].figures)


def test_an_event_still_to_come_is_not_counted_as_held() -> None:
    make_event(starts_in=dt.timedelta(hours=2))
    section = events_section(ReportPeriod(timezone.localdate().year))
    assert section.figures[0].value == 0
