"""The clinician's block of the home page: overdue patients of their centres, their RCP requests
sent back for completion, and the avis signed on their requests in the last 30 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.core.tests.home_counts import PAGE_QUERIES, home_counts
from filiere.followup.tests.helpers import record_visit
from filiere.lib.partial_dates import PartialDate
from filiere.meetings import services as meetings
from filiere.meetings.models import Meeting, Recommendation
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.patients.services import care_episode_open
from filiere.testing.factories import give_role, make_centre, make_patient
from filiere.testing.meetings import (
    check_in,
    decided_values,
    make_case,
    make_meeting,
    make_series,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
OVERDUE = "Patients en retard de suivi"
RETURNED = "Demandes d'avis RCP à compléter"
AVIS = "Avis RCP reçus ces 30 derniers jours"


def signed_avis(case: Any, meeting: Meeting, signer: User) -> Recommendation:
    """Discuss the case at the meeting and sign its avis without quorum (override)."""
    start = meeting.starts_at
    # Later in the meeting: an avis signed without quorum is put back on the next meeting's
    # agenda for ratification, at its start.
    slot = start + dt.timedelta(minutes=30)
    meetings.case_accept(actor=SYSTEM, case=case, meeting=meeting, slot_start=slot)
    meetings.meeting_open(actor=SYSTEM, meeting=meeting, at=start)
    check_in(meeting, signer, at=start + dt.timedelta(minutes=1))
    draft = meetings.recommendation_save(
        actor=SYSTEM, case=case, values=decided_values(), at=start + dt.timedelta(minutes=5)
    )
    signed = meetings.recommendation_sign(
        actor=SYSTEM,
        recommendation=draft,
        override_reason="Généticien absent, avis urgent pour le geste.",
        signer=signer,
        at=start + dt.timedelta(minutes=10),
    )
    meetings.meeting_close(actor=SYSTEM, meeting=meeting, at=start + dt.timedelta(minutes=60))
    return signed


def test_overdue_patients_of_my_centres_are_counted_once(
    alice: User, centre_a: Centre, patient_a: Patient, client_for: Login
) -> None:
    """Registered in 2020 and never seen: overdue; seen today: up to date. Élodie, followed by
    both of Alice's centres, is one patient to see, not two."""
    second = make_centre(name="CHU Nice", short_name="Nice", city="Nice")
    give_role(alice, second, Role.CLINICIAN)
    care_episode_open(
        actor=SYSTEM,
        patient=patient_a,
        centre=second,
        inclusion_date=PartialDate(2024, 5),
        referred_by=["ORG-182"],
    )
    make_patient(centre_a)
    seen = make_patient(centre_a)
    record_visit(seen, centre_a, timezone.localdate())

    counts = home_counts(client_for(alice))

    assert counts["clinician"][OVERDUE] == 2


def test_overdue_patients_of_my_one_centre(
    alice: User, centre_a: Centre, patient_a: Patient, client_for: Login
) -> None:
    """With one centre the count needs no de-duplication; a patient of another centre, overdue
    too, is not Alice's."""
    make_patient(centre_a)
    record_visit(make_patient(centre_a), centre_a, timezone.localdate())
    make_patient(make_centre(name="CHU Nice", short_name="Nice", city="Nice"))

    counts = home_counts(client_for(alice))

    assert counts["clinician"][OVERDUE] == 2


def test_requests_returned_to_me_and_avis_received(
    alice: User, centre_a: Centre, patient_a: Patient, client_for: Login
) -> None:
    series = make_series(centre_a, coordinator=alice)
    returned = make_case(series, alice, patient_a)
    meetings.case_return(actor=SYSTEM, case=returned, note="Joindre le dernier bilan d'hémostase.")
    make_case(series, alice, patient_a)  # waiting for triage: nothing to do for Alice
    now = timezone.now().replace(second=0, microsecond=0)
    old = make_meeting(series, starts_at=now - dt.timedelta(days=45))
    recent = make_meeting(series, starts_at=now - dt.timedelta(days=2))
    signed_avis(make_case(series, alice, patient_a), old, alice)
    signed_avis(make_case(series, alice, patient_a), recent, alice)

    counts = home_counts(client_for(alice))["clinician"]

    assert counts[RETURNED] == 1
    assert counts[AVIS] == 1  # the one signed 45 days ago is no longer "received"


def test_an_outsider_of_another_centre_sees_zero(
    charlie: User, centre_a: Centre, patient_a: Patient, alice: User, client_for: Login
) -> None:
    series = make_series(centre_a)
    meetings.case_return(actor=SYSTEM, case=make_case(series, alice, patient_a), note="Compléter.")

    counts = home_counts(client_for(charlie))

    assert counts["clinician"] == {OVERDUE: 0, RETURNED: 0, AVIS: 0}
    html = client_for(charlie).get("/").content.decode()
    assert 'class="attention-calm"' in html  # zero counts stay visible, in a calm style


def test_the_clinician_home_page_query_count(
    alice: User,
    centre_a: Centre,
    patient_a: Patient,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(alice)
    client.get("/")  # the session and the rights are read once
    for _ in range(3):
        make_patient(centre_a)
    with django_assert_max_num_queries(PAGE_QUERIES + 3):  # one query per count
        assert client.get("/").status_code == 200


def test_the_block_reads_in_english(alice: User, patient_a: Patient, client_for: Login) -> None:
    client = client_for(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "To do today" in html
    assert "Patients overdue for follow-up" in html
