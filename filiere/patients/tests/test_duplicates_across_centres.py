"""Duplicates never hand over another centre's patient (issue 13, finding 1).

Three centres: Marseille and Bordeaux, both managed by the same data manager, and Lille, which
she does not manage.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.identity.models import DuplicateSuspicion
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_centre, make_patient, make_user

ClientFor = Callable[[User], Client]


@pytest.fixture
def marseille(db: None) -> Centre:
    return make_centre(name="CRPP Marseille", short_name="Marseille")


@pytest.fixture
def bordeaux(db: None) -> Centre:
    return make_centre(name="CCMR Bordeaux", short_name="Bordeaux", city="Bordeaux", region="75")


@pytest.fixture
def lille(db: None) -> Centre:
    return make_centre(name="CCMR Lille", short_name="Lille", city="Lille", region="32")


@pytest.fixture
def data_manager(marseille: Centre, bordeaux: Centre) -> User:
    user = make_user(email="dm.sud@hopital.test")
    give_role(user, marseille, Role.DATA_MANAGER)
    give_role(user, bordeaux, Role.DATA_MANAGER)
    return user


def _twins(first: Centre, second: Centre, name: str) -> tuple[Patient, Patient]:
    born = dt.date(2011, 3, 4)
    return (
        make_patient(first, birth_name=name, first_given_name="Inès", birth_date=born),
        make_patient(second, birth_name=name, first_given_name="Inès", birth_date=born),
    )


def _suspicion(pair: tuple[Patient, Patient]) -> DuplicateSuspicion:
    links = sorted([pair[0].identity_link, pair[1].identity_link], key=str)
    return DuplicateSuspicion.objects.get(first_link=links[0], second_link=links[1])


def test_a_pair_with_another_centres_patient_is_not_shown(
    data_manager: User, marseille: Centre, lille: Centre, client_for: ClientFor
) -> None:
    """A pair is listed only when the data manager follows both patients: the Lille patient's
    name, birth date and centre never reach a Marseille data manager."""
    ours, theirs = _twins(marseille, lille, "Zerbib")
    html = client_for(data_manager).get("/patients/doublons/").content.decode()
    assert ours.pseudonym not in html
    assert theirs.pseudonym not in html
    assert "Zerbib" not in html
    assert "Lille" not in html


def test_merging_onto_another_centres_patient_is_refused(
    data_manager: User, marseille: Centre, lille: Centre, client_for: ClientFor
) -> None:
    ours, theirs = _twins(marseille, lille, "Zerbib")
    suspicion = _suspicion((ours, theirs))
    response = client_for(data_manager).post(
        f"/patients/doublons/{suspicion.public_id}/",
        {"decision": "merge", "keep": str(theirs.public_id)},
    )
    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.merged_into is None
    assert ours.care_episodes.get().centre == marseille


def test_the_service_refuses_a_merge_across_centres_outside_the_data_managers_reach(
    data_manager: User, marseille: Centre, lille: Centre
) -> None:
    from django.core.exceptions import ValidationError

    from filiere.patients.services import duplicate_merge

    ours, theirs = _twins(marseille, lille, "Zerbib")
    with pytest.raises(ValidationError):
        duplicate_merge(actor=data_manager, suspicion=_suspicion((ours, theirs)), keep=theirs)
    ours.refresh_from_db()
    assert ours.merged_into is None


def test_a_pair_of_her_two_centres_is_shown_and_merged(
    data_manager: User, marseille: Centre, bordeaux: Centre, client_for: ClientFor
) -> None:
    ours, also_ours = _twins(marseille, bordeaux, "Ferrand")
    client = client_for(data_manager)
    html = client.get("/patients/doublons/").content.decode()
    assert ours.pseudonym in html
    assert "Ferrand" in html
    response = client.post(
        f"/patients/doublons/{_suspicion((ours, also_ours)).public_id}/",
        {"decision": "merge", "keep": str(ours.public_id)},
    )
    assert response.status_code == 302
    also_ours.refresh_from_db()
    assert also_ours.merged_into == ours


def test_her_own_pair_is_listed_and_resolved_behind_200_newer_pairs_elsewhere(
    data_manager: User, marseille: Centre, bordeaux: Centre, lille: Centre, client_for: ClientFor
) -> None:
    """The list is filtered before it is cut: 200 newer suspicions between Marseille and Lille
    (not hers: she does not follow the Lille side) do not push her pair out, and resolving it
    does not answer 404."""
    ours = _twins(marseille, bordeaux, "Ferrand")
    in_marseille = [make_patient(marseille).identity_link for _ in range(15)]
    in_lille = [make_patient(lille).identity_link for _ in range(14)]
    later = _suspicion(ours).detected_at + dt.timedelta(minutes=1)
    DuplicateSuspicion.objects.bulk_create(
        DuplicateSuspicion(
            first_link=first,
            second_link=second,
            reason=DuplicateSuspicion.Reason.SAME_TRAITS,
            detected_at=later + dt.timedelta(seconds=i),
        )
        for i, (first, second) in enumerate(itertools.product(in_marseille, in_lille))
    )
    client = client_for(data_manager)
    assert ours[0].pseudonym in client.get("/patients/doublons/").content.decode()
    response = client.post(
        f"/patients/doublons/{_suspicion(ours).public_id}/",
        {"decision": "dismiss", "note": "Sœurs jumelles"},
    )
    assert response.status_code == 302
    assert _suspicion(ours).status == DuplicateSuspicion.Status.DISMISSED


def test_the_network_coordinator_resolves_a_pair_across_centres_without_identities(
    network_coordinator: User, marseille: Centre, lille: Centre, client_for: ClientFor
) -> None:
    """Pairs across centres go to the network coordinator, who sees pseudonyms and centres but
    no identity trait, and may merge them."""
    ours, theirs = _twins(marseille, lille, "Zerbib")
    client = client_for(network_coordinator)
    html = client.get("/patients/doublons/").content.decode()
    assert ours.pseudonym in html
    assert theirs.pseudonym in html
    assert "Zerbib" not in html
    assert "04/03/2011" not in html
    response = client.post(
        f"/patients/doublons/{_suspicion((ours, theirs)).public_id}/",
        {"decision": "merge", "keep": str(ours.public_id)},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.merged_into == ours
