"""Personas of the case meetings: Sophie the RCP coordinator, three experts, Alice who asks,
Charlie of centre B who must be refused."""

from __future__ import annotations

import pytest

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.meetings.models import Meeting, MeetingSeries, SeriesMember
from filiere.meetings.services import series_member_add
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user
from filiere.testing.meetings import (
    make_meeting,
    make_physician,
    make_series,
    session_start_today,
)


@pytest.fixture
def coordinator(centre_a: Centre) -> User:
    """Sophie, haematologist and coordinator of the platelet RCP."""
    user = make_user(
        email="sophie@hopital.test",
        first_name="Sophie",
        last_name="Bernard",
        specialty="haematology",
        title="dr",
    )
    give_role(user, centre_a, Role.RCP_COORDINATOR)
    give_role(user, centre_a, Role.CLINICIAN)
    return user


@pytest.fixture
def biologist(centre_a: Centre) -> User:
    return make_physician(
        centre_a, "haemostasis_biology", email="bio@hopital.test", last_name="Girard"
    )


@pytest.fixture
def geneticist(centre_b: Centre) -> User:
    return make_physician(
        centre_b, "medical_genetics", email="genet@hopital.test", last_name="Haddad"
    )


@pytest.fixture
def series(centre_a: Centre, coordinator: User, biologist: User) -> MeetingSeries:
    series = make_series(centre_a, coordinator=coordinator)
    series_member_add(actor=SYSTEM, series=series, user=biologist, role=SeriesMember.Role.EXPERT)
    return series


@pytest.fixture
def meeting(series: MeetingSeries) -> Meeting:
    """Today's meeting: it may be opened, attended and its avis signed now (issue 12, defect 5:
    a meeting runs on its own day)."""
    return make_meeting(series, starts_at=session_start_today())
