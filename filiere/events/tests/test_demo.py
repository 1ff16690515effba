"""The demo's events: last year's 15 webinars with replays and attendance, the congress in
La Réunion, a national day, two upcoming events (one full with a waiting list); no e-mail;
a second run creates nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from filiere.demo.context import DemoContext
from filiere.events import demo
from filiere.events.models import Event, Registration
from filiere.jobs.models import OutgoingMail
from filiere.network import demo as network_demo

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_network_s_events() -> None:
    reports: list[str] = []
    ctx = DemoContext(seed=7, size=10, report=reports.append)
    network_demo.build(ctx)
    demo.build(ctx)
    last_year = timezone.localdate().year - 1
    webinars = Event.objects.filter(kind=Event.Kind.WEBINAR, starts_at__year=last_year)
    assert webinars.count() == 15
    assert webinars.filter(series__name=demo.SERIES).count() == 15
    assert not webinars.filter(replay_url="").exists()
    assert Registration.objects.filter(event__in=webinars, attended=True).exists()
    congress = Event.objects.get(kind=Event.Kind.CONGRESS)
    local = timezone.localtime(congress.starts_at, demo.REUNION)
    assert (local.year, local.month, local.day) == (last_year, 10, 1)
    assert timezone.localtime(congress.ends_at, demo.REUNION).day == 2
    assert Event.objects.filter(kind=Event.Kind.NATIONAL_DAY).count() == 1
    upcoming = Event.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.count() == 2
    module = upcoming.get(kind=Event.Kind.DIPLOMA_MODULE)
    assert module.registrations.filter(status="inscrit").count() == module.seats
    assert module.registrations.filter(status="liste_attente").count() == 3
    assert not OutgoingMail.objects.exists()
    assert reports[-1] == "Événements : 19 événement(s) créé(s)."
    demo.build(ctx)
    assert reports[-1] == "Événements : 0 événement(s) créé(s)."
