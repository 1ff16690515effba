"""A centre's worklist counts come from the per-centre due dates: they must match the lists."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.followup.models import CentreDue
from filiere.followup.rhythm import FollowUpStatus
from filiere.followup.selectors import worklist, worklist_counts
from filiere.followup.tests.helpers import record_visit
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.services import care_episode_close, care_episode_open


def _counts_and_lists(centre: Centre, today: dt.date) -> tuple[dict[str, int], dict[str, int]]:
    counts = {status.value: n for status, n in worklist_counts(centre, today).items()}
    lists = {status.value: worklist(centre, status, today).count() for status in FollowUpStatus}
    return counts, lists


def test_counts_follow_visits_and_the_centres_that_follow_the_patient(
    patient_a: Patient, centre_a: Centre, centre_b: Centre
) -> None:
    today = timezone.localdate()
    # Included in 2020 and never seen: overdue at its centre from the moment it is registered.
    counts, lists = _counts_and_lists(centre_a, today)
    assert counts == lists
    assert counts["overdue"] == 1

    episode = care_episode_open(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_b,
        inclusion_date=PartialDate(2024, 5),
        referred_by=["ORG-182"],
    )
    counts, lists = _counts_and_lists(centre_b, today)
    assert counts == lists
    assert counts["overdue"] == 1

    record_visit(patient_a, centre_a, today)
    for centre in (centre_a, centre_b):
        counts, lists = _counts_and_lists(centre, today)
        assert counts == lists
        assert (counts["overdue"], counts["up_to_date"]) == (0, 1)

    care_episode_close(actor=SYSTEM, episode=episode, ended_on=today)
    counts, lists = _counts_and_lists(centre_b, today)
    assert counts == lists
    assert sum(counts.values()) == 0
    assert CentreDue.objects.filter(centre=centre_a).count() == 1
