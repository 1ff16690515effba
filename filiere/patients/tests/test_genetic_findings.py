"""Genetic findings checked for real: HGVS syntax, the gene's transcript, the transcript's
coding length and the protein's length, the same for the form, the API and a correction.

Worked example: ITGB3 (Glanzmann thrombasthenia) has MANE Select transcript NM_000212.3
coding the 788-residue NP_000203.2, so its coding sequence is 3 × (788 + 1) = 2,367
nucleotides (stop codon included); NM_000419.5 is ITGA2B's MANE Select transcript.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.patients.models import GeneticFinding, Patient
from filiere.patients.services import genetic_finding_record, genetic_finding_update
from filiere.testing.factories import with_form_token

ClientFor = Callable[[User], Client]


def record(patient: Patient, **values: Any) -> GeneticFinding:
    defaults: dict[str, Any] = {
        "gene": "ITGB3",
        "hgvs": "NM_000212.3:c.1697G>A",
        "zygosity": "homozygous",
        "acmg_class": 5,
        "technique": "panel",
    }
    return genetic_finding_record(actor=SYSTEM, patient=patient, **(defaults | values))


def refusal(patient: Patient, **values: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        record(patient, **values)
    assert not GeneticFinding.objects.exists()
    return error.value.message_dict


def test_a_malformed_substitution_is_refused(patient_a: Patient) -> None:
    errors = refusal(patient_a, hgvs="NM_000212.3:c.12AA>G")
    assert errors["hgvs"][0].startswith("Variant (HGVS) : Substitution « AA>G » invalide")


def test_the_syntax_error_names_the_field_and_where_reading_stopped(patient_a: Patient) -> None:
    errors = refusal(patient_a, hgvs="NM_000212.3:c.16x97G>A")
    assert "Variant (HGVS)" in errors["hgvs"][0]
    assert "position 21" in errors["hgvs"][0]


def test_another_genes_transcript_is_refused_naming_both_genes(patient_a: Patient) -> None:
    errors = refusal(patient_a, gene="ITGB3", hgvs="NM_000419.5:c.1697G>A")
    assert errors["hgvs"] == [
        "Variant (HGVS) : le transcrit NM_000419.5 est celui du gène ITGA2B, pas de ITGB3 "
        "(transcrit MANE de ITGB3 : NM_000212.3)."
    ]


def test_another_version_of_another_genes_transcript_is_refused_too(patient_a: Patient) -> None:
    assert "ITGA2B" in refusal(patient_a, hgvs="NM_000419.4:c.10G>A")["hgvs"][0]


def test_a_position_beyond_the_coding_sequence_is_refused(patient_a: Patient) -> None:
    errors = refusal(patient_a, hgvs="NM_000212.3:c.999999G>A")
    assert "c.999999 au-delà de la séquence codante de NM_000212.3" in errors["hgvs"][0]
    assert "2\u202f367 nucléotides" in errors["hgvs"][0]


def test_an_intronic_position_is_checked_by_its_anchor_and_utr_positions_are_not(
    patient_a: Patient,
) -> None:
    assert "c.2400" in refusal(patient_a, hgvs="NM_000212.3:c.2400+5G>A")["hgvs"][0]
    record(patient_a, hgvs="NM_000212.3:c.2367G>A")  # last base of the stop codon
    record(patient_a, hgvs="NM_000212.3:c.1000+5G>A")
    record(patient_a, hgvs="NM_000212.3:c.*12del")
    record(patient_a, hgvs="NM_000212.3:c.-30_-28del")
    assert GeneticFinding.objects.count() == 4


def test_a_protein_change_that_is_not_hgvs_is_refused(patient_a: Patient) -> None:
    errors = refusal(patient_a, protein_hgvs="banana")
    assert errors["protein_hgvs"][0].startswith("Conséquence protéique : Syntaxe HGVS invalide")


def test_a_residue_beyond_the_protein_is_refused(patient_a: Patient) -> None:
    errors = refusal(patient_a, protein_hgvs="p.(Arg900Trp)")
    assert errors["protein_hgvs"] == [
        "Conséquence protéique : Position p.900 au-delà de la protéine NP_000203.2 "
        "(788 acides aminés)."
    ]


def test_another_genes_protein_is_refused(patient_a: Patient) -> None:
    errors = refusal(patient_a, protein_hgvs="NP_000410.2:p.(Arg123Trp)")
    assert "celle du gène ITGA2B, pas de ITGB3" in errors["protein_hgvs"][0]


@pytest.mark.parametrize(
    "protein",
    ["p.(Arg566Gln)", "p.Arg566Gln", "p.?", "p.(=)", "p.Gly12fs", "NP_000203.2:p.(Arg566Gln)", ""],
)
def test_the_usual_ways_of_writing_a_protein_change_are_accepted(
    patient_a: Patient, protein: str
) -> None:
    assert record(patient_a, protein_hgvs=protein).protein_hgvs == protein


def test_a_gene_outside_the_table_accepts_a_versioned_refseq_transcript(
    patient_a: Patient,
) -> None:
    # NBEAL2 (grey platelet syndrome) is not in the shipped table: its transcript is taken on
    # the laboratory's word, lengths unchecked.
    assert "versionné" in refusal(patient_a, gene="NBEAL2", hgvs="NM_015175:c.5000C>T")["hgvs"][0]
    finding = record(patient_a, gene="NBEAL2", hgvs="NM_015175.3:c.5000C>T")
    assert finding.gene.symbol == "NBEAL2"


def test_a_correction_follows_the_same_rules_and_is_audited(patient_a: Patient) -> None:
    finding = record(patient_a)
    with pytest.raises(ValidationError) as error:
        genetic_finding_update(actor=SYSTEM, finding=finding, hgvs="NM_000419.5:c.1697G>A")
    assert "ITGA2B" in error.value.message_dict["hgvs"][0]
    finding.refresh_from_db()
    assert finding.hgvs == "NM_000212.3:c.1697G>A"
    changes = genetic_finding_update(
        actor=SYSTEM, finding=finding, hgvs="NM_000212.3:c.1696C>T", protein_hgvs="p.(Arg566Trp)"
    )
    assert set(changes) == {"hgvs", "protein_hgvs"}
    finding.refresh_from_db()
    assert finding.hgvs == "NM_000212.3:c.1696C>T"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).get()
    assert set(event.changes) == {"hgvs", "protein_hgvs"}
    assert event.patient_id == patient_a.public_id
    assert (
        genetic_finding_update(actor=SYSTEM, finding=finding, hgvs=" NM_000212.3:c.1696C>T") == {}
    )


def test_the_api_applies_the_same_rules(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        f"/api/v1/patients/{patient_a.public_id}/genetique",
        json.dumps(
            {
                "gene": "ITGB3",
                "hgvs": "NM_000419.5:c.1697G>A",
                "zygosity": "homozygous",
                "acmg_class": 5,
                "technique": "panel",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["erreurs"]
    assert errors[0]["champ"] == "hgvs"
    assert "ITGA2B" in errors[0]["message"]
    assert not GeneticFinding.objects.exists()


def test_the_form_shows_the_refusal_on_the_field(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        reverse("patients:finding_add", args=[patient_a.public_id]),
        with_form_token(
            {
                "gene": "ITGB3",
                "hgvs": "NM_000212.3:c.12AA>G",
                "protein_hgvs": "banana",
                "zygosity": "homozygous",
                "acmg_class": "5",
                "technique": "panel",
                "is_index_case": "on",
            }
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Substitution" in form.errors["hgvs"][0]
    assert "Conséquence protéique" in form.errors["protein_hgvs"][0]
    assert not GeneticFinding.objects.exists()
