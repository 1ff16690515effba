"""The FHIR R4B export: every bundle validated by the R4B models with the values recorded, no
identity trait, opposition respected, audited; the API route scoped and audited as an export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.services import atc_import_file
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.identity.models import Identity
from filiere.identity.services import INS_NIR_OID
from filiere.lib.identifiers import nir_key
from filiere.network.models import Centre
from filiere.nomenclature.services import gene_import_records
from filiere.nomenclature.sources import GeneRecord
from filiere.patients.models import Consent, GeneticFinding, Patient
from filiere.patients.services import (
    consent_record,
    diagnosis_record,
    genetic_finding_record,
    phenotype_record,
    platelet_workup_record,
)
from filiere.testing.factories import glanzmann_values, make_patient

NIR13 = "2900575056123"


@pytest.fixture
def cohort(centre_a: Centre, nomenclature: None) -> dict[str, Patient]:
    """Three patients of centre A: a Glanzmann thrombasthenia with its variant, phenotypes, a
    treatment and consents; a carrier of a variant of uncertain significance; one who opposed
    reuse."""
    glanzmann = make_patient(
        centre_a,
        birth_name="Lefèvre",
        first_given_name="Élodie",
        ins_matricule=f"{NIR13}{nir_key(NIR13):02d}",
        ins_oid=INS_NIR_OID,
    )
    diagnosis = diagnosis_record(
        actor=SYSTEM, patient=glanzmann, centre=centre_a, **glanzmann_values()
    )
    phenotype_record(actor=SYSTEM, patient=glanzmann, hpo_id="HP:0000421", onset="HP:0011463")
    phenotype_record(actor=SYSTEM, patient=glanzmann, hpo_id="HP:0001873", excluded=True)
    genetic_finding_record(
        actor=SYSTEM,
        patient=glanzmann,
        diagnosis=diagnosis,
        gene="ITGB3",
        hgvs="NM_000212.3:c.1697G>A",
        zygosity=GeneticFinding.Zygosity.HOMOZYGOUS,
        acmg_class=5,
        technique="panel",
    )
    platelet_workup_record(
        actor=SYSTEM,
        patient=glanzmann,
        sampled_on=dt.date(2024, 2, 1),
        platelet_count=Decimal("245.0"),
        mean_platelet_volume=Decimal("9.5"),
    )
    atc_import_file(actor=SYSTEM)
    rfviia_off_label(glanzmann, centre_a, diagnosis)
    for kind, answer, on in (
        (Consent.Kind.BNDMR_OPPOSITION, True, dt.date(2023, 1, 1)),
        (Consent.Kind.BNDMR_OPPOSITION, False, dt.date(2024, 3, 1)),
        (Consent.Kind.RESEARCH_CONTACT, True, dt.date(2024, 3, 1)),
    ):
        consent_record(
            actor=SYSTEM,
            patient=glanzmann,
            kind=kind,
            answer=answer,
            answered_on=on,
            information_version="v1",
        )
    carrier = make_patient(centre_a, birth_name="Garnier", first_given_name="Bastien", sex="M")
    genetic_finding_record(
        actor=SYSTEM,
        patient=carrier,
        gene="ITGA2B",
        hgvs="NM_000419.5:c.2T>C",
        zygosity=GeneticFinding.Zygosity.HETEROZYGOUS,
        acmg_class=3,
        technique="sanger",
    )
    opposed = make_patient(centre_a, birth_name="Opposant", first_given_name="Irène")
    consent_record(
        actor=SYSTEM,
        patient=opposed,
        kind=Consent.Kind.BNDMR_OPPOSITION,
        answer=True,
        answered_on=dt.date(2024, 1, 1),
        information_version="v1",
    )
    gene_import_records(
        actor=SYSTEM,
        genes=[GeneRecord("ITGB3", hgnc_id="HGNC:6156"), GeneRecord("ITGA2B")],
        version="2026-11-04",
        checksum="hgnc-2026-11-04",
    )
    return {"glanzmann": glanzmann, "carrier": carrier, "opposed": opposed}


def export(out: Path, *args: str) -> dict[str, dict[str, Any]]:
    call_command("export", "fhir", "--out", str(out), *args)
    bundles = {}
    for path in sorted(out.glob("*.json")):
        bundle = json.loads(path.read_text(encoding="utf-8"))
        Bundle.model_validate(bundle)  # unknown fields and wrong types refused
        (patient,) = of_type(bundle, "Patient")
        pseudonym = patient["identifier"][0]["value"]
        assert path.name == f"{pseudonym}.json"
        bundles[pseudonym] = bundle
    return bundles


def of_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(observation: dict[str, Any]) -> dict[str, str]:
    return {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"]
        for c in observation.get("component", [])
        if "coding" in c["valueCodeableConcept"]
    }


def test_every_bundle_validates_with_the_values_recorded(
    cohort: dict[str, Patient], tmp_path: Path
) -> None:
    bundles = export(tmp_path)
    glanzmann = cohort["glanzmann"]
    bundle = bundles[glanzmann.pseudonym]
    (patient,) = of_type(bundle, "Patient")
    assert patient["gender"] == "female"
    assert patient["birthDate"] == str(glanzmann.birth_year)
    (condition,) = of_type(bundle, "Condition")
    assert condition["code"]["coding"][0]["code"] == "849"
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert condition["onsetAge"]["value"] == 8  # onset_months=8 in glanzmann_values
    observations = of_type(bundle, "Observation")
    phenotypes = {
        (o["code"]["coding"][0]["code"], o["valueBoolean"])
        for o in observations
        if "valueBoolean" in o
    }
    recorded = {(p.hpo_id, not p.excluded) for p in glanzmann.phenotypes.all()}
    assert phenotypes == recorded
    (variant,) = (o for o in observations if "meta" in o)
    assert codes(variant) == {
        "48018-6": "HGNC:6156",
        "48004-6": "NM_000212.3:c.1697G>A",
        "53034-5": "LA6705-3",
        "53037-8": "LA6668-3",
    }
    labs = {
        o["code"]["coding"][0]["code"]: o["valueQuantity"]["value"]
        for o in observations
        if "valueQuantity" in o
    }
    assert labs == {"777-3": 245.0, "32623-1": 9.5}
    (statement,) = of_type(bundle, "MedicationStatement")
    treatment = glanzmann.treatments.get()
    assert treatment.atc is not None
    assert statement["medicationCodeableConcept"]["coding"][0]["code"] == treatment.atc.code
    assert statement["reasonReference"] == [{"reference": f"urn:uuid:{condition['id']}"}]
    consents = of_type(bundle, "Consent")
    assert [(c["status"], c["provision"]["type"]) for c in consents] == [
        ("inactive", "deny"),  # the 2023 opposition, since withdrawn
        ("active", "permit"),
        ("active", "permit"),  # research contact
    ]
    carrier = bundles[cohort["carrier"].pseudonym]
    assert of_type(carrier, "Patient")[0]["gender"] == "male"
    (variant,) = of_type(carrier, "Observation")
    assert codes(variant)["53037-8"] == "LA26333-7"  # uncertain significance
    assert not of_type(carrier, "MedicationStatement")


def test_two_exports_are_identical(cohort: dict[str, Patient], tmp_path: Path) -> None:
    export(tmp_path / "1")
    export(tmp_path / "2")
    first = {p.name: p.read_bytes() for p in (tmp_path / "1").glob("*.json")}
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "2").glob("*.json")}


def identity_traits() -> list[str]:
    traits = []
    for identity in Identity.objects.all():
        traits += [identity.birth_name, identity.first_given_name, identity.birth_date.isoformat()]
        traits += identity.birth_first_names.split()
        traits += [identity.ins_matricule] if identity.ins_matricule else []
    return traits


def test_no_identity_trait_appears_in_any_bundle(
    cohort: dict[str, Patient], tmp_path: Path
) -> None:
    export(tmp_path)
    text = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json"))
    assert text
    for trait in identity_traits():
        assert trait.casefold() not in text.casefold(), trait
    for field in ('"name"', '"address"', '"telecom"', "-05-"):  # born in May 1990
        assert field not in text, field
    # The birth year alone, never a month or a day.
    assert '"birthDate": "1990"' in text


def test_a_patient_who_opposed_reuse_is_absent_and_the_export_is_audited(
    cohort: dict[str, Patient], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundles = export(tmp_path)
    assert set(bundles) == {cohort["glanzmann"].pseudonym, cohort["carrier"].pseudonym}
    assert "1 patient(s) opposé(s)" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="export", object_type="fhir").count() == 1
    exported = set(
        AuditEvent.objects.filter(action="export", patient_id__isnull=False).values_list(
            "patient_id", flat=True
        )
    )
    assert exported == {cohort["glanzmann"].public_id, cohort["carrier"].public_id}


def test_the_export_of_one_centre_and_since_a_date(
    cohort: dict[str, Patient], centre_a: Centre, centre_b: Centre, tmp_path: Path
) -> None:
    assert export(tmp_path / "b", "--centre", centre_b.finess) == {}
    assert len(export(tmp_path / "a", "--centre", centre_a.finess)) == 2
    assert export(tmp_path / "later", "--since", "2999-01-01") == {}


ClientFor = Callable[[User], Client]


def test_the_api_returns_the_bundle_audited_as_an_export(
    cohort: dict[str, Patient], alice: User, charlie: User, client_for: ClientFor
) -> None:
    glanzmann = cohort["glanzmann"]
    url = f"/api/v1/patients/{glanzmann.public_id}/fhir"
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert of_type(bundle, "Patient")[0]["identifier"][0]["value"] == glanzmann.pseudonym
    for trait in identity_traits():
        assert trait.casefold() not in response.content.decode().casefold(), trait
    event = AuditEvent.objects.get(action="export", patient_id=glanzmann.public_id)
    assert event.summary == "Export : FHIR R4B (pseudonymisé)"
    # An outsider gets the same 404 as for a record that does not exist; nothing exported.
    assert client_for(charlie).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_the_api_refuses_the_bundle_of_a_patient_who_opposed_reuse(
    cohort: dict[str, Patient], alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).get(f"/api/v1/patients/{cohort['opposed'].public_id}/fhir")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Ce patient s'oppose à la réutilisation de ses données (BNDMR)."
    }
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_rd_cdm_csv_of_each_centre(
    cohort: dict[str, Patient], centre_a: Centre, tmp_path: Path
) -> None:
    """Issue 15: one CSV per centre of the RD-CDM elements, for the ERN registries: the same
    patients as the FHIR export (the opposed one absent), no identity trait."""
    import csv
    import io

    call_command("export", "rd-cdm", "--out", str(tmp_path))
    (path,) = tmp_path.glob("*.csv")
    assert path.name == f"RD-CDM_{centre_a.finess}.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_pseudonym = {row["1.1 Pseudonym"]: row for row in rows}
    assert set(by_pseudonym) == {cohort["glanzmann"].pseudonym, cohort["carrier"].pseudonym}
    glanzmann = by_pseudonym[cohort["glanzmann"].pseudonym]
    assert glanzmann["5.1 Diagnosis of the Rare Disease"] == "ORPHA:849"
    assert glanzmann["6.1.10 Gene (HGNC)"] == "HGNC:6156"
    assert glanzmann["6.1.14 Clinical Significance (ACMG)"] == "Pathogenic"
    for trait in identity_traits():
        assert trait.casefold() not in text.casefold(), trait
    assert AuditEvent.objects.filter(action="export", object_type="rd-cdm").count() == 1
