"""Issue 11, defect 9: the inputs of a transfusion as a clinician would check them, and the
patient's transfusion profile (ABO/RhD, weight and height) that the forms start from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.transfusion.models import Transfusion, TransfusionProfile
from filiere.transfusion.selectors import prefill_for, transfusion_history
from filiere.transfusion.services import (
    needs_values_confirmation,
    transfusion_profile_update,
)
from filiere.transfusion.tests.factories import make_transfusion

pytestmark = pytest.mark.django_db


def test_a_dose_of_0_01_is_refused_unless_confirmed(alice: User, patient: Any) -> None:
    """0.01 ×10¹¹ gave an RTP of 10,500 % "efficace". A CPS holds at least 0.5 ×10¹¹ and a CPA
    2.9–4.4 ×10¹¹ (shared/reference/transfusion.md §1.1, §1.3): outside 0.5–10 the dose is
    recorded only with an explicit confirmation, as unusual drug doses are (filiere.followup)."""
    with pytest.raises(ValidationError) as refused:
        make_transfusion(patient, counts=(8, 40, 30), label_dose_e11=Decimal("0.01"), actor=alice)
    assert needs_values_confirmation(refused.value)
    assert "0,01" in refused.value.message_dict["label_dose_e11"][0]
    assert not Transfusion.objects.exists()

    confirmed = make_transfusion(
        patient,
        counts=(8, 40, 30),
        label_dose_e11=Decimal("0.01"),
        actor=alice,
        values_confirmed=True,
    )
    assert confirmed.values_confirmed
    assert confirmed.values_confirmed_by == alice
    assert confirmed.values_confirmed_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=confirmed.public_id)
    assert "valeurs inhabituelles confirmées" in event.summary


def test_a_usual_transfusion_carries_no_confirmation(patient: Any) -> None:
    transfusion = make_transfusion(patient, counts=(8, 40, 30), values_confirmed=True)
    assert not transfusion.values_confirmed
    assert transfusion.values_confirmed_at is None


def test_7_kg_with_175_cm_is_refused_unless_confirmed(patient: Any) -> None:
    """BMI = weight / height²: 7 kg for 175 cm is 2.3 kg/m², outside 10–70 (the WHO's severe
    thinness < 16 and obesity class III ≥ 40 with a margin): not one person's measures."""
    with pytest.raises(ValidationError) as refused:
        make_transfusion(patient, counts=(8, 40, 30), weight_kg=Decimal("7"))
    assert needs_values_confirmation(refused.value)
    assert "2,3 kg/m²" in refused.value.message_dict["weight_kg"][0]
    make_transfusion(patient, counts=(8, 40, 30), weight_kg=Decimal("7"), values_confirmed=True)


@pytest.mark.parametrize("product_type", ["MCP", "CPS"])
def test_a_pool_or_a_standard_unit_without_label_dose_is_refused(
    patient: Any, product_type: str
) -> None:
    """The minimum content of a CPS (0.5 ×10¹¹ per donation, transfusion.md §1.3) was assumed
    for pools, although assuming a minimum overestimates the CCI (AABB 2024, §1.1), which is why
    it is not done for apheresis units: the label dose is asked for."""
    with pytest.raises(ValidationError) as refused:
        make_transfusion(
            patient, counts=(8, 40, 30), product_type=product_type, label_dose_e11=None
        )
    assert "étiquette" in refused.value.message_dict["label_dose_e11"][0]
    assert not needs_values_confirmation(refused.value)


def test_a_falling_count_is_recorded_and_never_effective(patient: Any) -> None:
    """PI = P_post − P_pré < 0 when the count fell (transfusion.md §1.1, §1.4 "negative PI"):
    the count is flagged, the transfusion ineffective."""
    make_transfusion(patient, counts=(20, 15, 12))
    (row,) = transfusion_history(patient).rows
    assert row.assessment.one_hour.falling
    assert row.assessment.verdict.value == "ineffective"


def test_the_last_transfusion_sets_the_profile_an_older_one_does_not(
    alice: User, patient: Any
) -> None:
    now = timezone.now()
    make_transfusion(
        patient,
        counts=(8, 40, 30),
        ended_at=now - dt.timedelta(days=2),
        weight_kg=Decimal("61"),
        height_cm=Decimal("166"),
        actor=alice,
    )
    make_transfusion(
        patient,
        counts=(8, 40, 30),
        ended_at=now - dt.timedelta(days=20),
        weight_kg=Decimal("58"),
        height_cm=Decimal("166"),
    )
    profile = TransfusionProfile.objects.get(patient=patient)
    assert profile.weight_kg == Decimal("61")
    assert profile.measured_on == timezone.localdate(now - dt.timedelta(days=2))
    prefill = prefill_for(patient)
    assert (prefill.weight_kg, prefill.height_cm, prefill.source) == (
        Decimal("61"),
        Decimal("166"),
        "profile",
    )
    assert AuditEvent.objects.filter(
        object_type="transfusion.transfusionprofile", patient_id=patient.public_id
    ).exists()


def test_a_newer_follow_up_visit_prefills_weight_and_height(patient: Any, centre_a: Any) -> None:
    from filiere.followup.tests.helpers import record_visit

    make_transfusion(patient, counts=(8, 40, 30), ended_at=timezone.now() - dt.timedelta(days=40))
    record_visit(
        patient,
        centre_a,
        timezone.localdate() - dt.timedelta(days=3),
        weight_kg=Decimal("64.5"),
        height_cm=Decimal("176"),
    )
    prefill = prefill_for(patient)
    assert (prefill.weight_kg, prefill.height_cm, prefill.source) == (
        Decimal("64.5"),
        Decimal("176"),
        "visit",
    )


def test_abo_rhd_is_stored_audited_and_correctable(julien: User, patient: Any) -> None:
    """The patient's ABO/RhD reset on every visit of the instruction page: it is stored on the
    transfusion profile by a service, each change audited with the values before and after."""
    changes = transfusion_profile_update(actor=julien, patient=patient, abo="A", rhd="pos")
    assert changes["abo"] == {"avant": "", "après": "A"}
    assert str(TransfusionProfile.objects.get(patient=patient)) == "A+"
    corrected = transfusion_profile_update(actor=julien, patient=patient, abo="O", rhd="neg")
    assert corrected["abo"] == {"avant": "A", "après": "O"}
    assert prefill_for(patient).abo == "O"
    events = AuditEvent.objects.filter(
        object_type="transfusion.transfusionprofile", actor=julien
    ).order_by("occurred_at")
    assert [e.action for e in events] == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]
    assert transfusion_profile_update(actor=julien, patient=patient, abo="O", rhd="neg") == {}


def test_the_profile_refuses_half_measures(julien: User, patient: Any) -> None:
    """An outsider is refused by the page (``test_views_records``), not here."""
    with pytest.raises(ValidationError) as refused:
        transfusion_profile_update(
            actor=julien, patient=patient, weight_kg=Decimal("60"), measured_on=dt.date(2026, 1, 5)
        )
    assert "height_cm" in refused.value.message_dict
    with pytest.raises(ValidationError) as implausible:
        transfusion_profile_update(
            actor=julien,
            patient=patient,
            weight_kg=Decimal("7"),
            height_cm=Decimal("175"),
            measured_on=timezone.localdate(),
        )
    assert "weight_kg" in implausible.value.message_dict
    assert not TransfusionProfile.objects.exists()
