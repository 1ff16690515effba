"""The registry's policy: who sees, edits and identifies a patient; who merges a pair.

Each rule is checked on both sides (the user who may, the one who may not), with the objects
built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.access.actors import SYSTEM
from filiere.access.patients import (
    PatientRights,
    may_merge_duplicate,
    may_resolve_duplicates_across_centres,
    may_see_duplicates,
    patient_rights,
)
from filiere.accounts.models import User
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient, ReferredBy
from filiere.patients.services import care_episode_open
from filiere.testing.factories import give_role, make_centre, make_patient, make_user

pytestmark = pytest.mark.django_db

EVERYTHING = PatientRights(see=True, edit=True, see_identity=True)


def _user_with(role: str, *centres: Centre) -> User:
    user = make_user()
    for centre in centres:
        give_role(user, centre, role)
    return user


def test_the_clinician_of_a_following_centre_sees_edits_and_identifies(
    alice: User, patient_a: Any
) -> None:
    assert patient_rights(alice, patient_a) == EVERYTHING


def test_a_clinician_of_another_centre_may_do_nothing(charlie: User, patient_a: Any) -> None:
    assert patient_rights(charlie, patient_a) == PatientRights.none()


def test_a_second_following_centre_gives_its_clinicians_the_same_rights(
    charlie: User, centre_b: Centre, patient_a: Any
) -> None:
    care_episode_open(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_b,
        inclusion_date=PartialDate(2022, 3),
        referred_by=[ReferredBy.OTHER_SPECIALIST],
    )
    assert patient_rights(charlie, patient_a) == EVERYTHING


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.DATA_MANAGER, EVERYTHING),
        (Role.CENTRE_COORDINATOR, EVERYTHING),
        # The RCP coordinator and the transfusion specialist reach patients through their
        # modules' policies, never the registry record.
        (Role.RCP_COORDINATOR, PatientRights.none()),
        (Role.TRANSFUSION_SPECIALIST, PatientRights.none()),
        # Network-wide roles count and audit; they do not open records.
        (Role.NETWORK_COORDINATOR, PatientRights.none()),
        (Role.AUDITOR, PatientRights.none()),
    ],
)
def test_each_role_at_the_following_centre(
    role: str, expected: PatientRights, centre_a: Centre, patient_a: Any
) -> None:
    assert patient_rights(_user_with(role, centre_a), patient_a) == expected


def test_a_merged_record_gives_no_right_even_to_its_own_clinician(
    alice: User, centre_a: Centre, patient_a: Any
) -> None:
    kept = make_patient(centre_a)
    Patient.objects.filter(pk=patient_a.pk).update(merged_into=kept)
    patient_a.refresh_from_db()
    assert patient_rights(alice, patient_a) == PatientRights.none()
    assert patient_rights(alice, kept) == EVERYTHING


def test_an_anonymous_or_deactivated_user_has_no_right(alice: User, patient_a: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert patient_rights(AnonymousUser(), patient_a) == PatientRights.none()
    User.objects.filter(pk=alice.pk).update(is_active=False)
    alice.refresh_from_db()
    assert patient_rights(alice, patient_a) == PatientRights.none()


def test_the_centres_already_read_are_used_as_given(alice: User, patient_a: Any) -> None:
    assert patient_rights(alice, patient_a, following=frozenset()) == PatientRights.none()


# --- Duplicates -----------------------------------------------------------------------------


def test_a_data_manager_merges_only_pairs_her_centres_follow_whole(
    centre_a: Centre, centre_b: Centre
) -> None:
    manager = _user_with(Role.DATA_MANAGER, centre_a)
    assert may_see_duplicates(manager)
    assert may_merge_duplicate(manager, {centre_a.pk})
    assert not may_merge_duplicate(manager, {centre_a.pk, centre_b.pk})
    assert not may_merge_duplicate(manager, set())
    assert not may_resolve_duplicates_across_centres(manager)


def test_the_network_coordinator_settles_pairs_across_centres(
    network_coordinator: User, centre_a: Centre, centre_b: Centre
) -> None:
    assert may_see_duplicates(network_coordinator)
    assert may_merge_duplicate(network_coordinator, {centre_a.pk, centre_b.pk})


def test_a_clinician_neither_sees_nor_merges_duplicates(alice: User, centre_a: Centre) -> None:
    assert not may_see_duplicates(alice)
    assert not may_merge_duplicate(alice, {centre_a.pk})


def test_a_centre_outside_the_network_rights_is_not_managed() -> None:
    manager = _user_with(Role.DATA_MANAGER, make_centre())
    assert not may_merge_duplicate(manager, {make_centre().pk})
