"""Write GA4GH Phenopackets v2 that the reference library (``phenopackets``, the GA4GH protobuf
classes) parses strictly, with the values given and nothing else."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from google.protobuf.json_format import Parse, ParseError
from phenopackets import Phenopacket

from filiere.exports import phenopackets as pp

HP = pp.Resource(
    "hp",
    "human phenotype ontology",
    "http://purl.obolibrary.org/obo/hp.owl",
    "2025-05-06",
    "HP",
    "http://purl.obolibrary.org/obo/HP_",
)


def glanzmann_record(**values: object) -> pp.PatientRecord:
    defaults: dict[str, object] = {
        "pseudonym": "P-7K3QX9",
        "sex": pp.Sex.FEMALE,
        "age_at_last_encounter": pp.AgeInMonths(34 * 12 + 2),
        "vital_status": pp.VitalStatus.ALIVE,
        "phenotypes": (
            pp.PhenotypeEntry("HP:0000421", "Épistaxis", onset=pp.Onset.CHILDHOOD),
            pp.PhenotypeEntry("HP:0001873", "Thrombocytopenia", excluded=True),
        ),
        "diseases": (
            pp.DiseaseEntry(
                "d1",
                "ORPHA:849",
                "Thrombasthénie de Glanzmann",
                confirmed=True,
                onset=pp.AgeInMonths(8),
            ),
        ),
        "variants": (
            pp.VariantEntry(
                "v1",
                "ITGB3",
                "HGNC:6156",
                "NM_000212.3:c.1697G>A",
                "p.(Arg566His)",
                pp.Zygosity.HOMOZYGOUS,
                pp.AcmgClass.PATHOGENIC,
                diagnosis_id="d1",
            ),
        ),
        "resources": (HP,),
        "created_at": datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
    }
    return pp.PatientRecord(**(defaults | values))  # type: ignore[arg-type]


def parsed(record: pp.PatientRecord) -> Phenopacket:
    # Strict: a field the schema does not know is an error, not silently dropped.
    return Parse(pp.render_phenopacket(record), Phenopacket(), ignore_unknown_fields=False)


@pytest.mark.parametrize(
    ("months", "duration"), [(0, "P0M"), (8, "P8M"), (24, "P2Y"), (410, "P34Y2M")]
)
def test_an_age_in_months_is_an_iso_8601_duration(months: int, duration: str) -> None:
    assert pp.iso8601_age(pp.AgeInMonths(months)) == duration


def test_the_reference_library_reads_every_value_given() -> None:
    packet = parsed(glanzmann_record())
    assert packet.id == packet.subject.id == "P-7K3QX9"
    assert packet.subject.time_at_last_encounter.age.iso8601duration == "P34Y2M"
    assert packet.subject.sex == 1  # FEMALE
    features = {f.type.id: f for f in packet.phenotypic_features}
    assert features["HP:0000421"].type.label == "Épistaxis"
    assert not features["HP:0000421"].excluded
    assert features["HP:0000421"].onset.ontology_class.id == "HP:0011463"
    assert features["HP:0001873"].excluded
    (disease,) = packet.diseases
    assert (disease.term.id, disease.onset.age.iso8601duration) == ("ORPHA:849", "P8M")
    (interpretation,) = packet.interpretations
    assert interpretation.diagnosis.disease.id == "ORPHA:849"
    (genomic,) = interpretation.diagnosis.genomic_interpretations
    variant = genomic.variant_interpretation
    descriptor = variant.variation_descriptor
    assert descriptor.gene_context.value_id == "HGNC:6156"
    assert descriptor.gene_context.symbol == "ITGB3"
    assert [(e.syntax, e.value) for e in descriptor.expressions] == [
        ("hgvs.c", "NM_000212.3:c.1697G>A"),
        ("hgvs.p", "p.(Arg566His)"),
    ]
    assert descriptor.allelic_state.id == "GENO:0000136"
    assert variant.acmg_pathogenicity_classification == 5  # PATHOGENIC
    assert genomic.interpretation_status == 4  # CAUSATIVE
    assert packet.meta_data.phenopacket_schema_version == "2.0"
    assert packet.meta_data.created_by == "Filière"
    assert packet.meta_data.resources[0].version == "2025-05-06"
    assert packet.meta_data.created.ToDatetime(tzinfo=UTC) == datetime(
        2026, 12, 4, 9, 30, tzinfo=UTC
    )


def test_the_strict_parse_refuses_a_field_the_schema_does_not_know() -> None:
    """The check the export's tests rely on can fail."""
    document = json.loads(pp.render_phenopacket(glanzmann_record()))
    document["subject"]["dateOfBirth"] = "1990-05-17T00:00:00Z"
    Parse(json.dumps(document), Phenopacket())  # a real field: accepted
    document["subject"]["birthName"] = "Lefèvre"
    with pytest.raises(ParseError):
        Parse(json.dumps(document), Phenopacket())


def test_a_refuted_diagnosis_is_an_excluded_disease_and_explains_no_variant() -> None:
    packet = parsed(
        glanzmann_record(
            diseases=(
                pp.DiseaseEntry("d1", "ORPHA:849", "Thrombasthénie de Glanzmann", excluded=True),
            )
        )
    )
    assert packet.diseases[0].excluded
    (interpretation,) = packet.interpretations
    assert not interpretation.diagnosis.HasField("disease")
    assert interpretation.diagnosis.genomic_interpretations[0].interpretation_status == 2


@pytest.mark.parametrize(
    ("code", "geno"),
    [
        ("heterozygous", "GENO:0000135"),
        ("homozygous", "GENO:0000136"),
        ("compound_heterozygous", "GENO:0000402"),
        ("hemizygous", "GENO:0000134"),
        ("mosaic", "GENO:0000137"),
    ],
)
def test_zygosity_is_written_in_geno(code: str, geno: str) -> None:
    assert pp.Zygosity.from_code(code).value[0] == geno


@pytest.mark.parametrize(
    ("number", "name"),
    [
        (1, "BENIGN"),
        (3, "UNCERTAIN_SIGNIFICANCE"),
        (4, "LIKELY_PATHOGENIC"),
        (None, "NOT_PROVIDED"),
    ],
)
def test_the_acmg_class_number_is_the_pathogenicity_enum(number: int | None, name: str) -> None:
    assert pp.AcmgClass.from_class(number).value == name


def test_a_treatment_is_a_medical_action_with_its_agent_and_target() -> None:
    packet = parsed(
        glanzmann_record(
            treatments=(
                pp.TreatmentEntry(
                    "B02BD08", "eptacog alfa (activé)", ("ORPHA:849", "Thrombasthénie")
                ),
            )
        )
    )
    (action,) = packet.medical_actions
    assert (action.treatment.agent.id, action.treatment.agent.label) == (
        "ATC:B02BD08",
        "eptacog alfa (activé)",
    )
    assert action.treatment_target.id == "ORPHA:849"
