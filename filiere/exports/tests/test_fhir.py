"""Write FHIR R4B bundles that the ``fhir.resources`` R4B models validate, with the values
given, deterministic ids and nothing of the identity."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from filiere.exports.fhir import (
    AgeInMonths,
    ConditionEntry,
    ConsentEntry,
    ConsentScope,
    FhirRecord,
    Gender,
    Lab,
    LabEntry,
    MedicationEntry,
    OnsetTerm,
    PhenotypeEntry,
    Significance,
    VariantEntry,
    Verification,
    Zygosity,
    fhir_bundle,
    render_fhir_bundle,
    resource_id,
)

CHILDHOOD = OnsetTerm("HP:0011463", "Childhood onset")


def glanzmann_record(**values: Any) -> FhirRecord:
    defaults: dict[str, Any] = {
        "key": "5b1e8a34-1111-4c39-9a3f-0c8e4f1d2a10",
        "pseudonym": "P-7K3QX9",
        "pseudonym_system": "urn:filiere:pseudonyme",
        "gender": Gender.FEMALE,
        "birth_year": 1990,
        "deceased": False,
        "conditions": (
            ConditionEntry(
                "d1",
                "ORPHA",
                "849",
                "Thrombasthénie de Glanzmann",
                Verification.CONFIRMED,
                AgeInMonths(8),
            ),
            ConditionEntry("d2", "ICD10", "D69.1", "Thrombopathie", Verification.REFUTED),
        ),
        "phenotypes": (
            PhenotypeEntry("p1", "HP:0000421", "Épistaxis", onset=CHILDHOOD),
            PhenotypeEntry("p2", "HP:0001873", "Thrombocytopenia", excluded=True),
        ),
        "variants": (
            VariantEntry(
                "v1",
                "ITGB3",
                "HGNC:6156",
                "NM_000212.3:c.1697G>A",
                protein_hgvs="NP_000203.2:p.(Arg566Gln)",
                zygosity=Zygosity.HOMOZYGOUS,
                significance=Significance.PATHOGENIC,
                condition_id="d1",
            ),
            VariantEntry("v2", "ITGA2B", "", "NC_000017.11:g.44377512C>T"),
        ),
        "medications": (
            MedicationEntry("t1", "B02BD08", "eptacog alfa (activé)", ("ORPHA:849", "Glanzmann")),
            MedicationEntry("", "B03AA07", "sulfate ferreux"),
        ),
        "labs": (
            LabEntry("w1", Lab.PLATELET_COUNT, 245.0),
            LabEntry("w1", Lab.MEAN_PLATELET_VOLUME, 9.5),
        ),
        "consents": (
            ConsentEntry(
                "c1",
                "Opposition BNDMR",
                ConsentScope.PRIVACY,
                False,
                True,
                False,
                "2024-01-02",
                True,
            ),
            ConsentEntry(
                "c2",
                "Contact recherche",
                ConsentScope.RESEARCH,
                True,
                False,
                True,
                "2023-05-01",
                False,
            ),
        ),
    }
    defaults.update(values)
    return FhirRecord(**defaults)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def components(observation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]
        for c in observation["component"]
        if "coding" in c["valueCodeableConcept"]
    }


def test_the_bundle_validates_with_the_r4b_models() -> None:
    bundle = fhir_bundle(glanzmann_record())
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert [e.resource.get_resource_type() for e in parsed.entry or [] if e.resource] == [
        "Patient",
        "Condition",
        "Condition",
        "Observation",
        "Observation",
        "Observation",
        "Observation",
        "Observation",
        "Observation",
        "MedicationStatement",
        "MedicationStatement",
        "Consent",
        "Consent",
    ]
    # The JSON text parses to the same bundle.
    assert json.loads(render_fhir_bundle(glanzmann_record())) == bundle


def test_an_unknown_field_fails_the_validation() -> None:
    bundle = fhir_bundle(glanzmann_record())
    bundle["entry"][0]["resource"]["name"] = [{"family": "Lefèvre"}]
    Bundle.model_validate(bundle)  # a name is a valid Patient field...
    bundle["entry"][0]["resource"]["nom"] = "Lefèvre"
    with pytest.raises(ValidationError):  # ...an unknown one is not
        Bundle.model_validate(bundle)


def test_the_patient_is_the_pseudonym_with_the_birth_year_only() -> None:
    (patient,) = resources(fhir_bundle(glanzmann_record()), "Patient")
    assert patient["identifier"] == [{"system": "urn:filiere:pseudonyme", "value": "P-7K3QX9"}]
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1990"
    assert patient["deceasedBoolean"] is False
    assert set(patient) == {
        "resourceType",
        "id",
        "identifier",
        "gender",
        "birthDate",
        "deceasedBoolean",
    }
    bare = fhir_bundle(glanzmann_record(birth_year=None, deceased=None, gender=Gender.UNKNOWN))
    (patient,) = resources(bare, "Patient")
    assert "birthDate" not in patient
    assert "deceasedBoolean" not in patient
    assert patient["gender"] == "unknown"


def test_conditions_carry_their_codes_statuses_and_onset() -> None:
    bundle = fhir_bundle(glanzmann_record())
    glanzmann, refuted = resources(bundle, "Condition")
    assert glanzmann["code"]["coding"] == [
        {"system": "http://www.orpha.net", "code": "849", "display": "Thrombasthénie de Glanzmann"}
    ]
    assert glanzmann["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert glanzmann["clinicalStatus"]["coding"][0]["code"] == "active"
    assert glanzmann["onsetAge"] == {
        "value": 8,
        "unit": "mo",
        "system": "http://unitsofmeasure.org",
        "code": "mo",
    }
    assert refuted["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10"
    assert refuted["verificationStatus"]["coding"][0]["code"] == "refuted"
    assert "clinicalStatus" not in refuted


@pytest.mark.parametrize(
    ("status", "verification", "clinical"),
    [
        ("confirmed", "confirmed", "active"),
        ("ongoing", "provisional", "active"),
        ("equivocal", "unconfirmed", "active"),
        ("healthy_carrier", "confirmed", "inactive"),
        ("refuted", "refuted", None),
    ],
)
def test_each_registry_status_has_its_fhir_statuses(
    status: str, verification: str, clinical: str | None
) -> None:
    entry = ConditionEntry("d", "ORPHA", "849", "G", Verification.from_status(status))
    bundle = fhir_bundle(glanzmann_record(conditions=(entry,)))
    Bundle.model_validate(bundle)
    (condition,) = resources(bundle, "Condition")
    assert condition["verificationStatus"]["coding"][0]["code"] == verification
    assert condition.get("clinicalStatus", {}).get("coding", [{}])[0].get("code") == clinical


def test_an_onset_in_years_or_as_a_term() -> None:
    years = ConditionEntry("d", "ORPHA", "849", "G", Verification.CONFIRMED, AgeInMonths(24))
    term = ConditionEntry(
        "e", "ORPHA", "849", "G", Verification.CONFIRMED, OnsetTerm("HP:0030674", "Antenatal onset")
    )
    bundle = fhir_bundle(glanzmann_record(conditions=(years, term)))
    Bundle.model_validate(bundle)
    first, second = resources(bundle, "Condition")
    assert (first["onsetAge"]["value"], first["onsetAge"]["code"]) == (2, "a")
    assert second["onsetString"] == "Antenatal onset (HP:0030674)"


def test_phenotypes_present_and_excluded() -> None:
    observations = resources(fhir_bundle(glanzmann_record()), "Observation")
    present, excluded = (o for o in observations if "valueBoolean" in o)
    assert present["code"]["coding"][0] == {
        "system": "http://human-phenotype-ontology.org",
        "code": "HP:0000421",
        "display": "Épistaxis",
    }
    assert present["valueBoolean"] is True
    assert present["interpretation"][0]["coding"][0]["code"] == "POS"
    assert present["category"][1]["coding"][0]["code"] == "HP:0011463"
    assert excluded["valueBoolean"] is False
    assert excluded["interpretation"][0]["coding"][0]["code"] == "NEG"


def test_variants_follow_the_genomics_reporting_variant_model() -> None:
    bundle = fhir_bundle(glanzmann_record())
    variants = [o for o in resources(bundle, "Observation") if "meta" in o]
    itgb3, itga2b = variants
    assert itgb3["meta"]["profile"] == [
        "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant"
    ]
    assert itgb3["code"]["coding"][0]["code"] == "69548-6"
    found = components(itgb3)
    assert found["48018-6"] == {
        "system": "http://www.genenames.org/geneId",
        "code": "HGNC:6156",
        "display": "ITGB3",
    }
    assert found["48004-6"]["code"] == "NM_000212.3:c.1697G>A"
    assert found["48005-3"]["code"] == "NP_000203.2:p.(Arg566Gln)"
    assert found["53034-5"]["code"] == "LA6705-3"  # homozygous
    assert found["53037-8"]["code"] == "LA6668-3"  # pathogenic
    (glanzmann, _refuted) = resources(bundle, "Condition")
    assert itgb3["focus"] == [{"reference": f"urn:uuid:{glanzmann['id']}"}]
    # No HGNC id: the symbol as text; a genomic HGVS: gHGVS; no zygosity or class: left out.
    gene = next(c for c in itga2b["component"] if c["code"]["coding"][0]["code"] == "48018-6")
    assert gene["valueCodeableConcept"] == {"text": "ITGA2B"}
    assert set(components(itga2b)) == {"81290-9"}
    assert "focus" not in itga2b


@pytest.mark.parametrize(
    ("number", "code"),
    [(1, "LA6675-8"), (2, "LA26334-5"), (3, "LA26333-7"), (4, "LA26332-9"), (5, "LA6668-3")],
)
def test_acmg_classes_map_to_the_loinc_answers(number: int, code: str) -> None:
    significance = Significance.from_class(number)
    assert significance is not None
    assert significance.value[0] == code
    assert Significance.from_class(None) is None
    assert Significance.from_class(6) is None


def test_zygosities_map_to_the_loinc_answers() -> None:
    assert Zygosity.from_code("heterozygous") is Zygosity.HETEROZYGOUS
    assert Zygosity.from_code("compound_heterozygous") is Zygosity.COMPOUND_HETEROZYGOUS
    assert Zygosity.from_code("mosaic") is None


def test_platelet_results_in_ucum() -> None:
    observations = resources(fhir_bundle(glanzmann_record()), "Observation")
    count, volume = (o for o in observations if "valueQuantity" in o)
    assert count["code"]["coding"][0]["code"] == "777-3"
    assert count["valueQuantity"] == {
        "value": 245.0,
        "unit": "10*9/L",
        "system": "http://unitsofmeasure.org",
        "code": "10*9/L",
    }
    assert volume["code"]["coding"][0]["code"] == "32623-1"
    assert (volume["valueQuantity"]["value"], volume["valueQuantity"]["code"]) == (9.5, "fL")
    assert count["id"] != volume["id"]
    assert "effectiveDateTime" not in count


def test_treatments_and_consents() -> None:
    bundle = fhir_bundle(glanzmann_record())
    (glanzmann, _refuted) = resources(bundle, "Condition")
    rfviia, iron = resources(bundle, "MedicationStatement")
    assert rfviia["medicationCodeableConcept"]["coding"][0] == {
        "system": "http://www.whocc.no/atc",
        "code": "B02BD08",
        "display": "eptacog alfa (activé)",
    }
    assert rfviia["reasonReference"] == [{"reference": f"urn:uuid:{glanzmann['id']}"}]
    assert "reasonReference" not in iron
    assert "reasonCode" not in iron
    opposition, contact = resources(bundle, "Consent")
    # The BNDMR opposition answered « no »: reuse permitted.
    assert opposition["provision"] == {"type": "permit"}
    assert opposition["policyRule"]["coding"][0]["code"] == "OPTOUT"
    assert opposition["scope"]["coding"][0]["code"] == "patient-privacy"
    assert (opposition["status"], opposition["dateTime"]) == ("active", "2024-01-02")
    assert contact["provision"] == {"type": "permit"}
    assert contact["status"] == "inactive"
    assert contact["scope"]["coding"][0]["code"] == "research"
    assert contact["category"][1]["coding"][0]["code"] == "research"


def test_ids_are_deterministic_and_references_resolve() -> None:
    first, second = fhir_bundle(glanzmann_record()), fhir_bundle(glanzmann_record())
    assert first == second
    assert first["id"] == resource_id("Bundle", glanzmann_record().key)
    full_urls = {e["fullUrl"] for e in first["entry"]}
    assert len(full_urls) == len(first["entry"])
    references = {
        ref["reference"]
        for e in first["entry"]
        for key in ("subject", "patient")
        if (ref := e["resource"].get(key))
    }
    references |= {
        r["reference"]
        for e in first["entry"]
        for key in ("focus", "reasonReference")
        for r in e["resource"].get(key, [])
    }
    assert references <= full_urls
    other = fhir_bundle(glanzmann_record(key="another"))
    assert other["id"] != first["id"]
