"""ISTH-BAT assessments stored with their 14 domain scores, total, cut-off flag, interviewer and
version (scored by ``filiere.clinical.isth_bat``); bleeding events with their impossible inputs
refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.clinical.isth_bat import Domain
from filiere.followup.models import BleedingEvent, BleedingScore
from filiere.followup.services import bleeding_event_record
from filiere.followup.tests.helpers import GLANZMANN_SCORES, record_score
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient


def test_an_assessment_stores_its_domains_total_and_interpretation(
    patient_a: Patient, centre_a: Centre, alice: User
) -> None:
    score = record_score(patient_a, centre_a, interviewer=alice)
    assert [score.epistaxis, score.cutaneous, score.oral_cavity, score.menorrhagia] == [3, 2, 3, 3]
    assert score.cns == score.surgery == 0
    assert score.total == 11
    # Élodie is 33 in March 2024: an adult woman, abnormal from 6 (Elbatarny 2014).
    assert (score.age_years, score.population, score.cutoff, score.abnormal) == (
        33,
        "adult_woman",
        6,
        True,
    )
    assert (score.version, score.interviewer) == ("ISTH-BAT", alice)
    event = AuditEvent.objects.get(object_id=str(score.public_id))
    assert event.patient_id == patient_a.public_id
    assert "11/56" in event.summary


def test_a_child_is_abnormal_from_three(centre_a: Centre, nomenclature: None) -> None:
    child = make_patient(centre_a, birth_date=dt.date(2015, 9, 1), sex="M")
    score = record_score(child, centre_a, domain_scores={"epistaxis": 2, "cutaneous": 1})
    assert (score.population, score.cutoff, score.abnormal) == ("child", 3, True)


@pytest.mark.parametrize(
    ("scores", "field", "message"),
    [
        ({"cns": 2}, "cns", "valeurs permises : 0, 3, 4"),
        ({"epistaxis": 5}, "epistaxis", "impossible"),
        ({"nosebleeds": 1}, "domain_scores", "Rubrique ISTH-BAT inconnue"),
    ],
)
def test_an_answer_outside_its_allowed_values_is_refused(
    patient_a: Patient, centre_a: Centre, scores: dict[str, int], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        record_score(patient_a, centre_a, domain_scores=scores)
    assert message in " ".join(caught.value.message_dict[field])
    assert not BleedingScore.objects.exists()


def test_menorrhagia_cannot_score_in_a_man(centre_a: Centre, nomenclature: None) -> None:
    man = make_patient(centre_a, sex="M")
    with pytest.raises(ValidationError) as caught:
        record_score(man, centre_a, domain_scores={"menorrhagia": 2})
    assert "non applicable chez un homme" in caught.value.message_dict["menorrhagia"][0]


def test_answers_that_do_not_give_the_score_are_refused(
    patient_a: Patient, centre_a: Centre
) -> None:
    answers = {"epistaxis": {"present": True, "answers": {"frequent_or_long": True}}}
    with pytest.raises(ValidationError) as caught:
        record_score(patient_a, centre_a, answers=answers)
    assert "ne correspond pas aux réponses" in caught.value.message_dict["epistaxis"][0]


def test_an_assessment_in_the_future_is_refused(patient_a: Patient, centre_a: Centre) -> None:
    with pytest.raises(ValidationError) as caught:
        record_score(patient_a, centre_a, assessed_on=timezone.localdate() + dt.timedelta(1))
    assert "dans le futur" in caught.value.message_dict["assessed_on"][0]


def test_the_database_refuses_a_total_that_is_not_the_sum(
    patient_a: Patient, centre_a: Centre
) -> None:
    score = record_score(patient_a, centre_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        BleedingScore.objects.filter(pk=score.pk).update(total=12)


def test_the_self_bat_has_no_interviewer(patient_a: Patient, centre_a: Centre, alice: User) -> None:
    score = record_score(patient_a, centre_a, version="Self-BAT", interviewer=alice)
    assert (score.version, score.interviewer) == ("Self-BAT", None)
    assert score.domain_scores()[Domain.EPISTAXIS] == GLANZMANN_SCORES["epistaxis"]


def _bleed(patient: Patient, centre: Centre, **values: Any) -> BleedingEvent:
    defaults: dict[str, Any] = {
        "occurred_on": dt.date(2024, 2, 3),
        "site": "epistaxis",
        "severity": "major",
    }
    return bleeding_event_record(
        actor=SYSTEM, patient=patient, centre=centre, **(defaults | values)
    )


def test_a_bleeding_event_is_recorded_and_audited(patient_a: Patient, centre_a: Centre) -> None:
    event = _bleed(patient_a, centre_a, hospitalised=True, hospital_days=2)
    assert event.get_site_display() == "Épistaxis"
    assert AuditEvent.objects.filter(
        object_id=str(event.public_id), patient_id=patient_a.public_id
    ).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"occurred_on": "future"}, "occurred_on"),
        ({"site": "knee"}, "site"),
        ({"severity": "catastrophic"}, "severity"),
        ({"hospital_days": 3}, "hospital_days"),
    ],
)
def test_impossible_bleeding_events_are_refused(
    patient_a: Patient, centre_a: Centre, values: dict[str, Any], field: str
) -> None:
    if values.get("occurred_on") == "future":
        values["occurred_on"] = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        _bleed(patient_a, centre_a, **values)
    assert field in caught.value.message_dict
    assert not BleedingEvent.objects.exists()


def test_menorrhagia_is_refused_for_a_man(centre_a: Centre, nomenclature: None) -> None:
    man = make_patient(centre_a, sex="M")
    with pytest.raises(ValidationError) as caught:
        _bleed(man, centre_a, site="menorrhagia")
    assert "masculin" in caught.value.message_dict["site"][0]


def test_stored_versions_and_populations_are_those_of_the_scoring_module() -> None:
    from filiere.clinical.isth_bat import BatVersion, Population
    from filiere.followup.models import ReferencePopulation, Version

    assert set(Version.values) == {version.value for version in BatVersion}
    assert set(ReferencePopulation.values) == {population.value for population in Population}
