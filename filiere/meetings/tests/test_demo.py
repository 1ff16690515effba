"""The demo's case meetings: a year of sessions built through the services, seeded, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from filiere.audit.models import AuditEvent
from filiere.demo.context import DemoContext
from filiere.meetings import demo, statistics
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    MeetingSeries,
    Participant,
    Recommendation,
)

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_year_of_meetings_once(nomenclature: None) -> None:
    from filiere.network import demo as network_demo
    from filiere.patients import demo as patients_demo

    lines: list[str] = []
    ctx = DemoContext(seed=2026, size=40, report=lines.append)
    network_demo.build(ctx)
    patients_demo.build(ctx)
    demo.build(ctx)

    series = MeetingSeries.objects.get(name=demo.SERIES_NAME)
    assert series.required_specialties == list(demo.QUORUM)
    this_year = timezone.localdate().year
    every_meeting = list(series.meetings.order_by("starts_at"))
    quarterly = {demo._second_tuesday(this_year - 1, month) for month in demo.LAST_YEAR_MONTHS}
    urgent_day = (demo._second_tuesday(this_year - 1, 6) - dt.timedelta(days=30)).date()
    last_year = [
        m
        for m in every_meeting
        if m.starts_at in quarterly
        or (m.kind == "urgent" and timezone.localtime(m.starts_at).date() == urgent_day)
    ]
    # Last year's quarterly sessions and one urgent RCP, for last year's activity report.
    assert sorted((m.kind, m.status) for m in last_year) == [
        ("ordinary", "closed"),
        ("ordinary", "closed"),
        ("ordinary", "closed"),
        ("ordinary", "closed"),
        ("urgent", "closed"),
    ]
    meetings = [m for m in every_meeting if m not in last_year]
    kinds = [(m.kind, m.status) for m in meetings]
    assert kinds == [
        ("ordinary", "closed"),
        ("ordinary", "closed"),
        ("urgent", "closed"),
        ("ordinary", "closed"),
        ("ordinary", "planned"),
    ]
    for meeting in meetings[:2]:
        present = meeting.participants.filter(intervals__isnull=False).distinct().count()
        assert 55 <= present <= 80
        assert meeting.agenda_items.count() == 15
    signed = Recommendation.objects.filter(status="signed")
    assert signed.filter(quorum_met=False).count() == 1  # the geneticists left early
    assert signed.filter(version=2, quorum_met=True).count() == 1  # presented again
    assert signed.filter(urgent_path=True).count() == 2  # one each year
    assert signed.filter(is_off_label=True).exists()
    assert meetings[-1].agenda_items.exists()
    assert CaseRequest.objects.filter(status="submitted").exists()
    figures = statistics.compute(
        MeetingSeries.objects.all(), statistics.Period.year(meetings[0].starts_at.year)
    )
    assert figures.discussions > 0

    counts = (
        Meeting.objects.count(),
        CaseRequest.objects.count(),
        Participant.objects.count(),
        AuditEvent.objects.count(),
    )
    demo.build(ctx)
    assert counts == (
        Meeting.objects.count(),
        CaseRequest.objects.count(),
        Participant.objects.count(),
        AuditEvent.objects.count(),
    )
    assert lines[-1] == "RCP : déjà en place."


def test_the_demo_never_submits_a_case_before_the_patient_was_born(nomenclature: None) -> None:
    """Babies born after the demo's past meetings are left out of them (it used to crash)."""
    from django.utils import timezone

    from filiere.network import demo as network_demo
    from filiere.patients import demo as patients_demo
    from filiere.patients.models import Patient

    ctx = DemoContext(seed=2026, size=40, report=lambda line: None)
    network_demo.build(ctx)
    patients_demo.build(ctx)
    today = timezone.localdate()
    Patient.objects.update(birth_year=today.year, birth_month=today.month)
    ctx.objects.pop("patients", None)
    demo.build(ctx)
    for case in CaseRequest.objects.select_related("patient"):
        submitted = timezone.localtime(case.submitted_at).date()  # the date as the demo saw it
        assert (case.patient.birth_year, case.patient.birth_month) <= (
            submitted.year,
            submitted.month,
        )
        assert case.patient_age_years == 0


def test_every_demo_account_printed_can_log_in(nomenclature: None) -> None:
    """Issue 12, defect 7: three demo experts could not log in at all (created without the
    demo password nor the TOTP secret). Every account the demo command prints (and the login
    page lists) has the demo password, is a demo account and has its second factor."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import authenticate

    from filiere.accounts.models import User
    from filiere.demo.accounts import DEMO_PASSWORD, demo_account_descriptions
    from filiere.network import demo as network_demo
    from filiere.patients import demo as patients_demo

    ctx = DemoContext(seed=2026, size=20, report=lambda line: None)
    network_demo.build(ctx)
    patients_demo.build(ctx)
    demo.build(ctx)
    printed = [account["email"] for account in demo_account_descriptions()]
    assert {f"{key}@demo.filiere.test" for key in ("nadia.haddad", "karim.benali")} <= set(printed)
    for email in printed:
        user = User.objects.get(email=email)
        assert authenticate(username=email, password=DEMO_PASSWORD) == user, email
        assert user.is_demo, email
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
