"""transfusion_record: one door for recording a transfusion and its post-transfusion counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.models import PostTransfusionCount, Transfusion
from filiere.transfusion.selectors import transfusion_history
from filiere.transfusion.services import PostCountInput, transfusion_record
from filiere.transfusion.tests.factories import make_refractory, make_transfusion

pytestmark = pytest.mark.django_db


def test_alice_records_a_transfusion_with_its_counts_and_an_audit_event(
    alice: User, patient: Any
) -> None:
    transfusion = make_transfusion(patient, counts=(10, 45, 35), actor=alice)

    assert transfusion.recorded_by == alice
    assert list(transfusion.post_counts.values_list("minutes_after_end", flat=True)) == [60, 1200]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=transfusion.public_id)
    assert event.patient_id == patient.public_id
    assert event.actor == alice


def test_efficacy_comes_from_the_pure_package(patient: Any) -> None:
    """PI 35 at 1 h, 4 ×10¹¹, a woman of 70 kg and 175 cm (BSA 1.84 m², TBV 70 mL/kg = 4.9 L)."""
    make_transfusion(patient, counts=(10, 45, 35))
    row = transfusion_history(patient).rows[0]
    one_hour = row.assessment.one_hour.count
    assert one_hour is not None
    assert one_hour.increment_e9_per_l == 35
    assert one_hour.cci == pytest.approx(35 * 1.8447 / 4, rel=1e-3)
    assert one_hour.rtp_percent == pytest.approx(35 * 4.9 / 4, rel=1e-3)
    assert row.assessment.verdict == "effective"


def test_two_ineffective_transfusions_raise_the_immune_refractoriness_alert(patient: Any) -> None:
    make_refractory(patient)
    refractoriness = transfusion_history(patient).refractoriness
    assert refractoriness.alert
    assert refractoriness.pattern == "immune_suspected"
    assert refractoriness.tests


def test_a_count_in_per_microlitre_is_refused_naming_the_field(patient: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_transfusion(patient, counts=(8000, 45, 35))
    assert "pre_count" in error.value.message_dict
    assert "×10⁹/L" in error.value.message_dict["pre_count"][0]
    assert not Transfusion.objects.exists()


def test_a_height_in_metres_is_refused(patient: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_transfusion(patient, counts=(8, 45, 35), height_cm=Decimal("1.75"))
    assert "height_cm" in error.value.message_dict


def test_a_future_transfusion_is_refused(patient: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_transfusion(
            patient, counts=(8, 45, 35), ended_at=timezone.now() + dt.timedelta(hours=2)
        )
    assert error.value.message_dict["ended_at"] == ["La transfusion est datée dans le futur."]


def test_pooled_donations_only_for_a_pool(patient: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_transfusion(patient, counts=(8, 45, 35), pooled_donations=5)
    assert "pooled_donations" in error.value.message_dict


def test_two_counts_at_the_same_delay_are_refused_and_nothing_is_saved(patient: Any) -> None:
    with pytest.raises(ValidationError) as error:
        transfusion_record(
            actor=SYSTEM,
            patient=patient,
            ended_at=timezone.now() - dt.timedelta(days=1),
            product_type="CPA",
            weight_kg=Decimal(70),
            height_cm=Decimal(175),
            pre_count=Decimal(8),
            post_counts=[
                PostCountInput(minutes_after_end=60, count=Decimal(30)),
                PostCountInput(minutes_after_end=60, count=Decimal(31)),
            ],
        )
    assert "post_counts" in error.value.message_dict
    assert not Transfusion.objects.exists()
    assert not PostTransfusionCount.objects.exists()


def test_the_database_refuses_a_dose_out_of_range(patient: Any) -> None:
    from django.db import IntegrityError, transaction

    transfusion = make_transfusion(patient, counts=(10, 45, 35))
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfusion.objects.filter(pk=transfusion.pk).update(label_dose_e11=Decimal("50"))


def test_a_fever_at_the_time_is_recorded_and_keeps_the_cci_out_of_the_count(
    alice: User, patient: Any
) -> None:
    """Network rule (Stanworth 2015): a poor 1 h CCI during fever is not interpretable for
    refractoriness; two poor ones, the second febrile, raise no alert."""
    now = timezone.now()
    make_transfusion(patient, counts=(8, 12, 9), ended_at=now - dt.timedelta(days=6))
    febrile = make_transfusion(
        patient, counts=(7, 10, 8), ended_at=now - dt.timedelta(days=2), fever=True, actor=alice
    )

    assert Transfusion.objects.get(pk=febrile.pk).fever
    history = transfusion_history(patient)
    assert not history.refractoriness.alert
    step = history.rows[1].step
    assert step.role == "skipped"
    assert step.exclusions == ("non_immune_cause",)
    assert step.causes == ("fever",)
