"""Suspected duplicates (``duplicate_candidates``, ``duplicates_flag``, ``duplicate_suspect``):
the same person typed twice is flagged once for the data managers, whatever the accents, case
or order; different people are not."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db.models import Q

from filiere.accounts.models import User
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.identity.services import (
    duplicate_candidates,
    duplicate_suspect,
    duplicates_flag,
    identity_create,
)
from filiere.testing.factories import identity_input

pytestmark = pytest.mark.django_db


def _identity(alice: User, **values: object) -> Identity:
    return identity_create(actor=alice, link=uuid.uuid4(), values=identity_input(**values))


def _pair(first: Identity, second: Identity) -> Q:
    low, high = sorted([first.link, second.link], key=str)
    return Q(first_link=low, second_link=high)


def test_same_birth_name_first_name_date_and_sex_is_a_candidate(alice: User) -> None:
    """Accents and case differ between records of the same person: the search key folds them."""
    first = _identity(alice, birth_name="Lefèvre", first_given_name="Élodie")
    second = _identity(alice, birth_name="LEFEVRE", first_given_name="elodie")
    assert duplicate_candidates(second) == [(first.link, DuplicateSuspicion.Reason.SAME_TRAITS)]


@pytest.mark.parametrize(
    "other",
    [
        {"birth_date": dt.date(1990, 5, 18)},
        {"sex": "M"},
        {"first_given_name": "Claire"},
        {"birth_name": "Lefebvre"},
    ],
)
def test_one_different_trait_is_not_a_candidate(alice: User, other: dict[str, object]) -> None:
    _identity(alice, birth_name="Lefèvre", first_given_name="Élodie")
    second = _identity(alice, **{"birth_name": "Lefèvre", "first_given_name": "Élodie", **other})
    assert duplicate_candidates(second) == []


def test_an_identity_is_never_its_own_duplicate(alice: User) -> None:
    assert duplicate_candidates(_identity(alice)) == []


def test_duplicates_are_flagged_once_for_the_data_managers(alice: User) -> None:
    first = _identity(alice, birth_name="Lefèvre")
    second = _identity(alice, birth_name="Lefèvre")
    flagged = duplicates_flag(second)
    assert [s.reason for s in flagged] == [DuplicateSuspicion.Reason.SAME_TRAITS]
    assert flagged[0].status == DuplicateSuspicion.Status.OPEN
    # Looked at again from either side, the pair is the same suspicion.
    assert duplicates_flag(first) == flagged
    assert DuplicateSuspicion.objects.filter(_pair(first, second)).count() == 1
    assert DuplicateSuspicion.objects.count() == 1


def test_duplicate_suspect_records_a_pair_once_in_either_order(alice: User) -> None:
    first, second = _identity(alice), _identity(alice)
    suspicion = duplicate_suspect(first.link, second.link, DuplicateSuspicion.Reason.SAME_INS)
    again = duplicate_suspect(second.link, first.link, DuplicateSuspicion.Reason.SAME_TRAITS)
    assert again == suspicion
    assert again.reason == DuplicateSuspicion.Reason.SAME_INS
    assert DuplicateSuspicion.objects.filter(_pair(first, second)).count() == 1
