"""The move from one arrival and one departure per participant to intervals of presence keeps
every recorded attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from filiere.accounts.models import User
from filiere.meetings.models import MeetingSeries, Participant
from filiere.testing.meetings import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("meetings", "0004_presence_intervals_and_discussion_times")
AFTER = ("meetings", "0006_participant_arrival_departure_removed")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.fixture(autouse=True)
def _schema_back_to_latest() -> Iterator[None]:
    """Leave the database as every other test expects it: stopping at AFTER left later
    migrations' columns missing, and a browser test after this one failed on SQLite."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_each_recorded_arrival_and_departure_becomes_one_interval(
    series: MeetingSeries, biologist: User, coordinator: User
) -> None:
    meeting = make_meeting(series)
    arrived = meeting.starts_at + dt.timedelta(minutes=5)
    left = meeting.starts_at + dt.timedelta(minutes=50)
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_participant SET checked_in_at = %s, checked_out_at = %s "
                "WHERE meeting_id = %s AND user_id = %s",
                [arrived, left, meeting.pk, biologist.pk],
            )
            cursor.execute(
                "UPDATE meetings_participant SET checked_in_at = %s "
                "WHERE meeting_id = %s AND user_id = %s",
                [arrived, meeting.pk, coordinator.pk],
            )
    finally:
        _migrate(AFTER)
    spans = {
        p.user_id: [(s.start, s.end) for s in p.spans()]
        for p in Participant.objects.filter(meeting=meeting).prefetch_related("intervals")
    }
    assert spans[biologist.pk] == [(arrived, left)]
    assert spans[coordinator.pk] == [(arrived, None)]  # still in the room
    assert all(not v for k, v in spans.items() if k not in (biologist.pk, coordinator.pk))
