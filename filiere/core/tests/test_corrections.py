"""Correcting and withdrawing clinical records: one mechanism, history kept, withdrawn hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM, Actor
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.corrections import (
    kinds,
    reason_required,
    record_correct,
    record_history,
    record_withdraw,
)
from filiere.core.models import RecordRevision
from filiere.followup import services as followup
from filiere.followup.care_card import build_care_card
from filiere.followup.models import Treatment
from filiere.network.models import Centre
from filiere.patients import services
from filiere.patients.models import Diagnosis, GeneticFinding, Patient
from filiere.patients.sdm_mr import documents
from filiere.testing.factories import glanzmann_values

pytestmark = pytest.mark.django_db


def _finding(patient: Patient, actor: Actor = SYSTEM) -> GeneticFinding:
    return services.genetic_finding_record(
        actor=actor,
        patient=patient,
        gene="ITGB3",
        hgvs="NM_000212.3:c.1697G>A",
        zygosity=GeneticFinding.Zygosity.HOMOZYGOUS,
        acmg_class=GeneticFinding.AcmgClass.PATHOGENIC,
        technique=GeneticFinding.Technique.PANEL,
    )


def _age(record: Any, days: int) -> None:
    type(record).objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )
    record.refresh_from_db()


def test_every_clinical_record_kind_is_registered() -> None:
    """Diagnosis, variant, phenotype, work-up, consent, visit, bleed, ISTH-BAT, treatment and
    adverse event all go through the one mechanism (issue: "one mechanism for all types")."""
    names = {kind.model.__name__ for kind in kinds()}
    assert names == {
        "Diagnosis",
        "GeneticFinding",
        "PhenotypeObservation",
        "PlateletWorkup",
        "Consent",
        "Visit",
        "BleedingEvent",
        "BleedingScore",
        "Treatment",
        "AdverseEvent",
    }


def test_a_correction_keeps_the_previous_version_with_who_and_why(
    alice: User, patient_a: Patient
) -> None:
    finding = _finding(patient_a, alice)
    _age(finding, 3)
    changes = record_correct(
        actor=alice,
        record=finding,
        reason="Compte rendu relu : variant hétérozygote",
        values={"zygosity": GeneticFinding.Zygosity.HETEROZYGOUS},
    )
    assert changes == {"zygosity": {"avant": "homozygous", "après": "heterozygous"}}
    finding.refresh_from_db()
    assert finding.zygosity == "heterozygous"
    versions = record_history(finding)
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].values["zygosity"] == "homozygous"
    assert versions[0].kind == "created"
    assert versions[1].current
    assert versions[1].values["zygosity"] == "heterozygous"
    assert versions[1].actor == alice
    assert versions[1].reason == "Compte rendu relu : variant hétérozygote"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id=str(finding.public_id), summary__contains="v"
    ).exists()


def test_a_reason_is_required_once_the_record_is_older_than_a_day(
    alice: User, patient_a: Patient
) -> None:
    finding = _finding(patient_a, alice)
    assert not reason_required(finding)
    _age(finding, 2)
    assert reason_required(finding)
    with pytest.raises(ValidationError) as error:
        record_correct(
            actor=alice, record=finding, values={"acmg_class": GeneticFinding.AcmgClass.UNCERTAIN}
        )
    assert "reason" in error.value.message_dict
    finding.refresh_from_db()
    assert finding.acmg_class == GeneticFinding.AcmgClass.PATHOGENIC
    assert not RecordRevision.objects.exists()


def test_a_reason_is_required_once_the_record_has_been_exported(
    alice: User, patient_a: Patient
) -> None:
    finding = _finding(patient_a, alice)
    audit_record(
        actor=alice,
        action=AuditEvent.Action.EXPORT,
        obj=patient_a,
        patient_id=patient_a.public_id,
        summary="Export : SDM-MR",
    )
    assert reason_required(finding)


def test_a_fresh_typo_is_corrected_without_reason(alice: User, patient_a: Patient) -> None:
    finding = _finding(patient_a, alice)
    record_correct(actor=alice, record=finding, values={"laboratory": "CHU de la Timone"})
    assert RecordRevision.objects.get().reason == ""


def test_a_correction_follows_the_rules_of_recording(alice: User, patient_a: Patient) -> None:
    finding = _finding(patient_a, alice)
    with pytest.raises(ValidationError) as error:
        record_correct(actor=alice, record=finding, values={"is_index_case": False})
    assert "kinship" in error.value.message_dict
    assert not RecordRevision.objects.exists()


def test_nothing_changed_adds_no_version(alice: User, patient_a: Patient) -> None:
    finding = _finding(patient_a, alice)
    assert record_correct(actor=alice, record=finding, values={"laboratory": ""}) == {}
    assert not RecordRevision.objects.exists()


def test_a_withdrawn_diagnosis_leaves_pages_exports_and_the_api_but_keeps_its_history(
    alice: User, patient_a: Patient, centre_a: Centre, client: Client
) -> None:
    diagnosis = services.diagnosis_record(
        actor=alice, patient=patient_a, centre=centre_a, **glanzmann_values()
    )
    with pytest.raises(ValidationError) as error:
        record_withdraw(actor=alice, record=diagnosis, reason="  ")
    assert "reason" in error.value.message_dict
    record_withdraw(actor=alice, record=diagnosis, reason="Saisie erronée : mauvais patient")
    diagnosis.refresh_from_db()
    assert diagnosis.is_withdrawn
    assert diagnosis.withdrawn_by == alice
    assert list(Diagnosis.objects.current()) == []
    assert Diagnosis.objects.count() == 1  # kept

    client.force_login(alice)
    page = client.get(f"/patients/{patient_a.public_id}/").content.decode()
    assert "ORPHA:849" not in page
    api = client.get(f"/api/v1/patients/{patient_a.public_id}").json()
    assert api["diagnoses"] == []
    [(_, document)] = list(documents(Patient.objects.filter(pk=patient_a.pk)))
    assert not getattr(document, "diagnoses", ())

    history = client.get(
        f"/patients/{patient_a.public_id}/enregistrements/diagnostic/{diagnosis.public_id}"
        "/historique/"
    ).content.decode()
    assert "Saisie erronée : mauvais patient" in history
    assert "retrait" in history
    revision = RecordRevision.objects.get()
    assert revision.kind == RecordRevision.Kind.WITHDRAWN
    assert revision.values_before["status"] == "confirmed"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ARCHIVE, patient_id=patient_a.public_id
    ).exists()


def test_a_withdrawn_record_can_no_longer_be_corrected(alice: User, patient_a: Patient) -> None:
    finding = _finding(patient_a, alice)
    record_withdraw(actor=alice, record=finding, reason="Doublon")
    with pytest.raises(ValidationError):
        record_correct(actor=alice, record=finding, values={"laboratory": "X"})
    with pytest.raises(ValidationError):
        record_withdraw(actor=alice, record=finding, reason="Doublon")


def test_a_withdrawn_treatment_leaves_the_care_card(
    alice: User, patient_a: Patient, centre_a: Centre
) -> None:
    followup.atc_import_file(actor=SYSTEM)
    treatment = followup.treatment_record(
        actor=alice,
        patient=patient_a,
        centre=centre_a,
        kind=Treatment.Kind.PRESCRIPTION,
        atc_code="B02AA02",
        indication=Treatment.Indication.PROPHYLAXIS,
        started_on=dt.date(2024, 1, 10),
        regulatory_status=Treatment.RegulatoryStatus.WITHIN_MA,
    )
    followup.treatment_mark_emergency(actor=alice, treatment=treatment, usual=True)
    today = dt.date(2024, 2, 1)
    assert treatment.atc is not None
    label = treatment.atc.label
    assert any(
        label in line
        for line in build_care_card(patient_a, identity=None, today=today).emergency_treatment
    )
    record_withdraw(actor=alice, record=treatment, reason="Saisi sur le mauvais dossier")
    card = build_care_card(patient_a, identity=None, today=today)
    assert not any(label in line for line in card.emergency_treatment)


def test_a_withdrawn_phenotype_can_be_recorded_again(alice: User, patient_a: Patient) -> None:
    observation = services.phenotype_record(actor=alice, patient=patient_a, hpo_id="HP:0001873")
    record_withdraw(actor=alice, record=observation, reason="Saisie erronée")
    again = services.phenotype_record(actor=alice, patient=patient_a, hpo_id="HP:0001873")
    assert again.pk != observation.pk


def test_the_correction_page_asks_a_reason_for_an_old_record_and_saves_nothing_without(
    alice: User, patient_a: Patient, client: Client
) -> None:
    finding = _finding(patient_a, alice)
    _age(finding, 5)
    client.force_login(alice)
    url = f"/patients/{patient_a.public_id}/enregistrements/variant/{finding.public_id}/corriger/"
    data = {
        "gene": "ITGB3",
        "hgvs": "NM_000212.3:c.1697G>A",
        "zygosity": "heterozygous",
        "acmg_class": "5",
        "technique": "panel",
        "is_index_case": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Motif" in response.content.decode()
    finding.refresh_from_db()
    assert finding.zygosity == "homozygous"
    response = client.post(url, data | {"correction-reason": "Relecture du compte rendu"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.zygosity == "heterozygous"


def test_an_outsider_cannot_correct_withdraw_or_read_the_history(
    alice: User, charlie: User, patient_a: Patient, client: Client
) -> None:
    finding = _finding(patient_a, alice)
    client.force_login(charlie)
    base = f"/patients/{patient_a.public_id}/enregistrements/variant/{finding.public_id}/"
    for action in ("corriger/", "retirer/", "historique/"):
        assert client.get(base + action).status_code == 404
    assert client.post(base + "retirer/", {"reason": "x"}).status_code == 404
    finding.refresh_from_db()
    assert not finding.is_withdrawn
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED).count() == 4


def test_the_auditor_reads_no_history_and_cannot_withdraw(
    alice: User, auditor: User, patient_a: Patient, client: Client
) -> None:
    finding = _finding(patient_a, alice)
    client.force_login(auditor)
    base = f"/patients/{patient_a.public_id}/enregistrements/variant/{finding.public_id}/"
    assert client.post(base + "retirer/", {"reason": "x"}).status_code == 404
    finding.refresh_from_db()
    assert not finding.is_withdrawn


@pytest.mark.parametrize(
    ("slug", "values"),
    [
        ("visite", {"weight_kg": "62"}),
        ("saignement", {"severity": "major"}),
        ("evenement-indesirable", {"outcome": "sequelae"}),
    ],
)
def test_follow_up_records_are_corrected_with_history(
    alice: User, patient_a: Patient, centre_a: Centre, slug: str, values: dict[str, Any]
) -> None:
    from decimal import Decimal

    from filiere.core.corrections import kind_for_slug
    from filiere.followup.models import AdverseEvent, BleedingEvent

    followup.atc_import_file(actor=SYSTEM)
    visit = followup.visit_record(
        actor=alice, patient=patient_a, centre=centre_a, visited_on=dt.date(2024, 1, 10)
    )
    bleed = followup.bleeding_event_record(
        actor=alice,
        patient=patient_a,
        centre=centre_a,
        occurred_on=dt.date(2024, 1, 5),
        site="epistaxis",
        severity=BleedingEvent.Severity.MINOR,
        comment="Après un rhume",
    )
    event = followup.adverse_event_record(
        actor=alice,
        patient=patient_a,
        centre=centre_a,
        occurred_on=dt.date(2024, 1, 6),
        category=AdverseEvent.Category.ALLERGIC,
        description="Urticaire",
        outcome=AdverseEvent.Outcome.RECOVERED,
    )
    record: Any = {"visite": visit, "saignement": bleed, "evenement-indesirable": event}[slug]
    kind = kind_for_slug(slug)
    assert kind is not None
    if "weight_kg" in values:
        values = {"weight_kg": Decimal(values["weight_kg"])}
    changes = record_correct(actor=alice, record=record, values=values)
    assert set(changes) == set(values)
    assert RecordRevision.objects.filter(record_id=record.public_id).count() == 1


def test_the_api_corrects_with_the_forms_rules_and_withdraws_with_a_reason(
    alice: User, charlie: User, patient_a: Patient, client: Client
) -> None:
    finding = _finding(patient_a, alice)
    base = f"/api/v1/patients/{patient_a.public_id}/enregistrements/variant/{finding.public_id}"
    client.force_login(charlie)
    refused = client.post(base + "/retrait", {"reason": "x"}, content_type="application/json")
    assert refused.status_code == 404
    client.force_login(alice)
    bad = client.post(
        base + "/correction",
        {"values": {"hgvs": "NM_000212.3:c.12AA>G"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "hgvs" in bad.content.decode()
    good = client.post(
        base + "/correction",
        {"values": {"zygosity": "heterozygous"}},
        content_type="application/json",
    )
    assert good.status_code == 200, good.content
    assert good.json()["changes"] == {"zygosity": {"avant": "homozygous", "après": "heterozygous"}}
    no_reason = client.post(base + "/retrait", {"reason": ""}, content_type="application/json")
    assert no_reason.status_code == 422
    done = client.post(
        base + "/retrait", {"reason": "Saisie erronée"}, content_type="application/json"
    )
    assert done.status_code == 200
    versions = client.get(base + "/historique").json()
    assert [v["kind"] for v in versions] == ["created", "corrected", "withdrawn"]
    assert versions[-1]["reason"] == "Saisie erronée"
    record = client.get(f"/api/v1/patients/{patient_a.public_id}").json()
    assert record["genetic_findings"] == []


def test_the_api_status_change_of_a_diagnosis_keeps_its_genes_and_a_version(
    alice: User, patient_a: Patient, centre_a: Centre, client: Client
) -> None:
    diagnosis = services.diagnosis_record(
        actor=alice, patient=patient_a, centre=centre_a, **glanzmann_values()
    )
    client.force_login(alice)
    response = client.patch(
        f"/api/v1/patients/{patient_a.public_id}/diagnostics/{diagnosis.public_id}",
        {"status": "ongoing"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert list(diagnosis.genes.values_list("symbol", flat=True)) == ["ITGB3"]
    assert RecordRevision.objects.filter(record_id=diagnosis.public_id).count() == 1
