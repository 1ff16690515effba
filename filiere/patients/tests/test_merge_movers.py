"""Each app moves its own records in a merge (issue 14: explicit links, no walk of the model graph).

A merge used to repoint every model pointing at a patient, found from the model graph, and to
swallow the uniqueness errors row by row; now each app registers a ``RecordMover`` with
``patients.hooks`` and says what may be doubled on the kept record and what may not.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from filiere.access.actors import SYSTEM
from filiere.identity.models import DuplicateSuspicion
from filiere.network.models import Centre, Role
from filiere.patients.hooks import record_movers
from filiere.patients.models import CareEpisode, Patient, PhenotypeObservation
from filiere.patients.services import duplicate_merge, phenotype_record
from filiere.testing.factories import give_role, make_patient, make_user


def test_every_model_that_points_at_a_patient_has_a_mover() -> None:
    """A module added later cannot be forgotten by a merge: its model must be declared."""
    pointing = {
        field.model
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is Patient
        and (field.many_to_one or field.one_to_one)
    }
    # A patient's own link to the record it was merged into, and the care episodes, which the
    # merge itself moves (it closes the absorbed episode at a centre that follows both).
    pointing -= {Patient, CareEpisode}
    declared = [model for mover in record_movers() for model in mover.models]
    assert len(declared) == len(set(declared)), "a model is declared by two movers"
    assert pointing == set(declared)


@pytest.mark.django_db
def test_an_hpo_term_observed_on_both_records_keeps_the_kept_observation(
    centre_a: Centre, nomenclature: None
) -> None:
    kept = make_patient(
        centre_a, birth_name="Perrin", first_given_name="Noé", birth_date=dt.date(2015, 6, 7)
    )
    absorbed = make_patient(
        centre_a, birth_name="PERRIN", first_given_name="Noé", birth_date=dt.date(2015, 6, 7)
    )
    ours = phenotype_record(actor=SYSTEM, patient=kept, hpo_id="HP:0000421")
    twice = phenotype_record(actor=SYSTEM, patient=absorbed, hpo_id="HP:0000421")
    once = phenotype_record(actor=SYSTEM, patient=absorbed, hpo_id="HP:0000132")
    manager = make_user(email="dm.hpo@hopital.test")
    give_role(manager, centre_a, Role.DATA_MANAGER)

    duplicate_merge(actor=manager, suspicion=DuplicateSuspicion.objects.get(), keep=kept)

    assert set(PhenotypeObservation.objects.filter(patient=kept)) == {ours, once}
    twice.refresh_from_db()
    assert twice.patient == absorbed
