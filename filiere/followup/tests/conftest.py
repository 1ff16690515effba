"""Fixtures of the follow-up tests: the network's disease groups and rhythm, the ATC table, and
a Glanzmann patient of centre A (Élodie, born in May 1990, diagnosed in April 1993)."""

from __future__ import annotations

import pytest

from filiere.access.actors import SYSTEM
from filiere.followup import services
from filiere.network.models import Centre
from filiere.nomenclature.models import DiseaseGroup
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import glanzmann_values


@pytest.fixture
def groups(nomenclature: None) -> dict[str, DiseaseGroup]:
    from filiere.nomenclature.demo import DEFAULT_GROUPS
    from filiere.nomenclature.services import disease_group_save

    return {
        slug: disease_group_save(
            actor=SYSTEM,
            slug=slug,
            name=name,
            position=position,
            orpha_codes=roots,
            icd10_prefixes=icd10,
        )
        for position, (slug, name, roots, icd10) in enumerate(DEFAULT_GROUPS)
    }


@pytest.fixture
def rules(groups: dict[str, DiseaseGroup]) -> int:
    return services.followup_rules_install_defaults(actor=SYSTEM, background=False).created


@pytest.fixture
def atc(db: None) -> None:
    services.atc_import_file(actor=SYSTEM)


@pytest.fixture
def glanzmann(patient_a: Patient, centre_a: Centre) -> Diagnosis:
    return diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
