"""The research extract's services: request, decision, production (k-anonymity, the extract's
own pseudonyms, month/year dates, no free text, oppositions left out) and the one download."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.nomenclature.models import DiseaseGroup, OrphaConcept
from filiere.research.models import ResearchRequest, Variable
from filiere.research.selectors import cohort_patients
from filiere.research.services import (
    build_extract,
    extract_pseudonym,
    research_extract_download,
    research_file_path,
    research_request_approve,
    research_request_refuse,
    research_request_submit,
)
from filiere.research.tests.conftest import Cohort

pytestmark = pytest.mark.django_db
Status = ResearchRequest.Status


def _submit(actor: User, **values: Any) -> ResearchRequest:
    defaults: dict[str, Any] = {
        "protocol_title": "Histoire naturelle de la thrombasthénie",
        "protocol_summary": "Étude rétrospective des formes sévères.",
        "ethics_reference": "CNIL MR-004 n° 2226543",
        "variables": [Variable.SEX, Variable.AGE_GROUP, Variable.CENTRE],
        "orpha_codes": [849],
    }
    return research_request_submit(actor=actor, **(defaults | values))


Produce = Callable[..., ResearchRequest]


@pytest.fixture
def produce(django_capture_on_commit_callbacks: Callable[..., Any]) -> Produce:
    """Approve, then let the worker (eager in the tests) produce the extract once it commits."""

    def approved(actor: User, approver: User, **values: Any) -> ResearchRequest:
        request = _submit(actor, **values)
        with django_capture_on_commit_callbacks(execute=True):
            research_request_approve(actor=approver, request=request)
        request.refresh_from_db()
        return request

    return approved


def _rows(request: ResearchRequest) -> list[dict[str, str]]:
    text = research_file_path(request).read_text(encoding="utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_small_classes_are_generalised_then_suppressed_and_counted(
    cohort: Cohort, researcher: User, network_coordinator: User, produce: Produce
) -> None:
    """Five women of centre A stay as they are; the three of B and two of C lose their centre
    and make a class of five; the man of 75-79, alone whatever is removed, is left out."""
    request = produce(researcher, network_coordinator)
    assert request.status == Status.PRODUCED
    assert (request.patients_count, request.suppressed_count) == (10, 1)
    classes: dict[tuple[str, str, str], int] = {}
    for row in _rows(request):
        key = (row["classe_age"], row["sexe"], row["centre"])
        classes[key] = classes.get(key, 0) + 1
    assert classes == {("35-39", "F", "Centre A"): 5, ("35-39", "F", "—"): 5}


def test_each_extract_has_its_own_pseudonyms(
    cohort: Cohort, researcher: User, network_coordinator: User, produce: Produce
) -> None:
    first = {
        row["pseudonyme_extraction"] for row in _rows(produce(researcher, network_coordinator))
    }
    second = {
        row["pseudonyme_extraction"] for row in _rows(produce(researcher, network_coordinator))
    }
    assert len(first) == len(second) == 10
    assert not first & second
    registry = {p.pseudonym for p in cohort.patients} | {str(p.public_id) for p in cohort.patients}
    assert not (first | second) & registry


def test_no_free_text_and_no_date_finer_than_the_month(
    cohort: Cohort, researcher: User, network_coordinator: User, produce: Produce
) -> None:
    request = produce(researcher, network_coordinator, variables=list(Variable.values))
    text = research_file_path(request).read_text(encoding="utf-8")
    rows = _rows(request)
    assert list(rows[0]) == [
        "pseudonyme_extraction",
        "sexe",
        "classe_age",
        "centre",
        "codes_orpha",
        "maladies",
        "statuts_diagnostic",
        "dates_diagnostic",
        "genes",
        "classe_acmg_max",
        "termes_hpo",
    ]
    assert {row["dates_diagnostic"] for row in rows} == {"04/1993"}
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}", text)
    assert "Lenoir" not in text
    assert "Lilas" not in text
    assert {row["codes_orpha"] for row in rows} == {"ORPHA:849"}


def test_the_patient_who_opposed_is_left_out(
    cohort: Cohort, researcher: User, network_coordinator: User
) -> None:
    request = _submit(researcher)
    research_request_approve(actor=network_coordinator, request=request)
    extract = build_extract(request, key=b"k" * 32)
    assert extract.opposed == 1
    assert cohort.opposed.public_id not in extract.patient_ids
    pseudonyms = {row[0] for row in extract.rows}
    assert extract_pseudonym(b"k" * 32, cohort.opposed) not in pseudonyms
    assert extract_pseudonym(b"k" * 32, cohort.patients[0]) in pseudonyms


def test_a_filter_under_five_patients_is_refused_and_nothing_written(
    cohort: Cohort, researcher: User
) -> None:
    """Only the man has a second code: a cohort of one."""
    from filiere.access.actors import SYSTEM
    from filiere.patients.services import diagnosis_record
    from filiere.testing.factories import glanzmann_values

    diagnosis_record(
        actor=SYSTEM,
        patient=cohort.lonely_man,
        centre=cohort.centre_a,
        **glanzmann_values(orpha_code=98878, genes=[]),
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        _submit(researcher, orpha_codes=[98878])
    assert refused.value.message_dict == {
        "orpha_codes": [
            "Codes ORPHA : ce filtre retient moins de 5 patients (hors oppositions) ; une "
            "extraction en exige au moins 5."
        ]
    }
    assert ResearchRequest.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_bad_input_is_refused_naming_the_field(cohort: Cohort, researcher: User) -> None:
    with pytest.raises(ValidationError) as refused:
        _submit(researcher, ethics_reference=" ", variables=[], orpha_codes=[999999999])
    assert set(refused.value.message_dict) == {"ethics_reference", "variables", "orpha_codes"}
    with pytest.raises(ValidationError) as refused:
        _submit(researcher, orpha_codes=[])
    assert set(refused.value.message_dict) == {"disease_group"}
    assert ResearchRequest.objects.count() == 0


def test_a_disease_group_selects_the_codes_below_its_roots(cohort: Cohort) -> None:
    group = DiseaseGroup.objects.create(slug="thrombopathies", name="Thrombopathies")
    group.orpha_roots.add(OrphaConcept.objects.get(code=849))
    assert cohort_patients(disease_group=group, orpha_codes=[]).count() == 12


def test_a_refusal_needs_its_reason_and_then_is_final(
    cohort: Cohort, researcher: User, network_coordinator: User
) -> None:
    request = _submit(researcher)
    with pytest.raises(ValidationError) as refused:
        research_request_refuse(actor=network_coordinator, request=request, note="")
    assert set(refused.value.message_dict) == {"note"}
    research_request_refuse(actor=network_coordinator, request=request, note="Hors filière.")
    request.refresh_from_db()
    assert request.status == Status.REFUSED
    assert request.decided_by == network_coordinator
    with pytest.raises(ValidationError):
        research_request_approve(actor=network_coordinator, request=request)
    assert not research_file_path(request).exists()


def test_downloaded_once_then_deleted(
    cohort: Cohort, researcher: User, network_coordinator: User, produce: Produce
) -> None:
    request = produce(researcher, network_coordinator)
    content = research_extract_download(actor=researcher, request=request)
    assert content.decode("utf-8").count("\r\n") == 11
    assert not research_file_path(request).exists()
    request.refresh_from_db()
    assert request.status == Status.DOWNLOADED
    assert request.downloaded_at is not None
    # A second download (another tab, at the same moment) finds the row already claimed.
    with pytest.raises(ValidationError, match="déjà été téléchargée"):
        research_extract_download(actor=researcher, request=request)


def test_every_step_is_audited(
    cohort: Cohort, researcher: User, network_coordinator: User, produce: Produce
) -> None:
    request = produce(researcher, network_coordinator)
    research_extract_download(actor=researcher, request=request)
    events = AuditEvent.objects.filter(object_id=str(request.public_id)).order_by("pk")
    assert [(e.action, e.actor) for e in events] == [
        (AuditEvent.Action.CREATE, researcher),
        (AuditEvent.Action.UPDATE, network_coordinator),
        (AuditEvent.Action.CREATE, network_coordinator),
        (AuditEvent.Action.EXPORT, researcher),
    ]
    production = events[2]
    assert production.changes["patients"] == 10
    assert production.changes["supprimés (k-anonymat)"] == 1
    assert production.changes["opposés"] == 1
    per_patient = AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, patient_id__isnull=False
    )
    assert per_patient.count() == 10
    assert cohort.opposed.public_id not in set(per_patient.values_list("patient_id", flat=True))
