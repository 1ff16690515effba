"""The GA4GH Phenopackets export: every phenopacket parsed by the reference library with the
values recorded, no identity trait, opposition respected, audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from google.protobuf.json_format import Parse
from phenopackets import Phenopacket

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.followup.services import atc_import_file
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.identity.models import Identity
from filiere.identity.services import INS_NIR_OID
from filiere.lib.identifiers import nir_key
from filiere.network.models import Centre
from filiere.nomenclature.models import NomenclatureRelease
from filiere.nomenclature.services import gene_import_records
from filiere.nomenclature.sources import GeneRecord
from filiere.patients.models import Consent, GeneticFinding, Patient
from filiere.patients.selectors import age_by_month_on
from filiere.patients.services import (
    consent_record,
    diagnosis_record,
    genetic_finding_record,
    phenotype_record,
)
from filiere.testing.factories import glanzmann_values, make_patient

# A woman born in May 1990 (make_patient's default birth date), as the INS states it.
NIR13 = "2900575056123"


@pytest.fixture
def cohort(centre_a: Centre, nomenclature: None) -> dict[str, Patient]:
    """Three patients of centre A: a Glanzmann thrombasthenia with its variant, phenotype and a
    treatment,
    a carrier of a variant of uncertain significance, and one who opposed reuse."""
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
    atc_import_file(actor=SYSTEM)
    rfviia_off_label(glanzmann, centre_a, diagnosis)
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
    # A later HGNC release gives ITGB3 its id: the export names that release's version.
    gene_import_records(
        actor=SYSTEM,
        genes=[GeneRecord("ITGB3", hgnc_id="HGNC:6156"), GeneRecord("ITGA2B")],
        version="2026-11-04",
        checksum="hgnc-2026-11-04",
    )
    return {"glanzmann": glanzmann, "carrier": carrier, "opposed": opposed}


def export(out: Path, *args: str) -> dict[str, Phenopacket]:
    call_command("export", "phenopackets", "--out", str(out), *args)
    packets = {}
    for path in sorted(out.glob("*.json")):
        # Strict: a field unknown to the GA4GH schema fails the parse.
        packet = Parse(path.read_text(encoding="utf-8"), Phenopacket(), ignore_unknown_fields=False)
        assert path.name == f"{packet.id}.json"
        packets[packet.id] = packet
    return packets


def test_every_phenopacket_parses_with_the_values_recorded(
    cohort: dict[str, Patient], tmp_path: Path
) -> None:
    packets = export(tmp_path)
    glanzmann = cohort["glanzmann"]
    glanzmann.refresh_from_db()
    packet = packets[glanzmann.pseudonym]
    assert packet.subject.id == glanzmann.pseudonym
    age = age_by_month_on(glanzmann, timezone.localtime(glanzmann.updated_at).date())
    assert packet.subject.time_at_last_encounter.age.iso8601duration == (
        f"P{age.years}Y{age.months % 12}M" if age.months % 12 else f"P{age.years}Y"
    )
    features = {(f.type.id, f.type.label, f.excluded) for f in packet.phenotypic_features}
    recorded = {(p.hpo_id, p.hpo_label, p.excluded) for p in glanzmann.phenotypes.all()}
    assert features == recorded
    assert {f.type.id for f in packet.phenotypic_features if f.excluded} == {"HP:0001873"}
    (disease,) = packet.diseases
    assert disease.term.id == "ORPHA:849"
    assert disease.onset.age.iso8601duration == "P8M"  # onset_months=8 in glanzmann_values
    (interpretation,) = packet.interpretations
    assert interpretation.diagnosis.disease.id == "ORPHA:849"
    (genomic,) = interpretation.diagnosis.genomic_interpretations
    descriptor = genomic.variant_interpretation.variation_descriptor
    finding = glanzmann.genetic_findings.get()
    assert descriptor.expressions[0].value == finding.hgvs
    assert (descriptor.gene_context.value_id, descriptor.gene_context.symbol) == (
        "HGNC:6156",
        "ITGB3",
    )
    assert descriptor.allelic_state.id == "GENO:0000136"  # homozygous
    assert genomic.variant_interpretation.acmg_pathogenicity_classification == 5  # PATHOGENIC
    (action,) = packet.medical_actions
    atc = glanzmann.treatments.get().atc
    assert atc is not None
    assert (action.treatment.agent.id, action.treatment.agent.label) == (
        f"ATC:{atc.code}",
        atc.label,
    )
    assert action.treatment_target.id == "ORPHA:849"

    carrier = packets[cohort["carrier"].pseudonym]
    assert not carrier.medical_actions
    assert carrier.subject.sex == 2  # MALE
    (genomic,) = carrier.interpretations[0].diagnosis.genomic_interpretations
    descriptor = genomic.variant_interpretation.variation_descriptor
    assert descriptor.expressions[0].value == "NM_000419.5:c.2T>C"
    assert descriptor.allelic_state.id == "GENO:0000135"  # heterozygous
    assert genomic.variant_interpretation.acmg_pathogenicity_classification == 3  # VUS

    resources = {r.namespace_prefix: r.version for r in packet.meta_data.resources}
    orpha = NomenclatureRelease.objects.filter(system="orpha").latest("imported_at")
    assert resources["ORPHA"] == orpha.version
    assert resources["HGNC"] == "2026-11-04"
    assert resources["HP"]
    assert "ATC" in resources
    assert packet.meta_data.phenopacket_schema_version == "2.0"


def test_no_identity_trait_appears_in_any_phenopacket(
    cohort: dict[str, Patient], tmp_path: Path
) -> None:
    export(tmp_path)
    text = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json"))
    assert text
    for identity in Identity.objects.all():
        traits = [identity.birth_name, identity.first_given_name, identity.birth_date.isoformat()]
        traits += identity.birth_first_names.split()
        traits += [identity.ins_matricule] if identity.ins_matricule else []
        for trait in traits:
            assert trait.casefold() not in text.casefold(), trait
    assert "dateOfBirth" not in text


def test_a_patient_who_opposed_reuse_is_absent_and_the_export_is_audited(
    cohort: dict[str, Patient], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packets = export(tmp_path)
    assert set(packets) == {cohort["glanzmann"].pseudonym, cohort["carrier"].pseudonym}
    assert "1 patient(s) opposé(s)" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="export", object_type="phenopackets").count() == 1
    exported = set(
        AuditEvent.objects.filter(action="export", patient_id__isnull=False).values_list(
            "patient_id", flat=True
        )
    )
    assert exported == {cohort["glanzmann"].public_id, cohort["carrier"].public_id}


def test_the_export_of_one_centre_leaves_the_others_patients_out(
    cohort: dict[str, Patient], centre_a: Centre, centre_b: Centre, tmp_path: Path
) -> None:
    assert export(tmp_path / "b", "--centre", centre_b.finess) == {}
    assert len(export(tmp_path / "a", "--centre", centre_a.finess)) == 2


def test_an_unknown_centre_is_refused_with_a_french_message(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("export", "phenopackets", "--out", str(tmp_path), "--centre", "999999999")
    assert str(error.value) == (
        "Centre inconnu : « 999999999 ». Indiquez le numéro FINESS ou l'identifiant d'un centre "
        "du réseau."
    )
    assert not AuditEvent.objects.filter(object_type="phenopackets").exists()
