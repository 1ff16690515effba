"""HPO terms on the registry's pages in the interface language: the phenotype suggestions and
the patient's record, French labels with the HPO's attribution, English as the fallback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.nomenclature.services import hpo_french_import_folder
from filiere.nomenclature.tests.test_hpo_french import (
    EPISTAXIS,
    THROMBOPENIA,
    write_translation,
)
from filiere.patients.models import Patient
from filiere.patients.services import phenotype_record

ClientFor = Callable[[User], Client]
ATTRIBUTION = "Human Phenotype Ontology</a> et sa traduction française officielle"


@pytest.fixture
def french_hpo(tmp_path: Path, db: None) -> None:
    folder = write_translation(
        tmp_path / "hpo-fr",
        [THROMBOPENIA, EPISTAXIS],
        [("HP:0001873", "Thrombocytopénie", "CANDIDATE")],
    )
    hpo_french_import_folder(actor=SYSTEM, folder=folder)


def test_suggestions_are_in_french_with_the_synonym_that_matched(
    alice: User, client_for: ClientFor, french_hpo: None
) -> None:
    html = client_for(alice).get("/patients/hpo/", {"q": "thrombocytopénie"}).content.decode()

    assert "<code>HP:0001873</code> Thrombopénie" in html
    assert "(Thrombocytopénie)" in html
    assert ATTRIBUTION in html


def test_an_english_label_typed_in_french_finds_the_french_term(
    alice: User, client_for: ClientFor, french_hpo: None
) -> None:
    html = client_for(alice).get("/patients/hpo/", {"q": "Thrombocytopenia"}).content.decode()

    assert "<code>HP:0001873</code> Thrombopénie" in html


def test_suggestions_are_in_english_for_an_english_interface(
    alice: User, client_for: ClientFor, french_hpo: None
) -> None:
    client = client_for(alice)
    html = client.get(
        "/patients/hpo/", {"q": "thrombocytopenia"}, headers={"accept-language": "en"}
    ).content.decode()

    assert "<code>HP:0001873</code> Thrombocytopenia" in html
    assert "Thrombopénie" not in html
    assert ATTRIBUTION not in html


def test_without_french_labels_the_suggestions_stay_english_and_unattributed(
    alice: User, client_for: ClientFor
) -> None:
    html = client_for(alice).get("/patients/hpo/", {"q": "thrombocytopenia"}).content.decode()

    assert "<code>HP:0001873</code> Thrombocytopenia" in html
    assert ATTRIBUTION not in html


def test_the_record_shows_the_french_label_and_keeps_the_english_one_recorded(
    patient_a: Patient, alice: User, client_for: ClientFor, french_hpo: None
) -> None:
    observation = phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:0001873")
    phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:0000967")  # no French label
    client = client_for(alice)

    french = client.get(f"/patients/{patient_a.public_id}/").content.decode()
    english = client.get(
        f"/patients/{patient_a.public_id}/", headers={"accept-language": "en"}
    ).content.decode()

    assert observation.hpo_label == "Thrombocytopenia"
    assert "<code>HP:0001873</code> Thrombopénie" in french
    assert "<code>HP:0000967</code> Petechiae" in french
    assert ATTRIBUTION in french
    assert "<code>HP:0001873</code> Thrombocytopenia" in english
    assert ATTRIBUTION not in english


def test_french_labels_cost_one_query_however_many_phenotypes(
    patient_a: Patient, alice: User, client_for: ClientFor, french_hpo: None
) -> None:
    client = client_for(alice)
    url = f"/patients/{patient_a.public_id}/"
    phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id="HP:0001873")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for hpo_id in ("HP:0000421", "HP:0000967", "HP:0000132"):
        phenotype_record(actor=SYSTEM, patient=patient_a, hpo_id=hpo_id)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()

    assert "<code>HP:0000421</code> Épistaxis" in html
    assert len(many) == len(few)
